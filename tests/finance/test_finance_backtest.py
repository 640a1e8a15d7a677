"""Back-test of the financial model against published accounts (issue 10, part 6).

Started from the first full base year of Kramfors (2016) and Luleå (2015) in ``../shared/data/published_accounts.csv``
and fed the published outcome of the following years, the forecast must reproduce soliditet and the result share
(årets resultat / (skatteintäkter + generella statsbidrag)) within 1 percentage point (mean absolute error). The
test prints, per municipality, the error with only the base year (every driver at its default), with one mechanism
fed at a time, with all but one, and with all — which mechanism closes how much of the gap (run with ``-s``).

Where definitions differ (see also ``test_finance_published.py``):

* Kramfors' långfristiga skulder (138,0 Mkr in 2016) hold förutbetalda investeringsbidrag beside the loans
  (låneskuld 4 704 kr/inv × 18 681 = 87,9 Mkr): the back-test takes the loans as the model's long-term debt and
  counts the rest, with andra avsättningar, as working capital.
* Luleå publishes its balance sheet per inhabitant (tillgångar, skulder och avsättningar, avsatt till pensioner)
  and no split of assets or of liabilities: kr = per inhabitant × folkmängd; eget kapital = tillgångar − skulder och
  avsättningar (matches the published soliditet 2014–2018); cash and the loan debt are estimated (the notes say
  how) — soliditet depends only on the claims side, so the estimates move no ratio once financing is fed.
* The published statements are rounded to 0,1 Mkr (Kramfors) and 1 Mkr (Luleå 2017–2018), so "all fed" closes to
  rounding, not to the krona.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from hushall.cli.backtest_commands import backtest_text
from hushall.cli.main import cli
from hushall.errors import DataValidationError
from hushall.finance.backtest import (
    MECHANISM_KEYS,
    published_accounts,
    read_published,
    setup_backtest,
)

CASES = (("Kramfors", 2016, (2017, 2018)), ("Luleå", 2015, (2016, 2017, 2018)))
PP = 0.01


@pytest.fixture
def accounts(shared_data: Path):
    return read_published(shared_data / "published_accounts.csv")


@pytest.mark.parametrize(("kommun", "base_year", "years"), CASES)
def test_backtest_within_one_percentage_point(accounts, kommun: str, base_year: int, years: tuple[int, ...]) -> None:
    bt = setup_backtest(published_accounts(accounts, kommun), base_year)
    print("\n" + backtest_text(bt))
    assert bt.years == years
    fed = bt.run()
    assert fed.soliditet_mae < 1 * PP
    assert fed.result_share_mae < 1 * PP
    base_only = bt.run(())
    # Without the published drivers the forecast misses by more than the requirement: the feeding is what closes it.
    assert max(base_only.soliditet_mae, base_only.result_share_mae) > 1 * PP
    # Net costs are the largest driver of the result in both municipalities: leaving them out breaks the requirement.
    without_net_cost = bt.run(k for k in MECHANISM_KEYS if k != "nettokostnader")
    assert without_net_cost.result_share_mae > 1 * PP
    # Financing moves the balance sheet: without it soliditet misses by more than 1 pp (debt and cash differ).
    without_financing = bt.run(k for k in MECHANISM_KEYS if k != "finansiering")
    assert without_financing.soliditet_mae > 1 * PP


@pytest.mark.parametrize(("kommun", "base_year", "years"), CASES)
def test_fed_statements_reproduce_published_lines(accounts, kommun: str, base_year: int,
                                                  years: tuple[int, ...]) -> None:
    p = published_accounts(accounts, kommun)
    st = setup_backtest(p, base_year).run().statements
    mkr = 1e6
    for line, item in (("skatteintäkter", "skatteintakter"), ("generella_statsbidrag", "generella_statsbidrag"),
                       ("avskrivningar", "avskrivningar"), ("finansiella_intäkter", "finansiella_intakter"),
                       ("finansiella_kostnader", "finansiella_kostnader")):
        np.testing.assert_allclose(st[line], [p.get(y, item) for y in years], atol=0.01 * mkr, err_msg=line)
    # årets resultat and eget kapital to rounding of the published lines (sum of up to 8 rounded lines).
    np.testing.assert_allclose(st["årets_resultat"], [p.get(y, "arets_resultat") for y in years], atol=1.5 * mkr)
    np.testing.assert_allclose(st["summa_tillgångar"], [p.get(y, "summa_tillgangar") for y in years], atol=3 * mkr)
    assert np.abs(st["summa_tillgångar"] - st["summa_eget_kapital_avsättningar_och_skulder"]).max() < 1.0


def test_cli_backtest(shared_data: Path) -> None:
    r = CliRunner().invoke(cli, ["backtest", str(shared_data / "published_accounts.csv"), "--kommun", "Luleå",
                                 "--basår", "2015"])
    assert r.exit_code == 0, r.output
    assert "Luleå, basår 2015, jämförs med 2016, 2017, 2018" in r.output
    assert "Medelabsolutfel: soliditet 0,00\u00a0procentenheter" in r.output
    assert "Bara: Finansiella intäkter (utdelning)" in r.output


BAD = """kommun,year,item,value,unit
X,2020,skatteintakter,100,mnkr
X,tjugo,skatteintakter,100,mnkr
X,2021,skatteintakter,abc,mnkr
X,2021,generella_statsbidrag,10,dollar
"""


def test_read_errors_name_file_row_and_column(tmp_path: Path) -> None:
    path = tmp_path / "bokslut.csv"
    path.write_text(BAD, encoding="utf-8")
    with pytest.raises(DataValidationError) as info:
        read_published(path)
    where = {(p.file, p.row, p.column) for p in info.value.problems}
    assert where == {("bokslut.csv", 3, "year"), ("bokslut.csv", 4, "value"), ("bokslut.csv", 5, "unit")}
    r = CliRunner().invoke(cli, ["backtest", str(path), "--kommun", "X", "--basår", "2020"])
    assert r.exit_code == 1
    assert "bokslut.csv" in r.output and "rad 4" in r.output and "Traceback" not in r.output


def test_missing_lines_and_unknown_kommun_are_data_errors(tmp_path: Path) -> None:
    path = tmp_path / "bokslut.csv"
    path.write_text("kommun;year;item;value;unit\nX;2020;skatteintakter;100,5;mnkr\n", encoding="utf-8")
    frame = read_published(path)
    assert published_accounts(frame, "X").get(2020, "skatteintakter") == 100.5e6
    with pytest.raises(DataValidationError, match="basåret 2020 saknar posten generella_statsbidrag"):
        setup_backtest(published_accounts(frame, "X"), 2020)
    with pytest.raises(DataValidationError, match="Kommunen 'Y' finns inte"):
        published_accounts(frame, "Y")
    path.write_text("kommun,year,item\nX,2020,a\n", encoding="utf-8")
    with pytest.raises(DataValidationError, match="value, unit saknas"):
        read_published(path)
