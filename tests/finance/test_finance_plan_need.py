"""The renewal need of a plan is the plan's own (issue 10, "a verdict that never flatters"): a facility the plan
sells or closes needs no renewal from its project's completion year, so the reinvestment share of the verdict is
taken of the need the plan leaves — under the frame as under *behov* — and a closure lowers the need."""

from __future__ import annotations

import numpy as np
import pytest

from hushall.examples import exempelkommun
from hushall.finance import forecast
from hushall.finance.verdict import assess
from hushall.model import MunicipalityData
from hushall.needs.reinvestment import reinvestment_path

GYM, SALE, START = "F-BH-04", "P-20", 2027  # P-20 sells Björkhults gymnastiksal (one year: complete end of 2027)


@pytest.fixture(scope="module")
def data() -> MunicipalityData:
    return exempelkommun()


@pytest.mark.parametrize("policy", [None, "ram", "behov", "ingen"])
def test_a_sale_removes_the_facilitys_need_from_its_completion_year(data: MunicipalityData,
                                                                    policy: str | None) -> None:
    without = np.asarray(forecast(data, {}, reinvestment_policy=policy).statements["förnyelsebehov_fasta_priser"])
    sold = np.asarray(forecast(data, {SALE: START}, reinvestment_policy=policy).statements[
        "förnyelsebehov_fasta_priser"])
    # independently: the need of the municipality without the gym's components, from the completion year on
    no_gym = data.replace(components=data.components[data.components["facility_id"] != GYM])
    rest = reinvestment_path(no_gym, "behov").need_real_kr
    years = np.asarray(data.years)
    after = years >= START
    np.testing.assert_allclose(sold[~after], without[~after], atol=0.5)
    np.testing.assert_allclose(sold[after], rest[after], atol=0.5)
    assert without.sum() - sold.sum() > 1e6  # the gym had renewal need after 2027: the check is not 0 = 0


def test_the_verdicts_share_is_of_the_plans_own_need(data: MunicipalityData) -> None:
    fc = forecast(data, {SALE: START})
    memo = fc.statements
    a = assess(data, fc).assets
    assert a is not None and a.share_of_need is not None
    assert a.renewal_need_kr == pytest.approx(float(np.sum(memo["förnyelsebehov_fasta_priser"])))
    assert a.share_of_need == pytest.approx(float(np.sum(memo["reinvesteringar_fasta_priser"]))
                                            / float(np.sum(memo["förnyelsebehov_fasta_priser"])))
    # the same frame is spent with or without the sale: a smaller need is a larger share
    before = assess(data, forecast(data, {})).assets
    assert before is not None and before.share_of_need is not None
    assert a.renewal_need_kr < before.renewal_need_kr and a.share_of_need > before.share_of_need
