"""Routers: pages (HTML) grouped by area, and the JSON API."""
