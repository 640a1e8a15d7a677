"""``hushall serve`` and ``hushall user``: the web application from the command line.

Register them on the main group with :func:`register_web_commands`. The web dependencies are an extra
(``pip install "hushall[web]"``); without them these commands say so instead of failing with a traceback.
"""

from __future__ import annotations

import dataclasses
import sys
from typing import Any

import click

from hushall.cli.common import handle_errors

WEB_EXTRA_HINT = 'Webbdelen kräver extra paket: pip install "hushall[web]"'


def _require_web() -> None:
    try:
        import argon2  # noqa: F401
        import fastapi  # noqa: F401
        import sqlalchemy  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as exc:
        raise click.ClickException(f"{WEB_EXTRA_HINT} ({exc.name} saknas).") from exc


def _database_url(url: str | None) -> str:
    from hushall.web.config import default_database_url, normalise_database_url

    return normalise_database_url(url) if url else default_database_url()


def _safe_url(url: str) -> str:
    """The URL without its password, for messages."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


database_option = click.option(
    "--database-url", metavar="URL", envvar="HUSHALL_DATABASE_URL",
    help="Databas, t.ex. postgresql://användare@värd/hushall. Standard: en SQLite-fil i användarens datamapp.",
)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Adress att lyssna på.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port.")
@database_option
@click.option("--demo", is_flag=True, help="Starta med Exempelkommun och en demoanvändare (ny databas).")
@click.option("--secure-cookies", is_flag=True, help="Kakor bara över HTTPS (bakom en HTTPS-proxy).")
@click.option("--job-workers", default=None, type=click.IntRange(1, 16),
              help="Optimeringar som får köras samtidigt (en process var; standard HUSHALL_WEB_JOB_WORKERS eller 2).")
@handle_errors
def serve(host: str, port: int, database_url: str | None, demo: bool, secure_cookies: bool,
          job_workers: int | None) -> None:
    """Starta webbapplikationen (FastAPI) – det gemensamma arbetsrummet för planerna."""
    _require_web()
    import uvicorn

    from hushall.web.app import create_app
    from hushall.web.config import WebSettings
    from hushall.web.demo import demo_database_url, prepare_demo

    if demo and not database_url:
        database_url = demo_database_url()
    url = _database_url(database_url)
    settings = WebSettings(database_url=url, secure_cookies=secure_cookies, demo=demo)
    if job_workers is not None:  # else the settings' own default (HUSHALL_WEB_JOB_WORKERS or 2)
        settings = dataclasses.replace(settings, job_workers=job_workers)
    click.echo(f"Databas: {_safe_url(url)}", err=True)
    login = prepare_demo(settings) if demo else None
    app = create_app(settings)  # creates and migrates the database on first start
    address = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}/"
    click.echo(f"Hushåll körs på {address}  (avsluta med Ctrl+C)", err=True)
    if login is not None:
        click.echo(f"Demo: logga in som {login.username!r} med lösenordet {login.password!r} "
                   "(slumpat för den här körningen).", err=True)
    else:
        click.echo("Saknar du ett konto? Skapa en administratör: hushall user add NAMN --role administratör",
                   err=True)
    uvicorn.run(app, host=host, port=port, log_level="info", proxy_headers=False)


@click.group()
def user() -> None:
    """Användarkonton för webbapplikationen."""


def _factory(database_url: str | None) -> Any:
    _require_web()
    from hushall.web.db import make_engine, migrate, session_factory

    engine = make_engine(_database_url(database_url))
    migrate(engine)
    return session_factory(engine)


def _read_password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(click.prompt("Lösenord", hide_input=True, confirmation_prompt="Upprepa lösenordet"))


@user.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice(["administratör", "planerare", "läsare"]), required=True,
              help="Roll: administratör, planerare eller läsare.")
@click.option("--display-name", default="", help="Namn som visas i gränssnittet.")
@click.option("--password-stdin", is_flag=True, help="Läs lösenordet från standard in (för skript).")
@database_option
def user_add(username: str, role: str, display_name: str, password_stdin: bool, database_url: str | None) -> None:
    """Lägg till en användare. Lösenordet frågas efter (minst 10 tecken); det finns inget standardlösenord."""
    from hushall.web.security import AccountError, add_user

    factory = _factory(database_url)
    password = _read_password(password_stdin)
    try:
        with factory() as db, db.begin():
            add_user(db, username, password, role, display_name)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"La till {username} ({role}).", err=True)


@user.command("password")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Läs lösenordet från standard in (för skript).")
@database_option
def user_password(username: str, password_stdin: bool, database_url: str | None) -> None:
    """Byt lösenord för en användare (alla hens inloggningar avslutas)."""
    from hushall.web.security import AccountError, find_user, set_password

    factory = _factory(database_url)
    password = _read_password(password_stdin)
    try:
        with factory() as db, db.begin():
            target = find_user(db, username)
            if target is None:
                raise AccountError(f"Användaren {username} finns inte.")
            set_password(db, target, password)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Bytte lösenord för {username}.", err=True)


@user.command("list")
@database_option
def user_list(database_url: str | None) -> None:
    """Lista användarna."""
    from sqlalchemy import select

    from hushall.web.models import User

    factory = _factory(database_url)
    with factory() as db:
        for u in db.scalars(select(User).order_by(User.username)):
            click.echo(f"{u.username}\t{u.role}\t{'aktiv' if u.active else 'avstängd'}\t{u.display_name}")


def register_web_commands(group: click.Group) -> None:
    """Add ``serve`` and ``user`` to the ``hushall`` command group."""
    group.add_command(serve)
    group.add_command(user)
