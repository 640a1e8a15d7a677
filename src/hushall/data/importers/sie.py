r"""A small reader for SIE files, types 1–4 (the Swedish standard export of an accounting system).

SIE ("Standard Import och Export", sie.se) is a line-oriented text format. Each line is a label and its fields::

    #RAR 0 20240101 20241231
    #KONTO 8011 "Kommunalskatt"
    #UB 0 1930 64000000.00
    #RES 0 8011 -865300000.00
    #VER A 12 20240315 "Leverantörsfaktura"
    {
    #TRANS 5411 {1 "100"} 12500.00
    #TRANS 2440 {} -12500.00
    }

Fields are separated by spaces or tabs; a field with spaces is quoted (``"a b"``, ``\"`` is a quote inside a
string); an object list is written in braces (``{dimension object …}``); a voucher's transactions stand in a
``{ … }`` block after ``#VER``. The file is coded in IBM PC 8-bit extended ASCII, code page 437 (``#FORMAT PC8``).
Amounts have a decimal point and are read as :class:`decimal.Decimal`, so sums are exact to the öre.

Sign convention of SIE (as in every Swedish ledger): debit positive, credit negative. Assets and costs are
positive, liabilities, equity and revenue negative. Year numbers are relative: ``0`` is the financial year of the
file, ``-1`` the one before (``#RAR``).

Why our own reader: PyPI holds one SIE package, ``pysie-accounting`` 0.0.2 (one release, July 2024; SIE 4 only,
no object balances of SIE 3, installs a top-level ``test`` package). Depending on it would cost more than the
~250 lines below, which read SIE 1–4 and report every malformed line by number.

References
----------
SIE-gruppen, "SIE filformat, utgåva 4B" (2008) and "utgåva 4C" (2025), sie.se: labels #FLAGGA, #FORMAT,
#SIETYP, #PROGRAM, #GEN, #FNAMN, #ORGNR, #RAR, #KONTO, #KTYP, #SRU, #DIM, #UNDERDIM, #OBJEKT, #IB, #UB, #OIB,
#OUB, #RES, #PSALDO, #PBUDGET, #VER, #TRANS, #RTRANS, #BTRANS, #KSUMMA.

Examples
--------
>>> text = '#FLAGGA 0\n#SIETYP 4\n#RAR 0 20240101 20241231\n#KONTO 1930 "Bank"\n#UB 0 1930 100.50\n'
>>> sie = parse_sie(text.encode("cp437"), "ex.se")
>>> sie.sie_type, sie.years[0], sie.closing[(0, "1930")]
(4, (datetime.date(2024, 1, 1), datetime.date(2024, 12, 31)), Decimal('100.50'))
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from hushall.errors import DataValidationError, Problem

#: Object list of a balance or transaction: ((dimension, object), …).
Objects = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Transaction:
    account: str
    amount: Decimal
    objects: Objects = ()
    line: int = 0


@dataclass(frozen=True)
class Voucher:
    series: str
    number: str
    date: dt.date | None
    text: str
    transactions: tuple[Transaction, ...]
    line: int


@dataclass
class _OpenVoucher:
    """A #VER whose {…} block is being read."""

    series: str
    number: str
    date: dt.date | None
    text: str
    line: int
    transactions: list[Transaction] = field(default_factory=list)


@dataclass
class SieFile:
    """The content of one SIE file. Balances are keyed by (relative year, account)."""

    file: str
    sie_type: int | None = None
    format: str = ""
    program: str = ""
    company: str = ""
    org_number: str = ""
    years: dict[int, tuple[dt.date, dt.date]] = field(default_factory=dict)
    accounts: dict[str, str] = field(default_factory=dict)
    account_types: dict[str, str] = field(default_factory=dict)
    dimensions: dict[str, str] = field(default_factory=dict)
    objects: dict[tuple[str, str], str] = field(default_factory=dict)
    opening: dict[tuple[int, str], Decimal] = field(default_factory=dict)  # #IB
    closing: dict[tuple[int, str], Decimal] = field(default_factory=dict)  # #UB
    result: dict[tuple[int, str], Decimal] = field(default_factory=dict)  # #RES
    object_opening: dict[tuple[int, str, Objects], Decimal] = field(default_factory=dict)  # #OIB
    object_closing: dict[tuple[int, str, Objects], Decimal] = field(default_factory=dict)  # #OUB
    period_balances: dict[tuple[int, str, str, Objects], Decimal] = field(default_factory=dict)  # #PSALDO
    vouchers: list[Voucher] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def year_of(self, relative: int) -> int | None:
        """Calendar year in which financial year ``relative`` ends (``#RAR``)."""
        span = self.years.get(relative)
        return None if span is None else span[1].year

    def transaction_sums(self) -> dict[str, Decimal]:
        """Sum of the transactions of the file's vouchers per account (they all belong to year 0)."""
        sums: dict[str, Decimal] = defaultdict(Decimal)
        for v in self.vouchers:
            for t in v.transactions:
                sums[t.account] += t.amount
        return dict(sums)


_TOKEN = re.compile(r'[ \t]*(?:"((?:[^"\\]|\\.)*)"|\{([^}{]*)\}|([^ \t"{}]+))')
_ESCAPE = re.compile(r"\\([\"\\])")


def _unescape(m: re.Match[str]) -> str:
    return m.group(1)


def _tokens(text: str, inner: bool = False) -> list[str | list[str]]:
    """Split one line into plain words, quoted strings (``\\"`` unescaped) and ``{…}`` object lists."""
    if '"' not in text and "{" not in text and "}" not in text:
        return list(text.split())  # the common case, fast
    out: list[str | list[str]] = []
    pos, end = 0, len(text.rstrip())
    while pos < end:
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            rest = text[pos:].lstrip()
            if rest.startswith('"'):
                raise ValueError("en sträng saknar avslutande citattecken")
            if rest.startswith("{"):
                raise ValueError("objektlistor kan inte nästlas" if inner or "{" in rest[1:].split("}")[0]
                                 else "objektlistan saknar avslutande '}'")
            raise ValueError(f"oväntat tecken {rest[:1]!r}")
        quoted, braces, word = m.groups()
        if quoted is not None:
            out.append(_ESCAPE.sub(_unescape, quoted) if "\\" in quoted else quoted)
        elif braces is not None:
            if inner:
                raise ValueError("objektlistor kan inte nästlas")
            out.append([str(t) for t in _tokens(braces, inner=True)])
        else:
            out.append(word)
        pos = m.end()
    return out


def _amount(token: object) -> Decimal:
    if not isinstance(token, str):
        raise ValueError("belopp saknas")
    try:
        value = Decimal(token)
    except InvalidOperation:
        raise ValueError(f"'{token}' är inget belopp (decimalpunkt, t.ex. -1234.50)") from None
    if not value.is_finite():
        raise ValueError(f"'{token}' är inget belopp")
    return value


def _int(token: object, what: str) -> int:
    if isinstance(token, str) and token.lstrip("-").isdigit():
        return int(token)
    raise ValueError(f"{what} ska vara ett heltal, inte {token!r}")


def _date(token: object) -> dt.date:
    if isinstance(token, str) and len(token) == 8 and token.isdigit():
        try:
            return dt.date(int(token[:4]), int(token[4:6]), int(token[6:]))
        except ValueError:
            pass
    raise ValueError(f"{token!r} är inget datum på formen ÅÅÅÅMMDD")


def _objects(token: object) -> Objects:
    if not isinstance(token, list):
        raise ValueError("objektlista {…} saknas")
    if len(token) % 2:
        raise ValueError("objektlistan ska bestå av par: dimension objekt")
    return tuple((token[k], token[k + 1]) for k in range(0, len(token), 2))


def _account(token: object) -> str:
    if isinstance(token, str) and token.isdigit():
        return token
    raise ValueError(f"kontonummer ska vara siffror, inte {token!r}")


def decode_sie(data: bytes) -> tuple[str, str]:
    """Decode a SIE file: code page 437 by the standard; UTF-8 (with or without BOM) as some systems write it.

    Returns the text and the encoding used.

    >>> decode_sie('#FNAMN "Växjö"'.encode("cp437"))
    ('#FNAMN "Växjö"', 'cp437')
    >>> decode_sie('#FNAMN "Växjö"'.encode("utf-8"))
    ('#FNAMN "Växjö"', 'utf-8')
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8"
    if any(b >= 0x80 for b in data):
        try:
            return data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
    return data.decode("cp437"), "cp437"


_IGNORED = {"#PROGRAM", "#GEN", "#ADRESS", "#FNR", "#TAXAR", "#OMFATTN", "#KPTYP", "#VALUTA", "#PROSA",
            "#FTYP", "#BKOD", "#SRU", "#ENHET", "#UNDERDIM", "#PBUDGET", "#KSUMMA", "#RTRANS"}


def parse_sie(data: bytes, file: str) -> SieFile:
    """Parse the bytes of a SIE file; raise :class:`DataValidationError` listing every malformed line.

    ``#BTRANS`` (a removed transaction row) is skipped and ``#RTRANS`` (an added one) is followed by the same
    row as ``#TRANS``, as the standard prescribes, so only ``#TRANS`` rows count.

    Examples
    --------
    >>> bad = b'#SIETYP 4\\n#RAR 0 20240101 20241231\\n#UB 0 1930 tio\\n'
    >>> try:
    ...     parse_sie(bad, "k.se")
    ... except DataValidationError as e:
    ...     print(e.problems[0])
    k.se › rad 3: #UB: 'tio' är inget belopp (decimalpunkt, t.ex. -1234.50) [E_SIE_LINE]
    """
    text, encoding = decode_sie(data)
    sie = SieFile(file=file)
    if encoding != "cp437":
        sie.notes.append(f"Filen är kodad som {encoding}, inte PC8 (kodsida 437) som standarden föreskriver; "
                         "den lästes ändå.")
    problems: list[Problem] = []
    voucher: _OpenVoucher | None = None
    in_block = False
    seen_label = False

    def problem(number: int, label: str | None, message: str) -> None:
        text = f"{label}: {message}" if label else message
        problems.append(Problem(code="E_SIE_LINE", message=text, file=file, row=number))

    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if not stripped:
            continue
        if stripped == "{":
            if voucher is None or in_block:
                problem(number, None, "'{' utan föregående #VER.")
            else:
                in_block = True
            continue
        if stripped == "}":
            if not in_block or voucher is None:
                problem(number, None, "'}' utan öppnat verifikationsblock.")
            else:
                _close_voucher(sie, voucher, problem)
            voucher, in_block = None, False
            continue
        if not stripped.startswith("#"):
            problem(number, None, f"Raden börjar inte med en etikett (#…): {stripped[:40]!r}.")
            continue
        try:
            tokens = _tokens(stripped)
        except ValueError as exc:
            problem(number, stripped.split()[0], str(exc).capitalize() + ".")
            continue
        label = str(tokens[0]).upper()
        args = tokens[1:]
        if not seen_label and label != "#FLAGGA":
            sie.notes.append("Filen börjar inte med #FLAGGA som standarden föreskriver.")
        seen_label = True
        if voucher is not None and not in_block:
            problem(voucher.line, "#VER", "Verifikationen saknar sitt block { … } med #TRANS-rader.")
            voucher = None
        if in_block and label not in ("#TRANS", "#RTRANS", "#BTRANS"):
            problem(number, label, f"{label} står inne i ett verifikationsblock; bara #TRANS hör hemma där "
                    "(saknas '}'?).")
            continue
        try:
            voucher = _record(sie, label, args, number, voucher, in_block)
        except ValueError as exc:
            problem(number, label, str(exc)[0].upper() + str(exc)[1:] if str(exc) else "Felaktig rad.")
        except IndexError:
            problem(number, label, f"{label} har för få fält.")
    if in_block:
        problem(len(text.splitlines()), None, "Filen slutar inne i ett verifikationsblock (saknas '}').")
    if sie.sie_type is None and not problems:
        sie.notes.append("#SIETYP saknas; filen lästes som typ 4.")
    if 0 not in sie.years and not problems:
        problems.append(Problem(code="E_SIE_NO_YEAR", file=file,
                                message="#RAR 0 (räkenskapsåret) saknas, så basåret är okänt."))
    if problems:
        raise DataValidationError(problems)
    return sie


def _record(sie: SieFile, label: str, args: list[str | list[str]], number: int,
            voucher: _OpenVoucher | None, in_block: bool) -> _OpenVoucher | None:
    """Store one record; return the voucher under construction (``#VER`` starts one)."""
    if label == "#FLAGGA":
        _int(args[0], "flaggan")
    elif label == "#FORMAT":
        sie.format = str(args[0])
        if sie.format.upper() != "PC8":
            sie.notes.append(f"#FORMAT {sie.format}: standarden tillåter bara PC8.")
    elif label == "#SIETYP":
        sie.sie_type = _int(args[0], "SIE-typen")
        if sie.sie_type not in (1, 2, 3, 4):
            raise ValueError(f"okänd SIE-typ {sie.sie_type} (1–4 finns)")
    elif label == "#PROGRAM":
        sie.program = " ".join(str(a) for a in args if isinstance(a, str))
    elif label == "#FNAMN":
        sie.company = str(args[0])
    elif label == "#ORGNR":
        sie.org_number = str(args[0])
    elif label == "#RAR":
        year = _int(args[0], "årsnumret")
        start, end = _date(args[1]), _date(args[2])
        if end < start:
            raise ValueError("räkenskapsårets slut ligger före dess början")
        sie.years[year] = (start, end)
    elif label == "#KONTO":
        sie.accounts[_account(args[0])] = str(args[1]) if len(args) > 1 else ""
    elif label == "#KTYP":
        kind = str(args[1]).upper()
        if kind not in ("T", "S", "K", "I"):
            raise ValueError(f"kontotypen ska vara T, S, K eller I, inte {args[1]!r}")
        sie.account_types[_account(args[0])] = kind
    elif label == "#DIM":
        sie.dimensions[str(args[0])] = str(args[1]) if len(args) > 1 else ""
    elif label == "#OBJEKT":
        sie.objects[(str(args[0]), str(args[1]))] = str(args[2]) if len(args) > 2 else ""
    elif label in ("#IB", "#UB", "#RES"):
        year, account, amount = _int(args[0], "årsnumret"), _account(args[1]), _amount(args[2])
        target = {"#IB": sie.opening, "#UB": sie.closing, "#RES": sie.result}[label]
        target[(year, account)] = target.get((year, account), Decimal(0)) + amount
    elif label in ("#OIB", "#OUB"):
        year, account = _int(args[0], "årsnumret"), _account(args[1])
        objects, amount = _objects(args[2]), _amount(args[3])
        target2 = sie.object_opening if label == "#OIB" else sie.object_closing
        target2[(year, account, objects)] = amount
    elif label == "#PSALDO":
        year, period, account = _int(args[0], "årsnumret"), str(args[1]), _account(args[2])
        if not (len(period) == 6 and period.isdigit()):
            raise ValueError(f"perioden ska skrivas ÅÅÅÅMM, inte {period!r}")
        sie.period_balances[(year, period, account, _objects(args[3]))] = _amount(args[4])
    elif label == "#VER":
        date = _date(args[2]) if len(args) > 2 and args[2] != "" else None
        text = str(args[3]) if len(args) > 3 else ""
        return _OpenVoucher(str(args[0]), str(args[1]), date, text, number)
    elif label == "#TRANS":
        if not in_block or voucher is None:
            raise ValueError("#TRANS utanför ett verifikationsblock { … }")
        objects = _objects(args[1]) if len(args) > 1 and isinstance(args[1], list) else ()
        if len(args) < 3:
            raise ValueError("#TRANS ska ha konto, objektlista och belopp")
        voucher.transactions.append(Transaction(_account(args[0]), _amount(args[2]), objects, number))
    elif label in ("#BTRANS", "#RTRANS"):
        if not in_block:
            raise ValueError(f"{label} utanför ett verifikationsblock")
    elif label not in _IGNORED:
        sie.notes.append(f"rad {number}: okänd etikett {label} hoppades över.")
    return voucher


def _close_voucher(sie: SieFile, v: _OpenVoucher, problem: Callable[[int, str | None, str], None]) -> None:
    total = sum((t.amount for t in v.transactions), Decimal(0))
    if total != 0:
        problem(v.line, "#VER", f"Verifikation {v.series} {v.number} balanserar inte: summan av #TRANS är "
                f"{total} kr, inte 0.")
        return
    sie.vouchers.append(Voucher(v.series, v.number, v.date, v.text, tuple(v.transactions), v.line))
