"""Small helpers that views of every app share."""

from collections.abc import Callable, Sequence

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import EmptyResultSet, FullResultSet, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

from portal import figures


class _Paginator(Paginator):
    """Django's paginator, with a queryset's count kept for the current version of the data
    (``portal.figures``): counting every row of a list on each request grows with the data."""

    @cached_property
    def count(self):
        items = self.object_list
        if not isinstance(items, QuerySet):
            return len(items)
        try:
            key = ("portal.web.count", str(items.query))
        except (EmptyResultSet, FullResultSet):  # .none() and the like: nothing to keep
            return items.count()
        return figures.cached(key, items.count)


def paginate(
    request,
    items,
    per_page: int | None = None,
    *,
    param: str = "page",
    page_first: bool = False,
    rows: Callable[[list], Sequence] | None = None,
):
    """The requested page (the number in ``request.GET[param]``); a missing, malformed or
    too-large number gives the nearest page.

    The page can be taken before its rows are read, so that what is computed per row (a
    correlated subquery, an ``Exists``) is computed for the page's rows only, never for the
    whole table (PostgreSQL hashes such a subquery over every row of a table when it expects
    to need most of them):

    - ``page_first=True`` with a queryset: the ids of the page are read first (a query that
      the ordering's index answers), then the same queryset is read for those ids;
    - ``rows`` with a list of ids (``portal.figures`` keeps such lists): ``rows(ids)`` reads
      the page's rows.

    Either way the rows keep the order of the ids."""
    queryset = items if page_first else None
    if queryset is not None:
        items = queryset.values_list("pk", flat=True)
    paginator = _Paginator(items, per_page or settings.PAGINATE_BY)
    page = paginator.get_page(request.GET.get(param))
    if queryset is not None or rows is not None:
        ids = list(page.object_list)
        found = queryset.filter(pk__in=ids) if queryset is not None else rows(ids)
        by_pk = {row.pk: row for row in found}
        page.object_list = [by_pk[pk] for pk in ids if pk in by_pk]
    return page


def add_service_errors(forms, exc: ValidationError) -> None:
    """Show a service's ValidationError on a form (or on the first of a list of forms that has
    the field it names): next to that field, otherwise above the first form."""
    forms = list(forms) if isinstance(forms, list | tuple) else [forms]
    if not hasattr(exc, "error_dict"):
        forms[0].add_error(None, exc.messages)
        return
    for name, errors in exc.error_dict.items():
        target = next((f for f in forms if name in f.fields), None)
        (target or forms[0]).add_error(name if target else None, errors)


def querystring_without_page(request, param: str = "page") -> str:
    params = request.GET.copy()
    params.pop(param, None)
    return params.urlencode()


def form_status(*forms_or_errors) -> int:
    """400 when a submitted form comes back with errors, or a page shows a refusal message
    (bad input is a 4xx), else 200. Takes forms and error messages (``None`` when none)."""
    for item in forms_or_errors:
        if hasattr(item, "errors"):
            if item.is_bound and item.errors:
                return 400
        elif item:
            return 400
    return 200


def post_action(request, service, success_message, redirect_to, **objects):
    """A button's POST: run ``service(**objects, actor=request.user)``, show its refusal or
    ``success_message``, and go back to ``redirect_to`` either way."""
    try:
        service(**objects, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, success_message)
    return redirect_to
