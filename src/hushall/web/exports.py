"""The plan as an Excel workbook: what the web's download holds, written by the one Excel writer
(:func:`hushall.reports.excel.tables_xlsx_bytes`: formula-like text escaped, amounts as whole kronor, header row
frozen).

Examples
--------
>>> from types import SimpleNamespace
>>> variant = SimpleNamespace(name="Plan A", version_no=1, status="utkast", description="", decided_at=None,
...                           settings={"targets": {"investeringstak_kr": 1.2e8}}, data_version=SimpleNamespace(number=3))
>>> sheets = plan_sheets(variant, None, SimpleNamespace(name="Exempelkommun", projects=None), None)
>>> list(sheets), sheets["Plan"].iloc[-2].tolist()
(['Plan'], ['Mål: investeringstak_kr', 120000000.0])
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from hushall.reports.excel import KR_FORMAT, tables_xlsx_bytes


def plan_sheets(variant: Any, result: dict[str, Any] | None, data: Any, finance: Any) -> dict[str, pd.DataFrame]:
    """The plan variant, its chosen projects, figures per year, explanations and statements as tables."""
    settings = variant.settings
    about: list[list[Any]] = [
        ["Planvariant", variant.name],
        ["Förslag från", getattr(variant, "party", "") or "Tjänstepersonerna"],
        ["Version", variant.version_no],
        ["Status", variant.status],
        ["Beskrivning", variant.description],
        ["Kommun", data.name],
        ["Dataversion", variant.data_version.number],
        ["Beslutad", str(variant.decided_at or "")],
    ]
    about += [[f"Mål: {k}", v] for k, v in (settings.get("targets") or {}).items()]
    about += [[f"Vikt: {k}", v] for k, v in (settings.get("weights") or {}).items()]
    about += [["Måste genomföras", ", ".join(settings.get("must_do") or [])]]
    if result:
        about += [["Metod", result.get("method", "")], ["Status för lösningen", result.get("status", "")],
                  ["Planens värde", result.get("value")]]
    sheets = {"Plan": pd.DataFrame(about, columns=["Uppgift", "Värde"], dtype=object)}
    if result:
        names = dict(zip(data.projects["project_id"].astype(str), data.projects["name"].astype(str), strict=True))
        sheets["Projekt"] = pd.DataFrame(
            [[r["project_id"], names.get(str(r["project_id"]), r.get("name", "")), r["start_year"],
              r.get("cost_kr"), r.get("explanation", "")] for r in result.get("schedule", [])],
            columns=["projekt_id", "namn", "startår", "kostnad_kr", "förklaring"])
        fin = dict(finance.series or {}) if finance is not None and getattr(finance, "available", False) else {}
        years = list((fin and finance.years) or result.get("years", []))
        candidates: list[tuple[str, Any]] = [
            ("investeringar_kr", fin.get("investments_kr") or result.get("investments_kr")),
            ("årets_resultat_kr", fin.get("result_kr")), ("låneskuld_kr", fin.get("debt_kr")),
            ("saknade_platser", result.get("places_short")), ("underhållsskuld_kr", result.get("maintenance_debt_kr")),
        ]
        series: list[tuple[str, list[Any]]] = [(k, list(v)) for k, v in candidates if v]
        sheets["Per år"] = pd.DataFrame(
            [[y, *[v[i] if i < len(v) else None for _, v in series]] for i, y in enumerate(years)],
            columns=["år", *[k for k, _ in series]])
        sheets["Förklaringar"] = pd.DataFrame({"förklaring": list(result.get("explanations", []))}, dtype=object)
    if finance is not None and getattr(finance, "available", False):
        for title, rows in (finance.statements or {}).items():
            sheets[title[:31]] = pd.DataFrame([[label, *values] for label, values in rows],
                                              columns=["post", *[str(y) for y in finance.years]])
    return sheets


def plan_workbook(variant: Any, result: dict[str, Any] | None, data: Any, finance: Any) -> bytes:
    """:func:`plan_sheets` as .xlsx bytes; the statements' amounts (kr, one column per year) in whole kronor."""
    sheets = plan_sheets(variant, result, data, finance)
    years = [str(y) for y in (finance.years if finance is not None and getattr(finance, "available", False) else [])]
    return tables_xlsx_bytes(sheets, number_formats=dict.fromkeys(years, KR_FORMAT))
