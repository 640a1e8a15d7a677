"""Interface language and number formatting.

Swedish is the interface language; English is selectable. Texts are written in Swedish in the templates and
code, ``_("Översikt")``; :data:`ENGLISH` translates them. A text without a translation is shown in Swedish.

Numbers follow the language: Swedish ``1 234,5 Mkr`` (no-break space, decimal comma, minus sign −) through
:mod:`hushall.reports.formatting`; English ``1,234.5 MSEK``.

Examples
--------
>>> translate("Översikt", "en"), translate("Översikt", "sv")
('Overview', 'Översikt')
>>> mkr(126_000_000, "sv"), mkr(126_000_000, "en")
('126,0\\xa0Mkr', '126.0\\xa0MSEK')
"""

from __future__ import annotations

import math
from typing import Any

from hushall.reports.formatting import MINUS, NBSP, fmt_number

LANGUAGES: dict[str, str] = {"sv": "Svenska", "en": "English"}
LANG_COOKIE = "hushall_lang"


def translate(text: str, lang: str, **values: Any) -> str:
    out = ENGLISH.get(text, text) if lang == "en" else text
    return out.format(**values) if values else out


def number(x: float | None, lang: str, decimals: int = 0) -> str:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "–"
    if lang == "en":
        return f"{float(x):,.{decimals}f}".replace("-", MINUS)
    return fmt_number(float(x), decimals)


def kr(x: float | None, lang: str) -> str:
    return f"{number(x, lang)}{NBSP}{'SEK' if lang == 'en' else 'kr'}"


def tkr(x: float | None, lang: str, decimals: int = 0) -> str:
    return f"{number(None if x is None else float(x) / 1e3, lang, decimals)}{NBSP}{'kSEK' if lang == 'en' else 'tkr'}"


def mkr(x: float | None, lang: str, decimals: int = 1) -> str:
    return f"{number(None if x is None else float(x) / 1e6, lang, decimals)}{NBSP}{'MSEK' if lang == 'en' else 'Mkr'}"


def pct(x: float | None, lang: str, decimals: int = 1) -> str:
    return f"{number(None if x is None else float(x) * 100, lang, decimals)}{NBSP}%"


ENGLISH: dict[str, str] = {
    # navigation and frame
    "Översikt": "Overview",
    "Data": "Data",
    "Behov": "Needs",
    "Ekonomi": "Finances",
    "Planer": "Plans",
    "Rapport": "Report",
    "Administration": "Administration",
    "Användare": "Users",
    "Händelselogg": "Audit log",
    "Hoppa till innehållet": "Skip to content",
    "Huvudmeny": "Main menu",
    "Språk": "Language",
    "Byt språk": "Change language",
    "Logga in": "Log in",
    "Logga ut": "Log out",
    "Inloggad som": "Signed in as",
    "Användarnamn": "User name",
    "Lösenord": "Password",
    "Fel användarnamn eller lösenord.": "Wrong user name or password.",
    "För många misslyckade inloggningar. Försök igen om en stund.":
        "Too many failed logins. Try again in a while.",
    "Långsiktig planering av kommunens anläggningstillgångar":
        "Long-term planning of the municipality's fixed assets",
    "API-dokumentation": "API documentation",
    "roll": "role",
    "administratör": "administrator",
    "planerare": "planner",
    "läsare": "reader",
    # common
    "Spara": "Save",
    "Avbryt": "Cancel",
    "Visa": "Show",
    "Jämför": "Compare",
    "År": "Year",
    "Totalt": "Total",
    "Namn": "Name",
    "Status": "Status",
    "Skapad": "Created",
    "Skapad av": "Created by",
    "Ändrad": "Changed",
    "Kommentar": "Comment",
    "Ladda ner": "Download",
    "Nästa sida": "Next page",
    "Föregående sida": "Previous page",
    "Sida {page} av {pages}": "Page {page} of {pages}",
    "rader": "rows",
    "Inga data ännu": "No data yet",
    "Ladda upp en arbetsbok under Data, eller starta med exemplet: hushall serve --demo.":
        "Upload a workbook under Data, or start with the example: hushall serve --demo.",
    "Visa siffrorna": "Show the figures",
    "uppfyllt": "met",
    "ej uppfyllt": "not met",
    "Mål": "Target",
    "Dataversion": "Data version",
    "Sidan finns inte.": "The page does not exist.",
    "Du saknar behörighet för det här.": "You are not allowed to do this.",
    "Formuläret har gått ut. Ladda om sidan och försök igen.":
        "The form has expired. Reload the page and try again.",
    "Något gick fel i Hushåll. Felet är loggat; försök igen eller kontakta administratören.":
        "Something went wrong in Hushåll. The error is logged; try again or contact the administrator.",
    "Fel": "Error",
    # overview
    "Befolkning per åldersgrupp": "Population by age group",
    "Nyckeltal mot mål": "Key ratios against targets",
    "Underhållsskuld": "Maintenance debt",
    "Platser som saknas och tomma platser": "Places short and empty",
    "Invånare": "Inhabitants",
    "Underhållsskuld nu": "Maintenance debt now",
    "Saknade platser": "Places short",
    "Tomma platser": "Empty places",
    "Tjänst": "Service",
    "Område": "District",
    "Nyckeltal": "Ratio",
    "Plan": "Plan",
    "Nollalternativ (inga projekt)": "Baseline (no projects)",
    "Ekonomimodellen är inte installerad ännu.": "The financial model is not installed yet.",
    "Underskott i något område": "Short in some district",
    # data
    "Ladda ner mallen": "Download the template",
    "Tom Excel-mall med förklaringar och rullistor.": "Empty Excel template with explanations and drop-downs.",
    "Ladda upp data": "Upload data",
    "Fil (.xlsx eller .csv)": "File (.xlsx or .csv)",
    "En arbetsbok (.xlsx) eller en eller flera CSV-filer som heter som flikarna (t.ex. Anläggningar.csv). "
    "CSV-filer ersätter flikarna med samma namn i den senaste versionen.":
        "One workbook (.xlsx) or one or more CSV files named like the sheets (e.g. Anläggningar.csv). CSV files "
        "replace the sheets of the same name in the latest version.",
    "Ladda upp och kontrollera": "Upload and check",
    "Dataversioner": "Data versions",
    "Version": "Version",
    "Fil": "File",
    "Innehåll": "Contents",
    "Uppladdningen sparades inte": "The upload was not stored",
    "{n} problem hittades. Inget har sparats; rätta filen och ladda upp den igen.":
        "{n} problems found. Nothing has been stored; correct the file and upload it again.",
    "Flik": "Sheet",
    "Rad": "Row",
    "Kolumn": "Column",
    "Värde": "Value",
    "poäng": "points",
    "gap": "gap",
    "Planen i siffror": "The plan in figures",
    "Optimering (MILP med HiGHS)": "Optimisation (MILP with HiGHS)",
    "Låneskuld per invånare": "Debt per inhabitant",
    "Soliditet": "Equity ratio",
    "Problem": "Problem",
    "Kod": "Code",
    "Sparad som version {n}.": "Stored as version {n}.",
    "Jämför versioner": "Compare versions",
    "Från": "From",
    "Till": "To",
    "Tillagda rader": "Rows added",
    "Borttagna rader": "Rows removed",
    "Ändrade rader": "Rows changed",
    "Inga skillnader.": "No differences.",
    "Ladda ner som Excel": "Download as Excel",
    "Tabeller": "Tables",
    "Den senaste versionen används på alla sidor.": "The latest version is used on every page.",
    "Ändringar": "Changes",
    # needs
    "Förnyelsebehov per år": "Renewal need per year",
    "Underhållsskuld över tid": "Maintenance debt over time",
    "Kapacitet och efterfrågan": "Capacity and demand",
    "Karta över områdena": "Map of the districts",
    "Samhällsviktiga anläggningar utan reservkraft": "Critical facilities without backup power",
    "Anläggning": "Facility",
    "Kategori": "Category",
    "Platser": "Places",
    "Alla samhällsviktiga anläggningar har reservkraft.": "Every critical facility has backup power.",
    "Underskott {year}": "Shortfall {year}",
    "Efterfrågan": "Demand",
    "Kapacitet": "Capacity",
    "Cirkelns yta visar invånare; röd cirkel betyder att platser saknas.":
        "Circle area shows inhabitants; a red circle means places are short.",
    # finance
    "Resultaträkning": "Income statement",
    "Balansräkning": "Balance sheet",
    "Kassaflödesanalys": "Cash flow statement",
    "Finansiella nyckeltal": "Financial ratios",
    "Välj plan": "Choose plan",
    # plans
    "Planvarianter": "Plan variants",
    "Ny planvariant": "New plan variant",
    "Skapa planvariant": "Create plan variant",
    "Beskrivning": "Description",
    "Finansiella mål och tak": "Financial targets and ceilings",
    "Kriterievikter": "Criteria weights",
    "Projekt som måste genomföras": "Projects that must be done",
    "Utkast": "Draft",
    "Beslutad": "Decided",
    "utkast": "draft",
    "beslutad": "decided",
    "Redigera": "Edit",
    "Besluta": "Decide",
    "Markera som beslutad": "Mark as decided",
    "Kör optimeringen": "Run the optimiser",
    "Optimering": "Optimisation",
    "I kö": "Queued",
    "Körs": "Running",
    "Klar": "Done",
    "Misslyckades": "Failed",
    "Avbruten": "Interrupted",
    "Resultat": "Result",
    "Förklaringar": "Explanations",
    "Valda projekt": "Chosen projects",
    "Startår": "Start year",
    "Kostnad": "Cost",
    "Projekt": "Project",
    "Jämför planvarianter": "Compare plan variants",
    "Välj 2–4 varianter att jämföra.": "Choose 2–4 variants to compare.",
    "Investeringar per år": "Investments per year",
    "Årets resultat": "Result for the year",
    "Låneskuld": "Debt",
    "Någon annan har ändrat planvarianten medan du redigerade. Dina ändringar har inte sparats; "
    "ladda om och gör om dem.":
        "Someone else changed the plan variant while you were editing. Your changes have not been saved; "
        "reload and make them again.",
    "En beslutad variant ändras aldrig. Sparar du skapas version {n}.":
        "A decided variant is never changed. Saving creates version {n}.",
    "Ingen optimering har körts för den här versionen av varianten.":
        "No optimisation has been run for this version of the variant.",
    # report
    "Planen som Excel": "The plan as Excel",
    "Plandokument (PDF)": "Plan document (PDF)",
    "PDF-plandokumentet finns inte i den här installationen ännu.":
        "The PDF plan document is not available in this installation yet.",
    # admin
    "Ny användare": "New user",
    "Visningsnamn": "Display name",
    "Roll": "Role",
    "Aktiv": "Active",
    "Lägg till": "Add",
    "Nytt lösenord": "New password",
    "Tidpunkt": "Time",
    "Vem": "Who",
    "Händelse": "Event",
    "Objekt": "Object",
    "Detaljer": "Details",
}
