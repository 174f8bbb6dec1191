"""A small streaming XLSX writer for large exports (``portal.spreadsheets`` calls it).

openpyxl's write-only mode builds a cell object and an XML element per value; on our hardware
that took about 25 s for 30,000 sessions (390,000 cells), five times the target, with or
without lxml. XlsxWriter in constant-memory mode (``strings_to_formulas`` off) was measured
against this writer on the 30,000 support sessions of data set L (the sessions export, rows
read from SQLite included): 1.95–2.02 s of CPU and 6.8–10.5 s wall on the shared 2-core
machine (it writes every row through a temporary file) for a 1.42 MB file, 79 MB peak; this
writer 0.51 s of CPU and 1.5–3.2 s wall for 1.69 MB, 78 MB peak. ``make bench``'s
``bench_export`` gives 1.4–2.6 s and 82 MB for the whole XLSX download under the same load.
So we keep this one: it emits the SpreadsheetML of each row as text straight into the zip
member, one row at a time, so memory stays flat.

It writes what our exports hold: text (as inline strings), integers, decimals, dates and
times (as Excel serial numbers with a date format), booleans and empty cells, a bold header
row and frozen first row. Reading back (openpyxl, Excel, LibreOffice) is tested."""

import datetime
import math
import re
import zipfile
from collections.abc import Iterable
from decimal import Decimal
from typing import NamedTuple
from xml.sax.saxutils import escape

from django.utils import timezone

QUOTE = {'"': "&quot;"}
EPOCH = datetime.datetime(1899, 12, 30)
# Serial numbers mean one day only from 1 March 1900 (Excel's 1900 leap-year bug) to 9999;
# outside that a date is written as ISO text.
FIRST_DAY, LAST_DAY = datetime.date(1900, 3, 1), datetime.date(9999, 12, 31)
# Style indexes in styles.xml below: 0 plain, 1 bold (header), 2 date, 3 date and time.
BOLD, DATE, DATETIME = 1, 2, 3
# Characters XML 1.0 cannot carry.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

OOXML = "application/vnd.openxmlformats-officedocument.spreadsheetml"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{OOXML}.sheet.main+xml"/>'
    f'<Override PartName="/xl/styles.xml" ContentType="{OOXML}.styles+xml"/>'
    "{sheets}</Types>"
)
SHEET_TYPE = (
    '<Override PartName="/xl/worksheets/sheet{n}.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    "<sheets>{sheets}</sheets></workbook>"
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    "{sheets}"
    '<Relationship Id="rIdStyles" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/styles" Target="styles.xml"/></Relationships>'
)
STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd hh:mm"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
SHEET_START = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
    'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
    '<sheetFormatPr defaultRowHeight="15"/>{cols}<sheetData>'
)
SHEET_END = "</sheetData></worksheet>"


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def local(value):
    """An aware datetime as the wall-clock time in Warsaw, without the zone: spreadsheets and
    CSV files know no zones, and a UTC time shown as local is an hour or two off."""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def _text(value: str) -> str:
    return escape(_ILLEGAL.sub("", value))


def _inline(ref: str, text: str, s: str = "") -> str:
    # An inline string is text whatever it starts with: "=1+1" is never a formula here.
    return f'<c r="{ref}" t="inlineStr"{s}><is><t xml:space="preserve">{_text(text)}</t></is></c>'


def _cell(ref: str, value, style: int = 0) -> str:
    """One ``<c>`` element; empty for ``None``."""
    if value is None or value == "":
        return ""
    s = f' s="{style}"' if style else ""
    if value is True or value is False:
        return f'<c r="{ref}" t="b"{s}><v>{int(value)}</v></c>'
    if isinstance(value, int | float | Decimal):
        if not math.isfinite(value):
            return ""
        return f'<c r="{ref}"{s}><v>{value}</v></c>'
    if isinstance(value, datetime.datetime):
        value = local(value)
        if not FIRST_DAY <= value.date() <= LAST_DAY:
            return _inline(ref, value.isoformat(sep=" ", timespec="minutes"), s)
        delta = value - EPOCH
        serial = delta.days + delta.seconds / 86400  # whole seconds, as shown
        return f'<c r="{ref}" s="{DATETIME}"><v>{serial!r}</v></c>'
    if isinstance(value, datetime.date):
        if not FIRST_DAY <= value <= LAST_DAY:
            return _inline(ref, value.isoformat(), s)
        return f'<c r="{ref}" s="{DATE}"><v>{(value - EPOCH.date()).days}</v></c>'
    return _inline(ref, str(value), s)


def _cut(name: str, limit: int) -> str:
    """``name`` in at most ``limit`` characters, cut between words where it can be."""
    if len(name) <= limit:
        return name
    head = name[: limit + 1]
    if " " in head.strip():
        head = head[: head.rstrip().rfind(" ")]
    return head[:limit].rstrip(" -–,.;")


def _sheet_name(title: str, used: set) -> str:
    name = _cut(" ".join(re.sub(r"[\[\]:*?/\\]", " ", str(title)).split()), 31) or "Sheet"
    base, n = name, 2
    while name.lower() in used:
        suffix = f" ({n})"
        name, n = _cut(base, 31 - len(suffix)) + suffix, n + 1
    used.add(name.lower())
    return name


def _cols(widths: Iterable[float]) -> str:
    cols = "".join(
        f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
        for i, w in enumerate(widths, start=1)
    )
    return f"<cols>{cols}</cols>" if cols else ""


class Sheet(NamedTuple):
    """One worksheet: ``rows`` are consumed once, as they come. Without ``widths`` a column is
    as wide as its heading (10 to 50 characters)."""

    title: str
    header: list
    rows: Iterable[tuple]
    widths: tuple | None = None


def write(handle, sheets: Iterable[Sheet | tuple]) -> None:
    """Write the sheets as an XLSX file into the binary ``handle``; rows are consumed one at
    a time."""
    names: list[str] = []
    used: set = set()
    with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for number, sheet in enumerate(sheets, start=1):
            title, header, rows, widths = Sheet(*sheet)
            header = [str(label) for label in header]
            if widths is None:
                widths = [min(max(len(label) + 2, 10), 50) for label in header]
            names.append(_sheet_name(title, used))
            with z.open(f"xl/worksheets/sheet{number}.xml", "w", force_zip64=True) as out:
                out.write(SHEET_START.format(cols=_cols(widths)).encode())
                letters = [column_letter(i) for i in range(len(header))]
                cells = "".join(
                    _cell(f"{letters[i]}1", label, BOLD) for i, label in enumerate(header)
                )
                out.write(f'<row r="1">{cells}</row>'.encode())
                buffer = []
                for r, row in enumerate(rows, start=2):
                    while len(letters) < len(row):
                        letters.append(column_letter(len(letters)))
                    cells = "".join(_cell(f"{letters[i]}{r}", value) for i, value in enumerate(row))
                    buffer.append(f'<row r="{r}">{cells}</row>')
                    if len(buffer) >= 500:
                        out.write("".join(buffer).encode())
                        buffer = []
                out.write(("".join(buffer) + SHEET_END).encode())
        z.writestr(
            "[Content_Types].xml",
            CONTENT_TYPES.format(
                sheets="".join(SHEET_TYPE.format(n=n) for n in range(1, len(names) + 1))
            ),
        )
        z.writestr("_rels/.rels", ROOT_RELS)
        z.writestr(
            "xl/workbook.xml",
            WORKBOOK.format(
                sheets="".join(
                    f'<sheet name="{escape(name, QUOTE)}" sheetId="{n}" r:id="rId{n}"/>'
                    for n, name in enumerate(names, start=1)
                )
            ),
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            WORKBOOK_RELS.format(
                sheets="".join(
                    f'<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/'
                    f'officeDocument/2006/relationships/worksheet" '
                    f'Target="worksheets/sheet{n}.xml"/>'
                    for n in range(1, len(names) + 1)
                )
            ),
        )
        z.writestr("xl/styles.xml", STYLES)
