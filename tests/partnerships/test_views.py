import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from partnerships.enums import ApplicationStatus, Sector
from partnerships.models import Application, Partner, Partnership, Person
from partnerships.services import user_invite
from portal import hooks
from portal.calendar import CalendarItem
from portal.enums import Role
from portal.tokens import hash_token
from tests.factories import (
    ApplicationCallFactory,
    ApplicationFactory,
    InstitutionFactory,
    PartnerFactory,
    PartnershipFactory,
    PersonFactory,
    UserFactory,
)

INSTITUTION = {
    "institution-name": "Piekarnia Kłos",
    "institution-sector": Sector.BUSINESS,
    "institution-kind": "company",
    "institution-commune": "Wąchock",
    "institution-voivodeship": "swietokrzyskie",
    "partner-contribution": "Poczęstunek",
    "partner-benefit": "Promocja",
    "partner-joined_on": "2026-11-02",
}


def test_partnership_detail_warns_about_missing_sectors(client, world):
    client.force_login(world.leader_a)
    response = client.get(reverse("partnership_detail", args=[world.partnership_a.pk]))
    assert response.context["missing_sectors"] == [Sector.BUSINESS]
    assert "Brakujące sektory" in response.content.decode()


def test_partner_add_by_leader_creates_partner(client, world):
    client.force_login(world.leader_a)
    response = client.post(reverse("partner_add", args=[world.partnership_a.pk]), INSTITUTION)
    assert response.status_code == 302
    partner = Partner.objects.get(institution__name="Piekarnia Kłos")
    assert partner.partnership == world.partnership_a
    assert partner.joined_on == datetime.date(2026, 11, 2)


def test_partner_add_missing_sector_shows_error_and_saves_nothing(client, world):
    client.force_login(world.leader_a)
    data = {**INSTITUTION, "institution-sector": ""}
    response = client.post(reverse("partner_add", args=[world.partnership_a.pk]), data)
    assert response.status_code == 400
    assert response.context["institution_form"].errors["sector"]
    assert not Partner.objects.filter(institution__name="Piekarnia Kłos").exists()


def test_partner_leave_asks_then_marks_partner_as_left(client, world):
    partner = world.partnership_a.partners.exclude(
        institution=world.partnership_a.lead_library
    ).get()
    url = reverse("partner_leave", args=[world.partnership_a.pk, partner.pk])
    client.force_login(world.leader_a)
    assert partner.institution.name in client.get(url).content.decode()
    partner.refresh_from_db()
    assert partner.left_on is None  # the confirmation page changes nothing
    response = client.post(url, {"left_on": timezone.localdate().isoformat()})
    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.left_on == timezone.localdate()


def test_partner_leave_of_lead_library_shows_message(client, world):
    lead = world.partnership_a.partners.get(institution=world.partnership_a.lead_library)
    client.force_login(world.leader_a)
    response = client.post(
        reverse("partner_leave", args=[world.partnership_a.pk, lead.pk]),
        {"left_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    lead.refresh_from_db()
    assert lead.left_on is None


def test_person_add_without_consent_shows_polish_error(client, world):
    client.force_login(world.leader_a)
    response = client.post(
        reverse("person_add", args=[world.partnership_a.pk]),
        {
            "first_name": "Ala",
            "last_name": "Kot",
            "institution": world.partnership_a.lead_library.pk,
            "email": "ala@example.org",
        },
    )
    assert response.status_code == 400
    assert "zgod" in str(response.context["form"].errors["consent"]).lower()
    assert not Person.objects.filter(email="ala@example.org").exists()


def test_person_add_with_institution_of_other_partnership_is_refused(client, world):
    client.force_login(world.leader_a)
    response = client.post(
        reverse("person_add", args=[world.partnership_a.pk]),
        {
            "first_name": "Ala",
            "last_name": "Kot",
            "institution": world.partnership_b.lead_library.pk,
            "email": "ala@example.org",
            "consent": "on",
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["institution"]
    assert not Person.objects.exists()


@pytest.mark.parametrize("persona", ["leader_a", "staff"])
def test_person_edit_links_the_person_to_the_leaders_account(client, world, persona):
    """§2.3.3: the leader (or staff) marks which person is the library leader."""
    person = PersonFactory(partnership=world.partnership_a, email="a.lis@biblioteka.example")
    url = reverse("person_edit", args=[world.partnership_a.pk, person.pk])
    client.force_login(world.persona(persona))
    form_page = client.get(url).content.decode()
    assert "To jest lider biblioteczny partnerstwa" in form_page
    assert world.leader_a.email in form_page
    response = client.post(
        url,
        {
            "first_name": person.first_name,
            "last_name": person.last_name,
            "institution": person.institution_id,
            "email": person.email,
            "is_leader": "on",
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.user == world.leader_a
    page = client.get(reverse("partnership_detail", args=[world.partnership_a.pk]))
    assert "lider biblioteczny</span>" in page.content.decode()


def test_person_form_without_a_leader_account_has_no_leader_tick(client, world):
    partnership = PartnershipFactory(leader=None)
    client.force_login(world.staff)
    form_page = client.get(reverse("person_add", args=[partnership.pk])).content.decode()
    assert "is_leader" not in form_page


def test_person_archive_confirms_then_hides_person(client, world):
    person = PersonFactory(partnership=world.partnership_a)
    url = reverse("person_archive", args=[world.partnership_a.pk, person.pk])
    client.force_login(world.leader_a)
    client.get(url)
    person.refresh_from_db()
    assert person.archived_at is None
    client.post(url)
    person.refresh_from_db()
    assert person.archived_at is not None
    detail = client.get(reverse("partnership_detail", args=[world.partnership_a.pk]))
    assert person not in list(detail.context["people"])


def test_partnership_edit_by_leader_saves_goal(client, world):
    client.force_login(world.leader_a)
    client.post(
        reverse("partnership_edit", args=[world.partnership_a.pk]),
        {"name": "Nowa nazwa", "common_goal": "Nowy cel"},
    )
    world.partnership_a.refresh_from_db()
    assert (world.partnership_a.name, world.partnership_a.common_goal) == ("Nowa nazwa", "Nowy cel")


def test_partnership_edit_keeps_history_with_actor(client, world):
    client.force_login(world.leader_a)
    client.post(
        reverse("partnership_edit", args=[world.partnership_a.pk]),
        {"name": "Nowa nazwa", "common_goal": "Nowy cel"},
    )
    latest = world.partnership_a.history.latest()
    assert latest.history_user == world.leader_a


# --- lists and query counts -----------------------------------------------------------------


def _make_partnerships(n, animator):
    for _ in range(n):
        partnership = PartnershipFactory(animator=animator)
        PartnerFactory(
            partnership=partnership, institution=InstitutionFactory(sector=Sector.SOCIAL)
        )


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.STAFF, Role.ANIMATOR])
def test_partnership_list_query_count_does_not_grow(client, django_assert_num_queries, role):
    user = UserFactory(role=role)
    client.force_login(user)
    _make_partnerships(1, user)
    client.get(reverse("partnership_list"))  # the first request of a session writes it
    # session, user, roles, count, the page's ids, its rows (+ the animator filter's choices
    # for staff), the programme path: applications, support, events, clips steps
    with django_assert_num_queries(11 if role == Role.STAFF else 10) as ctx:
        client.get(reverse("partnership_list"))
    count_for_one = len(ctx.captured_queries)
    _make_partnerships(2, user)
    with django_assert_num_queries(count_for_one):
        response = client.get(reverse("partnership_list"))
    assert response.context["page"].paginator.count == 3


@pytest.mark.django_db
def test_partnership_list_template_reads_no_table(client, template_queries):
    client.force_login(UserFactory(role=Role.STAFF))
    _make_partnerships(3, UserFactory(role=Role.ANIMATOR))
    response = client.get(reverse("partnership_list"), {"coverage": "missing"})
    assert len(response.context["page"]) == 3
    assert [sql for sql in template_queries if "auth_group" not in sql] == []


@pytest.mark.django_db
def test_partnership_list_filters_and_paginates(client):
    staff = UserFactory(role=Role.STAFF)
    client.force_login(staff)
    for i in range(30):
        PartnershipFactory(name=f"Partnerstwo {i:02d}", round=1 if i % 2 else 2)
    response = client.get(reverse("partnership_list"), {"round": 2, "page": 2})
    page = response.context["page"]
    assert page.paginator.count == 15 and page.number == 1  # 15 fit one page of 25
    response = client.get(reverse("partnership_list"), {"page": 2})
    assert response.context["page"].number == 2
    assert len(response.context["page"]) == 5


@pytest.mark.django_db
def test_partnership_list_bad_filter_values_are_ignored_not_500(client):
    client.force_login(UserFactory(role=Role.STAFF))
    response = client.get(
        reverse("partnership_list"),
        {"round": "x", "status": "nope", "page": "abc", "animator": "9"},
    )
    assert response.status_code == 200


def test_staff_home_shows_applications_to_decide(client, world):
    ApplicationFactory(status=ApplicationStatus.SUBMITTED, submitted_at=timezone.now())
    client.force_login(world.staff)
    response = client.get(reverse("staff_home"))
    assert response.context["applications_to_decide"] == 1


# --- applications ------------------------------------------------------------------------------

APPLICATION = {
    "library_name": "Biblioteka w Łącku",
    "library_commune": "Łąck",
    "library_voivodeship": "mazowieckie",
    "contact_name": "Zofia Żak",
    "contact_email": "zofia@example.org",
    "partnership_name": "Łąckie Partnerstwo",
    "common_goal": "Cel",
    "planned_partners": "Partnerzy",
    "first_meeting_reflections": "Refleksje",
    "consent": "on",
}


@pytest.mark.django_db(transaction=True)
def test_application_draft_then_submit_by_link(client):
    call = ApplicationCallFactory()
    response = client.post(
        reverse("application_start", args=[call.pk]),
        {"library_name": "Biblioteka w Łącku", "contact_email": "zofia@example.org", "save": "1"},
    )
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.status == ApplicationStatus.DRAFT
    token = response.url.rstrip("/").split("/")[-1]
    assert application.access_token_hash == hash_token(token)
    assert token in mail.outbox[0].body

    response = client.post(response.url, {**APPLICATION, "submit": "1"})
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


@pytest.mark.django_db
def test_application_submit_incomplete_shows_field_errors_and_keeps_draft(client):
    application = ApplicationFactory(access_token_hash=hash_token("known"), common_goal="")
    response = client.post(
        reverse("application_edit", args=["known"]),
        {**APPLICATION, "common_goal": "", "library_name": "Zmiana", "submit": "1"},
    )
    assert response.status_code == 400
    assert "common_goal" in response.context["form"].errors
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT
    assert application.library_name != "Zmiana"  # nothing half-saved


@pytest.mark.django_db
def test_application_start_submit_incomplete_saves_nothing(client):
    call = ApplicationCallFactory()
    response = client.post(
        reverse("application_start", args=[call.pk]),
        {"library_name": "B", "contact_email": "z@example.org", "submit": "1"},
    )
    assert response.status_code == 400
    assert "partnership_name" in response.context["form"].errors
    assert not Application.objects.exists()


@pytest.mark.django_db
def test_application_page_after_deadline_is_read_only(client, time_machine):
    application = ApplicationFactory(access_token_hash=hash_token("known"))
    time_machine.move_to(application.call.deadline + datetime.timedelta(hours=1))
    response = client.post(
        reverse("application_edit", args=["known"]), {**APPLICATION, "library_name": "Zmiana"}
    )
    assert response.status_code == 200
    assert response.context["editable"] is False
    application.refresh_from_db()
    assert application.library_name != "Zmiana"


@pytest.mark.django_db
def test_application_wrong_token_is_404(client):
    assert client.get(reverse("application_edit", args=["nope"])).status_code == 404


@pytest.mark.django_db
def test_application_start_on_closed_call_is_404(client):
    call = ApplicationCallFactory(
        opens_at=timezone.now() - datetime.timedelta(days=9),
        deadline=timezone.now() - datetime.timedelta(days=1),
    )
    assert client.get(reverse("application_start", args=[call.pk])).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_staff_qualifies_application_from_review_page(client):
    staff = UserFactory(role=Role.STAFF)
    animator = UserFactory(role=Role.ANIMATOR)
    application = ApplicationFactory(
        status=ApplicationStatus.SUBMITTED, submitted_at=timezone.now()
    )
    client.force_login(staff)
    response = client.post(
        reverse("application_review", args=[application.pk]),
        {"decision": "qualify", "animator": animator.pk, "note": ""},
    )
    assert response.status_code == 302
    partnership = Partnership.objects.get()
    assert partnership.animator == animator
    assert {m.to[0] for m in mail.outbox} == {application.contact_email}


@pytest.mark.django_db
def test_staff_reject_without_reason_shows_error(client):
    staff = UserFactory(role=Role.STAFF)
    application = ApplicationFactory(
        status=ApplicationStatus.SUBMITTED, submitted_at=timezone.now()
    )
    client.force_login(staff)
    response = client.post(
        reverse("application_review", args=[application.pk]), {"decision": "reject", "note": ""}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["note"]
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


@pytest.mark.django_db
def test_application_review_of_draft_is_404(client):
    client.force_login(UserFactory(role=Role.STAFF))
    draft = ApplicationFactory()
    assert client.get(reverse("application_review", args=[draft.pk])).status_code == 404


# --- accounts ----------------------------------------------------------------------------------


def _token_from_mail():
    body = mail.outbox[-1].body
    return body.split("/zaproszenie/")[1].split("/")[0]


@pytest.mark.django_db(transaction=True)
def test_invitation_page_sends_invitation(client):
    staff = UserFactory(role=Role.STAFF)
    client.force_login(staff)
    response = client.post(
        reverse("invitation_list"),
        {"email": "nowa@example.org", "first_name": "Ewa", "last_name": "Nowa", "role": "animator"},
    )
    assert response.status_code == 302
    assert mail.outbox[0].to == ["nowa@example.org"]


@pytest.mark.django_db
def test_invitation_page_partnership_for_non_leader_is_refused(client):
    staff = UserFactory(role=Role.STAFF)
    partnership = PartnershipFactory()
    client.force_login(staff)
    response = client.post(
        reverse("invitation_list"),
        {
            "email": "nowa@example.org",
            "first_name": "Ewa",
            "last_name": "Nowa",
            "role": "animator",
            "partnership": partnership.pk,
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["partnership"]


@pytest.mark.django_db(transaction=True)
def test_invitation_accept_sets_password_and_logs_in(client):
    user_invite(email="nowa@example.org", role=Role.LEADER, invited_by=None)
    url = reverse("invitation_accept", args=[_token_from_mail()])
    response = client.post(url, {"password1": "Mocne-Haslo-2026", "password2": "Mocne-Haslo-2026"})
    assert response.status_code == 302
    assert client.session.get("_auth_user_id")
    assert client.get(url).status_code == 410  # used once


@pytest.mark.django_db(transaction=True)
def test_invitation_accept_mismatched_passwords_show_error(client):
    invitation = user_invite(email="nowa@example.org", role=Role.LEADER, invited_by=None)
    url = reverse("invitation_accept", args=[_token_from_mail()])
    response = client.post(url, {"password1": "Mocne-Haslo-2026", "password2": "Inne-Haslo-2026"})
    assert response.status_code == 400
    assert response.context["form"].errors["password2"]
    invitation.user.refresh_from_db()
    assert not invitation.user.is_active


@pytest.mark.django_db(transaction=True)
def test_invitation_accept_expired_link_is_gone(client, time_machine):
    user_invite(email="nowa@example.org", role=Role.LEADER, invited_by=None)
    time_machine.move_to(timezone.now() + datetime.timedelta(days=30))
    assert client.get(reverse("invitation_accept", args=[_token_from_mail()])).status_code == 410


@pytest.mark.django_db
def test_login_with_email_case_insensitive(client):
    UserFactory(email="ala@example.org")
    response = client.post(
        reverse("login"), {"username": "Ala@Example.org", "password": "test-password-123"}
    )
    assert response.status_code == 302
    assert client.session.get("_auth_user_id")


@pytest.mark.django_db
def test_login_wrong_password_shows_polish_message(client):
    UserFactory(email="ala@example.org")
    response = client.post(reverse("login"), {"username": "ala@example.org", "password": "zle"})
    assert response.status_code == 200
    assert "hasło" in response.content.decode().lower()


@pytest.mark.django_db
def test_password_reset_mails_a_link(client, django_capture_on_commit_callbacks):
    UserFactory(email="ala@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": "ala@example.org"})
    assert len(mail.outbox) == 1
    assert "/konto/haslo/reset/" in mail.outbox[0].body
    assert mail.outbox[0].alternatives  # HTML part too


@pytest.mark.django_db
def test_language_switch_to_english(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(reverse("login"))
    assert "Log in to the partnership portal" in response.content.decode()


@pytest.mark.django_db
def test_pages_default_to_polish(client):
    response = client.get(reverse("login"))
    assert 'lang="pl"' in response.content.decode()
    assert "Zaloguj" in response.content.decode()


# --- calendar -----------------------------------------------------------------------------------


def _test_source(user):
    yield CalendarItem(
        uid=f"test-{user.pk}",
        start=datetime.date(2030, 1, 15),
        end=datetime.date(2030, 1, 16),
        summary="Spotkanie partnerstwa w Łącku",
    )


@pytest.mark.django_db
def test_calendar_feed_serves_registered_items(client, monkeypatch):
    monkeypatch.setattr(hooks, "_calendar_sources", [])
    hooks.register_calendar_source(_test_source)
    user = UserFactory()
    response = client.get(reverse("calendar_feed", args=[user.calendar_token]))
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert "BEGIN:VCALENDAR" in body and "Spotkanie partnerstwa w Łącku" in body


@pytest.mark.django_db
def test_calendar_settings_gives_the_address_from_the_site_url(client, settings):
    settings.SITE_URL = "https://partnerstwa.example.org"
    settings.ALLOWED_HOSTS = ["intruz.example"]
    user = UserFactory()
    client.force_login(user)
    response = client.get(reverse("calendar_settings"), HTTP_HOST="intruz.example")
    feed = "https://partnerstwa.example.org" + reverse("calendar_feed", args=[user.calendar_token])
    assert f'value="{feed}"' in response.content.decode()
    assert "intruz" not in response.content.decode()


@pytest.mark.django_db
def test_calendar_feed_old_token_stops_working_after_reset(client):
    user = UserFactory()
    old = user.calendar_token
    client.force_login(user)
    client.post(reverse("calendar_settings"))
    assert client.get(reverse("calendar_feed", args=[old])).status_code == 404
    user.refresh_from_db()
    assert client.get(reverse("calendar_feed", args=[user.calendar_token])).status_code == 200
