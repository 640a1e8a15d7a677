"""Swedish display names used by every report (charts, workbooks, text)."""

from __future__ import annotations

from collections.abc import Iterable

from hushall.data.schema import FACILITY_CATEGORIES

#: Swedish display names of the facility categories, in the schema's order.
CATEGORY_LABELS: dict[str, str] = {
    "förskola": "Förskola",
    "grundskola": "Grundskola",
    "gymnasium": "Gymnasium",
    "säbo": "Särskilt boende",
    "idrott": "Idrott",
    "kultur": "Kultur",
    "förvaltning": "Förvaltning",
    "va": "Vatten och avlopp",
    "gata": "Gator",
    "övrigt": "Övrigt",
}


def category_label(category: str) -> str:
    """Display name of a facility category (the code itself when unknown).

    Examples
    --------
    >>> category_label("säbo"), category_label("okänd")
    ('Särskilt boende', 'okänd')
    """
    return CATEGORY_LABELS.get(category, category)


def ordered_categories(categories: Iterable[str]) -> list[str]:
    """The categories present, in the schema's order (unknown ones last, sorted).

    Examples
    --------
    >>> ordered_categories(["va", "förskola", "zz"])
    ['förskola', 'va', 'zz']
    """
    present = set(categories)
    known = [c for c in FACILITY_CATEGORIES if c in present]
    return known + sorted(present - set(known))
