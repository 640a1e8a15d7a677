"""Build the default rate tables of ``hushall befolkning`` (src/hushall/population/defaults/*.csv).

Inputs (not shipped with the project): three tables from SCB's Statistikdatabasen for the whole of Sweden, as
stored in the public repository OxfordDemSci/ex2020 (folder ``dat/scb``, downloaded from SCB on 2021-03-04):

- ``BE0101D9``  Döda efter region, ålder (uppnådd under året) och kön, 1968–2020;
- ``BE0101A5``  Medelfolkmängd (efter födelseår) efter region, ålder och kön, 2006–2020;
- ``0000053A``  Folkmängd 31 december efter ålder och kön, 1860–2020.

Run from the repository root with the folder holding those three files::

    python tools/build_population_rates.py PATH/TO/dat/scb

The script is deterministic and uses no network. What it derives (year 2019):

1. Mortality. For a person aged ``a`` on 31 December of year t, the probability of dying during t+1 is read
   from the Lexis parallelogram of the cohort, whose age attained during t+1 is ``a + 1``:
   ``m = D(a+1) / E(a+1)`` (deaths and mean population by age attained during the year, SCB's definitions) and
   ``q = 1 − exp(−m)`` (constant hazard over the year). The open class 100+ uses the 100+ row of both tables.
   Newborns: ``q_birth = D(0) / (P(0) + D(0))`` (deaths at attained age 0 over births that year, births
   approximated by the 0-year-olds on 31 December plus those who died; infant migration ignored).
2. Sex ratio at birth: boys' share of ``P(0) + D(0)``.
3. Fertility (approximation, labelled as such): the shape is a discrete normal curve over the age the mother
   attains during the year, 15–49, mean 31.3 and standard deviation 5.3 years (SCB reports a mean age of mothers
   of about 31 years in 2019); the level is fitted so that the women on 31 December 2018 (``0000053A``) give
   the births of 2019 (``P(0) + D(0)`` above). SCB's own single-age fertility table (BE0101E2) was not available
   offline.
"""

from __future__ import annotations

import csv
import math
import sys
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parents[1] / "src" / "hushall" / "population" / "defaults"
YEAR = 2019
MAX_AGE = 100
MEAN_AGE_MOTHER = 31.3
SD_AGE_MOTHER = 5.3


def _age(label: str) -> int | None:
    digits = "".join(ch for ch in label.split(" ")[0] if ch.isdigit())
    return int(digits) if digits else None


def read_region_table(path: Path, year: int) -> dict[tuple[str, int], float]:
    """``(sex, attained age) → value`` for ``year``; ages ≥ 100 are summed into 100."""
    lines = path.read_text(encoding="latin-1").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith('"region"'))
    reader = csv.reader(lines[start:])
    header = next(reader)
    col = header.index(str(year))
    out: dict[tuple[str, int], float] = {}
    for row in reader:
        if len(row) <= col:
            continue
        age = _age(row[1])
        if age is None:
            continue
        key = (row[2], min(age, MAX_AGE))
        out[key] = out.get(key, 0.0) + float(row[col])
    return out


def read_population(path: Path, year: int) -> dict[tuple[str, int], float]:
    """Population on 31 December ``year`` (space-separated SCB layout), ages ≥ 100 summed into 100."""
    lines = path.read_text(encoding="latin-1").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith('"age"'))
    header = [h.strip('"') for h in lines[start].split(" ") if h]
    col = header.index(str(year))
    out: dict[tuple[str, int], float] = {}
    for line in lines[start + 1:]:
        parts = next(iter(csv.reader([line], delimiter=" ")))
        parts = [p for p in parts if p != ""]
        if len(parts) <= col:
            continue
        age = _age(parts[0])
        if age is None:
            continue
        key = (parts[1], min(age, MAX_AGE))
        out[key] = out.get(key, 0.0) + float(parts[col])
    return out


def main(folder: Path) -> None:
    deaths = read_region_table(folder / "BE0101D9_20210304-130831.csv", YEAR)
    exposure = read_region_table(folder / "BE0101A5_20210304-132026.csv", YEAR)
    pop_end = read_population(folder / "0000053A_20210304-131137.csv", YEAR)
    pop_prev = read_population(folder / "0000053A_20210304-131137.csv", YEAR - 1)
    sexes = {"men": "män", "women": "kvinnor"}

    rows = []
    births = {}
    for en, sv in sexes.items():
        births[en] = pop_end[(en, 0)] + deaths[(en, 0)]
        rows.append({"kön": sv, "ålder": "födda", "dödsrisk": round(deaths[(en, 0)] / births[en], 7)})
        for a in range(MAX_AGE + 1):
            attained = min(a + 1, MAX_AGE)
            m = deaths[(en, attained)] / exposure[(en, attained)]
            rows.append({"kön": sv, "ålder": str(a), "dödsrisk": round(1.0 - math.exp(-m), 7)})
    with (OUT / "mortality.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=["kön", "ålder", "dödsrisk"], lineterminator="\n")
        w.writeheader()
        w.writerows(rows)

    total_births = births["men"] + births["women"]
    ages = np.arange(15, 50)
    shape = np.exp(-0.5 * ((ages - MEAN_AGE_MOTHER) / SD_AGE_MOTHER) ** 2)
    women = np.array([pop_prev[("women", a - 1)] for a in ages])
    level = total_births / float((shape * women).sum())
    asfr = level * shape
    with (OUT / "fertility.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["ålder", "fruktsamhet"])
        for a, f in zip(ages, asfr, strict=True):
            w.writerow([int(a), round(float(f), 7)])
    print(f"births {YEAR}: {total_births:.0f}, boys' share {births['men'] / total_births:.5f}, "
          f"TFR {asfr.sum():.3f}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
