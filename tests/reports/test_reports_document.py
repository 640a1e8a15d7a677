"""The plan document: a valid PDF with a table of contents, page numbers and the forecast's own numbers, and a
workbook that reopens with the same numbers.

One document is built for Exempelkommun (module fixture, about 5 s) with a fixed plan, a stand-in for the
optimiser's result and the Monte Carlo analysis computed by the document itself.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import numpy as np
import pandas as pd
import pytest

from hushall import __version__
from hushall.finance import forecast
from hushall.formatting import fmt_kr, fmt_mkr, fmt_number
from hushall.model import MunicipalityData
from hushall.needs import analyse_needs
from hushall.optimize.result import OptimizationResult
from hushall.reports import plan_tables as pt
from hushall.reports.document import (
    PlanDocument,
    data_fingerprint,
    plan_from_optimization,
    prepare_document,
    write_plan_document,
    year_ranges,
)

pypdf = pytest.importorskip("pypdf")
openpyxl = pytest.importorskip("openpyxl")

SCHEDULE = {"P-12": 2025, "P-03": 2025, "P-06": 2025, "P-14": 2026}
DATE = dt.date(2025, 3, 14)


def fake_optimization() -> OptimizationResult:
    """A result of :func:`hushall.optimize.optimize` (the real class) with a fixed plan and explanations, so the
    document's wording can be checked without solving."""
    return OptimizationResult(
        status="optimal",
        solver_status="Optimal",
        objective=12.5,
        bound=12.6,
        gap=0.008,
        schedule=pd.DataFrame({"project": list(SCHEDULE), "start_year": list(SCHEDULE.values()),
                               "in_use_year": [y + 2 for y in SCHEDULE.values()], "weighted_score": 0.5,
                               "maintenance_debt_avoided_kr": 0.0}),  # the optimiser's columns the pages read
        explanations={
            "binding_by_year": {2025: ["M1"], 2026: ["M1", "M6"]},
            "infeasibility": {"feasible": True, "violations": []},
            "projects": [{"project": "P-02", "status": "utelämnat", "earliest_start": 2027, "forced_start": 2027,
                          "breaks_if_added": [{"target": "M1", "year": 2028}, {"target": "M1", "year": 2029},
                                              {"target": "M2", "year": 2031}], "notes": []}],
        },
        ranking={"objective": 10.0, "meets_targets": False, "n_projects": 5,
                 "violations": [{"target": "M1", "year": 2025}]},
        ranking_objective=10.0,
        violations=[],
        timings={"total_s": 3.2},
        value_by_criterion={}, weights={}, weights_source="Mål", objective_parts={}, kr_per_point=float("nan"),
        targets=pd.DataFrame(),
    )


def norm(text: str) -> str:
    """Text as compared: no-break spaces as spaces, runs of whitespace as one space."""
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


def squeeze(text: str) -> str:
    """Text without any whitespace (table cells wrap over lines)."""
    return re.sub(r"\s+", "", text.replace("\u00a0", ""))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, example: MunicipalityData) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("plandokument")
    doc = prepare_document(example, optimization=fake_optimization(), date=DATE)
    pdf, xlsx = write_plan_document(doc, out)
    reader = pypdf.PdfReader(str(pdf))
    pages = [page.extract_text() or "" for page in reader.pages]
    return {"doc": doc, "pdf": pdf, "xlsx": xlsx, "reader": reader, "pages": pages}


def page_with(pages: list[str], heading: str, skip: int = 2) -> int:
    """1-based number of the first page after the table of contents whose text has ``heading`` on a line."""
    for i, text in enumerate(pages[skip:], start=skip + 1):
        if any(norm(line) == heading for line in text.splitlines()):
            return i
    raise AssertionError(f"{heading!r} not found")


def test_pdf_is_valid_with_title_and_pages(built: dict[str, Any]) -> None:
    reader = built["reader"]
    assert built["pdf"].read_bytes().startswith(b"%PDF-")
    assert 15 <= len(reader.pages) <= 45
    assert reader.metadata.title == "Investerings- och underhållsplan 2025–2054, Exempelkommun"
    first = norm(built["pages"][0])
    assert "Investerings- och underhållsplan 2025–2054" in first
    assert "Exempelkommun" in first


def test_every_page_is_numbered(built: dict[str, Any]) -> None:
    n = len(built["pages"])
    for i, text in enumerate(built["pages"], start=1):
        assert f"Sida {i} av {n}" in norm(text)


def test_table_of_contents_lists_chapters_with_their_pages(built: dict[str, Any]) -> None:
    pages = built["pages"]
    toc = norm(pages[1])
    assert "Innehåll" in toc
    chapters = ["1. Sammanfattning", "2. Behov", "3. Planen", "4. Ekonomi", "5. Risk", "6. Antaganden och källor"]
    for chapter in chapters:
        match = re.search(re.escape(chapter) + r" \.+ (\d+)", toc)
        assert match, chapter
        assert int(match.group(1)) == page_with(pages, chapter), chapter
    outline = [item.title for item in built["reader"].outline if not isinstance(item, list)]
    assert outline[: len(chapters)] == chapters


def test_summary_states_the_forecast_and_the_needs(built: dict[str, Any], example: MunicipalityData) -> None:
    doc: PlanDocument = built["doc"]
    fc = forecast(example, SCHEDULE)
    needs = analyse_needs(example)
    summary = norm(built["pages"][page_with(built["pages"], "1. Sammanfattning") - 1])
    first = fc.years[0]
    result = float(fc.income_statement.loc["årets_resultat", first])
    assert norm(f"Årets resultat {first}: {fmt_mkr(result)}") in summary
    assert norm(f"Underhållsskulden är {fmt_mkr(needs.maintenance_debt_kr)}") in summary
    per_inh = float(fc.ratios.loc["låneskuld_per_invånare", fc.years[-1]])
    assert norm(fmt_kr(per_inh)) in summary
    assert doc.forecast.income_statement.equals(fc.income_statement)  # the document's numbers are the forecast's


def test_statements_show_the_forecast_in_mkr(built: dict[str, Any], example: MunicipalityData) -> None:
    fc = forecast(example, SCHEDULE)
    pages = built["pages"]
    start = page_with(pages, "4.1 Resultaträkning")
    stop = page_with(pages, "4.2 Balansräkning")
    text = norm(" ".join(pages[start - 1: stop - 1]))
    for line in ("årets_resultat", "verksamhetens_kostnader", "skatteintäkter"):
        cells = " ".join(fmt_number(float(v) / 1e6, 1) for v in fc.income_statement.loc[line].iloc[:10])
        assert norm(f"{pt.statement_label(line)} {cells}") in text, line
    bs = norm(" ".join(pages[stop - 1: page_with(pages, "4.3 Kassaflödesanalys") - 1]))
    debt = fc.balance_sheet.loc["långfristiga_skulder"].iloc[:10]
    assert norm("Långfristiga skulder " + " ".join(fmt_number(float(v) / 1e6, 1) for v in debt)) in bs


def test_plan_chapter_has_the_projects_and_the_reasons(built: dict[str, Any]) -> None:
    pages = built["pages"]
    text = norm(" ".join(pages[page_with(pages, "3. Planen") - 1: page_with(pages, "4. Ekonomi") - 1]))
    for pid in SCHEDULE:
        assert pid in text
    assert "Optimerad plan" in text
    assert ("Läggs projektet till med start 2027 och resten av planen oförändrad bryts: resultatmålet (M1: "
            "resultat ≥ 1,0 %) år 2028–2029; målet för självfinansieringsgrad (M2: självfinansiering ≥ 60 %, 5 år) "
            "år 2031.") in text
    # a project the optimiser said nothing about has the plan page's reason, not a placeholder
    assert "Valdes inte. Inom målen och taken ger andra projekt mer nytta för pengarna." in text
    assert "Ingår inte i den angivna planen" not in text
    assert "Rangordning efter nytta per krona" in text
    assert ("(bindande): resultatmålet (M1: resultat ≥ 1,0 %) år 2025–2026; investeringstaket (M6: investeringar "
            "≤ 185 Mkr/år i 2024 års priser) år 2026. Fler eller tidigare projekt skulle bryta något av dem.") in text
    assert ("Rangordning efter nytta per krona ger 20,0 % mindre nytta än den optimerade planen och bryter "
            "resultatmålet (M1: resultat ≥ 1,0 %) år 2025.") in text
    assert "{" not in text and "'target'" not in text  # no raw records


def test_risk_chapter_has_the_monte_carlo_results(built: dict[str, Any]) -> None:
    pages = built["pages"]
    text = norm(" ".join(pages[page_with(pages, "5. Risk") - 1: page_with(pages, "6. Antaganden och källor") - 1]))
    assert "Sannolikheten att alla finansiella mål håller varje år 2025–2054" in text
    assert "Riskanalys saknas" not in text
    # a standard error of a probability is a difference of shares: percentage points, not per cent
    assert re.search(r"standardfel \d+,\d procentenheter", text), text[:2000]


def test_every_assumption_appears_with_its_source(built: dict[str, Any], example: MunicipalityData) -> None:
    doc: PlanDocument = built["doc"]
    pages = built["pages"]
    text = squeeze(" ".join(pages[page_with(pages, "6. Antaganden och källor") - 1:]))
    table = pt.assumption_sheet(example, doc.forecast)
    assert set(example.assumptions) <= set(table["parameter"])
    for row in table.itertuples(index=False):
        assert "_" not in row.benämning, row.parameter  # a name in words: nothing to wrap mid-word
        assert squeeze(row.benämning) in text, row.parameter
        assert squeeze(row.källa[:60]) in text, (row.parameter, row.källa)
    for source in example.finance["source"].dropna():
        assert squeeze(str(source)[:50]) in text
    for driver in doc.risk.drivers:  # the Monte Carlo's uncertainties and their sources
        assert squeeze(driver[3][:50]) in text
    assert squeeze(f"Hushåll-version {__version__}") in text
    assert squeeze(f"Dataversion {data_fingerprint(example)}") in text
    assert squeeze(f"Datum {DATE.isoformat()}") in text


def test_workbook_reopens_with_the_same_numbers(built: dict[str, Any], example: MunicipalityData) -> None:
    doc: PlanDocument = built["doc"]
    wb = openpyxl.load_workbook(built["xlsx"])
    expected = set(doc.sheets())
    assert expected <= set(wb.sheetnames)
    for name in wb.sheetnames:
        assert wb[name].freeze_panes == "A2", name
    ws = wb["Resultaträkning"]
    header = [c.value for c in ws[1]]
    rows = {r[0]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    fc = doc.forecast
    got = np.array(rows["Årets resultat"][1:], dtype=float)
    np.testing.assert_allclose(got, fc.income_statement.loc["årets_resultat"].to_numpy(dtype=float), rtol=0, atol=1e-6)
    assert header[1:] == [str(y) for y in fc.years]
    assert ws.cell(row=2, column=2).number_format == "#,##0"
    ratios = wb["Nyckeltal"]
    col = [c.value for c in ratios[1]].index("soliditet") + 1
    assert ratios.cell(row=2, column=col).number_format == "0.0%"
    np.testing.assert_allclose(ratios.cell(row=2, column=col).value, fc.ratios.loc["soliditet"].iloc[0], atol=1e-12)
    plan = pd.read_excel(built["xlsx"], sheet_name="Planens projekt", engine="openpyxl")
    assert dict(zip(plan["projekt_id"], plan["startår"], strict=True)) == SCHEDULE
    assumptions = pd.read_excel(built["xlsx"], sheet_name="Antaganden", engine="openpyxl")
    assert set(example.assumptions) <= set(assumptions["parameter"])
    assert assumptions["källa"].notna().all()


def test_the_workbooks_risk_sheets_read_in_swedish_with_shares_as_per_cent(built: dict[str, Any]) -> None:
    """Before, the risk sheets had English headers (probability, standard_error) and showed a probability of
    0,734 as "0,7" (one decimal): now "sannolikhet" in per cent."""
    wb = openpyxl.load_workbook(built["xlsx"])
    risk = [name for name in wb.sheetnames if name.startswith("Risk")]
    assert risk
    english = {"probability", "standard_error", "target_id", "year", "mean", "outcome", "driver", "label", "swing",
               "variance_share", "baseline", "value", "line", "key", "kind"}
    for name in risk:
        header = [c.value for c in wb[name][1]]
        assert not english & set(header), (name, header)
        assert wb[name].max_row > 1, name  # no sheet of a header alone (the target margins' quantiles, not asked)
    ws = wb["Risk sannolikheter"]
    header = [c.value for c in ws[1]]
    for column in ("sannolikhet", "standardfel"):
        cell = ws.cell(row=2, column=header.index(column) + 1)
        assert cell.number_format == "0.0%" and 0 <= cell.value <= 1


def test_plan_from_optimization_reads_a_result(example: MunicipalityData) -> None:
    plan = plan_from_optimization(example, fake_optimization())
    assert dict(plan.schedule) == SCHEDULE
    assert plan.reasons_out["P-02"].startswith("Valdes inte. Läggs projektet till med start 2027")
    assert plan.comparison is not None
    assert list(plan.comparison["antal_projekt"]) == [len(SCHEDULE), 5]
    assert ("Högst så mycket bättre kan en annan plan vara (optimalitetsgap)", "0,80\u00a0%") in plan.facts
    assert ("Status", "Bästa möjliga plan (inom angivet gap).") in plan.facts


def test_year_ranges() -> None:
    assert year_ranges([]) == ""
    assert year_ranges([2030, 2028, 2029, 2040]) == "2028–2030 och 2040"
    assert year_ranges([2030, 2028, 2029, 2040, 2042, 2043]) == "2028–2030, 2040 och 2042–2043"


def test_data_fingerprint_is_stable(example: MunicipalityData) -> None:
    assert data_fingerprint(example) == data_fingerprint(example)
    changed = example.replace(name="Annan kommun")
    assert data_fingerprint(changed) != data_fingerprint(example)


def test_an_empty_plan_without_risk(example: MunicipalityData) -> None:
    doc = prepare_document(example, schedule={}, risk=None, date=DATE)
    assert not len(doc.plan_table)
    assert len(doc.left_out) == len(example.projects)
    assert doc.risk.paragraphs == [] and not doc.risk.tables
    assert doc.debt_with_kr is not None
    np.testing.assert_allclose(doc.debt_with_kr, doc.debt_without_kr)  # nothing renewed: the same debt


def test_the_map_is_in_the_needs_and_plan_chapters(built: dict[str, Any]) -> None:
    """Section 2.4 holds the map without the plan; the plan chapter the map with the plan's projects. Both are the
    document layout of :mod:`hushall.reports.map` (620 px wide, rendered at the maps' scale)."""
    from hushall.reports.document.maps import MAP_SCALE
    from hushall.reports.map import TALL

    pages, reader = built["pages"], built["reader"]
    needs_page = page_with(pages, "2.4 Karta: var platserna saknas och anläggningarnas skick")
    plan_page = next(i for i, text in enumerate(pages, start=1) if "Planens nya, utbyggda och avvecklade" in text)
    assert needs_page < page_with(pages, "3. Planen") <= plan_page
    for number in (needs_page, plan_page):
        widths = [img.image.width for img in reader.pages[number - 1].images]
        assert int(TALL.width * MAP_SCALE) in widths, number


@pytest.fixture
def laid_out(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The titles of the charts Vega lays out from now on (an empty chart cache to start from)."""
    from hushall.reports import charts

    seen: list[str] = []
    engine = charts.converter()

    class Counting:
        def vegalite_to_svg(self, spec: dict[str, Any], **kwargs: Any) -> str:
            seen.append(str(spec.get("title")))
            return str(engine.vegalite_to_svg(spec, **kwargs))

        def __getattr__(self, name: str) -> Any:
            return getattr(engine, name)

    monkeypatch.setattr(charts, "converter", Counting)
    monkeypatch.setattr(charts, "_CHART_CACHE", {})
    return seen


def test_charts_rendered_ahead_are_the_documents_own(built: dict[str, Any], example: MunicipalityData,
                                                     tmp_path: Any, laid_out: list[str]) -> None:
    """``render_plan_independent_charts`` (run while the optimiser solves, issue 14) lays out the very charts the
    PDF draws — renewal, places and planned against built — so the PDF then finds them in the cache and lays out
    only the others."""
    from hushall.reports.document import render_plan_independent_charts, render_plan_pdf

    render_plan_independent_charts(example.replace(), built["doc"].needs)
    ahead = list(laid_out)
    assert len(ahead) == 3
    laid_out.clear()
    render_plan_pdf(built["doc"], tmp_path / "plandokument.pdf")
    assert laid_out  # the plan's own charts are laid out now
    assert not set(ahead) & set(laid_out)  # a chart changed in the document (not the one ahead) would be here


def test_the_needs_map_rasterised_ahead_is_the_documents_own(built: dict[str, Any], example: MunicipalityData,
                                                             tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The needs map (section 2.4) depends only on the data, so ``render_plan_independent_charts`` rasterises it
    while the optimiser solves and the PDF finds it drawn; the plan's map is drawn with the PDF."""
    from hushall.reports import charts
    from hushall.reports.document import render_plan_independent_charts, render_plan_pdf

    maps: list[str] = []
    engine = charts.converter()

    class Counting:
        def svg_to_png(self, svg: str, **kwargs: Any) -> bytes:
            if "Platser och anläggningar" in svg:
                maps.append("needs")
            elif "Planens projekt och platserna" in svg:
                maps.append("plan")
            return bytes(engine.svg_to_png(svg, **kwargs))

        def __getattr__(self, name: str) -> Any:
            return getattr(engine, name)

    monkeypatch.setattr(charts, "converter", Counting)
    monkeypatch.setattr(charts, "_CHART_CACHE", {})
    render_plan_independent_charts(example.replace(), built["doc"].needs)
    assert maps == ["needs"]
    maps.clear()
    render_plan_pdf(built["doc"], tmp_path / "plandokument.pdf")
    assert maps == ["plan"]  # the needs map found in the cache: the very SVG the document draws


def test_the_plan_dependent_charts_are_every_other_chart_of_the_document(
        built: dict[str, Any], example: MunicipalityData, tmp_path: Any, laid_out: list[str]) -> None:
    """``plan_dependent_charts`` (drawn ahead by ``hushall report`` while its child lays out the pages before them,
    issue 14) are the very charts the PDF draws that do not depend on the data alone: with both rendered ahead the
    PDF lays out no chart of its own, so none is drawn twice and none is missed."""
    from hushall.reports.document import (
        plan_dependent_charts,
        render_plan_independent_charts,
        render_plan_pdf,
    )
    from hushall.reports.document.layout import render_ahead

    render_plan_independent_charts(example.replace(), built["doc"].needs)
    dependent = plan_dependent_charts(built["doc"])
    render_ahead(dependent)
    assert len(laid_out) == 3 + len(dependent) and len(dependent) >= 6  # summary, debt, plan ×2, targets, risk
    laid_out.clear()
    render_plan_pdf(built["doc"], tmp_path / "plandokument.pdf")
    assert laid_out == []
