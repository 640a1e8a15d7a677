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


#: Swedish display names of component types the plain rule (underscores as spaces) gets wrong.
COMPONENT_LABELS: dict[str, str] = {"va_ledning": "VA-ledning"}


def name_in_words(name: str) -> str:
    """A technical name as words: underscores as spaces, a capital first letter.

    Examples
    --------
    >>> name_in_words("tak_och_fasad")
    'Tak och fasad'
    """
    words = name.replace("_", " ")
    return words[:1].upper() + words[1:]


def component_label(kind: str) -> str:
    """Display name of a component type.

    Examples
    --------
    >>> component_label("va_ledning"), component_label("tak_och_fasad")
    ('VA-ledning', 'Tak och fasad')
    """
    return COMPONENT_LABELS.get(kind) or name_in_words(kind)


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
