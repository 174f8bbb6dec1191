"""Staff pages of the reports app. Every view is staff only (403 for others)."""

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseBadRequest, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from partnerships.enums import Round
from partnerships.selectors import message_recipients, partnership_get_for_user, staff_overview
from portal import listing, spreadsheets
from portal.pdf import render_pdf
from portal.roles import staff_required
from portal.web import (
    kept_rows,
    page_of_ids,
    paginate,
    querystring_without_page,
    staff_message_page,
)
from reports import exports, funder, selectors, services
from reports.enums import ExportFormat, WorkAction
from reports.forms import (
    AnonymiseForm,
    BehindTableForm,
    DashboardFilterForm,
    FunderReportForm,
    PersonSearchForm,
)
from support.enums import BehindReason


def _filter_form(request) -> DashboardFilterForm:
    """The filter form, bound when any filter is in the address; unknown values are reported
    once as a message and ignored."""
    keys = {"round", "voivodeship", "animator"}
    form = DashboardFilterForm(request.GET if keys & set(request.GET) else None)
    if form.is_bound and not form.is_valid():
        messages.warning(
            request,
            _("These filters were not understood and were ignored: %(names)s.")
            % {"names": ", ".join(form.ignored_labels())},
        )
    return form


def _filter_querystring(form) -> str:

    params = QueryDict(mutable=True)
    filters = form.filters()
    if filters.round:
        params["round"] = filters.round
    if filters.voivodeship:
        params["voivodeship"] = filters.voivodeship
    if filters.animator_id:
        params["animator"] = filters.animator_id
    return params.urlencode()


@staff_required
def dashboard(request):
    form = _filter_form(request)
    filters = form.filters()
    table = BehindTableForm(request.GET)
    reason, sort = table.value("reason"), table.value("sort")
    ids = selectors.behind_ids(filters, reason=reason, sort=sort)
    page = paginate(request, ids, rows=selectors.behind_rows)
    figures = selectors.dashboard(filters)
    context = {
        "form": form,
        "page": page,
        "querystring": querystring_without_page(request),
        # The long tables have pages of their own, so the page renders a bounded number of
        # rows however large the programme.
        "events_page": paginate(
            request,
            selectors.events_with_registrations(filters),
            param="events_page",
            page_first=True,
        ),
        "events_querystring": querystring_without_page(request, "events_page"),
        "animators_page": paginate(request, figures["hours_by_animator"], param="animators_page"),
        "animators_querystring": querystring_without_page(request, "animators_page"),
        "filter_querystring": _filter_querystring(form),
        "reason": reason,
        "sort": sort or selectors.DEFAULT_BEHIND_SORT,
        "reason_choices": table.fields["reason"].choices,
        "exports": exports.available_exports(),
        "today": timezone.localdate(),
        **figures,
    }
    return render(request, "reports/dashboard.html", context)


# What resolves each reason a partnership is behind, from the worklist; a reason registered
# without one opens the support timeline, where the animator's work shows.
ACTION_OF_REASON = {
    BehindReason.NO_ANIMATOR: WorkAction.ASSIGN,
    BehindReason.NO_DIAGNOSIS: WorkAction.TIMELINE,
    BehindReason.NO_CONTACT: WorkAction.TIMELINE,
    BehindReason.MEETING_2_MISSING: WorkAction.TIMELINE,
    BehindReason.NO_PLAN: WorkAction.WRITE_TO_LEADER,
}


def _action_url(action: WorkAction, partnership) -> str:
    if action == WorkAction.ASSIGN:
        return reverse("animator_assign", args=[partnership.pk])
    if action == WorkAction.MATERIALS:
        return reverse("support:materials_add", args=[partnership.pk])
    if action == WorkAction.WRITE_TO_LEADER:
        return reverse("reports:leader_message", args=[partnership.pk])
    return reverse("support:timeline", args=[partnership.pk])


def _worklist_actions(partnership) -> list[tuple[str, str]]:
    """``(label, url)`` of what resolves the row's reasons, each once, then "record the
    materials sent" while none are recorded (§2.5.1)."""
    wanted = [ACTION_OF_REASON.get(item.code, WorkAction.TIMELINE) for item in partnership.overdue]
    if not partnership.has_materials:
        wanted.append(WorkAction.MATERIALS)
    if partnership.leader is None:  # nobody to write to
        wanted = [action for action in wanted if action != WorkAction.WRITE_TO_LEADER]
    seen = list(dict.fromkeys(wanted))
    return [(action.label, _action_url(action, partnership)) for action in seen]


@staff_required
def worklist(request):
    """The staff's start page: the partnerships behind and why, for how many days, who
    animates them and what resolves it; counts per reason, narrowed by ``?reason=``."""
    form = _filter_form(request)
    filters = form.filters()
    table = BehindTableForm(request.GET)
    reason, sort = table.value("reason"), table.value("sort")
    today = timezone.localdate()
    ids = selectors.behind_ids(filters, reason=reason, sort=sort)
    page = paginate(request, ids, rows=lambda page_ids: selectors.worklist_rows(page_ids, today))
    for partnership in page:
        partnership.actions = _worklist_actions(partnership)
    overview = staff_overview()
    context = {
        "form": form,
        "page": page,
        "querystring": querystring_without_page(request),
        "filter_querystring": _filter_querystring(form),
        "reason": reason,
        "sort": sort or selectors.DEFAULT_BEHIND_SORT,
        "behind_counts": selectors.behind_counts_kept(filters),
        "applications_to_decide": overview["applications_to_decide"],
        "pending_invitations": overview["pending_invitations"],
        "missing_sector_count": overview["missing_sector_count"],
        "today": today,
    }
    return render(request, "reports/worklist.html", context)


@staff_required
@require_http_methods(["GET", "POST"])
def leader_message(request, pk):
    """Write to one partnership's leader (the worklist's "write to the leader"): preview,
    then the outbox (``portal.web.staff_message_page``)."""
    partnership = partnership_get_for_user(request.user, pk)
    return staff_message_page(
        request,
        recipients=message_recipients([partnership]),
        audience=_("The leader of the partnership %(name)s.") % {"name": partnership.name},
        back_url=reverse("reports:worklist"),
        title=_("Write to the leader"),
    )


@staff_required
def participation(request):
    form = _filter_form(request)
    filters = form.filters()
    page = paginate(request, selectors.participation_list(filters), page_first=True)
    return render(
        request,
        "reports/participation_list.html",
        {
            "form": form,
            "page": page,
            "querystring": querystring_without_page(request),
            "filter_querystring": _filter_querystring(form),
            "totals": selectors.participation_totals(filters),
        },
    )


@staff_required
def export(request, name, fmt):
    """A streamed download of one export, narrowed by the dashboard's filters: CSV for
    people (``;``, decimal comma), CSV for programs (``dane/…csv``) or XLSX."""
    definition = exports.available_exports().get(name)
    if definition is None or fmt not in ExportFormat.values:
        raise Http404
    form = DashboardFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        # A file download cannot show a message beside it: refuse, saying what was wrong.
        return HttpResponseBadRequest(
            _("These filters were not understood: %(names)s. Nothing was exported.")
            % {"names": ", ".join(form.ignored_labels())},
            content_type="text/plain; charset=utf-8",
        )
    stamp = timezone.localdate().isoformat()
    header, rows = definition.header(), definition.rows(form.filters())
    if fmt == ExportFormat.XLSX:
        return spreadsheets.xlsx_response(
            [spreadsheets.Sheet(definition.label, header, rows)], filename=f"{name}-{stamp}.xlsx"
        )
    if fmt == ExportFormat.DATA_CSV:
        return spreadsheets.csv_response(
            header, rows, filename=f"{name}-{stamp}-dane.csv", dialect=spreadsheets.DATA
        )
    return spreadsheets.csv_response(header, rows, filename=f"{name}-{stamp}.csv")


@staff_required
def funder_report(request):
    form = FunderReportForm(request.GET or None)
    context = {"form": form}
    if form.is_bound and form.is_valid():
        context["round"] = form.cleaned_data["round"]
        context["figures_html"] = funder.figures_html(context["round"])
    return render(request, "reports/funder_report.html", context)


def _funder_round(round_number) -> int:
    if round_number not in Round.values:
        raise Http404
    return round_number


@staff_required
def funder_report_pdf(request, round_number):
    report = funder.report(_funder_round(round_number))
    body = render_pdf("pdf/funder_report.html", {"report": report})
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="raport-runda-{round_number}.pdf"'
    return response


@staff_required
def funder_report_xlsx(request, round_number):
    report = funder.report(_funder_round(round_number))
    return spreadsheets.xlsx_response(
        funder.sheets(report), filename=f"raport-runda-{round_number}.xlsx"
    )


PERSON_COLUMNS = [
    listing.Column("name", gettext_lazy("Person"), ("last_name", "first_name")),
    listing.Column("partnership", gettext_lazy("Partnership"), ("partnership__name", "last_name")),
    listing.Column("consent", gettext_lazy("Consent given"), ("consent_given_at",)),
]
PERSON_EXPORT_HEADER = [
    gettext_lazy("First name"),
    gettext_lazy("Last name"),
    gettext_lazy("Institution"),
    gettext_lazy("Partnership"),
    gettext_lazy("E-mail"),
    gettext_lazy("Phone"),
    gettext_lazy("Consent given"),
    gettext_lazy("Removed from the list"),
    gettext_lazy("Anonymised"),
]


def _person_row(person) -> tuple:
    anonymised = person.anonymised_at is not None
    return (
        person.first_name,
        person.last_name,
        person.institution.name,
        person.partnership.name,
        "" if anonymised else person.email,
        "" if anonymised else person.phone,
        person.consent_given_at,
        person.archived_at,
        person.anonymised_at,
    )


@staff_required
def person_list(request):
    form = PersonSearchForm(request.GET or None)
    search = form.cleaned_data["q"] if form.is_valid() else ""
    sorting = listing.sorting(request, PERSON_COLUMNS, default="name")
    people = sorting.apply(selectors.person_list(search=search))
    export = listing.export_if_asked(
        request,
        people,
        name="osoby",
        title=_("People"),
        header=PERSON_EXPORT_HEADER,
        row=_person_row,
    )
    if export is not None:
        return export
    page = page_of_ids(request, people)
    rows = kept_rows(people, page, "reports/_person_rows.html", name="people")
    return render(
        request,
        "reports/person_list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "sorting": sorting,
            "export_links": listing.export_links(request),
            "querystring": querystring_without_page(request),
        },
    )


@staff_required
def person_data_export(request, pk):
    person = selectors.person_get(pk)
    data = selectors.person_data(person)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="osoba-{person.pk}.json"'
    return response


@staff_required
@require_http_methods(["GET", "POST"])
def person_anonymise(request, pk):
    person = selectors.person_get(pk)
    if person.anonymised_at is not None:
        messages.info(request, _("This person has already been anonymised; nothing was changed."))
        return redirect("reports:person_list")
    form = AnonymiseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_anonymise(person=person, actor=request.user)
        except ValidationError as exc:
            messages.info(request, " ".join(exc.messages))
            return redirect("reports:person_list")
        messages.success(
            request,
            _("The personal data of person #%(pk)s were removed; their counts stay.")
            % {"pk": person.pk},
        )
        return redirect("reports:person_list")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "reports/person_anonymise.html", {"person": person, "form": form}, status=status
    )


@staff_required
def partnership_history(request, pk):
    partnership = partnership_get_for_user(request.user, pk)
    page = paginate(request, selectors.partnership_history(partnership.pk))
    entries = selectors.history_entries(list(page.object_list))
    return render(
        request,
        "reports/partnership_history.html",
        {
            "partnership": partnership,
            "page": page,
            "entries": entries,
            "querystring": querystring_without_page(request),
        },
    )


@staff_required
def person_history(request, pk):
    person = selectors.person_get(pk)
    page = paginate(request, selectors.person_history(person.pk))
    entries = selectors.history_entries(list(page.object_list))
    return render(
        request,
        "reports/person_history.html",
        {
            "person": person,
            "page": page,
            "entries": entries,
            "querystring": querystring_without_page(request),
        },
    )
