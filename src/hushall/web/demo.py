"""``hushall serve --demo``: a fresh database with Exempelkommun, a demo administrator and a first plan.

The password is random and printed once; there is no default password anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from hushall.web import DEMO_HINT
from hushall.web.config import WebSettings, data_dir, sqlite_url
from hushall.web.db import make_engine, migrate, session_factory, transaction
from hushall.web.models import PlanVariant
from hushall.web.security import add_user, find_user, generate_password, set_password

DEMO_USER = "demo"

def demo_hint() -> str:
    """What ``hushall demo`` prints about the web application."""
    return DEMO_HINT


def demo_database_url() -> str:
    """A fresh SQLite file for the demo, beside (never inside) the user's own database."""
    path = Path(data_dir()) / "demo.sqlite"
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    return sqlite_url(path)


@dataclass
class DemoLogin:
    username: str
    password: str


def prepare_demo(settings: WebSettings) -> DemoLogin:
    """Load Exempelkommun (once), create or reset the demo administrator and queue a first plan."""
    from hushall.web.jobs import submit_job
    from hushall.web.planning import default_settings
    from hushall.web.store import example_upload, latest_version, store_version

    engine = make_engine(settings.database_url)
    migrate(engine)
    factory = session_factory(engine)
    password = generate_password()
    with transaction(factory) as db:
        user = find_user(db, DEMO_USER)
        if user is None:
            user = add_user(db, DEMO_USER, password, "administratör", "Demoanvändare")
        else:
            set_password(db, user, password)
        version = latest_version(db)
        if version is None:
            checked = example_upload()
            version = store_version(db, checked, user, "Exempelkommun (demo)")
            data = checked.data
        else:
            data = None
        if data is not None and db.scalar(select(PlanVariant).limit(1)) is None:
            variant = PlanVariant(family_id=0, version_no=1, name="Förslag enligt målen",
                                  description="Demo: optimeringen med kommunens mål och vikter som de är.",
                                  data_version_id=version.id, settings=default_settings(data), status="utkast",
                                  row_version=1, created_by=user.id)
            db.add(variant)
            db.flush()
            variant.family_id = variant.id
            submit_job(db, variant, user)
    engine.dispose()
    return DemoLogin(DEMO_USER, password)
