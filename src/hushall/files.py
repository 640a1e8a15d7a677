"""Writing output files safely: whole or not at all, with ordinary permissions, never over the user's input.

Every file Hushåll writes goes through :func:`atomic_path`: the content is written to a temporary file in the same
folder and renamed over the target only when complete, so an error or an interrupt never leaves half a file and
never destroys the file that was there. The file gets the permissions any program's new file gets (``0666``
less the umask, usually ``0644``), not the ``0600`` of a temporary file.

The command line registers the files it read (:func:`protect`); an output that would replace one of them is
refused with a clear message, so ``hushall optimize plan.xlsx --out .`` cannot overwrite the workbook with the
optimiser's ``plan.xlsx``.

Examples
--------
>>> import pathlib, tempfile
>>> target = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
>>> with atomic_path(target) as tmp:
...     _ = tmp.write_text("hej", encoding="utf-8")
>>> target.read_text(encoding="utf-8"), oct(target.stat().st_mode & 0o777) == oct(0o666 & ~process_umask())
('hej', True)
>>> with atomic_path(target, overwrite=False) as tmp:
...     _ = tmp.write_text("ny", encoding="utf-8")
Traceback (most recent call last):
...
hushall.errors.OutputExistsError: Filen finns redan: a.txt. ...
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from hushall.errors import OutputExistsError


def process_umask() -> int:
    """The process's umask, read without changing it where the system allows (Linux), else set and restored."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except OSError:
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_protected: set[Path] = set()


def protect(path: str | Path) -> None:
    """Never let an output replace ``path`` (an input file, or every file of an input folder) in this process."""
    _protected.add(Path(path).resolve())


def _is_protected(target: Path) -> Path | None:
    resolved = target.resolve()
    for p in _protected:
        if resolved == p or resolved.parent == p:
            return p
        if target.exists() and p.exists() and p.is_file() and os.path.samefile(target, p):
            return p  # the same file by another name (a link, or another case on a case-insensitive disk)
    return None


def check_target(path: str | Path, *, overwrite: bool = True) -> Path:
    """``path`` if an output may be written there (call before costly work); else :class:`OutputExistsError`."""
    target = Path(path)
    hit = _is_protected(target)
    if hit is not None:
        raise OutputExistsError(
            f"Utdata skulle skriva över indata: {target} ({'i mappen ' if hit.is_dir() else ''}{hit}). "
            "Välj en annan mapp för utdata (--out) eller ett annat filnamn.")
    if not overwrite and target.exists():
        raise OutputExistsError(f"Filen finns redan: {target.name}. Ange ett annat filnamn, eller --force för att "
                                "skriva över den.")
    return target


@contextmanager
def atomic_path(path: str | Path, *, overwrite: bool = True) -> Iterator[Path]:
    """A temporary path beside ``path`` that becomes ``path`` when the block succeeds (removed otherwise).

    ``overwrite=False``: refuse (:class:`OutputExistsError`) when ``path`` exists, also when it appears while the
    block runs. A protected input (:func:`protect`) is never replaced.
    """
    target = check_target(path, overwrite=overwrite)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=target.suffix or ".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.chmod(tmp, 0o666 & ~process_umask())  # mkstemp creates 0600; outputs are ordinary files
        if overwrite:
            os.replace(tmp, target)
        else:
            try:
                os.link(tmp, target)  # fails if the file appeared meanwhile; never replaces it
            except FileExistsError:
                raise OutputExistsError(f"Filen finns redan: {target.name}. Ange ett annat filnamn, eller --force "
                                        "för att skriva över den.") from None
    finally:
        tmp.unlink(missing_ok=True)


def write_bytes_atomic(path: str | Path, content: bytes, *, overwrite: bool = True) -> Path:
    """Write ``content`` to ``path`` through :func:`atomic_path`."""
    with atomic_path(path, overwrite=overwrite) as tmp:
        tmp.write_bytes(content)
    return Path(path)


def check_output_folder(out: str | Path) -> Path:
    """``out`` as a folder for outputs: refused when it is a file or a protected input folder."""
    folder = Path(out)
    if folder.exists() and not folder.is_dir():
        raise OutputExistsError(f"{folder} är en fil, inte en mapp. Ange en mapp för utdata med --out.")
    resolved = folder.resolve()
    if resolved in _protected and resolved.is_dir():
        raise OutputExistsError(f"{folder} är mappen med indata. Skriv utdata till en annan mapp (--out), så att "
                                "utdatafilerna inte blandas med (eller skriver över) kommunens CSV-filer.")
    return folder


__all__ = ["atomic_path", "check_output_folder", "check_target", "process_umask", "protect",
           "write_bytes_atomic"]
