"""What the forecast starts from: SCB's population by age and sex, split to the workbook's districts, and the
housing programme (bostadsbyggnadsprogram).

Examples
--------
>>> import numpy as np, pandas as pd
>>> table = pd.DataFrame({"district_id": ["C", "B"], "age_from": [0, 0], "age_to": [120, 120],
...                       "year": [2024, 2024], "count": [300.0, 100.0]})
>>> shares = district_shares(table, ("C", "B"))
>>> shares[:, 40].round(2).tolist()
[0.75, 0.25]
"""

from __future__ import annotations

import csv
import difflib
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from hushall.errors import DataValidationError, Problem, raise_if_problems
from hushall.population.rates import MAX_AGE, N_AGES, SEXES, FloatArray

_YEAR_COLUMN = re.compile(r"^X?(\d{4})$")


def read_scb_population(path: Path, kommun: str) -> tuple[FloatArray, int]:
    """Population of ``kommun`` by sex and single age (shape (2, 101)) and its year, from SCB's table
    *Folkmängd efter region, ålder och kön* as a CSV (columns ``region, ålder, kön, X2019``; ``../shared/data``).
    """
    path = Path(path)
    if not path.exists():
        raise DataValidationError.single("E_FILE_MISSING", "SCB-filen finns inte.", file=str(path))
    if path.is_dir():
        found = sorted(path.glob("*alderkon*.csv"))
        if not found:
            raise DataValidationError.single(
                "E_FILE_MISSING", "Mappen innehåller ingen SCB-fil med folkmängd efter ålder och kön "
                "(…alderkon.csv).", file=str(path))
        path = found[0]
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        text = path.read_text(encoding="cp1252")
    rows = list(csv.reader(text.splitlines()))
    if not rows:
        raise DataValidationError.single("E_FILE_EMPTY", "SCB-filen är tom.", file=path.name)
    header = [h.strip() for h in rows[0]]
    years = [(i, int(m.group(1))) for i, h in enumerate(header) if (m := _YEAR_COLUMN.match(h))]
    needed = ("region", "ålder", "kön")
    missing = [c for c in needed if c not in header]
    if missing or not years:
        raise DataValidationError.single(
            "E_COLUMNS", "SCB-filen ska ha kolumnerna region, ålder, kön och ett år (t.ex. X2019); "
            f"saknas: {', '.join(missing) or 'årskolumn'}.", file=path.name, row=1)
    col, year = years[-1]
    i_region, i_age, i_sex = (header.index(c) for c in needed)
    pop = np.zeros((2, N_AGES))
    regions: set[str] = set()
    problems: list[Problem] = []
    seen = False
    for number, row in enumerate(rows[1:], start=2):
        if len(row) <= col:
            continue
        regions.add(row[i_region])
        if row[i_region].strip().casefold() != kommun.strip().casefold():
            continue
        seen = True
        age_text = row[i_age].replace("+", "").replace("år", "").strip()
        sex = row[i_sex].strip().casefold()
        try:
            age = min(int(age_text), MAX_AGE)
            value = float(row[col].replace(" ", "").replace(",", "."))
        except ValueError:
            problems.append(Problem("E_TYPE", "Åldern och antalet ska vara tal.", file=path.name, row=number,
                                    column="ålder" if not age_text.isdigit() else header[col], value=row[col]))
            continue
        if sex not in SEXES:
            problems.append(Problem("E_CHOICE", "Kön ska vara 'kvinnor' eller 'män'.", file=path.name,
                                    row=number, column="kön", value=row[i_sex]))
            continue
        pop[SEXES.index(sex), age] += value
    raise_if_problems(problems)
    if not seen:
        close = difflib.get_close_matches(kommun, sorted(regions), n=3)
        hint = f" Menade du {', '.join(close)}?" if close else ""
        raise DataValidationError.single("E_UNKNOWN_KOMMUN", f"Kommunen finns inte i SCB-filen.{hint}",
                                         file=path.name, column="region", value=kommun)
    return pop, year


def district_shares(population: pd.DataFrame, districts: Sequence[str]) -> FloatArray:
    """Each district's share of every single age (shape (D, 101)), from the workbook's *Befolkning*.

    Uses the table's first year; an age band's count is spread evenly over its ages. Ages with nobody in any
    district take the districts' shares of the total.
    """
    d_index = {d: i for i, d in enumerate(districts)}
    weights = np.zeros((len(districts), N_AGES))
    if len(population):
        first = population[population["year"] == population["year"].min()]
        for row in first.itertuples(index=False):
            i = d_index.get(str(row.district_id))
            if i is None:
                continue
            lo, hi = int(row.age_from), int(row.age_to)
            top = min(hi, MAX_AGE)
            if lo > MAX_AGE:
                lo = top = MAX_AGE
            weights[i, lo:top + 1] += float(row.count) / (top - lo + 1)
    total = weights.sum(axis=0)
    overall = weights.sum(axis=1)
    fallback = overall / overall.sum() if overall.sum() > 0 else np.full(len(districts), 1.0 / len(districts))
    shares = np.where(total[None, :] > 0, weights / np.where(total > 0, total, 1.0)[None, :], fallback[:, None])
    return shares


def split_to_districts(population: FloatArray, shares: FloatArray) -> FloatArray:
    """Municipal population (2, 101) × district shares (D, 101) → (D, 2, 101); sums back exactly."""
    return shares[:, None, :] * population[None, :, :]


#: Column headers of a housing programme (Swedish, as a planner writes them) and their aliases.
_PROGRAMME_COLUMNS = {
    "område_id": ("område_id", "område", "omrade", "område id"),
    "år": ("år", "ar", "inflyttningsår", "färdigställt"),
    "bostadstyp": ("bostadstyp", "typ", "hustyp"),
    "antal_bostäder": ("antal_bostäder", "antal bostäder", "bostäder", "antal", "lägenheter"),
}
_TYPE_ALIASES = {"småhus": "småhus", "villa": "småhus", "radhus": "småhus", "sh": "småhus",
                 "flerbostadshus": "flerbostadshus", "lägenhet": "flerbostadshus", "fh": "flerbostadshus",
                 "fbh": "flerbostadshus", "hyresrätt": "flerbostadshus", "bostadsrätt": "flerbostadshus"}


def read_housing_programme(path: Path, districts: Sequence[str], district_names: dict[str, str] | None = None,
                           ) -> dict[tuple[str, int, str], float]:
    """Read a housing programme (.xlsx first sheet or .csv): område_id, år, bostadstyp, antal_bostäder.

    Areas may be given by id or by name. Every problem is reported with its row.
    """
    path = Path(path)
    frame, label = _read_table(path)
    cols = {c.strip().casefold(): c for c in frame.columns}
    mapping: dict[str, str] = {}
    for key, aliases in _PROGRAMME_COLUMNS.items():
        hit = next((cols[a] for a in aliases if a in cols), None)
        if hit is None:
            raise DataValidationError.single(
                "E_COLUMNS", f"Bostadsbyggnadsprogrammet saknar kolumnen {key!r} (kolumner: område_id, år, "
                "bostadstyp, antal_bostäder).", file=label, row=1)
        mapping[key] = hit
    by_name = {v.casefold(): k for k, v in (district_names or {}).items()}
    known = {d.casefold(): d for d in districts}
    out: dict[tuple[str, int, str], float] = {}
    problems: list[Problem] = []
    for index, row in zip(frame.index, frame.itertuples(index=False), strict=True):
        i = int(index) + 2  # the header is row 1
        values = dict(zip(frame.columns, row, strict=True))
        area = str(values[mapping["område_id"]]).strip()
        district = known.get(area.casefold()) or by_name.get(area.casefold())
        if district is None:
            problems.append(Problem("E_REFERENCE", "Okänt område (varken id eller namn i fliken Områden).",
                                    file=label, row=i, column=mapping["område_id"], value=area))
            continue
        kind = _TYPE_ALIASES.get(str(values[mapping["bostadstyp"]]).strip().casefold())
        if kind is None:
            problems.append(Problem("E_CHOICE", "Bostadstypen ska vara småhus eller flerbostadshus.", file=label,
                                    row=i, column=mapping["bostadstyp"], value=values[mapping["bostadstyp"]]))
            continue
        try:
            year = int(float(str(values[mapping["år"]]).strip()))
            n = float(str(values[mapping["antal_bostäder"]]).replace(" ", "").replace(",", "."))
        except ValueError:
            problems.append(Problem("E_TYPE", "År och antal bostäder ska vara tal.", file=label, row=i,
                                    column=mapping["antal_bostäder"], value=values[mapping["antal_bostäder"]]))
            continue
        if n < 0:
            problems.append(Problem("E_RANGE", "Antalet bostäder kan inte vara negativt.", file=label, row=i,
                                    column=mapping["antal_bostäder"], value=n))
            continue
        out[(district, year, kind)] = out.get((district, year, kind), 0.0) + n
    raise_if_problems(problems)
    return out


def _read_table(path: Path) -> tuple[pd.DataFrame, str]:
    """First sheet of an .xlsx or a ``;``/``,`` CSV as strings, with a Swedish error when unreadable."""
    label = path.name
    if not path.exists():
        raise DataValidationError.single("E_FILE_MISSING", "Filen finns inte.", file=str(path))
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            frame = pd.read_excel(path, sheet_name=0, dtype=str, engine="openpyxl")
        elif path.suffix.lower() == ".csv":
            text = path.read_text(encoding="utf-8-sig")
            sep = ";" if text.splitlines()[0].count(";") > text.splitlines()[0].count(",") else ","
            frame = pd.read_csv(path, sep=sep, dtype=str, encoding="utf-8-sig")
        else:
            raise DataValidationError.single("E_FILE_FORMAT", "Ange en .xlsx- eller .csv-fil.", file=label)
    except DataValidationError:
        raise
    except (OSError, ValueError, IndexError, UnicodeDecodeError) as exc:
        raise DataValidationError.single("E_FILE_UNREADABLE", f"Filen kunde inte läsas ({type(exc).__name__}).",
                                         file=label) from exc
    frame = frame.dropna(how="all")
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame.fillna(""), label


__all__ = ["district_shares", "read_housing_programme", "read_scb_population", "split_to_districts"]
