"""Validation of a municipality's raw tables into typed DataFrames.

Every problem is collected — none stops the check early — and each names the file, sheet, row, column and value
with a plain-Swedish reason and a stable code. The checks are generated from :mod:`hushall.data.schema` (types,
required cells, ranges, choices, keys, references) plus the cross-table rules written out below.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from hushall.data.io import RawTable, RawWorkbook
from hushall.data.schema import TABLES, ColumnSpec, TableSpec, text_limit
from hushall.errors import Problem
from hushall.formatting import fmt_mkr, fmt_number
from hushall.model.plausibility import check_plausibility
from hushall.model.relations import check_project_relations

TRUE = {"ja", "j", "yes", "y", "true", "sant", "1", "x"}
FALSE = {"nej", "n", "no", "false", "falskt", "0"}
IGNORED_COLUMNS = {"kommentar", "anteckning", "notering"}


@dataclass
class Collector:
    """Collects problems for one file."""

    file: str | None
    problems: list[Problem] = field(default_factory=list)

    def add(self, code: str, message: str, **where: Any) -> None:
        self.problems.append(Problem(code=code, message=message, file=self.file, **where))

    def warn(self, code: str, message: str, **where: Any) -> None:
        """A value that is possible but probably not what was meant: shown, does not stop the work."""
        self.problems.append(Problem(code=code, message=message, file=self.file, severity="warning", **where))


def _fmt_num(x: float) -> str:
    return f"{x:g}".replace(".", ",")


def _fmt_count(n: float) -> str:
    """A count or amount with Swedish thousands separators: 32 000."""
    return fmt_number(n)


def _convert(value: Any, col: ColumnSpec) -> tuple[Any, str | None]:
    """Convert one cell; return (value, None) or (None, reason)."""
    if col.dtype == "str":
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = str(value).strip()
        limit = text_limit(col)
        if len(text) > limit:
            return None, (f"Texten är {_fmt_count(len(text))} tecken lång; högst {limit} tecken får plats i "
                          f"{col.header}. Korta den (längre förklaringar hör hemma i en kommentarkolumn).")
        return text, None
    if col.dtype == "enum":
        s = str(value).strip().lower()
        if s in col.choices:
            return s, None
        return None, "Okänt värde. Tillåtna värden: " + ", ".join(col.choices) + "."
    if col.dtype == "bool":
        if isinstance(value, bool):
            return value, None
        s = str(value).strip().lower()
        if s in TRUE:
            return True, None
        if s in FALSE:
            return False, None
        return None, "Ange ja eller nej."
    # numbers
    if isinstance(value, bool):
        return None, "Ange ett tal, inte sant/falskt."
    if isinstance(value, (int, float, np.integer, np.floating)):
        x = float(value)
    else:
        s = str(value).strip().replace("\u00a0", "").replace(" ", "").replace("−", "-")
        if re.fullmatch(r"-?\d+(,\d+)?", s):
            s = s.replace(",", ".")
        try:
            x = float(s)
        except ValueError:
            return None, "Värdet måste vara ett heltal." if col.dtype == "int" else "Värdet måste vara ett tal."
    if not math.isfinite(x):
        return None, "Värdet måste vara ett ändligt tal."
    if col.dtype == "int":
        if not float(x).is_integer():
            return None, "Värdet måste vara ett heltal."
        return int(x), None
    return x, None


def _column_letter(index: int) -> str:
    """Excel's letter of the column at ``index`` (from 0): 0 → A, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _range_reason(x: float, col: ColumnSpec) -> str | None:
    if col.min is not None and x < col.min:
        if col.min == 0:
            return "Värdet får inte vara negativt."
        return f"Värdet måste vara minst {_fmt_num(col.min)}."
    if col.max is not None and x > col.max:
        return f"Värdet får vara högst {_fmt_num(col.max)}."
    return None


def _plain_column(values: list[Any], col: ColumnSpec) -> list[Any] | None:
    """A column's cells converted at once when every one is plain — for a number column a number, or a text that
    ``float`` reads as it stands (no decimal comma, no spaces inside, no "−"), finite, whole for an integer column,
    within the column's range; for a text column a text within its length — or empty where that is allowed;
    ``None`` otherwise, and the column is converted cell by cell (:func:`_convert`, which names each problem).
    Plain columns give exactly what :func:`_convert` gives (Exempelkommun's 128 000 cells: 0.24 s → 0.13 s).

    Examples
    --------
    >>> from hushall.data.schema import TABLES
    >>> count = next(c for c in TABLES["population"].columns if c.name == "count")
    >>> _plain_column(["77.5", 12, " 3 "], count), _plain_column(["77,5"], count)
    ([77.5, 12.0, 3.0], None)
    """
    if col.dtype == "str":
        return _plain_texts(values, col)
    if col.dtype not in ("int", "float"):
        return None
    whole = col.dtype == "int"
    low = -math.inf if col.min is None else col.min
    high = math.inf if col.max is None else col.max
    out: list[Any] = []
    for value in values:
        kind = type(value)
        if value is None:
            if col.required:
                return None
            out.append(col.default)
            continue
        if kind is float or kind is int:
            x = float(value)
        elif kind is str:
            text = value.strip()
            if "," in text or " " in text or "\u00a0" in text or "−" in text:
                return None
            try:
                x = float(text)
            except ValueError:
                return None
        else:
            return None
        if not (math.isfinite(x) and low <= x <= high) or (whole and not x.is_integer()):
            return None
        out.append(int(x) if whole else x)
    return out


def _plain_texts(values: list[Any], col: ColumnSpec) -> list[Any] | None:
    """:func:`_plain_column` for a text column: every cell a text within the column's length, or empty where
    that is allowed."""
    limit = text_limit(col)
    out: list[Any] = []
    for value in values:
        if value is None:
            if col.required:
                return None
            out.append(col.default)
        elif type(value) is str and len(text := value.strip()) <= limit:
            out.append(text)
        else:
            return None
    return out


def convert_table(spec: TableSpec, raw: RawTable, out: Collector) -> pd.DataFrame | None:
    """Map Swedish headers to internal names and convert every cell; ``None`` when the columns are unusable."""
    sheet = raw.sheet
    header_to_name = {h.lower(): n for h, n in spec.headers.items()}
    positions: dict[str, int] = {}
    for i, h in enumerate(raw.header):
        key = h.strip().lower()
        if key == "":
            if any(r[i] is not None for r in raw.rows):
                out.add("E_COLUMN_UNNAMED", "Kolumnen har värden men ingen rubrik. Skriv en rubrik (kommentar "
                        "om den inte ska läsas) eller töm kolumnen.", sheet=sheet, row=1,
                        column=f"{_column_letter(i)} (utan rubrik)")
            continue
        if key in IGNORED_COLUMNS:
            continue
        name = header_to_name.get(key)
        if name is None:
            out.add("E_COLUMN_UNKNOWN",
                    "Okänd kolumn. Tillåtna kolumner: " + ", ".join(spec.names.values())
                    + " (samt kommentar).", sheet=sheet, row=1, column=h)
            continue
        if name in positions:
            out.add("E_COLUMN_DUPLICATE", "Kolumnen finns två gånger.", sheet=sheet, row=1, column=h)
            continue
        positions[name] = i
    missing = [c for c in spec.columns if c.required and c.name not in positions]
    for c in missing:
        out.add("E_COLUMN_MISSING", f"Obligatorisk kolumn saknas: {c.header} ({c.description})", sheet=sheet,
                row=1, column=c.header)
    if missing:
        return None

    data: dict[str, list[Any]] = {c.name: [] for c in spec.columns}
    formula_columns = {col for _, col in raw.formulas}
    ready = {c.name: done for c in spec.columns
             if c.name in positions and positions[c.name] not in formula_columns
             and (done := _plain_column([row[positions[c.name]] for row in raw.rows], c)) is not None}
    open_columns = [c for c in spec.columns if c.name not in ready]
    for row, number in zip(raw.rows, raw.row_numbers, strict=True):
        for c in open_columns:
            value = row[positions[c.name]] if c.name in positions else None
            formula = raw.formulas.get((number, positions[c.name])) if c.name in positions else None
            if value is None and formula is not None:
                out.add("E_FORMULA", "Cellen innehåller en formel utan sparat värde, så Hushåll kan inte läsa "
                        "resultatet. Öppna arbetsboken i Excel och spara den (då sparas formelns värde), eller "
                        "kopiera cellerna och klistra in dem som värden.", sheet=sheet, row=number, column=c.header,
                        value=formula)
                data[c.name].append(c.default)
                continue
            if value is None:
                if c.required:
                    out.add("E_REQUIRED", f"Värde saknas i obligatorisk kolumn ({c.description})", sheet=sheet,
                            row=number, column=c.header)
                data[c.name].append(c.default)
                continue
            converted, reason = _convert(value, c)
            if reason is None and c.dtype in ("int", "float"):
                reason = _range_reason(float(converted), c)
            if reason is not None:
                code = "E_RANGE" if c.dtype in ("int", "float") and converted is not None else (
                    "E_CHOICE" if c.dtype == "enum" else "E_TEXT_LENGTH" if c.dtype == "str" else "E_TYPE")
                out.add(code, reason, sheet=sheet, row=number, column=c.header, value=value)
                data[c.name].append(c.default)
                continue
            data[c.name].append(converted)
    data.update(ready)
    df = pd.DataFrame(data)
    for c in spec.columns:
        if c.dtype == "float":
            df[c.name] = pd.to_numeric(df[c.name], errors="coerce").astype(float)
        elif c.dtype == "int":
            df[c.name] = pd.array(df[c.name].tolist(), dtype="Int64")
        elif c.dtype == "bool":
            df[c.name] = df[c.name].astype(object)
        else:
            df[c.name] = df[c.name].fillna("" if c.default is None else c.default).astype(object)
    df["_row"] = raw.row_numbers
    if spec.primary_key:
        key_cols = list(spec.primary_key)
        valid = df[key_cols].notna().all(axis=1)
        keyed = df[valid]
        dup = keyed.duplicated(subset=key_cols, keep="first")
        first_row = keyed.drop_duplicates(subset=key_cols).set_index(key_cols)["_row"]
        for _, r in keyed[dup].iterrows():
            cols = ", ".join(spec.names[k] for k in key_cols)
            val = " / ".join(str(r[k]) for k in key_cols)
            id_value: Any = tuple(r[k] for k in key_cols) if len(key_cols) > 1 else r[key_cols[0]]
            out.add("E_DUPLICATE_ID", f"Dubblett: {cols} måste vara unikt, men samma värde finns redan på rad "
                    f"{int(first_row.loc[id_value])}. Ge raden ett eget id eller ta bort den.", sheet=sheet,
                    row=int(r["_row"]), column=spec.names[key_cols[-1]], value=val)
    return df


def _check_references(frames: dict[str, pd.DataFrame], out: Collector) -> None:
    for spec in TABLES.values():
        df = frames.get(spec.key)
        if df is None:
            continue
        for c in spec.columns:
            if not c.references:
                continue
            table, column = c.references.split(".")
            target = frames.get(table)
            if target is None:
                continue
            known = set(target[column].dropna().astype(str))
            values = df[c.name].astype(object)
            bad = values.notna() & (values.astype(str) != "") & ~values.astype(str).isin(known)
            target_sheet = TABLES[table].sheet
            for _, r in df[bad].iterrows():
                out.add("E_REFERENCE", f"Finns inte i fliken {target_sheet} ({TABLES[table].names[column]}).",
                        sheet=spec.sheet, row=int(r["_row"]), column=c.header, value=r[c.name])


def _int_or_none(x: Any) -> int | None:
    return None if x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x)) else int(x)


def _check_rules(frames: dict[str, pd.DataFrame], out: Collector) -> None:
    """Cross-column and cross-table rules that the column descriptions cannot express."""
    muni = frames.get("municipality")
    base_year: int | None = None
    horizon: int | None = None
    if muni is not None:
        if len(muni) > 1:
            out.add("E_SINGLE_ROW", f"Fliken ska ha exakt en rad med data, men har {len(muni)}.",
                    sheet=TABLES["municipality"].sheet)
        if len(muni):
            base_year = _int_or_none(muni["base_year"].iloc[0])
            horizon = _int_or_none(muni["horizon_years"].iloc[0])

    def rows(key: str, mask: pd.Series) -> pd.DataFrame:
        return frames[key][mask.fillna(False).astype(bool)]

    sheet = {k: t.sheet for k, t in TABLES.items()}
    # Age bands: from ≤ to, and no overlap within a district and year.
    for key in ("population", "services"):
        df = frames.get(key)
        if df is None:
            continue
        for _, r in rows(key, df["age_from"] > df["age_to"]).iterrows():
            out.add("E_AGE_BAND", "ålder_från är större än ålder_till.", sheet=sheet[key], row=int(r["_row"]),
                    column="ålder_till", value=int(r["age_to"]))
    pop = frames.get("population")
    if pop is not None and len(pop):
        p = pop.dropna(subset=["age_from", "age_to", "year"]).sort_values(["district_id", "year", "age_from"])
        prev_to = p.groupby(["district_id", "year"])["age_to"].shift()
        for _, r in p[(p["age_from"] <= prev_to).fillna(False).astype(bool)].iterrows():
            out.add("E_AGE_OVERLAP", "Åldersklassen överlappar föregående klass för samma område och år: "
                    "åldrarna summerar inte rätt.", sheet=sheet["population"], row=int(r["_row"]),
                    column="ålder_från", value=int(r["age_from"]))
        if base_year is not None and horizon is not None:
            years = set(p["year"].astype(int))
            missing = [y for y in range(base_year + 1, base_year + horizon + 1) if y not in years]
            if missing:
                shown = ", ".join(map(str, missing[:5])) + (" …" if len(missing) > 5 else "")
                out.add("E_POPULATION_YEARS",
                        f"Befolkningsprognosen saknar {len(missing)} av planens år ({shown}). Prognosen måste "
                        f"täcka {base_year + 1}–{base_year + horizon}.", sheet=sheet["population"], column="år")
            # Every district should have every year, otherwise demand silently drops to zero.
            per_district = p.groupby("district_id")["year"].nunique()
            n_years = len(years)
            for d, n in per_district[per_district < n_years].items():
                out.add("E_POPULATION_YEARS", f"Området saknar prognos för {n_years - n} av prognosens år.",
                        sheet=sheet["population"], column="område_id", value=d)
    if base_year is not None:
        checks = [("facilities", "year_built", "byggår"), ("components", "last_renewed_year", "senast_förnyad_år")]
        for key, col, header in checks:
            df = frames.get(key)
            if df is None:
                continue
            for _, r in rows(key, df[col] > base_year).iterrows():
                out.add("E_YEAR_RANGE", f"Året ligger efter basåret {base_year}.", sheet=sheet[key],
                        row=int(r["_row"]), column=header, value=int(r[col]))
    comps = frames.get("components")
    fac = frames.get("facilities")
    if comps is not None:
        neither = comps["value_share"].isna() & comps["value_kr"].isna()
        for _, r in rows("components", neither).iterrows():
            out.add("E_COMPONENT_VALUE", "Ange andel_av_värde eller värde_kr.", sheet=sheet["components"],
                    row=int(r["_row"]), column="andel_av_värde")
        if fac is not None:
            # a duplicate id is reported by its table's key check; the first row answers for it here
            built = fac.drop_duplicates("facility_id").set_index("facility_id")["year_built"]
            fy = comps["facility_id"].map(built)
            early = (comps["last_renewed_year"] < fy).fillna(False).astype(bool)
            for _, r in comps[early].iterrows():
                out.add("E_YEAR_RANGE", f"Förnyad före anläggningens byggår ({int(built[r['facility_id']])}).",
                        sheet=sheet["components"], row=int(r["_row"]), column="senast_förnyad_år",
                        value=int(r["last_renewed_year"]))
        sums = comps[comps["value_kr"].isna()].groupby("facility_id")["value_share"].sum()
        for fid, s in sums[sums > 1.0 + 1e-6].items():
            first = comps[comps["facility_id"] == fid]["_row"].min()
            out.add("E_SHARE_SUM", f"Komponenternas andelar av värdet summerar till {_fmt_num(round(s, 4))} "
                    "(högst 1).", sheet=sheet["components"], row=int(first), column="andel_av_värde",
                    value=fid)
    if fac is not None:
        has_service = fac["service_id"].astype(str) != ""
        no_places = has_service & ~(fac["capacity_places"] > 0).fillna(False).astype(bool)
        for _, r in fac[no_places].iterrows():
            out.add("E_CAPACITY", "Anläggning med verksamhet (tjänst_id) måste ha kapacitet_platser > 0.",
                    sheet=sheet["facilities"], row=int(r["_row"]), column="kapacitet_platser",
                    value=r["capacity_places"])
    proj = frames.get("projects")
    if proj is not None:
        _check_projects(proj, base_year, horizon, out)
        check_project_relations(proj, base_year, horizon, out)
    targets = frames.get("targets")
    if targets is not None:
        needs_criterion = (targets["target_type"] == "kriterievikt") & (targets["criterion"] == "")
        for _, r in rows("targets", needs_criterion).iterrows():
            out.add("E_REQUIRED", "Kriterievikt kräver ett kriterium.", sheet=sheet["targets"],
                    row=int(r["_row"]), column="kriterium")
        needs_committee = (targets["target_type"] == "leveranstak_nämnd_kr") & (targets["committee"] == "")
        for _, r in rows("targets", needs_committee).iterrows():
            out.add("E_REQUIRED", "Leveranstak per nämnd kräver en nämnd (kolumnen nämnd).", sheet=sheet["targets"],
                    row=int(r["_row"]), column="nämnd")
        bad_period = (targets["from_year"] > targets["to_year"]).fillna(False).astype(bool)
        for _, r in targets[bad_period].iterrows():
            out.add("E_YEAR_RANGE", "från_år är senare än till_år.", sheet=sheet["targets"], row=int(r["_row"]),
                    column="till_år", value=int(r["to_year"]))
    outcomes = frames.get("outcomes")
    if outcomes is not None:
        _check_outcomes(outcomes, base_year, out)
        _check_ongoing_in_projects(outcomes, proj, base_year, out)
    finance = frames.get("finance")
    if finance is not None and len(finance):
        from hushall.data.schema import FINANCE_ITEMS

        present = set(finance["item"].dropna())
        for item in FINANCE_ITEMS:
            if item not in present:
                out.add("E_FINANCE_ITEM", f"Posten {item} saknas i basårets bokslut.", sheet=sheet["finance"],
                        column="post", value=item)


def _check_outcomes(outcomes: pd.DataFrame, base_year: int | None, out: Collector) -> None:
    """Outcomes are history: no year after the base year, and a project is finished only once."""
    sheet = TABLES["outcomes"].sheet
    if base_year is not None:
        late = (outcomes["year"] > base_year).fillna(False).astype(bool)
        for _, r in outcomes[late].iterrows():
            out.add("E_YEAR_RANGE", f"Utfall kan bara anges för år till och med basåret {base_year}.",
                    sheet=sheet, row=int(r["_row"]), column="år", value=int(r["year"]))
    ordered = outcomes.dropna(subset=["year"]).sort_values(["project_id", "year"])
    finished_before = (ordered["status"] == "avslutat").groupby(ordered["project_id"]).transform(
        lambda s: s.shift(fill_value=False).cummax())
    for _, r in ordered[finished_before.astype(bool)].iterrows():
        if r["status"] != "avslutat" or r["outcome_kr"] != 0:
            out.add("E_OUTCOME_STATUS", "Projektet är redan avslutat ett tidigare år; ett avslutat projekt kan "
                    "inte ha nya utgifter eller öppnas igen.", sheet=sheet, row=int(r["_row"]), column="status",
                    value=r["status"])
    # A plan may well have said an earlier year than the one reported (that is what 'late' means); a forecast of
    # a project not yet finished cannot lie before the year it is reported in.
    early = (outcomes["forecast_completion_year"] < outcomes["year"]).fillna(False).astype(bool)
    for _, r in outcomes[early & (outcomes["status"] != "avslutat")].iterrows():
        out.add("E_YEAR_RANGE", "Ett projekt som inte är avslutat kan inte beräknas bli klart före "
                "redovisningsåret.", sheet=sheet, row=int(r["_row"]), column="prognos_klart_år",
                value=int(r["forecast_completion_year"]))


def _check_ongoing_in_projects(outcomes: pd.DataFrame, proj: pd.DataFrame | None, base_year: int | None,
                               out: Collector) -> None:
    """A project under way at its last year in Utfall that sheet Projekt does not have: the plan's money leaves
    out what it still costs (its forecast total less what it has spent), so a warning names it and the two ways to
    put it in — a row in Projekt (måste, fast startår the first plan year, the remaining cost) or the re-plan
    (``hushall uppfölj --planera-om``, :mod:`hushall.followup.replan`, which does that row itself)."""
    known = set() if proj is None else set(proj["project_id"].dropna().astype(str))
    rows = outcomes.dropna(subset=["year"]).sort_values(["project_id", "year"])
    if not len(rows):
        return
    sheet = TABLES["outcomes"].sheet
    spent = rows.groupby("project_id")["outcome_kr"].sum(min_count=1)
    for pid, last in rows.groupby("project_id").tail(1).set_index("project_id").iterrows():
        if str(pid) in known or last["status"] != "pågående":
            continue
        total, paid = float(last["forecast_total_kr"]), float(spent.get(pid, 0.0) or 0.0)
        left = total - paid if math.isfinite(total) else float("nan")
        if math.isfinite(left) and left <= 0.5:
            continue
        first = f" {base_year + 1}" if base_year is not None else ""
        done = last["forecast_completion_year"]
        when = f", klart {int(done)}" if pd.notna(done) else ""
        amount = (f"{fmt_mkr(left)} kvar av prognosen {fmt_mkr(total)}" if math.isfinite(left)
                  else "det som återstår")
        out.warn("W_ONGOING_NOT_IN_PROJECTS",
                 f"Projektet {pid} pågår enligt Utfall ({amount}{when}) men finns inte i fliken Projekt: planens "
                 f"investeringar räknar inte med det. Lägg till det i Projekt med måste = ja, fast startår{first} "
                 "och det som återstår som kostnad, eller planera om från i dag (hushall uppfölj --planera-om).",
                 sheet=sheet, row=int(last["_row"]), column="projekt_id", value=str(pid))


def parse_shares(text: str) -> list[float] | None:
    """Parse ``"0,4;0,6"`` or ``"0.4;0.6"``; ``None`` when unreadable.

    >>> parse_shares("0,4;0,6")
    [0.4, 0.6]
    """
    parts = [s.strip() for s in str(text).split(";") if s.strip()]
    try:
        return [float(s.replace(",", ".")) for s in parts]
    except ValueError:
        return None


def parse_split(text: str) -> dict[str, float] | None:
    """Parse ``"stomme:0,5;tak:0,5"``; ``None`` when unreadable.

    >>> parse_split("stomme:0,5;tak:0,5")
    {'stomme': 0.5, 'tak': 0.5}
    """
    out: dict[str, float] = {}
    for part in (s.strip() for s in str(text).split(";") if s.strip()):
        if ":" not in part:
            return None
        k, v = part.split(":", 1)
        try:
            out[k.strip().lower()] = float(v.strip().replace(",", "."))
        except ValueError:
            return None
    return out


def _check_projects(proj: pd.DataFrame, base_year: int | None, horizon: int | None, out: Collector) -> None:
    from hushall.data.schema import COMPONENT_TYPES

    sheet = TABLES["projects"].sheet
    for _, r in proj.iterrows():
        row = int(r["_row"])
        e, lt = _int_or_none(r["earliest_start"]), _int_or_none(r["latest_start"])
        if e is not None and lt is not None and e > lt:
            out.add("E_YEAR_RANGE", "tidigast_start är senare än senast_start.", sheet=sheet, row=row,
                    column="senast_start", value=lt)
        if base_year is not None and horizon is not None:
            last = base_year + horizon
            for col, header in (("earliest_start", "tidigast_start"), ("latest_start", "senast_start"),
                                ("fixed_start", "fast_startår")):
                y = _int_or_none(r[col])
                if y is not None and not (base_year + 1 <= y <= last):
                    out.add("E_YEAR_RANGE", f"Året ligger utanför planperioden {base_year + 1}–{last}.",
                            sheet=sheet, row=row, column=header, value=y)
        duration = _int_or_none(r["duration_years"]) or 1
        if r["cash_profile"]:
            shares = parse_shares(r["cash_profile"])
            if shares is None:
                out.add("E_TYPE", "Kassaprofilen ska vara andelar åtskilda med semikolon, t.ex. 0,4;0,6.",
                        sheet=sheet, row=row, column="kassaprofil", value=r["cash_profile"])
            elif len(shares) != duration:
                out.add("E_CASH_PROFILE", f"Kassaprofilen har {len(shares)} andelar men byggtiden är "
                        f"{duration} år.", sheet=sheet, row=row, column="kassaprofil", value=r["cash_profile"])
            elif abs(sum(shares) - 1) > 1e-6 or min(shares) < 0:
                out.add("E_CASH_PROFILE", "Kassaprofilens andelar ska vara ≥ 0 och summera till 1.",
                        sheet=sheet, row=row, column="kassaprofil", value=r["cash_profile"])
        if r["component_split"]:
            split = parse_split(r["component_split"])
            if split is None:
                out.add("E_TYPE", "Komponentfördelningen ska skrivas typ:andel;typ:andel, t.ex. stomme:0,6;tak:0,4.",
                        sheet=sheet, row=row, column="komponentfördelning", value=r["component_split"])
            else:
                unknown = [k for k in split if k not in COMPONENT_TYPES]
                if unknown:
                    out.add("E_CHOICE", f"Okänd komponenttyp: {', '.join(unknown)}.", sheet=sheet, row=row,
                            column="komponentfördelning", value=r["component_split"])
                elif abs(sum(split.values()) - 1) > 1e-6:
                    out.add("E_SHARE_SUM", "Komponentfördelningens andelar ska summera till 1.", sheet=sheet,
                            row=row, column="komponentfördelning", value=r["component_split"])
        if r["depends_on"] and r["depends_on"] == r["project_id"]:
            out.add("E_REFERENCE", "Ett projekt kan inte bero av sig självt.", sheet=sheet, row=row,
                    column="beroende_av", value=r["depends_on"])
    # dependency cycles
    deps = {r["project_id"]: r["depends_on"] for _, r in proj.iterrows() if r["depends_on"]}
    for start in deps:
        seen, cur = [start], deps.get(start)
        while cur and cur in deps and cur not in seen:
            seen.append(cur)
            cur = deps[cur]
        if cur == start and len(seen) > 1:
            row = int(proj.loc[proj["project_id"] == start, "_row"].iloc[0])
            out.add("E_DEPENDENCY_CYCLE", "Beroendena bildar en cirkel: " + " → ".join([*seen, start]) + ".",
                    sheet=sheet, row=row, column="beroende_av", value=deps[start])


def validate_workbook(book: RawWorkbook) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    """Convert and check every table; return the frames and **all** problems found."""
    out = Collector(book.file_label)
    frames: dict[str, pd.DataFrame] = {}
    known_sheets = {t.sheet.lower(): t for t in TABLES.values()}
    for name in book.tables:
        if name.lower() not in known_sheets and not name.startswith(("_", "Instruktion")):
            out.add("E_SHEET_UNKNOWN", "Okänd flik; den läses inte. Tillåtna flikar: "
                    + ", ".join(t.sheet for t in TABLES.values()) + ".", sheet=name)
    lookup = {n.lower(): raw for n, raw in book.tables.items()}
    for spec in TABLES.values():
        raw = lookup.get(spec.sheet.lower())
        if raw is None:
            if spec.required:
                out.add("E_SHEET_MISSING", f"Obligatorisk flik saknas: {spec.sheet} ({spec.description})",
                        sheet=spec.sheet)
            continue
        raw.sheet = spec.sheet
        if not raw.rows and spec.required:
            out.add("E_SHEET_EMPTY", "Fliken har inga rader med data.", sheet=spec.sheet)
        df = convert_table(spec, raw, out)
        if df is not None:
            frames[spec.key] = df
    _check_references(frames, out)
    _check_rules(frames, out)
    check_plausibility(frames, out)
    return frames, out.problems


