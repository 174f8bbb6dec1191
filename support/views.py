"""Pages of the animator's support. Thin: each parses input, calls one service or selector
and renders or redirects. Outsiders get 404 (from the user's partnership selector), a
leader who may only read gets 403 on pages that change something."""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from partnerships.selectors import partnership_get_for_user
from portal import listing
from portal.enums import Role
from portal.forms import SearchFilterForm
from portal.pdf import render_pdf
from portal.roles import is_staff_member, role_required, staff_required
from portal.services import CHANGED_MEANWHILE
from portal.web import (
    add_service_errors,
    form_status,
    kept_html,
    kept_rows,
    page_of_ids,
    paginate,
    querystring_without_page,
    safe_next_url,
)
from support import selectors, services
from support.enums import (
    EVERYDAY_KINDS,
    KIND_SLUGS,
    PLAN_SECTIONS,
    SINGLE_KINDS,
    SLUG_KINDS,
    SessionKind,
    SupportStep,
)
from support.forms import (
    ContactForm,
    HourBudgetForm,
    MaterialsDispatchForm,
    MissingSectorFilterForm,
    PartnerReportForm,
    PlanActionForm,
    PlanSectionsForm,
    PotentialPartnerForm,
    PotentialPartnerJoinForm,
    SessionForm,
    SupportListFilterForm,
    WithdrawForm,
    record_form_for,
)
from support.selectors import format_minutes

SUPPORT_COLUMNS = [
    listing.Column("name", gettext_lazy("Partnership"), ("name",)),
    listing.Column("animator", gettext_lazy("Animator"), ("animator__last_name", "name")),
    listing.Column(
        "step", gettext_lazy("Step"), ("has_meeting_2", "has_meeting_1", "has_diagnosis", "name")
    ),
    listing.Column("used", gettext_lazy("Hours used"), ("used_minutes", "name")),
    listing.Column("next", gettext_lazy("Next planned meeting"), ("next_meeting_on", "name")),
]
SUPPORT_EXPORT_HEADER = [
    gettext_lazy("Partnership"),
    gettext_lazy("Lead library"),
    gettext_lazy("Animator"),
    gettext_lazy("Step"),
    gettext_lazy("Hours used (minutes)"),
    gettext_lazy("Hour budget (minutes)"),
    gettext_lazy("Diagnosis (minutes)"),
    gettext_lazy("Next planned meeting"),
]


def _support_row(partnership) -> tuple:
    return (
        partnership.name,
        partnership.lead_library.name,
        str(partnership.animator) if partnership.animator else "",
        str(SupportStep(partnership.step).label),
        partnership.used_minutes,
        partnership.budget_minutes,
        partnership.diagnosis_minutes,
        partnership.next_meeting_on,
    )


@role_required(Role.STAFF, Role.ANIMATOR)
def partnership_list(request):
    form = SupportListFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    sorting = listing.sorting(request, SUPPORT_COLUMNS, default="name")
    partnerships = sorting.apply(
        selectors.support_partnership_list(
            request.user, search=filters.get("q", ""), step=filters.get("step", "")
        )
    )
    export = listing.export_if_asked(
        request,
        partnerships,
        name="wsparcie",
        title=_("Support"),
        header=SUPPORT_EXPORT_HEADER,
        row=_support_row,
    )
    if export is not None:
        return export
    page = page_of_ids(request, partnerships)
    staff = is_staff_member(request.user)
    here = request.get_full_path()  # where "+ contact" comes back to
    rows = kept_rows(
        partnerships,
        page,
        "support/_partnership_rows.html",
        name="partnerships",
        key=(staff, here),
        context={"today": timezone.localdate(), "is_staff_member": staff, "here": here},
    )
    return render(
        request,
        "support/partnership_list.html",
        {
            "page": page,
            "rows": rows,
            "form": form,
            "sorting": sorting,
            "export_links": listing.export_links(request),
            "querystring": querystring_without_page(request),
        },
    )


@role_required(Role.STAFF, Role.ANIMATOR, Role.LEADER)
def timeline(request, pk):
    """The partnership's support: hours, next meeting, contacts, partners' reports and
    materials. What the page shows the user is kept per version of the data (the partnership
    and the user: it shows what they may do), so reading it again costs one query."""
    partnership = partnership_get_for_user(request.user, pk)
    content = kept_html(
        ("support.timeline", partnership.pk, request.user.pk),
        lambda: render_to_string(
            "support/_timeline_content.html", _timeline_context(request, partnership), request
        ),
    )
    return render(
        request,
        "support/partnership_timeline.html",
        {"partnership": partnership, "content": content},
    )


def _timeline_context(request, partnership) -> dict:
    can_act = selectors.can_act_on(request.user, partnership)
    sessions = list(selectors.sessions_of(partnership))
    for session in sessions:
        session.partnership = partnership
        session.can_change = can_act and selectors.can_change_session(request.user, session)
    state = selectors.support_state(partnership)
    return {
        "partnership": partnership,
        "sessions": sessions,
        "state": state,
        "can_act": can_act,
        "can_report": selectors.can_record_partner_report(request.user, partnership),
        # The diagnosis and the meetings have their own pages (each with its record); every
        # other contact goes through "+ contact".
        "next_kinds": [(k, KIND_SLUGS[k]) for k in state.next_kinds if k in SINGLE_KINDS]
        if can_act
        else [],
        "can_log_contact": can_act and any(state.can_log(k) for k in EVERYDAY_KINDS),
        "partner_reports": selectors.partner_reports_of(partnership),
        "materials": selectors.materials_of(partnership),
    }


def _budget_script(state, session=None) -> dict:
    """What the log page's script needs to show the time left while a length is chosen: the
    minutes left (this contact's own when editing) and the phrases in the user's language."""
    return {
        "left": state.left_minutes + (session.duration_minutes if session is not None else 0),
        "hm": _("%(hours)d h %(minutes)d min"),
        "h": _("%(hours)d h"),
        "m": _("%(minutes)d min"),
        "after": _("After this contact %(left)s will be left."),
        "over": _("This is %(over)s more than the time left."),
    }


def _session_form_page(request, *, partnership, kind=None, session=None):
    """The log pages and the edit page share one template and one flow. Without ``kind`` it is
    the "+ contact" page: the kind is chosen among those without a record.

    A new contact just like one already logged (kind, channel, date, length) is not saved at
    once: the page warns and saves when the animator confirms. After saving, the user goes
    back to the page they came from (``next``, local paths only) with the time left named."""
    data = request.POST if request.method == "POST" else None
    state = selectors.support_state(partnership)
    next_url = safe_next_url(request, reverse("support:timeline", args=[partnership.pk]))
    if kind is None:
        kinds = [k for k in EVERYDAY_KINDS if state.can_log(k)]
        form = ContactForm(data, kinds=kinds, prefix="session")
        record_form = None
        order_allows = bool(kinds)
    else:
        form = SessionForm(data, kind=kind, instance=session, prefix="session")
        record_form = record_form_for(kind, data, session)
        order_allows = session is not None or state.can_log(kind)
    forms = [f for f in (form, record_form) if f is not None]
    similar = []
    if request.method == "POST" and all(f.is_valid() for f in forms):
        logged_kind = form.cleaned_data.get("kind") or kind
        fields = {
            "channel": form.cleaned_data["channel"],
            "held_on": form.cleaned_data["held_on"],
            "duration_minutes": form.cleaned_data["duration_minutes"],
            "notes": form.cleaned_data["notes"],
            "record": record_form.cleaned_data if record_form else None,
        }
        if session is None and not request.POST.get("confirm_duplicate"):
            similar = selectors.sessions_like(
                partnership,
                kind=logged_kind,
                channel=fields["channel"],
                held_on=fields["held_on"],
                duration_minutes=fields["duration_minutes"],
            )
        if not similar:
            try:
                if session is None:
                    services.session_log(
                        partnership=partnership, actor=request.user, kind=logged_kind, **fields
                    )
                else:
                    services.session_update(session=session, actor=request.user, **fields)
            except ValidationError as exc:
                add_service_errors(forms, exc)
            except IntegrityError:
                form.add_error(None, CHANGED_MEANWHILE)
            else:
                state = selectors.support_state(partnership)
                messages.success(
                    request,
                    _(
                        "The contact has been saved. %(name)s has %(left)s of support left "
                        "(of %(budget)s)."
                    )
                    % {
                        "name": partnership.name,
                        "left": format_minutes(state.left_minutes),
                        "budget": format_minutes(state.budget_minutes),
                    },
                )
                return redirect(next_url)
    record_kinds = []
    if kind is None:
        record_kinds = [(k, KIND_SLUGS[k]) for k in SINGLE_KINDS if state.can_log(k)]
    return render(
        request,
        "support/session_form.html",
        {
            "partnership": partnership,
            "kind": SessionKind(kind) if kind else None,
            "session": session,
            "form": form,
            "record_form": record_form,
            "state": state,
            "order_allows": order_allows,
            "record_kinds": record_kinds,
            "similar": similar,
            "next_url": next_url,
            # The diagnosis is outside the 16 hours (§2.1.4): no time left to show for it.
            "in_budget": kind is None or selectors.counts_toward_budget(kind),
            "budget_script": _budget_script(state, session),
        },
        status=form_status(*forms),
    )


@role_required(Role.STAFF, Role.ANIMATOR)
@require_http_methods(["GET", "POST"])
def contact_log(request, pk):
    """ "+ contact": a contact without a record (remote support, help with the summary or the
    plan) in one page, from the list of partnerships or the timeline."""
    partnership = selectors.partnership_get_for_acting(request.user, pk)
    return _session_form_page(request, partnership=partnership)


@role_required(Role.STAFF, Role.ANIMATOR)
@require_http_methods(["GET", "POST"])
def session_log(request, pk, kind):
    partnership = selectors.partnership_get_for_acting(request.user, pk)
    if kind not in SLUG_KINDS:
        raise Http404
    return _session_form_page(request, partnership=partnership, kind=SLUG_KINDS[kind])


@role_required(Role.STAFF, Role.ANIMATOR)
@require_http_methods(["GET", "POST"])
def session_edit(request, pk, session_pk):
    partnership = selectors.partnership_get_for_acting(request.user, pk)
    session = selectors.session_get_for_change(request.user, partnership, session_pk)
    return _session_form_page(request, partnership=partnership, kind=session.kind, session=session)


@role_required(Role.STAFF, Role.ANIMATOR)
@require_http_methods(["GET", "POST"])
def session_withdraw(request, pk, session_pk):
    """Confirmation page; the session stays, marked as withdrawn, its time freed."""
    partnership = selectors.partnership_get_for_acting(request.user, pk)
    session = selectors.session_get_for_change(request.user, partnership, session_pk)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.session_withdraw(
                session=session, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_service_errors([form], exc)
        else:
            messages.success(request, _("The contact has been withdrawn; its time is free again."))
            return redirect("support:timeline", pk=partnership.pk)
    return render(
        request,
        "support/session_withdraw.html",
        {"partnership": partnership, "session": session, "form": form},
        status=form_status(form),
    )


@role_required(Role.STAFF, Role.ANIMATOR, Role.LEADER)
@require_http_methods(["GET", "POST"])
def partner_report_edit(request, pk, partner_pk):
    partnership = selectors.partnership_get_for_partner_reports(request.user, pk)
    partner = selectors.partner_get_active(partnership, partner_pk)
    instance = getattr(partner, "support_report", None)  # None before the first report
    form = PartnerReportForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            services.partner_report_save(partner=partner, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors([form], exc)
        else:
            messages.success(request, _("The partner's report has been saved."))
            return redirect("support:timeline", pk=partnership.pk)
    return render(
        request,
        "support/partner_report_form.html",
        {"partnership": partnership, "partner": partner, "form": form},
        status=form_status(form),
    )


@staff_required
@require_http_methods(["GET", "POST"])
def materials_add(request, pk):
    partnership = partnership_get_for_user(request.user, pk)
    form = MaterialsDispatchForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.materials_dispatch_record(
                partnership=partnership, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors([form], exc)
        else:
            messages.success(request, _("The materials sent have been recorded."))
            return redirect("support:timeline", pk=partnership.pk)
    return render(
        request,
        "support/materials_form.html",
        {"partnership": partnership, "form": form},
        status=form_status(form),
    )


@staff_required
@require_http_methods(["GET", "POST"])
def hour_budget_edit(request, pk):
    """Staff change a partnership's hour budget with the reason (§2.1.4); the earlier changes
    are listed with their reasons."""
    partnership = partnership_get_for_user(request.user, pk)
    state = selectors.support_state(partnership)
    form = HourBudgetForm(
        request.POST or None, initial={"hours": Decimal(state.budget_minutes) / 60}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.hour_budget_set(
                partnership=partnership,
                actor=request.user,
                minutes=form.minutes,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("The hour budget of %(name)s is %(budget)s now.")
                % {"name": partnership.name, "budget": format_minutes(form.minutes)},
            )
            return redirect("support:timeline", pk=partnership.pk)
    return render(
        request,
        "support/hour_budget_form.html",
        {
            "partnership": partnership,
            "form": form,
            "state": state,
            "changes": selectors.hour_budget_history(partnership),
        },
        status=form_status(form),
    )


@role_required(Role.STAFF, Role.ANIMATOR, Role.LEADER)
def materials_file(request, pk, dispatch_pk):
    """The attachment of materials sent, to those who see the partnership (404 for others)."""
    partnership = partnership_get_for_user(request.user, pk)
    dispatch = selectors.materials_dispatch_get(partnership, dispatch_pk)
    if not dispatch.attachment:
        raise Http404
    return FileResponse(
        dispatch.attachment.open("rb"),
        as_attachment=True,
        filename=dispatch.attachment.name.rsplit("/", 1)[-1],
    )


MATERIALS_COLUMNS = [
    listing.Column("name", gettext_lazy("Partnership"), ("name",)),
    listing.Column("library", gettext_lazy("Lead library"), ("lead_library__name", "name")),
    listing.Column("status", gettext_lazy("Status"), ("status", "name")),
    listing.Column("animator", gettext_lazy("Animator"), ("animator__last_name", "name")),
]
MATERIALS_EXPORT_HEADER = [
    gettext_lazy("Partnership"),
    gettext_lazy("Lead library"),
    gettext_lazy("Status"),
    gettext_lazy("Animator"),
]


def _materials_row(partnership) -> tuple:
    return (
        partnership.name,
        partnership.lead_library.name,
        partnership.get_status_display(),
        str(partnership.animator) if partnership.animator else "",
    )


@staff_required
def materials_list(request):
    form = SearchFilterForm(request.GET or None)
    search = form.cleaned_data["q"] if form.is_bound and form.is_valid() else ""
    sorting = listing.sorting(request, MATERIALS_COLUMNS, default="name")
    partnerships = sorting.apply(selectors.partnerships_without_materials(search=search))
    export = listing.export_if_asked(
        request,
        partnerships,
        name="bez-materialow",
        title=_("Materials before support"),
        header=MATERIALS_EXPORT_HEADER,
        row=_materials_row,
    )
    if export is not None:
        return export
    page = paginate(request, partnerships)
    return render(
        request,
        "support/materials_list.html",
        {
            "page": page,
            "recent": selectors.recent_materials()[:10],
            "form": form,
            "sorting": sorting,
            "export_links": listing.export_links(request),
            "querystring": querystring_without_page(request),
        },
    )


@staff_required
def missing_sector_list(request):
    """The partnerships behind the dashboard's figure: a sector missing, candidates from it in
    view (§1.2, §2.1.1); the dashboard's filters apply."""
    form = MissingSectorFilterForm(request.GET or None)
    page = paginate(
        request,
        selectors.partnerships_missing_sectors_with_candidates(**form.filters()),
        page_first=True,
    )
    for partnership in page.object_list:
        partnership.sectors_in_view = selectors.sectors_in_view(partnership)
    return render(
        request,
        "support/missing_sector_list.html",
        {"form": form, "page": page, "querystring": querystring_without_page(request)},
    )


# --- the development plan (§2.1.4) ----------------------------------------------------------
# The partnership's leader and animator work on it; staff may read and correct it. Outsiders
# get 404 (their partnership selector), other roles 403.

PLAN_ROLES = (Role.STAFF, Role.ANIMATOR, Role.LEADER)


@role_required(*PLAN_ROLES)
def plan_detail(request, pk):
    partnership = selectors.partnership_get_for_plan(request.user, pk)
    plan = selectors.plan_of(partnership)
    context = {"partnership": partnership, "plan": plan}
    if plan is not None:
        context.update(
            content=selectors.plan_display(selectors.plan_snapshot(plan)),
            empty_sections=[
                selectors.plan_section_label(k) for k in selectors.plan_empty_sections(plan)
            ],
            side=selectors.plan_side(request.user, partnership),
            versions_count=plan.versions.count(),
        )
    return render(request, "support/plan_detail.html", context)


@role_required(*PLAN_ROLES)
@require_POST
def plan_start(request, pk):
    partnership = selectors.partnership_get_for_plan(request.user, pk)
    services.plan_start(partnership=partnership, actor=request.user)
    return redirect("support:plan_edit", pk=partnership.pk)


@role_required(*PLAN_ROLES)
@require_http_methods(["GET", "POST"])
def plan_edit(request, pk):
    """The sections. A save over someone else's newer text is refused; the page then shows
    their text next to the user's, and the form carries the new version for the next try."""
    partnership = selectors.partnership_get_for_plan(request.user, pk)
    plan = selectors.plan_get(partnership)
    form = PlanSectionsForm(request.POST or None, instance=plan)
    theirs = None
    status = 200
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.plan_sections_save(
                plan=plan, actor=request.user, version=form.cleaned_data["version"], **data
            )
        except services.PlanConflict as exc:
            # Read their text before the new form's cleaning copies the user's onto the object.
            their_texts = {key: getattr(exc.current, key) for key in PLAN_SECTIONS}
            posted = request.POST.copy()
            posted["version"] = str(exc.current.version)
            form = PlanSectionsForm(posted, instance=exc.current)
            form.is_valid()
            form.add_error(None, exc.messages)
            theirs = [
                (
                    form[key],
                    their_texts[key],
                    their_texts[key].strip() == (posted.get(key) or "").strip(),
                )
                for key in PLAN_SECTIONS
            ]
            status = 409
        except ValidationError as exc:
            add_service_errors([form], exc)
            status = 400
        else:
            messages.success(request, _("The plan has been saved."))
            return redirect("support:plan_detail", pk=partnership.pk)
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "support/plan_edit.html",
        {"partnership": partnership, "plan": plan, "form": form, "theirs": theirs},
        status=status,
    )


def _plan_action_page(request, partnership, plan, action=None):
    form = PlanActionForm(
        request.POST or None,
        instance=action,
        partners=selectors.plan_partner_choices(partnership),
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            if action is None:
                services.plan_action_add(plan=plan, actor=request.user, **form.cleaned_data)
            else:
                services.plan_action_update(action=action, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors([form], exc)
            status = 400
        else:
            messages.success(request, _("The action has been saved."))
            return redirect("support:plan_detail", pk=partnership.pk)
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "support/plan_action_form.html",
        {"partnership": partnership, "plan": plan, "action": action, "form": form},
        status=status,
    )


@role_required(*PLAN_ROLES)
@require_http_methods(["GET", "POST"])
def plan_action_add(request, pk):
    partnership = selectors.partnership_get_for_plan(request.user, pk)
    return _plan_action_page(request, partnership, selectors.plan_get(partnership))


@role_required(*PLAN_ROLES)
@require_http_methods(["GET", "POST"])
def plan_action_edit(request, pk, action_pk):
    partnership = selectors.partnership_get_for_plan(request.user, pk)
    plan = selectors.plan_get(partnership)
    return _plan_action_page(request, partnership, plan, selectors.plan_action_get(plan, action_pk))


@role_required(*PLAN_ROLES)
@require_http_methods(["GET", "POST"])
def plan_action_remove(request, pk, action_pk):
    """Confirmation page."""
    partnership = selectors.partnership_get_for_plan(request.user, pk)
    plan = selectors.plan_get(partnership)
    action = selectors.plan_action_get(plan, action_pk)
    if request.method == "POST":
        services.plan_action_remove(action=action, actor=request.user)
        messages.success(request, _("The action has been removed from the plan."))
        return redirect("support:plan_detail", pk=partnership.pk)
    return render(
        request,
        "support/plan_action_remove.html",
        {"partnership": partnership, "plan": plan, "action": action},
    )


@role_required(*PLAN_ROLES)
@require_POST
def plan_agree(request, pk):
    partnership = selectors.partnership_get_for_plan(request.user, pk)
    plan = selectors.plan_get(partnership)
    try:
        revision = int(request.POST.get("revision", ""))
    except ValueError:
        revision = -1
    try:
        version = services.plan_agree(plan=plan, actor=request.user, revision=revision)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        if version is None:
            messages.success(
                request,
                _("Your agreement is recorded. The plan is agreed when the other side agrees too."),
            )
        else:
            messages.success(
                request,
                _("Both sides have agreed: version %(number)s of the plan is kept.")
                % {"number": version.number},
            )
    return redirect("support:plan_detail", pk=partnership.pk)


@role_required(*PLAN_ROLES)
def plan_version_list(request, pk):
    partnership = selectors.partnership_get_for_plan(request.user, pk)
    plan = selectors.plan_get(partnership)
    page = paginate(request, selectors.plan_versions_of(plan))
    return render(
        request,
        "support/plan_version_list.html",
        {"partnership": partnership, "plan": plan, "page": page},
    )


@role_required(*PLAN_ROLES)
def plan_version_detail(request, pk, number):
    partnership = selectors.partnership_get_for_plan(request.user, pk)
    version = selectors.plan_version_get(selectors.plan_get(partnership), number)
    return render(
        request,
        "support/plan_version_detail.html",
        {
            "partnership": partnership,
            "version": version,
            "content": selectors.plan_display(version.snapshot),
        },
    )


def _pdf_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@role_required(*PLAN_ROLES)
def plan_version_pdf(request, pk, number):
    partnership = selectors.partnership_get_for_plan(request.user, pk)
    version = selectors.plan_version_get(selectors.plan_get(partnership), number)
    body = render_pdf(
        "pdf/development_plan.html",
        {"version": version, "content": selectors.plan_display(version.snapshot)},
    )
    return _pdf_response(body, f"plan-rozwoju-{partnership.pk}-wersja-{version.number}.pdf")


@role_required(*PLAN_ROLES)
def meetings_summary_pdf(request, pk):
    partnership = selectors.partnership_get_for_plan(request.user, pk)
    body = render_pdf("pdf/meetings_summary.html", selectors.meetings_summary(partnership))
    return _pdf_response(body, f"podsumowanie-spotkan-{partnership.pk}.pdf")


# --- potential partners (§1.2, §2.1.1) --------------------------------------------------------

potential_partner_roles = role_required(Role.STAFF, Role.ANIMATOR, Role.LEADER)


@potential_partner_roles
def potential_partner_list(request, pk):
    partnership = selectors.partnership_get_for_potential_partners(request.user, pk)
    return render(
        request,
        "support/potential_partner_list.html",
        {
            "partnership": partnership,
            "pipeline": selectors.potential_partner_pipeline(partnership),
        },
    )


def _potential_partner_form_page(request, *, partnership, candidate=None):
    can_note_help = selectors.can_note_animator_help(request.user, partnership)
    form = PotentialPartnerForm(
        request.POST or None, instance=candidate, can_note_help=can_note_help
    )
    if request.method == "POST" and form.is_valid():
        try:
            if candidate is None:
                services.potential_partner_add(
                    partnership=partnership, actor=request.user, **form.cleaned_data
                )
            else:
                services.potential_partner_update(
                    candidate=candidate, actor=request.user, **form.cleaned_data
                )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The potential partner has been saved."))
            return redirect("support:potential_partner_list", pk=partnership.pk)
    return render(
        request,
        "support/potential_partner_form.html",
        {"partnership": partnership, "candidate": candidate, "form": form},
        status=form_status(form),
    )


@potential_partner_roles
@require_http_methods(["GET", "POST"])
def potential_partner_add(request, pk):
    partnership = selectors.partnership_get_for_potential_partners(request.user, pk)
    return _potential_partner_form_page(request, partnership=partnership)


@potential_partner_roles
@require_http_methods(["GET", "POST"])
def potential_partner_edit(request, pk, candidate_pk):
    partnership = selectors.partnership_get_for_potential_partners(request.user, pk)
    candidate = selectors.potential_partner_get(partnership, candidate_pk)
    if candidate.has_joined:
        messages.info(request, _("This institution has joined the partnership."))
        return redirect("support:potential_partner_list", pk=partnership.pk)
    return _potential_partner_form_page(request, partnership=partnership, candidate=candidate)


@potential_partner_roles
@require_http_methods(["GET", "POST"])
def potential_partner_join(request, pk, candidate_pk):
    partnership = selectors.partnership_get_for_potential_partners(request.user, pk)
    candidate = selectors.potential_partner_get(partnership, candidate_pk)
    if candidate.has_joined:
        messages.info(request, _("This institution has already joined the partnership."))
        return redirect("support:potential_partner_list", pk=partnership.pk)
    form = PotentialPartnerJoinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.potential_partner_join(
                candidate=candidate, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except IntegrityError:
            form.add_error(None, CHANGED_MEANWHILE)
        else:
            messages.success(
                request,
                _("%(name)s is now a partner of the partnership.") % {"name": candidate.name},
            )
            return redirect("support:potential_partner_list", pk=partnership.pk)
    return render(
        request,
        "support/potential_partner_join.html",
        {"partnership": partnership, "candidate": candidate, "form": form},
        status=form_status(form),
    )
