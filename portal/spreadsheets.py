"""Every spreadsheet and CSV file the portal hands out is written here, so that each opens
right on a double click in the programs people use (Excel and LibreOffice in Polish).

XLSX (``portal.xlsx``): text is always text (an inline string, so ``=1+1`` typed by a user is
shown, never computed), numbers are numbers, dates and times are dates (``yyyy-mm-dd``,
``yyyy-mm-dd hh:mm``), times are Warsaw wall-clock times, the header row is bold and frozen,
sheet names are cut between words. The file is written row by row into a temporary file and
sent in blocks (``FileResponse``), which closes and so deletes it.

CSV, two dialects:

- ``PEOPLE`` (``.csv`` links): what a Polish Excel opens on a double click. Fields separated
  by a semicolon (the Polish list separator), decimal commas (``4,5``), UTF-8 with a
  byte-order mark (without it Excel reads Polish letters as Windows-1250), CRLF line ends.
  LibreOffice asks for the separator on opening: choose the semicolon.
- ``DATA`` (``dane/….csv`` links): for programs (R, pandas, a database). Commas, decimal
  points, UTF-8 without a byte-order mark, times in ISO 8601 with their offset.

In both, a text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
gets a leading apostrophe, so no spreadsheet ever runs it as a formula (OWASP "CSV
injection"). Both stream: rows are formatted as they come, a few hundred per chunk.
"""

import csv
import datetime
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone

from portal import xlsx
from portal.xlsx import Sheet

__all__ = ["DATA", "PEOPLE", "Sheet", "csv_lines", "csv_response", "write_xlsx", "xlsx_response"]

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOM = "\ufeff"
# What a spreadsheet would take for the start of a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Personal data: kept by no cache between the portal and the person who downloaded it.
NO_STORE = "private, no-store"


@dataclass(frozen=True)
class Dialect:
    name: str
    delimiter: str
    decimal: str
    bom: bool
    content_type: str

    def number(self, value) -> str:
        return str(value).replace(".", self.decimal)


PEOPLE = Dialect("people", ";", ",", True, "text/csv; charset=utf-8")
DATA = Dialect("data", ",", ".", False, "text/csv; charset=utf-8; header=present")


def guard(text: str) -> str:
    """Text that a spreadsheet would run as a formula stays text."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _csv_value(value, dialect: Dialect) -> str:
    if value is None:
        return ""
    if value is True or value is False:
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float | Decimal):
        return dialect.number(value)
    if isinstance(value, datetime.datetime):
        if dialect is DATA:
            moment = timezone.localtime(value) if timezone.is_aware(value) else value
            return moment.isoformat(timespec="seconds")
        return xlsx.local(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return guard(str(value))


class _Line:
    """A file-like object whose ``write`` hands back what it was given: csv.writer formats a
    row, we yield the text."""

    def write(self, value):
        return value


def csv_lines(header: list, rows: Iterable[tuple], dialect: Dialect = PEOPLE) -> Iterator[bytes]:
    """Encoded CSV lines, the first with the byte-order mark where the dialect has one. Rows
    are batched so that a response chunk is a few kilobytes, not one line."""
    writer = csv.writer(_Line(), delimiter=dialect.delimiter, lineterminator="\r\n")
    first = writer.writerow([guard(str(label)) for label in header])
    yield ((BOM if dialect.bom else "") + first).encode("utf-8")
    batch = []
    for row in rows:
        batch.append(writer.writerow([_csv_value(v, dialect) for v in row]))
        if len(batch) >= 500:
            yield "".join(batch).encode("utf-8")
            batch = []
    if batch:
        yield "".join(batch).encode("utf-8")


def write_xlsx(sheets: Iterable[Sheet | tuple]):
    """Write the sheets into a temporary file; return it, rewound. The file is deleted when
    closed (``FileResponse`` closes it)."""
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (closed by the response)
    xlsx.write(handle, sheets)
    handle.seek(0)
    return handle


def xlsx_response(sheets: Iterable[Sheet | tuple], *, filename: str) -> FileResponse:
    """An XLSX download of ``sheets``, sent in blocks from a temporary file."""
    response = FileResponse(
        write_xlsx(sheets), as_attachment=True, filename=filename, content_type=XLSX_TYPE
    )
    response["Cache-Control"] = NO_STORE
    return response


def csv_response(
    header: list, rows: Iterable[tuple], *, filename: str, dialect: Dialect = PEOPLE
) -> StreamingHttpResponse:
    """A streamed CSV download in ``dialect``."""
    response = StreamingHttpResponse(
        csv_lines(header, rows, dialect), content_type=dialect.content_type
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = NO_STORE
    return response
