"""Benchmark of ``hushall import`` on example-sized data (not part of the test run).

Writes the three exports a municipality of Exempelkommun's size has — an SIE 4 file of the 2024 accounts with
the year before and ``--vouchers`` vouchers (two transaction rows each), the asset register in the Raindance-like
layout (one row per component) and the council's investment plan in tkr — from the example's own sheets, then
times, as a user runs them (each a fresh ``hushall`` process):

1. ``hushall template --example`` and clearing the sheets the imports own (Ekonomi, Komponenter, Projekt);
2. ``hushall import sie``, ``import anlaggningar``, ``import investeringsplan`` with ``--into``;
3. ``hushall validate`` and ``hushall forecast`` on the result.

Run: ``python benchmarks/bench_import.py [--vouchers 100000] [--keep DIR]``. The SIE writer is the tests' own
(``tests/importers/sie_writer.py``), so run it from the repository root.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import openpyxl
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.importers.sie_writer import write_sie

from hushall.data.importers.tabular import default_lifetimes
from hushall.examples import example_path

#: How a register names the component types whose Hushåll name is not the register's word.
REGISTER_TEXT = {"mark": "Markanläggning", "va_ledning": "VA-ledning", "gata": "Gata", "vvs": "VVS"}


def write_inputs(folder: Path, vouchers: int) -> dict[str, Path]:
    ex = example_path()
    eko = pd.read_csv(ex / "Ekonomi.csv")
    base = {r.post: Decimal(str(int(r.belopp_kr))) for r in eko.itertuples()}
    before = {k: (v * Decimal("0.97")).quantize(Decimal(1)) for k, v in base.items()}
    before["eget_kapital"] = (sum(before[k] for k in ("materiella_anläggningstillgångar",
                              "finansiella_anläggningstillgångar", "omsättningstillgångar", "likvida_medel"))
                              - sum(before[k] for k in ("avsättningar_pensioner", "långfristiga_skulder",
                                                        "kortfristiga_skulder")))
    sie = write_sie({2024: base, 2023: before}, 2024, 4).decode("cp437").splitlines()
    ver = []
    for n in range(vouchers):
        amount = f"{1000 + (n * 37) % 90000}.{n % 100:02d}"
        ver += [f'#VER A {n + 1} 2024{1 + n % 12:02d}{1 + n % 28:02d} "Leverantörsfaktura {n + 1}"', "{",
                f'#TRANS 4011 {{1 "100"}} {amount}', f"#TRANS 2441 {{}} -{amount}", "}"]
    paths = {"sie": folder / "bokslut2024.se", "register": folder / "anlaggningsregister.csv",
             "plan": folder / "investeringsplan.xlsx"}
    paths["sie"].write_bytes(("\n".join(sie + ver) + "\n").encode("cp437"))

    fac = pd.read_csv(ex / "Anläggningar.csv").set_index("anläggning_id")
    comp = pd.read_csv(ex / "Komponenter.csv")
    life = default_lifetimes()
    with paths["register"].open("w", encoding="cp1252", newline="") as f:
        w = csv.writer(f, delimiter=";")
        w.writerow(["Anl.nr", "Benämning", "Komponent", "Konto", "Ansk.värde", "Ack.avskr", "Akt.datum",
                    "Avskr.tid år", "Objekt", "Objektsbenämning", "Område", "Verksamhet"])
        for i, c in enumerate(comp.itertuples(), start=1):
            f_row = fac.loc[c.anläggning_id]
            value = c.värde_kr if pd.notna(c.värde_kr) else c.andel_av_värde * f_row.återanskaffningsvärde_kr
            years = c.livslängd_år if pd.notna(c.livslängd_år) else life[c.typ]
            dep = min(value, value * (2024 - c.senast_förnyad_år) / years)
            w.writerow([f"{10000 + i}", f"{f_row.namn} {c.typ}", REGISTER_TEXT.get(c.typ, c.typ), "1111",
                        f"{value:.2f}".replace(".", ","), f"{dep:.2f}".replace(".", ","),
                        f"{c.senast_förnyad_år}-07-01", f"{years:g}", c.anläggning_id, f_row.namn,
                        f_row.område_id, f_row.kategori])

    proj = pd.read_csv(ex / "Projekt.csv", keep_default_na=False)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Investeringsplan 2025–2034, belopp i tkr"])
    ws.append([])
    years_cols = list(range(2025, 2035))
    ws.append(["Projekt_id", "Projekt", "Typ", "Nämnd", "Anläggning", "Område", "Total", *years_cols,
               "Anmärkning"])
    for p in proj.itertuples():
        start = int(p.tidigast_start or 2025)
        shares = [float(s) for s in str(p.kassaprofil).split(";") if s] or [1 / int(p.byggtid_år)] * int(p.byggtid_år)
        amounts = {start + k: round(float(p.kostnad_kr) * s / 1000) for k, s in enumerate(shares)}
        ws.append([p.projekt_id, p.namn, p.typ, "KS", p.anläggning_id or None, p.område_id,
                   sum(amounts.values()), *[amounts.get(y) for y in years_cols], ""])
    wb.save(paths["plan"])
    return paths


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run(args: list[str]) -> tuple[float, float]:
    """Wall time and CPU time of one ``hushall`` process (CPU time does not grow with other users' load)."""
    c0 = _children_cpu()
    t0 = time.perf_counter()
    r = subprocess.run([sys.executable, "-m", "hushall.cli.main", *args], capture_output=True, text=True,
                       env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")})
    elapsed = time.perf_counter() - t0
    if r.returncode != 0:
        print(r.stderr)
        raise SystemExit(f"failed: hushall {' '.join(args)}")
    return elapsed, _children_cpu() - c0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--vouchers", type=int, default=100_000)
    ap.add_argument("--keep", type=Path, help="Keep the generated files in this folder.")
    a = ap.parse_args()
    folder = a.keep or Path(tempfile.mkdtemp())
    folder.mkdir(parents=True, exist_ok=True)
    paths = write_inputs(folder, a.vouchers)
    kommun = folder / "kommun.xlsx"
    kommun.unlink(missing_ok=True)
    print(f"inputs: SIE {paths['sie'].stat().st_size / 1e6:.1f} MB ({a.vouchers} vouchers), register "
          f"{sum(1 for _ in paths['register'].open(encoding='cp1252')) - 1} rows, plan in {paths['plan'].name}")
    t, c = run(["template", "--example", str(kommun)])
    wb = openpyxl.load_workbook(kommun)
    for sheet in ("Ekonomi", "Komponenter", "Projekt"):
        wb[sheet].delete_rows(2, wb[sheet].max_row)
    # the two lines the ledger does not hold, entered by hand from the annual report's notes
    wb["Ekonomi"].append(["resultatreserv", 25_000_000, "Årsredovisningen, not eget kapital"])
    wb["Ekonomi"].append(["ansvarsförbindelse_pensioner", 420_000_000, "Årsredovisningen, not ansvarsförbindelser"])
    wb.save(kommun)
    print(f"{'template --example':32s} {t:6.1f} s wall {c:6.1f} s CPU")
    steps = [("import sie", ["import", "sie", str(paths["sie"]), "--into", str(kommun)]),
             ("import anlaggningar", ["import", "anlaggningar", str(paths["register"]), "--into", str(kommun)]),
             ("import investeringsplan", ["import", "investeringsplan", str(paths["plan"]), "--into", str(kommun)]),
             ("validate", ["validate", str(kommun)]),
             ("forecast", ["forecast", str(kommun)])]
    total = total_cpu = 0.0
    for name, args in steps:
        t, c = run(args)
        total, total_cpu = total + t, total_cpu + c
        print(f"{name:32s} {t:6.1f} s wall {c:6.1f} s CPU")
    print(f"{'imports + validate + forecast':32s} {total:6.1f} s wall {total_cpu:6.1f} s CPU "
          f"(load average {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
