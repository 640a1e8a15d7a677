r"""Investment outcome per project and year from the project objects of an SIE file (sheet ``Utfall``).

A municipality tags its investment outlays with a project object: SIE reserves dimension 6 for *projekt*
(``#DIM 6 "Projekt"``, ``#OBJEKT 6 "P-12" "Förnyelse VA-ledningar"``); a dimension declared with a name beginning
with "projekt" counts as well. The outcome of project ``p`` in year ``y`` is the net change of its balances on the
investment accounts ``K`` (the accounts the Kommun-Bas mapping places in ``materiella_anläggningstillgångar`` or
``immateriella_anläggningstillgångar``: groups 10–12, pågående arbeten included)::

    U_{p,y} = Σ_{k∈K} (#OUB_{y,k,p} − #OIB_{y,k,p})                SIE 3 (object balances), when the file has them
    U_{p,0} = Σ_{k∈K} Σ #TRANS_{k,p}                               SIE 4 (the file's vouchers, year 0), otherwise

Vouchers that book depreciation or impairment (an account of group 78) are left out of the #TRANS sum: a
depreciation tagged with a project lowers the asset but is no outlay. A transfer between two investment accounts
(pågående arbete → byggnad) nets to zero. ``#PSALDO`` and ``#PBUDGET`` are not read: for balance accounts systems
differ in whether a period amount is the change or the balance, and the budget (budget_kr) belongs to the
council's budget decision, not to the ledger.

What SIE cannot say — the year's budget, the decided and the forecast total, the status — is left for the user to
fill in sheet Utfall (``--into`` keeps what is already there).

References
----------
SIE-gruppen, "SIE filformat, utgåva 4B" (2008), avsnitt *Objektredovisning* (dimension 6 = projekt) and the
records #DIM, #OBJEKT, #OIB, #OUB, #TRANS. RKR R14 for the outcome (utfall) per investment project.

Examples
--------
>>> from hushall.data.importers.kommunbas import default_mapping
>>> from hushall.data.importers.sie import parse_sie
>>> text = ('#FLAGGA 0\n#SIETYP 4\n#RAR 0 20240101 20241231\n#DIM 6 "Projekt"\n#OBJEKT 6 "P1" "Ny förskola"\n'
...         '#VER A 1 20240310 "Faktura"\n{\n#TRANS 1290 {6 "P1"} 250000.00\n#TRANS 2440 {} -250000.00\n}\n')
>>> project_outcomes(parse_sie(text.encode("cp437"), "k.se"), default_mapping()).to_dict("records")
[{'project_id': 'P1', 'name': 'Ny förskola', 'year': 2024, 'outcome_kr': 250000.0}]
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING

import pandas as pd

from hushall.data.importers.sie import Objects, SieFile

if TYPE_CHECKING:
    from hushall.data.importers.kommunbas import MappingTable

#: SIE's reserved dimension for projects.
PROJECT_DIMENSION = "6"
#: Ekonomi lines whose accounts carry investment outlays.
INVESTMENT_LINES = frozenset({"materiella_anläggningstillgångar", "immateriella_anläggningstillgångar"})
#: Account group of depreciation and impairment (Kommun-Bas 78).
DEPRECIATION_GROUP = "78"

COLUMNS = ["project_id", "name", "year", "outcome_kr"]


def project_dimensions(sie: SieFile) -> set[str]:
    """Dimension 6 and every dimension declared with a name beginning with "projekt"."""
    return {PROJECT_DIMENSION} | {d for d, name in sie.dimensions.items()
                                  if name.strip().lower().startswith("projekt")}


def _project(objects: Objects, dims: set[str]) -> str | None:
    return next((obj for dim, obj in objects if dim in dims and obj.strip()), None)


def project_outcomes(sie: SieFile, table: MappingTable) -> pd.DataFrame:
    """The rows of sheet Utfall the file can fill (see the module's equations), sorted by project and year."""
    dims = project_dimensions(sie)
    investment: dict[str, bool] = {}

    def is_investment(account: str) -> bool:
        if account not in investment:
            row = table.main_row(account)
            investment[account] = row is not None and row.line in INVESTMENT_LINES
        return investment[account]

    from_balances: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
    keys = set(sie.object_closing) | set(sie.object_opening)
    for rel, account, objects in keys:
        project = _project(objects, dims)
        year = sie.year_of(rel)
        if project is None or year is None or not is_investment(account):
            continue
        closing = sie.object_closing.get((rel, account, objects), Decimal(0))
        opening = sie.object_opening.get((rel, account, objects), Decimal(0))
        from_balances[(project, year)] += closing - opening
    from_vouchers: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
    year0 = sie.year_of(0)
    for v in sie.vouchers:
        if year0 is None or any(t.account.startswith(DEPRECIATION_GROUP) for t in v.transactions):
            continue
        for t in v.transactions:
            project = _project(t.objects, dims)
            if project is not None and is_investment(t.account):
                from_vouchers[(project, year0)] += t.amount
    merged = {**from_vouchers, **from_balances}  # the object balances are complete where the file has them
    names = {obj: name for (dim, obj), name in sie.objects.items() if dim in dims}
    rows = [{"project_id": p, "name": names.get(p, ""), "year": y, "outcome_kr": float(amount)}
            for (p, y), amount in sorted(merged.items())]
    return pd.DataFrame(rows, columns=COLUMNS)
