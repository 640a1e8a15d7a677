"""Data versions: uploads checked whole, stored immutably, browsed, compared and loaded back into the model.

An upload is taken in two steps. In the request only the cheap checks run (:func:`precheck_upload`: file
types, sizes, the workbook's zip directory — a zip bomb is refused before one byte is unpacked); the file is
queued. A worker process then reads and validates it completely (:func:`check_upload`, with a limit on rows
per sheet counted before the workbook is parsed) and writes the whole version (every table) in one short
transaction (:func:`commit_upload`). A failed check or a crash therefore never leaves half a version, and a
version never becomes current before it has validated.

Each upload names the version it builds on. It is stored as that version's successor or not at all
(:class:`UploadConflict`): two planners uploading on the same version cannot silently undo each other.

Each version keeps its tables in canonical form — the workbook's Swedish headers and plain cell values — so
that it can be shown, compared with another version, exported as a workbook and loaded back through the very
same validation as a user's file (:func:`load_version`).
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import math
import re
import tempfile
import threading
import zipfile
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session as DbSession
from sqlalchemy.orm import sessionmaker

from hushall.data.io import RawTable, RawWorkbook, read_xlsx
from hushall.data.schema import TABLES, TableSpec
from hushall.errors import DataValidationError, HushallError, Problem, raise_if_problems
from hushall.formatting import fmt_number
from hushall.model import MunicipalityData, build
from hushall.model.validate import validate_workbook
from hushall.web.db import transaction
from hushall.web.models import DataTable, DataUpload, DataVersion, User
from hushall.web.security import audit

ALLOWED_SUFFIXES = (".xlsx", ".csv")


@dataclass
class Upload:
    """One file as received from the browser or the API."""

    filename: str
    content: bytes


@dataclass
class CheckedUpload:
    """An upload that passed every check: the frames to store and what they came from."""

    frames: dict[str, pd.DataFrame]
    data: MunicipalityData
    filename: str
    file_kind: str
    blob: bytes
    replaced_sheets: list[str] = field(default_factory=list)


def _problem(code: str, message: str, filename: str, **where: Any) -> DataValidationError:
    return DataValidationError([Problem(code=code, message=message, file=filename, **where)])


def _safe_name(filename: str) -> str:
    name = Path(filename.replace("\\", "/")).name.strip()
    return name[:200] or "fil"


@dataclass(frozen=True)
class UploadLimits:
    """How much an upload may hold: what a workbook unpacks to (the sum of its members, from the zip directory;
    Python's zip reader refuses a member that unpacks to more than it declares), its number of members, and
    the data rows of each sheet (counted in the sheet's XML before the workbook is parsed)."""

    unpacked_bytes: int = 50 * 2**20
    rows_per_sheet: int = 100_000
    zip_members: int = 500

    @classmethod
    def of(cls, settings: Any) -> UploadLimits:
        return cls(unpacked_bytes=int(settings.max_unpacked_bytes), rows_per_sheet=int(settings.max_rows_per_sheet))


class UploadConflict(HushallError):
    """The version an upload builds on is no longer the newest: someone else stored one meanwhile."""

    code = "E_CONFLICT"

    def __init__(self, base: int | None, newest: int | None) -> None:
        self.base, self.newest = base, newest
        built_on = f"version {base}" if base else "en tom databas"
        super().__init__(
            f"Någon annan har sparat dataversion {newest} medan du arbetade; din uppladdning bygger på {built_on}. "
            f"Inget har sparats, så ingen av ändringarna har gått förlorad. Öppna version {newest}, gör om dina "
            "ändringar där (eller ladda ner den som Excel och ändra i den) och ladda upp igen.")


def _mb(n: float) -> str:
    return fmt_number(n / 2**20, 1)


def _zip_infos(upload: Upload, limits: UploadLimits) -> list[zipfile.ZipInfo]:
    name = _safe_name(upload.filename)
    if not upload.content.startswith(b"PK"):
        raise _problem("E_FILE_FORMAT", "Filen är inte en Excel-arbetsbok (.xlsx). Spara den som "
                       "'Excel-arbetsbok (*.xlsx)' och försök igen.", name)
    try:
        with zipfile.ZipFile(io.BytesIO(upload.content)) as archive:
            return archive.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError) as exc:
        raise _problem("E_FILE_UNREADABLE", "Arbetsboken kunde inte läsas. Är den skadad?", name) from exc


def _check_xlsx_container(upload: Upload, limits: UploadLimits) -> None:
    """The workbook's zip directory: member count, unpacked size (a zip bomb) and macros — nothing unpacked."""
    name = _safe_name(upload.filename)
    infos = _zip_infos(upload, limits)
    if len(infos) > limits.zip_members:
        raise _problem("E_FILE_FORMAT", f"Arbetsboken består av {len(infos)} delar; en arbetsbok enligt mallen har "
                       "några tiotal. Är den skadad?", name)
    unpacked = sum(i.file_size for i in infos)
    if unpacked > limits.unpacked_bytes:
        raise _problem("E_FILE_TOO_LARGE", f"Arbetsboken packas upp till {_mb(unpacked)} MB; högst "
                       f"{_mb(limits.unpacked_bytes)} MB tas emot. Ta bort flikar som inte hör till mallen och "
                       "tomma rader eller kolumner med formatering långt ned, eller dela upp uppgifterna.", name)
    names = {i.filename.lower() for i in infos}
    if "xl/vbaproject.bin" in names:
        raise _problem("E_FILE_FORMAT", "Arbetsboken innehåller makron. Spara den som en vanlig .xlsx utan "
                       "makron.", name)


_ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s>/]")
_ATTRS = re.compile(r'([\w:]+)\s*=\s*"([^"]*)"')


def _sheet_titles(archive: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet member path → sheet title, from ``xl/workbook.xml`` and its relationships (both small)."""
    def small(member: str) -> str:
        try:
            info = archive.getinfo(member)
        except KeyError:
            return ""
        return archive.read(info).decode("utf-8", "replace") if info.file_size < 2**21 else ""

    targets = {}
    for tag in re.findall(r"<(?:\w+:)?Relationship\b[^>]*>", small("xl/_rels/workbook.xml.rels")):
        attrs = dict(_ATTRS.findall(tag))
        target = attrs.get("Target", "")
        targets[attrs.get("Id", "")] = target.lstrip("/") if target.startswith("/") else "xl/" + target
    titles = {}
    for tag in re.findall(r"<(?:\w+:)?sheet\b[^>]*>", small("xl/workbook.xml")):
        attrs = dict(_ATTRS.findall(tag))
        rid = next((v for k, v in attrs.items() if k.endswith(":id")), "")
        if rid in targets:
            titles[targets[rid]] = html.unescape(attrs.get("name", "")).strip()
    return titles


def count_sheet_rows(content: bytes, stop_after: int) -> dict[str, int]:
    """Rows (``<row>`` elements, the header included) of each worksheet of an .xlsx, by sheet title, streamed
    from the zip without parsing; counting stops past ``stop_after``."""
    out: dict[str, int] = {}
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        titles = _sheet_titles(archive)
        for info in archive.infolist():
            member = info.filename
            if not (member.startswith("xl/worksheets/") and member.endswith(".xml")):
                continue
            count, tail = 0, b""
            with archive.open(info) as stream:
                while count <= stop_after:
                    chunk = stream.read(2**20)
                    if not chunk:
                        break
                    buffer = tail + chunk
                    count += sum(1 for m in _ROW_TAG.finditer(buffer) if m.end() > len(tail))
                    tail = buffer[-16:]
            out[titles.get(member, Path(member).stem)] = count
    return out


def _check_rows(upload: Upload, limits: UploadLimits) -> None:
    counts = count_sheet_rows(upload.content, limits.rows_per_sheet + 1)
    problems = [Problem(code="E_TOO_MANY_ROWS", file=_safe_name(upload.filename), sheet=sheet,
                        message=f"Fliken har fler än {fmt_number(limits.rows_per_sheet)} rader; högst "
                                f"{fmt_number(limits.rows_per_sheet)} rader per flik tas emot. Ta bort tomma eller "
                                "överflödiga rader (t.ex. formatering som fortsätter långt ned) och ladda upp igen.")
                for sheet, n in counts.items() if n - 1 > limits.rows_per_sheet]
    raise_if_problems(problems)


def _read_csv(upload: Upload) -> RawTable:
    name = _safe_name(upload.filename)
    if b"\x00" in upload.content[:4096]:
        raise _problem("E_FILE_FORMAT", "Filen är inte en textfil (CSV).", name)
    try:
        text = upload.content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = upload.content.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise _problem("E_FILE_ENCODING", "CSV-filen är varken UTF-8 eller Windows-1252.", name) from exc
    first = text.splitlines()[0] if text else ""
    delimiter = ";" if first.count(";") > first.count(",") else ","
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    header = [h.strip() for h in (rows[0] if rows else [])]
    while header and header[-1] == "":
        header.pop()
    kept: list[list[Any]] = []
    numbers: list[int] = []
    for number, row in enumerate(rows[1:], start=2):
        cells: list[Any] = [(c.strip() or None) for c in row[: len(header)]]
        cells += [None] * (len(header) - len(cells))
        if any(c is not None for c in cells):
            kept.append(cells)
            numbers.append(number)
    return RawTable(sheet="", header=header, rows=kept, row_numbers=numbers)


def _sheet_for_csv(filename: str) -> str | None:
    stem = Path(_safe_name(filename)).stem.strip().lower()
    for spec in TABLES.values():
        if stem in (spec.sheet.lower(), spec.key.lower()):
            return spec.sheet
    return None


def version_workbook(version: DataVersion, label: str | None = None) -> RawWorkbook:
    """A stored version as a raw workbook, ready for the same validation as an upload."""
    book = RawWorkbook(path=Path(label or f"version-{version.number}"))
    for t in version.tables:
        book.tables[t.sheet] = RawTable(sheet=t.sheet, header=list(t.columns), rows=[list(r) for r in t.rows],
                                        row_numbers=list(range(2, 2 + len(t.rows))))
    return book


@dataclass
class QueuedUpload:
    """An upload that passed the cheap checks of the request, ready to be queued for a worker."""

    file_kind: str
    filenames: list[str]
    content: bytes


def _present(uploads: Sequence[Upload]) -> list[Upload]:
    uploads = [u for u in uploads if u.filename or u.content]
    if not uploads:
        raise _problem("E_FILE_MISSING", "Välj en fil att ladda upp (.xlsx eller .csv).", "")
    for u in uploads:
        suffix = Path(_safe_name(u.filename)).suffix.lower()
        if suffix not in ALLOWED_SUFFIXES:
            raise _problem("E_FILE_FORMAT", "Endast Excel-arbetsböcker (.xlsx) och CSV-filer (.csv) tas emot.",
                           _safe_name(u.filename))
        if not u.content:
            raise _problem("E_FILE_EMPTY", "Filen är tom.", _safe_name(u.filename))
    kinds = {Path(_safe_name(u.filename)).suffix.lower() for u in uploads}
    if ".xlsx" in kinds and len(uploads) != 1:
        raise _problem("E_FILE_FORMAT", "Ladda upp en arbetsbok åt gången (eller en eller flera CSV-filer).",
                       ", ".join(_safe_name(u.filename) for u in uploads))
    return uploads


def _unknown_csv_names(uploads: Sequence[Upload]) -> None:
    raise_if_problems([Problem(code="E_SHEET_UNKNOWN", message="Filnamnet ska vara fliknamnet, t.ex. "
                               "Anläggningar.csv. Tillåtna: " + ", ".join(t.sheet + ".csv" for t in TABLES.values())
                               + ".", file=_safe_name(u.filename))
                       for u in uploads if _sheet_for_csv(u.filename) is None])


def precheck_upload(uploads: Sequence[Upload], limits: UploadLimits) -> QueuedUpload:
    """The checks a request can afford (milliseconds, nothing unpacked): file types, one workbook at a time,
    the workbook's zip directory, CSV file names. Raises :class:`DataValidationError`."""
    uploads = _present(uploads)
    if Path(_safe_name(uploads[0].filename)).suffix.lower() == ".xlsx":
        _check_xlsx_container(uploads[0], limits)
        return QueuedUpload("xlsx", [_safe_name(uploads[0].filename)], uploads[0].content)
    _unknown_csv_names(uploads)
    return QueuedUpload("csv", [_safe_name(u.filename) for u in uploads], _zip_csvs(uploads))


def unpack_upload(file_kind: str, filenames: Sequence[str], content: bytes) -> list[Upload]:
    """The files of a queued upload (CSV files are queued zipped together)."""
    if file_kind == "xlsx":
        return [Upload(filenames[0], content)]
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return [Upload(name, archive.read(name)) for name in filenames]


def read_upload(uploads: Sequence[Upload], *, base: DataVersion | None, limits: UploadLimits) -> tuple[RawWorkbook,
                                                                                                      str, list[str]]:
    """Read one .xlsx workbook or one or more .csv files (one per sheet) into a raw workbook.

    CSV files replace the sheets of the same name in ``base`` (the version the upload builds on) and keep its
    other sheets, so one table can be corrected without uploading everything again.
    """
    uploads = _present(uploads)
    if Path(_safe_name(uploads[0].filename)).suffix.lower() == ".xlsx":
        upload = uploads[0]
        _check_xlsx_container(upload, limits)
        _check_rows(upload, limits)
        with tempfile.TemporaryDirectory(prefix="hushall-upload-") as tmp:
            path = Path(tmp) / _safe_name(upload.filename)
            path.write_bytes(upload.content)
            book = read_xlsx(path)  # data_only: formulas are never executed, only Excel's saved values read
        return book, "xlsx", []
    _unknown_csv_names(uploads)
    book = version_workbook(base, label=", ".join(_safe_name(u.filename) for u in uploads)) if base else \
        RawWorkbook(path=Path(", ".join(_safe_name(u.filename) for u in uploads)))
    replaced: list[str] = []
    problems: list[Problem] = []
    for u in uploads:
        sheet = _sheet_for_csv(u.filename)
        assert sheet is not None
        table = _read_csv(u)
        table.sheet = sheet
        if len(table.rows) > limits.rows_per_sheet:
            problems.append(Problem(code="E_TOO_MANY_ROWS", file=_safe_name(u.filename), sheet=sheet,
                                    message=f"Filen har {fmt_number(len(table.rows))} rader; högst "
                                            f"{fmt_number(limits.rows_per_sheet)} rader per flik tas emot."))
        book.tables[sheet] = table
        replaced.append(sheet)
    raise_if_problems(problems)
    return book, "csv", replaced


def check_upload(uploads: Sequence[Upload], *, base: DataVersion | None,
                 limits: UploadLimits | None = None) -> CheckedUpload:
    """Read and validate an upload completely. Raises :class:`DataValidationError` with every problem."""
    book, kind, replaced = read_upload(uploads, base=base, limits=limits or UploadLimits())
    frames, problems = validate_workbook(book)
    raise_if_problems(problems)
    data = build(frames, source=book.file_label)
    blob = uploads[0].content if kind == "xlsx" else _zip_csvs(uploads)
    name = _safe_name(uploads[0].filename) if len(uploads) == 1 else f"{len(uploads)} CSV-filer"
    return CheckedUpload(frames=frames, data=data, filename=name, file_kind=kind, blob=blob,
                         replaced_sheets=replaced)


def _zip_csvs(uploads: Sequence[Upload]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        for u in uploads:
            archive.writestr(_safe_name(u.filename), u.content)
    return buf.getvalue()


def canonical_value(value: Any, dtype: str) -> Any:
    """A validated cell as a plain JSON value that validates back to itself.

    Examples
    --------
    >>> canonical_value(True, "bool"), canonical_value(float("nan"), "float"), canonical_value(3.0, "int")
    ('ja', None, 3)
    """
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if dtype == "bool":
        return "ja" if bool(value) else "nej"
    if dtype == "int":
        return int(value)
    if dtype == "float":
        x = float(value)
        return int(x) if x.is_integer() and abs(x) < 2**53 else x
    text = str(value)
    return text if text != "" else None


def canonical_tables(frames: dict[str, pd.DataFrame]) -> list[tuple[TableSpec, list[str], list[list[Any]]]]:
    out = []
    for spec in TABLES.values():
        df = frames.get(spec.key)
        if df is None:
            continue
        columns = [c.header for c in spec.columns]
        values = [[canonical_value(v, c.dtype) for v in df[c.name].tolist()] for c in spec.columns]
        rows = [list(r) for r in zip(*values, strict=True)] if values else []
        out.append((spec, columns, rows))
    return out


def next_version_number(db: DbSession) -> int:
    return int(db.scalar(select(func.coalesce(func.max(DataVersion.number), 0))) or 0) + 1


def store_version(db: DbSession, checked: CheckedUpload, actor: User | None, comment: str = "",
                  parent: DataVersion | None = None, number: int | None = None) -> DataVersion:
    """Write a checked upload as a new version (the caller's transaction commits it whole).

    ``number`` (the successor of the version the upload builds on) is unique: when another version took it
    meanwhile, the insert fails and nothing of this one is written. Without it the next free number is used.
    """
    data = checked.data
    version = DataVersion(
        number=next_version_number(db) if number is None else number, parent_id=parent.id if parent else None, comment=comment.strip()[:2000],
        filename=checked.filename, file_kind=checked.file_kind,
        file_sha256=hashlib.sha256(checked.blob).hexdigest(), file_blob=checked.blob or None,
        municipality=data.name, base_year=data.base_year, summary=data.summary(),
        created_by=actor.id if actor else None,
    )
    for position, (spec, columns, rows) in enumerate(canonical_tables(checked.frames)):
        version.tables.append(DataTable(table_key=spec.key, sheet=spec.sheet, position=position, columns=columns,
                                        rows=rows, n_rows=len(rows)))
    db.add(version)
    db.flush()
    audit(db, actor, "data.upload", "data_version", version.number,
          {"filename": checked.filename, "kind": checked.file_kind, "summary": version.summary,
           "replaced_sheets": checked.replaced_sheets})
    return version


def commit_upload(factory: sessionmaker[DbSession], upload_id: int, checked: CheckedUpload) -> DataVersion:
    """Store a validated upload as the successor of the version it builds on — or raise :class:`UploadConflict`
    when another version took that place meanwhile (nothing is written then). One short transaction."""
    with factory() as db:
        upload = db.get(DataUpload, upload_id)
        if upload is None:
            raise LookupError(upload_id)
        base = upload.base_version
        base_number = base.number if base is not None else 0
        comment, actor_id = upload.comment, upload.created_by
    try:
        with transaction(factory) as db:
            actor = db.get(User, actor_id) if actor_id else None
            version = store_version(db, checked, actor, comment, parent=base, number=base_number + 1)
            db.execute(update(DataUpload).where(DataUpload.id == upload_id).values(version_id=version.id))
            return version
    except IntegrityError as exc:
        with factory() as db:
            newest = latest_version(db)
        if newest is None or newest.number <= base_number:
            raise
        raise UploadConflict(base_number or None, newest.number) from exc


def example_upload() -> CheckedUpload:
    """Exempelkommun as a checked upload (for ``serve --demo`` and the tests)."""
    from hushall.data.io import read_raw
    from hushall.examples import example_path

    folder = example_path()
    book = read_raw(folder)
    frames, problems = validate_workbook(book)
    raise_if_problems(problems)
    blob = _zip_csvs([Upload(p.name, p.read_bytes()) for p in sorted(folder.glob("*.csv"))])
    return CheckedUpload(frames=frames, data=build(frames, source="Exempelkommun"), filename="Exempelkommun",
                         file_kind="example", blob=blob)


def latest_version(db: DbSession) -> DataVersion | None:
    return db.scalar(select(DataVersion).order_by(DataVersion.number.desc()).limit(1))


def get_version(db: DbSession, number: int) -> DataVersion | None:
    return db.scalar(select(DataVersion).where(DataVersion.number == number))


# --- loading stored versions (cached: versions never change) ------------------------------------------------


class ModelCache:
    """Validated models of stored versions, keyed by version id (a small LRU, safe across threads)."""

    def __init__(self, size: int = 6) -> None:
        self.size = size
        self._items: OrderedDict[Any, Any] = OrderedDict()
        self._lock = threading.Lock()
        self._key_locks: dict[Any, threading.Lock] = {}

    def get_or_make(self, key: Any, make: Any) -> Any:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
            key_lock = self._key_locks.setdefault(key, threading.Lock())
        with key_lock:  # one thread computes; the others wait for its result
            with self._lock:
                if key in self._items:
                    return self._items[key]
            value = make()
            with self._lock:
                self._items[key] = value
                while len(self._items) > self.size:
                    self._items.popitem(last=False)
                self._key_locks.pop(key, None)
            return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


def version_frames(version: DataVersion) -> dict[str, pd.DataFrame]:
    frames, problems = validate_workbook(version_workbook(version))
    raise_if_problems(problems)
    return frames


def build_version(version: DataVersion) -> MunicipalityData:
    return build(version_frames(version), source=f"dataversion {version.number}")


def load_version(factory: sessionmaker[DbSession], version_id: int) -> MunicipalityData:
    with factory() as db:
        version = db.get(DataVersion, version_id)
        if version is None:
            raise LookupError(version_id)
        return build_version(version)


# --- comparing versions ---------------------------------------------------------------------------------------


@dataclass
class TableDiff:
    sheet: str
    added: list[list[Any]]
    removed: list[list[Any]]
    changed: list[tuple[list[Any], list[tuple[str, Any, Any]]]]  # key values, (column, old, new)
    columns: list[str]
    key_columns: list[str]

    @property
    def n_changes(self) -> int:
        return len(self.added) + len(self.removed) + len(self.changed)


def diff_versions(old: DataVersion, new: DataVersion) -> list[TableDiff]:
    """Rows added, removed and changed per table, matched on each table's key."""
    old_tables = {t.table_key: t for t in old.tables}
    new_tables = {t.table_key: t for t in new.tables}
    out = []
    for spec in TABLES.values():
        a, b = old_tables.get(spec.key), new_tables.get(spec.key)
        if a is None and b is None:
            continue
        columns = list((b or a).columns)  # type: ignore[union-attr]
        key_cols = [spec.names[k] for k in spec.primary_key] or list(columns)
        idx = [columns.index(k) for k in key_cols]

        def keyed(t: DataTable | None, idx: list[int] = idx) -> dict[tuple[Any, ...], list[Any]]:
            return {} if t is None else {tuple(r[i] for i in idx): r for r in t.rows}

        ra, rb = keyed(a), keyed(b)
        added = [rb[k] for k in rb if k not in ra]
        removed = [ra[k] for k in ra if k not in rb]
        changed = []
        for k in rb:
            if k in ra and ra[k] != rb[k]:
                cells = [(c, x, y) for c, x, y in zip(columns, ra[k], rb[k], strict=False) if x != y]
                changed.append((list(k), cells))
        out.append(TableDiff(spec.sheet, added, removed, changed, columns, key_cols))
    return out
