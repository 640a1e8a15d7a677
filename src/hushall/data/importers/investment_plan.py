"""From the council's investment plan (investeringsplan) to sheet Projekt.

The usual layout, as councils publish it in the budget: one row per project, one column per year, and a few
columns around them::

    Projekt                      | Nämnd | Total | 2025 | 2026 | 2027 | Anmärkning
    Ny förskola Solrosen         | BUN   | 42000 | 2000 | 25000| 15000| Beslut KF 2024-11
    Ombyggnad Centralskolan      | BUN   | 30000 |      | 12000| 18000|

Headers are recognised by their usual words (``projekt``, ``nämnd``, ``total``/``summa``, a year, ``anmärkning``
…; optional ``projekt_id``, ``typ``, ``anläggning``, ``område``), and the header row may sit below a title. The
unit (kr, tkr, mnkr) is read from the title or headers, or given with ``--enhet``. Each project becomes a row of
Projekt:

* cost :math:`C = \\sum_t a_t` over the year columns (the total column is only checked against it);
* start :math:`s` = the first year with an amount, build time :math:`d` = last − first + 1 years, and the cash
  profile :math:`p_k = a_{s+k} / C` for :math:`k = 0 … d-1`, so ``cost × profile`` gives the plan's yearly
  amounts back;
* the planned start becomes ``tidigast_start`` (the optimiser may move a project later, not earlier);
* the facility from the ``anläggning`` column, or a known facility's name found in the project name; the district
  from ``område`` or from that facility; the project type from ``typ`` or a keyword of the name.

Facilities and districts the workbook does not know are listed, so are rows that could not be read (no name,
amounts that are not numbers, negative amounts, sum rows).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd

from hushall.data.importers.tabular import (
    keywords,
    match_keyword,
    parse_number,
    read_rows,
    sv_number,
    table_from_rows,
)
from hushall.data.importers.workbook import ImportResult, listed
from hushall.data.schema import PROJECT_TYPES
from hushall.errors import DataValidationError

UNITS = {"kr": 1.0, "tkr": 1_000.0, "mnkr": 1_000_000.0}
HEADER_WORDS: dict[str, tuple[str, ...]] = {
    "name": ("projekt", "projektnamn", "benämning", "investering", "objekt"),
    "project_id": ("projekt_id", "projektnr", "projektnummer", "nr", "id"),
    "committee": ("nämnd", "ansvarig nämnd", "förvaltning"),
    "total": ("total", "totalt", "summa", "totalbelopp", "total utgift", "totalbudget"),
    "note": ("anmärkning", "kommentar", "not", "notering", "beskrivning"),
    "type": ("typ", "projekttyp"),
    "facility": ("anläggning", "anläggning_id", "byggnad", "fastighet"),
    "district": ("område", "område_id", "kommundel"),
}
_YEAR = re.compile(r"^(?:år\s*)?(20\d\d|19\d\d)(?:\s*\(.*\))?$")


def _unit_from(text: str) -> str | None:
    low = text.lower()
    if re.search(r"\b(mnkr|mkr|msek|miljoner)\b", low):
        return "mnkr"
    if re.search(r"\btkr\b|\btusental\b|\bksek\b", low):
        return "tkr"
    return None


def _shares(amounts: list[float]) -> str:
    """Cash profile text with shares that sum to exactly 1 (the last takes the rounding)."""
    total = sum(amounts)
    shares = [round(a / total, 10) for a in amounts[:-1]]
    shares.append(round(1 - sum(shares), 10))
    return ";".join(f"{s:.10f}".rstrip("0").rstrip(".").replace(".", ",") for s in shares)


def import_investment_plan(path: str | Path, base_year: int | None = None, unit: str | None = None,
                           facilities: pd.DataFrame | None = None,
                           known_districts: set[str] | None = None) -> ImportResult:
    """Read an investment plan (CSV or xlsx) into sheet Projekt (module docstring).

    ``facilities`` (columns facility_id, name, district_id) and ``known_districts`` are the workbook's, when the
    import goes ``--into`` one; without them facilities and districts are taken as written and not checked.
    """
    label, all_rows = read_rows(path)
    title = ""
    for i, row in enumerate(all_rows[:12]):
        cells = [str(c if c is not None else "").strip().lower() for c in row]
        if any(c in HEADER_WORDS["name"] for c in cells) and any(_YEAR.match(c) for c in cells):
            header_row = i + 1
            break
        title += " " + " ".join(cells)
    else:
        raise DataValidationError.single(
            "E_PLAN_LAYOUT", "Hittar ingen rubrikrad med 'Projekt' och minst en årskolumn (t.ex. 2025) bland de "
            "tolv första raderna.", file=label)
    table = table_from_rows(label, all_rows, header_row)
    roles: dict[str, int] = {}
    years: dict[int, int] = {}
    for j, h in enumerate(table.header):
        low = h.strip().lower()
        m = _YEAR.match(low)
        if m:
            years[int(m.group(1))] = j
            continue
        for role, words in HEADER_WORDS.items():
            if low in words and role not in roles:
                roles[role] = j
                break
    unit = unit or _unit_from(title + " " + " ".join(table.header))
    if unit is None:
        raise DataValidationError.single(
            "E_PLAN_UNIT", "Enheten framgår inte (kr, tkr eller mnkr i rubriken). Ange den med --enhet.",
            file=table.file, row=header_row)
    factor = UNITS[unit]
    fac = facilities if facilities is not None else pd.DataFrame(columns=["facility_id", "name", "district_id"])
    by_id = {str(r.facility_id).lower(): r for r in fac.itertuples()}
    by_name = {str(r.name).lower(): r for r in fac.itertuples() if str(r.name)}
    type_words = keywords()["project_types"]
    projects: list[dict[str, Any]] = []
    listing: list[dict[str, Any]] = []
    rejected: list[dict[str, Any]] = []
    unknown: list[dict[str, Any]] = []
    year_list = sorted(years)

    def cell(row: list[Any], role: str) -> str:
        j = roles.get(role)
        return "" if j is None or row[j] is None else str(row[j]).strip()

    for row, number in zip(table.rows, table.row_numbers, strict=True):
        name = cell(row, "name")
        if not name:
            rejected.append({"rad": number, "projekt": "", "orsak": "Projektnamn saknas."})
            continue
        if name.lower().startswith(("summa", "totalt", "total ")):
            rejected.append({"rad": number, "projekt": name, "orsak": "Summarad; ingår inte som projekt."})
            continue
        amounts: dict[int, float] = {}
        bad = []
        for y in year_list:
            v = row[years[y]]
            if v is None or str(v).strip() in ("", "-", "–"):
                continue
            x = parse_number(v)
            if x is None:
                bad.append(f"{y}: {v!r} är inget tal")
            elif x < 0:
                bad.append(f"{y}: negativt belopp {x:g} (inkomst? läggs inte in som projekt)")
            elif x > 0:
                amounts[y] = x * factor
        if bad:
            rejected.append({"rad": number, "projekt": name, "orsak": "; ".join(bad) + "."})
            continue
        if not amounts:
            rejected.append({"rad": number, "projekt": name, "orsak": "Inga belopp i årskolumnerna."})
            continue
        start, end = min(amounts), max(amounts)
        span = [amounts.get(y, 0.0) for y in range(start, end + 1)]
        cost = sum(span)
        notes = []
        total = parse_number(cell(row, "total")) if cell(row, "total") else None
        if total is not None and abs(total * factor - cost) > 0.5 * factor:
            notes.append(f"Totalen {total:g} {unit} avviker från årens summa {cost / factor:g} {unit}; årens "
                         "belopp används (totalen kan omfatta år utanför planen).")
        ptype = cell(row, "type").lower()
        if ptype not in PROJECT_TYPES:
            guessed = match_keyword(ptype or name, type_words)
            ptype = guessed or "reinvestering"
            notes.append(f"Typ {ptype} ({'ur namnet' if guessed else 'antagen'}).")
        facility_text = cell(row, "facility")
        match = by_id.get(facility_text.lower()) or by_name.get(facility_text.lower()) if facility_text else None
        if match is None and not facility_text:
            match = next((r for n, r in sorted(by_name.items(), key=lambda kv: -len(kv[0]))
                          if n and n in name.lower()), None)
        facility_id = "" if match is None else str(match.facility_id)
        if facility_text and match is None and facilities is not None:
            unknown.append({"rad": number, "projekt": name, "slag": "anläggning", "värde": facility_text})
        district = cell(row, "district") or ("" if match is None else str(match.district_id))
        if known_districts is not None and district not in known_districts:
            unknown.append({"rad": number, "projekt": name, "slag": "område", "värde": district or "(saknas)"})
        if base_year is not None and start <= base_year:
            notes.append(f"Startår {start} ligger inte efter basåret {base_year}: ändra tidigast_start.")
        if end - start + 1 > 10:
            notes.append(f"Byggtid {end - start + 1} år (Projekt tillåter högst 10): dela upp projektet.")
        pid = cell(row, "project_id") or f"IP-{len(projects) + 1:03d}"
        projects.append({"project_id": pid, "name": name, "project_type": ptype, "facility_id": facility_id,
                         "district_id": district, "cost_kr": round(cost, 2), "duration_years": end - start + 1,
                         "cash_profile": _shares(span) if len(span) > 1 else "", "earliest_start": start})
        listing.append({"rad": number, "projekt_id": pid, "projekt": name, "nämnd": cell(row, "committee"),
                        "kostnad_kr": round(cost, 2), "start": start, "byggtid_år": end - start + 1,
                        "anmärkning": cell(row, "note"), "import": " ".join(notes)})
    reports = {"_Investeringsplan": pd.DataFrame(listing),
               "_Ej inlästa projekt": pd.DataFrame(rejected, columns=["rad", "projekt", "orsak"])}
    if unknown:
        reports["_Okända anläggningar, områden"] = pd.DataFrame(unknown)
    messages = [f"Investeringsplan ({unit}, åren {year_list[0]}–{year_list[-1]}): {len(projects)} projekt, "
                f"summa {sv_number(sum(p['cost_kr'] for p in projects) / 1e6, 1)} Mkr."]
    messages += listed(f"{len(rejected)} rader lästes inte in:",
                       [f"rad {r['rad']} {r['projekt']}: {r['orsak']}" for r in rejected])
    messages += listed(f"{len(unknown)} okända anläggningar eller områden:",
                       [f"rad {u['rad']} {u['projekt']}: {u['slag']} {u['värde']}" for u in unknown])
    if facilities is None:
        messages.append("Anläggningar och områden kontrollerades inte (ingen arbetsbok med --into).")
    summary = {"projects": len(projects), "unit": unit, "rejected": rejected, "unknown": unknown}
    return ImportResult("investeringsplan", {"projects": pd.DataFrame(projects)}, reports, messages, None, summary)
