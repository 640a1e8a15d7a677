"""The imports' part of ``docs/data.md``, generated from the tables the imports use (so it cannot go stale).

>>> "| 2388 | långfristiga_skulder |" in markdown_import_docs()
True
"""

from __future__ import annotations

import csv
import io
from importlib import resources

from hushall.data.importers.assets import FIELDS, REQUIRED_FIELDS
from hushall.data.importers.investment_plan import HEADER_WORDS
from hushall.data.importers.kommunbas import default_mapping
from hushall.data.importers.tabular import default_lifetimes, keywords

_PLAN_ROLES = {"name": "projektnamn", "project_id": "projekt_id", "committee": "nämnd", "total": "total",
               "note": "anmärkning", "type": "projekttyp", "facility": "anläggning", "district": "område"}


def markdown_import_docs() -> str:
    """Markdown: the commands, the Kommun-Bas table, the asset-register fields and keyword tables."""
    table = default_mapping()
    out = [
        "# Importera egna data (`hushall import`)",
        "",
        "Tre kommandon läser kommunens egna exporter och skriver de flikar de äger. `--into kommun.xlsx` "
        "uppdaterar bara importens flikar (rader slås ihop på fliknyckeln; kolumner importen inte fyller och "
        "rader den inte känner till lämnas orörda; övriga flikar lämnas helt orörda). `--out ny.xlsx` skriver en "
        "ny arbetsbok och skriver aldrig över en befintlig fil utan `--force`. Allt skrivs till en tillfällig fil "
        "som döps om när den är klar. Importens rapporter hamnar i flikar som börjar med `_` (läses inte av "
        "`hushall validate`). Steg för steg: [kom-igang-egna-data.md](kom-igang-egna-data.md).",
        "",
        "| kommando | läser | skriver |",
        "|---|---|---|",
        "| `hushall import sie FIL [--mapping konton.csv]` | SIE typ 1–4 (kodsida 437) | Ekonomi (basåret), "
        "Utfall (utfall per projekt och år ur projektobjekten, dimension 6: #TRANS i typ 4, #OIB/#OUB i typ 3), "
        "`_Ekonomi per år`, `_SIE konton utan post`, `_SIE noteringar` |",
        "| `hushall import anlaggningar FIL [--mapping raindance\\|unit4\\|egen.yaml] [--basar ÅR]` | "
        "anläggningsregister, CSV eller xlsx | Anläggningar, Komponenter, `_Anläggningsregister`, "
        "`_Ej placerade tillgångar`, `_Okända områden` |",
        "| `hushall import investeringsplan FIL [--enhet kr\\|tkr\\|mnkr]` | investeringsplan, CSV eller xlsx | "
        "Projekt, `_Investeringsplan`, `_Ej inlästa projekt`, `_Okända anläggningar, områden` |",
        "",
        "## SIE: kontomappning enligt Kommun-Bas",
        "",
        "Varje konto förs till den post vars kontoprefix är längst (mest specifik). Belopp: tillgångar = UB, "
        "eget kapital och skulder = −UB, resultatposter = −RES (SIE: debet +, kredit −). Har årets resultat inte "
        "bokats om till eget kapital summerar balanskontona till årets resultat; det beloppet läggs till "
        "`eget_kapital` och nämns i rapporten. Tidigare år (`#RAR -1` …) fylls i `_Ekonomi per år` (från `#UB`/"
        "`#RES`, eller `#IB` året efter). Utan `#UB`/`#RES` räknas år 0 fram ur `#IB` och verifikationerna. "
        "Ansvarsförbindelsen för pensioner (inom linjen) finns inte i bokföringen och lämnas som den är.",
        "",
        "En egen tabell (`--mapping`, CSV med kolumnerna `konton;post;ersättningspost;typ;beskrivning;källa`) "
        "läggs över den medföljande: rader med samma prefix ersätts, nya läggs till. `typ` = `post` (kontot hör "
        "till posten), `del` (kontot räknas *också* till en post som är en del av en annan, t.ex. "
        "`2030;resultatreserv;;del`) eller `ignorera`. `ersättningspost` används så länge `post` inte finns i "
        "Ekonomi.",
        "",
        "| konton (prefix) | post | typ | beskrivning | källa |",
        "|---|---|---|---|---|",
    ]
    text = resources.files("hushall.data.importers").joinpath("kommunbas.csv").read_text(encoding="utf-8")
    for rec in csv.DictReader(io.StringIO(text), delimiter=";"):
        first = rec["konton"].split("-")[0].split(",")[0]
        row = table.rows[(first, rec["typ"] == "del")]
        out.append(f"| {rec['konton']} | {row.line or '–'} | {row.kind} | {row.description} | {row.source} |")
    out += [
        "",
        "## Anläggningsregister: kolumnmappning (YAML)",
        "",
        "Mappningsfilen säger vilken kolumn i exporten som har vilket fält. Två exempel följer med "
        "(`--mapping raindance`: CSV med semikolon och decimalkomma; `--mapping unit4`: xlsx med två titelrader). "
        "Kolumnnamnen i exemplen är påhittade men rimliga; kopiera ett exempel och skriv er egen exports "
        "rubriker. Övriga nycklar: `fil: {rubrikrad, flik}`, `konto_till_typ` (kontoprefix → komponenttyp), "
        "`nyckelord` (egna ord per komponenttyp), `uppräkning_per_år` (byggprisökning per år från "
        "aktiveringsåret till basåret; 0 = anskaffningsvärdet), `standard_område`.",
        "",
        "| fält | krävs | beskrivning |",
        "|---|---|---|",
    ]
    out += [f"| `{k}` | {'ja' if k in REQUIRED_FIELDS else 'nej'} | {v} |" for k, v in FIELDS.items()]
    kw = keywords()
    life = default_lifetimes()
    out += ["", "Komponenttyp ur komponent- eller beskrivningstexten (längsta nyckelord vinner), annars ur "
            "kontot; livslängd ur registrets nyttjandeperiod, annars standard för typen "
            "(`component_lifetimes` i `hushall/data/defaults/parameters.yaml`, med källor).", "",
            "| typ | nyckelord | standardlivslängd, år |", "|---|---|---|"]
    out += [f"| {t} | {', '.join(words)} | {life[t]:g} |" for t, words in kw["component_types"].items()]
    out += ["", "Rader som inte ingår i anläggningsplanen (ordet måste stå som helt ord) listas med orsaken:", ""]
    out += [f"- *{w}*: {why}" for w, why in kw["excluded"].items()]
    out += [""]
    out += ["## Investeringsplan: kolumner", "",
            "Rubrikraden hittas bland de tolv första raderna (den med *Projekt* och minst ett årtal). Kolumner "
            "känns igen på sina vanliga namn:", "", "| fält | rubriker |", "|---|---|"]
    out += [f"| {_PLAN_ROLES[r]} | {', '.join(words)} |" for r, words in HEADER_WORDS.items()]
    out += ["| belopp per år | ett årtal, t.ex. `2025` eller `År 2025` |", ""]
    return "\n".join(out)
