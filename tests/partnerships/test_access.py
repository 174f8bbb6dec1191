"""Every URL of the portal for every persona: anonymous users go to the login page, another
partnership's object answers 404, a wrong role 403, the rest 200. A URL without an entry
here fails ``test_every_url_has_an_access_entry``."""

import sys

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from events.services import data_request_submit, registration_submit
from partnerships.services import user_invite
from portal.enums import Role
from tests.events.conftest import FEWER
from tests.factories import ApplicationFactory, EventFactory, PersonFactory

PERSONAS = ["anonymous", "leader_a", "leader_b", "animator_a", "animator_b", "committee", "staff"]
LOGIN = "login"

# Shorthands for the expectation rows (one value per persona, in PERSONAS order).
PUBLIC = dict.fromkeys(PERSONAS, 200)
STAFF_ONLY = {**dict.fromkeys(PERSONAS, 403), "anonymous": LOGIN, "staff": 200}
# Objects of partnership A that its leader (and staff) change.
EDIT_A = {
    "anonymous": LOGIN,
    "leader_a": 200,
    "leader_b": 404,
    "animator_a": 403,
    "animator_b": 403,  # the role check comes before the object is looked up
    "committee": 403,
    "staff": 200,
}
VIEW_A = {**EDIT_A, "animator_a": 200, "animator_b": 404}
LOGGED_IN = {**dict.fromkeys(PERSONAS, 200), "anonymous": LOGIN}
WORKERS = {**LOGGED_IN, "committee": 403}  # roles that work with partnerships
EVENT_VIEWERS = {**LOGGED_IN, "animator_a": 403, "animator_b": 403, "committee": 403}
REGISTRATION_A = {**EDIT_A, "animator_a": 403}
CLIP_MEMBERS = {
    **LOGGED_IN,
    "leader_a": 403,
    "leader_b": 403,
    "animator_b": 404,  # an animator, not on this call's committee
}


def _objects(world):
    person = PersonFactory(partnership=world.partnership_a)
    partner = world.partnership_a.partners.exclude(
        institution=world.partnership_a.lead_library
    ).first()
    application = ApplicationFactory(status="submitted", submitted_at="2026-11-20T10:00Z")
    event = EventFactory()
    registration = registration_submit(
        event=event,
        partnership=world.partnership_a,
        people=[person],
        chosen_internally=True,
        **FEWER,
        actor=world.leader_a,
    )
    from portal.models import OutboxMessage

    return {
        "message": OutboxMessage.objects.order_by("pk").first(),  # the registration's
        "person": person,
        "partner": partner,
        "application": application,
        "event": event,
        "registration": registration,
        **_clip_objects(world),
    }


def _data_request(objects):
    """A request about personal data sent through the registered person's link."""
    participant = objects["registration"].participants.get()
    return data_request_submit(participant=participant, text="Proszę poprawić telefon.")


def _clip_objects(world):
    """clips/: an open call whose committee is the committee member, animator A and staff;
    partnerships A and B included by staff; A selected."""
    from clips import services as clip_services
    from tests.factories import ClipCallFactory

    call = ClipCallFactory(committee=[world.committee, world.animator_a, world.staff])
    for partnership in (world.partnership_a, world.partnership_b):
        clip_services.eligibility_override_set(
            call=call, partnership=partnership, actor=world.staff, decision="include", reason="r"
        )
    selection = clip_services.selection_confirm(
        call=call, partnership=world.partnership_a, actor=world.staff
    )
    return {"clip_call": call, "clip_selection": selection}


# name -> (kwargs builder, expectations); a builder receives (world, objects).
CASES = {
    "home": (
        lambda w, o: {},
        {
            **LOGGED_IN,
            "committee": 302,  # to clips:call_list, the calls they score
            "leader_a": 302,
            "leader_b": 302,
            "animator_a": 302,
            "animator_b": 302,
            "staff": 302,
        },
    ),
    "staff_home": (lambda w, o: {}, STAFF_ONLY),
    "partnership_list": (lambda w, o: {}, WORKERS),
    "partnership_message": (lambda w, o: {}, STAFF_ONLY),
    "partnership_detail": (lambda w, o: {"pk": w.partnership_a.pk}, VIEW_A),
    "partnership_edit": (lambda w, o: {"pk": w.partnership_a.pk}, EDIT_A),
    "partner_add": (lambda w, o: {"pk": w.partnership_a.pk}, EDIT_A),
    "partner_edit": (
        lambda w, o: {"pk": w.partnership_a.pk, "partner_pk": o["partner"].pk},
        EDIT_A,
    ),
    "partner_leave": (
        lambda w, o: {"pk": w.partnership_a.pk, "partner_pk": o["partner"].pk},
        EDIT_A,
    ),
    "person_add": (lambda w, o: {"pk": w.partnership_a.pk}, EDIT_A),
    "person_edit": (lambda w, o: {"pk": w.partnership_a.pk, "person_pk": o["person"].pk}, EDIT_A),
    "person_archive": (
        lambda w, o: {"pk": w.partnership_a.pk, "person_pk": o["person"].pk},
        EDIT_A,
    ),
    "invitation_list": (lambda w, o: {}, STAFF_ONLY),
    "programme_import": (lambda w, o: {}, STAFF_ONLY),
    "programme_import_template": (lambda w, o: {}, STAFF_ONLY),
    "application_review_list": (lambda w, o: {}, STAFF_ONLY),
    "application_review": (lambda w, o: {"pk": o["application"].pk}, STAFF_ONLY),
    "application_call_list": (lambda w, o: {}, PUBLIC),
    # issue 15: staff's back office in the portal
    "animator_assign": (lambda w, o: {"pk": w.partnership_a.pk}, STAFF_ONLY),
    "application_call_manage_list": (lambda w, o: {}, STAFF_ONLY),
    "application_call_create": (lambda w, o: {}, STAFF_ONLY),
    "application_call_edit": (lambda w, o: {"pk": o["application"].call_id}, STAFF_ONLY),
    "support:hour_budget_edit": (lambda w, o: {"pk": w.partnership_a.pk}, STAFF_ONLY),
    "calendar_settings": (lambda w, o: {}, LOGGED_IN),
    "otp_setup": (lambda w, o: {}, STAFF_ONLY),
    "otp_remove": (lambda w, o: {}, STAFF_ONLY),
    "otp_verify": (lambda w, o: {}, LOGGED_IN),
    "login": (lambda w, o: {}, {**dict.fromkeys(PERSONAS, 302), "anonymous": 200}),
    "password_reset": (lambda w, o: {}, PUBLIC),
    "password_reset_done": (lambda w, o: {}, PUBLIC),
    "password_reset_complete": (lambda w, o: {}, PUBLIC),
    "password_change": (lambda w, o: {}, LOGGED_IN),
    "password_change_done": (lambda w, o: {}, LOGGED_IN),
    # events/
    "events:event_list": (lambda w, o: {}, EVENT_VIEWERS),
    "events:event_create": (lambda w, o: {}, STAFF_ONLY),
    "events:event_detail": (lambda w, o: {"pk": o["event"].pk}, EVENT_VIEWERS),
    "events:event_edit": (lambda w, o: {"pk": o["event"].pk}, STAFF_ONLY),
    "events:event_ics": (lambda w, o: {"pk": o["event"].pk}, LOGGED_IN),
    "events:participant_list": (lambda w, o: {"pk": o["event"].pk}, STAFF_ONLY),
    "events:event_message": (lambda w, o: {"pk": o["event"].pk}, STAFF_ONLY),
    "events:participant_xlsx": (lambda w, o: {"pk": o["event"].pk}, STAFF_ONLY),
    "events:participant_pdf": (lambda w, o: {"pk": o["event"].pk}, STAFF_ONLY),
    "events:attendance_edit": (lambda w, o: {"pk": o["event"].pk}, STAFF_ONLY),
    # Partnership A is registered already, so its leader and staff are sent to that registration.
    "events:registration_create": (
        lambda w, o: {"pk": o["event"].pk, "partnership_pk": w.partnership_a.pk},
        {**REGISTRATION_A, "leader_a": 302, "staff": 302},
    ),
    "events:registration_detail": (lambda w, o: {"pk": o["registration"].pk}, REGISTRATION_A),
    "events:registration_edit": (lambda w, o: {"pk": o["registration"].pk}, REGISTRATION_A),
    "events:registration_withdraw": (lambda w, o: {"pk": o["registration"].pk}, REGISTRATION_A),
    # POST-only actions: a GET by an allowed role answers 405.
    "events:registration_accept_offer": (
        lambda w, o: {"pk": o["registration"].pk},
        {**REGISTRATION_A, "leader_a": 405, "leader_b": 405, "staff": 405},
    ),
    "events:registration_introduce": (
        lambda w, o: {"pk": o["registration"].pk},
        {**STAFF_ONLY, "staff": 405},
    ),
    "events:partnership_registration_list": (lambda w, o: {"pk": w.partnership_a.pk}, VIEW_A),
    # A person's own link, revoked or renewed by the leader or staff (POST only).
    "events:participant_link_revoke": (
        lambda w, o: {"pk": o["registration"].participants.get().pk},
        {**REGISTRATION_A, "leader_a": 405, "leader_b": 405, "staff": 405},
    ),
    "events:participant_link_renew": (
        lambda w, o: {"pk": o["registration"].participants.get().pk},
        {**REGISTRATION_A, "leader_a": 405, "leader_b": 405, "staff": 405},
    ),
    "events:data_request_list": (lambda w, o: {}, STAFF_ONLY),
    "events:data_request_close": (
        lambda w, o: {"pk": _data_request(o).pk},
        {**STAFF_ONLY, "staff": 405},
    ),
    # reports/
    "reports:dashboard": (lambda w, o: {}, STAFF_ONLY),
    "reports:participation": (lambda w, o: {}, STAFF_ONLY),
    "reports:export": (lambda w, o: {"name": "sessions", "fmt": "csv"}, STAFF_ONLY),
    "reports:export_data": (lambda w, o: {"name": "sessions"}, STAFF_ONLY),
    "reports:funder_report": (lambda w, o: {}, STAFF_ONLY),
    "reports:funder_report_pdf": (lambda w, o: {"round_number": 1}, STAFF_ONLY),
    "reports:funder_report_xlsx": (lambda w, o: {"round_number": 1}, STAFF_ONLY),
    "reports:person_list": (lambda w, o: {}, STAFF_ONLY),
    "reports:person_data": (lambda w, o: {"pk": o["person"].pk}, STAFF_ONLY),
    "reports:person_anonymise": (lambda w, o: {"pk": o["person"].pk}, STAFF_ONLY),
    "reports:partnership_history": (lambda w, o: {"pk": w.partnership_a.pk}, STAFF_ONLY),
    "reports:person_history": (lambda w, o: {"pk": o["person"].pk}, STAFF_ONLY),
    "reports:worklist": (lambda w, o: {}, STAFF_ONLY),
    "reports:leader_message": (lambda w, o: {"pk": w.partnership_a.pk}, STAFF_ONLY),
    # reminders (partnerships)
    "reminder_settings": (lambda w, o: {}, LOGGED_IN),
    # support/: the development plan (issue 4); _plan_kwargs is below the table. The POST-only
    # start and agree answer a GET by a role that works on plans with 405, before any lookup.
    "support:plan_detail": (lambda w, o: {"pk": w.partnership_a.pk}, VIEW_A),
    "support:plan_start": (
        lambda w, o: {"pk": w.partnership_a.pk},
        {**dict.fromkeys(PERSONAS, 405), "anonymous": LOGIN, "committee": 403},
    ),
    "support:plan_agree": (
        lambda w, o: _plan_kwargs(w),
        {**dict.fromkeys(PERSONAS, 405), "anonymous": LOGIN, "committee": 403},
    ),
    "support:plan_edit": (lambda w, o: _plan_kwargs(w), VIEW_A),
    "support:plan_action_add": (lambda w, o: _plan_kwargs(w), VIEW_A),
    "support:plan_action_edit": (lambda w, o: _plan_kwargs(w, action=True), VIEW_A),
    "support:plan_action_remove": (lambda w, o: _plan_kwargs(w, action=True), VIEW_A),
    "support:plan_version_list": (lambda w, o: _plan_kwargs(w), VIEW_A),
    "support:plan_version_detail": (lambda w, o: _plan_kwargs(w, version=True), VIEW_A),
    "support:plan_version_pdf": (lambda w, o: _plan_kwargs(w, version=True), VIEW_A),
    "support:meetings_summary_pdf": (lambda w, o: {"pk": w.partnership_a.pk}, VIEW_A),
    # portal/: the top bar's search (each kind scoped by the user's selectors)
    "search": (lambda w, o: {}, LOGGED_IN),
    # portal/: the outbox
    "outbox_list": (lambda w, o: {}, STAFF_ONLY),
    "outbox_detail": (lambda w, o: {"pk": o["message"].pk}, STAFF_ONLY),
    "outbox_resend": (lambda w, o: {"pk": o["message"].pk}, STAFF_ONLY),
    # support/: potential partners (§1.2, §2.1.1), for the leader, the animator and staff
    "support:potential_partner_list": (lambda w, o: {"pk": w.partnership_a.pk}, VIEW_A),
    "support:potential_partner_add": (lambda w, o: {"pk": w.partnership_a.pk}, VIEW_A),
    "support:potential_partner_edit": (lambda w, o: _potential_kwargs(w), VIEW_A),
    "support:potential_partner_join": (lambda w, o: _potential_kwargs(w), VIEW_A),
    # the dashboard's missing sectors with candidates in view, staff only (issue 19)
    "support:missing_sector_list": (lambda w, o: {}, STAFF_ONLY),
    # clips/
    "clips:call_list": (lambda w, o: {}, LOGGED_IN),
    "clips:call_create": (lambda w, o: {}, STAFF_ONLY),
    "clips:call_detail": (lambda w, o: {"pk": o["clip_call"].pk}, STAFF_ONLY),
    "clips:call_edit": (lambda w, o: {"pk": o["clip_call"].pk}, STAFF_ONLY),
    "clips:call_open": (lambda w, o: {"pk": o["clip_call"].pk}, STAFF_ONLY),
    "clips:call_announce": (lambda w, o: {"pk": o["clip_call"].pk}, STAFF_ONLY),
    "clips:scenario_template_edit": (lambda w, o: {"pk": o["clip_call"].pk}, STAFF_ONLY),
    "clips:candidate_list": (lambda w, o: {"pk": o["clip_call"].pk}, STAFF_ONLY),
    "clips:override_edit": (
        lambda w, o: {"pk": o["clip_call"].pk, "partnership_pk": w.partnership_a.pk},
        STAFF_ONLY,
    ),
    "clips:ranking": (lambda w, o: {"pk": o["clip_call"].pk}, STAFF_ONLY),
    "clips:selection_create": (
        lambda w, o: {"pk": o["clip_call"].pk, "partnership_pk": w.partnership_b.pk},
        STAFF_ONLY,
    ),
    # Committee pages: members only (animator B is not on this call's committee).
    "clips:score_list": (lambda w, o: {"pk": o["clip_call"].pk}, CLIP_MEMBERS),
    "clips:score_edit": (
        lambda w, o: {"pk": o["clip_call"].pk, "partnership_pk": w.partnership_b.pk},
        CLIP_MEMBERS,
    ),
    "clips:selection_detail": (lambda w, o: {"pk": o["clip_selection"].pk}, VIEW_A),
    "clips:scenario_edit": (
        lambda w, o: {"pk": o["clip_selection"].pk},
        {**VIEW_A, "animator_a": 403},
    ),
    "clips:scenario_pdf": (lambda w, o: {"pk": o["clip_selection"].pk}, VIEW_A),
    "clips:selection_withdraw": (lambda w, o: {"pk": o["clip_selection"].pk}, STAFF_ONLY),
    "clips:notice_call_add": (lambda w, o: {"pk": o["clip_selection"].pk}, STAFF_ONLY),
    "clips:production_edit": (lambda w, o: {"pk": o["clip_selection"].pk}, STAFF_ONLY),
    "clips:selection_notify": (
        lambda w, o: {"pk": o["clip_selection"].pk},
        {**STAFF_ONLY, "staff": 405},
    ),
    "clips:production_introduce": (
        lambda w, o: {"pk": o["clip_selection"].pk},
        {**STAFF_ONLY, "staff": 405},
    ),
    "clips:announcement_list": (lambda w, o: {}, PUBLIC),
    # evaluations/: results of each event's survey, for staff
    "evaluations:result_list": (lambda w, o: {}, STAFF_ONLY),
    "evaluations:event_results": (lambda w, o: {"pk": o["event"].pk}, STAFF_ONLY),
    # portal/: the pages every public service must have, linked from every page's footer.
    "accessibility_statement": (lambda w, o: {}, PUBLIC),
    "privacy_notice": (lambda w, o: {}, PUBLIC),
    "contact": (lambda w, o: {}, PUBLIC),
    "clips:announcement_feed": (lambda w, o: {}, PUBLIC),
}


def _plan_kwargs(world, *, action=False, version=False):
    """Partnership A's plan, with an action or an agreed version when the URL names one. Made
    once per world, so that one world serves every plan URL (tests/e2e/test_accessibility.py)."""
    from tests.factories import DevelopmentPlanFactory, PlanActionFactory, PlanVersionFactory

    plan = DevelopmentPlanFactory(partnership=world.partnership_a)
    kwargs = {"pk": world.partnership_a.pk}
    if action:
        kwargs["action_pk"] = (plan.actions.first() or PlanActionFactory(plan=plan)).pk
    if version:
        kwargs["number"] = (
            plan.versions.filter(number=1).first() or PlanVersionFactory(plan=plan, number=1)
        ).number
    return kwargs


def _potential_kwargs(world):
    from tests.factories import PotentialPartnerFactory

    candidate = PotentialPartnerFactory(partnership=world.partnership_a)
    return {"pk": world.partnership_a.pk, "candidate_pk": candidate.pk}


# Reached with a secret or a one-time token rather than a role; tested in their own modules.
TOKEN_URLS = {
    # tests/events/test_personal_link.py; the axe walk in tests/e2e/test_accessibility.py
    "events:participant_link",
    "events:participant_decline",
    "events:participant_data",
    "invitation_accept",
    "application_edit",
    "application_start",
    "calendar_feed",
    "password_reset_confirm",
    "reminder_unsubscribe",  # tests/portal/test_views.py
    "evaluations:survey",  # tests/evaluations/test_flow.py
}
# POST-only or framework URLs.
OTHER_URLS = {
    "logout",
    "set_language",
    "programme_import_confirm",  # tests/partnerships/test_imports.py
}
# Walked per persona by their app's own access table.
COVERED_ELSEWHERE = {
    # tests/support/test_views.py::test_pages_access_per_persona
    "support:partnership_list",
    "support:timeline",
    "support:session_log",
    "support:contact_log",
    "support:session_edit",
    "support:session_withdraw",
    "support:partner_report_edit",
    "support:materials_add",
    "support:materials_list",
    # tests/support/test_materials_upload.py::test_materials_file_access_by_persona
    "support:materials_file",
}


def _named_patterns(resolver=None, namespace=None):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            yield from _named_patterns(pattern, pattern.namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield pattern.name if not namespace else f"{namespace}:{pattern.name}"


def test_every_url_has_an_access_entry():
    names = set(_named_patterns())
    missing = names - set(CASES) - TOKEN_URLS - OTHER_URLS - COVERED_ELSEWHERE
    assert not missing, f"Add these URLs to the access table: {sorted(missing)}"


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(CASES))
def test_url_access(client, world, name, persona):
    objects = _objects(world)
    build, expectations = CASES[name]
    url = reverse(name, kwargs=build(world, objects))
    user = world.persona(persona)
    if user is not None:
        client.force_login(user)
    response = client.get(url)
    expected = expectations[persona]
    if expected == LOGIN:
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    else:
        assert response.status_code == expected


@pytest.mark.parametrize(
    "name, kwargs_key",
    [("partnership_edit", None), ("partner_add", None), ("person_add", None)],
)
def test_post_by_other_leader_is_404_and_changes_nothing(client, world, name, kwargs_key):
    client.force_login(world.leader_b)
    before = (world.partnership_a.partners.count(), world.partnership_a.people.count())
    response = client.post(
        reverse(name, kwargs={"pk": world.partnership_a.pk}),
        {"name": "Przejęte", "common_goal": "x"},
    )
    assert response.status_code == 404
    world.partnership_a.refresh_from_db()
    assert world.partnership_a.name == "Partnerstwo A"
    assert (world.partnership_a.partners.count(), world.partnership_a.people.count()) == before


def test_unknown_ids_are_404_not_500(client, world):
    client.force_login(world.staff)
    assert client.get(reverse("partnership_detail", kwargs={"pk": 999999})).status_code == 404
    url = reverse("person_edit", kwargs={"pk": world.partnership_a.pk, "person_pk": 999999})
    assert client.get(url).status_code == 404


def test_invite_role_page_answers_staff_with_form(client, world):
    client.force_login(world.staff)
    user_invite(email="x@example.org", role=Role.ANIMATOR, invited_by=world.staff)
    response = client.get(reverse("invitation_list"))
    assert b"x@example.org" in response.content


# --- stored boundary values break no page ---------------------------------------------------

# Pages whose forms log the persona out or change how they log in: not filled.
NOT_FILLED = {"login", "password_change", "otp_setup", "otp_remove", "otp_verify"}
TEXT = "=1+1 <b>Zażółć</b> & \u202egęślą\u202c jaźń 😀 "


def _limit(field, kind):
    """The tightest ``min`` or ``max`` of a number field, from its attribute and validators."""
    from django.core import validators

    wanted = validators.MaxValueValidator if kind == "max" else validators.MinValueValidator
    limits = [getattr(field, f"{kind}_value", None)]
    limits += [v.limit_value for v in field.validators if isinstance(v, wanted)]
    limits = [limit for limit in limits if limit is not None]
    if not limits:
        return None
    return min(limits) if kind == "max" else max(limits)


def _boundary_value(field, mode: str, step: int = 0):
    """A value at the edge of what ``field`` accepts (``mode`` "low" or "high"): the
    programme's first or last day, the smallest or largest number, the shortest or longest
    text (with markup, a formula, a right-to-left mark and an emoji); or just past it
    ("beyond": year 1 and 9999, numbers past 64 bits), which must be refused. ``step`` is the
    field's place among the form's dates, so that a start comes before an end."""
    import datetime

    from django import forms

    from portal.forms import FIRST_DAY, LAST_DAY

    high = mode != "low"
    if mode == "beyond":
        if isinstance(field, forms.DateTimeField):
            return "0001-01-01 00:00" if step == 0 else "9999-12-31 23:59"
        if isinstance(field, forms.DateField):
            return "0001-01-01" if step == 0 else "9999-12-31"
        if isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField):
            return 10**30
    day = LAST_DAY - datetime.timedelta(days=2 - step) if high else FIRST_DAY
    if isinstance(field, forms.FileField):
        return None
    if isinstance(field, forms.BooleanField):
        return "on"
    if isinstance(field, forms.ModelMultipleChoiceField):
        return [obj.pk for obj in field.queryset[:1]]
    if isinstance(field, forms.ModelChoiceField):
        first = field.queryset.first()
        return first.pk if first else ""
    if isinstance(field, forms.MultipleChoiceField):
        return [value for value, _label in field.choices][:1]
    if isinstance(field, forms.ChoiceField):
        values = [value for value, _label in field.choices if value not in ("", None)]
        return (values[-1] if high else values[0]) if values else ""
    if isinstance(field, forms.DateTimeField):
        return f"{day.isoformat()} {'23' if high else '00'}:{step:02d}"
    if isinstance(field, forms.DateField):
        return (day + datetime.timedelta(days=0 if high else step)).isoformat()
    if isinstance(field, forms.TimeField):
        return "23:59" if high else "00:00"
    if isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField):
        if high:
            limit = _limit(field, "max")
            return limit if limit is not None else 2**31 - 1
        limit = _limit(field, "min")
        return limit if limit is not None else 0
    if isinstance(field, forms.EmailField):
        return "granica.najdluzsza+test@example.org" if high else "a@b.pl"
    if isinstance(field, forms.URLField):
        return "https://example.org/" + "a" * 150 if high else "https://e.pl"
    if isinstance(field, forms.CharField):
        if not high:
            return "=" if field.required else ""
        length = field.max_length or 3000
        return (TEXT * (length // len(TEXT) + 1))[:length]
    return ""


def _fill(form, mode: str) -> dict:
    from django import forms

    data, step = {}, 0
    for name, field in form.fields.items():
        value = _boundary_value(field, mode, step)
        if isinstance(field, forms.DateField | forms.DateTimeField):
            step += 1
        if value is not None:
            data[form.add_prefix(name)] = value
    return data


def _forms_in(context):
    from django.forms import BaseForm
    from django.forms.formsets import BaseFormSet

    contexts = [context] if hasattr(context, "flatten") else list(context or ())
    seen = []
    for each in contexts:
        for value in each.flatten().values():
            if isinstance(value, BaseForm | BaseFormSet) and value not in seen:
                seen.append(value)
    return seen


def _post_boundaries(client, url, modes) -> list:
    """Fill every form of the page at ``url`` in each of ``modes`` and send it; the statuses
    (none for a page without a form)."""
    from django.forms.formsets import BaseFormSet

    page = client.get(url)
    if page.status_code != 200 or page.context is None:
        return []
    forms = _forms_in(page.context)
    statuses = []
    for mode in modes:
        data = {}
        for form in forms:
            if isinstance(form, BaseFormSet):
                management = form.management_form
                data.update({management.add_prefix(k): v for k, v in management.initial.items()})
                for each in form.forms:
                    data.update(_fill(each, mode))
            else:
                data.update(_fill(form, mode))
        if data:
            response = client.post(url, data)
            assert response.status_code < 500, (url, mode, response.status_code)
            statuses.append(response.status_code)
    return statuses


@pytest.mark.django_db
def test_boundary_values_stored_through_every_form_break_no_page(client, world, monkeypatch):
    """Every form of the access table, as its owner (staff, then leader A), filled with the
    lowest and the highest values it takes, then with values past them (refused); then every
    page of the table for every persona answers below 500. (On main, the event form stored a
    registration opening in year 1, and the event list answered 500 for everyone.)"""
    objects = _objects(world)
    plans, make_plan = {}, _plan_kwargs

    def plan_once(w, **kw):  # the table builds a plan per URL; one database holds them all here
        key = tuple(sorted(kw.items()))
        if key not in plans:
            plans[key] = make_plan(w, **kw)
        return plans[key]

    monkeypatch.setattr(sys.modules[__name__], "_plan_kwargs", plan_once)
    urls = {
        name: reverse(name, kwargs=build(world, objects)) for name, (build, _e) in CASES.items()
    }
    # The event form shows once its kind is chosen.
    extra = {"staff": [urls["events:event_create"] + "?rodzaj=study_visit"], "leader_a": []}
    statuses = []
    for persona in ("staff", "leader_a"):
        client.force_login(world.persona(persona))
        pages = [urls[n] for n in sorted(set(CASES) - NOT_FILLED) if CASES[n][1][persona] == 200]
        for url in pages + extra[persona]:
            statuses += _post_boundaries(client, url, ("low", "high", "beyond"))
    # Most forms took their edge values (the rest refused them with a 400 and a message).
    assert statuses.count(302) >= 30, statuses
    # 429: the password reset's limit per address (its form is filled six times here).
    assert set(statuses) <= {200, 302, 400, 409, 429}, statuses
    for persona in PERSONAS:
        client.logout()
        user = world.persona(persona)
        if user is not None:
            client.force_login(user)
        for name, url in sorted(urls.items()):
            response = client.get(url)
            assert response.status_code < 500, (name, persona, response.status_code)
