"""Build src/hushall/peers/kommuner_2019.csv from SCB's 2019 tables in ../shared/data/scb_2019.

Per municipality: population total and by the age groups 0–5, 6–15, 16–19, 20–64, 65–79 and 80+ (31 Dec
2019), municipal and total tax rate (%) and skatteintäkter and generella statsbidrag och utjämning (kr per
inhabitant). Sources: SCB, Folkmängd efter region, ålder och kön; Kommunalskatter; Räkenskapssammandrag för
kommuner, all 2019, as stored in the public repository vagdur/SCBHandlerPlotter (inst/extdata).

    python tools/build_peer_table.py ../shared/data/scb_2019
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

OUT = Path(__file__).resolve().parents[1] / "src" / "hushall" / "peers" / "kommuner_2019.csv"
GROUPS = {"0_5": (0, 5), "6_15": (6, 15), "16_19": (16, 19), "20_64": (20, 64), "65_79": (65, 79),
          "80_": (80, 200)}


def main(folder: Path) -> None:
    age = pd.read_csv(folder / "vagdur_SCBHandlerPlotter_SCB_alderkon.csv")
    age["ålder"] = age["ålder"].astype(str).str.replace("+", "", regex=False).astype(int)
    out = age.groupby("region")["X2019"].sum().rename("folkmängd").to_frame()
    for name, (lo, hi) in GROUPS.items():
        out[f"ålder_{name}"] = age[age["ålder"].between(lo, hi)].groupby("region")["X2019"].sum()
    tax = pd.read_csv(folder / "vagdur_SCBHandlerPlotter_SCB_kommunal_och_regionalskatt.csv")
    tax = tax.pivot(index="region", columns="Nivå", values="X2019")
    out["skattesats_kommun_pct"] = tax["Kommun"]
    out["skattesats_total_pct"] = (tax["Kommun"] + tax["Region"]).round(2)
    res = pd.read_csv(folder / "vagdur_SCBHandlerPlotter_SCB_resultatrakning.csv")
    res = res.pivot(index="region", columns="resultaträkningsposter", values="X2019")
    out["skatteintäkter_kr_per_inv"] = res["skatteintäkter"]
    out["generella_statsbidrag_kr_per_inv"] = res["generella statsbidrag och utjämning"]
    out.index.name = "kommun"
    assert len(out) == 290 and not out.isna().any().any()
    out.reset_index().to_csv(OUT, index=False, lineterminator="\n")
    print(f"wrote {len(out)} municipalities to {OUT}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
