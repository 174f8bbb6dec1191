import functools

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from clips import selectors, services
from clips.enums import SCORE_GUIDE, CallStatus, SelectionStatus
from clips.forms import (
    CallForm,
    CandidateFilterForm,
    NoticeCallForm,
    OverrideForm,
    ProductionForm,
    ScenarioForm,
    ScoreForm,
    SelectionForm,
    WithdrawForm,
)
from partnerships.selectors import missing_sectors
from portal.enums import Role
from portal.pdf import render_pdf
from portal.roles import is_staff_member, role_required, staff_required
from portal.web import (
    add_service_errors,
    form_status,
    paginate,
    post_action,
    querystring_without_page,
)

# Committee members are animators, staff and people with the committee role (§2.4.5); which
# calls each sits on is decided by the call's committee, in the selectors.
committee_roles = role_required(Role.STAFF, Role.ANIMATOR, Role.COMMITTEE)
selection_roles = role_required(Role.STAFF, Role.LEADER, Role.ANIMATOR)


# --- calls ---------------------------------------------------------------------------------------


@role_required(Role.STAFF, Role.ANIMATOR, Role.COMMITTEE, Role.LEADER)
def call_list(request):
    """Staff: every call. A committee member: the calls they sit on and what is left to
    score (their start page). A leader or animator: their partnerships' clips."""
    context = {
        "member_calls": selectors.member_calls(request.user),
        "own_selections": selectors.own_selections(request.user),
    }
    if is_staff_member(request.user):
        context["page"] = paginate(request, selectors.call_list(request.user))
    return render(request, "clips/call_list.html", context)


@staff_required
@require_http_methods(["GET", "POST"])
def call_create(request):
    form = CallForm(request.POST or None, initial={"clips_count": 3})
    if request.method == "POST" and form.is_valid():
        try:
            call = services.call_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The call has been created."))
            return redirect("clips:call_detail", pk=call.pk)
    return render(
        request,
        "clips/call_form.html",
        {"form": form, "title": _("New clip call")},
        status=form_status(form),
    )


@staff_required
@require_http_methods(["GET", "POST"])
def call_edit(request, pk):
    call = selectors.call_get_for_user(request.user, pk)
    form = CallForm(request.POST or None, instance=call)
    if request.method == "POST" and form.is_valid():
        try:
            services.call_update(call=call, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The call has been saved."))
            return redirect("clips:call_detail", pk=call.pk)
    return render(
        request,
        "clips/call_form.html",
        {"form": form, "call": call, "title": _("Edit the call")},
        status=form_status(form),
    )


@staff_required
def call_detail(request, pk):
    call = selectors.call_get_for_user(request.user, pk)
    return render(
        request,
        "clips/call_detail.html",
        {
            "call": call,
            "committee": selectors.committee_of(call),
            "selections": selectors.selections_of(call),
            "eligible_count": len(selectors.eligible_ids(call)),
            "is_member": selectors.is_member(call, request.user),
        },
    )


def _confirm_step(request, pk, service, template, success):
    call = selectors.call_get_for_user(request.user, pk)
    error = None
    if request.method == "POST":
        try:
            service(call=call, actor=request.user)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, success)
            return redirect("clips:call_detail", pk=call.pk)
    return render(request, template, {"call": call, "error": error}, status=form_status(error))


@staff_required
@require_http_methods(["GET", "POST"])
def call_open(request, pk):
    return _confirm_step(
        request,
        pk,
        services.call_open,
        "clips/call_open.html",
        _("The call is open; each committee member has been e-mailed."),
    )


@staff_required
@require_http_methods(["GET", "POST"])
def call_announce(request, pk):
    return _confirm_step(
        request,
        pk,
        services.call_announce,
        "clips/call_announce.html",
        _("The selected partnerships are on the public page and in the feed."),
    )


@staff_required
@require_http_methods(["GET", "POST"])
def scenario_template_edit(request, pk):
    call = selectors.call_get_for_user(request.user, pk)
    template = getattr(call, "scenario_template", None)
    form = ScenarioForm(
        request.POST or None,
        initial={"body": template.body if template else services.DEFAULT_SCENARIO},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.scenario_template_update(
                call=call, actor=request.user, body=form.cleaned_data["body"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("The template has been saved. Partnerships selected from now on get this text."),
            )
            return redirect("clips:call_detail", pk=call.pk)
    return render(
        request,
        "clips/scenario_template_form.html",
        {"form": form, "call": call},
        status=form_status(form),
    )


# --- eligibility ---------------------------------------------------------------------------------


@staff_required
def candidate_list(request, pk):
    call = selectors.call_get_for_user(request.user, pk)
    form = CandidateFilterForm(request.GET or None)
    filters = {}
    if form.is_bound and form.is_valid():
        filters = {
            "search": form.cleaned_data["q"],
            "eligibility": form.cleaned_data["eligibility"],
        }
    ids = selectors.candidate_ids(call, **filters)
    page = paginate(request, ids, rows=functools.partial(selectors.candidate_rows, call))
    return render(
        request,
        "clips/candidate_list.html",
        {
            "call": call,
            "form": form,
            "page": page,
            "querystring": querystring_without_page(request),
        },
    )


@staff_required
@require_http_methods(["GET", "POST"])
def override_edit(request, pk, partnership_pk):
    call = selectors.call_get_for_user(request.user, pk)
    partnership = selectors.candidate_get(call, partnership_pk)
    current = selectors.override_for(call, partnership)
    form = OverrideForm(
        request.POST or None, initial={"decision": current.decision if current else "include"}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.eligibility_override_set(
                call=call, partnership=partnership, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The decision has been recorded."))
            return redirect("clips:candidate_list", pk=call.pk)
    return render(
        request,
        "clips/override_form.html",
        {
            "call": call,
            "partnership": partnership,
            "form": form,
            "history": selectors.override_history(call, partnership),
        },
        status=form_status(form),
    )


# --- scoring -------------------------------------------------------------------------------------


@committee_roles
def score_list(request, pk):
    call = selectors.call_get_for_member(request.user, pk)
    page = paginate(request, selectors.candidates_for_member(call, request.user), page_first=True)
    return render(
        request,
        "clips/score_list.html",
        {
            "call": call,
            "page": page,
            "scoring_open": call.scoring_is_open(),
            "progress": selectors.scoring_progress(call, request.user),
        },
    )


@committee_roles
@require_http_methods(["GET", "POST"])
def score_edit(request, pk, partnership_pk):
    """The scoring workspace: the evidence beside the form, the member's progress in the call
    and "save and next" to the next unscored candidate."""
    call = selectors.call_get_for_member(request.user, pk)
    partnership = selectors.candidate_get_for_scoring(call, request.user, partnership_pk)
    score = selectors.own_score(call, request.user, partnership)
    initial = (
        {"progress": score.progress, "creativity": score.creativity, "comment": score.comment}
        if score
        else {}
    )
    form = ScoreForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.score_save(
                call=call, member=request.user, partnership=partnership, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Your score of %(name)s has been saved.") % {"name": partnership.name},
            )
            if "save_next" not in request.POST:
                return redirect("clips:score_edit", pk=call.pk, partnership_pk=partnership.pk)
            progress = selectors.scoring_progress(call, request.user, partnership)
            if progress.next_pk is None:
                messages.info(request, _("You have scored every candidate of this call."))
                return redirect("clips:score_list", pk=call.pk)
            return redirect("clips:score_edit", pk=call.pk, partnership_pk=progress.next_pk)
    return render(
        request,
        "clips/score_form.html",
        {
            "call": call,
            "partnership": partnership,
            "form": form,
            "score": score,
            "others": selectors.scores_visible_to(call, request.user, partnership),
            "scoring_open": call.scoring_is_open(),
            "progress": selectors.scoring_progress(call, request.user, partnership),
            "missing_sectors": missing_sectors(partnership),
            "guide": SCORE_GUIDE,
            **selectors.candidate_evidence(partnership),
        },
        status=form_status(form),
    )


@staff_required
def ranking(request, pk):
    call = selectors.call_get_for_user(request.user, pk)
    ids = selectors.ranking_ids(call)
    page = paginate(request, ids, rows=functools.partial(selectors.ranking_of, call))
    return render(
        request,
        "clips/ranking.html",
        {
            "call": call,
            "page": page,
            "rows": selectors.ranking_rows(call, page.object_list),
            "selected_count": call.selections.filter(status=SelectionStatus.SELECTED).count(),
            "scoring_open": call.scoring_is_open(),
        },
    )


# --- selection -----------------------------------------------------------------------------------


@staff_required
@require_http_methods(["GET", "POST"])
def selection_create(request, pk, partnership_pk):
    """The confirmation step of selecting a partnership."""
    call = selectors.call_get_for_user(request.user, pk)
    partnership = selectors.candidate_get(call, partnership_pk)
    # Every field is optional: an empty POST is still a confirmation.
    form = SelectionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            selection = services.selection_confirm(
                call=call, partnership=partnership, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s is selected. Phone and e-mail the leader now (§2.4.6).")
                % {"name": partnership.name},
            )
            return redirect("clips:selection_detail", pk=selection.pk)
    return render(
        request,
        "clips/selection_confirm.html",
        {"call": call, "partnership": partnership, "form": form},
        status=form_status(form),
    )


@selection_roles
def selection_detail(request, pk):
    selection = selectors.selection_get_for_user(request.user, pk)
    staff = is_staff_member(request.user)
    return render(
        request,
        "clips/selection_detail.html",
        {
            "selection": selection,
            "call": selection.call,
            "partnership": selection.partnership,
            "is_staff": staff,
            "can_edit_scenario": selectors.can_edit_scenario(request.user, selection),
            "notice_calls": selectors.notice_calls_of(selection) if staff else [],
            "history": selectors.selection_history(selection) if staff else [],
            "scenario_history": selectors.scenario_history(selection),
            "production": selectors.production_of(selection),
        },
    )


def _selection_for_staff(request, pk):
    return selectors.selection_get_for_user(request.user, pk)


@staff_required
@require_http_methods(["GET", "POST"])
def selection_withdraw(request, pk):
    selection = _selection_for_staff(request, pk)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.selection_withdraw(
                selection=selection, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The selection has been withdrawn."))
            return redirect("clips:call_detail", pk=selection.call_id)
    return render(
        request,
        "clips/selection_withdraw.html",
        {"selection": selection, "form": form},
        status=form_status(form),
    )


@staff_required
@require_http_methods(["GET", "POST"])
def notice_call_add(request, pk):
    selection = _selection_for_staff(request, pk)
    form = NoticeCallForm(
        request.POST or None,
        initial={"called_at": timezone.localtime().replace(second=0, microsecond=0)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.notice_call_log(selection=selection, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The phone call has been recorded."))
            return redirect("clips:selection_detail", pk=selection.pk)
    return render(
        request,
        "clips/notice_call_form.html",
        {"selection": selection, "form": form},
        status=form_status(form),
    )


def _post_action(request, pk, service, success):
    selection = _selection_for_staff(request, pk)
    return post_action(
        request,
        service,
        success,
        redirect("clips:selection_detail", pk=selection.pk),
        selection=selection,
    )


@staff_required
@require_POST
def selection_notify(request, pk):
    return _post_action(
        request, pk, services.selection_notify_leader, _("The leader has been e-mailed.")
    )


# --- scenario ------------------------------------------------------------------------------------


@selection_roles
@require_http_methods(["GET", "POST"])
def scenario_edit(request, pk):
    selection = selectors.selection_get_for_user(request.user, pk)
    if not selectors.can_edit_scenario(request.user, selection):
        raise PermissionDenied
    form = ScenarioForm(request.POST or None, initial={"body": selection.scenario.body})
    if request.method == "POST" and form.is_valid():
        try:
            services.scenario_update(
                selection=selection, actor=request.user, body=form.cleaned_data["body"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The scenario has been saved."))
            return redirect("clips:selection_detail", pk=selection.pk)
    return render(
        request,
        "clips/scenario_form.html",
        {"selection": selection, "form": form},
        status=form_status(form),
    )


@selection_roles
def scenario_pdf(request, pk):
    selection = selectors.selection_get_for_user(request.user, pk)
    body = render_pdf(
        "pdf/clip_scenario.html",
        {
            "selection": selection,
            "partnership": selection.partnership,
            "scenario": selection.scenario,
            "production": selectors.production_of(selection),
        },
    )
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="scenariusz-klipu-{selection.pk}.pdf"'
    return response


# --- production ----------------------------------------------------------------------------------


@staff_required
@require_http_methods(["GET", "POST"])
def production_edit(request, pk):
    selection = _selection_for_staff(request, pk)
    production = selectors.production_of(selection)
    form = ProductionForm(request.POST if request.method == "POST" else None, instance=production)
    if request.method == "POST" and form.is_valid():
        try:
            services.production_save(selection=selection, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The production has been saved."))
            return redirect("clips:selection_detail", pk=selection.pk)
    return render(
        request,
        "clips/production_form.html",
        {"selection": selection, "form": form},
        status=form_status(form),
    )


@staff_required
@require_POST
def production_introduce(request, pk):
    return _post_action(
        request,
        pk,
        services.production_introduce,
        _("The leader and the videographer have received each other's contacts."),
    )


# --- public --------------------------------------------------------------------------------------


def announcement_list(request):
    """The public announcement (§2.4.6): no login; names, places and a short description."""
    selections = list(selectors.announced_selections())
    calls = {}
    for selection in selections:
        calls.setdefault(selection.call, []).append(selection)
    return render(
        request,
        "clips/announcement_list.html",
        {"calls": list(calls.items()), "CallStatus": CallStatus},
    )
