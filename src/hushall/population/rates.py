"""The rates of the cohort-component forecast, read from the tables shipped in ``defaults/`` with their sources.

Every rate is indexed by sex (0 = kvinnor, 1 = män) and single age 0…100, where 100 is the open class 100+.
Ages are the age on 31 December (SCB's population statistics); a rate "at age a" applies during the year that
follows to the people who were ``a`` years old on 31 December of the year before.

References
----------
Rogers, A. & Castro, L. J. (1981). *Model migration schedules*. IIASA Research Report RR-81-30.
Preston, S. H., Heuveline, P. & Guillot, M. (2001). *Demography*, Blackwell, ch. 3 (life tables) and 6 (projection).

Examples
--------
>>> r = default_rates()
>>> r.death.shape, r.fertility.shape
((2, 101), (101,))
>>> round(float(r.fertility.sum()), 2)   # summerad fruktsamhet of the default
1.74
>>> sorted(r.housing_persons)
['flerbostadshus', 'småhus']
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import yaml

from hushall.errors import DataValidationError

FloatArray = npt.NDArray[np.float64]

MAX_AGE = 100
N_AGES = MAX_AGE + 1
AGES = np.arange(N_AGES)
#: Sex index 0 and 1, as SCB names them.
SEXES: tuple[str, str] = ("kvinnor", "män")
#: Swedish names of the rate groups (keys of ``defaults/rates.yaml``), for messages and reports.
RATE_LABELS: dict[str, str] = {"mortality": "dödlighet", "fertility": "fruktsamhet",
                               "sex_ratio_at_birth": "könsfördelning vid födseln", "migration": "flyttningar",
                               "housing": "inflyttade per ny bostad"}


@dataclass(frozen=True)
class Rates:
    """Demographic rates of one forecast (constant over the forecast years)."""

    death: FloatArray                 # (2, 101) probability of dying during the year, by age on 31 Dec before
    death_at_birth: FloatArray        # (2,) probability that a child dies in its year of birth
    fertility: FloatArray             # (101,) births per woman by the age she attains during the year
    boys_share: float                 # share of boys among the born
    migration_shape: FloatArray       # (101,) relative migration intensity by age (Rogers–Castro)
    out_rate: float                   # out-movers per inhabitant and year (crude rate)
    in_balance: bool                  # in-movers per year = out-movers of the first year
    housing_persons: dict[str, float]  # persons moving in per new dwelling, by dwelling type
    housing_profile: dict[str, FloatArray]  # (2, 101) age-sex distribution of those persons, sums to 1
    sources: dict[str, str] = field(default_factory=dict)
    approximations: tuple[str, ...] = ()

    def out_rates(self, population: FloatArray) -> FloatArray:
        """Out-migration rate by sex and age, scaled so that the crude rate on ``population`` is ``out_rate``.

        ``r(s, a) = out_rate · m(a) · ΣP / Σ m(a)·P(s, a)``, capped at 1 (nobody leaves twice).
        """
        pop = population.reshape(-1, 2, N_AGES).sum(axis=0)
        weighted = float((self.migration_shape[None, :] * pop).sum())
        if weighted <= 0:
            return np.zeros((2, N_AGES))
        scale = self.out_rate * float(pop.sum()) / weighted
        return np.minimum(1.0, scale * np.broadcast_to(self.migration_shape, (2, N_AGES)))

    def in_profile(self, population: FloatArray) -> FloatArray:
        """Age-sex distribution of in-movers (sums to 1): like the out-movers of ``population``."""
        pop = population.reshape(-1, 2, N_AGES).sum(axis=0)
        movers = self.migration_shape[None, :] * pop
        total = float(movers.sum())
        return movers / total if total > 0 else np.full((2, N_AGES), 1.0 / (2 * N_AGES))


def rogers_castro(ages: FloatArray, a1: float, alpha1: float, a2: float, alpha2: float, mu2: float,
                  lambda2: float, c: float) -> FloatArray:
    r"""The Rogers–Castro model migration schedule (seven-parameter form without the retirement peak).

    .. math:: m(x) = a_1 e^{-\alpha_1 x} + a_2 \exp\{-\alpha_2 (x-\mu_2) - e^{-\lambda_2 (x-\mu_2)}\} + c

    References
    ----------
    Rogers & Castro (1981), *Model migration schedules*, IIASA RR-81-30, eq. (1).

    Examples
    --------
    >>> m = rogers_castro(np.arange(101.0), 0.02, 0.1, 0.06, 0.11, 21.0, 0.4, 0.003)
    >>> int(np.argmax(m[15:])) + 15      # the labour-force peak
    24
    """
    x = np.asarray(ages, dtype=float)
    return (a1 * np.exp(-alpha1 * x)
            + a2 * np.exp(-alpha2 * (x - mu2) - np.exp(-lambda2 * (x - mu2)))
            + c)


def _defaults_dir() -> Path:
    return Path(str(resources.files("hushall.population") / "defaults"))


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _band(label: str) -> tuple[int, int]:
    lo, _, hi = str(label).partition("-")
    return int(lo), int(hi or lo)


def _profile(bands: dict[str, float]) -> FloatArray:
    """Shares per age band → a (2, 101) distribution, uniform within each band and between the sexes."""
    out = np.zeros((2, N_AGES))
    for label, share in bands.items():
        lo, hi = _band(label)
        out[:, lo:hi + 1] += float(share) / (hi - lo + 1) / 2
    return out / out.sum()


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for k, v in override.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def load_rates(overrides: dict[str, Any] | None = None) -> Rates:
    """Read the default rate tables and apply ``overrides`` (same shape as ``defaults/rates.yaml``)."""
    folder = _defaults_dir()
    meta = yaml.safe_load((folder / "rates.yaml").read_text(encoding="utf-8"))
    if overrides:
        meta = _merge(meta, overrides)

    death = np.zeros((2, N_AGES))
    at_birth = np.zeros(2)
    for row in _read_csv(folder / meta["mortality"]["file"]):
        s = SEXES.index(row["kön"])
        if row["ålder"] == "födda":
            at_birth[s] = float(row["dödsrisk"])
        else:
            death[s, int(row["ålder"])] = float(row["dödsrisk"])
    fertility = np.zeros(N_AGES)
    for row in _read_csv(folder / meta["fertility"]["file"]):
        fertility[int(row["ålder"])] = float(row["fruktsamhet"])
    if "tfr" in meta["fertility"]:  # rescale the shape to a chosen summerad fruktsamhet
        fertility *= float(meta["fertility"]["tfr"]) / fertility.sum()

    mig = meta["migration"]
    shape = rogers_castro(AGES.astype(float), *(float(mig[k]) for k in
                                                 ("a1", "alpha1", "a2", "alpha2", "mu2", "lambda2", "c")))
    housing = meta["housing"]
    profiles = {name: _profile(bands) for name, bands in housing["profiles"].items()}
    persons, type_profiles = {}, {}
    for kind, spec in housing["types"].items():
        if spec["profile"] not in profiles:
            raise DataValidationError.single(
                "E_RATES", f"Bostadstypen {kind!r} hänvisar till en åldersprofil som saknas: {spec['profile']!r}.")
        persons[kind] = float(spec["persons_per_dwelling"])
        type_profiles[kind] = profiles[spec["profile"]]
    keys = ("mortality", "fertility", "sex_ratio_at_birth", "migration", "housing")
    return Rates(
        death=death, death_at_birth=at_birth, fertility=fertility,
        boys_share=float(meta["sex_ratio_at_birth"]["boys_share"]),
        migration_shape=shape, out_rate=float(mig["out_rate"]), in_balance=bool(mig.get("in_balance", True)),
        housing_persons=persons, housing_profile=type_profiles,
        sources={RATE_LABELS[k]: " ".join(str(meta[k]["source"]).split()) for k in keys},
        approximations=tuple(RATE_LABELS[k] for k in keys if meta[k].get("approximation")),
    )


def default_rates() -> Rates:
    """The shipped defaults (SCB 2019 and sourced approximations, see ``defaults/rates.yaml``)."""
    return load_rates()


def read_overrides(path: Path) -> dict[str, Any]:
    """A user's YAML file of rate overrides, with a Swedish message when it cannot be read."""
    try:
        doc = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise DataValidationError.single("E_FILE_UNREADABLE", f"Antagandefilen kunde inte läsas: {exc}",
                                         file=Path(path).name) from exc
    if not isinstance(doc, dict):
        raise DataValidationError.single("E_FILE_FORMAT", "Antagandefilen ska vara en YAML-karta "
                                         "(samma nycklar som defaults/rates.yaml).", file=Path(path).name)
    return doc


__all__ = ["AGES", "MAX_AGE", "N_AGES", "RATE_LABELS", "SEXES", "Rates", "default_rates", "load_rates", "read_overrides",
           "rogers_castro"]
