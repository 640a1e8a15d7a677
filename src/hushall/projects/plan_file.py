"""Reading a chosen plan (``--plan FILE``): an .xlsx sheet or CSV with columns ``projekt_id`` and ``startår``.

A project listed without a start year is not in the plan (officials keep the whole list and fill in years).

Every problem is reported with file, sheet, row, column and value, as for the workbook itself.
"""

from __future__ import annotations

from pathlib import Path

from hushall.data.io import RawTable, read_csv_folder, read_xlsx
from hushall.errors import DataValidationError, Problem
from hushall.model import MunicipalityData
from hushall.projects.catalog import ProjectCatalog, Schedule

PLAN_SHEET = "Plan"
ID_HEADER, START_HEADER = "projekt_id", "startår"


def _read_table(path: Path) -> RawTable:
    if path.suffix.lower() == ".csv":
        import shutil
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            shutil.copy(path, Path(tmp) / f"{PLAN_SHEET}.csv")
            book = read_csv_folder(Path(tmp))
        return book.tables[PLAN_SHEET]
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        book = read_xlsx(path)
        tables = book.tables
        return tables.get(PLAN_SHEET) or next(iter(tables.values()))
    raise DataValidationError.single("E_FILE_FORMAT", "Planen ska vara en .xlsx- eller .csv-fil med kolumnerna "
                                     "projekt_id och startår.", file=path.name)


def read_schedule(path: str | Path, data: MunicipalityData) -> Schedule:
    """Read a plan file and check it against the municipality's projects and their start windows.

    Raises
    ------
    DataValidationError
        Listing every unknown project, unreadable year or year outside the project's window.
    """
    p = Path(path)
    if not p.exists():
        raise DataValidationError.single("E_FILE_MISSING", "Planfilen finns inte.", file=str(p))
    table = _read_table(p)
    where = {"file": p.name, "sheet": table.sheet}
    headers = [h.strip().lower() for h in table.header]
    missing = [h for h in (ID_HEADER, START_HEADER) if h not in headers]
    if missing:
        raise DataValidationError([Problem("E_COLUMN_MISSING", f"Kolumnen {h} saknas.", row=1, column=h, **where)
                                   for h in missing])
    i_id, i_start = headers.index(ID_HEADER), headers.index(START_HEADER)
    catalog = ProjectCatalog.from_data(data)
    index = {pid: k for k, pid in enumerate(catalog.project_ids)}
    problems: list[Problem] = []
    starts: dict[str, int] = {}
    for row, number in zip(table.rows, table.row_numbers, strict=True):
        pid, raw_year = row[i_id], row[i_start]
        pid = "" if pid is None else str(pid).strip()
        if raw_year is None:
            continue  # listed without a start year: not in the plan
        if pid not in index:
            problems.append(Problem("E_REFERENCE", "Projektet finns inte i fliken Projekt.", row=number,
                                    column=ID_HEADER, value=pid, **where))
            continue
        if pid in starts:
            problems.append(Problem("E_DUPLICATE_ID", "Projektet står två gånger i planen.", row=number,
                                    column=ID_HEADER, value=pid, **where))
            continue
        try:
            year = int(float(str(raw_year).replace(",", ".")))
        except ValueError:
            problems.append(Problem("E_TYPE", "Startåret måste vara ett årtal.", row=number, column=START_HEADER,
                                    value=raw_year, **where))
            continue
        k = index[pid]
        lo, hi = int(catalog.earliest_start[k]), int(catalog.latest_start[k])
        if not lo <= year <= hi:
            problems.append(Problem("E_YEAR_RANGE", f"Projektet får starta {lo}–{hi}.", row=number,
                                    column=START_HEADER, value=year, **where))
            continue
        starts[pid] = year
    if problems:
        raise DataValidationError(problems)
    return Schedule(starts)
