"""Jinja2 templates with the interface language, number filters and the CSRF token in every page."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from importlib import resources
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from markupsafe import Markup

from hushall import __version__
from hushall.formatting import fmt_kr, fmt_mkr, fmt_number, fmt_pct, fmt_tkr
from hushall.web.i18n import LANGUAGES, translate
from hushall.web.security import CSRF_FIELD, as_utc, has_role

LOCAL_TIME = ZoneInfo("Europe/Stockholm")

NAVIGATION: tuple[tuple[str, str, str], ...] = (
    ("overview", "/", "Översikt"),
    ("data", "/data", "Data"),
    ("needs", "/behov", "Behov"),
    ("economy", "/ekonomi", "Ekonomi"),
    ("plans", "/planer", "Planer"),
    ("peers", "/jamfor", "Jämför"),
    ("followup", "/uppfoljning", "Uppföljning"),
    ("report", "/rapport", "Rapport"),
    ("prioritize", "/prioritera", "Prioritera"),
)


def _lang(ctx: Any) -> str:
    return str(ctx.get("lang", "sv"))


@pass_context
def _t(ctx: Any, text: str, **values: Any) -> str:
    return translate(text, _lang(ctx), **values)


@pass_context
def _num(ctx: Any, x: float | None, decimals: int = 0) -> str:
    return fmt_number(x, decimals, _lang(ctx))


@pass_context
def _mkr(ctx: Any, x: float | None, decimals: int = 1) -> str:
    return fmt_mkr(x, decimals, _lang(ctx))


@pass_context
def _tkr(ctx: Any, x: float | None, decimals: int = 0) -> str:
    return fmt_tkr(x, decimals, _lang(ctx))


@pass_context
def _kr(ctx: Any, x: float | None) -> str:
    return fmt_kr(x, lang=_lang(ctx))


@pass_context
def _pct(ctx: Any, x: float | None, decimals: int = 1) -> str:
    return fmt_pct(x, decimals, _lang(ctx))


def _when(moment: datetime | None) -> str:
    if moment is None:
        return "–"
    return as_utc(moment).astimezone(LOCAL_TIME).strftime("%Y-%m-%d %H:%M")


def _context(request: Request) -> dict[str, Any]:
    user = getattr(request.state, "user", None)
    return {
        "lang": getattr(request.state, "lang", "sv"),
        "languages": LANGUAGES,
        "user": user,
        "csrf_token": getattr(request.state, "csrf", "") or "",
        "csrf_field": CSRF_FIELD,
        "navigation": NAVIGATION,
        "is_planner": has_role(user, "planerare"),
        "is_admin": has_role(user, "administratör"),
        "app_version": __version__,
    }


def _criterion(key: str) -> str:
    """A criterion's name in words (sheet Mål's ``kriterievikt`` keys are ids, never shown)."""
    from hushall.data.schema import CRITERION_LABELS

    return CRITERION_LABELS.get(str(key), str(key))


def make_templates() -> Jinja2Templates:
    directory = str(resources.files("hushall.web").joinpath("templates"))
    templates = Jinja2Templates(directory=directory, context_processors=[_context])
    env = templates.env
    env.globals["_"] = _t
    env.filters.update(num=_num, mkr=_mkr, tkr=_tkr, kr=_kr, pct=_pct, when=_when, criterion=_criterion)
    env.trim_blocks = True
    env.lstrip_blocks = True
    # The templates are package data and do not change while the server runs: without this, Jinja stats every
    # template file (and each one it extends or includes) on every request — 10–18 % of a page's time under load
    # (benchmarks/web_load.py).
    env.auto_reload = False
    return templates


TEMPLATES = make_templates()


def page(request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200,
         headers: dict[str, str] | None = None) -> HTMLResponse:
    return TEMPLATES.TemplateResponse(request, name, context or {}, status_code=status_code, headers=headers)


def cached_page(request: Request, name: str, context: dict[str, Any], key: Any, title: str,
                status_code: int = 200, more: Callable[[], dict[str, Any]] | None = None) -> HTMLResponse:
    """A page whose main content is the same for every user: rendered once per ``key`` and language.

    Only the frame (user name, CSRF token, menu) is rendered per request; the content template must not use
    anything user-specific. Data versions and plan results never change, so their keys never go stale.
    """
    from hushall.web.deps import state

    lang = getattr(request.state, "lang", "sv")

    def render() -> str:
        # ``more``: the rest of the context, computed only when the page is not cached yet
        ctx = {**_context(request), **context, **(more() if more is not None else {}), "request": request}
        return TEMPLATES.env.get_template(name).render(ctx)

    html = render() if key is None else state(request).views.get_or_make(("html", name, key, lang), render)
    shell = {k: v for k, v in context.items() if k in ("active", "dv")}
    return page(request, "shell.html", {**shell, "content_html": Markup(html), "title": title},
                status_code=status_code)
