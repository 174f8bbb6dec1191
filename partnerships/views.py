from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods

from partnerships import selectors, services
from partnerships.enums import ApplicationStatus
from partnerships.forms import (
    AnimatorAssignForm,
    ApplicationCallForm,
    ApplicationDecisionForm,
    ApplicationFilterForm,
    ApplicationForm,
    InstitutionForm,
    InvitationAcceptForm,
    InvitationForm,
    OTPTokenForm,
    PartnerForm,
    PartnerLeaveForm,
    PartnershipFilterForm,
    PartnershipForm,
    PersonForm,
    ReminderPreferencesForm,
)
from portal import calendar, hooks, listing, otp
from portal import selectors as portal_selectors
from portal import services as portal_services
from portal.enums import Role
from portal.forms import SearchFilterForm
from portal.mail import absolute_url
from portal.roles import is_staff_member, role_required, staff_required, user_roles
from portal.services import CHANGED_MEANWHILE
from portal.web import (
    add_service_errors,
    form_status,
    kept_rows,
    page_of_ids,
    paginate,
    querystring_without_page,
    staff_message_page,
)


@login_required
def home(request):
    """Each role starts where its daily work is."""
    roles = user_roles(request.user)
    if Role.STAFF in roles:  # reports/: the worklist, who is behind and what resolves it
        return redirect("reports:worklist")
    if Role.ANIMATOR in roles:
        return redirect("support:partnership_list")  # logging support is their daily work
    if Role.LEADER in roles:
        partnerships = list(selectors.partnerships_for_user(request.user).only("pk")[:2])
        if len(partnerships) == 1:
            return redirect("partnership_detail", pk=partnerships[0].pk)
        return redirect("partnership_list")
    if Role.COMMITTEE in roles:  # clips/: the calls the member sits on, what is left to score
        return redirect("clips:call_list")
    return render(request, "partnerships/home.html", {"roles": roles})


@staff_required
def staff_home(request):
    context = selectors.staff_overview()
    return render(request, "partnerships/staff_home.html", context)


def _list_filters(request) -> tuple[PartnershipFilterForm, dict]:
    """The partnership list's filter form and the filters it gives (none when invalid)."""
    show_animator = is_staff_member(request.user)
    params = request.GET.copy()
    params.pop(MESSAGE_AUDIENCE_PARAM, None)
    form = PartnershipFilterForm(params or None, show_animator=show_animator)
    filters = {}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = {
            "search": data["q"],
            "round": data["round"],
            "status": data["status"],
            "coverage": data["coverage"],
            "voivodeship": data["voivodeship"],
            "animator_id": data.get("animator"),
        }
    return form, filters


PARTNERSHIP_COLUMNS = [
    listing.Column("name", gettext_lazy("Partnership"), ("name",)),
    listing.Column("library", gettext_lazy("Lead library"), ("lead_library__name",)),
    listing.Column("round", gettext_lazy("Round"), ("round", "name")),
    listing.Column("status", gettext_lazy("Status"), ("status", "name")),
    listing.Column(
        "animator", gettext_lazy("Animator"), ("animator__last_name", "animator__first_name")
    ),
]


PARTNERSHIP_EXPORT_HEADER = [
    gettext_lazy("Partnership"),
    gettext_lazy("Lead library"),
    gettext_lazy("Commune"),
    gettext_lazy("Voivodeship"),
    gettext_lazy("Round"),
    gettext_lazy("Status"),
    gettext_lazy("Missing sectors"),
    gettext_lazy("Animator"),
    gettext_lazy("Library leader"),
]


def _partnership_row(partnership) -> tuple:
    library = partnership.lead_library
    return (
        partnership.name,
        library.name,
        library.commune,
        library.get_voivodeship_display(),
        partnership.get_round_display(),
        partnership.get_status_display(),
        ", ".join(str(sector.label) for sector in selectors.missing_sectors(partnership)),
        str(partnership.animator) if partnership.animator else "",
        str(partnership.leader) if partnership.leader else "",
    )


@role_required(Role.STAFF, Role.ANIMATOR, Role.LEADER)
def partnership_list(request):
    """Filtered, sorted by a column, a page at a time or the whole view as a file; each
    user's own partnerships only (``partnership_list`` starts from their selector)."""
    form, filters = _list_filters(request)
    sorting = listing.sorting(request, PARTNERSHIP_COLUMNS, default="name")
    partnerships = sorting.apply(selectors.partnership_list(user=request.user, **filters))
    export = listing.export_if_asked(
        request,
        partnerships,
        name="partnerstwa",
        title=_("Partnerships"),
        header=PARTNERSHIP_EXPORT_HEADER,
        row=_partnership_row,
    )
    if export is not None:
        return export
    page = page_of_ids(request, partnerships)
    rows = kept_rows(
        partnerships,
        page,
        "partnerships/_partnership_rows.html",
        name="partnerships",
        prepare=selectors.with_programme_paths,
    )
    return render(
        request,
        "partnerships/partnership_list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "sorting": sorting,
            "export_links": listing.export_links(request),
            "querystring": querystring_without_page(request),
        },
    )


# The page for writing to many: ``?do=animatorzy`` writes to the animators, else the leaders.
MESSAGE_AUDIENCE_PARAM = "do"
MESSAGE_TO_ANIMATORS = "animatorzy"
MESSAGE_TO_LEADERS = "liderzy"


@staff_required
@require_http_methods(["GET", "POST"])
def partnership_message(request):
    """Write to the leaders (or the animators) of the partnerships the list's filters select
    (``portal.views.staff_message_page``: preview, count, then the outbox)."""
    _form, filters = _list_filters(request)
    partnerships = list(selectors.partnership_list(user=request.user, **filters))
    animators = request.GET.get(MESSAGE_AUDIENCE_PARAM) == MESSAGE_TO_ANIMATORS
    params = request.GET.copy()
    params.pop(MESSAGE_AUDIENCE_PARAM, None)
    filters_qs = params.urlencode()
    here = reverse("partnership_message")
    switch = [
        (label, f"{here}?{filters_qs}&{MESSAGE_AUDIENCE_PARAM}={value}", active)
        for label, value, active in (
            (_("Leaders"), MESSAGE_TO_LEADERS, not animators),
            (_("Animators"), MESSAGE_TO_ANIMATORS, animators),
        )
    ]
    if animators:
        audience = ngettext(
            "The animators of %(count)d partnership of the list (with its filters).",
            "The animators of %(count)d partnerships of the list (with its filters).",
            len(partnerships),
        )
    else:
        audience = ngettext(
            "The leaders of %(count)d partnership of the list (with its filters).",
            "The leaders of %(count)d partnerships of the list (with its filters).",
            len(partnerships),
        )
    audience %= {"count": len(partnerships)}
    return staff_message_page(
        request,
        recipients=selectors.message_recipients(partnerships, animators=animators),
        audience=audience,
        back_url=f"{reverse('partnership_list')}?{filters_qs}",
        switch=switch,
    )


@role_required(Role.STAFF, Role.ANIMATOR, Role.LEADER)
def partnership_detail(request, pk):
    partnership = selectors.partnership_get_for_user(request.user, pk)
    staff = is_staff_member(request.user)
    return render(
        request,
        "partnerships/partnership_detail.html",
        {
            "partnership": partnership,
            "partners": selectors.partners_of(partnership),
            "people": selectors.people_of(partnership),
            "missing_sectors": selectors.missing_sectors(partnership),
            # Beside the sector badges: what the other apps add (support: the pipeline).
            "sector_panels": hooks.sector_panels(request.user, partnership),
            "programme_path": selectors.programme_paths([partnership])[partnership.pk],
            "can_edit": selectors.can_edit_partnership(request.user, partnership),
            # The leader's start page: what is open for them in the other apps.
            "todos": hooks.leader_todos(request.user, partnership)
            if partnership.leader_id == request.user.pk
            else [],
            # Staff see what the portal e-mailed about the partnership (portal's outbox).
            "messages_sent": (portal_selectors.messages_about(partnership) if staff else None),
            "about_key": portal_selectors.about_key(partnership),
        },
    )


@role_required(Role.STAFF, Role.LEADER)
@require_http_methods(["GET", "POST"])
def partnership_edit(request, pk):
    partnership = selectors.partnership_get_for_editing(request.user, pk)
    form = PartnershipForm(request.POST or None, instance=partnership)
    if request.method == "POST" and form.is_valid():
        try:
            services.partnership_update(partnership=partnership, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The partnership has been saved."))
            return redirect("partnership_detail", pk=partnership.pk)
    return render(
        request,
        "partnerships/partnership_edit.html",
        {"partnership": partnership, "form": form},
        status=form_status(form),
    )


@staff_required
@require_http_methods(["GET", "POST"])
def animator_assign(request, pk):
    """Staff assign the animator, or change or remove them: replacing the animator who works
    with the partnership asks for confirmation first (the page shows who is replaced)."""
    partnership = selectors.partnership_get_for_user(request.user, pk)
    form = AnimatorAssignForm(
        request.POST or None,
        initial={"animator": partnership.animator_id, "assigned_on": timezone.localdate()},
    )
    confirm = ""
    if request.method == "POST" and form.is_valid():
        animator = form.cleaned_data["animator"]
        replaces = partnership.animator_id is not None and partnership.animator_id != (
            animator.pk if animator else None
        )
        # The confirmation names the animator it was given for: a choice changed on the
        # confirmation page asks again.
        choice = str(animator.pk) if animator else "none"
        if replaces and request.POST.get("confirm") != choice:
            confirm = choice
        else:
            try:
                services.partnership_assign_animator(
                    partnership=partnership,
                    actor=request.user,
                    animator=animator,
                    assigned_on=form.cleaned_data["assigned_on"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                if animator is None:
                    text = _("The partnership has no animator now.")
                else:
                    text = _("%(name)s is the partnership's animator now.") % {"name": animator}
                messages.success(request, text)
                return redirect("partnership_detail", pk=partnership.pk)
    return render(
        request,
        "partnerships/animator_assign.html",
        {"partnership": partnership, "form": form, "confirm": confirm},
        status=form_status(form),
    )


@role_required(Role.STAFF, Role.LEADER)
@require_http_methods(["GET", "POST"])
def partner_add(request, pk):
    partnership = selectors.partnership_get_for_editing(request.user, pk)
    institution_form = InstitutionForm(request.POST or None, prefix="institution")
    partner_form = PartnerForm(request.POST or None, prefix="partner")
    if request.method == "POST" and institution_form.is_valid() and partner_form.is_valid():
        try:
            services.partner_add(
                partnership=partnership,
                institution=institution_form.save(commit=False),
                **partner_form.cleaned_data,
            )
        except ValidationError as exc:
            add_service_errors(partner_form, exc)
        except IntegrityError:
            partner_form.add_error(None, CHANGED_MEANWHILE)
        else:
            messages.success(request, _("The partner has been added."))
            return redirect("partnership_detail", pk=partnership.pk)
    return render(
        request,
        "partnerships/partner_form.html",
        {
            "partnership": partnership,
            "institution_form": institution_form,
            "partner_form": partner_form,
            "title": _("Add a partner"),
        },
        status=form_status(institution_form, partner_form),
    )


@role_required(Role.STAFF, Role.LEADER)
@require_http_methods(["GET", "POST"])
def partner_edit(request, pk, partner_pk):
    partnership = selectors.partnership_get_for_editing(request.user, pk)
    partner = selectors.partner_get(partnership, partner_pk)
    institution_form = InstitutionForm(
        request.POST or None, instance=partner.institution, prefix="institution"
    )
    partner_form = PartnerForm(request.POST or None, instance=partner, prefix="partner")
    del partner_form.fields["joined_on"]
    if request.method == "POST" and institution_form.is_valid() and partner_form.is_valid():
        try:
            services.partner_update(
                partner=partner,
                contribution=partner_form.cleaned_data["contribution"],
                benefit=partner_form.cleaned_data["benefit"],
            )
        except ValidationError as exc:
            add_service_errors(partner_form, exc)
        else:
            messages.success(request, _("The partner has been saved."))
            return redirect("partnership_detail", pk=partnership.pk)
    return render(
        request,
        "partnerships/partner_form.html",
        {
            "partnership": partnership,
            "partner": partner,
            "institution_form": institution_form,
            "partner_form": partner_form,
            "title": _("Edit partner"),
        },
        status=form_status(institution_form, partner_form),
    )


@role_required(Role.STAFF, Role.LEADER)
@require_http_methods(["GET", "POST"])
def partner_leave(request, pk, partner_pk):
    """Confirmation page, then the partner is marked as having left (never deleted)."""
    partnership = selectors.partnership_get_for_editing(request.user, pk)
    partner = selectors.partner_get(partnership, partner_pk)
    form = PartnerLeaveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.partner_leave(partner=partner, left_on=form.cleaned_data["left_on"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The partner has been marked as having left."))
            return redirect("partnership_detail", pk=partnership.pk)
    return render(
        request,
        "partnerships/partner_leave.html",
        {"partnership": partnership, "partner": partner, "form": form},
        status=form_status(form),
    )


@role_required(Role.STAFF, Role.LEADER)
@require_http_methods(["GET", "POST"])
def person_add(request, pk):
    partnership = selectors.partnership_get_for_editing(request.user, pk)
    form = PersonForm(request.POST or None, partnership=partnership)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.person_add(partnership=partnership, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except IntegrityError:
            form.add_error(None, CHANGED_MEANWHILE)
        else:
            messages.success(request, _("The person has been added."))
            return redirect("partnership_detail", pk=partnership.pk)
    return render(
        request,
        "partnerships/person_form.html",
        {"partnership": partnership, "form": form, "title": _("Add a person")},
        status=form_status(form),
    )


@role_required(Role.STAFF, Role.LEADER)
@require_http_methods(["GET", "POST"])
def person_edit(request, pk, person_pk):
    partnership = selectors.partnership_get_for_editing(request.user, pk)
    person = selectors.person_get(partnership, person_pk)
    form = PersonForm(request.POST or None, instance=person, partnership=partnership)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(person=person, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except IntegrityError:
            form.add_error(None, CHANGED_MEANWHILE)
        else:
            messages.success(request, _("The person has been saved."))
            return redirect("partnership_detail", pk=partnership.pk)
    messages_sent = (
        portal_selectors.messages_to(person.email) if is_staff_member(request.user) else None
    )
    return render(
        request,
        "partnerships/person_form.html",
        {
            "partnership": partnership,
            "form": form,
            "person": person,
            "title": _("Edit person"),
            "messages_sent": messages_sent,
        },
        status=form_status(form),
    )


@role_required(Role.STAFF, Role.LEADER)
@require_http_methods(["GET", "POST"])
def person_archive(request, pk, person_pk):
    partnership = selectors.partnership_get_for_editing(request.user, pk)
    person = selectors.person_get(partnership, person_pk)
    if request.method == "POST":
        services.person_archive(person=person)
        messages.success(request, _("%(name)s has been removed from the list.") % {"name": person})
        return redirect("partnership_detail", pk=partnership.pk)
    return render(
        request, "partnerships/person_archive.html", {"partnership": partnership, "person": person}
    )


# --- accounts ------------------------------------------------------------------------------


INVITATION_COLUMNS = [
    listing.Column("person", gettext_lazy("Person"), ("user__last_name", "user__first_name")),
    listing.Column("role", gettext_lazy("Role"), ("role", "-created_at")),
    listing.Column("sent", gettext_lazy("Sent"), ("created_at",)),
]
INVITATION_EXPORT_HEADER = [
    gettext_lazy("Person"),
    gettext_lazy("E-mail"),
    gettext_lazy("Role"),
    gettext_lazy("Partnership"),
    gettext_lazy("Sent"),
    gettext_lazy("Invited by"),
    gettext_lazy("Expires"),
    gettext_lazy("Accepted"),
    gettext_lazy("Replaced"),
]


def _invitation_row(invitation) -> tuple:
    return (
        invitation.user.get_full_name(),
        invitation.user.email,
        invitation.get_role_display(),
        invitation.partnership.name if invitation.partnership else "",
        invitation.created_at,
        str(invitation.invited_by) if invitation.invited_by else "",
        invitation.expires_at,
        invitation.accepted_at,
        invitation.revoked_at,
    )


@staff_required
@require_http_methods(["GET", "POST"])
def invitation_list(request):
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.user_invite(invited_by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("An invitation is on its way to %(email)s.") % {"email": invitation.user.email},
            )
            return redirect("invitation_list")
    filter_form = SearchFilterForm(request.GET or None)
    search = (
        filter_form.cleaned_data["q"] if filter_form.is_bound and filter_form.is_valid() else ""
    )
    sorting = listing.sorting(request, INVITATION_COLUMNS, default="-sent")
    invitations = sorting.apply(selectors.invitation_list(search=search))
    if request.method == "GET":
        export = listing.export_if_asked(
            request,
            invitations,
            name="zaproszenia",
            title=_("Invitations"),
            header=INVITATION_EXPORT_HEADER,
            row=_invitation_row,
        )
        if export is not None:
            return export
    page = paginate(request, invitations)
    return render(
        request,
        "partnerships/invitation_list.html",
        {
            "form": form,
            "filter_form": filter_form,
            "sorting": sorting,
            "export_links": listing.export_links(request),
            "querystring": querystring_without_page(request),
            "page": page,
            "now": timezone.now(),
            "valid_days": settings.INVITATION_VALID_DAYS,
        },
        status=form_status(form),
    )


@require_http_methods(["GET", "POST"])
def invitation_accept(request, token):
    invitation = selectors.invitation_get_by_token(token)
    if invitation is None or not invitation.is_usable():
        return render(
            request, "partnerships/invitation_invalid.html", {"invitation": invitation}, status=410
        )
    form = InvitationAcceptForm(request.POST or None, user=invitation.user)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(
                invitation=invitation, password=form.cleaned_data["password1"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome! Your account is ready."))
            return redirect("home")
    return render(
        request,
        "partnerships/invitation_accept.html",
        {"invitation": invitation, "form": form},
        status=form_status(form),
    )


# --- applications --------------------------------------------------------------------------


def application_call_list(request):
    calls = selectors.open_application_calls()
    return render(request, "partnerships/application_call_list.html", {"calls": calls})


@require_http_methods(["GET", "POST"])
def application_start(request, call_pk):
    call = selectors.application_call_get_open(call_pk)
    form = ApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            application, token = services.application_start(
                call=call, submit="submit" in request.POST, **fields
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _application_saved_message(application))
            return redirect("application_edit", token=token)
    return render(
        request,
        "partnerships/application_form.html",
        {"call": call, "form": form},
        status=form_status(form),
    )


def _application_saved_message(application):
    if application.status == ApplicationStatus.SUBMITTED:
        return _("The application has been submitted. A confirmation is on its way by e-mail.")
    return _(
        "The draft has been saved. Keep the link shown below to come back to it; a copy is on "
        "its way by e-mail."
    )


@require_http_methods(["GET", "POST"])
def application_edit(request, token):
    application = selectors.application_get_by_token(token)
    editable = application.status == ApplicationStatus.DRAFT and application.call.is_open()
    form = ApplicationForm(request.POST or None, instance=application)
    if request.method == "POST" and editable and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        service = (
            services.application_submit
            if "submit" in request.POST
            else services.application_save_draft
        )
        try:
            application = service(application=application, **fields)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _application_saved_message(application))
            return redirect("application_edit", token=token)
    link = absolute_url(reverse("application_edit", args=[token])) if editable else ""
    return render(
        request,
        "partnerships/application_form.html",
        {
            "call": application.call,
            "form": form,
            "application": application,
            "editable": editable,
            "link": link,
        },
        status=form_status(form),
    )


APPLICATION_COLUMNS = [
    listing.Column("library", gettext_lazy("Library"), ("library_name",)),
    listing.Column("partnership", gettext_lazy("Partnership"), ("partnership_name",)),
    listing.Column("call", gettext_lazy("Call"), ("call__title",)),
    listing.Column("submitted", gettext_lazy("Submitted"), ("submitted_at",)),
    listing.Column("status", gettext_lazy("Status"), ("status", "-submitted_at")),
]
APPLICATION_EXPORT_HEADER = [
    gettext_lazy("Library"),
    gettext_lazy("Commune"),
    gettext_lazy("Voivodeship"),
    gettext_lazy("Partnership"),
    gettext_lazy("Contact person"),
    gettext_lazy("Contact e-mail"),
    gettext_lazy("Call"),
    gettext_lazy("Submitted"),
    gettext_lazy("Status"),
    gettext_lazy("Decided"),
]


def _application_row(application) -> tuple:
    return (
        application.library_name,
        application.library_commune,
        application.get_library_voivodeship_display(),
        application.partnership_name,
        application.contact_name,
        application.contact_email,
        application.call.title,
        application.submitted_at,
        application.get_status_display(),
        application.decided_at,
    )


@staff_required
def application_review_list(request):
    """Submitted applications (those waiting for a decision unless another status is
    chosen), sorted by a column, a page at a time or as a file."""
    params = request.GET.copy()
    params.setdefault("status", ApplicationStatus.SUBMITTED)
    form = ApplicationFilterForm(params)
    filters = form.cleaned_data if form.is_valid() else {"status": ApplicationStatus.SUBMITTED}
    status = "" if filters.get("status") == ApplicationFilterForm.ALL else filters["status"]
    sorting = listing.sorting(request, APPLICATION_COLUMNS, default="-submitted")
    applications = sorting.apply(
        selectors.applications_for_review(status=status, search=filters.get("q", ""))
    )
    export = listing.export_if_asked(
        request,
        applications,
        name="zgloszenia",
        title=_("Applications"),
        header=APPLICATION_EXPORT_HEADER,
        row=_application_row,
    )
    if export is not None:
        return export
    page = paginate(request, applications)
    return render(
        request,
        "partnerships/application_review_list.html",
        {
            "page": page,
            "form": form,
            "sorting": sorting,
            "export_links": listing.export_links(request),
            "querystring": querystring_without_page(request),
        },
    )


@staff_required
def application_call_manage_list(request):
    """Staff's list of calls for applications: every call, open or not, with what came in."""
    page = paginate(request, selectors.application_calls_for_staff())
    return render(
        request,
        "partnerships/application_call_manage_list.html",
        {"page": page, "now": timezone.now()},
    )


@staff_required
@require_http_methods(["GET", "POST"])
def application_call_create(request):
    now = timezone.localtime().replace(second=0, microsecond=0)
    form = ApplicationCallForm(request.POST or None, initial={"opens_at": now})
    if request.method == "POST" and form.is_valid():
        try:
            services.application_call_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The call for applications has been saved."))
            return redirect("application_call_manage_list")
    return render(
        request,
        "partnerships/application_call_form.html",
        {"form": form, "title": _("New call for applications")},
        status=form_status(form),
    )


@staff_required
@require_http_methods(["GET", "POST"])
def application_call_edit(request, pk):
    call = selectors.application_call_get_for_staff(pk)
    form = ApplicationCallForm(request.POST or None, instance=call)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_call_update(call=call, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The call for applications has been saved."))
            return redirect("application_call_manage_list")
    return render(
        request,
        "partnerships/application_call_form.html",
        {"form": form, "call": call, "title": _("Edit the call for applications")},
        status=form_status(form),
    )


def _application_decide(request, application, data) -> None:
    if data["decision"] == ApplicationDecisionForm.QUALIFY:
        partnership = services.application_qualify(
            application=application,
            actor=request.user,
            animator=data["animator"],
            note=data["note"],
        )
        messages.success(
            request,
            _("Qualified. The partnership %(name)s has been created and its leader invited.")
            % {"name": partnership.name},
        )
    else:
        services.application_reject(application=application, actor=request.user, note=data["note"])
        messages.success(request, _("Rejected. The applicant has been told by e-mail."))


@staff_required
@require_http_methods(["GET", "POST"])
def application_review(request, pk):
    application = selectors.application_get_for_review(pk)
    form = ApplicationDecisionForm(request.POST or None)
    confirm = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # A decision cannot be undone: the page asks once more, naming what follows. The
        # confirmation names the decision it was given for.
        if request.POST.get("confirm") != data["decision"]:
            confirm = data["decision"]
        else:
            try:
                _application_decide(request, application, data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return redirect("application_review", pk=application.pk)
    return render(
        request,
        "partnerships/application_review.html",
        {"application": application, "form": form, "confirm": confirm},
        status=form_status(form),
    )


# --- calendar feed -------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def calendar_settings(request):
    """The user's feed address, with a confirmed reset."""
    if request.method == "POST":
        services.calendar_token_reset(user=request.user)
        messages.success(
            request, _("The calendar address has been changed; the old one no longer works.")
        )
        return redirect("calendar_settings")
    # From PORTAL_SITE_URL, not the request's Host: the address is copied into calendar apps.
    feed_url = absolute_url(reverse("calendar_feed", args=[request.user.calendar_token]))
    items = sorted(
        (i for i in calendar.items_for_user(request.user) if _item_date(i) >= timezone.localdate()),
        key=_item_date,
    )
    return render(
        request, "partnerships/calendar_settings.html", {"feed_url": feed_url, "items": items}
    )


def _item_date(item):
    start = item.start
    return timezone.localtime(start).date() if hasattr(start, "hour") else start


def calendar_feed(request, token):
    """The iCalendar feed; the secret in the address stands in for a login."""
    user = selectors.user_get_by_calendar_token(token)
    return calendar.calendar_response(
        request,
        calendar.items_for_user(user),
        name=_("PRB partnerships: %(name)s") % {"name": user},
        filename="kalendarz.ics",
        cache_control=calendar.FEED_CACHE_CONTROL,
    )


# --- second factor (staff) -----------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request):
    form = OTPTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if otp.session_verify(request=request, token=form.cleaned_data["token"]):
            return redirect(_safe_next(request) or "home")
        form.add_error("token", _("This code is not valid. Type the current code from the app."))
    return render(request, "partnerships/otp_verify.html", {"form": form}, status=form_status(form))


def _safe_next(request):

    target = request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return None


@staff_required
@require_http_methods(["GET", "POST"])
def otp_setup(request):
    confirmed = otp.device_confirmed(request.user)
    if confirmed is not None:
        return render(request, "partnerships/otp_setup.html", {"confirmed": confirmed})
    device = otp.device_for_setup(request.user)
    form = OTPTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if otp.device_confirm(request=request, device=device, token=form.cleaned_data["token"]):
            messages.success(request, _("Two-step verification is on."))
            return redirect("otp_setup")
        form.add_error("token", _("This code is not valid. Check the app and try again."))
    return render(
        request,
        "partnerships/otp_setup.html",
        {"form": form, "qr_svg": otp.qr_svg(device), "secret": otp.secret_b32(device)},
        status=form_status(form),
    )


@staff_required
@require_http_methods(["GET", "POST"])
def otp_remove(request):
    form = OTPTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if otp.session_verify(request=request, token=form.cleaned_data["token"]):
            otp.device_remove(user=request.user)
            messages.success(request, _("Two-step verification is off."))
            return redirect("otp_setup")
        form.add_error("token", _("This code is not valid. Type the current code from the app."))
    return render(request, "partnerships/otp_remove.html", {"form": form}, status=form_status(form))


@login_required
@require_http_methods(["GET", "POST"])
def reminder_settings(request):
    """ "Powiadomienia": which reminders the user gets; optional ones can be switched off."""
    essential, optional = portal_selectors.reminders_for_user(request.user)
    form = ReminderPreferencesForm(
        request.POST if request.method == "POST" else None,
        reminders=optional,
        off=portal_selectors.reminder_kinds_off(request.user),
        initial={"language": request.user.language},
    )
    if request.method == "POST" and form.is_valid():
        portal_services.reminder_preferences_set(
            user=request.user,
            enabled=form.enabled_kinds(),
            language=form.cleaned_data["language"] or None,
        )
        messages.success(request, _("Your reminder settings have been saved."))
        return redirect("reminder_settings")
    return render(
        request,
        "partnerships/reminder_settings.html",
        {"form": form, "essential": essential, "optional": optional},
        status=form_status(form),
    )
