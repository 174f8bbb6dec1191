"""Helpers that views of every app share: pagination, service errors on a form, a form's
status, and the page where staff write one message to many."""

import hashlib
import uuid
from collections.abc import Callable, Sequence

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import EmptyResultSet, FullResultSet, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response
from django.utils.functional import cached_property
from django.utils.http import parse_http_date_safe, url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal import figures, mail, services
from portal.forms import StaffMessageForm


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
    if page_first:
        page = page_of_ids(request, items, per_page, param=param)
        page.object_list = rows_of_ids(items, page.object_list)
        return page
    page = _Paginator(items, per_page or settings.PAGINATE_BY).get_page(request.GET.get(param))
    if rows is not None:
        ids = list(page.object_list)
        by_pk = {row.pk: row for row in rows(ids)}
        page.object_list = [by_pk[pk] for pk in ids if pk in by_pk]
    return page


def page_of_ids(request, queryset: QuerySet, per_page: int | None = None, *, param="page"):
    """The requested page of ``queryset``'s ids, in its order (one query that the ordering's
    index answers, the count kept per version of the data): for a page whose rows are read
    only when their HTML is not kept (``kept_html``), with ``rows_of_ids``."""
    paginator = _Paginator(queryset.values_list("pk", flat=True), per_page or settings.PAGINATE_BY)
    page = paginator.get_page(request.GET.get(param))
    page.object_list = list(page.object_list)
    return page


def rows_of_ids(queryset: QuerySet, ids: Sequence[int]) -> list:
    """``queryset``'s rows of ``ids``, in the order of ``ids`` (one query)."""
    by_pk = {row.pk: row for row in queryset.filter(pk__in=ids)}
    return [by_pk[pk] for pk in ids if pk in by_pk]


def kept_rows(
    queryset: QuerySet,
    page,
    template: str,
    *,
    name: str,
    key: tuple = (),
    prepare: Callable[[list], list] | None = None,
    context: dict | None = None,
) -> SafeString:
    """A list page's rows (``page`` from ``page_of_ids``), rendered by ``template`` with the
    rows as ``name`` and kept (``kept_html``): the rows are read (``rows_of_ids``, then
    ``prepare``) only when their HTML is not kept. ``key`` adds what the rows show that is
    not data, and ``context`` gives it to the template."""

    def render() -> str:
        rows = rows_of_ids(queryset, page.object_list)
        if prepare is not None:
            rows = prepare(rows)
        return render_to_string(template, {name: rows, **(context or {})})

    return kept_html((template, tuple(page.object_list), *key), render)


def kept_html(key: tuple, render: Callable[[], str]) -> SafeString:
    """HTML rendered once per version of the data (``portal.figures``): a page's rows or a
    timeline, which took most of a list page's time (a 25-row page of partnerships renders in
    about 30 ms at data set L, its kept rows are read in well under one). ``render()`` gives
    the HTML; ``key`` names the fragment and everything it shows that is not data: the ids of
    the rows, the user when it shows what they may do. The reader's language and the date are
    added here. The HTML must hold nothing tied to one request or session (no CSRF token: see
    ``events.views._with_csrf_token`` for a form inside kept HTML). What changes with the time
    of day rather than the data ("open until 12:00") goes into the key too (the event list's
    phases); kept HTML is also dropped ``FIGURES_CACHE_SECONDS`` after it was rendered, so a
    time-bound permission shown as a button (an animator edits a contact for 30 days) is at
    most that late, and the action itself checks again."""
    key = ("html", translation.get_language(), timezone.localdate().isoformat(), *key)
    return mark_safe(figures.cached(key, lambda: str(render()), alias="fragments"))  # noqa: S308


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


def conditional_get(request, response):
    """Give a finished (not streamed) response a strong ``ETag``, a hash of its body, and
    answer 304 when the client's copy matches it or its ``Last-Modified``: feed readers and
    calendar apps poll, and most polls find nothing new."""
    etag = '"' + hashlib.sha256(response.content).hexdigest()[:32] + '"'
    response["ETag"] = etag
    last_modified = parse_http_date_safe(response.get("Last-Modified", ""))
    not_modified = get_conditional_response(
        request, etag=etag, last_modified=last_modified, response=response
    )
    return not_modified or response


def safe_next_url(request, default: str) -> str:
    """The ``next`` address sent with the form (or in the query) when it is a path on this
    site, else ``default``. Only a local path is followed: never another host or scheme, nor a
    protocol-relative ``//host``, so the parameter cannot send a user away (open redirect)."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if (
        candidate.startswith("/")
        and not candidate.startswith(("//", "/\\"))
        and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return candidate
    return default


# --- a message from staff to many (the apps' pages call this) ---------------------------------

RECIPIENTS_SHOWN = 100


def staff_message_page(request, *, recipients, audience, back_url: str, switch=(), title: str = ""):
    """The page where staff write to many: ``recipients`` (``portal.mail.Recipient``) as the
    app found them, ``audience`` saying who they are, ``switch`` other audiences as
    ``(label, url, active)``, ``title`` the heading when it is not "Write to many".
    "Preview" shows the rendered e-mail and the count; "Send"
    queues one e-mail per address (``services.staff_message_send``) and goes back."""
    distinct = mail.distinct_recipients(recipients)
    data = None
    if request.method == "POST":
        data = request.POST.copy()
        data["once"] = data.get("once") or uuid.uuid4().hex  # the preview keeps it for Send
    form = StaffMessageForm(data, initial={"once": uuid.uuid4().hex})
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if "send" in request.POST:
            try:
                count = services.staff_message_send(
                    actor=request.user,
                    recipients=distinct,
                    subject=data["subject"],
                    body=data["body"],
                    once=data["once"],
                )
            except services.AlreadyDone:
                messages.info(request, _("This message has been sent already; not again."))
                return redirect(back_url)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    ngettext(
                        "The message is on its way to %(count)d person.",
                        "The message is on its way to %(count)d people.",
                        count,
                    )
                    % {"count": count},
                )
                return redirect(back_url)
        else:
            context = services.staff_message_context(
                actor=request.user, subject=data["subject"], body=data["body"]
            )
            subject, text, _html = mail.render("staff_message", context, settings.LANGUAGE_CODE)
            preview = {"subject": subject, "text": text}
    return render(
        request,
        "portal/staff_message_form.html",
        {
            "form": form,
            "audience": audience,
            "switch": switch,
            "recipients": distinct,
            "shown": distinct[:RECIPIENTS_SHOWN],
            "preview": preview,
            "back_url": back_url,
            "title": title,
        },
        status=form_status(form),
    )
