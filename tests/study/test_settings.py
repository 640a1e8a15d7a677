"""study/settings.py: the political settings, checked and applied in one place for the web and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from hushall.errors import HushallError, PlanError
from hushall.examples import exempelkommun
from hushall.study.settings import (
    apply_settings,
    clean_settings,
    default_settings,
    read_settings,
    settings_json,
    settings_key,
)


@pytest.fixture(scope="module")
def data():  # type: ignore[no-untyped-def]
    return exempelkommun()


def test_default_settings_reproduce_the_data(data) -> None:  # type: ignore[no-untyped-def]
    same = apply_settings(data, default_settings(data))
    assert same.targets.equals(data.targets)
    np.testing.assert_array_equal(same.assumption("skattesats"), data.assumption("skattesats"))


def test_tax_change_is_added_from_its_year(data) -> None:  # type: ignore[no-untyped-def]
    s = clean_settings({"tax_change_ore": "-25", "tax_from_year": "2035"}, data)
    before = data.assumption("skattesats")
    after = apply_settings(data, s).assumption("skattesats")
    years = np.asarray(data.years)
    np.testing.assert_allclose(after - before, np.where(years >= 2035, -0.25, 0.0), atol=1e-12)


def test_frame_weights_and_debt_target_reach_sheet_mal(data) -> None:  # type: ignore[no-untyped-def]
    s = clean_settings({"targets": {"investeringstak_kr": 7e7, "låneskuld_per_invånare": "90 000"},
                        "weights": {"skick": "0,9"}}, data)
    t = apply_settings(data, s).targets
    assert float(t.loc[t["target_type"] == "investeringstak_kr", "limit"].iloc[0]) == 7e7
    assert float(t.loc[t["target_type"] == "låneskuld_per_invånare", "limit"].iloc[0]) == 9e4
    w = t[(t["target_type"] == "kriterievikt") & (t["criterion"] == "skick")]
    assert float(w["limit"].iloc[0]) == 0.9
    assert data.targets["limit"].tolist() != t["limit"].tolist()  # the data itself is untouched


@pytest.mark.parametrize(("raw", "message"), [
    ({"weights": {"skick": "abc"}}, "Vikt skick: 'abc' är inte ett tal."),
    ({"weights": {"skick": -1}}, "Vikt skick: vikten får inte vara negativ."),
    ({"targets": {"investeringstak_kr": -5e6}}, "Investeringstak per år: värdet får inte vara lägre än"),
    ({"tax_change_ore": 900}, "Ändrad skattesats: 900 öre"),
    ({"tax_from_year": 1999}, "Skatteändringen gäller från år: 1999 är inte ett år i planperioden (2025–2054)."),
    ({"weights": ["skick"]}, "Inställningen weights ska vara ett JSON-objekt"),
])
def test_bad_settings_get_a_swedish_message(data, raw, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PlanError) as info:
        clean_settings(raw, data)
    assert message in str(info.value)


def test_file_round_trip_and_key(data, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    s = clean_settings({"weights": {"kapacitet": 0.7}, "tax_change_ore": 10, "tax_from_year": 2030}, data)
    path = tmp_path / "installningar.json"
    path.write_text(settings_json(s), encoding="utf-8")
    again = read_settings(path, data)
    assert again == s and settings_key(again) == settings_key(s)
    assert settings_key(clean_settings({}, data)) != settings_key(s)


def test_bad_files_name_the_file(data, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    broken = tmp_path / "trasig.json"
    broken.write_text("{weights:", encoding="utf-8")
    with pytest.raises(HushallError, match=r"trasig.json är inte giltig JSON \(rad 1, kolumn 2\)"):
        read_settings(broken, data)
    unknown = tmp_path / "okand.json"
    unknown.write_text(json.dumps({"vikter": {}}), encoding="utf-8")
    with pytest.raises(PlanError, match=r"okand\.json: okänd inställning vikter"):
        read_settings(unknown, data)
    with pytest.raises(HushallError, match=r"saknas\.json kunde inte läsas"):
        read_settings(tmp_path / "saknas.json", data)


def test_cli_optimize_applies_the_settings(data, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from hushall.cli.main import cli

    path = tmp_path / "installningar.json"
    path.write_text(settings_json(clean_settings({"weights": {"kapacitet": 0.9, "skick": 0.0},
                                                  "targets": {"investeringstak_kr": 1.2e8}}, data)),
                    encoding="utf-8")
    quick = ["--time-limit", "3", "--gap", "0.5", "--explain-time", "0", "--json"]
    docs = []
    for extra in (["--installningar", str(path)], []):
        r = CliRunner().invoke(cli, ["optimize", "--example", *extra, *quick])
        assert r.exit_code == 0, r.stderr
        docs.append(json.loads(r.stdout))
    assert docs[0]["weights"]["kapacitet"] == 0.9 and docs[0]["weights"]["skick"] == 0.0
    assert docs[1]["weights"] == {c: float(w) for c, w in default_settings(data)["weights"].items()}

    def room(doc: dict) -> list[float]:  # the ceiling's right-hand side per year: the frame less reinvestment
        return [t["rhs"] for t in doc["targets"] if t.get("target_type") == "investeringstak_kr"]

    frame = float(default_settings(data)["targets"]["investeringstak_kr"])
    np.testing.assert_allclose(np.array(room(docs[1])) - np.array(room(docs[0])), frame - 1.2e8)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"weights": {"kapacitet": "abc"}}), encoding="utf-8")
    r = CliRunner().invoke(cli, ["optimize", "--example", "--installningar", str(bad)])
    assert r.exit_code == 1
    assert "bad.json: Vikt kapacitet: 'abc' är inte ett tal." in r.stderr and "Traceback" not in r.stderr


def test_renewal_decisions_is_a_yes_or_no_setting_of_the_study(tmp_path: Path) -> None:
    from hushall.optimize.inputs import RENEWAL_DECISIONS_DEFAULT
    from hushall.study.settings import renewal_decisions_of

    data = exempelkommun()
    assert RENEWAL_DECISIONS_DEFAULT is True  # issue 10: the optimiser decides the reinvestment unless told not to
    assert clean_settings({}, data)["renewal_decisions"] is RENEWAL_DECISIONS_DEFAULT  # not given: the default
    assert renewal_decisions_of(clean_settings({}, data)) is RENEWAL_DECISIONS_DEFAULT
    assert renewal_decisions_of({}) is None  # settings that do not say: the optimiser's default
    off = clean_settings({"renewal_decisions": False}, data)  # a box left empty, or false in a settings file
    assert off["renewal_decisions"] is False and renewal_decisions_of(off) is False
    assert clean_settings({"renewal_decisions": "off"}, data)["renewal_decisions"] is False
    chosen = clean_settings({"renewal_decisions": "on"}, data)
    assert chosen["renewal_decisions"] is True and renewal_decisions_of(chosen) is True
    applied = apply_settings(data, chosen)  # an option of the study, not of the data
    for name in ("reinvestering_ram_kr", "reinvestering_efter_behov"):
        np.testing.assert_array_equal(applied.assumption(name), data.assumption(name))
    path = tmp_path / "installningar.json"
    path.write_text(settings_json(chosen), encoding="utf-8")
    assert read_settings(path, data)["renewal_decisions"] is True
    with pytest.raises(PlanError, match="Låt optimeringen besluta reinvesteringen: 'kanske'"):
        clean_settings({"renewal_decisions": "kanske"}, data)


def test_cli_optimize_takes_renewal_decisions_from_the_settings_file(data, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from hushall.cli.main import cli

    path = tmp_path / "installningar.json"
    path.write_text(settings_json(clean_settings({"renewal_decisions": True}, data)), encoding="utf-8")
    quick = ["--time-limit", "3", "--gap", "0.5", "--explain-time", "0", "--json"]
    renewal = []
    for extra in ([], ["--ingen-reinvesteringsbeslut"]):  # the command line's choice wins over the file's
        r = CliRunner().invoke(cli, ["optimize", "--example", "--installningar", str(path), *extra, *quick])
        assert r.exit_code == 0, r.stderr
        renewal.append(json.loads(r.stdout).get("renewal"))
    assert renewal[0] and sum(row["renewal_kr"] for row in renewal[0]) > 0
    assert renewal[1] is None


def test_a_budget_in_balance_every_year_is_a_setting_of_the_study(data, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """``balanced_budget`` (KL 11 kap. 5 §): off unless chosen, yes/no as a form or a file says it, kept by the
    settings file, no change of the data, and the optimiser's ``balanskrav`` of the study, the web and the CLI."""
    from hushall.study.request import PlanRequest
    from hushall.study.settings import balanskrav_of

    assert clean_settings({}, data)["balanced_budget"] is False and balanskrav_of(clean_settings({}, data)) == "restore"
    chosen = clean_settings({"balanced_budget": "on"}, data)
    assert chosen["balanced_budget"] is True and balanskrav_of(chosen) == "balanced"
    assert clean_settings({"balanced_budget": "nej"}, data)["balanced_budget"] is False
    with pytest.raises(PlanError, match="Budget i balans varje år: 'kanske'"):
        clean_settings({"balanced_budget": "kanske"}, data)
    applied = apply_settings(data, chosen)  # an option of the study, not of the data
    assert applied.targets.equals(data.targets)
    path = tmp_path / "installningar.json"
    path.write_text(settings_json(chosen), encoding="utf-8")
    assert json.loads(path.read_text(encoding="utf-8"))["balanced_budget"] is True
    assert read_settings(path, data)["balanced_budget"] is True
    assert PlanRequest(balanskrav=balanskrav_of(chosen)).balanskrav == "balanced"
    assert PlanRequest.from_json(PlanRequest(balanskrav="balanced").to_json()).balanskrav == "balanced"
    with pytest.raises(ValueError, match="unknown balanskrav"):
        PlanRequest(balanskrav="strict")


def test_a_change_of_the_balance_requirement_is_said_and_is_the_reason(data) -> None:  # type: ignore[no-untyped-def]
    """Prioritera's lists: ticking 'Budget i balans varje år' is said in the money changes, and a project that
    moves with it gets it as its reason — not 'med samma inställningar', which it was before."""
    from hushall.study.changes import PlanFacts, money_changes, plan_changes

    before = PlanFacts(schedule={"P-11": 2026, "P-01": 2031}, costs_kr={"P-11": 1.5e6, "P-01": 204e6},
                       years=[2025, 2026], invest_by_year_kr=[80e6, 90e6], reinvest_by_year_kr=[60e6, 60e6],
                       need_by_year_kr=[60e6, 60e6], debt_by_year_kr=[0.0, 0.0], frame_kr=185e6)
    after = PlanFacts(schedule={"P-11": 2028, "P-01": 2031}, costs_kr=before.costs_kr, years=before.years,
                      invest_by_year_kr=before.invest_by_year_kr, reinvest_by_year_kr=before.reinvest_by_year_kr,
                      need_by_year_kr=before.need_by_year_kr, debt_by_year_kr=before.debt_by_year_kr,
                      frame_kr=185e6)
    loose, balanced = clean_settings({}, data), clean_settings({"balanced_budget": True}, data)
    money = money_changes(before, after, loose, balanced)
    assert money[0].startswith("Budgeten ska nu vara i balans varje år (kommunallagen 11 kap. 5 §)")
    (moved,) = plan_changes(before, after, loose, balanced)
    assert (moved.project_id, moved.kind, moved.driver) == ("P-11", "moved", "balance")
    assert "budget i balans varje år" in moved.reason and "samma inställningar" not in moved.reason
    back = money_changes(after, before, balanced, loose)
    assert back[0].startswith("Ett år får nu gå med underskott om det återställs inom tre år")
    assert not any("balans" in line for line in money_changes(before, after, loose, loose))
