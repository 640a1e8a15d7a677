"""The one description of every table a municipality brings.

Each table is a sheet of the workbook (or a CSV file of the same name in a folder). Each column is described
once — internal name, Swedish header, type, unit, whether it is required, default, description and an example —
and the validation (:mod:`hushall.data.validate`), the Excel template (:mod:`hushall.data.template`) and the
table documentation (``docs/data.md``, :func:`markdown_docs`) are generated from this description, as PyPSA
generates its component attributes from ``component_attrs/*.csv``.

Headers are Swedish (what officials see); internal column names are English (what the code uses).

Examples
--------
>>> TABLES["facilities"].sheet
'Anläggningar'
>>> TABLES["facilities"].column("year_built").header
'byggår'
>>> sorted(c.name for c in TABLES["districts"].columns)
['district_id', 'lat', 'lon', 'name']
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from hushall.data import defaults, target_types

DType = Literal["str", "int", "float", "bool", "enum"]

#: Component types with their Swedish names. Buildings have parts; linear assets (pipes, streets) are
#: one component per segment.
COMPONENT_TYPES: tuple[str, ...] = (
    "stomme",
    "tak",
    "fasad",
    "fönster",
    "vvs",
    "el",
    "ventilation",
    "ytskikt",
    "hiss",
    "mark",
    "va_ledning",
    "gata",
    "övrigt",
)

FACILITY_CATEGORIES: tuple[str, ...] = (
    "förskola",
    "grundskola",
    "gymnasium",
    "säbo",
    "idrott",
    "kultur",
    "förvaltning",
    "va",
    "gata",
    "övrigt",
)

PROJECT_TYPES: tuple[str, ...] = (
    "reinvestering",
    "ombyggnad",
    "tillbyggnad",
    "nybyggnad",
    "avveckling",
    "försäljning",
    "konvertering",
)

#: Criteria on which projects are scored (0–5) and the council weights in ``Mål``.
CRITERIA: tuple[str, ...] = ("lagkrav", "kapacitet", "skick", "energi", "beredskap", "politik")

#: The criteria in prose (reports, the web and the reasons of :mod:`hushall.study.changes`).
CRITERION_LABELS: dict[str, str] = {
    "lagkrav": "Lagkrav och säkerhet",
    "kapacitet": "Kapacitetsbehov",
    "skick": "Skick och underhållsskuld",
    "energi": "Energi och klimat",
    "beredskap": "Beredskap",
    "politik": "Politisk prioritet",
}

#: The types of sheet Mål (column ``typ``): the keys of the registry :data:`hushall.data.target_types.TARGET_TYPES`.
TARGET_TYPES: tuple[str, ...] = tuple(target_types.TARGET_TYPES)

#: Lines of the base-year statements in sheet ``Ekonomi`` (kr; costs negative as in the annual report).
FINANCE_ITEMS: tuple[str, ...] = (
    "verksamhetens_intäkter",
    "verksamhetens_kostnader",
    "avskrivningar",
    "skatteintäkter",
    "generella_statsbidrag",
    "finansiella_intäkter",
    "finansiella_kostnader",
    "materiella_anläggningstillgångar",
    "finansiella_anläggningstillgångar",
    "omsättningstillgångar",
    "likvida_medel",
    "eget_kapital",
    "resultatreserv",
    "avsättningar_pensioner",
    "långfristiga_skulder",
    "kortfristiga_skulder",
    "ansvarsförbindelse_pensioner",
)
#: Lines of sheet ``Ekonomi`` that may be left out (0 when absent): as printed in many annual reports.
OPTIONAL_FINANCE_ITEMS: tuple[str, ...] = (
    "immateriella_anläggningstillgångar",
    "övriga_avsättningar",
    "jämförelsestörande_poster",
)

#: Year-keyed drivers of the financial plan (sheet ``Antaganden``), in the order of the defaults' ``assumptions``
#: (:mod:`hushall.data.defaults`, which give each its unit and source).
ASSUMPTION_PARAMETERS: tuple[str, ...] = defaults.assumption_names()


@dataclass(frozen=True)
class ColumnSpec:
    """One column of one table."""

    name: str
    header: str
    dtype: DType
    description: str
    unit: str = ""
    required: bool = True
    default: Any = None
    example: Any = None
    choices: tuple[str, ...] = ()
    min: float | None = None
    max: float | None = None
    references: str | None = None  # "table.column" this column must match (foreign key)
    max_length: int | None = None  # longest text accepted; None = by kind (:func:`text_limit`)


@dataclass(frozen=True)
class TableSpec:
    """One sheet of the workbook."""

    key: str
    sheet: str
    description: str
    columns: tuple[ColumnSpec, ...]
    primary_key: tuple[str, ...] = ()
    required: bool = True
    single_row: bool = False
    issue: str = "1/3"
    extra: dict[str, Any] = field(default_factory=dict)

    def column(self, name: str) -> ColumnSpec:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    @property
    def headers(self) -> dict[str, str]:
        """Swedish header → internal name."""
        return {c.header: c.name for c in self.columns}

    @property
    def names(self) -> dict[str, str]:
        """Internal name → Swedish header."""
        return {c.name: c.header for c in self.columns}


def _c(name: str, header: str, dtype: DType, description: str, **kw: Any) -> ColumnSpec:
    return ColumnSpec(name=name, header=header, dtype=dtype, description=description, **kw)


#: Longest text accepted in a cell, by kind of column: a code, a name, any other text (sources, descriptions,
#: lists). Longer text is almost always a paste gone wrong, and it would flood tables, charts and the plan document.
ID_MAX_CHARS = 64
NAME_MAX_CHARS = 200
TEXT_MAX_CHARS = 2000


def text_limit(col: ColumnSpec) -> int:
    """The longest text accepted in column ``col``.

    >>> text_limit(FACILITIES.column("facility_id")), text_limit(FACILITIES.column("name"))
    (64, 200)
    """
    if col.max_length is not None:
        return col.max_length
    if col.references or col.name.endswith("_id") or col.name in ("code", "exclusive_group"):
        return ID_MAX_CHARS
    if col.name in ("name", "scenario"):
        return NAME_MAX_CHARS
    return TEXT_MAX_CHARS


YEAR = {"min": 1800, "max": 2200}

MUNICIPALITY = TableSpec(
    key="municipality",
    sheet="Kommun",
    description="Kommunen och planens ramar. Exakt en rad.",
    single_row=True,
    columns=(
        _c("name", "namn", "str", "Kommunens namn.", example="Exempelkommun"),
        _c("code", "kommunkod", "str", "Fyrsiffrig kommunkod (SCB).", example="0884"),
        _c("base_year", "basår", "int", "Senaste bokslutsår; prognosen börjar året efter.", unit="år",
           example=2024, **YEAR),
        _c("horizon_years", "planeringshorisont_år", "int", "Antal år planen omfattar (10–50).", unit="år",
           example=30, min=10, max=50),
        _c("price_base_year", "prisbasår", "int", "År vars prisnivå alla belopp anges i.", unit="år",
           example=2024, **YEAR),
    ),
)

DISTRICTS = TableSpec(
    key="districts",
    sheet="Områden",
    description="Kommunens planeringsområden (t.ex. centralort och landsbygdsområden).",
    primary_key=("district_id",),
    columns=(
        _c("district_id", "område_id", "str", "Unik kod för området.", example="C"),
        _c("name", "namn", "str", "Områdets namn.", example="Centralorten"),
        _c("lat", "latitud", "float", "Områdets mittpunkt, latitud (WGS84).", unit="grader", required=False,
           min=55.0, max=69.5, example=57.666),
        _c("lon", "longitud", "float", "Områdets mittpunkt, longitud (WGS84).", unit="grader", required=False,
           min=10.5, max=24.5, example=15.855),
    ),
)

POPULATION = TableSpec(
    key="population",
    sheet="Befolkning",
    description=(
        "Befolkningsprognos per område, ålder (ettårsklass eller åldersintervall) och år. Intervall inom samma "
        "område och år får inte överlappa."
    ),
    primary_key=("district_id", "age_from", "year"),
    columns=(
        _c("district_id", "område_id", "str", "Område.", references="districts.district_id", example="C"),
        _c("age_from", "ålder_från", "int", "Lägsta ålder i klassen.", unit="år", min=0, max=120, example=0),
        _c("age_to", "ålder_till", "int", "Högsta ålder i klassen (samma som ålder_från för ettårsklass).",
           unit="år", min=0, max=120, example=0),
        _c("year", "år", "int", "Prognosår (31 december).", unit="år", example=2025, **YEAR),
        _c("count", "antal", "float", "Antal invånare.", unit="personer", min=0, example=123),
    ),
)

SERVICES = TableSpec(
    key="services",
    sheet="Tjänster",
    description=(
        "Verksamheter med platser och den åldersgrupp de betjänar. Efterfrågan = befolkning i åldersgruppen × "
        "täckningsgrad."
    ),
    primary_key=("service_id",),
    columns=(
        _c("service_id", "tjänst_id", "str", "Unik kod för verksamheten.", example="forskola"),
        _c("name", "namn", "str", "Verksamhetens namn.", example="Förskola"),
        _c("age_from", "ålder_från", "int", "Lägsta ålder som betjänas.", unit="år", min=0, max=120, example=1),
        _c("age_to", "ålder_till", "int", "Högsta ålder som betjänas (120 = och äldre).", unit="år", min=0,
           max=120, example=5),
        _c("coverage", "täckningsgrad", "float", "Andel av åldersgruppen som använder en plats.", unit="andel",
           min=0, max=1.5, example=0.85),
        _c("max_distance_km", "max_avstånd_km", "float", "Längsta rimliga avstånd till en plats.", unit="km",
           required=False, min=0, example=10.0),
        _c("critical_in_power_cut", "kritisk_vid_elavbrott", "bool",
           "Om verksamheten måste fungera vid ett långvarigt elavbrott.", required=False, default=False,
           example="ja"),
        _c("source", "källa", "str", "Källa till täckningsgraden.", required=False, default="",
           example="Skolverket 2023"),
    ),
)

FACILITIES = TableSpec(
    key="facilities",
    sheet="Anläggningar",
    description="Kommunens anläggningar: byggnader samt ledningsnät och gator (linjära anläggningar).",
    primary_key=("facility_id",),
    columns=(
        _c("facility_id", "anläggning_id", "str", "Unik kod för anläggningen.", example="F-C-01"),
        _c("name", "namn", "str", "Anläggningens namn.", example="Centralskolan"),
        _c("district_id", "område_id", "str", "Område där anläggningen ligger.",
           references="districts.district_id", example="C"),
        _c("category", "kategori", "enum", "Slag av anläggning (för redovisning per kategori).",
           choices=FACILITY_CATEGORIES, example="grundskola"),
        _c("service_id", "tjänst_id", "str", "Verksamhet med platser (tomt för anläggningar utan platser).",
           required=False, references="services.service_id", default="", example="grundskola_f6"),
        _c("capacity_places", "kapacitet_platser", "float", "Antal platser.", unit="platser", required=False,
           default=0.0, min=0, example=320),
        _c("area_m2", "yta_m2", "float", "Bruttoarea (BTA).", unit="m²", required=False, default=0.0, min=0,
           example=4200),
        _c("year_built", "byggår", "int", "År anläggningen byggdes.", unit="år", example=1968, **YEAR),
        _c("replacement_value_kr", "återanskaffningsvärde_kr", "float",
           "Vad det skulle kosta att bygga anläggningen i dag (i prisbasårets priser).", unit="kr", min=0,
           example=126_000_000),
        _c("condition", "skick", "int", "Samlat skick 1–5 (1 = mycket gott, 5 = uttjänt).", required=False,
           min=1, max=5, example=3),
        _c("backup_power", "reservkraft", "bool", "Finns reservkraft?", required=False, default=False,
           example="nej"),
        _c("critical_in_power_cut", "kritisk_vid_elavbrott", "bool",
           "Måste anläggningen fungera vid elavbrott? Tomt = enligt verksamheten.", required=False, example="ja"),
        _c("tenure", "ägd_inhyrd", "enum", "Ägd av kommunen eller inhyrd.", choices=("ägd", "inhyrd"),
           required=False, default="ägd", example="ägd"),
        _c("operating_cost_kr", "driftkostnad_kr_år", "float",
           "Årlig driftkostnad för lokalen (uppvärmning, el, skötsel, hyra).", unit="kr/år", required=False,
           min=0, example=3_400_000),
        _c("lat", "latitud", "float", "Latitud (WGS84); tomt = områdets mittpunkt.", unit="grader",
           required=False, min=55.0, max=69.5, example=57.667),
        _c("lon", "longitud", "float", "Longitud (WGS84); tomt = områdets mittpunkt.", unit="grader",
           required=False, min=10.5, max=24.5, example=15.857),
    ),
)

COMPONENTS = TableSpec(
    key="components",
    sheet="Komponenter",
    description=(
        "Anläggningarnas komponenter. Ange antingen andel av anläggningens återanskaffningsvärde eller eget "
        "värde. Tom livslängd = standardlivslängd för komponenttypen."
    ),
    primary_key=("component_id",),
    columns=(
        _c("component_id", "komponent_id", "str", "Unik kod för komponenten.", example="F-C-01-tak"),
        _c("facility_id", "anläggning_id", "str", "Anläggning komponenten tillhör.",
           references="facilities.facility_id", example="F-C-01"),
        _c("component_type", "typ", "enum", "Komponenttyp.", choices=COMPONENT_TYPES, example="tak"),
        _c("value_share", "andel_av_värde", "float", "Andel av anläggningens återanskaffningsvärde.",
           unit="andel", required=False, min=0, max=1, example=0.08),
        _c("value_kr", "värde_kr", "float", "Komponentens eget återanskaffningsvärde (går före andelen).",
           unit="kr", required=False, min=0, example=None),
        _c("lifetime_years", "livslängd_år", "float", "Teknisk livslängd; tom = standard för typen.",
           unit="år", required=False, min=1, max=200, example=40),
        _c("last_renewed_year", "senast_förnyad_år", "int", "År komponenten senast byttes eller byggdes (ger också dess bokförda värde och "
           "avskrivningar).",
           unit="år", example=1968, **YEAR),
        _c("condition", "skick", "int", "Skick 1–5 vid senaste besiktning (1 = mycket gott, 5 = uttjänt).",
           required=False, min=1, max=5, example=4),
        _c("length_m", "längd_m", "float", "Längd för ledningar och gator.", unit="m", required=False, min=0,
           example=None),
    ),
)

PROJECTS = TableSpec(
    key="projects",
    sheet="Projekt",
    description="Investeringsäskanden från förvaltningarna (kandidatprojekt till optimeringen).",
    primary_key=("project_id",),
    required=False,
    issue="3/3",
    columns=(
        _c("project_id", "projekt_id", "str", "Unik kod för projektet.", example="P-001"),
        _c("name", "namn", "str", "Projektets namn.", example="Nytt SÄBO i centralorten"),
        _c("project_type", "typ", "enum", "Slag av projekt.", choices=PROJECT_TYPES, example="nybyggnad"),
        _c("facility_id", "anläggning_id", "str", "Berörd anläggning (tomt för nybyggnad).", required=False,
           default="", references="facilities.facility_id", example=""),
        _c("district_id", "område_id", "str", "Område.", references="districts.district_id", example="C"),
        _c("service_id", "tjänst_id", "str", "Verksamhet vars platser ändras.", required=False, default="",
           references="services.service_id", example="sabo"),
        _c("cost_kr", "kostnad_kr", "float", "Total utgift i prisbasårets priser.", unit="kr", min=0,
           example=180_000_000),
        _c("duration_years", "byggtid_år", "int", "Antal år utgiften fördelas på.", unit="år", min=1, max=10,
           default=1, example=2),
        _c("cash_profile", "kassaprofil", "str",
           "Andel av utgiften per byggår, semikolonseparerad (t.ex. 0,4;0,6). Tom = jämnt.", required=False,
           default="", example="0,4;0,6"),
        _c("earliest_start", "tidigast_start", "int", "Tidigaste startår.", unit="år", required=False,
           example=2026, **YEAR),
        _c("latest_start", "senast_start", "int", "Senaste startår.", unit="år", required=False, example=2032,
           **YEAR),
        _c("places_change", "platser_förändring", "float", "Platser som tillkommer (+) eller försvinner (−).",
           unit="platser", required=False, default=0.0, example=60),
        _c("area_m2", "yta_m2", "float", "Ny eller berörd yta.", unit="m²", required=False, default=0.0, min=0,
           example=4800),
        _c("sale_proceeds_kr", "försäljningspris_kr", "float",
           "Köpeskilling vid försäljning (typ försäljning), i prisbasårets priser; kommer in det år projektet är klart. "
           "Pris minus anläggningens bokförda värde (dess komponenter) är realisationsvinst eller -förlust; "
           "realisationsvinster räknas bort i balanskravsresultatet.",
           unit="kr", required=False, default=0.0, min=0, example=0),
        _c("operating_cost_change_kr", "driftkonsekvens_kr_år",
           "float", "Förändrad årlig driftkostnad när projektet är klart (+ ökning, − besparing).",
           unit="kr/år", required=False, default=0.0, example=2_500_000),
        _c("component_split", "komponentfördelning", "str",
           "Fördelning på komponenter för avskrivning, t.ex. stomme:0,5;tak:0,1;vvs:0,4. Tom = standard.",
           required=False, default="", example=""),
        _c("renews_components", "förnyar_komponenter", "str",
           "Komponenter (id eller typ) som projektet förnyar, semikolonseparerade. Tom = alla vid ombyggnad.",
           required=False, default="", example=""),
        _c("replaces_facilities", "ersätter_anläggningar", "str",
           "Anläggningar (anläggning_id, semikolonseparerade) som projektet ersätter: de tas ur bruk när "
           "projektet är klart: deras underhållsskuld försvinner från det året, och vid reinvestering efter behov "
           "även deras förnyelse (reinvesteringar och avskrivningar på dem).",
           required=False, default="", example=""),
        *(
            _c(f"score_{k}", f"poäng_{k}", "float", f"Poäng 0–5 på kriteriet {k}.", required=False,
               default=0.0, min=0, max=5, example=3)
            for k in CRITERIA
        ),
        _c("must_do", "måste", "bool", "Redan beslutat eller lagkrav: ska genomföras.", required=False,
           default=False, example="nej"),
        _c("fixed_start", "fast_startår", "int", "Låst startår.", unit="år", required=False, example=None,
           **YEAR),
        _c("depends_on", "beroende_av", "str", "Projekt som måste vara klart först (projekt_id).",
           required=False, default="", references="projects.project_id", example=""),
        _c("exclusive_group", "alternativgrupp", "str",
           "Projekt med samma alternativgrupp utesluter varandra (högst ett väljs).", required=False, default="",
           example=""),
        _c("committee", "nämnd", "str",
           "Ansvarig nämnd (tomt = nämnden i fliken Utfall); räknas mot nämndens leveranstak i fliken Mål.",
           required=False, default="", example=""),
    ),
)

FINANCE = TableSpec(
    key="finance",
    sheet="Ekonomi",
    description=(
        "Basårets bokslut (kommunen, inte koncernen) i kr. Kostnader anges negativa, som i årsredovisningen."
    ),
    primary_key=("item",),
    required=False,
    issue="2/3",
    columns=(
        _c("item", "post", "enum", "Post i resultat- eller balansräkningen.",
           choices=(*FINANCE_ITEMS, *OPTIONAL_FINANCE_ITEMS),
           example="skatteintäkter"),
        _c("amount_kr", "belopp_kr", "float", "Belopp i kr.", unit="kr", example=890_000_000),
        _c("source", "källa", "str", "Var beloppet kommer ifrån.", required=False, default="",
           example="Årsredovisning 2024, s. 54"),
    ),
)

ASSUMPTIONS = TableSpec(
    key="assumptions",
    sheet="Antaganden",
    description=(
        "Antaganden för den långsiktiga prognosen. Ett värde gäller från sitt år tills nästa rad för samma "
        "parameter. Parametrar som saknas får standardvärden med angiven källa."
    ),
    primary_key=("parameter", "from_year"),
    required=False,
    issue="2/3",
    columns=(
        _c("parameter", "parameter", "enum", "Antagandets namn.", choices=ASSUMPTION_PARAMETERS,
           example="ränta"),
        _c("from_year", "från_år", "int", "Första år värdet gäller.", unit="år", example=2025, **YEAR),
        _c("value", "värde", "float", "Värde (andelar som decimaltal, t.ex. 0,03).", example=0.03),
        _c("source", "källa", "str", "Källa.", required=False, default="", example="Kommuninvest 2024"),
    ),
)

TARGETS = TableSpec(
    key="targets",
    sheet="Mål",
    description=(
        "Finansiella mål för god ekonomisk hushållning, mål för underhållsskulden, tak för genomförande och "
        "kriterievikter. Underhållsskulden (prisbasårets priser): underhållsskuld_kr = högst gränsen i kr; "
        "underhållsskuld_växer_inte = högst basårets skuld × (1 + gräns), gräns 0 betyder att skulden inte får "
        "växa; reinvestering_andel_av_behov = reinvesteringarna minst gränsen (andel) av förnyelsebehovet över "
        "perioden. Källor: Kommuninvest (2021) Klarar vi underhållsskulden?; SKR (2021) Underhållsskuld i "
        "kommunernas fastigheter."
    ),
    primary_key=("target_id",),
    required=False,
    issue="2/3",
    columns=(
        _c("target_id", "mål_id", "str", "Unik kod för målet.", example="M1"),
        _c("target_type", "typ", "enum", "Slag av mål.", choices=TARGET_TYPES, example="resultat_andel"),
        _c("limit", "gräns", "float",
           "Gränsvärde (andelar som decimaltal, belopp i kr, vikt för kriterievikt; för underhållsskuld_växer_inte "
           "den tillåtna ökningen mot basåret som andel).", example=0.02),
        _c("period_years", "period_år", "int", "1 = varje år; n = i genomsnitt över rullande n år.",
           unit="år", required=False, default=1, min=1, max=10, example=1),
        _c("from_year", "från_år", "int", "Första år målet gäller (tomt = hela planen).", unit="år",
           required=False, example=None, **YEAR),
        _c("to_year", "till_år", "int", "Sista år målet gäller (tomt = hela planen).", unit="år",
           required=False, example=None, **YEAR),
        _c("criterion", "kriterium", "enum", "Kriterium (endast för typ kriterievikt).",
           choices=CRITERIA, required=False, default="", example=""),
        _c("committee", "nämnd", "str", "Nämnd (endast för typ leveranstak_nämnd_kr).", required=False,
           default="", example=""),
    ),
)

SCENARIO_PARAMETERS: tuple[str, ...] = (*ASSUMPTION_PARAMETERS, "befolkning", "befolkning_tillväxt",
                                         "projektkostnad")

SCENARIOS = TableSpec(
    key="scenarios",
    sheet="Scenarier",
    description=(
        "Namngivna scenarier: små ändringar av antagandena. Rader med samma scenario bildar ett scenario "
        "(läses av 'hushall scenarios')."
    ),
    required=False,
    issue="scenarier",
    columns=(
        _c("scenario", "scenario", "str", "Scenariots namn.", example="Hög ränta"),
        _c("description", "beskrivning", "str", "Vad scenariot beskriver.", required=False, default="",
           example="Räntan 2 procentenheter högre från 2027"),
        _c("parameter", "parameter", "enum", "Antagande som ändras.", choices=SCENARIO_PARAMETERS,
           example="ränta"),
        _c("from_year", "från_år", "int", "Första år (tomt = första planåret).", unit="år", required=False,
           example=2027, **YEAR),
        _c("to_year", "till_år", "int", "Sista år (tomt = planens slut).", unit="år", required=False,
           example=None, **YEAR),
        _c("value", "värde", "float", "Värde eller förändring, enligt sätt.", example=0.02),
        _c("mode", "sätt", "enum", "sätt = ersätt, lägg_till = addera, multiplicera = gånger värdet.",
           choices=("sätt", "lägg_till", "multiplicera"), required=False, default="sätt",
           example="lägg_till"),
        _c("source", "källa", "str", "Källa eller motivering.", required=False, default="",
           example="Riksbanken, räntebana 2024"),
    ),
)

#: Status of an investment project at the end of a year (sheet ``Utfall``).
OUTCOME_STATUSES: tuple[str, ...] = ("ej_påbörjat", "pågående", "avslutat")

OUTCOMES = TableSpec(
    key="outcomes",
    sheet="Utfall",
    description=(
        "Investeringsredovisningens utfall per projekt och år till och med basåret (RKR R14): årets budget, "
        "utfall, beslutad totalutgift och prognos. Används för uppföljningen ('hushall uppfölj') och för att "
        "mäta genomförandegrad och kostnadsavvikelse."
    ),
    primary_key=("project_id", "year"),
    required=False,
    issue="uppföljning",
    columns=(
        _c("project_id", "projekt_id", "str",
           "Projektets kod (samma som i fliken Projekt om projektet finns där; avslutade projekt behöver inte "
           "finnas där).", example="P-12"),
        _c("name", "namn", "str", "Projektets namn (tomt = namnet i fliken Projekt).", required=False,
           default="", example="Ny förskola Solängen"),
        _c("year", "år", "int", "Räkenskapsår (till och med basåret).", unit="år", example=2024, **YEAR),
        _c("budget_kr", "budget_kr", "float",
           "Årets ursprungliga investeringsbudget för projektet enligt fullmäktiges budgetbeslut.", unit="kr",
           min=0, example=15_000_000),
        _c("carried_over_kr", "ombudgeterat_kr", "float",
           "Beslutad ombudgetering från föregående år (tomt = föregående års ej förbrukade budget).", unit="kr",
           required=False, min=0, example=None),
        _c("outcome_kr", "utfall_kr", "float", "Årets utgift (utfall) för projektet.", unit="kr",
           example=9_800_000),
        _c("decided_total_kr", "beslutad_totalutgift_kr", "float",
           "Beslutad totalutgift för hela projektet vid årets slut (RKR R14).", unit="kr", min=0,
           example=38_000_000),
        _c("forecast_total_kr", "prognos_totalutgift_kr", "float",
           "Prognos för projektets totalutgift vid årets slut (RKR R14); för avslutat projekt = verklig "
           "totalutgift.", unit="kr", min=0, example=40_200_000),
        _c("status", "status", "enum", "Projektets läge vid årets slut.", choices=OUTCOME_STATUSES,
           example="pågående"),
        _c("planned_completion_year", "planerat_klart_år", "int",
           "År projektet skulle bli klart enligt beslutet.", unit="år", required=False, example=2023, **YEAR),
        _c("forecast_completion_year", "prognos_klart_år", "int",
           "År projektet beräknas bli klart (avslutat: året det blev klart; tomt = planerat).", unit="år",
           required=False, example=2024, **YEAR),
        _c("committee", "nämnd", "str", "Ansvarig nämnd.", required=False, default="",
           example="Barn- och utbildningsnämnden"),
        _c("project_type", "typ", "enum", "Slag av projekt (tomt = typen i fliken Projekt).",
           choices=PROJECT_TYPES, required=False, default="", example="nybyggnad"),
    ),
)

#: All tables, in the order they appear in the workbook.
TABLES: dict[str, TableSpec] = {
    t.key: t
    for t in (
        MUNICIPALITY,
        DISTRICTS,
        POPULATION,
        SERVICES,
        FACILITIES,
        COMPONENTS,
        PROJECTS,
        FINANCE,
        ASSUMPTIONS,
        TARGETS,
        SCENARIOS,
        OUTCOMES,
    )
}

SHEETS: dict[str, str] = {t.sheet: t.key for t in TABLES.values()}


def markdown_docs() -> str:
    """Render the table documentation (``docs/data.md``) from the one description.

    Examples
    --------
    >>> "| `byggår` |" in markdown_docs()
    True
    """
    out = [
        "# Indata: arbetsbokens flikar",
        "",
        "Genererad från `hushall.data.schema` (`hushall docs-data`). Varje flik kan också vara en CSV-fil med",
        "samma namn (t.ex. `Anläggningar.csv`) i en mapp. Decimaltal får skrivas med komma eller punkt;",
        "ja/nej-kolumner tar `ja`/`nej` (även `1`/`0`, `true`/`false`).",
        "",
    ]
    for t in TABLES.values():
        req = "obligatorisk" if t.required else "frivillig"
        out += [f"## {t.sheet} ({req})", "", t.description, ""]
        if t.primary_key:
            out += [f"Nyckel: {', '.join('`' + t.names[k] + '`' for k in t.primary_key)}.", ""]
        out += ["| kolumn | typ | enhet | krävs | standard | beskrivning |", "|---|---|---|---|---|---|"]
        for c in t.columns:
            typ = c.dtype if c.dtype != "enum" else "en av: " + ", ".join(c.choices)
            default = "" if c.default in (None, "") else str(c.default)
            out.append(
                f"| `{c.header}` | {typ} | {c.unit} | {'ja' if c.required else 'nej'} | {default} | "
                f"{c.description} |"
            )
        out.append("")
    from hushall.data.importers.docs import markdown_import_docs  # the imports' tables (hushall import)

    out.append(markdown_import_docs())
    return "\n".join(out)
