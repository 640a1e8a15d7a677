"""A plan's political settings as small overrides of the municipality's inputs, applied in one place.

The settings are what the council chooses — the criteria weights (sheet Mål, ``kriterievikt``), the limits of the
targets and ceilings (the investment frame ``investeringstak_kr``, the debt target ``låneskuld_per_invånare``, …),
the projects that must be done, the reinvestment policy and frame, and a change of the municipal tax rate from a
year — kept as a plain JSON document::

    {"targets": {"investeringstak_kr": 1.85e8, …}, "weights": {"lagkrav": 0.3, …}, "must_do": ["P-12", …],
     "reinvestment_policy": "", "reinvestment_frame_kr": null, "renewal_decisions": true,
     "balanced_budget": false, "tax_change_ore": 0.0, "tax_from_year": null}

:func:`apply_settings` applies them to a copy of the data (as a calliope scenario or an openfisca reform), so every
stage runs unchanged under any settings. ``renewal_decisions`` (the optimiser decides the reinvestment per pool
of components and year, :mod:`hushall.optimize.renewal_decisions`) changes no data: it is an option of the plan
study (:class:`hushall.study.request.PlanRequest`), read with :func:`renewal_decisions_of`; not given, it is the
optimiser's default (:data:`hushall.optimize.inputs.RENEWAL_DECISIONS_DEFAULT`). ``balanced_budget`` (a budget
in balance every plan year, KL 11 kap. 5 §: the balanskravsresultat at least zero, no deficit restored later) is
another such option, read with :func:`balanskrav_of`; not given, a deficit restored within three years is allowed
and the verdict names it. The web (plan
variants, page Prioritera) and the command line (``hushall optimize --installningar``) both read settings with
:func:`clean_settings` and apply them with :func:`apply_settings`: the same settings give the same data, hence the
same plan.

The tax change is added to the tax path of sheet Antaganden (parameter ``skattesats``, percentage points against
the base year) from ``tax_from_year`` on: 1 öre = 0,01 procentenheter, so the tax income of year *t* is scaled by
``(r0 + Δ_t + öre/100) / r0`` (:func:`hushall.finance.model` with ``skattesats_basår`` = r0).

Examples
--------
>>> from hushall.examples import exempelkommun
>>> data = exempelkommun()
>>> s = clean_settings({"weights": {"kapacitet": "0,5"}, "tax_change_ore": "20", "tax_from_year": 2030}, data)
>>> s["weights"]["kapacitet"], s["tax_change_ore"], s["tax_from_year"]
(0.5, 20.0, 2030)
>>> changed = apply_settings(data, s)
>>> [round(float(x), 2) for x in changed.assumption("skattesats")[4:6]]
[0.45, 0.65]
>>> settings_key(s) == settings_key(clean_settings(s, data))
True
"""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path
from typing import Any

import pandas as pd

from hushall.data.schema import CRITERIA
from hushall.data.target_types import TARGET_TYPES
from hushall.errors import HushallError, PlanError
from hushall.formatting import fmt_number
from hushall.model import MunicipalityData
from hushall.study.request import balanskrav_mode

#: The targets the settings may set: every evaluated type with a limit the council chooses.
SETTABLE_TARGETS: tuple[str, ...] = tuple(t.key for t in TARGET_TYPES.values() if t.evaluated and t.has_limit)

#: The reinvestment policies the settings may choose (:data:`hushall.needs.reinvestment.POLICIES`); "" = as the
#: data says (sheet Antaganden).
REINVESTMENT_CHOICES: dict[str, str] = {
    "": "Som i underlaget (fliken Antaganden)",
    "ram": "Dagens reinvesteringsram",
    "behov": "Efter behov: varje komponent förnyas när den är uttjänt",
    "ingen": "Ingen reinvestering (bara som räkneexempel)",
}

#: The largest tax change the settings accept, in öre per 100 kr (5 kr: beyond any change a council decides).
MAX_TAX_CHANGE_ORE = 500.0

#: The keys of a settings document, in the order they are written.
SETTINGS_KEYS: tuple[str, ...] = ("targets", "weights", "must_do", "reinvestment_policy", "reinvestment_frame_kr",
                                  "renewal_decisions", "balanced_budget", "tax_change_ore", "tax_from_year")

#: How a person says yes or no to a setting (a form's checkbox sends ``on``).
_YES = ("1", "true", "on", "ja", "yes")
_NO = ("", "0", "false", "off", "nej", "no")


def default_settings(data: MunicipalityData) -> dict[str, Any]:
    """The settings that reproduce the data as uploaded (the officials' settings)."""
    t = data.targets
    targets: dict[str, float | None] = {}
    for key in SETTABLE_TARGETS:
        rows = t[t["target_type"] == key]
        targets[key] = float(rows["limit"].iloc[0]) if len(rows) else None
    w = t[t["target_type"] == "kriterievikt"]
    weights = {c: float(w.loc[w["criterion"] == c, "limit"].iloc[0]) if (w["criterion"] == c).any() else 0.0
               for c in CRITERIA}
    must = data.projects.loc[data.projects["must_do"].fillna(False).astype(bool), "project_id"]
    from hushall.optimize.inputs import RENEWAL_DECISIONS_DEFAULT  # on call: the optimiser loads slowly

    return {"targets": targets, "weights": weights, "must_do": sorted(str(p) for p in must),
            "reinvestment_policy": "", "reinvestment_frame_kr": None, "renewal_decisions": RENEWAL_DECISIONS_DEFAULT,
            "balanced_budget": False, "tax_change_ore": 0.0, "tax_from_year": None}


def parse_number(value: Any, label: str) -> float:
    """A number as a person types it (decimal comma, spaces as thousands separators, a typographic minus);
    :class:`PlanError` naming ``label`` when it is not a finite number.

    >>> parse_number("1 234,5", "Ram")
    1234.5
    >>> parse_number("abc", "Vikt skick")
    Traceback (most recent call last):
    ...
    hushall.errors.PlanError: Vikt skick: 'abc' är inte ett tal.
    """
    try:
        x = float(str(value).replace(",", ".").replace("\u00a0", "").replace(" ", "").replace("−", "-"))
    except ValueError as exc:
        raise PlanError(f"{label}: {value!r} är inte ett tal.") from exc
    if not math.isfinite(x):
        raise PlanError(f"{label}: värdet måste vara ett ändligt tal.")
    return x


def clean_settings(raw: dict[str, Any], data: MunicipalityData) -> dict[str, Any]:
    """Check settings from a form, the API or a settings file; what is not given stays as in the data.

    Raises
    ------
    hushall.errors.PlanError
        With a Swedish reason naming the setting and the value.
    """
    if not isinstance(raw, dict):
        raise PlanError("Inställningarna ska vara ett JSON-objekt med nycklarna " + ", ".join(SETTINGS_KEYS) + ".")
    out = default_settings(data)
    for key, value in _mapping(raw.get("targets"), "targets").items():
        if key not in SETTABLE_TARGETS:
            raise PlanError(f"Okänt mål: {key}.")
        if value is None or value == "":
            out["targets"][key] = None
            continue
        kind = TARGET_TYPES[key]
        x = parse_number(value, kind.name["sv"])
        if kind.minimum is not None and x < kind.minimum:
            raise PlanError(f"{kind.name['sv']}: värdet får inte vara lägre än {kind.limit_text(kind.minimum)}.")
        out["targets"][key] = x
    for key, value in _mapping(raw.get("weights"), "weights").items():
        if key not in CRITERIA:
            raise PlanError(f"Okänt kriterium: {key}.")
        x = parse_number(value, f"Vikt {key}")
        if x < 0:
            raise PlanError(f"Vikt {key}: vikten får inte vara negativ.")
        out["weights"][key] = x
    policy = str(raw.get("reinvestment_policy") or "")
    if policy not in REINVESTMENT_CHOICES:
        raise PlanError(f"Okänd reinvesteringspolicy: {policy!r}.")
    out["reinvestment_policy"] = policy
    frame = raw.get("reinvestment_frame_kr")
    if frame is not None and frame != "":
        x = parse_number(frame, "Reinvesteringsram")
        if x < 0:
            raise PlanError("Reinvesteringsram: värdet får inte vara negativt.")
        out["reinvestment_frame_kr"] = x
    if raw.get("renewal_decisions") is not None:  # not given: the optimiser's default (default_settings)
        out["renewal_decisions"] = _yes_or_no(raw["renewal_decisions"], "Låt optimeringen besluta reinvesteringen")
    if raw.get("balanced_budget") is not None:
        out["balanced_budget"] = _yes_or_no(raw["balanced_budget"], "Budget i balans varje år")
    if "must_do" in raw:
        known = set(data.projects["project_id"].astype(str))
        must = [str(p) for p in raw.get("must_do") or []]
        unknown = sorted(set(must) - known)
        if unknown:
            raise PlanError(f"Okända projekt: {', '.join(unknown)}.")
        out["must_do"] = sorted(set(must))
    ore = raw.get("tax_change_ore")
    if ore is not None and ore != "":
        x = parse_number(ore, "Ändrad skattesats (öre)")
        if abs(x) > MAX_TAX_CHANGE_ORE:
            raise PlanError(f"Ändrad skattesats: {fmt_number(x, 2, trim=True)} öre är mer än en kommun ändrar "
                            f"skatten (högst ±{fmt_number(MAX_TAX_CHANGE_ORE, 2, trim=True)} öre).")
        out["tax_change_ore"] = x + 0.0
    year = raw.get("tax_from_year")
    if year is not None and year != "":
        y = parse_number(year, "Skatteändringen gäller från år")
        first, last = int(data.first_year), int(data.years[-1])
        if y != int(y) or not first <= y <= last:
            raise PlanError(f"Skatteändringen gäller från år: {year!r} är inte ett år i planperioden "
                            f"({first}–{last}).")
        out["tax_from_year"] = int(y)
    return out


def _yes_or_no(value: Any, label: str) -> bool:
    """A yes/no setting (``None`` = no); :class:`PlanError` naming ``label`` for anything else.

    >>> _yes_or_no("on", "X"), _yes_or_no(None, "X"), _yes_or_no(False, "X")
    (True, False, False)
    """
    if value is None or isinstance(value, bool):
        return bool(value)
    text = str(value).strip().lower()
    if text in _YES or text in _NO:
        return text in _YES
    raise PlanError(f"{label}: {value!r} är varken ja eller nej.")


def renewal_decisions_of(settings: dict[str, Any]) -> bool | None:
    """The plan study's ``renewal_decisions`` (:class:`hushall.study.request.PlanRequest`) of cleaned settings:
    as chosen (``False``: the data's reinvestment policy), ``None`` (the optimiser's default) when they do not say."""
    value = settings.get("renewal_decisions")
    return None if value is None else bool(value)


def balanskrav_of(settings: dict[str, Any]) -> str:
    """The optimiser's ``balanskrav`` (:func:`hushall.optimize.optimize`) of cleaned settings: ``"balanced"`` (a
    budget in balance every plan year) when ``balanced_budget`` says so, else ``"restore"``.

    >>> balanskrav_of({"balanced_budget": True}), balanskrav_of({})
    ('balanced', 'restore')
    """
    return balanskrav_mode(bool(settings.get("balanced_budget")))


def _mapping(value: Any, key: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise PlanError(f"Inställningen {key} ska vara ett JSON-objekt (namn → värde).")
    return value


def apply_settings(data: MunicipalityData, settings: dict[str, Any]) -> MunicipalityData:
    """A copy of ``data`` with the settings' targets, weights, must-do projects, reinvestment and tax change."""
    targets = data.targets.copy()
    rows: list[dict[str, Any]] = []
    for key, limit in (settings.get("targets") or {}).items():
        mask = targets["target_type"] == key
        if limit is None:
            targets = targets[~mask]
        elif mask.any():
            targets.loc[mask, "limit"] = float(limit)
        else:
            rows.append({"target_id": f"variant-{key}", "target_type": key, "limit": float(limit),
                         "period_years": 1, "criterion": ""})
    for criterion, weight in (settings.get("weights") or {}).items():
        mask = (targets["target_type"] == "kriterievikt") & (targets["criterion"] == criterion)
        if mask.any():
            targets.loc[mask, "limit"] = float(weight)
        else:
            rows.append({"target_id": f"variant-{criterion}", "target_type": "kriterievikt", "limit": float(weight),
                         "period_years": 1, "criterion": criterion})
    if rows:
        extra = pd.DataFrame(rows).reindex(columns=targets.columns)
        extra["period_years"] = pd.array(extra["period_years"].tolist(), dtype="Int64")
        for col in ("from_year", "to_year"):
            extra[col] = pd.array([pd.NA] * len(extra), dtype="Int64")
        targets = pd.concat([targets, extra], ignore_index=True)
    projects = data.projects.copy()
    if "must_do" in settings:
        projects["must_do"] = projects["project_id"].astype(str).isin(set(settings["must_do"])).astype(object)
    return _assumptions_of_settings(data.replace(targets=targets.reset_index(drop=True), projects=projects),
                                    settings)


def _assumptions_of_settings(data: MunicipalityData, settings: dict[str, Any]) -> MunicipalityData:
    """``data`` with the settings' reinvestment policy and frame, stated as assumptions from the first plan year
    (``reinvestering_efter_behov``, ``reinvestering_ram_kr``; policy *ingen* = the frame 0) — the same overrides
    as the named scenarios *Reinvestering efter behov* and *Ingen reinvestering* — and the tax change added to
    ``skattesats`` from ``tax_from_year`` (öre / 100 = procentenheter)."""
    from hushall.scenarios import Override, Scenario, apply

    policy = settings.get("reinvestment_policy") or ""
    frame = settings.get("reinvestment_frame_kr")
    changes: list[Override] = []
    if policy:
        changes.append(Override("reinvestering_efter_behov", 1.0 if policy == "behov" else 0.0))
    if policy == "ingen":
        changes.append(Override("reinvestering_ram_kr", 0.0))
    elif frame is not None:
        changes.append(Override("reinvestering_ram_kr", float(frame)))
    ore = float(settings.get("tax_change_ore") or 0.0)
    if ore:
        year = settings.get("tax_from_year")
        changes.append(Override("skattesats", ore / 100.0, "lägg_till", None if year is None else int(year),
                                source=f"Ändrad skattesats {fmt_number(ore, 2, trim=True)} öre"))
    if not changes:
        return data
    return apply(data, Scenario("installningar", "Valda inställningar", overrides=tuple(changes)))


def settings_key(settings: dict[str, Any]) -> str:
    """A short stable key of cleaned settings (the same settings give the same key): for caches."""
    text = json.dumps(settings, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def settings_json(settings: dict[str, Any]) -> str:
    """Settings as the file the web offers to download and ``hushall optimize --installningar`` reads."""
    return json.dumps({k: settings.get(k) for k in SETTINGS_KEYS}, ensure_ascii=False, indent=2) + "\n"


def read_settings(path: Path, data: MunicipalityData) -> dict[str, Any]:
    """Cleaned settings from a settings file (:func:`settings_json`).

    Raises
    ------
    hushall.errors.HushallError
        When the file cannot be read, is not JSON or holds a bad setting; the message names the file.
    """
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise HushallError(f"Inställningsfilen {path} kunde inte läsas: {exc.strerror or exc}.") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        where = f" (rad {exc.lineno}, kolumn {exc.colno})" if isinstance(exc, json.JSONDecodeError) else ""
        raise HushallError(f"Inställningsfilen {path} är inte giltig JSON{where}. Ladda ner den på nytt från "
                           "sidan Prioritera.") from exc
    try:
        unknown_keys = sorted(set(raw) - set(SETTINGS_KEYS)) if isinstance(raw, dict) else []
        if unknown_keys:
            raise PlanError(f"okänd inställning {', '.join(unknown_keys)} (kända: {', '.join(SETTINGS_KEYS)}).")
        return clean_settings(raw, data)
    except PlanError as exc:
        raise PlanError(f"Inställningsfilen {path}: {exc}") from exc


__all__ = ["MAX_TAX_CHANGE_ORE", "REINVESTMENT_CHOICES", "SETTABLE_TARGETS", "SETTINGS_KEYS", "apply_settings",
           "balanskrav_of", "clean_settings", "default_settings", "parse_number", "read_settings", "renewal_decisions_of",
           "settings_json", "settings_key"]
