"""From the asset register (anläggningsregistret) to sheets Anläggningar and Komponenter.

An asset register lists one row per asset or component: id, description, acquisition value, accumulated
depreciation, activation date, useful life, component, account and the building it belongs to. Every system
names these columns differently, so a small **layout file** (YAML) says which header holds which field; two
examples ship in ``layouts/`` (``raindance.yaml``, ``unit4.yaml``; their column names are invented but
plausible). Each register row becomes one component of the facility named in its building column (RKR R4 asks
for component depreciation, so municipal registers are already split this way):

* **type** — a keyword of the component or description text (``keywords.yaml``, the longest match wins), else
  the account (``konto_till_typ`` in the layout); land, equipment and vehicles are left out with the reason;
* **value** — the acquisition value, optionally raised to today's prices by a yearly construction-price
  increase :math:`g` (``uppräkning_per_år``): :math:`V = A\\,(1+g)^{T-t_a}` with :math:`T` the base year and
  :math:`t_a` the activation year (historical cost understates what renewal costs; with :math:`g = 0` the value
  is the book's);
* **lifetime** — the register's useful life, else the technical lifetime of the type (``component_lifetimes`` in
  ``hushall/data/defaults/parameters.yaml``, sources there: SKL 2014 "Komponentavskrivning", RKR R4);
* **last renewed** — the activation year;
* **book value** :math:`B = A - D` and **remaining life** :math:`\\max(0, t_a + L - T)` (and
  :math:`L\\,B/A` as the books see it), reported per row in sheet ``_Anläggningsregister``.

A facility's replacement value is the sum of its components' values; its year built the earliest activation
year of a ``stomme`` (else of any component); its category a keyword of its name or activity column.

References
----------
RKR R4 "Materiella anläggningstillgångar" (komponentavskrivning). SKL (2014) "Komponentavskrivning – en
vägledning". LKBR (2018:597) 6 kap. 4 § (avskrivning enligt plan; mark skrivs inte av).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from hushall.data.importers.tabular import (
    default_lifetimes,
    keyword_match,
    keywords,
    match_keyword,
    parse_number,
    parse_year,
    read_table,
)
from hushall.data.importers.workbook import ImportResult, listed
from hushall.data.schema import COMPONENT_TYPES, FACILITY_CATEGORIES
from hushall.errors import DataValidationError, Problem

FIELDS: dict[str, str] = {
    "tillgång_id": "Tillgångens id i registret",
    "benämning": "Beskrivning av tillgången",
    "komponent": "Komponent (text)",
    "konto": "Konto i anläggningsredovisningen",
    "anskaffningsvärde_kr": "Anskaffningsvärde, kr",
    "ackumulerade_avskrivningar_kr": "Ackumulerade avskrivningar (och nedskrivningar), kr",
    "aktiveringsdatum": "Aktiveringsdatum (eller år)",
    "nyttjandeperiod_år": "Nyttjandeperiod i år",
    "nyttjandeperiod_mån": "Nyttjandeperiod i månader",
    "anläggning_id": "Byggnad/objekt som tillgången hör till",
    "anläggning_namn": "Byggnadens/objektets namn",
    "område_id": "Område (Hushålls område_id)",
    "kategori": "Verksamhet eller kategori (text)",
}
REQUIRED_FIELDS = ("anskaffningsvärde_kr", "aktiveringsdatum", "anläggning_id")


@dataclass
class Layout:
    name: str
    columns: dict[str, str]
    header_row: int = 1
    sheet: str | None = None
    account_types: dict[str, str] | None = None
    uplift_per_year: float = 0.0
    default_district: str | None = None
    extra_keywords: dict[str, list[str]] | None = None


def shipped_layouts() -> dict[str, Path]:
    """The example layouts shipped with Hushåll: name → path."""
    folder = resources.files("hushall.data.importers").joinpath("layouts")
    return {Path(str(f)).stem: Path(str(f)) for f in folder.iterdir() if str(f).endswith(".yaml")}


def read_layout(path: str | Path) -> Layout:
    """Read a column-mapping file; a shipped layout may be named (``raindance``, ``unit4``)."""
    p = Path(path)
    if not p.is_file() and str(path) in shipped_layouts():
        p = shipped_layouts()[str(path)]
    if not p.is_file():
        raise DataValidationError.single(
            "E_FILE_MISSING", "Mappningsfilen finns inte. Medföljande exempel: "
            + ", ".join(sorted(shipped_layouts())) + ".", file=str(path))
    try:
        doc = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise DataValidationError.single("E_LAYOUT_YAML", f"Filen är inte giltig YAML ({getattr(exc, 'problem', exc)}).",
                                         file=p.name, row=None if mark is None else mark.line + 1) from exc
    cols = doc.get("kolumner") or {}
    problems = [Problem("E_LAYOUT_FIELD", "Okänt fält. Fält: " + ", ".join(FIELDS) + ".", file=p.name,
                        column="kolumner", value=k) for k in cols if k not in FIELDS]
    problems += [Problem("E_LAYOUT_FIELD", f"Fältet {k} måste anges under kolumner ({FIELDS[k]}).", file=p.name,
                         column="kolumner") for k in REQUIRED_FIELDS if k not in cols]
    types = {str(k): str(v) for k, v in (doc.get("konto_till_typ") or {}).items()}
    problems += [Problem("E_LAYOUT_TYPE", "Okänd komponenttyp. Typer: " + ", ".join(COMPONENT_TYPES) + ".",
                         file=p.name, column="konto_till_typ", value=v) for v in types.values()
                 if v not in COMPONENT_TYPES]
    if problems:
        raise DataValidationError(problems)
    fil = doc.get("fil") or {}
    return Layout(name=str(doc.get("namn") or p.stem), columns={k: str(v) for k, v in cols.items()},
                  header_row=int(fil.get("rubrikrad") or 1), sheet=fil.get("flik") or None,
                  account_types=types, uplift_per_year=float(doc.get("uppräkning_per_år") or 0.0),
                  default_district=doc.get("standard_område") or None,
                  extra_keywords=doc.get("nyckelord") or None)


def _component_type(text: str, account: str, layout: Layout) -> tuple[str | None, str | None]:
    """(type, None), or (None, reason) for a row that is not part of the facility plan."""
    kw = keywords()
    table = {k: list(v) for k, v in kw["component_types"].items()}
    for k, v in (layout.extra_keywords or {}).items():
        table.setdefault(k, []).extend(v)
    found = keyword_match(text, table)
    # Excluded words must stand as whole words ("mark", not "markiser") and beat a shorter type keyword.
    excluded = keyword_match(text, {k: [k] for k in kw["excluded"]}, whole_word=True)
    if excluded is not None and (found is None or excluded[1] >= found[1]):
        return None, kw["excluded"][excluded[0]]
    if found is not None:
        return found[0], None
    for prefix in sorted(layout.account_types or {}, key=len, reverse=True):
        if account.startswith(prefix):
            return (layout.account_types or {})[prefix], None
    return None, (f"Okänd komponenttyp för {text!r}: lägg till ett nyckelord (nyckelord: i mappningsfilen) "
                  "eller kontot under konto_till_typ.")


def import_assets(path: str | Path, layout: str | Path, base_year: int,
                  known_districts: set[str] | None = None) -> ImportResult:
    """Read an asset-register export with ``layout`` into Anläggningar and Komponenter (module docstring)."""
    lay = read_layout(layout)
    table = read_table(path, lay.header_row, lay.sheet)
    positions: dict[str, int] = {}
    missing = []
    for field, header in lay.columns.items():
        j = table.column(header)
        if j is None:
            missing.append(header)
        else:
            positions[field] = j
    if missing:
        raise DataValidationError([Problem(
            "E_COLUMN_MISSING", f"Kolumnen som mappningsfilen anger finns inte i exporten. Rubriker på rad "
            f"{lay.header_row}: " + ", ".join(h for h in table.header if h) + ".", file=table.file,
            row=lay.header_row, column=h) for h in missing])
    lifetimes = default_lifetimes()
    components: list[dict[str, Any]] = []
    report: list[dict[str, Any]] = []
    rejected: list[dict[str, Any]] = []
    facilities: dict[str, dict[str, Any]] = {}
    seen_ids: dict[str, int] = {}

    def cell(row: list[Any], field: str) -> Any:
        j = positions.get(field)
        return None if j is None else row[j]

    for row, number in zip(table.rows, table.row_numbers, strict=True):
        text = " ".join(str(cell(row, f) or "") for f in ("komponent", "benämning")).strip()
        asset_id = str(cell(row, "tillgång_id") or "").strip() or f"rad{number}"

        def reject(reason: str, _n: int = number, _id: str = asset_id, _t: str = text) -> None:
            rejected.append({"rad": _n, "tillgång_id": _id, "text": _t, "orsak": reason})

        facility = str(cell(row, "anläggning_id") or "").strip()
        value = parse_number(cell(row, "anskaffningsvärde_kr"))
        year = parse_year(cell(row, "aktiveringsdatum"))
        if not facility:
            reject("Saknar byggnad/objekt (anläggning_id): tillgången kan inte knytas till en anläggning.")
            continue
        if value is None:
            reject(f"Anskaffningsvärdet {cell(row, 'anskaffningsvärde_kr')!r} är inget tal.")
            continue
        if value <= 0:
            reject(f"Anskaffningsvärdet är {value:g} kr (måste vara större än 0).")
            continue
        if year is None:
            reject(f"Aktiveringsdatumet {cell(row, 'aktiveringsdatum')!r} går inte att läsa som datum eller år.")
            continue
        if year > base_year:
            reject(f"Aktiverad {year}, efter basåret {base_year}.")
            continue
        ctype, reason = _component_type(text, str(cell(row, "konto") or "").strip(), lay)
        if ctype is None:
            reject(reason or "Okänd komponenttyp.")
            continue
        life = parse_number(cell(row, "nyttjandeperiod_år"))
        months = parse_number(cell(row, "nyttjandeperiod_mån"))
        if life is None and months is not None:
            life = months / 12
        life_source = "registret"
        if life is None or life <= 0:
            life, life_source = lifetimes[ctype], "standard för typen (data/defaults/parameters.yaml)"
        depreciation = abs(parse_number(cell(row, "ackumulerade_avskrivningar_kr")) or 0.0)
        book = value - depreciation
        component_value = value * (1 + lay.uplift_per_year) ** (base_year - year)
        base_id = f"{facility}-{asset_id}"
        seen_ids[base_id] = seen_ids.get(base_id, 0) + 1
        component_id = base_id if seen_ids[base_id] == 1 else f"{base_id}-{seen_ids[base_id]}"
        components.append({"component_id": component_id, "facility_id": facility, "component_type": ctype,
                           "value_kr": round(component_value, 2), "lifetime_years": round(life, 2),
                           "last_renewed_year": year})
        report.append({"rad": number, "tillgång_id": asset_id, "komponent_id": component_id, "typ": ctype,
                       "anskaffningsvärde_kr": value, "ackumulerade_avskrivningar_kr": depreciation,
                       "bokfört_värde_kr": round(book, 2), "livslängd_år": round(life, 2),
                       "livslängd_källa": life_source,
                       "återstående_livslängd_år": max(0.0, round(year + life - base_year, 1)),
                       "återstående_enligt_bokfört_värde_år": round(life * book / value, 1)})
        f = facilities.setdefault(facility, {"facility_id": facility, "name": "", "district_id": "",
                                             "activity": "", "years": [], "frame_years": [], "value": 0.0})
        f["name"] = f["name"] or str(cell(row, "anläggning_namn") or "").strip()
        f["district_id"] = f["district_id"] or str(cell(row, "område_id") or "").strip()
        f["activity"] = f["activity"] or str(cell(row, "kategori") or "").strip()
        f["years"].append(year)
        if ctype == "stomme":
            f["frame_years"].append(year)
        f["value"] += component_value
    cats = keywords()["facility_categories"]
    facility_rows = []
    unknown_districts: list[dict[str, Any]] = []
    for f in facilities.values():
        category = match_keyword(f["activity"], cats) or match_keyword(f["name"] or f["facility_id"], cats)
        district = f["district_id"] or (lay.default_district or "")
        if known_districts is not None and district not in known_districts:
            unknown_districts.append({"anläggning_id": f["facility_id"], "namn": f["name"],
                                      "område_id": district, "orsak": "Området finns inte i fliken Områden."
                                      if district else "Område saknas i exporten."})
        facility_rows.append({
            "facility_id": f["facility_id"], "name": f["name"] or f["facility_id"], "district_id": district,
            "category": category if category in FACILITY_CATEGORIES else "övrigt",
            "year_built": min(f["frame_years"] or f["years"]), "replacement_value_kr": round(f["value"], 2)})
    tables = {"facilities": pd.DataFrame(facility_rows), "components": pd.DataFrame(components)}
    reports = {
        "_Anläggningsregister": pd.DataFrame(report),
        "_Ej placerade tillgångar": pd.DataFrame(rejected, columns=["rad", "tillgång_id", "text", "orsak"]),
    }
    if unknown_districts:
        reports["_Okända områden"] = pd.DataFrame(unknown_districts)
    messages = [f"{lay.name}: {len(table.rows)} rader → {len(facility_rows)} anläggningar, "
                f"{len(components)} komponenter (basår {base_year})."]
    messages += listed(f"{len(rejected)} rader kunde inte placeras (fliken '_Ej placerade tillgångar'):",
                       [f"rad {r['rad']} ({r['tillgång_id']}): {r['orsak']}" for r in rejected])
    messages += listed(f"{len(unknown_districts)} anläggningar har ett okänt område (fliken '_Okända områden'):",
                       [f"{u['anläggning_id']}: {u['område_id'] or 'saknas'}" for u in unknown_districts])
    summary = {"facilities": len(facility_rows), "components": len(components), "rejected": rejected,
               "unknown_districts": unknown_districts}
    return ImportResult("anläggningar", tables, reports, messages, None, summary)


