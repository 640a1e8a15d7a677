"""Candidate projects as arrays, and the schedule that picks their start years.

:class:`ProjectCatalog` turns sheet ``Projekt`` into one array per attribute (``P`` projects): cost, duration,
cash profile ``(P, D)``, component split ``(P, C)`` over :data:`hushall.data.schema.COMPONENT_TYPES`, operating-cost
and places change, sale proceeds and the window of allowed start years. Every later computation in
:mod:`hushall.projects.effects` is vectorised over these arrays.

Rules (each documented where it is applied):

* Cash profile: the column ``kassaprofil`` (``"0,4;0,6"``), else even over ``byggtid_år``.
* Component split, first match wins: the project's own ``komponentfördelning``; the components it renews
  (``förnyar_komponenter``: component ids weighted by their value, or component types); the category of the facility
  it touches (``va`` → ``va_ledning``, ``gata`` → ``gata``); the default of its project type
  (``hushall/data/defaults/projects.yaml``).
* Projects of type ``avveckling`` and ``försäljning`` are not capitalised: their outlay is an expense of the year
  (RKR R4). Their ``driftkonsekvens_kr_år`` (normally negative: a saving) and ``platser_förändring`` (normally
  negative) take effect like any other project's.
* Start window: ``fast_startår`` if set; else ``tidigast_start`` (default: first plan year) to ``senast_start``
  (default: the last year from which the project is completed within the plan, never before the earliest).

Examples
--------
>>> import pandas as pd
>>> frame = pd.DataFrame({"project_id": ["A"], "project_type": ["nybyggnad"], "cost_kr": [100.0],
...                       "duration_years": [2], "cash_profile": ["0,4;0,6"]})
>>> cat = ProjectCatalog.from_frame(frame, first_year=2025, last_year=2034)
>>> cat.cash_profile.tolist(), int(cat.latest_start[0])
([[0.4, 0.6]], 2033)
>>> round(float(cat.component_split[0, cat.component_types.index("stomme")]), 2)
0.45
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from hushall.data.defaults import load as load_defaults
from hushall.data.schema import COMPONENT_TYPES, TABLES
from hushall.errors import DataValidationError, PlanError
from hushall.model import MunicipalityData
from hushall.model.parameters import component_lifetimes
from hushall.model.validate import parse_shares, parse_split

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

_SHEET = TABLES["projects"].sheet


def _missing(x: Any) -> bool:
    return x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x))


def _int_or(x: Any, default: int) -> int:
    return default if _missing(x) else int(x)


def _float_or(x: Any, default: float) -> float:
    return default if _missing(x) else float(x)


def _str(x: Any) -> str:
    return "" if _missing(x) else str(x).strip()


def _bool(x: Any) -> bool:
    if _missing(x):
        return False
    if isinstance(x, str):
        return x.strip().lower() in {"ja", "j", "yes", "y", "true", "sant", "1", "x"}
    return bool(x)


@dataclass(frozen=True, eq=False)
class ProjectCatalog:
    """Candidate projects as arrays over ``P`` projects (order of sheet ``Projekt``).

    Attributes
    ----------
    project_ids, project_types
        ``(P,)`` identifiers and types.
    cost_kr
        ``(P,)`` total outlay in the prices of the price base year.
    duration_years
        ``(P,)`` construction years, ≥ 1.
    cash_profile
        ``(P, D)`` share of the outlay in each construction year (``D`` = longest duration; zero-padded).
    capitalised
        ``(P,)`` whether the outlay is capitalised (False for avveckling and försäljning).
    component_split
        ``(P, C)`` share of the capitalised value per component type (rows sum to 1; 0 when not capitalised).
    lifetimes_years
        ``(C,)`` depreciation lifetime per component type (``component_lifetimes`` in hushall/data/defaults/parameters.yaml).
    operating_cost_change_kr, places_change, sale_proceeds_kr
        ``(P,)`` yearly operating-cost change (price base year kr; + cost, − saving), places added (+) or
        removed (−), and sale proceeds (price base year kr, 0 unless given).
    earliest_start, latest_start
        ``(P,)`` the window of allowed start years.
    must_do, fixed
        ``(P,)`` whether the project is required, and whether its start year is locked.
    removed_book_value_kr, removed_depreciation_kr
        ``(P, T + 1)`` and ``(P, T)`` over the plan years (column 0 of the first: the end of the base year): the
        book value and depreciation of the existing components a project takes out of use (avveckling,
        försäljning; :func:`hushall.needs.book_value.existing_books`), ``None`` when the catalog was built without
        the register (no book value leaves the balance sheet).
    """

    project_ids: tuple[str, ...]
    project_types: tuple[str, ...]
    cost_kr: FloatArray
    duration_years: IntArray
    cash_profile: FloatArray
    capitalised: BoolArray
    component_split: FloatArray
    lifetimes_years: FloatArray
    operating_cost_change_kr: FloatArray
    places_change: FloatArray
    sale_proceeds_kr: FloatArray
    earliest_start: IntArray
    latest_start: IntArray
    must_do: BoolArray
    fixed: BoolArray
    first_year: int
    last_year: int
    component_types: tuple[str, ...] = COMPONENT_TYPES
    removed_book_value_kr: FloatArray | None = None
    removed_depreciation_kr: FloatArray | None = None
    _index: dict[str, int] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._index.update({pid: i for i, pid in enumerate(self.project_ids)})

    def __len__(self) -> int:
        return len(self.project_ids)

    def index(self, project_id: str) -> int:
        """Position of a project; :class:`~hushall.errors.PlanError` when unknown."""
        try:
            return self._index[project_id]
        except KeyError:
            raise PlanError(f"Okänt projekt: {project_id!r} finns inte i fliken {_SHEET}.") from None

    @property
    def window_length(self) -> IntArray:
        """Number of allowed start years per project."""
        return self.latest_start - self.earliest_start + 1

    @classmethod
    def from_frame(
        cls,
        projects: pd.DataFrame,
        *,
        first_year: int,
        last_year: int,
        facilities: pd.DataFrame | None = None,
        components: pd.DataFrame | None = None,
        sale_proceeds_kr: Mapping[str, float] | None = None,
    ) -> ProjectCatalog:
        """Build the catalog from a projects table with the internal column names of sheet ``Projekt``.

        Missing optional columns take their schema defaults. ``sale_proceeds_kr`` (project id → kr in the price base
        year) overrides a ``sale_proceeds_kr`` column, which the schema does not have yet.
        """
        defaults = load_defaults("projects")
        by_type = defaults["component_split"]["by_project_type"]
        by_category = defaults["component_split"]["by_facility_category"]
        not_capitalised = set(defaults["not_capitalised"]["values"])
        lifetimes = component_lifetimes()
        ctypes = COMPONENT_TYPES
        c_index = {c: i for i, c in enumerate(ctypes)}
        fac_category: dict[str, str] = {}
        if facilities is not None and len(facilities):
            fac_category = dict(zip(facilities["facility_id"].astype(str), facilities["category"].astype(str),
                                    strict=True))
        comp_type: dict[str, str] = {}
        comp_value: dict[str, float] = {}
        if components is not None and len(components):
            comp_type = dict(zip(components["component_id"].astype(str), components["component_type"].astype(str),
                                 strict=True))
            if "value_kr" in components:
                comp_value = {str(k): _float_or(v, 0.0) for k, v in
                              zip(components["component_id"], components["value_kr"], strict=True)}
        default_shares = _type_default_shares()
        proceeds_override = dict(sale_proceeds_kr or {})

        rows = projects.to_dict("records")
        n = len(rows)
        durations = [max(1, _int_or(r.get("duration_years"), 1)) for r in rows]
        d_max = max(durations, default=1)
        profile = np.zeros((n, d_max))
        split = np.zeros((n, len(ctypes)))
        capitalised = np.zeros(n, dtype=bool)
        earliest = np.zeros(n, dtype=np.int64)
        latest = np.zeros(n, dtype=np.int64)
        fixed = np.zeros(n, dtype=bool)
        for i, r in enumerate(rows):
            pid = _str(r.get("project_id"))
            d = durations[i]
            text = _str(r.get("cash_profile"))
            if text:
                shares = parse_shares(text)
                if shares is None or len(shares) != d or abs(sum(shares) - 1) > 1e-6 or min(shares) < 0:
                    raise DataValidationError.single(
                        "E_CASH_PROFILE", f"Kassaprofilen ska ha {d} andelar ≥ 0 som summerar till 1.",
                        sheet=_SHEET, column="kassaprofil", value=text)
                profile[i, :d] = shares
            else:
                profile[i, :d] = 1.0 / d
            ptype = _str(r.get("project_type")) or "nybyggnad"
            for fid in replaced_facilities(r):
                if fac_category and fid not in fac_category:
                    raise DataValidationError.single(
                        "E_REFERENCE", f"Projekt {pid}: ersätter okänd anläggning {fid!r} (finns inte i fliken "
                        "Anläggningar).", sheet=_SHEET, column="ersätter_anläggningar", value=fid)
            capitalised[i] = ptype not in not_capitalised
            if capitalised[i]:
                shares_by_type = _component_split(
                    r, ptype, by_type, by_category, fac_category, comp_type, comp_value, default_shares)
                for ctype, share in shares_by_type.items():
                    if ctype not in c_index:
                        raise DataValidationError.single(
                            "E_CHOICE", f"Okänd komponenttyp: {ctype}.", sheet=_SHEET, column="komponentfördelning",
                            value=pid)
                    split[i, c_index[ctype]] += share
            fixed_start = r.get("fixed_start")
            if not _missing(fixed_start):
                earliest[i] = latest[i] = int(fixed_start)
                fixed[i] = True
            else:
                earliest[i] = _int_or(r.get("earliest_start"), first_year)
                latest[i] = max(earliest[i], _int_or(r.get("latest_start"), last_year - d + 1))
        if n:
            sums = split.sum(axis=1)
            split[capitalised] /= sums[capitalised, None]

        def column(name: str, default: float) -> FloatArray:
            return np.array([_float_or(r.get(name), default) for r in rows], dtype=float)

        ids = tuple(_str(r.get("project_id")) for r in rows)
        proceeds = column("sale_proceeds_kr", 0.0)
        for pid, value in proceeds_override.items():
            if pid not in ids:
                raise PlanError(f"Försäljningspris för okänt projekt {pid!r}.")
            proceeds[ids.index(pid)] = float(value)
        return cls(
            project_ids=ids,
            project_types=tuple(_str(r.get("project_type")) or "nybyggnad" for r in rows),
            cost_kr=column("cost_kr", 0.0),
            duration_years=np.asarray(durations, dtype=np.int64),
            cash_profile=profile,
            capitalised=capitalised,
            component_split=split,
            lifetimes_years=np.array([float(lifetimes[c]["lifetime_years"]) for c in ctypes]),
            operating_cost_change_kr=column("operating_cost_change_kr", 0.0),
            places_change=column("places_change", 0.0),
            sale_proceeds_kr=proceeds,
            earliest_start=earliest,
            latest_start=latest,
            must_do=np.array([_bool(r.get("must_do")) for r in rows], dtype=bool),
            fixed=fixed,
            first_year=int(first_year),
            last_year=int(last_year),
        )

    @classmethod
    def from_data(cls, data: MunicipalityData, sale_proceeds_kr: Mapping[str, float] | None = None
                  ) -> ProjectCatalog:
        """The catalog of a municipality's sheet ``Projekt`` (cached on the data object when no override)."""
        key = "projects.catalog"
        if sale_proceeds_kr is None and key in data._cache:
            return data._cache[key]  # type: ignore[return-value]
        cat = cls.from_frame(data.projects, first_year=data.first_year, last_year=data.last_year,
                             facilities=data.facilities, components=data.components,
                             sale_proceeds_kr=sale_proceeds_kr)
        cat = _with_removed_books(cat, data)
        if sale_proceeds_kr is None:
            data._cache[key] = cat
        return cat


def replaced_facilities(row: Mapping[str, Any]) -> list[str]:
    """The facilities a project row replaces (column ``ersätter_anläggningar``, semicolon separated)."""
    return [s.strip() for s in _str(row.get("replaces_facilities")).split(";") if s.strip()]


def _with_removed_books(cat: ProjectCatalog, data: MunicipalityData) -> ProjectCatalog:
    """The catalog with the book value and depreciation of the components each project takes out of use."""
    from hushall.needs.book_value import existing_books
    from hushall.needs.renewal import component_status
    from hushall.projects.maintenance import renewed_components

    books = existing_books(data)
    n_t = books.years.size
    value = np.zeros((len(cat), n_t + 1))
    dep = np.zeros((len(cat), n_t))
    if len(cat) and books.book_value_kr.size:
        status = component_status(data)
        for k, row in enumerate(data.projects.to_dict("records")):
            claims, removes = renewed_components([row], status)  # each on its own: alternatives may share one
            if removes[0]:
                value[k], dep[k] = books.of(claims[0])
    return replace(cat, removed_book_value_kr=value, removed_depreciation_kr=dep)


def _type_default_shares() -> dict[str, float]:
    return {str(k): float(v) for k, v in load_defaults("parameters")["default_value_shares"]["values"].items()}


def _component_split(
    row: Mapping[str, Any],
    ptype: str,
    by_type: Mapping[str, Mapping[str, float]],
    by_category: Mapping[str, Mapping[str, float]],
    fac_category: Mapping[str, str],
    comp_type: Mapping[str, str],
    comp_value: Mapping[str, float],
    default_shares: Mapping[str, float],
) -> dict[str, float]:
    pid = _str(row.get("project_id"))
    own = _str(row.get("component_split"))
    if own:
        split = parse_split(own)
        if split is None or not split or abs(sum(split.values()) - 1) > 1e-6:
            raise DataValidationError.single(
                "E_SHARE_SUM", "Komponentfördelningen ska skrivas typ:andel;typ:andel och summera till 1.",
                sheet=_SHEET, column="komponentfördelning", value=own)
        return split
    renews = [s.strip() for s in _str(row.get("renews_components")).split(";") if s.strip()]
    if renews:
        weights: dict[str, float] = {}
        for item in renews:
            if item in comp_type:
                ctype, w = comp_type[item], comp_value.get(item, 0.0)
            elif item.lower() in COMPONENT_TYPES:
                ctype, w = item.lower(), default_shares.get(item.lower(), 0.05)
            else:
                raise DataValidationError.single(
                    "E_REFERENCE", f"Projekt {pid}: förnyar okänd komponent {item!r} (varken komponent_id i "
                    "Komponenter eller komponenttyp).", sheet=_SHEET, column="förnyar_komponenter", value=item)
            weights[ctype] = weights.get(ctype, 0.0) + (w if w > 0 else 1.0)
        total = sum(weights.values())
        return {k: v / total for k, v in weights.items()}
    category = fac_category.get(_str(row.get("facility_id")), "")
    if category in by_category:
        return dict(by_category[category])
    return dict(by_type.get(ptype, by_type["nybyggnad"]))


class Schedule(Mapping[str, int]):
    """A chosen plan: project id → start year.

    A read-only mapping; build one from a dict, or take :meth:`committed` (the projects already decided).

    Examples
    --------
    >>> s = Schedule({"P-01": 2026})
    >>> dict(s), len(s)
    ({'P-01': 2026}, 1)
    """

    __slots__ = ("_starts",)

    def __init__(self, starts: Mapping[str, int] | None = None) -> None:
        self._starts = {str(k): int(v) for k, v in (starts or {}).items()}

    def __getitem__(self, key: str) -> int:
        return self._starts[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._starts)

    def __len__(self) -> int:
        return len(self._starts)

    def __repr__(self) -> str:
        return f"Schedule({self._starts!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Mapping) and dict(self.items()) == dict(other.items())

    __hash__ = None  # type: ignore[assignment]

    @classmethod
    def empty(cls) -> Schedule:
        return cls({})

    @classmethod
    def committed(cls, catalog: ProjectCatalog) -> Schedule:
        """The projects already decided: ``måste`` = ja or a ``fast_startår``; each starts at its locked year,
        else at the first year of its window."""
        chosen = catalog.must_do | catalog.fixed
        return cls({catalog.project_ids[i]: int(catalog.earliest_start[i]) for i in np.flatnonzero(chosen)})

    def positions(self, catalog: ProjectCatalog, *, check_window: bool = True) -> tuple[IntArray, IntArray]:
        """Project positions and start years as arrays; :class:`~hushall.errors.PlanError` for an unknown project
        or a start year outside the plan (or outside the project's window when ``check_window``)."""
        idx = np.array([catalog.index(pid) for pid in self._starts], dtype=np.int64)
        starts = np.array(list(self._starts.values()), dtype=np.int64)
        for i, s, pid in zip(idx, starts, self._starts, strict=True):
            if not catalog.first_year <= s <= catalog.last_year:
                raise PlanError(f"Projekt {pid}: startår {s} ligger utanför planperioden "
                                f"{catalog.first_year}–{catalog.last_year}.")
            if check_window and not catalog.earliest_start[i] <= s <= catalog.latest_start[i]:
                raise PlanError(f"Projekt {pid}: startår {s} ligger utanför projektets fönster "
                                f"{catalog.earliest_start[i]}–{catalog.latest_start[i]}.")
        return idx, starts


def catalog(data: MunicipalityData) -> ProjectCatalog:
    """Shorthand for :meth:`ProjectCatalog.from_data`."""
    return ProjectCatalog.from_data(data)
