"""What every list page offers the same way: columns sorted by a click on their heading, the
filters and the sorting kept in the address (pagination keeps them too), and "export this
view": the same rows, filtered and sorted, as CSV (Polish Excel) or XLSX, written by
``portal.spreadsheets``.

A view declares its sortable columns (``Column``: a key for the address, the heading and the
fields to order by) and calls ``sorting(request, columns, default=…)``; only those keys are
accepted, anything else in ``?sort=`` leaves the default order, without an error. The
template renders headings with ``{% sort_header sorting "key" %}`` (``aria-sort`` on the
sorted one) and the filter bar with ``{% include "includes/filter_bar.html" %}``.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from portal import spreadsheets

SORT_PARAM = "sort"
EXPORT_PARAM = "eksport"
EXPORT_FORMATS = ("csv", "xlsx")


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    order: tuple[str, ...]  # order_by fields, ascending; "pk" is always added last


@dataclass(frozen=True)
class Sorting:
    columns: dict[str, Column]
    key: str
    descending: bool
    params: object  # the request's QueryDict

    def apply(self, qs: QuerySet) -> QuerySet:
        fields = self.columns[self.key].order
        if self.descending:
            fields = tuple(f[1:] if f.startswith("-") else f"-{f}" for f in fields)
        return qs.order_by(*fields, "-pk" if self.descending else "pk")

    def header(self, key: str) -> dict:
        """What a heading needs: its label, the address that sorts by it (ascending, or
        descending when it is already sorted ascending) and its ``aria-sort``."""
        current = key == self.key
        params = self.params.copy()
        params.pop("page", None)
        params.pop(EXPORT_PARAM, None)
        params[SORT_PARAM] = f"-{key}" if current and not self.descending else key
        aria = ""
        if current:
            aria = "descending" if self.descending else "ascending"
        return {"label": self.columns[key].label, "url": "?" + params.urlencode(), "aria": aria}


def sorting(request, columns: list[Column], *, default: str) -> Sorting:
    """The sorting asked for in ``?sort=key`` or ``?sort=-key`` (descending); a key not
    among ``columns`` gives ``default`` (itself "key" or "-key")."""
    by_key = {column.key: column for column in columns}
    wanted = request.GET.get(SORT_PARAM, "")
    if wanted.removeprefix("-") not in by_key:
        wanted = default
    return Sorting(by_key, wanted.removeprefix("-"), wanted.startswith("-"), request.GET)


def export_format(request) -> str:
    """ "csv" or "xlsx" when the view is asked for as a file (``?eksport=``), else ""."""
    fmt = request.GET.get(EXPORT_PARAM, "")
    return fmt if fmt in EXPORT_FORMATS else ""


def export_response(fmt: str, *, name: str, title: str, header: list, rows: Iterable[tuple]):
    """The file of the view: ``rows`` (plain values, in the list's order) under ``header``,
    named ``name-YYYY-MM-DD.csv|xlsx``; both are streamed."""
    filename = f"{name}-{timezone.localdate().isoformat()}.{fmt}"
    if fmt == "xlsx":
        return spreadsheets.xlsx_response(
            [spreadsheets.Sheet(str(title), header, rows)], filename=filename
        )
    return spreadsheets.csv_response(header, rows, filename=filename)


def export_links(request) -> list[tuple[str, str]]:
    """``(format, address)`` of "export this view": the address with its filters and
    sorting, without the page."""
    links = []
    for fmt in EXPORT_FORMATS:
        params = request.GET.copy()
        params.pop("page", None)
        params[EXPORT_PARAM] = fmt
        links.append((fmt, "?" + params.urlencode()))
    return links


def export_if_asked(request, qs: QuerySet, *, name: str, title, header: list, row: Callable):
    """The file of the view when the request asks for one (``?eksport=csv|xlsx``), else
    None: ``row(obj)`` of every object of ``qs`` (already filtered and sorted)."""
    fmt = export_format(request)
    if not fmt:
        return None
    return export_response(
        fmt, name=name, title=title, header=[str(h) for h in header], rows=rows_of(qs, row)
    )


def rows_of(qs: QuerySet, row: Callable, chunk_size: int = 2000) -> Iterable[tuple]:
    """``row(obj)`` for each object of ``qs``, read in chunks (a long export is not held in
    memory); ``qs`` carries the select_related its rows need."""
    for obj in qs.iterator(chunk_size=chunk_size):
        yield row(obj)
