"""Error answers in Swedish: invalid requests, unknown addresses, refused methods.

FastAPI's own answers are English (``{"detail": "Not Found"}``) and its validation errors carry pydantic's English
text and the offending input — for a form sent to a JSON endpoint that input is raw bytes, which its default
handler cannot even serialise (a 500). Here every validation error is said again in Swedish from its *type* and
*location* alone; the input is never echoed.

Examples
--------
>>> validation_messages([{"type": "missing", "loc": ("body", "username"), "msg": "Field required"}])
['Fältet »username« saknas.']
>>> validation_messages([{"type": "string_too_long", "loc": ("query", "q"), "ctx": {"max_length": 5}}])
['Parametern »q« är för lång (högst 5 tecken).']
>>> validation_messages([{"type": "model_attributes_type", "loc": ("body",), "input": b"a=1"}])
['Innehållet i begäran ska vara ett JSON-objekt.']
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

#: What each pydantic error type means, in Swedish (``{name}`` fields come from the error's ``ctx``).
MESSAGES: dict[str, str] = {
    "missing": "saknas",
    "string_too_long": "är för lång (högst {max_length} tecken)",
    "string_too_short": "är för kort (minst {min_length} tecken)",
    "too_long": "har för många värden (högst {max_length})",
    "too_short": "har för få värden (minst {min_length})",
    "int_parsing": "ska vara ett heltal",
    "int_type": "ska vara ett heltal",
    "int_from_float": "ska vara ett heltal",
    "float_parsing": "ska vara ett tal",
    "float_type": "ska vara ett tal",
    "finite_number": "ska vara ett ändligt tal",
    "bool_parsing": "ska vara sant eller falskt (true/false)",
    "bool_type": "ska vara sant eller falskt (true/false)",
    "string_type": "ska vara text",
    "greater_than": "ska vara större än {gt}",
    "greater_than_equal": "ska vara minst {ge}",
    "less_than": "ska vara mindre än {lt}",
    "less_than_equal": "ska vara högst {le}",
    "json_invalid": "är inte giltig JSON",
    "json_type": "är inte giltig JSON",
    "model_attributes_type": "ska vara ett JSON-objekt",
    "model_type": "ska vara ett JSON-objekt",
    "dict_type": "ska vara ett JSON-objekt",
    "list_type": "ska vara en lista",
    "extra_forbidden": "är okänt",
    "literal_error": "har ett värde som inte är tillåtet",
    "enum": "har ett värde som inte är tillåtet",
    "value_error": "har ett ogiltigt värde",
}
#: Error types that mean "the body is not the JSON object this endpoint reads".
NOT_JSON_TYPES = frozenset({"model_attributes_type", "model_type", "dict_type", "json_invalid", "json_type"})
_PLACES = {"body": "Fältet", "query": "Parametern", "path": "Adressdelen", "header": "Huvudet", "cookie": "Kakan"}


def _field(loc: Sequence[Any]) -> tuple[str, str]:
    """(where, field name) of an error location such as ``("body", "settings", "weights")``."""
    place = str(loc[0]) if loc else "body"
    name = ".".join(str(x) for x in loc[1:])
    return _PLACES.get(place, "Fältet"), name


def validation_message(error: Mapping[str, Any]) -> str:
    """One validation error as a Swedish sentence naming the field (never the value that was sent)."""
    template = MESSAGES.get(str(error.get("type", "")), MESSAGES["value_error"])
    ctx = {k: v for k, v in (error.get("ctx") or {}).items() if isinstance(v, (int, float, str))}
    try:
        what = template.format(**ctx)
    except (KeyError, IndexError, ValueError):
        what = MESSAGES["value_error"]
    place, name = _field(tuple(error.get("loc") or ()))
    if not name:
        return f"Innehållet i begäran {what}."
    return f"{place} »{name}« {what}."


def validation_messages(errors: Iterable[Mapping[str, Any]]) -> list[str]:
    return list(dict.fromkeys(validation_message(e) for e in errors))


def validation_problems(errors: Iterable[Mapping[str, Any]]) -> list[dict[str, str]]:
    """The errors as ``{"field", "message"}`` for the JSON API."""
    out = []
    for e in errors:
        _place, name = _field(tuple(e.get("loc") or ()))
        out.append({"field": name, "message": validation_message(e)})
    return out


def body_is_not_json(errors: Iterable[Mapping[str, Any]], content_type: str) -> bool:
    """True when a JSON endpoint got something else (a form, plain text): answer 415, not 422.

    >>> body_is_not_json([{"type": "model_attributes_type", "loc": ("body",)}], "application/x-www-form-urlencoded")
    True
    >>> body_is_not_json([{"type": "missing", "loc": ("body", "files")}], "multipart/form-data; boundary=x")
    False
    """
    if "json" in content_type.lower():
        return False
    return any(e.get("type") in NOT_JSON_TYPES and tuple(e.get("loc") or ())[:1] == ("body",) for e in errors)


#: Swedish texts for the HTTP errors the framework raises by itself.
STATUS_MESSAGES: dict[int, str] = {
    400: "Ogiltig begäran.",
    401: "Inte inloggad.",
    403: "Du saknar behörighet för det här.",
    404: "Sidan finns inte.",
    405: "Den här adressen tar inte emot den sortens begäran (metoden är inte tillåten).",
    413: "Begäran är för stor.",
    415: "Innehållstypen stöds inte.",
    429: "För många försök. Vänta en stund och försök igen.",
}


def status_message(status: int, detail: Any) -> str:
    """The message of an HTTP error: ours as is, the framework's English default phrases in Swedish.

    >>> status_message(404, "Not Found"), status_message(404, "Planvarianten finns inte.")
    ('Sidan finns inte.', 'Planvarianten finns inte.')
    """
    from http import HTTPStatus

    try:
        default = HTTPStatus(status).phrase
    except ValueError:
        default = ""
    if isinstance(detail, str) and detail and detail != default:
        return detail
    return STATUS_MESSAGES.get(status, f"Begäran kunde inte utföras (HTTP {status}).")
