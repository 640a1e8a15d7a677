"""Every role tried against every protected route: no escalation.

The routes are enumerated from the routers; each must carry a :class:`hushall.web.deps.Require` (its lowest
allowed role) or be on the short public list. Every user whose role ranks lower is refused (403), and an
anonymous caller is sent to the login page (pages) or gets 401 (API).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.routing import APIRoute

from hushall.web.deps import Require
from hushall.web.routes import admin, api, auth, data, pages, plans
from hushall.web.security import ROLE_RANK

PUBLIC = {("GET", "/logga-in"), ("POST", "/logga-in"), ("POST", "/logga-ut"), ("POST", "/sprak"),
          ("POST", "/api/v1/session"), ("GET", "/api/docs")}
USERS = {"läsare": "reader", "planerare": "planner", "administratör": "admin"}
SAMPLE = {"number": "1", "variant_id": "1", "job_id": "1", "user_id": "1", "name": "population",
          "metric": "result_kr", "table": "facilities", "upload_id": "1"}
QUERY = {"/data/jamfor": "?fran=1&till=1", "/api/v1/data/diff": "?from=1&to=1", "/api/v1/compare": "?ids=1&ids=1",
         "/planer/jamfor/diagram/{metric}.svg": "?v=1"}


def all_routes() -> list[tuple[str, str, str | None]]:
    out = []
    for module in (auth, pages, data, plans, admin, api):
        routers = [module.router] + ([module.docs_router] if module is api else [])
        for router in routers:
            for route in router.routes:
                assert isinstance(route, APIRoute)
                required = [d.call.role for d in route.dependant.dependencies if isinstance(d.call, Require)]
                for method in route.methods:
                    out.append((method, route.path, required[0] if required else None))
    return out


ROUTES = all_routes()


def test_every_route_is_protected_or_explicitly_public() -> None:
    unprotected = {(m, p) for m, p, role in ROUTES if role is None}
    assert unprotected == PUBLIC


def url_of(path: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: SAMPLE[m.group(1)], path) + QUERY.get(path, "")


PROTECTED = [(m, p, r) for m, p, r in ROUTES if r is not None]


@pytest.mark.parametrize(("method", "path", "role"), PROTECTED, ids=[f"{m} {p}" for m, p, _ in PROTECTED])
def test_no_role_below_the_required_one_gets_through(browser_for: Any, app: Any, method: str, path: str,
                                                     role: str) -> None:
    with app.state.hushall.factory() as db, db.begin():
        from hushall.web.models import PlanVariant
        from hushall.web.store import latest_version

        if db.get(PlanVariant, 1) is None:
            dv = latest_version(db)
            assert dv is not None
            v = PlanVariant(family_id=1, version_no=1, name="x", description="", data_version_id=dv.id,
                            settings={"targets": {}, "weights": {}, "must_do": []}, status="utkast", row_version=1)
            db.add(v)
    url = url_of(path)
    escalations = []
    anonymous = browser_for(None)
    r = anonymous.client.request(method, url, follow_redirects=False,
                                 headers={"X-CSRF-Token": anonymous.csrf or "x"})
    expected_anonymous = (401,) if path.startswith("/api/") else (303, 403)
    if r.status_code not in expected_anonymous:
        escalations.append(("anonymous", r.status_code))
    for user_role, name in USERS.items():
        if ROLE_RANK[user_role] >= ROLE_RANK[role]:
            continue
        b = browser_for(name)
        r = b.client.request(method, url, follow_redirects=False, headers={"X-CSRF-Token": b.csrf},
                             data={"csrf_token": b.csrf} if method == "POST" and not path.startswith("/api/") else None)
        if r.status_code != 403:
            escalations.append((user_role, r.status_code))
    assert escalations == []


def test_allowed_roles_do_get_through_on_read_routes(browser_for: Any) -> None:
    reader = browser_for("reader")
    for method, path, role in PROTECTED:
        if method == "GET" and role == "läsare" and "{" not in path and path not in QUERY:
            assert reader.get(path).status_code == 200, path
