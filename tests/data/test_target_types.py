"""The registry of target types: every stage reads a type's sense, unit, labels and measure from one entry."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from hushall.data import target_types as tt
from hushall.data.schema import TARGET_TYPES as SCHEMA_TYPES
from hushall.data.target_types import TARGET_TYPES, Aggregation, Sense, TargetType
from hushall.finance import Statements, target_results
from hushall.finance.targets import EVALUATED_TYPES
from hushall.reports.plan_tables import format_target_value, target_label
from hushall.scenarios.montecarlo import LOWER_BOUND_TARGETS

YEARS = np.arange(2025, 2029)


def test_sheet_mal_accepts_exactly_the_registered_types() -> None:
    assert tuple(TARGET_TYPES) == SCHEMA_TYPES
    # all but the weights and the per-nämnd delivery ceiling (held by the optimiser only) are evaluated
    assert tuple(k for k in TARGET_TYPES if k not in ("kriterievikt", "leveranstak_nämnd_kr")) == EVALUATED_TYPES


@pytest.mark.parametrize("kind", list(TARGET_TYPES.values()), ids=list(TARGET_TYPES))
def test_every_type_is_described_in_swedish_and_english(kind: TargetType) -> None:
    for field in (kind.name, kind.long, kind.short):
        assert field["sv"] and field["en"] and field["sv"] != field["en"]
    assert kind.describe(1.0) and kind.describe(1.0, lang="en")
    if kind.aggregation in (Aggregation.FLOW, Aggregation.STOCK):
        assert kind.numerator, "a ratio target needs its measure"


def test_the_sense_decides_the_bound_everywhere() -> None:
    assert {k for k, t in TARGET_TYPES.items() if t.sense is Sense.MIN} == LOWER_BOUND_TARGETS
    assert TARGET_TYPES["investeringstak_kr"].sense is Sense.MAX
    assert TARGET_TYPES["soliditet"].lower_bound


def test_limits_are_shown_in_the_readers_unit_and_language() -> None:
    ceiling = TARGET_TYPES["investeringstak_kr"]
    assert (ceiling.to_display(1.2e8), ceiling.from_display(120.0), ceiling.input_unit()) == (120.0, 1.2e8, "Mkr")
    assert ceiling.describe(1.2e8, lang="en") == "Investment at most 120.0\u00a0MSEK a year (fixed prices)"
    assert target_label("investeringstak_kr", 1.2e8, 3) == \
        "Investeringar högst 120,0\u00a0Mkr per år (fasta priser) (rullande 3 år)"
    assert format_target_value("soliditet", 0.285) == "28,5\u00a0%"
    assert TARGET_TYPES["max_parallella_projekt"].input_unit("sv") == "st"
    assert TARGET_TYPES["balanskrav"].describe(0.0, 3) == "Balanskravet: underskott återställs inom tre år"


def test_adding_a_ratio_type_is_one_entry(monkeypatch: pytest.MonkeyPatch) -> None:
    """A new ratio of statement lines is evaluated by the finance stage from its registry entry alone."""
    new = TargetType(
        "skuld_per_skatt", Sense.MAX, Aggregation.STOCK, "share",
        name={"sv": "Låneskuld per skattekrona", "en": "Debt per tax krona"}, words={"sv": "", "en": ""},
        long={"sv": "Låneskuld högst {limit} av skatterna", "en": "Debt at most {limit} of taxes"},
        short={"sv": "Skuld ≤ {limit}", "en": "Debt ≤ {limit}"}, display_scale=100.0,
        display_unit={"sv": "%", "en": "%"}, decimals=0,
        numerator=(("långfristiga_skulder", 1.0),), denominator=(("skatter_och_generella_statsbidrag", 1.0),))
    monkeypatch.setitem(TARGET_TYPES, new.key, new)
    monkeypatch.setattr("hushall.finance.targets.EVALUATED_TYPES", tt.types_where(evaluated=True))
    debt = np.array([500.0, 900.0, 1200.0, 800.0])
    taxes = np.full(4, 1000.0)
    s = Statements(YEARS, {"årets_resultat": np.zeros(4)}, {}, {},
                   {"långfristiga_skulder": debt, "skatter_och_generella_statsbidrag": taxes}, {}, ())
    targets = pd.DataFrame({"target_id": ["N"], "target_type": [new.key], "limit": [1.0], "period_years": [2],
                            "from_year": [pd.NA], "to_year": [pd.NA], "criterion": [""]})
    (r,) = target_results(targets, s)
    # two-year ratio of sums; margin = (limit · Σ taxes − Σ debt) / years in the window (a stock, bounded above)
    np.testing.assert_allclose(r.value, [0.5, 0.7, 1.05, 1.0])
    np.testing.assert_allclose(r.margin_kr, [500.0, 300.0, -50.0, 0.0])
    assert r.met.tolist() == [True, True, False, True]
    assert new.describe(1.0, 2) == "Låneskuld högst 100\u00a0% av skatterna (rullande 2 år)"


def test_an_entry_is_immutable() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        TARGET_TYPES["soliditet"].sense = Sense.MAX  # type: ignore[misc]
