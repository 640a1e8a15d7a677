"""The needs analysis as files: a workbook, CSV files and charts with Swedish headings.

Presentation only: the numbers come from :class:`hushall.needs.NeedsResult`; here they are renamed, pivoted to
one column per category and written.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from hushall.model import MunicipalityData
from hushall.needs import NeedsResult
from hushall.reports.charts import capacity_chart, maintenance_debt_chart, renewal_chart, save_chart_files
from hushall.reports.excel import (
    DECIMAL_FORMAT,
    EXCEL_MAX_ROWS,
    PERCENT_FORMAT,
    slugify,
    write_tables_csv,
    write_tables_xlsx,
)
from hushall.reports.labels import category_label, ordered_categories

SHEET_RENEWAL = "Förnyelse per år"
SHEET_RENEWAL_COMPONENTS = "Förnyelse per komponent"
SHEET_EXPECTED = "Förväntad förnyelse (Weibull)"
SHEET_DEBT = "Underhållsskuld"
SHEET_CAPACITY = "Kapacitet"
SHEET_CAPACITY_TOTAL = "Kapacitet totalt"
SHEET_READINESS = "Reservkraft"
SHEET_COMPONENTS = "Komponentstatus"

#: Number formats of the needs workbook beyond the defaults (``*_kr`` whole kronor, ``år`` plain).
NUMBER_FORMATS: dict[str, str] = {
    "täckningsgrad": PERCENT_FORMAT,
    "beläggningsgrad": PERCENT_FORMAT,
    "andel_kvar_av_livslängd": PERCENT_FORMAT,
    "befolkning_i_åldersgruppen": DECIMAL_FORMAT,
    "livslängd_år": "0.0",
    "effektiv_ålder_år": "0.0",
    "weibullform": "0.0",
}


def _by_year_category(df: pd.DataFrame, total: pd.DataFrame) -> pd.DataFrame:
    """Year × category (long) to one row per year and one column per category, plus totals."""
    categories = ordered_categories(df["category"])
    wide = df.pivot_table(index="year", columns="category", values="amount_kr", aggfunc="sum", observed=True)
    wide = wide.reindex(columns=categories, fill_value=0.0).reindex(total["year"].to_numpy(), fill_value=0.0)
    out = pd.DataFrame({"år": total["year"].to_numpy()})
    for c in categories:
        out[f"{category_label(c).lower().replace(' ', '_')}_kr"] = wide[c].to_numpy()
    out["summa_kr"] = total["amount_kr"].to_numpy()
    out["summa_löpande_priser_kr"] = total["amount_nominal_kr"].to_numpy()
    return out


def needs_sheets(result: NeedsResult, data: MunicipalityData) -> dict[str, pd.DataFrame]:
    """The tables of the needs analysis with Swedish sheet names and headers, in workbook order.

    Amounts ``*_kr`` are in the prices of the price base year unless the header says ``löpande_priser``.
    """
    facility_names = dict(zip(data.facilities["facility_id"].astype(str), data.facilities["name"].astype(str),
                              strict=True))
    district_names = dict(zip(data.districts["district_id"].astype(str), data.districts["name"].astype(str),
                              strict=True))
    service_names = dict(zip(data.services["service_id"].astype(str), data.services["name"].astype(str),
                             strict=True))

    renewal = _by_year_category(result.renewal_by_year_category, result.renewal_by_year)
    backlog = result.renewal_by_component[result.renewal_by_component["backlog"]]
    renewal.insert(
        len(renewal.columns) - 2,
        "varav_underhållsskuld_kr",
        renewal["år"].map(backlog.groupby("year")["amount_kr"].sum()).fillna(0.0).to_numpy(dtype=float),
    )

    rc = result.renewal_by_component
    by_component = pd.DataFrame(
        {
            "år": rc["year"],
            "komponent_id": rc["component_id"],
            "anläggning_id": rc["facility_id"],
            "anläggning": rc["facility_id"].map(facility_names),
            "område_id": rc["district_id"],
            "kategori": rc["category"],
            "typ": rc["component_type"],
            "belopp_kr": rc["amount_kr"],
            "belopp_löpande_priser_kr": rc["amount_nominal_kr"],
            "underhållsskuld": rc["backlog"],
        }
    )

    cs = result.components
    components = pd.DataFrame(
        {
            "komponent_id": cs["component_id"],
            "anläggning_id": cs["facility_id"],
            "anläggning": cs["facility_id"].map(facility_names),
            "område_id": cs["district_id"],
            "kategori": cs["category"],
            "typ": cs["component_type"],
            "värde_kr": cs["value_kr"],
            "livslängd_år": cs["lifetime_years"],
            "senast_förnyad_år": cs["last_renewed_year"],
            "skick": cs["condition"],
            "andel_kvar_av_livslängd": cs["remaining_life_fraction"],
            "första_förnyelse_år": cs["first_due_year"],
            "eftersatt": cs["overdue"],
            "effektiv_ålder_år": cs["effective_age_years"],
            "weibullform": cs["weibull_shape"],
        }
    )

    cap = result.capacity
    capacity = pd.DataFrame(
        {
            "område_id": cap["district_id"],
            "område": cap["district_id"].map(district_names),
            "tjänst_id": cap["service_id"],
            "tjänst": cap["service_id"].map(service_names),
            "år": cap["year"],
            "befolkning_i_åldersgruppen": cap["population_in_band"],
            "täckningsgrad": cap["coverage"],
            "efterfrågan_platser": cap["demand"],
            "kapacitet_platser": cap["capacity"],
            "överskott_platser": cap["surplus"],
            "underskott_platser": cap["deficit"],
            "beläggningsgrad": cap["utilisation"],
        }
    )
    tot = result.capacity_totals
    capacity_total = pd.DataFrame(
        {
            "tjänst_id": tot["service_id"],
            "tjänst": tot["service_id"].map(service_names),
            "år": tot["year"],
            "befolkning_i_åldersgruppen": tot["population_in_band"],
            "efterfrågan_platser": tot["demand"],
            "kapacitet_platser": tot["capacity"],
            "överskott_platser": tot["surplus"],
            "underskott_platser": tot["deficit"],
            "underskott_summa_områden_platser": tot["deficit_districts"],
            "beläggningsgrad": tot["utilisation"],
        }
    )
    rd = result.readiness
    readiness = pd.DataFrame(
        {
            "anläggning_id": rd["facility_id"],
            "namn": rd["name"],
            "område_id": rd["district_id"],
            "kategori": rd["category"],
            "tjänst_id": rd["service_id"],
            "kapacitet_platser": rd["capacity_places"],
            "kritisk_vid_elavbrott": rd["critical_in_power_cut"],
            "reservkraft": rd["backup_power"],
        }
    )
    return {
        SHEET_RENEWAL: renewal,
        SHEET_RENEWAL_COMPONENTS: by_component,
        SHEET_EXPECTED: _by_year_category(result.renewal_expected_by_year_category, result.renewal_expected_by_year),
        SHEET_DEBT: _by_year_category(result.maintenance_debt_by_year_category, result.maintenance_debt_by_year),
        SHEET_CAPACITY: capacity,
        SHEET_CAPACITY_TOTAL: capacity_total,
        SHEET_READINESS: readiness,
        SHEET_COMPONENTS: components,
    }


#: Chart files of the needs analysis: stem → chart function.
CHARTS = ("fornyelse", "underhallsskuld", "kapacitet")


def write_needs_outputs(result: NeedsResult, data: MunicipalityData, out_dir: str | Path) -> list[Path]:
    """Write ``behov.xlsx``, one CSV per sheet and the charts (PNG and SVG) to ``out_dir``.

    A table too long for an Excel sheet is left out of the workbook (a note takes its place) and written as CSV
    only.

    Returns
    -------
    list of pathlib.Path
        Every file written.
    """
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    sheets = needs_sheets(result, data)
    in_workbook = {
        name: df if len(df) < EXCEL_MAX_ROWS else pd.DataFrame(
            {"anmärkning": [f"Tabellen har {len(df)} rader, fler än ett Excel-blad rymmer. Se {slugify(name)}.csv."]}
        )
        for name, df in sheets.items()
    }
    written = [write_tables_xlsx(folder / "behov.xlsx", in_workbook, number_formats=NUMBER_FORMATS)]
    written += write_tables_csv(folder, sheets)
    charts = {
        "fornyelse": renewal_chart(result),
        "underhallsskuld": maintenance_debt_chart(result),
        "kapacitet": capacity_chart(result, data),
    }
    for stem, chart in charts.items():
        written += save_chart_files(chart, folder / stem)
    return written
