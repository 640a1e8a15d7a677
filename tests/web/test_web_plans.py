"""Page 5 Planer: variants, optimistic locking, immutable decided variants, background jobs in worker
processes (progress, reload, failure, restart), comparison and the Excel report."""

from __future__ import annotations

import io
import os
import signal
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from web_helpers import Browser, api_token, fake_planner, make_settings, wait_for

from hushall.web.app import create_app
from hushall.web.jobs import JobDispatcher
from hushall.web.models import Job, PlanVariant


def variant_form(name: str = "Plan A", **extra: Any) -> dict[str, Any]:
    form = {"name": name, "description": "", "target__resultat_andel": "1", "target__självfinansieringsgrad": "60",
            "target__låneskuld_per_invånare": "75000", "target__soliditet": "30", "target__investeringstak_kr": "120",
            "target__max_parallella_projekt": "6", "weight__lagkrav": "0,3", "weight__kapacitet": "0,25",
            "weight__skick": "0,2", "weight__energi": "0,1", "weight__beredskap": "0,1", "weight__politik": "0,05"}
    form.update(extra)
    return form


def create(browser: Browser, name: str = "Plan A", **extra: Any) -> int:
    r = browser.post("/planer", variant_form(name, **extra))
    assert r.status_code == 303, r.text
    return int(r.headers["location"].rsplit("/", 1)[1])


def row_version(browser: Browser, variant_id: int) -> int:
    return int(browser.get(f"/api/v1/variants/{variant_id}").json()["row_version"])


def test_create_variant_with_targets_weights_and_must_do(planner: Browser) -> None:
    vid = create(planner, "Med måsten", must_do=["P-03", "P-01"], **{"target__investeringstak_kr": "150,5"})
    v = planner.get(f"/api/v1/variants/{vid}").json()
    assert v["settings"]["targets"]["investeringstak_kr"] == pytest.approx(150.5e6)
    assert v["settings"]["targets"]["resultat_andel"] == pytest.approx(0.01)
    assert v["settings"]["weights"]["lagkrav"] == pytest.approx(0.3)
    assert v["settings"]["must_do"] == ["P-01", "P-03"]
    assert v["status"] == "utkast"
    page = planner.get(f"/planer/{vid}")
    assert "Med måsten" in page.text and "P-03" in page.text


def test_a_variant_chooses_its_reinvestment_policy_and_frame(planner: Browser) -> None:
    """The policy and frame chosen in the form reach the variant's data as the assumptions the forecast reads."""
    from hushall.examples import exempelkommun
    from hushall.finance import forecast
    from hushall.web.planning import apply_variant

    vid = create(planner, "Efter behov", reinvestment_policy="behov")
    settings = planner.get(f"/api/v1/variants/{vid}").json()["settings"]
    assert settings["reinvestment_policy"] == "behov" and settings["reinvestment_frame_kr"] is None
    assert "Efter behov: varje komponent förnyas" in planner.get(f"/planer/{vid}").text
    data = exempelkommun()
    debt = {}
    for policy, frame in (("", None), ("behov", None), ("ram", 90e6), ("ingen", None)):
        variant_data = apply_variant(data, {"reinvestment_policy": policy, "reinvestment_frame_kr": frame})
        debt[policy] = float(forecast(variant_data).statements["underhållsskuld_fasta_priser"][-1])
        if frame is not None:
            assert variant_data.assumption("reinvestering_ram_kr")[0] == pytest.approx(frame)
    assert debt["behov"] == pytest.approx(0.0, abs=1.0)
    assert debt["ram"] < debt[""] < debt["ingen"]  # a 90 Mkr frame renews more than the example's 65 Mkr
    vid = create(planner, "Större ram", reinvestment_policy="ram", reinvestment_frame_mkr="90,5")
    assert planner.get(f"/api/v1/variants/{vid}").json()["settings"]["reinvestment_frame_kr"] == pytest.approx(90.5e6)
    r = planner.post("/planer", variant_form("Fel", reinvestment_policy="lite"))
    assert r.status_code == 422 and "reinvesteringspolicy" in r.text
    r = planner.post("/planer", variant_form("Fel", reinvestment_frame_mkr="-5"))
    assert r.status_code == 422 and "negativt" in r.text


def test_a_variant_lets_the_optimiser_decide_the_reinvestment(planner: Browser) -> None:
    """The checkbox is stored in the variant's settings, shown on the plan page and the edit form, and reaches the
    plan study the worker runs (the real optimiser, short): the economy then replays the optimiser's renewal."""
    from functools import partial

    from hushall.web.config import SolverLimits
    from hushall.web.jobs import JobDispatcher
    from hushall.web.planning import optimise_plan
    from hushall.web.worker import run_job

    label = "Låt optimeringen besluta reinvesteringen (förnya, skjuta upp eller avveckla per anläggningsgrupp och år)"
    box = 'id="renewal_decisions" name="renewal_decisions" aria-describedby="renewal-help" checked'
    new_form = planner.get("/planer/ny").text
    assert label in new_form and box in new_form  # a new variant: the optimiser decides (the default)
    plain = create(planner, "Policyn")  # the box left empty: the data's policy
    assert planner.get(f"/api/v1/variants/{plain}").json()["settings"]["renewal_decisions"] is False
    assert label in planner.get(f"/planer/{plain}/redigera").text
    assert box not in planner.get(f"/planer/{plain}/redigera").text  # the stored variant keeps what it has
    assert "Reinvesteringen följde policyn ovan" in planner.get(f"/planer/{plain}").text
    vid = create(planner, "Beslutad förnyelse", renewal_decisions="on")
    assert planner.get(f"/api/v1/variants/{vid}").json()["settings"]["renewal_decisions"] is True
    assert "Optimeringen beslutade reinvesteringen per anläggningsgrupp och år." in planner.get(f"/planer/{vid}").text
    assert 'id="renewal_decisions" name="renewal_decisions" aria-describedby="renewal-help" checked' in \
        planner.get(f"/planer/{vid}/redigera").text
    # the worker's real planner, with a short time limit and no risk analysis
    assert planner.post(f"/planer/{vid}/optimera").status_code == 303
    st = planner.client.app.state.hushall
    claimed = JobDispatcher(st.settings, st.factory)._claim(["optimise"])
    assert claimed is not None
    run_job(st.settings.database_url, claimed[0], 120.0, planner=partial(
        optimise_plan, limits=SolverLimits(10.0, 0.02, 0.0), mc_draws=0, robust_level=0.0))
    with st.factory() as db:
        stored = db.get(Job, claimed[0]).result
    assert stored["request"]["renewal_decisions"] is True and stored["optimization"]["renewal"]
    # the plan's economy is the study's: investment = the optimiser's projects + renewal
    economy = planner.get(f"/api/v1/economy?variant={vid}").json()
    flows = dict(economy["statements"]["Kassaflödesanalys"])
    shown = -np.asarray(flows["Investering materiella anläggningstillgångar"], dtype=float)
    np.testing.assert_allclose(shown, stored["figures"]["investments_kr"], atol=1.0)
    assert sum(r["renewal_kr"] for r in stored["optimization"]["renewal"]) > 1e6  # the optimiser renewed
    # … which the data's policy alone would not give: the page did not fall back to it
    from hushall.finance import forecast
    from hushall.web.planning import apply_variant, stored_schedule
    from hushall.web.store import build_version

    variant = planner.get(f"/api/v1/variants/{vid}").json()
    with st.factory() as db:
        data = apply_variant(build_version(db.get(PlanVariant, vid).data_version), variant["settings"])
    policy = -forecast(data, stored_schedule(stored)).cash_flow.loc["investering_materiella_anläggningstillgångar"]
    assert np.abs(policy.to_numpy() - shown).max() > 1e6
    assert "optimeringens reinvesteringsbeslut" in planner.get(f"/planer/{vid}").text  # the verdict names it


def test_invalid_settings_are_explained(planner: Browser) -> None:
    r = planner.post("/planer", variant_form("Fel", **{"target__soliditet": "mycket"}))
    assert r.status_code == 422
    assert "inte ett tal" in r.text
    r = planner.post("/planer", variant_form("Fel", must_do=["P-999"]))
    assert r.status_code == 422 and "Okända projekt" in r.text


def test_second_editor_is_told_and_nothing_is_overwritten(browser_for: Any) -> None:
    anna, bertil = browser_for("planner"), browser_for("admin")
    vid = create(anna)
    seen = row_version(anna, vid)  # both open the edit form at the same version
    assert "row_version" in bertil.get(f"/planer/{vid}/redigera").text
    first = anna.post(f"/planer/{vid}", variant_form("Annas namn", row_version=str(seen)))
    assert first.status_code == 303
    second = bertil.post(f"/planer/{vid}", variant_form("Bertils namn", row_version=str(seen)))
    assert second.status_code == 409
    assert "Någon annan har ändrat planvarianten" in second.text
    assert anna.get(f"/api/v1/variants/{vid}").json()["name"] == "Annas namn"
    # the same through the API
    headers = api_token(bertil.client, "admin")
    body = {"row_version": seen, "name": "API", "settings": {}}
    assert bertil.client.put(f"/api/v1/variants/{vid}", json=body, headers=headers).status_code == 409


def test_decided_variant_is_immutable_and_editing_makes_a_new_version(planner: Browser) -> None:
    from web_helpers import run_queued_plans

    vid = create(planner)
    assert planner.post(f"/planer/{vid}/optimera").status_code == 303
    assert run_queued_plans(planner.client.app) == 1  # a variant is decided with its result
    rv = row_version(planner, vid)
    assert planner.post(f"/planer/{vid}/besluta", {"row_version": str(rv)}).status_code == 303
    decided = planner.get(f"/api/v1/variants/{vid}").json()
    assert decided["status"] == "beslutad" and decided["decided_by"] == "planner"
    r = planner.post(f"/planer/{vid}", variant_form("Ändrad", row_version=str(decided["row_version"])))
    assert r.status_code == 303
    new_id = int(r.headers["location"].rsplit("/", 1)[1])
    assert new_id != vid
    successor = planner.get(f"/api/v1/variants/{new_id}").json()
    assert (successor["family_id"], successor["version_no"], successor["parent_id"]) == (vid, 2, vid)
    assert successor["status"] == "utkast" and successor["name"] == "Ändrad"
    assert planner.get(f"/api/v1/variants/{vid}").json()["name"] == "Plan A"  # the decided one never changed
    # deciding twice is refused, not silently accepted
    r = planner.post(f"/planer/{vid}/besluta", {"row_version": str(decided["row_version"])})
    assert r.headers["location"].endswith("konflikt=1")


@pytest.fixture
def job_app(sqlite_url: str) -> Any:
    return fake_planner(create_app(make_settings(sqlite_url, run_jobs=True)))


def job_of(app: Any, job_id: int) -> Job:
    with app.state.hushall.factory() as db:
        job = db.get(Job, job_id)
        assert job is not None
        return job


def test_optimiser_runs_in_a_worker_process_with_visible_progress(job_app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUSHALL_FAKE_PLANNER_SECONDS", "1.5")
    with TestClient(job_app) as client:
        b = Browser(client)
        b.login("planner")
        vid = create(b)
        r = b.post(f"/planer/{vid}/optimera")
        assert r.status_code == 303
        page = b.get(f"/planer/{vid}")  # the request returned at once; the job runs elsewhere
        assert "hx-trigger=\"every 1s\"" in page.text
        job_id = b.get(f"/api/v1/variants/{vid}").json()["latest_job"]["id"]
        running = wait_for(lambda: job_of(job_app, job_id).status == "running" and job_of(job_app, job_id).pid)
        assert running
        job = job_of(job_app, job_id)
        assert job.pid != os.getpid()
        wait_for(lambda: job_of(job_app, job_id).progress > 0.1)
        fragment = b.get(f"/planer/{vid}/jobb?polling=1", headers={"HX-Request": "true"})
        assert "<progress" in fragment.text and "<html" not in fragment.text
        wait_for(lambda: job_of(job_app, job_id).status == "done", timeout=30)
        # a reload (or the poll) now shows the result
        done = b.get(f"/planer/{vid}/jobb?polling=1", headers={"HX-Request": "true"})
        assert done.headers.get("HX-Refresh") == "true"
        page = b.get(f"/planer/{vid}")
        assert "Valda projekt" in page.text and "projekt valdes" in page.text
        # the same job through the API
        headers = api_token(client, "reader")
        assert client.get(f"/api/v1/jobs/{job_id}", headers=headers).json()["status"] == "done"


def test_failed_job_is_reported(job_app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUSHALL_FAKE_PLANNER_FAIL", "1")
    with TestClient(job_app) as client:
        headers = api_token(client, "planner")
        vid = client.post("/api/v1/variants", json={"name": "Trasig"}, headers=headers).json()["id"]
        job = client.post(f"/api/v1/variants/{vid}/jobs", headers=headers).json()
        wait_for(lambda: job_of(job_app, job["id"]).status == "failed", timeout=30)
        assert "gick sönder med flit" in job_of(job_app, job["id"]).error


def test_killed_worker_is_reported_as_interrupted(job_app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUSHALL_FAKE_PLANNER_SECONDS", "30")
    with TestClient(job_app) as client:
        headers = api_token(client, "planner")
        vid = client.post("/api/v1/variants", json={"name": "Lång"}, headers=headers).json()["id"]
        job = client.post(f"/api/v1/variants/{vid}/jobs", headers=headers).json()
        pid = wait_for(lambda: job_of(job_app, job["id"]).pid, timeout=30)
        wait_for(lambda: job_of(job_app, job["id"]).progress > 0.05, timeout=30)
        os.kill(pid, signal.SIGKILL)
        wait_for(lambda: job_of(job_app, job["id"]).status not in ("queued", "running"), timeout=30)
        assert job_of(job_app, job["id"]).status == "interrupted"


def test_server_restart_reports_a_running_job_honestly(sqlite_url: str) -> None:
    """A job left 'running' by a server that died (its worker gone, heartbeat old) is marked interrupted at the
    next start; nothing is reported as done."""
    app = create_app(make_settings(sqlite_url))
    factory = app.state.hushall.factory
    with factory() as db, db.begin():
        dv_id = db.execute(select(PlanVariant.id)).first()
        from hushall.web.store import latest_version

        dv = latest_version(db)
        assert dv is not None and dv_id is None
        v = PlanVariant(family_id=1, version_no=1, name="x", description="", data_version_id=dv.id,
                        settings={"targets": {}, "weights": {}, "must_do": []}, status="utkast", row_version=1)
        db.add(v)
        db.flush()
        db.add(Job(variant_id=v.id, variant_row_version=1, status="running", progress=0.4, message="",
                   error="", runner_id=f"{os.uname().nodename}:1:dead", pid=2**22 + 17))
    dispatcher = JobDispatcher(make_settings(sqlite_url), factory)
    assert dispatcher.recover() == 1
    with factory() as db:
        job = db.scalars(select(Job)).one()
        assert job.status == "interrupted"
        assert "avbröts" in job.error


def test_compare_two_variants_and_download_the_plan(job_app: Any) -> None:
    with TestClient(job_app) as client:
        b = Browser(client)
        b.login("planner")
        ids = [create(b, "Snål", **{"target__investeringstak_kr": "40"}), create(b, "Generös")]
        jobs = [b.post(f"/planer/{i}/optimera") for i in ids]
        assert all(r.status_code == 303 for r in jobs)

        def both_done() -> bool:
            return all((b.get(f"/api/v1/variants/{i}").json()["latest_job"] or {}).get("status") == "done"
                       for i in ids)

        wait_for(both_done, timeout=60)
        page = b.get(f"/planer/jamfor?v={ids[0]}&v={ids[1]}")
        assert page.status_code == 200
        assert "Snål" in page.text and "Generös" in page.text and "Investeringar per år" in page.text
        for metric in ("investments_kr", "result_kr", "debt_kr", "maintenance_debt_kr", "places_short"):
            svg = b.get(f"/planer/jamfor/diagram/{metric}.svg?v={ids[0]}&v={ids[1]}")
            assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml"), metric
        assert b.get(f"/planer/jamfor?v={ids[0]}").status_code == 200  # one is not enough: asks for 2–4
        api = b.get(f"/api/v1/compare?ids={ids[0]}&ids={ids[1]}").json()
        assert [v["result"] is not None for v in api] == [True, True]
        # results without a risk analysis (the stand-in planner, results stored before it) still render
        assert "Sannolikhet att alla mål håller varje år" in page.text
        plan = b.get(f"/planer/{ids[0]}")
        assert plan.status_code == 200 and "Risken är inte beräknad" in plan.text
        assert "Håller god ekonomisk hushållning?" in plan.text  # the verdict, without a risk part
        assert "sannolikheten att målen håller i osäkra framtider är inte prövad" in plan.text
        assert b.get(f"/planer/{ids[0]}/risk/sannolikhet.svg").status_code == 404

        xlsx = b.get(f"/planer/{ids[0]}/plan.xlsx")
        assert xlsx.status_code == 200
        import openpyxl

        wb = openpyxl.load_workbook(io.BytesIO(xlsx.content))
        assert {"Plan", "Projekt", "Per år", "Förklaringar"} <= set(wb.sheetnames)
        explanation = next(c.value for c in wb["Förklaringar"]["A"] if c.value and "HYPERLINK" in str(c.value))
        assert explanation.startswith("'=")  # escaped: never a formula
        assert wb["Förklaringar"]["A3"].data_type == "s"
        economy = b.get(f"/ekonomi?variant={ids[0]}")
        assert economy.status_code == 200 and "Resultaträkning" in economy.text


def test_plan_view_reads_a_real_optimiser_result_and_old_results_still_load() -> None:
    from tests.reports.test_reports_document import SCHEDULE, fake_optimization

    from hushall.examples import exempelkommun
    from hushall.study.request import PlanRequest
    from hushall.study.study import PlanStudy, run_study
    from hushall.web.planning import plan_view, stored_schedule

    data = exempelkommun()
    study = run_study(data, PlanRequest(draws=0), optimization=fake_optimization())
    result = plan_view(PlanStudy.from_json(study.to_json()), data)
    assert {r["project_id"] for r in result["schedule"]} == set(SCHEDULE)
    assert all(r["explanation"] for r in result["schedule"] + result["not_chosen"])
    assert len(result["not_chosen"]) == len(data.projects) - len(SCHEDULE)
    assert result["value"] == 12.5 and result["status"] == "optimal"
    assert len(result["investments_kr"]) == len(data.years)
    # a result stored before the study layer (version 0: the page's keys) is read by the same functions
    old = {"schedule": [{"project_id": "P-01", "start_year": 2027}], "years": [2025]}
    assert stored_schedule(old) == {"P-01": 2027} and stored_schedule(study.to_json()) == SCHEDULE


def test_a_variant_can_ask_for_a_budget_in_balance_every_year(planner: Browser) -> None:
    """The box 'Budget i balans varje år' is stored in the variant's settings, shown on the plan page and the edit
    form, and reaches the study the worker asks for (the optimiser's ``balanskrav``)."""
    from hushall.study.settings import balanskrav_of, renewal_decisions_of
    from hushall.web.planning import study_request

    label = "Budget i balans varje år (kommunallagen 11 kap. 5 §)"
    box = 'id="balanced_budget" name="balanced_budget" aria-describedby="balance-help" checked'
    new_form = planner.get("/planer/ny").text
    assert label in new_form and box not in new_form  # a new variant: a deficit restored in three years allowed
    plain = create(planner, "Med underskott")
    settings = planner.get(f"/api/v1/variants/{plain}").json()["settings"]
    assert settings["balanced_budget"] is False and balanskrav_of(settings) == "restore"
    assert "Ett år får gå med underskott om det återställs inom tre år." in planner.get(f"/planer/{plain}").text
    vid = create(planner, "Budget i balans", balanced_budget="on")
    settings = planner.get(f"/api/v1/variants/{vid}").json()["settings"]
    assert settings["balanced_budget"] is True
    assert "Planen har budget i balans varje år (kommunallagen 11 kap. 5 §)." in planner.get(f"/planer/{vid}").text
    assert box in planner.get(f"/planer/{vid}/redigera").text
    request = study_request(None, 0, 0.0, renewal_decisions_of(settings), balanskrav_of(settings))
    assert request.balanskrav == "balanced"
