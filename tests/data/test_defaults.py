"""The defaults folder: every file is checked against its schema when read, and a broken file stops the program
with a message naming the file, the place in it and what is wrong."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from hushall.data import defaults
from hushall.data.schema import ASSUMPTION_PARAMETERS
from hushall.errors import ConfigError
from hushall.finance.inputs import _FROM_ASSUMPTIONS, DRIVER_FIELDS
from hushall.scenarios import MonteCarloSpec, builtin_scenarios

FOLDER = Path(defaults.__file__).parent


def test_the_folder_holds_exactly_the_files_with_a_schema() -> None:
    assert sorted(p.stem for p in FOLDER.glob("*.yaml")) == sorted(defaults.SCHEMAS)
    for name in defaults.SCHEMAS:
        assert defaults.load(name)  # each shipped file passes its own schema


def test_driver_names_come_from_the_defaults() -> None:
    names = defaults.assumption_names()
    assert names == ASSUMPTION_PARAMETERS
    assert set(_FROM_ASSUMPTIONS) == {n for n in names if n in DRIVER_FIELDS}
    assert {d.key for d in MonteCarloSpec.default().drivers} == set(defaults.load("montecarlo")["drivers"])
    assert len(builtin_scenarios()) == len(defaults.load("scenarios")["scenarier"])


def _write(tmp_path: Path, name: str, document: Any) -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return path


def _broken(name: str, change: Any) -> Any:
    document = copy.deepcopy(defaults.load(name))
    change(document)
    return document


BROKEN = [
    ("montecarlo", lambda d: d["drivers"]["ränta"].update(kind="ar2"), "drivers.ränta.kind"),
    ("montecarlo", lambda d: d["drivers"]["ränta"].update(sd="hög"), "sd ska vara ett tal"),
    ("montecarlo", lambda d: d["correlation"]["matrix"][0].__setitem__(1, 0.9), "symmetrisk"),
    ("montecarlo", lambda d: d["correlation"]["order"].pop(), "varje drivare en gång"),
    ("parameters", lambda d: d["component_lifetimes"]["values"]["tak"].update(lifetime_years=-35),
     "component_lifetimes.values.tak.lifetime_years"),
    ("parameters", lambda d: d["default_value_shares"]["values"].update(stomme=0.9), "summera till 1"),
    ("parameters", lambda d: d["assumptions"]["values"]["ränta"].update(värden={2000: 0.03}),
     "assumptions.values.ränta.värden"),
    ("parameters", lambda d: d["services"]["values"]["forskola"].pop("coverage"), "forskola.coverage"),
    ("projects", lambda d: d.pop("not_capitalised"), "not_capitalised"),
    ("finance", lambda d: d["service_cost_per_place"]["values"].pop("default"), "'default'"),
    ("scenarios", lambda d: d["scenarier"]["hög_ränta"]["ändringar"][0].update(sätt="öka"),
     "hög_ränta.ändringar.0.sätt"),
]


@pytest.mark.parametrize(("name", "change", "where"), BROKEN)
def test_a_broken_file_fails_loudly_naming_file_and_place(tmp_path: Path, name: str, change: Any,
                                                          where: str) -> None:
    path = _write(tmp_path, name, _broken(name, change))
    with pytest.raises(ConfigError) as info:
        defaults.read(path, name)
    text = str(info.value)
    assert text.startswith(f"Standardvärdena i {name}.yaml är felaktiga") and where in text, text


def test_a_file_that_is_not_yaml_fails_loudly(tmp_path: Path) -> None:
    path = tmp_path / "finance.yaml"
    path.write_text("service_cost_per_place: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"finance\.yaml kunde inte läsas"):
        defaults.read(path, "finance")
    path.write_text("- a list\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="ska vara en YAML-mappning"):
        defaults.read(path, "finance")
