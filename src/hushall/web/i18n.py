"""Interface language: the Swedish texts and their English translations.

Swedish is the interface language; English is selectable. Texts are written in Swedish in the templates and
code, ``_("Översikt")``; :data:`ENGLISH` translates them. A text without a translation is shown in Swedish.

Numbers follow the language through :mod:`hushall.formatting` (``lang=``): Swedish ``1 234,5 Mkr`` (no-break
space, decimal comma, minus sign −), English ``1,234.5 MSEK``.

Examples
--------
>>> translate("Översikt", "en"), translate("Översikt", "sv")
('Overview', 'Översikt')
"""

from __future__ import annotations

from typing import Any

from hushall.data.target_types import TARGET_TYPES

LANGUAGES: dict[str, str] = {"sv": "Svenska", "en": "English"}
LANG_COOKIE = "hushall_lang"


def translate(text: str, lang: str, **values: Any) -> str:
    out = ENGLISH.get(text, text) if lang == "en" else text
    return out.format(**values) if values else out


ENGLISH: dict[str, str] = {
    # Översikt's plan, alternative budgets, the comparison and decided variants
    "Beslutad plan": "Decided plan",
    "Planen som arbetas med": "Plan being worked on",
    "Projekt i planen": "Projects in the plan",
    "fasta priser": "fixed prices",
    "löpande priser": "current prices",
    "prisbasår": "price base year",
    "Platser som saknas inom räckhåll": "Places short within reach",
    "Platser som saknas inom räckhåll, utan projekt": "Places short within reach, without projects",
    "utan projekt": "without projects",
    "Jämförelse: utan projekt (nollalternativ)": "Comparison: without projects (baseline)",
    "Finansiellt mål": "Financial target",
    "År som målet inte nås": "Years the target is missed",
    "Målen år för år": "The targets year by year",
    "Partigrupp": "Party group",
    "Partigruppens förslag": "Party group's proposal",
    "Förslag från": "Proposal by",
    "Tjänstepersonerna": "The officials",
    "Tjänstepersonernas vikter (underlaget)": "The officials' weights (the data)",
    "Utgå från": "Start from",
    "Eget förslag": "Own proposal",
    "Nytt eget förslag": "New own proposal",
    "Värdera alla planer med": "Value every plan with",
    "Räkna om": "Recompute",
    "Värde med samma vikter": "Value under the same weights",
    "Projekt som skiljer": "Projects that differ",
    "ingår inte": "not included",
    "Ingen riskanalys": "No risk analysis",
    # uploads and the connection notice
    "Senaste uppladdningar": "Recent uploads",
    "Uppladdning": "Upload",
    "Bygger på": "Based on",
    "version": "version",
    "Kontrolleras": "Being checked",
    "Sparad": "Saved",
    "Sparades inte": "Not saved",
    "Visa versionen": "Show the version",
    "Kör uppladdningen igen": "Run the upload again",
    "Tillbaka till Data": "Back to Data",
    "Uppladdningen bygger på version {n}. Har någon annan sparat en nyare version när den ska sparas, sparas den inte; du får då göra om dina ändringar på den nya versionen.": "The upload is based on version {n}. If someone else has saved a newer version by the time it is stored, it is not stored; you then redo your changes on the new version.",
    "Filen läses och kontrolleras i bakgrunden. Ingen ny version blir gällande förrän allt är kontrollerat; du kan lämna sidan under tiden.": "The file is read and checked in the background. No new version takes effect until everything is checked; you may leave the page meanwhile.",
    "Kontakten med servern är bruten. Det som visas kan vara inaktuellt; sidan försöker igen av sig själv.": "The connection to the server is lost. What is shown may be out of date; the page keeps trying by itself.",
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
    "Karta": "Map",
    "Visa kartan": "Show the map",
    "Verksamhet": "Service",
    "Alla verksamheter": "All services",
    "Anläggningarna visar": "Facilities show",
    "Skick": "Condition",
    "Beläggning": "Utilisation",
    "Reservkraft": "Backup power",
    "Platser som behövs": "Places needed",
    "Platser i dag": "Places today",
    "Kartan är ritad från områdenas och anläggningarnas koordinater. Cirkelns yta visar hur många platser som behövs; färgen hur stor del som saknas.":
        "The map is drawn from the coordinates of the districts and facilities. A circle's area shows the places "
        "needed; its colour the share missing.",
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
    "Reinvestering i befintliga anläggningar": "Reinvestment in existing facilities",
    "Hur mycket som läggs på att byta ut uttjänta delar av skolor, boenden, ledningar och gator. Det som inte byts "
    "ut blir underhållsskuld.": "How much is spent on replacing worn-out parts of schools, care homes, pipes and "
    "streets. What is not replaced becomes maintenance debt.",
    "Reinvesteringspolicy": "Reinvestment policy",
    "Låt optimeringen besluta reinvesteringen (förnya, skjuta upp eller avveckla per anläggningsgrupp och år)":
        "Let the optimisation decide the reinvestment (renew, postpone or let go per facility group and year)",
    "Då väger optimeringen reinvesteringen mot de nya projekten i samma beräkning; policyn och ramen ovan gäller "
    "inte för planen.": "The optimisation then weighs the reinvestment against the new projects in one model; the "
    "policy and frame above do not apply to the plan.",
    "Optimeringen beslutade reinvesteringen per anläggningsgrupp och år.":
        "The optimisation decided the reinvestment per facility group and year.",
    "Reinvesteringen följde policyn ovan (optimeringen beslutade den inte).":
        "The reinvestment followed the policy above (the optimisation did not decide it).",
    "Balanskravet": "The balanced-budget requirement",
    "Budget i balans varje år (kommunallagen 11 kap. 5 §)":
        "A budget in balance every year (Local Government Act, chapter 11, section 5)",
    "Utan markering får ett år gå med underskott om det återställs inom tre år, till exempel när en skola avvecklas "
    "och dess bokförda värde skrivs av; omdömet säger då vilka år, eftersom ett underskott i budgeten kräver "
    "synnerliga skäl.": "Unticked, a year may end in deficit if it is restored within three years, for instance "
    "when a school closes and its book value is written off; the verdict then names those years, since a budgeted "
    "deficit needs exceptional reasons.",
    "Planen har budget i balans varje år (kommunallagen 11 kap. 5 §).":
        "The plan has a budget in balance every year (Local Government Act, chapter 11, section 5).",
    "Ett år får gå med underskott om det återställs inom tre år.":
        "A year may end in deficit if it is restored within three years.",
    "Reinvesteringsram (Mkr per år, prisbasårets priser; tomt = som i underlaget)":
        "Reinvestment frame (MSEK a year, base-year prices; empty = as in the data)",
    "Som i underlaget (fliken Antaganden)": "As in the data (sheet Antaganden)",
    "Dagens reinvesteringsram": "Today's reinvestment frame",
    "Efter behov: varje komponent förnyas när den är uttjänt": "As needed: every component renewed when worn out",
    "Ingen reinvestering (bara som räkneexempel)": "No reinvestment (a what-if only)",
    "ram": "frame",
    "per år (prisbasårets priser)": "a year (base-year prices)",
    "{year} års priser": "{year} prices",
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
    # risk (Monte Carlo) of a plan
    "Risk": "Risk",
    "Håller god ekonomisk hushållning?": "Is the plan sound (god ekonomisk hushållning)?",
    "Mer om risken": "More about the risk",
    "Risk – hur sannolikt håller planen?": "Risk – how likely is the plan to hold?",
    "I {p} av {n} möjliga framtider håller alla mål varje år {period}.":
        "In {p} of {n} possible futures every target holds every year {period}.",
    "I {p} av {n} möjliga framtider håller alla mål varje år {period}; svagast är {target}, som håller i {q} av "
    "framtiderna år {year}.": "In {p} of {n} possible futures every target holds every year {period}; the weakest "
                              "is {target}, which holds in {q} of the futures in {year}.",
    "Att alla mål håller vartenda år är ett strängt krav: i de flesta framtider bryts något mål något år. Tabellen "
    "visar vilka mål som oftast bryts och när.": "Every target holding in every single year is a strict "
                                                "requirement: in most futures some target is broken in some year. "
                                                "The table shows which targets break most often, and when.",
    "och": "and",
    "Visa hur mycket varje osäkerhet flyttar årets resultat": "Show how much each uncertainty moves the result",
    "Röd stapel: summan av årets resultat när osäkerheten hamnar i sin lägsta tiondel (t.ex. skatteunderlagets "
    "utveckling) och övriga osäkerheter på sitt medelvärde; grön: i sin högsta tiondel. Mätt från genomsnittet av "
    "alla framtider.":
        "Red bar: the sum of the annual results when the uncertainty comes out in its lowest tenth (e.g. tax base "
        "growth) and the other uncertainties at their average; green: in its highest tenth. Measured from the "
        "average of all futures.",
    "Planen har prövats mot {n} möjliga framtider där räntan, skatteunderlaget, befolkningen, byggpriserna, "
    "projektens kostnader och hur snabbt projekten kommer i gång varierar samtidigt. Samma plan och samma regler "
    "för lån i alla framtider; ingen framtid får nya beslut om skatt eller besparingar.":
        "The plan has been tested against {n} possible futures in which interest rates, the tax base, the "
        "population, construction prices, project costs and how quickly projects start vary together. The same "
        "plan and the same borrowing rules in every future; no future gets new decisions on tax or savings.",
    "Sannolikhet att målen håller": "Probability that the targets hold",
    "Lägsta sannolikhet": "Lowest probability",
    "Det året": "That year",
    "Sannolikhet sista året": "Probability in the last year",
    "Sannolikheterna är skattade och kan skilja upp till {se} från det sanna värdet (ett standardfel).":
        "The probabilities are estimates and may differ by up to {se} from the true value (one standard error).",
    "Sannolikhet per år att varje mål håller": "Probability per year that each target holds",
    "Linjerna visar för varje år hur stor andel av framtiderna där målet håller. Tabellen ovan visar samma siffror "
    "i korthet.": "The lines show, for each year, the share of futures in which the target holds. The table above "
                  "sums up the same figures.",
    "Vad hotar planen mest?": "What threatens the plan most?",
    "Om målen håller avgörs främst av osäkerheten i": "Whether the targets hold depends mainly on the uncertainty in",
    "Årets resultat över hela planen beror främst på osäkerheten i":
        "The result over the whole plan depends mainly on the uncertainty in",
    "Procenten är hur stor del av spridningen mellan framtiderna som osäkerheten förklarar ensam.":
        "The percentage is the share of the spread between futures that the uncertainty explains on its own.",
    "Vilken osäkerhet som flyttar summan av årets resultat mest":
        "Which uncertainty moves the sum of the annual results most",
    "Spridning år för år": "Spread year by year",
    "Spridning i möjliga framtider": "Spread in possible futures",
    "Ljust band: 8 av 10 framtider hamnar inom bandet. Mörk linje: mittersta framtiden (median). Streckad linje: "
    "planen om allt blir som i prognosen.": "Light band: 8 of 10 futures fall within it. Dark line: the middle "
                                           "future (median). Dashed line: the plan if everything goes as forecast.",
    "En säkrare plan lämnar marginal till målen, så att de håller även i sämre framtider. Då ryms färre eller "
    "senare projekt, alltså mindre nytta.": "A safer plan leaves a margin to the targets so that they hold in worse "
                                          "futures too. Then fewer or later projects fit: less benefit.",
    "Ingen säkrare plan är framräknad för det här resultatet (planerare kan ta fram en med hushall scenarios "
    "--robust).": "No safer plan has been computed for this result (planners can compute one with hushall "
                  "scenarios --robust).",
    "Säkrare plan: alla mål ska hålla med minst {level} sannolikhet varje år {period}. Planen ovan klarar det "
    "svagaste målet i {p} av framtiderna.": "Safer plan: every target must hold with at least {level} probability "
                                           "every year {period}. The plan above meets the weakest target in {p} of "
                                           "the futures.",
    "Den räcker redan: en säkrare plan kostar ingenting.": "It already does: a safer plan costs nothing.",
    "Den säkraste plan optimeraren hittade har {n} projekt i stället för {m} ({d} borttagna, {k} senarelagda) och "
    "ger {c} mindre nytta.": "The safest plan the optimiser found has {n} projects instead of {m} ({d} dropped, {k} "
                             "postponed) and gives {c} less benefit.",
    "Då håller alla mål med minst {level} sannolikhet.": "Then every target holds with at least {level} probability.",
    "Ändå håller {target} bara i {q} av framtiderna år {year}: det avgörs av osäkerheten i omvärlden "
    "(skatteunderlag, befolkning, priser), inte av vilka projekt som görs. Att nå {level} kräver andra beslut, "
    "t.ex. om skattesats, kostnader eller målens nivå.": "Even so, {target} holds in only {q} of the futures in "
                                                        "{year}: that is decided by the uncertainty outside "
                                                        "(tax base, population, prices), not by which projects "
                                                        "are done. Reaching {level} takes other decisions, e.g. on "
                                                        "the tax rate, costs or the targets' levels.",
    "Vad kostar en säkrare plan?": "What does a safer plan cost?",
    "Risken är inte beräknad för det här resultatet. Kör optimeringen igen för att se hur sannolikt planen håller.":
        "The risk has not been computed for this result. Run the optimisation again to see how likely the plan is "
        "to hold.",
    "Sannolikhet att alla mål håller varje år": "Probability that every target holds every year",
    "möjliga framtider": "possible futures",
    "Ränta": "Interest rate",
    "Byggpriser": "Construction prices",
    "Skatteunderlag": "Tax base",
    "Befolkning": "Population",
    "Projektkostnad": "Project cost",
    "Genomförandegrad": "Execution rate",
    # page Prioritera
    "Prioritera": "Prioritise",
    "Ändra vikterna och pengarna. Planen räknas om direkt: först en snabb plan, sedan den färdiga.": "Change the weights and the money. The plan is made again at once: first a quick plan, then the finished one.",
    "Tjänstepersonernas underlag": "The officials' data",
    "Börja om härifrån": "Start over from here",
    "Vad är viktigast? (kriterievikter)": "What matters most? (criteria weights)",
    "Högre vikt = projekt som är bra på det kriteriet kommer före.": "Higher weight = projects that do well on that criterion come first.",
    "Lagkrav och säkerhet": "Legal requirements and safety",
    "Kapacitetsbehov": "Capacity need",
    "Skick och underhållsskuld": "Condition and maintenance debt",
    "Energi och klimat": "Energy and climate",
    "Beredskap": "Preparedness",
    "Politisk prioritet": "Political priority",
    "Pengarna": "The money",
    "Investeringsram, Mkr per år (fasta priser, prisbasår {y}; tomt = ingen ram)": "Investment frame, MSEK a year (fixed prices, price base year {y}; empty = no frame)",
    "Ändrad kommunalskatt, öre per 100 kr (+ = höjning) utöver underlagets": "Change of the municipal tax, öre per 100 SEK (+ = raise) beyond the data's",
    "Skatteändringen gäller från år": "The tax change applies from the year",
    "Mål: låneskuld högst, kr per invånare (tomt = inget mål)": "Target: debt at most, SEK per inhabitant (empty = no target)",
    "Räknar …": "Calculating …",
    "Planen räknas fram …": "The plan is being made …",
    "Färdig plan": "Finished plan",
    "den färdiga planen räknas fram och visas här när den är klar": "the finished plan is being made and is shown here when ready",
    "räknad på {s} s": "made in {s} s",
    "Planens nytta (vägda kriteriepoäng)": "The plan's benefit (weighted criteria points)",
    "Alla investeringar {a}–{b}, projekt och reinvesteringar (fasta priser, prisbasår {y})": "All investment {a}–{b}, projects and reinvestment (fixed prices, price base year {y})",
    "varav projektens investeringar": "of which the projects' investment",
    "Reinvesteringar {a}–{b}: andel av behovet av renovering och utbyte av uttjänta byggnadsdelar": "Reinvestment {a}–{b}: share of the need to renovate and replace worn-out building parts",
    "Underhållsskuld som mest: det som borde ha renoverats men skjutits upp (fasta priser)": "Maintenance debt at its highest: what should have been renovated but was postponed (fixed prices)",
    "år {y}": "year {y}",
    "Nya platser": "New places",
    "Vad ändrades med pengarna?": "What changed in the money?",
    "Investeringar per år mot ramen (Mkr, fasta priser)": "Investment per year against the frame (MSEK, fixed prices)",
    "Linjen är investeringsramen, {x} per år.": "The line is the investment frame, {x} a year.",
    "Mörk del: projekt. Ljus del: reinvesteringar.": "Dark part: projects. Light part: reinvestment.",
    "Investeringar per år, projekt och reinvesteringar, mot investeringsramen; siffrorna finns i tabellen nedanför.": "Investment per year, projects and reinvestment, against the investment frame; the figures are in the table below.",
    "Underhållsskuld vid årets slut (Mkr, fasta priser)": "Maintenance debt at the end of the year (MSEK, fixed prices)",
    "Strecken är förra planens skuld.": "The marks are the previous plan's debt.",
    "Alla investeringar största året": "All investment in the largest year",
    "Reinvesteringar första tio åren, andel av behovet": "Reinvestment in the first ten years, share of the need",
    "Underhållsskuld i genomsnitt": "Maintenance debt on average",
    "Underhållsskuld som mest": "Maintenance debt at its highest",
    "Ramen gäller alla investeringar, projekt och reinvesteringar tillsammans. Underhållsskulden är det som borde ha renoverats men skjutits upp.": "The frame applies to all investment, projects and reinvestment together. The maintenance debt is what should have been renovated but was postponed.",
    "Planens värde, underhållsskulden och reinvesteringarnas andel av behovet mot investeringsramen; dagens val markerat": "The plan's value, the maintenance debt and the reinvestment's share of the need against the investment frame; today's choice marked",
    "projekt": "projects",
    "reinvesteringar": "reinvestment",
    "I genomsnitt {x} per år; {y}: {z}.": "On average {x} a year; {y}: {z}.",
    "Underhållsskulden år för år; siffrorna finns i tabellen nedanför.": "The maintenance debt year by year; the figures are in the table below.",
    "Siffrorna år för år": "The figures year by year",
    "Alla investeringar": "All investment",
    "Reinvesteringar": "Reinvestment",
    "Förnyelsebehov": "Renewal need",
    "Vad ändrades?": "What changed?",
    "Ändring": "Change",
    "Varför": "Why",
    "Ändra ett värde ovan så visas här vilka projekt som kommer med, faller bort eller flyttas, och varför.": "Change a value above and the projects that come in, fall out or move are shown here, with why.",
    "Projekten i planen": "The projects in the plan",
    "Kostnad (fasta priser)": "Cost (fixed prices)",
    "Ladda ner inställningarna": "Download the settings",
    "Samma plan på kommandoraden: hushall optimize --installningar installningar.json": "The same plan on the command line: hushall optimize --installningar installningar.json",
}
#: The target types' names, in English from the registry.
ENGLISH.update({t.name["sv"]: t.name["en"] for t in TARGET_TYPES.values()})
