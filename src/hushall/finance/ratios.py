"""Key ratios of municipal finance, each a small function with its definition and source.

Ratios are shares (0.021 = 2,1 %), except ``låneskuld_per_invånare`` (kr). Each function takes plain arrays (or
numbers), so the tests apply them to published statements as well as to the model's. A ratio whose denominator is
zero is NaN.

Examples
--------
>>> round(float(equity_ratio(348.7, 911.2)), 4)  # Kramfors 2016: soliditet 38,3 %
0.3827
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from hushall.finance.model import Statements

FloatArray = NDArray[np.float64]

#: Ratio lines of a forecast, in order.
RATIO_LINES: tuple[str, ...] = (
    "resultat_andel_av_skatter_och_bidrag",
    "självfinansieringsgrad",
    "soliditet",
    "soliditet_inkl_pensionsförpliktelser",
    "nettokostnadsandel",
    "nettoinvesteringar_andel_av_skatter_och_bidrag",
    "låneskuld_per_invånare",
    "kassalikviditet",
)


def _div(num: ArrayLike, den: ArrayLike) -> FloatArray:
    n = np.asarray(num, dtype=float)
    d = np.asarray(den, dtype=float)
    shape = np.broadcast_shapes(n.shape, d.shape)
    out = np.full(shape, np.nan)
    np.divide(n, d, out=out, where=np.broadcast_to(d != 0, shape))
    return out


def result_share(result: ArrayLike, tax_revenue: ArrayLike, general_grants: ArrayLike) -> FloatArray:
    """Resultat i % av skatteintäkter och generella statsbidrag: ``årets resultat / (skatteintäkter + generella
    statsbidrag och utjämning)``.

    The usual financial target of god ekonomisk hushållning (KL 11 kap. 1 §); SKR's rule of thumb is about 2 % over
    time. Municipalities that publish the *balanskravsresultat* share use the result after balanskravsjusteringar.

    References
    ----------
    SKR, "Kommunernas ekonomi" / Kolada: årets resultat som andel av skatt och generella statsbidrag.

    Examples
    --------
    >>> round(float(result_share(29.0, 694.8, 180.1)), 3)  # Sjöbo 2015: 3,3 %
    0.033
    """
    return _div(result, np.asarray(tax_revenue, float) + np.asarray(general_grants, float))


def self_financing_ratio(result: ArrayLike, depreciation: ArrayLike, net_investment: ArrayLike) -> FloatArray:
    """Självfinansieringsgrad av investeringar: ``(årets resultat + avskrivningar) / nettoinvesteringar``.

    ``avskrivningar`` as a positive amount (the add-back); ≥ 1 means the year's investments are paid from taxes
    without borrowing. Some municipalities use ``kassaflöde från löpande verksamhet / nettoinvesteringar`` instead.

    References
    ----------
    Kommunforskning i Väst (KFi), RKA-modellen (Brorström, Haglund & Solli): skattefinansieringsgrad av
    investeringar; SKR, "Kommunernas ekonomi".

    Examples
    --------
    >>> float(self_financing_ratio(20.0, 40.0, 80.0))
    0.75
    """
    return _div(np.asarray(result, float) + np.abs(np.asarray(depreciation, float)), net_investment)


def equity_ratio(equity: ArrayLike, total_assets: ArrayLike) -> FloatArray:
    """Soliditet: ``eget kapital / summa tillgångar`` (blandmodellen: excluding the pension commitments earned
    before 1998, which are outside the balance sheet).

    References
    ----------
    LKBR (2018:597) 5 kap. 4 § and 6 kap. 4 § (blandmodellen); SKR/Kolada: soliditet enligt balansräkningen.
    """
    return _div(equity, total_assets)


def equity_ratio_incl_pensions(equity: ArrayLike, pension_commitment: ArrayLike, total_assets: ArrayLike
                               ) -> FloatArray:
    """Soliditet inklusive pensionsförpliktelser: ``(eget kapital − ansvarsförbindelse för pensioner intjänade före
    1998) / summa tillgångar`` (as if the full commitment were a liability).

    References
    ----------
    RKR R15 Förvaltningsberättelse and SKR: the equity ratio including the ansvarsförbindelse is reported beside the
    balance-sheet one; RKR R10 Pensioner.

    Examples
    --------
    >>> round(float(equity_ratio_incl_pensions(40.0, 30.0, 100.0)), 2)
    0.1
    """
    return _div(np.asarray(equity, float) - np.asarray(pension_commitment, float), total_assets)


def net_cost_share(net_cost: ArrayLike, tax_revenue: ArrayLike, general_grants: ArrayLike) -> FloatArray:
    """Nettokostnadsandel: ``−verksamhetens nettokostnader / (skatteintäkter + generella statsbidrag)``.

    ``verksamhetens nettokostnader`` as in the income statement (negative, including depreciation, excluding the
    financial items). Below 1 leaves room for the financial net and a surplus.

    References
    ----------
    SKR/Kolada: nettokostnadsandel (verksamhetens nettokostnad i förhållande till skatteintäkter och generella
    statsbidrag och utjämning).

    Examples
    --------
    >>> round(float(net_cost_share(-1069.2, 780.1, 314.1)), 3)  # Kramfors 2015: 97,7 %
    0.977
    """
    return _div(-np.asarray(net_cost, float), np.asarray(tax_revenue, float) + np.asarray(general_grants, float))


def net_investment_share(net_investment: ArrayLike, tax_revenue: ArrayLike, general_grants: ArrayLike
                         ) -> FloatArray:
    """Nettoinvesteringar i % av skatteintäkter och generella statsbidrag: ``(investeringsutgifter −
    investeringsinkomster) / (skatteintäkter + generella statsbidrag)``.

    References
    ----------
    Kommuninvest, "Kommunsektorns investeringar": investeringar i förhållande till skatteintäkter och generella
    statsbidrag.
    """
    return _div(net_investment, np.asarray(tax_revenue, float) + np.asarray(general_grants, float))


def debt_per_inhabitant(debt: ArrayLike, inhabitants: ArrayLike) -> FloatArray:
    """Låneskuld per invånare: ``långfristiga lån / invånare`` (kr).

    The model's långfristiga skulder are all borrowing; published figures may exclude other long-term liabilities
    (förutbetalda investeringsbidrag, anslutningsavgifter) from the numerator.

    References
    ----------
    Kommuninvest, "Kommunsektorns låneskuld"; Kolada: låneskuld per invånare.
    """
    return _div(debt, inhabitants)


def quick_ratio(current_assets_excl_stock: ArrayLike, current_liabilities: ArrayLike) -> FloatArray:
    """Kassalikviditet: ``(omsättningstillgångar − förråd och exploateringsfastigheter) / kortfristiga skulder``.

    The model does not separate förråd, so it is ``(omsättningstillgångar + likvida medel) / kortfristiga
    skulder`` — an upper bound that equals kassalikviditet when stock is nil.

    References
    ----------
    SKR, "Kommunernas ekonomi", finansiella nyckeltal: kassalikviditet.

    Examples
    --------
    >>> round(float(quick_ratio(294.8, 315.8)), 3)
    0.934
    """
    return _div(current_assets_excl_stock, current_liabilities)


def ratios(statements: Statements) -> dict[str, FloatArray]:
    """Every key ratio per year (:data:`RATIO_LINES`), arrays of the statements' shape."""
    s = statements
    si, gs = s["skatteintäkter"], s["generella_statsbidrag"]
    return {
        "resultat_andel_av_skatter_och_bidrag": result_share(s["årets_resultat"], si, gs),
        "självfinansieringsgrad": self_financing_ratio(s["årets_resultat"], s["avskrivningar"],
                                                        s["nettoinvesteringar"]),
        "soliditet": equity_ratio(s["eget_kapital"], s["summa_tillgångar"]),
        "soliditet_inkl_pensionsförpliktelser": equity_ratio_incl_pensions(
            s["eget_kapital"], s["ansvarsförbindelse_pensioner"], s["summa_tillgångar"]),
        "nettokostnadsandel": net_cost_share(s["verksamhetens_nettokostnader"], si, gs),
        "nettoinvesteringar_andel_av_skatter_och_bidrag": net_investment_share(s["nettoinvesteringar"], si, gs),
        "låneskuld_per_invånare": debt_per_inhabitant(s["långfristiga_skulder"], s["invånare"]),
        "kassalikviditet": quick_ratio(s["summa_omsättningstillgångar"], s["kortfristiga_skulder"]),
    }
