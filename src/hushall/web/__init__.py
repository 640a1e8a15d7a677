"""Hushåll web: the shared workspace where officials build plans and politicians decide.

A FastAPI application with server-rendered Jinja2 pages (htmx for partial updates) and the same operations as a
JSON API. Start it with ``hushall serve`` (or ``hushall serve --demo``); build it in code with
:func:`hushall.web.app.create_app`. Requires the ``web`` extra (``pip install "hushall[web]"``).

Presentation only: the figures come from :mod:`hushall.needs`, :mod:`hushall.finance` and
:mod:`hushall.optimize`; this package stores data versions and plan variants, runs the optimiser in worker
processes and shows the results.
"""

from __future__ import annotations

__all__ = ["DEMO_HINT", "create_app"]

#: What ``hushall demo`` prints about the web application (importable without the ``web`` extra).
DEMO_HINT = ("Öppna planen i webbläsaren med Exempelkommun laddad:\n"
             "  hushall serve --demo\n"
             "och gå till adressen som skrivs ut (http://127.0.0.1:8000/). Användarnamn och ett slumpat lösenord "
             "skrivs ut när servern startar.")


def create_app(*args: object, **kwargs: object) -> object:
    """Build the web application (see :func:`hushall.web.app.create_app`)."""
    from hushall.web.app import create_app as _create_app

    return _create_app(*args, **kwargs)  # type: ignore[arg-type]
