"""The web application with the REAL optimiser (:mod:`hushall.optimize`, not the stand-in planner): two plan
variants of Exempelkommun run as background jobs in worker processes, their stored results carry every figure
the pages read — the schedule replayed through :func:`hushall.finance.forecast`, to the krona — and the plan and
comparison pages show them in Swedish; each plan is also simulated over 2 000 possible futures (Monte Carlo) and
the plan page says how likely it is to hold, what threatens it and shows the risk charts.

The solves are bounded (a few seconds each, explanations 2 s) so that the module stays well under half a minute.
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from web_helpers import Browser, make_settings, wait_for

from hushall.formatting import fmt_mkr, fmt_pct
from hushall.web.app import create_app
from hushall.web.config import SolverLimits
from hushall.web.models import Job, PlanVariant

FAST = SolverLimits(time_limit_s=6.0, mip_gap=0.01, explain_s=2.0)
DRAWS = 2000
#: Words of the optimiser's internals that must not reach the Swedish pages.
ENGLISH = re.compile(r"\b(target|binding|feasible|infeasible|ranking|violation|None|nan|schedule)\b")


def _form(name: str, ceiling_mkr: str) -> dict[str, Any]:
    return {"name": name, "description": "", "target__resultat_andel": "1", "target__självfinansieringsgrad": "60",
            "target__låneskuld_per_invånare": "75000", "target__soliditet": "30",
            "target__investeringstak_kr": ceiling_mkr, "target__max_parallella_projekt": "6",
            "weight__lagkrav": "0,3", "weight__kapacitet": "0,25", "weight__skick": "0,2", "weight__energi": "0,1",
            "weight__beredskap": "0,1", "weight__politik": "0,05"}


def _as_list(values: Any) -> list[float | None]:
    return [None if not math.isfinite(v) else v for v in np.asarray(values, dtype=float).tolist()]


def test_real_optimiser_through_the_worker_fills_every_figure(sqlite_url: str,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from hushall.finance import forecast
    from hushall.study.study import STUDY_VERSION, PlanStudy
    from hushall.web.planning import RESULT_KEYS, apply_variant, plan_view
    from hushall.web.services import schedule_of
    from hushall.web.store import build_version

    app = create_app(make_settings(sqlite_url, run_jobs=True, job_workers=2, solver=FAST, mc_draws=DRAWS,
                                   robust_level=0.9))
    factory = app.state.hushall.factory
    with TestClient(app) as client:
        b = Browser(client)
        assert b.login("planner").status_code == 303
        ids = []
        fixed_prices: dict[int, np.ndarray] = {}
        for name, ceiling in (("Snål plan", "100"), ("Enligt målen", "185")):  # incl. the reinvestment frame
            r = b.post("/planer", _form(name, ceiling))
            assert r.status_code == 303, r.text
            ids.append(int(r.headers["location"].rsplit("/", 1)[1]))
        for i in ids:
            assert b.post(f"/planer/{i}/optimera").status_code == 303

        messages: set[str] = set()

        def jobs_done() -> bool:
            with factory() as db:
                jobs = [db.query(Job).filter(Job.variant_id == i).one_or_none() for i in ids]
            messages.update(j.message for j in jobs if j is not None and j.message)
            failed = [j.error for j in jobs if j is not None and j.status in ("failed", "interrupted")]
            assert not failed, failed
            return all(j is not None and j.status == "done" for j in jobs)

        wait_for(jobs_done, timeout=120, every=0.05)
        # the optimiser's own progress reached the job's progress display, in Swedish
        assert any("s av högst" in m or "Planen är hittad" in m for m in messages), messages

        views: dict[int, dict[str, Any]] = {}
        with factory() as db:
            for vid in ids:
                variant = db.get(PlanVariant, vid)
                assert variant is not None
                job = db.query(Job).filter(Job.variant_id == vid).one()
                # the worker stores the plan study; the pages render it
                assert job.result["study_version"] == STUDY_VERSION
                data = apply_variant(build_version(variant.data_version), variant.settings)
                result = plan_view(PlanStudy.from_json(job.result), data)
                assert set(RESULT_KEYS) <= set(result), set(RESULT_KEYS) - set(result)
                assert result["status"] in ("optimal", "feasible") and result["method"].startswith("Optimering")
                assert result["value"] is not None and result["value"] > 0
                n = len(data.years)
                f = forecast(data, schedule_of(result))
                fixed_prices[vid] = np.asarray(f.statements["investeringar_fasta_priser"], dtype=float)
                # the stored figures are the forecast of the same schedule, to the krona
                expected = {
                    "investments_kr": -f.cash_flow.loc["investering_materiella_anläggningstillgångar"],
                    "result_kr": f.income_statement.loc["årets_resultat"],
                    "debt_kr": f.balance_sheet.loc["långfristiga_skulder"],
                }
                for key, series in expected.items():
                    assert len(result[key]) == n and all(v is not None for v in result[key]), key
                    np.testing.assert_allclose(result[key], series.to_numpy(float), rtol=0, atol=0.5, err_msg=key)
                assert sum(result["investments_kr"]) > 0
                assert set(result["ratios"]) == {str(k) for k in f.ratios.index}
                for key, row in zip(f.ratios.index, f.ratios.to_numpy(), strict=True):
                    stored = result["ratios"][str(key)]
                    want = _as_list(row)
                    assert [v is None for v in stored] == [v is None for v in want], key
                    np.testing.assert_allclose([v for v in stored if v is not None],
                                               [v for v in want if v is not None], rtol=1e-9, atol=1e-9)
                for key in ("places_short", "maintenance_debt_kr"):
                    assert len(result[key]) == n and all(v is not None and v >= 0 for v in result[key]), key
                # every project has a Swedish reason; the plan as a whole is explained in sentences
                assert len(result["schedule"]) + len(result["not_chosen"]) == len(data.projects)
                assert all(r["explanation"] for r in result["schedule"] + result["not_chosen"])
                assert any("begränsar planen" in s for s in result["explanations"]), result["explanations"]
                texts = [*result["explanations"], *(r["explanation"] for r in result["schedule"]),
                         *(r["explanation"] for r in result["not_chosen"])]
                assert not [t for t in texts if ENGLISH.search(t)]
                assert result["binding"] and all(isinstance(b["year"], int) for b in result["binding"])
                _check_risk(result["risk"], data, schedule_of(result))
                _check_robust(result["robust"], data)
                # the safer plan starts from the plan shown: its baseline is the stored risk's weakest target-year
                last = result["robust"]["last_year"]
                lowest = min(p for t in result["risk"]["targets"]
                             for y, p in zip(t["years"], t["probability"], strict=True) if y <= last)
                assert result["robust"]["base_probability"] == pytest.approx(lowest, abs=1e-12)
                views[vid] = result

            totals = {vid: sum(views[vid]["investments_kr"]) for vid in ids}
            ends = {vid: views[vid]["debt_kr"][-1] for vid in ids}
            risks = {vid: views[vid]["risk"] for vid in ids}
        # the tighter ceiling holds every year (plan + reinvestment frame, fixed prices); a time-limited solve
        # under load may find any plan within it, so the two totals are not compared
        assert fixed_prices[ids[0]].max() <= 100e6 + 0.5
        assert fixed_prices[ids[1]].max() <= 185e6 + 0.5

        page = b.get(f"/planer/jamfor?v={ids[0]}&v={ids[1]}")
        assert page.status_code == 200
        text = page.text
        assert "Snål plan" in text and "Enligt målen" in text
        for vid in ids:  # both variants' figures, in Swedish Mkr
            assert fmt_mkr(totals[vid], lang="sv") in text
            assert fmt_mkr(ends[vid], lang="sv") in text
        assert "Soliditet 2054" in text and "poäng" in text
        # how likely each plan is to hold, as the plan page and the risk analysis say it
        assert "Sannolikhet att alla mål håller varje år" in text
        for vid in ids:
            assert fmt_pct(risks[vid]["all_years_probability"], lang="sv") in text
        for metric in ("investments_kr", "result_kr", "debt_kr", "maintenance_debt_kr", "places_short"):
            svg = b.get(f"/planer/jamfor/diagram/{metric}.svg?v={ids[0]}&v={ids[1]}")
            assert svg.status_code == 200 and svg.text.count("<path") + svg.text.count("<rect") > 10, metric

        plan = b.get(f"/planer/{ids[0]}").text
        assert "Planen i siffror" in plan and ("Den bästa planen inom målen" in plan or "Räknetiden tog slut" in plan)
        assert "Planen kostar" in plan and "i fasta priser (prisbasår 2024)" in plan and "i löpande priser" in plan
        assert "Valdes inte" in plan or "Startar" in plan
        risk = risks[ids[0]]
        assert "Risk – hur sannolikt håller planen?" in plan and "2\xa0000 möjliga framtider" in plan
        weakest = min(risk["targets"], key=lambda t: t["lowest"])
        head = re.search(r"I ([0-9,]+\xa0%) av 2\xa0000 möjliga framtider håller alla mål varje år", plan)
        assert head is not None, "the risk sentence is missing"
        shown = float(head.group(1).split("\xa0")[0].replace(",", "."))
        assert abs(shown - 100 * risk["all_years_probability"]) < 0.6
        if weakest["lowest"] < 1:
            assert f"svagast är {weakest['name']}" in plan and f"år {weakest['lowest_year']}" in plan
        assert "Vad hotar planen mest?" in plan and "Vad kostar en säkrare plan?" in plan
        # what a safer plan costs: the robust search's answer in words
        assert "Säkrare plan: alla mål ska hålla med minst 90\xa0% sannolikhet varje år 2025–2034" in plan
        assert "Den säkraste plan optimeraren hittade" in plan or "en säkrare plan kostar ingenting" in plan
        assert not ENGLISH.search(re.sub(r"<[^>]+>", " ", plan.split('id="risk"', 1)[1]))
        for chart in ("sannolikhet", "tornado", "resultat", "laneskuld", "soliditet"):
            assert f"/planer/{ids[0]}/risk/{chart}.svg" in plan, chart
            svg = b.get(f"/planer/{ids[0]}/risk/{chart}.svg")
            assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml"), chart
            assert svg.text.count("<path") + svg.text.count("<rect") > 5, chart
        assert b.get(f"/planer/{ids[0]}/risk/okand.svg").status_code == 404
        # the PDF download has the risk chapter, simulated as the page's (same draws, same seed)
        import io

        import pypdf

        pdf = b.get(f"/planer/{ids[0]}/plan.pdf")
        assert pdf.status_code == 200 and pdf.content[:4] == b"%PDF"
        text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf.content)).pages)
        assert "Riskanalys saknas" not in text and re.search(r"2[\s\u00a0]?000 (möjliga )?framtider", text), text[-3000:]


def _check_robust(robust: Any, data: Any) -> None:
    """The safer plan: searched for 90 % over the first ten plan years, never less safe than the plan itself,
    and what it gives up stated in projects and value."""
    import json

    assert isinstance(robust, dict), robust
    json.dumps(robust, allow_nan=False)
    assert robust["level"] == 0.9 and robust["last_year"] == data.first_year + 9
    for key in ("base_probability", "robust_probability"):
        assert 0 <= robust[key] <= 1, key
    assert robust["robust_probability"] >= robust["base_probability"] - 1e-12
    assert robust["reached"] == (robust["robust_probability"] >= 0.9 - 1e-12)
    assert 0 <= robust["robust_projects"] <= len(data.projects)
    assert robust["value_cost_share"] is None or robust["value_cost_share"] >= -1e-9
    if not robust["reached"]:
        w = robust["weakest"]
        assert w["probability"] == pytest.approx(robust["robust_probability"]) and w["name"]


def _check_risk(risk: Any, data: Any, schedule: dict[str, int]) -> None:
    """The stored risk is the Monte Carlo of the stored schedule (same draws, same seed), compact and in
    [0, 1]."""
    import json

    from hushall.scenarios import simulate

    assert isinstance(risk, dict) and risk["draws"] == DRAWS and risk["seed"] == 1
    json.dumps(risk, allow_nan=False)  # JSON-safe
    mc = simulate(data, schedule, n_draws=DRAWS, seed=1)
    assert risk["all_years_probability"] == pytest.approx(mc.all_years_probability, abs=1e-12)
    assert risk["all_years_standard_error"] == pytest.approx(mc.all_years_standard_error, abs=1e-12)
    assert 0 <= risk["all_years_probability"] <= 1
    assert {t["target_id"] or t["target_type"] for t in risk["targets"]} == {
        (tid if not tid.startswith("variant-") else ttype)
        for tid, ttype in zip(mc.probabilities["target_id"], mc.probabilities["target_type"], strict=True)}
    for t in risk["targets"]:
        tid = t["target_id"] or f"variant-{t['target_type']}"
        expected = mc.probability(tid)
        assert t["years"] == [int(y) for y in expected.index]
        np.testing.assert_allclose(t["probability"], expected.to_numpy(float), rtol=0, atol=1e-12)
        assert all(0 <= p <= 1 for p in t["probability"])
        assert t["lowest"] == pytest.approx(float(expected.min())) and expected[t["lowest_year"]] == t["lowest"]
        assert t["label"] and t["name"] and not ENGLISH.search(t["name"])
    for line in ("årets_resultat", "låneskuld_per_invånare", "soliditet"):
        q = mc.line(line)
        for col in ("p10", "p50", "p90"):
            np.testing.assert_allclose(risk["lines"][line][col], q[col].to_numpy(float), rtol=1e-12, err_msg=line)
        assert all(a <= b <= c for a, b, c in zip(*(risk["lines"][line][k] for k in ("p10", "p50", "p90")),
                                                 strict=True))
    shares = risk["drivers"]["mål_uppfyllda_andel"]["drivers"]
    assert shares and [d["variance_share"] for d in shares] == sorted((d["variance_share"] for d in shares),
                                                                      reverse=True)
    assert all(0 <= d["variance_share"] <= 1 for d in shares)


def test_progress_of_the_optimiser_reaches_the_job_in_swedish() -> None:
    from hushall.optimize.solve import Progress
    from hushall.web.planning import ProgressRelay

    seen: list[tuple[float, str]] = []
    relay = ProgressRelay(lambda fraction, message: seen.append((fraction, message)), FAST)
    relay(Progress("lp", 0.1))
    relay(Progress("warm_start", 0.5, message="12 projekt valda"))
    relay(Progress("mip", 3.0, objective=54.0, bound=54.5, gap=0.0093, nodes=10))
    relay(Progress("done", 4.0, objective=54.0, bound=54.2, gap=0.004))
    relay(Progress("mip", 1.0))  # a later re-solve never moves the bar back
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[0] >= 0.1 and fractions[-1] <= 0.7
    assert "Startplan: 12 projekt valda" in seen[1][1]
    assert "54,0 poäng" in seen[2][1] and "0,9" in seen[2][1] and "3 s av högst 6 s" in seen[2][1]
    assert seen[3][1].startswith("Planen är hittad")
