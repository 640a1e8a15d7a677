"""From an SIE file's balances to the lines of sheet ``Ekonomi``: the Kommun-Bas mapping table.

Municipalities keep their books in the municipal chart of accounts **Kommun-Bas** (SKR; versions 13, 19, 20 and
20r). Its account classes and groups decide which line of the annual report an account belongs to, so a short
table of account-number prefixes covers every municipality that follows it (``kommunbas.csv`` beside this file):

========  ===================================  ===========================================================
prefix    line (``Ekonomi.post``)              Kommun-Bas
========  ===================================  ===========================================================
10        immateriella_anläggningstillgångar   class 1 *tillgångar*: 10 immateriella anläggningstillgångar
11–12     materiella_anläggningstillgångar     11 mark, byggnader, tekniska anläggningar; 12 maskiner
13        finansiella_anläggningstillgångar    13 finansiella anläggningstillgångar
14–18     omsättningstillgångar                förråd, fordringar, kortfristiga placeringar
19        likvida_medel                        kassa och bank
20        eget_kapital                         class 2: 20 eget kapital
22        avsättningar_pensioner               22 avsättningar (pensioner)
23        långfristiga_skulder                 23 långfristiga skulder, incl. 2388 investeringsbidrag (R2)
24–29     kortfristiga_skulder                 kortfristiga skulder
3         verksamhetens_intäkter               class 3 intäkter, incl. 357 periodiserade investeringsbidrag
4–7       verksamhetens_kostnader              classes 4–7 kostnader (59 aktiverat arbete reduces them)
78        avskrivningar                        78 avskrivningar och nedskrivningar
80        skatteintäkter                       class 8: 80 skatteintäkter
82–83     generella_statsbidrag                82 generella statsbidrag och utjämning, 83 avgifter
84 / 85   finansiella intäkter / kostnader     84 finansiella intäkter, 85 finansiella kostnader
89        (ignored)                            closing account årets resultat
========  ===================================  ===========================================================

The most specific prefix wins (``78`` over ``4-7``; ``2388`` over ``23``). A user's own table (same columns)
is laid over the shipped one: its rows replace shipped rows with the same prefixes and add new ones, so a
municipality that books its resultatutjämningsreserv on, say, 2030 adds one row
``2030;resultatreserv;;del;…`` (``typ = del``: the account *also* counts towards a line that is part of
another, here a part of ``eget_kapital``). A row's ``ersättningspost`` is used while its ``post`` is not (yet) a
line of the Ekonomi sheet, so lines added to the sheet later are picked up without editing the table.

Amounts, from SIE's sign convention (debit +, credit −) to the Ekonomi sheet's (costs negative, balance-sheet
lines positive):

.. math::

    \\text{asset line} = \\sum UB, \\qquad \\text{equity/liability line} = -\\sum UB, \\qquad
    \\text{income-statement line} = -\\sum RES.

When the year's result has not yet been closed to equity, the balance-sheet accounts do not net to zero; their
net :math:`\\sum_{1,2} UB` is then exactly the year's result, and it is added to ``eget_kapital`` (and reported),
so the balance sheet balances as in the annual report.

References
----------
SKR, "Kommun-Bas" (baskontoplan för kommuner; Kommun-Bas 20r, 2019: investment grants on 2388, income on 357
with 2389 as counter-account), skr.se/ekonomijuridikstatistik/ekonomi/redovisning/kommunbas.
SKL (2012), "Kommun-Bas 13. En normalkontoplan för kommunernas externa redovisning".
RKR R2 "Intäkter" (2019). Lag (2018:597) om kommunal bokföring och redovisning (LKBR), 5 kap. (balansräkning)
and 4 kap. (resultaträkning).

Examples
--------
>>> table = default_mapping()
>>> table.line_for("7811"), table.line_for("2388"), table.line_for("1930")
('avskrivningar', 'långfristiga_skulder', 'likvida_medel')
>>> table.line_for("9100") is None
True
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from hushall.data.importers.sie import SieFile, parse_sie
from hushall.data.importers.sie_outcomes import project_outcomes
from hushall.data.importers.tabular import sv_number
from hushall.data.importers.workbook import ImportResult, listed
from hushall.data.schema import FINANCE_ITEMS, TABLES
from hushall.errors import DataValidationError, Problem

#: Every line sheet Ekonomi accepts (required and optional), in the sheet's order: the mapping may name any.
EKONOMI_LINES: tuple[str, ...] = TABLES["finance"].column("item").choices

#: Lines the ledger does not hold as such, and where the annual report has them.
MANUAL_LINES = {
    "resultatreserv": "resultatutjämningsreserven, en del av eget kapital: not till eget kapital",
    "ansvarsförbindelse_pensioner": "pensionsförpliktelser inom linjen: not om ansvarsförbindelser",
}
MAPPING_COLUMNS = ("konton", "post", "ersättningspost", "typ", "beskrivning", "källa")
ROW_KINDS = ("post", "del", "ignorera")


@dataclass(frozen=True)
class MappingRow:
    prefix: str
    line: str  # resolved Ekonomi line ('' for typ ignorera)
    kind: str
    description: str
    source: str
    origin: str  # "Kommun-Bas (standard)" or the user's file


@dataclass
class MappingTable:
    rows: dict[tuple[str, bool], MappingRow] = field(default_factory=dict)  # (prefix, kind == del) → row

    def _match(self, account: str, part: bool) -> MappingRow | None:
        best: MappingRow | None = None
        for (prefix, is_part), row in self.rows.items():
            if is_part == part and account.startswith(prefix) and (best is None or len(prefix) > len(best.prefix)):
                best = row
        return best

    def main_row(self, account: str) -> MappingRow | None:
        return self._match(account, part=False)

    def part_row(self, account: str) -> MappingRow | None:
        return self._match(account, part=True)

    def line_for(self, account: str) -> str | None:
        """The Ekonomi line an account counts towards (``None``: unmapped or ignored)."""
        row = self.main_row(account)
        return row.line if row is not None and row.kind == "post" else None


def _expand(spec: str) -> list[str]:
    """``"14-17"`` → ``['14', '15', '16', '17']``; ``"2388"`` → ``['2388']``; comma lists allowed."""
    out: list[str] = []
    for part in spec.replace(" ", "").split(","):
        if "-" in part or "–" in part:
            a, b = part.replace("–", "-").split("-", 1)
            if not (a.isdigit() and b.isdigit() and len(a) == len(b) and int(a) <= int(b)):
                raise ValueError(f"intervallet {part!r} ska vara två lika långa kontoprefix, t.ex. 14-17")
            out += [str(k).zfill(len(a)) for k in range(int(a), int(b) + 1)]
        elif part.isdigit():
            out.append(part)
        else:
            raise ValueError(f"{part!r} är inget kontoprefix (siffror, t.ex. 11 eller 11-12 eller 2388)")
    return out


def read_mapping(text: str, origin: str, table: MappingTable | None = None) -> MappingTable:
    """Read a mapping table (CSV, ``;`` or ``,``) and lay it over ``table``; every bad row is reported."""
    table = MappingTable(dict(table.rows)) if table is not None else MappingTable()
    first = text.splitlines()[0] if text else ""
    reader = csv.DictReader(io.StringIO(text), delimiter=";" if first.count(";") >= first.count(",") else ",")
    problems: list[Problem] = []
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in ("konton", "post") if c not in header]
    if missing:
        raise DataValidationError.single(
            "E_MAPPING_COLUMNS", "Kontomappningen saknar kolumn(er): " + ", ".join(missing)
            + ". Kolumner: " + ", ".join(MAPPING_COLUMNS) + ".", file=origin, row=1)
    for number, rec in enumerate(reader, start=2):
        where: dict[str, Any] = {"file": origin, "row": number}
        if None in rec:
            problems.append(Problem("E_MAPPING_FIELDS", "Raden har fler fält än rubrikraden (ett avgränsningstecken "
                                    "i en text? Sätt texten inom citattecken).", **where))
            continue
        r = {(k or "").strip().lower(): (v or "").strip() for k, v in rec.items()}
        if not any(r.values()):
            continue
        kind = r.get("typ") or "post"
        if kind not in ROW_KINDS:
            problems.append(Problem("E_MAPPING_KIND", "typ ska vara post, del eller ignorera.", column="typ",
                                    value=kind, **where))
            continue
        line = ""
        if kind != "ignorera":
            candidates = [c for c in (r.get("post", ""), r.get("ersättningspost", "")) if c]
            usable = [c for c in candidates if c in EKONOMI_LINES]
            if not usable:
                problems.append(Problem(
                    "E_MAPPING_LINE", "Okänd post i Ekonomi. Tillåtna: " + ", ".join(EKONOMI_LINES) + ".",
                    column="post", value=r.get("post", ""), **where))
                continue
            line = usable[0]
        try:
            prefixes = _expand(r.get("konton", ""))
        except ValueError as exc:
            problems.append(Problem("E_MAPPING_ACCOUNTS", str(exc).capitalize() + ".", column="konton",
                                    value=r.get("konton", ""), **where))
            continue
        for p in prefixes:
            table.rows[(p, kind == "del")] = MappingRow(p, line, kind, r.get("beskrivning", ""),
                                                        r.get("källa", ""), origin)
    if problems:
        raise DataValidationError(problems)
    return table


def default_mapping() -> MappingTable:
    """The shipped Kommun-Bas table (``hushall/data/importers/kommunbas.csv``)."""
    text = resources.files("hushall.data.importers").joinpath("kommunbas.csv").read_text(encoding="utf-8")
    return read_mapping(text, "Kommun-Bas (standard)")


def load_mapping(path: str | Path | None) -> MappingTable:
    """The shipped table, with the user's own file (if any) laid over it."""
    table = default_mapping()
    if path is None:
        return table
    p = Path(path)
    if not p.is_file():
        raise DataValidationError.single("E_FILE_MISSING", "Mappningsfilen finns inte.", file=str(p))
    raw = p.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    return read_mapping(text, p.name, table)


@dataclass
class FinanceImport:
    """The Ekonomi lines per calendar year, with what could not be placed."""

    base_year: int
    lines: dict[int, dict[str, Decimal]]  # calendar year → line → kr (Ekonomi's signs)
    accounts: dict[int, dict[str, list[str]]]  # calendar year → line → contributing accounts
    unmapped: pd.DataFrame  # konto, namn, år, belopp_kr
    notes: list[str]
    file: str

    def frame(self, year: int | None = None) -> pd.DataFrame:
        """Sheet Ekonomi for one year (default: the base year), internal column names."""
        year = self.base_year if year is None else year
        rows = []
        for item in EKONOMI_LINES:
            if item in self.lines.get(year, {}):
                accts = self.accounts[year][item]
                shown = ", ".join(accts[:8]) + (f" … ({len(accts)} konton)" if len(accts) > 8 else "")
                what = f"konto {shown}" if accts else "årets resultat, ej ombokat"
                rows.append({"item": item, "amount_kr": float(self.lines[year][item]),
                             "source": f"SIE {self.file}, {year}: {what}"})
        return pd.DataFrame(rows, columns=["item", "amount_kr", "source"])

    def history(self) -> pd.DataFrame:
        """Every year's lines in long form (post, år, belopp_kr): the base year and the years before it."""
        rows = [{"post": item, "år": year, "belopp_kr": float(v)}
                for year in sorted(self.lines) for item, v in self.lines[year].items()]
        return pd.DataFrame(rows, columns=["post", "år", "belopp_kr"])


def _sign(account: str) -> int:
    return 1 if account.startswith("1") else -1


def _year_balances(sie: SieFile, rel: int) -> tuple[dict[str, Decimal], dict[str, Decimal], list[str]]:
    """Closing balances (classes 1–2) and results (classes 3–8) of relative year ``rel``."""
    notes: list[str] = []
    closing = {a: v for (y, a), v in sie.closing.items() if y == rel}
    result = {a: v for (y, a), v in sie.result.items() if y == rel}
    if not closing:
        # The next year's opening balances are this year's closing ones (SIE: #IB r+1 = #UB r).
        closing = {a: v for (y, a), v in sie.opening.items() if y == rel + 1}
        if closing:
            notes.append(f"år {rel}: balansräkningen från #IB {rel + 1} (ingen #UB {rel}).")
    if rel == 0 and sie.vouchers and (not closing or not result):
        sums = sie.transaction_sums()
        opening = {a: v for (y, a), v in sie.opening.items() if y == 0}
        if not closing:
            closing = {a: opening.get(a, Decimal(0)) + sums.get(a, Decimal(0))
                       for a in set(opening) | set(sums) if a[:1] in "12"}
            notes.append("år 0: balansräkningen = #IB + verifikationernas #TRANS (ingen #UB i filen).")
        if not result:
            result = {a: v for a, v in sums.items() if a[:1] not in "12"}
            notes.append("år 0: resultaträkningen = summan av verifikationernas #TRANS (ingen #RES i filen).")
    closing = {a: v for a, v in closing.items() if a[:1] in "12"}
    result = {a: v for a, v in result.items() if a[:1] not in "12"}
    return closing, result, notes


def map_accounts(sie: SieFile, table: MappingTable) -> FinanceImport:
    """Sum the accounts of every year in the file into the Ekonomi lines (see the module docstring)."""
    base_year = sie.year_of(0)
    assert base_year is not None  # parse_sie guarantees #RAR 0
    lines: dict[int, dict[str, Decimal]] = {}
    accounts: dict[int, dict[str, list[str]]] = {}
    unmapped: list[dict[str, object]] = []
    notes = list(sie.notes)
    for rel in sorted(sie.years, reverse=True):
        if rel > 0:
            continue
        year = sie.year_of(rel)
        assert year is not None
        closing, result, year_notes = _year_balances(sie, rel)
        if not closing and not result:
            continue
        notes += year_notes
        sums: dict[str, Decimal] = {}
        contributing: dict[str, list[str]] = {}
        for account, amount in sorted({**closing, **result}.items()):
            if amount == 0:
                continue
            row = table.main_row(account)
            if row is None:
                unmapped.append({"konto": account, "namn": sie.accounts.get(account, ""), "år": year,
                                 "belopp_kr": float(amount)})
                continue
            if row.kind == "ignorera":
                continue
            value = _sign(account) * amount
            sums[row.line] = sums.get(row.line, Decimal(0)) + value
            contributing.setdefault(row.line, []).append(account)
            part = table.part_row(account)
            if part is not None:
                sums[part.line] = sums.get(part.line, Decimal(0)) + value
                contributing.setdefault(part.line, []).append(account)
        unclosed = sum((v for v in closing.values()), Decimal(0))
        if closing and unclosed != 0:
            net_result = -sum((v for a, v in result.items()
                               if (r := table.main_row(a)) is None or r.kind != "ignorera"), Decimal(0))
            sums["eget_kapital"] = sums.get("eget_kapital", Decimal(0)) + unclosed
            contributing.setdefault("eget_kapital", [])  # the result not yet closed: no account of its own
            msg = (f"{year}: balanskontona summerar till {_kr(unclosed)} kr – årets resultat är inte ombokat till "
                   "eget kapital; beloppet lades till eget_kapital.")
            if result and unclosed != net_result:
                msg += (f" Obs: resultaträkningens resultat är {_kr(net_result)} kr; differensen "
                        f"{_kr(unclosed - net_result)} kr bör utredas.")
            notes.append(msg)
        lines[year] = sums
        accounts[year] = contributing
    if base_year not in lines:
        raise DataValidationError.single(
            "E_SIE_NO_BALANCES", f"Filen har inga saldon för räkenskapsåret {base_year} (#UB, #RES eller #VER).",
            file=sie.file)
    frame = pd.DataFrame(unmapped, columns=["konto", "namn", "år", "belopp_kr"])
    return FinanceImport(base_year, lines, accounts, frame, notes, sie.file)


def _kr(x: Decimal) -> str:
    """Kronor with öre only when there are any: ``_kr(Decimal('-1234567.50'))`` → ``'−1 234 567,50'``."""
    return sv_number(float(x), 0 if x == x.to_integral_value() else 2)


def import_sie(path: str | Path, mapping: str | Path | None = None) -> ImportResult:
    """Read an SIE file and map it to sheet Ekonomi (base year) with the history years and a report.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "k.se"
    >>> _ = p.write_bytes(b'#FLAGGA 0\\n#SIETYP 3\\n#RAR 0 20240101 20241231\\n'
    ...                   b'#UB 0 1930 500.00\\n#UB 0 2350 -500.00\\n#RES 0 8011 -90.00\\n#RES 0 7811 90.00\\n')
    >>> r = import_sie(p)
    >>> r.tables["finance"][["item", "amount_kr"]].to_dict("records")  # doctest: +NORMALIZE_WHITESPACE
    [{'item': 'avskrivningar', 'amount_kr': -90.0}, {'item': 'skatteintäkter', 'amount_kr': 90.0},
     {'item': 'likvida_medel', 'amount_kr': 500.0}, {'item': 'långfristiga_skulder', 'amount_kr': 500.0}]
    """
    p = Path(path)
    if not p.is_file():
        raise DataValidationError.single("E_FILE_MISSING", "SIE-filen finns inte.", file=str(p))
    sie = parse_sie(p.read_bytes(), p.name)
    table = load_mapping(mapping)
    fin = map_accounts(sie, table)
    years = sorted(fin.lines)
    wide = pd.DataFrame({"post": [i for i in EKONOMI_LINES if any(i in fin.lines[y] for y in years)]})
    for y in years:
        wide[str(y)] = [float(fin.lines[y][i]) if i in fin.lines[y] else None for i in wide["post"]]
    reports = {"_SIE konton utan post": fin.unmapped, "_Ekonomi per år": wide}
    if fin.notes:
        reports["_SIE noteringar"] = pd.DataFrame({"notering": fin.notes})
    base = fin.unmapped[fin.unmapped["år"] == fin.base_year]
    messages = [
        f"SIE typ {sie.sie_type or 4} från {sie.program or 'okänt program'}"
        + (f", {sie.company}" if sie.company else "")
        + f": räkenskapsår {', '.join(str(y) for y in years)} ({len(sie.accounts)} konton, "
        f"{len(sie.vouchers)} verifikationer, {len(sie.objects)} objekt).",
        f"Ekonomi {fin.base_year}: {len(fin.lines[fin.base_year])} poster fyllda.",
    ]
    messages += listed(f"{len(base)} konton med saldo {fin.base_year} hör inte till någon post (summa "
                       f"{_kr(Decimal(str(base['belopp_kr'].sum())))} kr) – se fliken '_SIE konton utan post':",
                       [f"{r.konto} {r.namn}: {_kr(Decimal(str(r.belopp_kr)))} kr" for r in base.itertuples()])
    missing = [i for i in FINANCE_ITEMS if i not in fin.lines[fin.base_year]]
    if missing:
        messages.append("Finns inte i bokföringen – fyll i för hand i Ekonomi (med --into behålls det som redan "
                        "står där): " + ", ".join(f"{i} ({MANUAL_LINES.get(i, 'se årsredovisningen')})"
                                                 for i in missing) + ".")
    messages += fin.notes
    tables = {"finance": fin.frame()}
    outcomes = project_outcomes(sie, table)
    if len(outcomes):  # outlays tagged with project objects: sheet Utfall (hushall.data.importers.sie_outcomes)
        tables["outcomes"] = outcomes
        messages.append(f"Utfall: {len(outcomes)} rader (projekt och år) ur projektobjekten, "
                        f"{outcomes['project_id'].nunique()} projekt. Fyll i budget_kr, beslutad_totalutgift_kr, "
                        "prognos_totalutgift_kr och status för nya rader i fliken Utfall.")
    municipality = {"name": sie.company or "", "code": "", "base_year": fin.base_year, "horizon_years": 30,
                    "price_base_year": fin.base_year}
    summary = {"base_year": fin.base_year, "years": years,
               "lines": {str(y): {k: float(v) for k, v in fin.lines[y].items()} for y in years},
               "unmapped": fin.unmapped.to_dict("records"), "notes": fin.notes}
    summary["outcomes"] = outcomes.to_dict("records")
    return ImportResult("sie", tables, reports, messages, municipality, summary)
