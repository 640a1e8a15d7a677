"""Import of a bought population forecast (Statisticon, SCB …) in its usual layout.

The usual layout is one row per area and age (single year or age group, optionally per sex) and one column per
year; a long layout (area, age, year, count) is read too. Title rows above the header are skipped; rows for the
whole municipality ("Totalt", "Hela kommunen") and age totals are left out, since the workbook sums the areas.

Examples
--------
>>> parse_age("1-5 år"), parse_age("95+"), parse_age("95-w"), parse_age("7")
((1, 5), (95, 120), (95, 120), (7, 7))
>>> parse_age("Totalt") is None
True
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from hushall.errors import DataValidationError, Problem, raise_if_problems

OPEN_AGE = 120
_TOTAL_WORDS = ("totalt", "total", "summa", "samtliga", "hela kommunen", "kommunen totalt", "alla åldrar")
_AGE = re.compile(r"^\s*(\d{1,3})\s*(?:år)?\s*(?:([-–]|\+)\s*(\d{1,3}|w|ω)?)?\s*(?:år)?\s*$", re.IGNORECASE)
_YEAR = re.compile(r"^\s*(19|20|21)\d{2}(?:\.0)?\s*$")
_AREA_HEADERS = ("område_id", "område", "omrade", "områdesnamn", "delområde", "region", "area", "nyko")
_AGE_HEADERS = ("ålder", "alder", "åldersgrupp", "åldersklass", "age")
_SEX_HEADERS = ("kön", "kon", "sex")


def parse_age(text: object) -> tuple[int, int] | None:
    """An age label → (from, to); open classes end at 120. ``None`` for totals or text that is not an age."""
    s = str(text).strip().casefold().replace("år", "").strip() if text is not None else ""
    if s.endswith(".0"):
        s = s[:-2]
    m = _AGE.match(s)
    if not m:
        return None
    lo = int(m.group(1))
    if m.group(2) == "+" or (m.group(2) and m.group(3) in (None, "w", "ω")):
        return lo, OPEN_AGE
    hi = int(m.group(3)) if m.group(3) else lo
    return (lo, hi) if hi >= lo else None


@dataclass
class BoughtForecast:
    """The forecast as rows of *Befolkning*, with what was left out."""

    frame: pd.DataFrame                 # district_id, age_from, age_to, year, count
    skipped: list[str] = field(default_factory=list)


def _find_header(raw: pd.DataFrame) -> int:
    for i in range(min(len(raw), 30)):
        cells = [str(c).strip().casefold() for c in raw.iloc[i].tolist()]
        has_age = any(c in _AGE_HEADERS for c in cells)
        has_years = sum(bool(_YEAR.match(c)) for c in cells) >= 1 or "år" in cells
        if has_age and has_years:
            return i
    raise DataValidationError.single(
        "E_COLUMNS", "Hittade ingen rubrikrad med 'ålder' och årtal (t.ex. område | ålder | 2025 | 2026 …) "
        "bland de 30 första raderna.")


def read_bought_forecast(path: Path, districts: Sequence[str], district_names: dict[str, str] | None = None,
                         ) -> BoughtForecast:
    """Read a bought forecast and map its areas to the workbook's districts (by id or name)."""
    path = Path(path)
    label = path.name
    if not path.exists():
        raise DataValidationError.single("E_FILE_MISSING", "Filen finns inte.", file=str(path))
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            raw = pd.read_excel(path, sheet_name=0, header=None, dtype=object, engine="openpyxl")
        elif path.suffix.lower() == ".csv":
            text = path.read_text(encoding="utf-8-sig")
            first = next((line for line in text.splitlines() if line.strip()), "")
            raw = pd.read_csv(path, sep=";" if first.count(";") >= first.count(",") else ",", header=None,
                              dtype=object, encoding="utf-8-sig", skip_blank_lines=False)
        else:
            raise DataValidationError.single("E_FILE_FORMAT", "Ange prognosen som .xlsx eller .csv.", file=label)
    except DataValidationError:
        raise
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise DataValidationError.single("E_FILE_UNREADABLE", f"Filen kunde inte läsas ({type(exc).__name__}).",
                                         file=label) from exc
    try:
        h = _find_header(raw)
    except DataValidationError as exc:
        raise DataValidationError([Problem(p.code, p.message, file=label) for p in exc.problems]) from exc
    header = [str(c).strip() for c in raw.iloc[h].tolist()]
    low = [c.casefold() for c in header]
    area_col = next((i for i, c in enumerate(low) if c in _AREA_HEADERS), None)
    age_col = next(i for i, c in enumerate(low) if c in _AGE_HEADERS)
    sex_col = next((i for i, c in enumerate(low) if c in _SEX_HEADERS), None)
    year_cols = [(i, int(float(c))) for i, c in enumerate(header) if _YEAR.match(c)]
    long_year = low.index("år") if "år" in low else None
    count_col = next((i for i, c in enumerate(low) if c in ("antal", "folkmängd", "invånare", "count")), None)
    if area_col is None and len(districts) != 1:
        raise DataValidationError.single("E_COLUMNS", "Prognosen saknar en kolumn för område (t.ex. 'område').",
                                         file=label, row=h + 1)
    if not year_cols and (long_year is None or count_col is None):
        raise DataValidationError.single("E_COLUMNS", "Prognosen har varken en kolumn per år eller kolumnerna "
                                         "'år' och 'antal'.", file=label, row=h + 1)

    by_name = {v.casefold(): k for k, v in (district_names or {}).items()}
    known = {d.casefold(): d for d in districts}
    problems: list[Problem] = []
    skipped: list[str] = []
    records: dict[tuple[str, int, int, int], float] = {}
    for r in range(h + 1, len(raw)):
        row = raw.iloc[r].tolist()
        if all(pd.isna(c) or str(c).strip() == "" for c in row):
            continue
        excel_row = r + 1
        area = str(row[area_col]).strip() if area_col is not None and not pd.isna(row[area_col]) else ""
        if area_col is None:
            district: str | None = districts[0]
        elif area.casefold() in _TOTAL_WORDS:
            skipped.append(f"rad {excel_row}: summa för hela kommunen ({area})")
            continue
        else:
            district = known.get(area.casefold()) or by_name.get(area.casefold())
        if district is None:
            problems.append(Problem("E_REFERENCE", "Okänt område: varken id eller namn i fliken Områden.",
                                    file=label, row=excel_row, column=header[area_col or 0], value=area))
            continue
        age_text = row[age_col]
        band = parse_age(age_text)
        if band is None:
            if str(age_text).strip().casefold() in _TOTAL_WORDS:
                skipped.append(f"rad {excel_row}: summa över åldrar ({age_text})")
            else:
                problems.append(Problem("E_AGE", "Åldern ska vara t.ex. 7, 1-5, 1–5 år eller 95+.", file=label,
                                        row=excel_row, column=header[age_col], value=age_text))
            continue
        if sex_col is not None and str(row[sex_col]).strip().casefold() in _TOTAL_WORDS:
            skipped.append(f"rad {excel_row}: summa över könen")
            continue
        cells: list[tuple[int, int | None]] = list(year_cols) if year_cols else [(int(count_col or 0), None)]
        for col, year in cells:
            value = row[col]
            if year is None:
                try:
                    year = int(float(str(row[long_year]).strip()))
                except ValueError:
                    problems.append(Problem("E_TYPE", "Året ska vara ett årtal.", file=label, row=excel_row,
                                            column=header[long_year or 0], value=row[long_year]))
                    continue
            if pd.isna(value) or str(value).strip() == "":
                continue
            try:
                n = float(str(value).replace("\u00a0", "").replace(" ", "").replace(",", "."))
            except ValueError:
                problems.append(Problem("E_TYPE", "Antalet ska vara ett tal.", file=label, row=excel_row,
                                        column=header[col], value=value))
                continue
            if n < 0:
                problems.append(Problem("E_RANGE", "Antalet kan inte vara negativt.", file=label, row=excel_row,
                                        column=header[col], value=n))
                continue
            key = (district, band[0], band[1], year)
            records[key] = records.get(key, 0.0) + n  # sexes are summed
    raise_if_problems(problems)
    if not records:
        raise DataValidationError.single("E_EMPTY", "Prognosen innehåller inga antal.", file=label)
    frame = pd.DataFrame([(d, lo, hi, y, n) for (d, lo, hi, y), n in sorted(records.items())],
                         columns=["district_id", "age_from", "age_to", "year", "count"])
    _check_overlaps(frame, label)
    return BoughtForecast(frame=frame, skipped=skipped)


def _check_overlaps(frame: pd.DataFrame, label: str) -> None:
    f = frame.sort_values(["district_id", "year", "age_from"])
    prev = f.groupby(["district_id", "year"])["age_to"].shift()
    bad = f[(f["age_from"] <= prev).fillna(False).astype(bool)]
    if len(bad):
        r = bad.iloc[0]
        raise DataValidationError.single(
            "E_AGE_OVERLAP", f"Åldersklasserna överlappar för område {r['district_id']} år {r['year']} "
            "(t.ex. både 0-5 och 3). Ta bort summaraderna.", file=label, value=f"{r['age_from']}-{r['age_to']}")


__all__ = ["BoughtForecast", "parse_age", "read_bought_forecast"]
