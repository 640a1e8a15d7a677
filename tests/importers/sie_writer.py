"""A small SIE writer for the tests: an Ekonomi sheet (and years before it) as a SIE 3 or 4 file.

Each Ekonomi line is spread over two or three Kommun-Bas accounts with öre amounts that sum exactly to the line,
with SIE's signs (debit +, credit −), so an import has to add accounts and flip signs to get the line back.
"""

from __future__ import annotations

from decimal import Decimal

# line → accounts (the first gets the remainder); signs follow SIE: assets +, the rest −.
ACCOUNTS: dict[str, list[tuple[str, str]]] = {
    "verksamhetens_intäkter": [("3111", "Taxor och avgifter"), ("3411", "Lokalhyror"),
                               ("3571", "Investeringsbidrag, periodiserade")],
    "verksamhetens_kostnader": [("5011", "Månadslön"), ("4011", "Entreprenad"), ("5911", "Aktiverat arbete")],
    "avskrivningar": [("7811", "Avskrivning byggnader"), ("7821", "Avskrivning inventarier")],
    "skatteintäkter": [("8011", "Kommunalskatt"), ("8051", "Slutavräkning")],
    "generella_statsbidrag": [("8211", "Inkomstutjämningsbidrag"), ("8351", "Kostnadsutjämningsavgift")],
    "finansiella_intäkter": [("8411", "Utdelning"), ("8441", "Ränteintäkter")],
    "finansiella_kostnader": [("8511", "Räntor på lån"), ("8541", "Ränta pensionsavsättning")],
    "materiella_anläggningstillgångar": [("1111", "Byggnader"), ("1119", "Ack. avskrivningar byggnader"),
                                         ("1231", "Inventarier")],
    "finansiella_anläggningstillgångar": [("1311", "Aktier i kommunala bolag"), ("1381", "Andelar Kommuninvest")],
    "omsättningstillgångar": [("1511", "Kundfordringar"), ("1711", "Förutbetalda kostnader")],
    "likvida_medel": [("1931", "Bank"), ("1910", "Kassa")],
    "eget_kapital": [("2011", "Eget kapital"), ("2030", "Resultatutjämningsreserv")],
    "avsättningar_pensioner": [("2211", "Avsättning för pensioner"), ("2291", "Särskild löneskatt")],
    "långfristiga_skulder": [("2351", "Lån Kommuninvest"), ("2388", "Förutbetalda investeringsbidrag")],
    "kortfristiga_skulder": [("2441", "Leverantörsskulder"), ("2921", "Semesterlöneskuld")],
}
RESULT_LINES = ("verksamhetens_intäkter", "verksamhetens_kostnader", "avskrivningar", "skatteintäkter",
                "generella_statsbidrag", "finansiella_intäkter", "finansiella_kostnader")


def split(line: str, amount: Decimal, resultatreserv: Decimal = Decimal(0)) -> list[tuple[str, Decimal]]:
    """The line's amount in SIE signs over its accounts (shares 0.6 / 0.3 / rest, with öre)."""
    accounts = [a for a, _ in ACCOUNTS[line]]
    sign = 1 if accounts[0].startswith("1") else -1
    total = sign * amount
    if line == "eget_kapital":  # 2030 holds exactly the resultatreserv
        return [("2011", total + resultatreserv), ("2030", -resultatreserv)]
    parts = [(total * Decimal("0.6")).quantize(Decimal("0.01"))]
    if len(accounts) == 3:
        parts.append((total * Decimal("-0.05") if line == "verksamhetens_kostnader"
                      else total * Decimal("0.3")).quantize(Decimal("0.01")))
    return [(accounts[0], total - sum(parts)), *zip(accounts[1:], parts, strict=True)]


def quote(s: str) -> str:
    return '"' + s.replace('"', '\\"') + '"'


def write_sie(years: dict[int, dict[str, Decimal]], base_year: int, sie_type: int = 4,
              close_result: bool = False, company: str = "Exempelkommun") -> bytes:
    """SIE bytes (code page 437) for the Ekonomi lines of ``years`` (calendar year → line → kr)."""
    lines = ["#FLAGGA 0", "#FORMAT PC8", f"#SIETYP {sie_type}", '#PROGRAM "Hushåll testskrivare" 1.0',
             f"#GEN {base_year + 1}0215", f"#FNAMN {quote(company)}", "#ORGNR 212000-0000"]
    for year in sorted(years, reverse=True):
        rel = year - base_year
        lines.append(f"#RAR {rel} {year}0101 {year}1231")
    for accounts in ACCOUNTS.values():
        for number, name in accounts:
            lines.append(f"#KONTO {number} {quote(name)}")
    lines.append("#KONTO 8999 " + quote("Årets resultat"))
    lines += ['#DIM 1 "Ansvar"', '#OBJEKT 1 "100" "Kommunstyrelsen"', '#OBJEKT 1 "200" "Barn- och utbildning"']
    for year in sorted(years):
        rel = year - base_year
        values = years[year]
        result = sum(values[k] for k in RESULT_LINES)
        for line in ACCOUNTS:
            if line in RESULT_LINES or line not in values:
                continue
            amount = values[line] - (0 if close_result else result) if line == "eget_kapital" else values[line]
            for account, v in split(line, amount, values.get("resultatreserv", Decimal(0))):
                lines.append(f"#UB {rel} {account} {v:.2f}")
        for line in RESULT_LINES:
            for account, v in split(line, values[line]):
                lines.append(f"#RES {rel} {account} {v:.2f}")
                if sie_type == 3:
                    lines.append(f'#PSALDO {rel} {year}12 {account} {{1 "100"}} {v:.2f}')
        if close_result:
            lines.append(f"#RES {rel} 8999 {result:.2f}")
    return ("\n".join(lines) + "\n").encode("cp437")
