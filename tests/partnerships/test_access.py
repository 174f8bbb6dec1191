"""Every URL of the portal for every persona: anonymous users go to the login page, another
partnership's object answers 404, a wrong role 403, the rest 200. A URL without an entry
here fails ``test_every_url_has_an_access_entry``."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from events.services import registration_submit
from partnerships.services import user_invite
from portal.enums import Role
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
    "application_review_list": (lambda w, o: {}, STAFF_ONLY),
    "application_review": (lambda w, o: {"pk": o["application"].pk}, STAFF_ONLY),
    "application_call_list": (lambda w, o: {}, PUBLIC),
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
    # reports/
    "reports:dashboard": (lambda w, o: {}, STAFF_ONLY),
    "reports:participation": (lambda w, o: {}, STAFF_ONLY),
    "reports:export": (lambda w, o: {"name": "sessions", "fmt": "csv"}, STAFF_ONLY),
    "reports:funder_report": (lambda w, o: {}, STAFF_ONLY),
    "reports:funder_report_pdf": (lambda w, o: {"round_number": 1}, STAFF_ONLY),
    "reports:funder_report_xlsx": (lambda w, o: {"round_number": 1}, STAFF_ONLY),
    "reports:person_list": (lambda w, o: {}, STAFF_ONLY),
    "reports:person_data": (lambda w, o: {"pk": o["person"].pk}, STAFF_ONLY),
    "reports:person_anonymise": (lambda w, o: {"pk": o["person"].pk}, STAFF_ONLY),
    "reports:partnership_history": (lambda w, o: {"pk": w.partnership_a.pk}, STAFF_ONLY),
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
    # portal/: the outbox
    "outbox_list": (lambda w, o: {}, STAFF_ONLY),
    "outbox_detail": (lambda w, o: {"pk": o["message"].pk}, STAFF_ONLY),
    "outbox_resend": (lambda w, o: {"pk": o["message"].pk}, STAFF_ONLY),
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
    "clips:announcement_feed": (lambda w, o: {}, PUBLIC),
}


def _plan_kwargs(world, *, action=False, version=False):
    """Partnership A's plan, with an action or an agreed version when the URL names one."""
    from tests.factories import DevelopmentPlanFactory, PlanActionFactory, PlanVersionFactory

    plan = DevelopmentPlanFactory(partnership=world.partnership_a)
    kwargs = {"pk": world.partnership_a.pk}
    if action:
        kwargs["action_pk"] = PlanActionFactory(plan=plan).pk
    if version:
        kwargs["number"] = PlanVersionFactory(plan=plan, number=1).number
    return kwargs


# Reached with a secret or a one-time token rather than a role; tested in their own modules.
TOKEN_URLS = {
    "invitation_accept",
    "application_edit",
    "application_start",
    "calendar_feed",
    "password_reset_confirm",
    "reminder_unsubscribe",  # tests/portal/test_views.py
}
# POST-only or framework URLs.
OTHER_URLS = {"logout", "set_language"}
# Walked per persona by their app's own access table.
COVERED_ELSEWHERE = {
    # tests/support/test_views.py::test_pages_access_per_persona
    "support:partnership_list",
    "support:timeline",
    "support:session_log",
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
