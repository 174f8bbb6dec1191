from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from events import selectors, services
from events.enums import EventKind, RegistrationStatus
from events.forms import (
    AttendanceForm,
    DataRequestForm,
    EventFilterForm,
    EventForm,
    EventKindForm,
    ParticipantAnswerForm,
    ParticipantFilterForm,
    RegistrationForm,
)
from partnerships import selectors as partnership_selectors
from partnerships import services as partnership_services
from partnerships.forms import PersonForm
from portal import listing
from portal.calendar import calendar_response
from portal.enums import Role
from portal.pdf import render_pdf
from portal.roles import is_staff_member, role_required, staff_required
from portal.selectors import public_information
from portal.services import CHANGED_MEANWHILE
from portal.spreadsheets import xlsx_response
from portal.web import (
    add_service_errors,
    form_status,
    kept_html,
    paginate,
    post_action,
    querystring_without_page,
    rows_of_ids,
    staff_message_page,
)

leader_or_staff = role_required(Role.STAFF, Role.LEADER)


EVENT_COLUMNS = [
    listing.Column("title", gettext_lazy("Event"), ("title",)),
    listing.Column("dates", gettext_lazy("Dates"), ("starts_on",)),
    listing.Column("place", gettext_lazy("Place"), ("place",)),
    listing.Column("registration", gettext_lazy("Registration"), ("registration_closes_at",)),
    listing.Column("seats", gettext_lazy("Seats"), ("seats_taken", "starts_on")),
]
EVENT_EXPORT_HEADER = [
    gettext_lazy("Event"),
    gettext_lazy("Kind"),
    gettext_lazy("First day"),
    gettext_lazy("Second day"),
    gettext_lazy("Place"),
    gettext_lazy("Registration opens"),
    gettext_lazy("Registration closes"),
    gettext_lazy("Seats"),
    gettext_lazy("Seats taken"),
    gettext_lazy("Waiting"),
]


def _event_row(event) -> tuple:
    return (
        event.title,
        event.get_kind_display(),
        event.starts_on,
        event.ends_on,
        event.place,
        event.registration_opens_at,
        event.registration_closes_at,
        event.capacity,
        event.seats_taken,
        event.waiting_count,
    )


@leader_or_staff
def event_list(request):
    form = EventFilterForm(request.GET or None)
    kind = form.cleaned_data["rodzaj"] if form.is_bound and form.is_valid() else ""
    sorting = listing.sorting(request, EVENT_COLUMNS, default="-dates")
    events = sorting.apply(selectors.event_list(user=request.user, kind=kind))
    export = listing.export_if_asked(
        request,
        events,
        name="wydarzenia",
        title=_("Events"),
        header=EVENT_EXPORT_HEADER,
        row=_event_row,
    )
    if export is not None:
        return export
    # The page's ids with when each row's registration opens and closes: the rows say
    # "opens …", "open until …" or "closed", which changes with the time, not the data.
    page = paginate(
        request, events.values_list("pk", "registration_opens_at", "registration_closes_at")
    )
    now = timezone.now()
    ids = [pk for pk, _opens, _closes in page.object_list]
    phases = tuple((opens > now) + (closes > now) for _pk, opens, closes in page.object_list)
    led = selectors.led_partnerships(request.user)
    # A leader's rows show their partnerships' registrations and "Register" buttons.
    reader = (request.user.pk, *(p.pk for p in led)) if led else None
    rows = kept_html(
        ("events.event_list.rows", tuple(ids), phases, reader),
        lambda: render_to_string(
            "events/_event_rows.html", _event_rows_context(events, ids, led, now)
        ),
    )
    return render(
        request,
        "events/event_list.html",
        {
            "page": page,
            "rows": rows,
            "led": led,
            "form": form,
            "sorting": sorting,
            "export_links": listing.export_links(request),
            "querystring": querystring_without_page(request),
        },
    )


def _event_rows_context(events, ids, led, now) -> dict:
    rows = rows_of_ids(events, ids)
    detail = _url_of_pk("events:event_detail")
    for event in rows:
        event.detail_url = detail(event.pk)
        event.partnership_states = selectors.partnership_states(event, led)
    return {"events": rows, "led": led, "now": now}


@leader_or_staff
def event_detail(request, pk):
    """An event; for staff also its registrations, the waiting list and the places that stay
    empty. What the page shows from the registrations is kept per version of the data (the
    staff's tables are the same for every staff member, a leader's own registrations are
    theirs), so reading the page again reads only the event."""
    event = selectors.event_get_for_user(request.user, pk)
    staff = is_staff_member(request.user)
    registration_open = event.registration_is_open()
    context = {
        "event": event,
        "registration_open": registration_open,
        # Whether registration is open changes with the time, not the data: part of the key.
        "own_part": kept_html(
            ("events.event_detail.own", event.pk, request.user.pk, registration_open),
            lambda: render_to_string(
                "events/_event_own.html",
                {
                    "event": event,
                    "registration_open": registration_open,
                    "is_staff_member": staff,
                    "own_registrations": selectors.own_registrations_for_event(request.user, event),
                    "can_register": selectors.partnerships_without_registration(
                        request.user, event
                    ),
                },
            ),
        ),
    }
    if staff:
        kept = kept_html(
            ("events.event_detail.registrations", event.pk),
            lambda: render_to_string(
                "events/_event_registrations.html",
                {
                    "event": event,
                    "registrations": _with_links(
                        selectors.registrations_of_event(
                            event, statuses=(RegistrationStatus.REGISTERED,)
                        )
                    ),
                    "waiting": _with_links(selectors.waiting_list(event)),
                    "gaps": selectors.delegation_gaps(event),
                    "csrf_token": _CSRF_SLOT,
                },
            ),
        )
        context["staff_part"] = _with_csrf_token(request, kept)
    return render(request, "events/event_detail.html", context)


def _url_of_pk(name: str):
    """``reverse(name, args=[pk])`` for the many rows of a table: reversed once (each
    ``{% url %}`` took about 25 µs, 5 of the 12 ms of a 100-row table of registrations)."""
    marker = "2147483647"
    prefix, suffix = reverse(name, args=[int(marker)]).split(marker)
    return lambda pk: f"{prefix}{pk}{suffix}"


def _with_links(registrations) -> list:
    """The registrations with their addresses and their people's names, for a table."""
    detail, introduce = (
        _url_of_pk("events:registration_detail"),
        _url_of_pk("events:registration_introduce"),
    )
    rows = list(registrations)
    for registration in rows:
        registration.detail_url = detail(registration.pk)
        registration.introduce_url = introduce(registration.pk)
        registration.names = ", ".join(
            participant.person.full_name for participant in registration.active_participants
        )
    return rows


# The kept HTML's forms carry this in place of the CSRF token, which is tied to one reader
# and is never kept: each request puts its own in (_with_csrf_token).
_CSRF_SLOT = "csrf-token-of-the-request"
_CSRF_SLOT_INPUT = f'<input type="hidden" name="csrfmiddlewaretoken" value="{_CSRF_SLOT}">'


def _with_csrf_token(request, html):
    if _CSRF_SLOT_INPUT not in html:
        return html
    token_input = format_html(
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(request)
    )
    return mark_safe(html.replace(_CSRF_SLOT_INPUT, token_input))  # noqa: S308


@staff_required
@require_http_methods(["GET", "POST"])
def event_create(request):
    kind = request.GET.get("rodzaj") or request.POST.get("kind")
    if kind not in EventKind.values:
        return render(request, "events/event_create.html", {"kind_form": EventKindForm()})
    form = EventForm(request.POST or None, initial={"kind": kind, **services.event_defaults(kind)})
    if request.method == "POST" and form.is_valid():
        try:
            event = services.event_create(actor=request.user, **form.cleaned_data)
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
            services.event_update(event=event, actor=request.user, **form.cleaned_data)
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


# What the registration form carries through "+ add a person" besides the people ticked.
TICKS = ("chosen_internally", "fewer_confirmed", "join_waiting_list")


def _ticks_from_query(request, people) -> dict:
    """The ticks a registration page carries in its address after a person was added from it
    (so nothing ticked is lost): the people of this partnership only."""
    known = {p.pk for p in people}
    chosen = []
    for value in request.GET.getlist("people"):
        if value.isdigit() and int(value) in known and int(value) not in chosen:
            chosen.append(int(value))
    return {
        "people": chosen,
        **{name: request.GET.get(name) == "on" for name in TICKS},
        "fewer_reason": request.GET.get("fewer_reason", "")[:2000],
    }


def _people_form(request, *, event, partnership, registration=None, data=None):
    people = list(partnership_selectors.people_of(partnership).order_by("last_name", "pk"))
    form = RegistrationForm(
        data,
        people=people,
        event=event,
        partnership=partnership,
        allow_waiting_list=registration is None,
        check_rules=is_staff_member(request.user) or event.registration_is_open(),
    )
    if "people" in request.GET:
        form.initial = _ticks_from_query(request, people)
    elif registration is not None:
        form.initial = {
            "people": [p.person_id for p in registration.active_participants],
            "fewer_reason": registration.fewer_reason,
        }
    elif not event.is_study_visit:
        # The library leader goes to the seminar (§2.3.3): ticked from the start.
        form.initial = {"people": [c.person.pk for c in form.candidates if c.is_leader]}
    return form


def _add_person(request, *, partnership, person_form):
    """ "+ add a person" inside the registration form: the person joins the partnership's list
    (the partnerships service, as on the partnership's page) and the page comes back with
    everything ticked as it was, the new person too. None when the person form has errors."""
    if not person_form.is_valid():
        return None
    try:
        person = partnership_services.person_add(
            partnership=partnership, **person_form.cleaned_data
        )
    except ValidationError as exc:
        add_service_errors(person_form, exc)
        return None
    except IntegrityError:
        person_form.add_error(None, CHANGED_MEANWHILE)
        return None
    query = [("people", v) for v in request.POST.getlist("people") if v.isdigit()]
    query.append(("people", str(person.pk)))
    query += [(name, "on") for name in TICKS if request.POST.get(name)]
    if request.POST.get("fewer_reason", "").strip():
        query.append(("fewer_reason", request.POST["fewer_reason"].strip()[:2000]))
    messages.success(
        request,
        _("%(name)s has been added to the partnership's people and ticked.")
        % {"name": person.full_name},
    )
    return redirect(f"{request.path}?{urlencode(query)}")


def _registration_page(request, *, event, partnership, registration=None):
    """The registration form, to register or to change a registration. All the rules of the
    choice are listed at once (the form's checks), then the service decides with the event
    locked. A person missing from the list is added from here without losing the ticks."""
    creating = registration is None
    adding = request.method == "POST" and "add_person" in request.POST
    data = request.POST if request.method == "POST" and not adding else None
    form = _people_form(
        request, event=event, partnership=partnership, registration=registration, data=data
    )
    person_form = PersonForm(
        request.POST if adding else None, partnership=partnership, prefix="person"
    )
    if adding:
        response = _add_person(request, partnership=partnership, person_form=person_form)
        if response is not None:
            return response
        # Keep the ticks sent with the person while its form is corrected.
        form.initial = {
            "people": [int(v) for v in request.POST.getlist("people") if v.isdigit()],
            **{name: bool(request.POST.get(name)) for name in TICKS},
            "fewer_reason": request.POST.get("fewer_reason", ""),
        }
    elif request.method == "POST" and form.is_valid():
        try:
            fewer = {
                "fewer_confirmed": form.cleaned_data["fewer_confirmed"],
                "fewer_reason": form.cleaned_data["fewer_reason"],
            }
            if creating:
                registration = services.registration_submit(
                    event=event,
                    partnership=partnership,
                    people=list(form.cleaned_data["people"]),
                    chosen_internally=form.cleaned_data["chosen_internally"],
                    join_waiting_list=form.cleaned_data.get("join_waiting_list", False),
                    actor=request.user,
                    **fewer,
                )
            else:
                services.registration_change(
                    registration=registration,
                    people=list(form.cleaned_data["people"]),
                    chosen_internally=form.cleaned_data["chosen_internally"],
                    actor=request.user,
                    **fewer,
                )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if not creating:
                messages.success(request, _("The registration has been changed."))
            elif registration.status == RegistrationStatus.REGISTERED:
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
            "person_form": person_form,
            "event": event,
            "partnership": partnership,
            "registration": registration,
            "title": _("Register for the event") if creating else _("Change the registration"),
            "counter_script": {
                "limit": form.max_people,
                "counter": _("%(count)s of %(limit)s chosen."),
                "full": _("All places are chosen: untick someone to choose another person."),
            },
        },
        status=form_status(form, person_form),
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
    return _registration_page(request, event=event, partnership=partnership)


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
            "answers": list(selectors.registration_answers(registration)),
            "can_manage_links": partnership_selectors.can_edit_partnership(
                request.user, registration.partnership
            )
            and timezone.localdate() <= event.ends_on,
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
    return _registration_page(
        request,
        event=registration.event,
        partnership=registration.partnership,
        registration=registration,
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


PARTICIPANT_COLUMNS = [
    listing.Column(
        "partnership",
        gettext_lazy("Partnership"),
        ("registration__partnership__name", "person__last_name", "person__first_name"),
    ),
    listing.Column("name", gettext_lazy("Name"), ("person__last_name", "person__first_name")),
    listing.Column(
        "institution",
        gettext_lazy("Institution"),
        ("person__institution__name", "person__last_name"),
    ),
    listing.Column("attended", gettext_lazy("Attended"), ("attended", "person__last_name")),
]


@staff_required
def participant_list(request, pk):
    event = selectors.event_get_for_user(request.user, pk)
    form = ParticipantFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    sorting = listing.sorting(request, PARTICIPANT_COLUMNS, default="partnership")
    participants = sorting.apply(
        selectors.participants_of(
            event, search=filters.get("q", ""), attendance=filters.get("obecnosc", "")
        )
    )
    export = listing.export_if_asked(
        request,
        participants,
        name=f"uczestnicy-{event.pk}",
        title=_("Participants"),
        header=selectors.participant_header(),
        row=selectors.participant_row,
    )
    if export is not None:
        return export
    page = paginate(request, participants, per_page=200)
    return render(
        request,
        "events/participant_list.html",
        {
            "event": event,
            "page": page,
            "gaps": selectors.delegation_gaps(event),
            "summary": selectors.answers_summary(event),
            "form": form,
            "sorting": sorting,
            "export_links": listing.export_links(request),
            "querystring": querystring_without_page(request),
        },
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
    return xlsx_response(
        [selectors.participant_sheet(event), selectors.answers_sheet(event)],
        filename=f"uczestnicy-{pk}.xlsx",
    )


@staff_required
def participant_pdf(request, pk):
    event = selectors.event_get_for_user(request.user, pk)
    body = render_pdf(
        "pdf/event_sign_in_sheet.html",
        {
            "event": event,
            "participants": selectors.participants_of(event),
            "summary": selectors.answers_summary(event),
            "generated_at": timezone.now(),
        },
    )
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="lista-obecnosci-{event.pk}.pdf"'
    return response


# --- each person's own link (no account) ---------------------------------------------------


def _link_page(request, template, context, status=200):
    """A page of the personal link: never cached, never indexed. The site's referrer policy
    (``same-origin``) already keeps the address from other sites; ``no-referrer`` would make
    the browser send ``Origin: null`` with the form, which Django's CSRF check refuses."""
    response = render(request, template, context, status=status)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _participant_for_link(request, token):
    """(participant, None) for a working link; (None, response) for an unknown one (404) or
    one that no longer works (410). Neither page says whose link it was or for what."""
    try:
        participant = selectors.participant_get_by_token(token)
    except Http404:
        return None, _link_page(
            request, "events/participant_link_invalid.html", {"gone": False}, status=404
        )
    if selectors.participant_link_gone(participant):
        return None, _link_page(
            request, "events/participant_link_invalid.html", {"gone": True}, status=410
        )
    return participant, None


def _may_answer(participant) -> bool:
    return (
        participant.removed_at is None
        and participant.registration.status == RegistrationStatus.REGISTERED
        and timezone.localdate() < participant.event.starts_on
    )


@never_cache
@require_http_methods(["GET", "POST"])
def participant_link(request, token):
    """The person's own page: the event, what is provided and paid, and their answer."""
    participant, refusal = _participant_for_link(request, token)
    if refusal:
        return refusal
    event = participant.event
    form = ParticipantAnswerForm(
        request.POST or None,
        event=event,
        initial={
            "diet": participant.diet or None,
            "diet_notes": participant.diet_notes,
            "accessibility_needs": participant.accessibility_needs,
            "nights": participant.nights,
            "departure_place": participant.departure_place,
            "day_phone": participant.day_phone or participant.person.phone,
            "clause_acknowledged": participant.clause_acknowledged_at is not None,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.participant_confirm(participant=participant, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Thank you: your participation is confirmed and your answers are saved."),
            )
            return redirect("events:participant_link", token=token)
    return _link_page(
        request,
        "events/participant_link.html",
        {
            "participant": participant,
            "event": event,
            "token": token,
            "form": form,
            "may_answer": _may_answer(participant),
            "started": timezone.localdate() >= event.starts_on,
            "provided": event.provided_labels(),
            "nights": [(n, n.isoformat() in participant.nights) for n in event.lodging_nights()],
            "info": public_information(),
        },
        status=form_status(form),
    )


@never_cache
@require_http_methods(["GET", "POST"])
def participant_decline(request, token):
    """Asks first (the seat goes to someone else), then declines."""
    participant, refusal = _participant_for_link(request, token)
    if refusal:
        return refusal
    error = None
    if request.method == "POST":
        try:
            services.participant_decline(participant=participant)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(
                request,
                _("You have declined. Your leader has been told and your seat is free."),
            )
            return redirect("events:participant_link", token=token)
    return _link_page(
        request,
        "events/participant_decline.html",
        {"participant": participant, "event": participant.event, "token": token, "error": error},
        status=400 if error else 200,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def participant_data(request, token):
    """What the portal holds about the person (GDPR art. 15) and a request to change it."""
    participant, refusal = _participant_for_link(request, token)
    if refusal:
        return refusal
    form = DataRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.data_request_submit(participant=participant, text=form.cleaned_data["text"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Your request has been sent to the support centre; they will answer by e-mail."),
            )
            return redirect("events:participant_data", token=token)
    return _link_page(
        request,
        "events/participant_data.html",
        {
            "participant": participant,
            "event": participant.event,
            "token": token,
            "form": form,
            **selectors.held_about_person(participant),
        },
        status=form_status(form),
    )


def _link_action(request, pk, service, success_message):
    participant = selectors.participant_get_for_link_management(request.user, pk)
    return post_action(
        request,
        service,
        success_message,
        redirect("events:registration_detail", pk=participant.registration_id),
        participant=participant,
    )


@leader_or_staff
@require_POST
def participant_link_revoke(request, pk):
    return _link_action(
        request, pk, services.participant_link_revoke, _("The person's link no longer works.")
    )


@leader_or_staff
@require_POST
def participant_link_renew(request, pk):
    return _link_action(
        request,
        pk,
        services.participant_link_renew,
        _("A new link is on its way to the person; the earlier one no longer works."),
    )


@staff_required
def data_request_list(request):
    show_all = request.GET.get("wszystkie") == "1"
    page = paginate(request, selectors.data_requests(open_only=not show_all))
    return render(
        request,
        "events/data_request_list.html",
        {"page": page, "show_all": show_all, "querystring": querystring_without_page(request)},
    )


@staff_required
@require_POST
def data_request_close(request, pk):
    return post_action(
        request,
        services.data_request_close,
        _("The request is marked as handled."),
        redirect("events:data_request_list"),
        data_request=selectors.data_request_get(pk),
    )
