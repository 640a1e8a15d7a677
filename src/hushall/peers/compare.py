"""Key figures of a municipality against the N municipalities nearest in population (SCB 2019).

Similar size is the ``n`` municipalities whose population on 31 December 2019 is nearest to the municipality's
own (SKR's kommungruppsindelning is not shipped: it is not available offline with its source). The figures of
the others come from ``kommuner_2019.csv`` (built by ``tools/build_peer_table.py`` from SCB's tables
*Folkmängd efter region, ålder och kön*, *Kommunalskatter* and *Räkenskapssammandrag för kommuner*, 2019).

Examples
--------
>>> table = load_peer_table()
>>> len(table), int(table.loc["Vimmerby", "folkmängd"])
(290, 15647)
>>> sorted(nearest_by_population(table, 15647, 3, exclude="Vimmerby"))
['Bjuv', 'Hedemora', 'Hörby']
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd

from hushall.finance import forecast as run_forecast
from hushall.model import MunicipalityData

SOURCE = ("SCB 2019: Folkmängd efter region, ålder och kön (31 december); Kommunalskatter; "
          "Räkenskapssammandrag för kommuner (kr per invånare). Utdrag i vagdur/SCBHandlerPlotter.")
#: Age groups of the comparison (inclusive; 80+ ends at 120).
AGE_GROUPS: dict[str, tuple[int, int]] = {"0_5": (0, 5), "6_15": (6, 15), "16_19": (16, 19), "20_64": (20, 64),
                                          "65_79": (65, 79), "80_": (80, 120)}
#: The compared figures: key → (Swedish label, unit).
FIGURES: dict[str, tuple[str, str]] = {
    "folkmängd": ("Folkmängd", "invånare"),
    "skattesats_kommun_pct": ("Kommunal skattesats", "%"),
    "skatteintäkter_kr_per_inv": ("Skatteintäkter", "kr/inv"),
    "generella_statsbidrag_kr_per_inv": ("Generella statsbidrag och utjämning", "kr/inv"),
    **{f"andel_{k}": (f"Andel {lo}–{hi if hi < 120 else ''} år".replace("– år", "+ år"), "andel")
       for k, (lo, hi) in AGE_GROUPS.items()},
}


def load_peer_table() -> pd.DataFrame:
    """The bundled SCB 2019 figures of all 290 municipalities, indexed by name, with age shares added."""
    path = resources.files("hushall.peers") / "kommuner_2019.csv"
    with resources.as_file(path) as p:
        table = pd.read_csv(p).set_index("kommun")
    for k in AGE_GROUPS:
        table[f"andel_{k}"] = table[f"ålder_{k}"] / table["folkmängd"]
    return table


def nearest_by_population(table: pd.DataFrame, population: float, n: int, exclude: str | None = None) -> list[str]:
    """The ``n`` municipalities nearest to ``population`` (ties by name), without ``exclude``."""
    others = table.drop(index=[exclude], errors="ignore")
    distance = (others["folkmängd"] - population).abs()
    order = sorted(distance.index, key=lambda name: (float(distance[name]), name))
    return order[:n]


def own_figures(data: MunicipalityData) -> dict[str, float]:
    """The municipality's figures from its workbook (base year): population, age shares, tax rate, revenue."""
    pop = data.population[data.population["year"] == data.base_year]
    if pop.empty:
        pop = data.population[data.population["year"] == data.population["year"].min()]
    ages = np.zeros(121)
    for r in pop.itertuples(index=False):
        lo, hi = int(r.age_from), min(int(r.age_to), 120)
        ages[lo:hi + 1] += float(r.count) / (hi - lo + 1)
    total = float(ages.sum())
    out: dict[str, float] = {"folkmängd": total}
    for k, (lo, hi) in AGE_GROUPS.items():
        out[f"andel_{k}"] = float(ages[lo:hi + 1].sum()) / total if total else float("nan")
    if "skattesats_basår" in data.assumptions:
        out["skattesats_kommun_pct"] = float(data.assumption("skattesats_basår")[0])
    fin = dict(zip(data.finance["item"], data.finance["amount_kr"], strict=False)) if len(data.finance) else {}
    if total and "skatteintäkter" in fin:
        out["skatteintäkter_kr_per_inv"] = float(fin["skatteintäkter"]) / total
    if total and "generella_statsbidrag" in fin:
        out["generella_statsbidrag_kr_per_inv"] = float(fin["generella_statsbidrag"]) / total
    return out


@dataclass(frozen=True)
class PeerComparison:
    """The comparison: one row per key figure, the peers' own figures and the plan's ratios."""

    kommun: str
    base_year: int
    scb_name: str | None            # the municipality's own row in the SCB table, if found
    peers: pd.DataFrame             # the similar municipalities' SCB 2019 figures
    figures: pd.DataFrame           # index = figure key; columns label, unit, kommunen, kommunen_2019, median …
    plan_ratios: pd.DataFrame       # index = ratio; columns first year, last year, mean over the plan
    source: str = SOURCE

    def to_json_dict(self) -> dict[str, Any]:
        def clean(v: Any) -> Any:
            return None if isinstance(v, float) and not np.isfinite(v) else v

        return {
            "kommun": self.kommun, "basår": self.base_year, "scb_kommun": self.scb_name,
            "jämförelsekommuner": list(self.peers.index), "källa": self.source,
            "nyckeltal": {k: {c: clean(v) for c, v in row.items()} for k, row in self.figures.iterrows()},
            "planens_nyckeltal": {k: {str(c): clean(float(v)) for c, v in row.items()}
                                  for k, row in self.plan_ratios.iterrows()},
        }


def compare_with_peers(data: MunicipalityData, n: int = 10, scb_name: str | None = None,
                       schedule: dict[str, int] | None = None) -> PeerComparison:
    """Compare ``data`` with the ``n`` municipalities nearest in population (SCB 2019).

    ``scb_name`` names the municipality's own row in SCB's table (default: the workbook's name, if present).
    """
    table = load_peer_table()
    lookup = {name.casefold(): name for name in table.index}
    own_name = lookup.get((scb_name or data.name).strip().casefold())
    own = own_figures(data)
    reference_pop = float(table.loc[own_name, "folkmängd"]) if own_name else own["folkmängd"]
    peers = table.loc[nearest_by_population(table, reference_pop, n, exclude=own_name)]
    rows = []
    for key, (label, unit) in FIGURES.items():
        values = peers[key].astype(float)
        mine = own.get(key, float("nan"))
        rank_base = table.loc[own_name, key] if own_name else mine
        rank = int((values > rank_base).sum()) + 1 if np.isfinite(rank_base) else None
        rows.append({"key": key, "nyckeltal": label, "enhet": unit, "kommunen": mine,
                     "kommunen_2019": float(table.loc[own_name, key]) if own_name else float("nan"),
                     "median": float(values.median()), "min": float(values.min()), "max": float(values.max()),
                     "placering": f"{rank} av {len(values) + 1}" if rank else ""})
    figures = pd.DataFrame(rows).set_index("key")
    fc = run_forecast(data, schedule)
    ratios = fc.ratios
    plan = pd.DataFrame({str(ratios.columns[0]): ratios.iloc[:, 0], str(ratios.columns[-1]): ratios.iloc[:, -1],
                         "medel": ratios.mean(axis=1)})
    return PeerComparison(kommun=data.name, base_year=data.base_year, scb_name=own_name, peers=peers,
                          figures=figures, plan_ratios=plan)


__all__ = ["AGE_GROUPS", "FIGURES", "SOURCE", "PeerComparison", "compare_with_peers", "load_peer_table",
           "nearest_by_population", "own_figures"]
