from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from events import selectors, services
from events.enums import EventKind, RegistrationStatus
from events.forms import AttendanceForm, EventForm, EventKindForm, RegistrationForm
from partnerships import selectors as partnership_selectors
from portal.calendar import calendar_response
from portal.enums import Role
from portal.pdf import render_pdf
from portal.roles import is_staff_member, role_required, staff_required
from portal.spreadsheets import xlsx_response
from portal.web import (
    add_service_errors,
    form_status,
    paginate,
    post_action,
    querystring_without_page,
    staff_message_page,
)

leader_or_staff = role_required(Role.STAFF, Role.LEADER)


@leader_or_staff
def event_list(request):
    kind = request.GET.get("rodzaj", "")
    if kind not in EventKind.values:
        kind = ""
    page = paginate(request, selectors.event_list(user=request.user, kind=kind))
    return render(
        request,
        "events/event_list.html",
        {
            "page": page,
            "kind": kind,
            "kinds": EventKind.choices,
            "now": timezone.now(),
            "querystring": querystring_without_page(request),
        },
    )


@leader_or_staff
def event_detail(request, pk):
    event = selectors.event_get_for_user(request.user, pk)
    context = {"event": event, "registration_open": event.registration_is_open()}
    if is_staff_member(request.user):
        context["registrations"] = selectors.registrations_of_event(
            event, statuses=(RegistrationStatus.REGISTERED,)
        )
        context["waiting"] = selectors.waiting_list(event)
        context["gaps"] = selectors.delegation_gaps(event)
    context["own_registrations"] = selectors.own_registrations_for_event(request.user, event)
    context["can_register"] = selectors.partnerships_without_registration(request.user, event)
    return render(request, "events/event_detail.html", context)


@staff_required
@require_http_methods(["GET", "POST"])
def event_create(request):
    kind = request.GET.get("rodzaj") or request.POST.get("kind")
    if kind not in EventKind.values:
        return render(request, "events/event_create.html", {"kind_form": EventKindForm()})
    form = EventForm(request.POST or None, initial={"kind": kind, **services.event_defaults(kind)})
    if request.method == "POST" and form.is_valid():
        try:
            event = services.event_create(**form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The event has been created."))
            return redirect("events:event_detail", pk=event.pk)
    return render(
        request,
        "events/event_form.html",
        {"form": form, "title": _("New event")},
        status=form_status(form),
    )


@staff_required
@require_http_methods(["GET", "POST"])
def event_edit(request, pk):
    event = selectors.event_get_for_user(request.user, pk)
    form = EventForm(request.POST or None, instance=event)
    if request.method == "POST" and form.is_valid():
        try:
            services.event_update(event=event, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The event has been saved."))
            return redirect("events:event_detail", pk=event.pk)
    return render(
        request,
        "events/event_form.html",
        {"form": form, "event": event, "title": _("Edit event")},
        status=form_status(form),
    )


@login_required
def event_ics(request, pk):
    """The event as an .ics file, for anyone who may see the event."""
    event = selectors.event_get_for_user(request.user, pk)
    return calendar_response(
        request,
        [selectors.event_calendar_item(event)],
        name=event.title,
        filename=f"wydarzenie-{event.pk}.ics",
        attachment=True,
    )


# --- registrations -------------------------------------------------------------------------


def _people_form(request, *, event, partnership, registration=None):
    people = list(partnership_selectors.people_of(partnership).order_by("last_name", "pk"))
    initial = {}
    if registration is not None:
        initial = {
            "people": [p.person_id for p in registration.active_participants],
            "chosen_internally": False,
            "fewer_reason": registration.fewer_reason,
        }
    return RegistrationForm(
        request.POST or None,
        initial=initial,
        people=people,
        event=event,
        partnership=partnership,
        allow_waiting_list=registration is None,
    )


@leader_or_staff
@require_http_methods(["GET", "POST"])
def registration_create(request, pk, partnership_pk):
    event = selectors.event_get_for_user(request.user, pk)
    partnership = partnership_selectors.partnership_get_for_editing(request.user, partnership_pk)
    existing = selectors.registration_active_for(event, partnership)
    if existing is not None:
        messages.info(
            request,
            _("The partnership is already registered for this event; change it here."),
        )
        return redirect("events:registration_detail", pk=existing.pk)
    form = _people_form(request, event=event, partnership=partnership)
    if request.method == "POST" and form.is_valid():
        try:
            registration = services.registration_submit(
                event=event,
                partnership=partnership,
                people=list(form.cleaned_data["people"]),
                chosen_internally=form.cleaned_data["chosen_internally"],
                join_waiting_list=form.cleaned_data.get("join_waiting_list", False),
                fewer_confirmed=form.cleaned_data["fewer_confirmed"],
                fewer_reason=form.cleaned_data["fewer_reason"],
                actor=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if registration.status == RegistrationStatus.REGISTERED:
                messages.success(
                    request,
                    _("The partnership is registered. Each person will receive an e-mail."),
                )
            else:
                messages.info(
                    request,
                    _(
                        "The event is full: the partnership is on the waiting list. You will "
                        "receive an e-mail when seats are offered to you."
                    ),
                )
            return redirect("events:registration_detail", pk=registration.pk)
    return render(
        request,
        "events/registration_form.html",
        {
            "form": form,
            "event": event,
            "partnership": partnership,
            "title": _("Register for the event"),
        },
        status=form_status(form),
    )


@leader_or_staff
def registration_detail(request, pk):
    registration = selectors.registration_get_for_user(request.user, pk)
    event = registration.event
    staff = is_staff_member(request.user)
    editable = registration.is_active and (staff or event.registration_is_open())
    return render(
        request,
        "events/registration_detail.html",
        {
            "registration": registration,
            "event": event,
            "editable": editable,
            "is_staff": staff,
            "offer_open": registration.status == RegistrationStatus.OFFERED
            and registration.offer_expires_at > timezone.now(),
        },
    )


def _registration_for_change(request, pk):
    registration = selectors.registration_get_for_user(request.user, pk)
    if not partnership_selectors.can_edit_partnership(request.user, registration.partnership):
        raise PermissionDenied
    return registration


@leader_or_staff
@require_http_methods(["GET", "POST"])
def registration_edit(request, pk):
    registration = _registration_for_change(request, pk)
    event = registration.event
    form = _people_form(
        request, event=event, partnership=registration.partnership, registration=registration
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.registration_change(
                registration=registration,
                people=list(form.cleaned_data["people"]),
                chosen_internally=form.cleaned_data["chosen_internally"],
                fewer_confirmed=form.cleaned_data["fewer_confirmed"],
                fewer_reason=form.cleaned_data["fewer_reason"],
                actor=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The registration has been changed."))
            return redirect("events:registration_detail", pk=registration.pk)
    return render(
        request,
        "events/registration_form.html",
        {
            "form": form,
            "event": event,
            "partnership": registration.partnership,
            "registration": registration,
            "title": _("Change the registration"),
        },
        status=form_status(form),
    )


@leader_or_staff
@require_http_methods(["GET", "POST"])
def registration_withdraw(request, pk):
    registration = _registration_for_change(request, pk)
    error = None
    if request.method == "POST":
        try:
            services.registration_withdraw(registration=registration, actor=request.user)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("The registration has been withdrawn."))
            return redirect("events:registration_detail", pk=registration.pk)
    return render(
        request,
        "events/registration_withdraw.html",
        {"registration": registration, "event": registration.event, "error": error},
        status=400 if error else 200,
    )


def _post_action(request, pk, service, success_message):
    registration = _registration_for_change(request, pk)
    return post_action(
        request,
        service,
        success_message,
        redirect("events:registration_detail", pk=registration.pk),
        registration=registration,
    )


@leader_or_staff
@require_POST
def registration_accept_offer(request, pk):
    return _post_action(
        request,
        pk,
        services.registration_accept_offer,
        _("The seats are yours. Each person will receive an e-mail."),
    )


@staff_required
@require_POST
def registration_introduce(request, pk):
    return _post_action(
        request,
        pk,
        services.registration_introduce,
        _("The leader and the host have received each other's contacts."),
    )


@role_required(Role.STAFF, Role.LEADER, Role.ANIMATOR)
def partnership_registration_list(request, pk):
    """A partnership's registrations, linked from its page."""
    partnership = partnership_selectors.partnership_get_for_user(request.user, pk)
    page = paginate(request, selectors.registrations_of_partnership(partnership))
    can_edit = partnership_selectors.can_edit_partnership(request.user, partnership)
    return render(
        request,
        "events/registration_list.html",
        {
            "partnership": partnership,
            "page": page,
            "can_edit": can_edit,
            "to_register": selectors.events_to_register(request.user, partnership)
            if can_edit
            else [],
        },
    )


# --- staff: participants, attendance, exports ---------------------------------------------


@staff_required
def participant_list(request, pk):
    event = selectors.event_get_for_user(request.user, pk)
    page = paginate(request, selectors.participants_of(event), per_page=200)
    return render(
        request,
        "events/participant_list.html",
        {"event": event, "page": page, "gaps": selectors.delegation_gaps(event)},
    )


@staff_required
@require_http_methods(["GET", "POST"])
def event_message(request, pk):
    """Write to everyone registered for the event (a changed venue, a deadline): preview and
    count first, then the outbox (``portal.web.staff_message_page``)."""
    event = selectors.event_get_for_user(request.user, pk)
    return staff_message_page(
        request,
        recipients=selectors.message_recipients(event),
        audience=_("Everyone registered for %(event)s (%(date)s).")
        % {"event": event.title, "date": date_format(event.starts_on, "j E Y")},
        back_url=reverse("events:event_detail", args=[event.pk]),
    )


@staff_required
@require_http_methods(["GET", "POST"])
def attendance_edit(request, pk):
    event = selectors.event_get_for_user(request.user, pk)
    participants = list(selectors.participants_of(event))
    form = AttendanceForm(request.POST or None, participants=participants)
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.attendance_mark(event=event, actor=request.user, marks=form.marks())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("Attendance saved (%(count)d changed).") % {"count": changed}
            )
            return redirect("events:participant_list", pk=event.pk)
    return render(
        request,
        "events/attendance_form.html",
        {"event": event, "form": form, "started": timezone.localdate() >= event.starts_on},
        status=form_status(form),
    )


@staff_required
def participant_xlsx(request, pk):
    event = selectors.event_get_for_user(request.user, pk)
    return xlsx_response([selectors.participant_sheet(event)], filename=f"uczestnicy-{pk}.xlsx")


@staff_required
def participant_pdf(request, pk):
    event = selectors.event_get_for_user(request.user, pk)
    body = render_pdf(
        "pdf/event_sign_in_sheet.html",
        {
            "event": event,
            "participants": selectors.participants_of(event),
            "generated_at": timezone.now(),
        },
    )
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="lista-obecnosci-{event.pk}.pdf"'
    return response
