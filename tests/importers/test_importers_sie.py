"""SIE import: the reader (SIE 3 and 4 from the specification), the Kommun-Bas mapping and a round trip."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from hushall.data.importers.kommunbas import default_mapping, import_sie, load_mapping, map_accounts
from hushall.data.importers.sie import parse_sie
from hushall.errors import DataValidationError
from hushall.examples import example_path
from tests.importers.sie_writer import write_sie

FILES = Path(__file__).parent / "files"
MAPPING_WITH_RUR = "konton;post;ersättningspost;typ;beskrivning;källa\n2030;resultatreserv;;del;RUR;egen\n"


def example_ekonomi() -> dict[str, Decimal]:
    frame = pd.read_csv(example_path() / "Ekonomi.csv")
    return {r.post: Decimal(str(int(r.belopp_kr))) for r in frame.itertuples()}


def problems_of(data: bytes) -> list[str]:
    with pytest.raises(DataValidationError) as exc:
        parse_sie(data, "k.se")
    return [str(p) for p in exc.value.problems]


def test_sie4_example_from_the_specification_is_read_in_full() -> None:
    sie = parse_sie((FILES / "kommun_sie4.se").read_bytes(), "kommun_sie4.se")
    assert sie.sie_type == 4 and sie.company == "Småby kommun"  # CP437 å decoded
    assert sie.years[0][1].year == 2024 and sie.years[-1][0].year == 2023
    assert sie.accounts["8011"] == "Kommunalskatt, ÅÄÖ åäö"
    assert sie.account_types["1931"] == "T"
    assert sie.objects[("1", "100")] == "Kommunstyrelsen"
    assert len(sie.vouchers) == 2
    v = sie.vouchers[0]
    assert v.series == "A" and v.text == 'Faktura "Bygg AB"' and v.date is not None and v.date.month == 3
    assert [t.objects for t in v.transactions] == [(("1", "100"), ("6", "P12")), ()]
    assert sum(t.amount for t in v.transactions) == 0
    assert sie.closing[(0, "1931")] == Decimal("54000000.00")
    assert sie.closing[(-1, "1931")] == Decimal("60000000.00")


def test_sie3_object_balances() -> None:
    sie = parse_sie((FILES / "kommun_sie3.se").read_bytes(), "kommun_sie3.se")
    assert sie.sie_type == 3
    assert sie.dimensions == {"1": "Ansvar", "6": "Projekt"}
    assert sie.object_opening[(0, "1111", (("6", "P12"),))] == Decimal("1000000.00")
    assert sie.object_closing[(0, "1111", (("6", "P12"),))] == Decimal("1250000.00")
    assert sie.period_balances[(0, "202412", "5011", (("1", "100"),))] == Decimal("-1200.50")


def test_sie4_without_balances_takes_them_from_the_vouchers() -> None:
    text = ('#FLAGGA 0\n#SIETYP 4\n#RAR 0 20240101 20241231\n#IB 0 1931 1000.00\n#IB 0 2351 -1000.00\n'
            '#VER A 1 20240110 "Skatt"\n{\n#TRANS 1931 {} 500.00\n#TRANS 8011 {} -500.00\n}\n'
            '#VER A 2 20240120 ""\n{\n#TRANS 5011 {1 "100"} 200.00\n#TRANS 1931 {} -200.00\n}\n')
    fin = map_accounts(parse_sie(text.encode("cp437"), "k.se"), default_mapping())
    lines = fin.lines[2024]
    assert lines["skatteintäkter"] == 500 and lines["verksamhetens_kostnader"] == -200
    assert lines["likvida_medel"] == 1300 and lines["långfristiga_skulder"] == 1000
    assert lines["eget_kapital"] == 300  # the year's result, not yet closed to equity
    assert any("verifikationernas #TRANS" in n for n in fin.notes)


@pytest.mark.parametrize(("text", "expected"), [
    ('#RAR 0 20240101 20241231\n#UB 0 1930 12,50\n', "rad 2: #UB: '12,50' är inget belopp"),
    ('#RAR 0 20241301 20241231\n', "rad 1: #RAR: '20241301' är inget datum"),
    ('#RAR 0 20240101 20241231\n#KONTO 19A0 "Bank"\n', "rad 2: #KONTO: Kontonummer ska vara siffror"),
    ('#RAR 0 20240101 20241231\n#FNAMN "Småby\n', "rad 2: #FNAMN: En sträng saknar avslutande citattecken"),
    ('#RAR 0 20240101 20241231\n#VER A 1 20240101 ""\n{\n#TRANS 1930 {} 10.00\n#TRANS 2440 {} -9.00\n}\n',
     "rad 2: #VER: Verifikation A 1 balanserar inte: summan av #TRANS är 1.00 kr"),
    ('#RAR 0 20240101 20241231\n#VER A 1 20240101 ""\n{\n#TRANS 1930 {} 10.00\n#UB 0 1930 1.00\n}\n',
     "rad 5: #UB: #UB står inne i ett verifikationsblock"),
    ('#RAR 0 20240101 20241231\n#TRANS 1930 {} 10.00\n', "rad 2: #TRANS: #TRANS utanför ett verifikationsblock"),
    ('#RAR 0 20240101 20241231\n#OUB 0 1111 {6} 10.00\n', "rad 2: #OUB: Objektlistan ska bestå av par"),
    ('#RAR 0 20240101 20241231\n#PSALDO 0 2024 5011 {} 10.00\n', "rad 2: #PSALDO: Perioden ska skrivas ÅÅÅÅMM"),
    ('#RAR 0 20240101 20241231\nUB 0 1930 10.00\n', "rad 2: Raden börjar inte med en etikett"),
    ('#RAR 0 20240101 20241231\n#VER A 1 20240101 ""\n{\n#TRANS 1930 {} 10.00\n',
     "Filen slutar inne i ett verifikationsblock"),
    ('#SIETYP 4\n#UB 0 1930 10.00\n', "#RAR 0 (räkenskapsåret) saknas"),
    ('#SIETYP 7\n#RAR 0 20240101 20241231\n', "rad 1: #SIETYP: Okänd SIE-typ 7"),
])
def test_malformed_lines_are_reported_with_their_line_number(text: str, expected: str) -> None:
    found = problems_of(("#FLAGGA 0\n" + text).encode("cp437"))
    # the test text starts on line 2 of the file (after #FLAGGA): shift the expected line number
    if expected.startswith("rad "):
        n = int(expected.split()[1].rstrip(":"))
        expected = f"rad {n + 1}:" + expected.split(":", 1)[1]
    assert any(expected in p for p in found), found


def test_every_bad_line_is_listed_not_only_the_first() -> None:
    found = problems_of(b"#FLAGGA 0\n#RAR 0 20240101 20241231\n#UB 0 1930 x\n#UB 0 1940 y\n#RES 0 3011\n")
    assert [p.split(":")[0] for p in found] == ["k.se › rad 3", "k.se › rad 4", "k.se › rad 5"]


@pytest.mark.parametrize("close_result", [False, True])
@pytest.mark.parametrize("sie_type", [3, 4])
def test_round_trip_of_the_example_ekonomi_to_the_krona(tmp_path: Path, sie_type: int,
                                                        close_result: bool) -> None:
    base = example_ekonomi()
    before = {k: (v * Decimal("0.97")).quantize(Decimal(1)) for k, v in base.items()}
    before["eget_kapital"] = (before["materiella_anläggningstillgångar"] + before["finansiella_anläggningstillgångar"]
                              + before["omsättningstillgångar"] + before["likvida_medel"]
                              - before["avsättningar_pensioner"] - before["långfristiga_skulder"]
                              - before["kortfristiga_skulder"])
    path = tmp_path / "k.se"
    path.write_bytes(write_sie({2024: base, 2023: before}, 2024, sie_type, close_result))
    (tmp_path / "map.csv").write_text(MAPPING_WITH_RUR, encoding="utf-8")
    result = import_sie(path, tmp_path / "map.csv")
    got = {r.item: r.amount_kr for r in result.tables["finance"].itertuples()}
    expected = {k: float(v) for k, v in base.items() if k != "ansvarsförbindelse_pensioner"}
    assert got == expected  # every line, to the krona (and the öre)
    assert "ansvarsförbindelse_pensioner" not in got  # off the balance sheet: not in the ledger
    history = result.reports["_Ekonomi per år"].set_index("post")
    assert history.loc["skatteintäkter", "2023"] == float(before["skatteintäkter"])
    assert history.loc["eget_kapital", "2023"] == float(before["eget_kapital"])
    assert result.reports["_SIE konton utan post"].empty


def test_accounts_that_map_to_nothing_are_reported(tmp_path: Path) -> None:
    text = ('#FLAGGA 0\n#SIETYP 3\n#RAR 0 20240101 20241231\n#KONTO 9100 "Internränta"\n'
            '#UB 0 1931 100.00\n#UB 0 2351 -100.00\n#RES 0 9100 250.00\n#RES 0 8011 -250.00\n')
    (tmp_path / "k.se").write_bytes(text.encode("cp437"))
    r = import_sie(tmp_path / "k.se")
    assert r.reports["_SIE konton utan post"].to_dict("records") == [
        {"konto": "9100", "namn": "Internränta", "år": 2024, "belopp_kr": 250.0}]
    assert any("9100 Internränta: 250 kr" in m for m in r.messages)


def test_users_mapping_overrides_and_bad_mapping_rows_are_named(tmp_path: Path) -> None:
    table = load_mapping(None)
    assert table.line_for("7811") == "avskrivningar"
    (tmp_path / "m.csv").write_text("konton;post\n78;verksamhetens_kostnader\n91;finansiella_kostnader\n",
                                    encoding="utf-8")
    table = load_mapping(tmp_path / "m.csv")
    assert table.line_for("7811") == "verksamhetens_kostnader" and table.line_for("9100") == "finansiella_kostnader"
    (tmp_path / "bad.csv").write_text("konton;post\n7x;avskrivningar\n78;avskrivning\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as exc:
        load_mapping(tmp_path / "bad.csv")
    text = str(exc.value)
    assert "bad.csv › rad 2 › kolumn konton" in text and "bad.csv › rad 3 › kolumn post › värde 'avskrivning'" in text


def test_fallback_line_is_used_until_the_sheet_has_the_line(tmp_path: Path) -> None:
    # The table names lines the Ekonomi sheet may not have (yet), with a fallback: data-driven, so lines added
    # to the sheet are picked up without editing the table.
    from hushall.data.importers.kommunbas import EKONOMI_LINES

    expected = ("immateriella_anläggningstillgångar" if "immateriella_anläggningstillgångar" in EKONOMI_LINES
                else "materiella_anläggningstillgångar")
    assert default_mapping().line_for("1011") == expected
    (tmp_path / "m.csv").write_text("konton;post;ersättningspost\n2251;övriga_avsättningar;avsättningar_pensioner\n"
                                    "2252;ny_post_som_inte_finns;avsättningar_pensioner\n", encoding="utf-8")
    table = load_mapping(tmp_path / "m.csv")
    assert table.line_for("2251") == ("övriga_avsättningar" if "övriga_avsättningar" in EKONOMI_LINES
                                      else "avsättningar_pensioner")
    assert table.line_for("2252") == "avsättningar_pensioner"
