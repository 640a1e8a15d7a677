"""What the plan document shows, selected once from a plan study (:class:`PlanDocument`): the study itself comes
from :func:`hushall.study.run_study`; this module only selects, sums and labels."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any

import numpy as np
import pandas as pd

from hushall import __version__
from hushall.data.schema import CRITERIA, CRITERION_LABELS
from hushall.finance import Forecast
from hushall.finance.verdict import Verdict
from hushall.model import MunicipalityData
from hushall.needs import NeedsResult
from hushall.needs.reinvestment import reinvestment_path
from hushall.optimize.result import OptimizationResult
from hushall.reports import plan_tables as pt
from hushall.reports.document.layout import kr_cell, mkr_cell, pct_cell, summary_years
from hushall.reports.document.plan import PlanChoice, plan_of_study
from hushall.reports.document.risk import RiskSection, risk_section
from hushall.reports.forecast import asset_sheet, project_investment_kr
from hushall.reports.labels import category_label, ordered_categories
from hushall.reports.needs import (
    SHEET_CAPACITY,
    SHEET_CAPACITY_TOTAL,
    SHEET_DEBT,
    SHEET_RENEWAL,
    needs_sheets,
)
from hushall.reports.verdict import reinvestment_text
from hushall.study.request import DEFAULT_DRAWS, PlanRequest
from hushall.study.study import PlanStudy, run_study

AUTO = "auto"


def data_fingerprint(data: MunicipalityData) -> str:
    """A short fingerprint of the data (SHA-256 of every table and parameter): the data version when no
    version number is given. Same data, same fingerprint."""
    h = hashlib.sha256()
    for name in ("districts", "population", "services", "facilities", "components", "projects", "finance",
                 "targets"):
        df: pd.DataFrame = getattr(data, name)
        h.update(name.encode())
        h.update(",".join(map(str, df.columns)).encode())
        if len(df):
            h.update(pd.util.hash_pandas_object(df.astype(str), index=False).to_numpy().tobytes())
    for name, p in sorted(data.assumptions.items()):
        h.update(f"{name}={sorted(p.values.items())}".encode())
    h.update(f"{data.name}|{data.code}|{data.base_year}|{data.horizon_years}|{data.price_base_year}".encode())
    return h.hexdigest()[:12]


def source_name(source: str | None) -> str:
    r"""The data source as a document names it: the file's (or folder's) name alone — never a path, which says
    where Hushåll happens to be installed and means nothing to a reader.

    Examples
    --------
    >>> source_name("/opt/venv/lib/hushall/examples/exempelkommun.xlsx"), source_name("dataversion 1")
    ('exempelkommun.xlsx', 'dataversion 1')
    >>> source_name(None), source_name(r"C:\Underlag\kommun.xlsx")
    ('–', 'kommun.xlsx')
    """
    if not source:
        return "–"
    return PureWindowsPath(source).name if "\\" in source else PurePosixPath(source).name or source


@dataclass(frozen=True)
class Priorities:
    """The politicians' priorities as the study used them: ``weights`` (criterion in words, weight), the
    investment ``frame`` and the ``debt_target`` as (limit, from year, to year) rows of sheet Mål (kr a year in
    fixed prices; kr per inhabitant), the base year's tax rate (per cent) and the tax path's steps (year, change
    against the year before in percentage points; 1 öre = 0,01 procentenheter)."""

    weights: list[tuple[str, float]]
    frame: list[tuple[float, int | None, int | None]]
    debt_target: list[tuple[float, int | None, int | None]]
    base_tax_rate_pct: float
    tax_steps_pp: list[tuple[int, float]]


@dataclass
class PlanDocument:
    """Everything the PDF and the workbook show, computed once."""

    data: MunicipalityData
    needs: NeedsResult
    forecast: Forecast
    plan: PlanChoice
    risk: RiskSection
    title: str
    date: dt.date
    data_version: str
    investments: pd.DataFrame
    plan_table: pd.DataFrame
    left_out: pd.DataFrame
    targets: pd.DataFrame
    target_summary: pd.DataFrame
    assumptions: pd.DataFrame
    debt_without_kr: np.ndarray
    debt_with_kr: np.ndarray
    verdict: Verdict
    frontier: Any = None  # the price of each choice (hushall.study.frontier.Frontier), chapter priorities.py

    @property
    def years(self) -> list[int]:
        return list(self.forecast.years)

    def reinvestment_texts(self, short: bool = False) -> tuple[str, str]:
        """``(with the plan, without its projects)``: the reinvestment each maintenance-debt line runs under, in
        words (:func:`hushall.reports.verdict.reinvestment_text`) — the optimiser's decisions for the plan when it
        made them; without the plan's projects there is nothing to decide, so the data's policy."""
        data_policy = reinvestment_text(reinvestment_path(self.data).policy, short)
        with_plan = data_policy if self.verdict.assets is None else reinvestment_text(self.verdict.assets.policy,
                                                                                        short)
        return with_plan, data_policy

    def sheets(self) -> dict[str, pd.DataFrame]:
        """Every table behind the document, one sheet each, in document order."""
        d, f = self.data, self.forecast
        needs = needs_sheets(self.needs, d)
        debt = pd.DataFrame({"år": self.years, "utan_planen_kr": self.debt_without_kr,
                             "med_planen_kr": self.debt_with_kr})
        sheets: dict[str, pd.DataFrame] = {
            "Om dokumentet": pd.DataFrame(self.meta(), columns=["uppgift", "värde"]),
            "Nyckeltal i sammanfattning": self.key_figures_sheet(),
            "Måluppfyllelse": self.target_summary,
            "Förnyelse per kategori": self.renewal_by_category(),
            "Förnyelse per år": needs[SHEET_RENEWAL],
            "Underhållsskuld": debt,
            "Underhållsskuld per kategori": needs[SHEET_DEBT],
            "Platser per område": needs[SHEET_CAPACITY],
            "Platser i hela kommunen": needs[SHEET_CAPACITY_TOTAL],
            "Underskott platser": self.capacity_shortfalls(),
            "Planens projekt": self.plan_table,
            "Utgifter per år och projekt": pt.investment_year_sheet(self.investments, d, self.years),
            "Ej med i planen": self.left_out,
            "Resultaträkning": pt.statement_sheet(f.income_statement),
            "Balansräkning": pt.statement_sheet(f.balance_sheet),
            "Kassaflödesanalys": pt.statement_sheet(f.cash_flow),
            "Reinvestering och pensioner": asset_sheet(f, d.price_base_year),
            "Nyckeltal": pt.ratio_sheet(f),
            "Mål per år": self.targets,
            "Drivare per år": pt.statement_sheet(f.drivers).rename(columns={"post": "drivare"}),
            "Antaganden": self.assumptions,
            "Finansiella mål (Mål)": pt.target_definition_sheet(d),
            "Tjänster": pt.service_sheet(d),
            "Livslängder": pt.lifetime_sheet(),
            "Skick och livslängd": pt.condition_sheet(),
            "Basårets ekonomi": pt.base_year_sheet(d),
        }
        if self.plan.comparison is not None and len(self.plan.comparison):
            sheets["Jämförelse med rangordning"] = self.plan.comparison
        if self.plan.marginal is not None and len(self.plan.marginal):
            sheets["Värdet av mer utrymme"] = self.plan.marginal
        for name, df in self.risk.sheets.items():
            sheets.setdefault(name[:31], df)
        return sheets

    def meta(self) -> list[tuple[str, str]]:
        d = self.data
        return [
            ("Dokument", self.title),
            ("Kommun", f"{d.name} ({d.code})"),
            ("Plan", self.plan.label),
            ("Hur planen togs fram", self.plan.method),
            ("Planperiod", f"{self.years[0]}–{self.years[-1]}"),
            ("Basår", str(d.base_year)),
            ("Prisbasår", str(d.price_base_year)),
            ("Dataversion", self.data_version),
            ("Datakälla", source_name(d.source)),
            ("Datum", self.date.isoformat()),
            ("Hushåll-version", __version__),
        ]

    # --- derived tables (selection and sums of the stages' numbers) ---------------------------------------

    def priorities(self) -> Priorities:
        """The politicians' priorities the study ran under (page Prioritera, :mod:`hushall.study.settings`), read
        back from the data and the forecast: nothing is recomputed."""
        t = self.data.targets
        w = t[t["target_type"] == "kriterievikt"]
        weights = [(CRITERION_LABELS[c], float(w.loc[w["criterion"] == c, "limit"].iloc[0]))
                   for c in CRITERIA if (w["criterion"] == c).any()]

        def limits(kind: str) -> list[tuple[float, int | None, int | None]]:
            rows = t[t["target_type"] == kind]
            return [(float(r.limit), None if pd.isna(r.from_year) else int(r.from_year),
                     None if pd.isna(r.to_year) else int(r.to_year)) for r in rows.itertuples(index=False)]

        change = self.forecast.drivers.loc["skattesats"].to_numpy(dtype=float)
        steps = [(y, float(change[i] - (change[i - 1] if i else 0.0))) for i, y in enumerate(self.years)
                 if abs(change[i] - (change[i - 1] if i else 0.0)) > 1e-9]
        return Priorities(weights=weights, frame=limits("investeringstak_kr"),
                          debt_target=limits("låneskuld_per_invånare"),
                          base_tax_rate_pct=float(np.asarray(self.forecast.inputs.base_tax_rate_pct, float).ravel()[0]),
                          tax_steps_pp=steps)

    def summary_years(self) -> list[int]:
        return summary_years(self.years)

    def key_figures(self) -> list[tuple[str, str, Callable[[float], str], np.ndarray]]:
        """(label, unit, formatter, values per plan year) of the summary's key figures."""
        f = self.forecast
        mkr = mkr_cell
        rows: list[tuple[str, str, Callable[[float], str], np.ndarray]] = [
            ("Investeringar", "Mkr", mkr,
             -f.cash_flow.loc["investering_materiella_anläggningstillgångar"].to_numpy(dtype=float)),
            ("Årets resultat", "Mkr", mkr, f.income_statement.loc["årets_resultat"].to_numpy(dtype=float)),
            ("Resultat i % av skatter och bidrag", "%", pct_cell,
             f.ratios.loc["resultat_andel_av_skatter_och_bidrag"].to_numpy(dtype=float)),
            ("Låneskuld", "Mkr", mkr, f.balance_sheet.loc["långfristiga_skulder"].to_numpy(dtype=float)),
            ("Låneskuld per invånare", "kr", kr_cell, f.ratios.loc["låneskuld_per_invånare"].to_numpy(dtype=float)),
            ("Soliditet", "%", pct_cell, f.ratios.loc["soliditet"].to_numpy(dtype=float)),
        ]
        pby = self.data.price_base_year
        rows.insert(1, ("  varav reinvesteringar", "Mkr", mkr, np.asarray(f.statements["reinvesteringar"], float)))
        rows.insert(1, ("  varav projekt", "Mkr", mkr, project_investment_kr(f)))
        rows.append((f"Underhållsskuld, {pby} års priser", "Mkr", mkr,
                     np.asarray(f.statements["underhållsskuld_fasta_priser"], dtype=float)))
        return rows

    def key_figures_sheet(self) -> pd.DataFrame:
        out = pd.DataFrame({"år": self.years})
        for label, unit, _, values in self.key_figures():
            header = (f"{label.strip().lower()}_kr" if unit in ("Mkr", "kr")
                      else label.lower().replace(" i % av", "_andel_av"))
            out[header] = values
        return out

    def renewal_by_category(self) -> pd.DataFrame:
        n = self.needs
        by_cat = n.renewal_by_year_category.groupby("category", observed=True)["amount_kr"].sum()
        debt_now = n.maintenance_debt_by_year_category
        debt_now = debt_now[debt_now["year"] == n.base_year].groupby("category", observed=True)["amount_kr"].sum()
        expected = n.renewal_expected_by_year_category.groupby("category", observed=True)["amount_kr"].sum()
        cats = ordered_categories(set(by_cat.index) | set(debt_now.index))
        rows: list[dict[str, Any]] = [{
            "kategori": category_label(c),
            "underhållsskuld_nu_kr": float(debt_now.get(c, 0.0)),
            "förnyelsebehov_planperioden_kr": float(by_cat.get(c, 0.0)),
            "per_år_kr": float(by_cat.get(c, 0.0)) / len(n.years),
            "förväntat_weibull_kr": float(expected.get(c, 0.0)),
        } for c in cats]
        total = {
            "kategori": "Summa",
            **{k: float(sum(float(r[k]) for r in rows)) for k in (
                "underhållsskuld_nu_kr", "förnyelsebehov_planperioden_kr", "per_år_kr", "förväntat_weibull_kr")},
        }
        return pd.DataFrame([*rows, total])

    def capacity_shortfalls(self) -> pd.DataFrame:
        """Per district (and the whole municipality) and service with a deficit: the largest deficit, its year
        and the first year short of places (districts: only where they have places today)."""
        d, n = self.data, self.needs
        districts = dict(zip(d.districts["district_id"].astype(str), d.districts["name"].astype(str), strict=True))
        services = dict(zip(d.services["service_id"].astype(str), d.services["name"].astype(str), strict=True))
        rows = []
        frames = [("Hela kommunen", n.capacity_totals.assign(district_id="*"))]
        frames += [(districts.get(str(k), str(k)), g) for k, g in n.capacity.groupby("district_id", sort=False)]
        for district, frame in frames:
            for service, g in frame.groupby("service_id", sort=False):
                g = g.sort_values("year")
                if district != "Hela kommunen" and float(g["capacity"].max()) <= 0:
                    continue
                short = g[g["deficit"] > 0.5]
                if not len(short):
                    continue
                worst = short.loc[short["deficit"].idxmax()]
                rows.append({
                    "område": district,
                    "tjänst": services.get(str(service), str(service)),
                    "kapacitet_platser": float(g["capacity"].iloc[0]),
                    "största_underskott_platser": float(worst["deficit"]),
                    "år_största_underskott": int(worst["year"]),
                    "första_år_med_underskott": int(short["year"].iloc[0]),
                    "efterfrågan_sista_året": float(g["demand"].iloc[-1]),
                })
        return pd.DataFrame(rows, columns=["område", "tjänst", "kapacitet_platser", "största_underskott_platser",
                                           "år_största_underskott", "första_år_med_underskott",
                                           "efterfrågan_sista_året"])


def study_request(schedule: Mapping[str, int] | None = None, optimization: OptimizationResult | None = None,
                  risk: Any = AUTO) -> PlanRequest:
    """The study the document's shorthand asks for: ``schedule`` (a plan chosen elsewhere), else the optimiser's
    result ``optimization``, else the committed projects; ``risk="auto"`` the Monte Carlo analysis with the
    study's default draws, ``None`` none, a Monte Carlo result of that plan as it is."""
    if isinstance(risk, str) and risk == AUTO:
        draws = DEFAULT_DRAWS
    else:
        draws = 0 if risk is None else int(risk.n_draws)
    if schedule is not None:
        return PlanRequest(source="schedule", schedule=dict(schedule), draws=draws)
    return PlanRequest(source="optimised" if optimization is not None else "committed", draws=draws)


def prepare_document(
    data: MunicipalityData,
    schedule: Mapping[str, int] | None = None,
    optimization: OptimizationResult | None = None,
    risk: Any = AUTO,
    *,
    data_version: str | None = None,
    date: dt.date | None = None,
) -> PlanDocument:
    """Run the study for the plan (:func:`hushall.study.run_study`, see :func:`study_request`) and collect what the
    document shows (no files written)."""
    montecarlo = None if risk is None or isinstance(risk, str) else risk
    study = run_study(data, study_request(schedule, optimization, risk), optimization=optimization,
                      montecarlo=montecarlo)
    return document_of_study(data, study, data_version=data_version, date=date)


def document_of_study(data: MunicipalityData, study: PlanStudy, *, data_version: str | None = None,
                      date: dt.date | None = None) -> PlanDocument:
    """What the document shows of a plan study (no files written; nothing computed but selections and sums).

    Raises
    ------
    hushall.errors.HushallError
        When the study has no forecast (the data's own error, e.g. sheet Ekonomi empty).
    """
    fc = study.require_forecast()
    plan = plan_of_study(data, study)
    investments = study.investments
    targets = pt.target_rows(fc, data)
    years = list(fc.years)
    return PlanDocument(
        data=data,
        needs=study.needs,
        forecast=fc,
        plan=plan,
        risk=risk_section(study, years, summary_years(years), int(data.price_base_year)),
        title=f"Investerings- och underhållsplan {years[0]}–{years[-1]}",
        date=date or dt.date.today(),
        data_version=data_version or data_fingerprint(data),
        investments=investments,
        plan_table=pt.plan_sheet(data, plan.schedule, investments, plan.reasons_in, study.consequences),
        left_out=pt.left_out_sheet(data, plan.schedule, plan.reasons_out, plan.default_reason_out),
        targets=targets,
        target_summary=pt.target_summary(targets),
        assumptions=pt.assumption_sheet(data, fc),
        # one maintenance debt: the forecast's (reinvestment policy + the plan's projects), against the policy alone
        debt_without_kr=np.asarray(study.debt_without_kr, dtype=float),
        debt_with_kr=np.asarray(fc.statements["underhållsskuld_fasta_priser"], dtype=float),
        verdict=study.verdict,
        frontier=study.frontier,
    )
