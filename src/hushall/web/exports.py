"""The plan as an Excel workbook.

Every text cell that a spreadsheet program could read as a formula (starting with ``= + - @``, or a tab or
carriage return) is written with a leading apostrophe, so no value from the data or from a user ever becomes
a formula in the exported file.

Examples
--------
>>> safe_cell("=HYPERLINK(\\"http://x\\")"), safe_cell("-1"), safe_cell(-1), safe_cell("Skola")
('\\'=HYPERLINK("http://x")', "'-1", -1, 'Skola')
"""

from __future__ import annotations

import io
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _sheet(wb: Any, title: str, header: list[str], rows: list[list[Any]], widths: list[int] | None = None) -> None:
    from openpyxl.styles import Font, PatternFill

    ws = wb.create_sheet(title)
    ws.append([safe_cell(h) for h in header])
    for cell in ws[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1F4E79")
    for row in rows:
        ws.append([safe_cell(v) for v in row])
    for cells in ws.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever the text
            elif isinstance(cell.value, float):
                cell.number_format = "#,##0"
    ws.freeze_panes = "B2"
    for i, w in enumerate(widths or [], start=1):
        ws.column_dimensions[ws.cell(1, i).column_letter].width = w


def plan_workbook(variant: Any, result: dict[str, Any] | None, data: Any, finance: Any) -> bytes:
    """The plan variant, its chosen projects, figures per year and explanations as .xlsx bytes."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    settings = variant.settings
    about = [
        ["Planvariant", variant.name],
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
    _sheet(wb, "Plan", ["Uppgift", "Värde"], about, [28, 80])
    if result:
        names = dict(zip(data.projects["project_id"].astype(str), data.projects["name"].astype(str), strict=True))
        _sheet(wb, "Projekt", ["projekt_id", "namn", "startår", "kostnad_kr", "förklaring"],
               [[r["project_id"], names.get(str(r["project_id"]), r.get("name", "")), r["start_year"],
                 r.get("cost_kr"), r.get("explanation", "")] for r in result.get("schedule", [])],
               [12, 48, 10, 16, 80])
        fin = dict(finance.series or {}) if finance is not None and getattr(finance, "available", False) else {}
        years = list((fin and finance.years) or result.get("years", []))
        candidates: list[tuple[str, Any]] = [
            ("investeringar_kr", fin.get("investments_kr") or result.get("investments_kr")),
            ("årets_resultat_kr", fin.get("result_kr")), ("låneskuld_kr", fin.get("debt_kr")),
            ("saknade_platser", result.get("places_short")), ("underhållsskuld_kr", result.get("maintenance_debt_kr")),
        ]
        series: list[tuple[str, list[Any]]] = [(k, list(v)) for k, v in candidates if v]
        _sheet(wb, "Per år", ["år", *[k for k, _ in series]],
               [[y, *[v[i] if i < len(v) else None for _, v in series]] for i, y in enumerate(years)])
        _sheet(wb, "Förklaringar", ["förklaring"], [[e] for e in result.get("explanations", [])], [120])
    if finance is not None and getattr(finance, "available", False):
        for title, rows in (finance.statements or {}).items():
            _sheet(wb, title[:31], ["post", *[str(y) for y in finance.years]], [[label, *values] for label, values in rows])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
