"""The workbook behind the plan document: every table, one sheet each, frozen headers, kr as whole kronor."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from hushall.finance import Forecast
from hushall.reports.excel import DECIMAL_FORMAT, KR_FORMAT, PERCENT_FORMAT, write_tables_xlsx
from hushall.reports.needs import NUMBER_FORMATS as NEEDS_NUMBER_FORMATS

if TYPE_CHECKING:
    from hushall.reports.document.content import PlanDocument


#: Number formats of the plan workbook beyond the defaults (``*_kr`` whole kronor, ``år`` plain).
GENERAL = "General"


def workbook_number_formats(doc: PlanDocument) -> dict[str, str]:
    """Column header → Excel format code for the sheets of :meth:`PlanDocument.sheets`."""
    formats = dict(NEEDS_NUMBER_FORMATS)
    formats.update({str(y): KR_FORMAT for y in doc.years})  # statements: kr per year
    for line in doc.forecast.ratios.index:
        formats[str(line)] = PERCENT_FORMAT
    formats.update({
        "värde": GENERAL, "gräns": GENERAL, "första_år_ej_uppfyllt": "0", "resultat_andel_av_skatter_och_bidrag":
        PERCENT_FORMAT, "soliditet": PERCENT_FORMAT, "livslängd_år": "0.0", "weibullform": "0.0",
        "andel_kvar_av_livslängd": PERCENT_FORMAT, "invånare": "#,##0", "behovsindex": "0.0000",
        "platser_förändring": "#,##0", "från_år": "0", "till_år": "0", "period_år": "0",
        "kapacitet_platser": "#,##0", "största_underskott_platser": DECIMAL_FORMAT,
    })
    for name in doc.forecast.drivers.index:
        if str(name) not in formats:
            formats[str(name)] = KR_FORMAT if str(name).endswith("_kr") else "0.0000"
    return formats


def write_plan_workbook(doc: PlanDocument, path: str | Path) -> Path:
    """Write every table behind the document to ``path`` (.xlsx): one sheet each, frozen headers, kr as whole
    kronor, shares as per cent."""
    sheets = {name: _blank_empty_columns(df) for name, df in doc.sheets().items()}
    sheets["Drivare per år"] = _drivers_by_year(doc.forecast)
    return write_tables_xlsx(path, sheets, number_formats=workbook_number_formats(doc))


def _blank_empty_columns(df: pd.DataFrame) -> pd.DataFrame:
    """Columns without any value as empty text: :func:`write_tables_xlsx` sizes columns by their longest value."""
    empty = [c for c in df.columns if len(df) and df[c].isna().all()]
    return df.assign(**{str(c): "" for c in empty}) if empty else df


def _drivers_by_year(f: Forecast) -> pd.DataFrame:
    out = pd.DataFrame({"år": list(f.years)})
    for name in f.drivers.index:
        out[str(name)] = f.drivers.loc[name].to_numpy(dtype=float)
    return out
