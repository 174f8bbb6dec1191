import datetime
import io

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from events import services
from events.enums import RegistrationStatus
from events.models import Event, Participant, Registration
from tests.events.conftest import FEWER
from tests.factories import EventFactory, PartnershipFactory, PersonFactory

pytestmark = pytest.mark.django_db


def register(event, partnership, people, actor, **kwargs):
    return services.registration_submit(
        event=event,
        partnership=partnership,
        people=people,
        chosen_internally=True,
        actor=actor,
        **{**FEWER, **kwargs},
    )


@pytest.fixture
def registration_a(world, cast, visit):
    return register(visit, world.partnership_a, [cast.librarian_a], world.leader_a)


# The registration form's confirmation of a smaller delegation (§2.2.3, §2.3.3).
FEWER_POST = {"fewer_confirmed": "on", "fewer_reason": FEWER["fewer_reason"]}


def page_text(response) -> str:
    return response.content.decode()


# --- who may see what ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona, expected",
    [
        ("anonymous", 302),
        ("committee", 403),
        ("animator_a", 403),
        ("leader_a", 200),
        ("staff", 200),
    ],
)
def test_event_list_access_by_persona(client, world, visit, persona, expected):
    user = world.persona(persona)
    if user:
        client.force_login(user)
    response = client.get(reverse("events:event_list"))
    assert response.status_code == expected
    if expected == 302:
        assert response.url.startswith(reverse("login"))
    if expected == 200:
        assert visit.title in page_text(response)


def test_event_detail_closed_event_not_registered_is_404_for_leader(client, world):
    closed = EventFactory(
        registration_opens_at=timezone.now() - datetime.timedelta(days=10),
        registration_closes_at=timezone.now() - datetime.timedelta(days=1),
    )
    client.force_login(world.leader_a)
    assert client.get(reverse("events:event_detail", args=[closed.pk])).status_code == 404
    client.force_login(world.staff)
    assert client.get(reverse("events:event_detail", args=[closed.pk])).status_code == 200


def test_event_detail_closed_event_visible_to_registered_leader(client, world, registration_a):
    Event.objects.filter(pk=registration_a.event_id).update(
        registration_opens_at=timezone.now() - datetime.timedelta(days=10),
        registration_closes_at=timezone.now() - datetime.timedelta(days=1),
    )
    client.force_login(world.leader_a)
    response = client.get(reverse("events:event_detail", args=[registration_a.event_id]))
    assert response.status_code == 200
    assert "Zobacz zgłoszenie" in page_text(response)


@pytest.mark.parametrize(
    "persona, expected",
    [("anonymous", 302), ("committee", 403), ("leader_b", 404), ("leader_a", 200), ("staff", 200)],
)
@pytest.mark.parametrize(
    "name", ["registration_detail", "registration_edit", "registration_withdraw"]
)
def test_registration_pages_by_persona(client, world, registration_a, persona, expected, name):
    user = world.persona(persona)
    if user:
        client.force_login(user)
    response = client.get(reverse(f"events:{name}", args=[registration_a.pk]))
    assert response.status_code == expected


def test_registration_create_for_other_partnership_is_404(client, world, visit):
    client.force_login(world.leader_a)
    url = reverse("events:registration_create", args=[visit.pk, world.partnership_b.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"chosen_internally": "on"}).status_code == 404
    assert not Registration.objects.exists()


@pytest.mark.parametrize(
    "name", ["participant_list", "participant_xlsx", "participant_pdf", "attendance_edit"]
)
@pytest.mark.parametrize(
    "persona, expected", [("anonymous", 302), ("leader_a", 403), ("animator_a", 403)]
)
def test_staff_pages_refused_to_others(client, world, visit, name, persona, expected):
    user = world.persona(persona)
    if user:
        client.force_login(user)
    assert client.get(reverse(f"events:{name}", args=[visit.pk])).status_code == expected


def test_staff_actions_refused_to_leader(client, world, registration_a):
    client.force_login(world.leader_a)
    response = client.post(reverse("events:registration_introduce", args=[registration_a.pk]))
    assert response.status_code == 403
    registration_a.refresh_from_db()
    assert registration_a.introduced_at is None


def test_event_create_refused_to_leader(client, world):
    client.force_login(world.leader_a)
    assert client.get(reverse("events:event_create")).status_code == 403


@pytest.mark.parametrize(
    "persona, expected",
    [("anonymous", 302), ("leader_b", 404), ("animator_a", 200), ("leader_a", 200)],
)
def test_partnership_registration_list_by_persona(client, world, registration_a, persona, expected):
    user = world.persona(persona)
    if user:
        client.force_login(user)
    url = reverse("events:partnership_registration_list", args=[world.partnership_a.pk])
    response = client.get(url)
    assert response.status_code == expected
    if expected == 200:
        assert registration_a.event.title in page_text(response)


# --- leader: register, change, withdraw ----------------------------------------------------


def test_leader_registers_through_the_page(
    client, world, cast, visit, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(world.leader_a)
    url = reverse("events:registration_create", args=[visit.pk, world.partnership_a.pk])
    form_page = client.get(url)
    assert cast.librarian_a.full_name in page_text(form_page)
    assert cast.leader_person_b.full_name not in page_text(form_page)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "people": [cast.librarian_a.pk, cast.ngo_a1.pk, cast.ngo_a2.pk],
                "chosen_internally": "on",
            },
        )
    registration = Registration.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("events:registration_detail", args=[registration.pk])
    assert registration.created_by == world.leader_a
    assert (registration.seats, registration.fewer_reason) == (3, "")
    assert len(mailoutbox) == 3


def test_registration_create_fewer_than_three_asks_for_confirmation_and_reason(
    client, world, cast, visit
):
    """§2.2.3: three representatives take part in a study visit; fewer only when the leader
    confirms it and says why."""
    client.force_login(world.leader_a)
    url = reverse("events:registration_create", args=[visit.pk, world.partnership_a.pk])
    form_page = page_text(client.get(url))
    assert "Weźmie udział mniej osób, niż przewiduje program: potwierdzam." in form_page
    data = {"people": [cast.librarian_a.pk, cast.ngo_a1.pk], "chosen_internally": "on"}

    response = client.post(url, data)
    assert response.status_code == 400
    assert "W wizycie studyjnej bierze udział trzech przedstawicieli" in page_text(response)
    response = client.post(url, {**data, "fewer_confirmed": "on", "fewer_reason": " "})
    assert response.status_code == 400
    assert "Napisz, dlaczego" in page_text(response)
    assert not Registration.objects.exists()

    response = client.post(
        url, {**data, "fewer_confirmed": "on", "fewer_reason": "Trzecia osoba jest chora."}
    )
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert (registration.seats, registration.fewer_reason) == (2, "Trzecia osoba jest chora.")
    detail = page_text(client.get(response.url))
    assert "2 z 3 przewidzianych przedstawicieli." in detail
    assert "Trzecia osoba jest chora." in detail


def test_staff_see_empty_places_on_the_event_and_the_participant_list(client, world, cast, visit):
    register(
        visit,
        world.partnership_a,
        [cast.librarian_a, cast.ngo_a1],
        world.leader_a,
        fewer_reason="Trzecia osoba jest chora.",
    )
    register(visit, world.partnership_b, [cast.leader_person_b], world.leader_b)
    client.force_login(world.staff)
    for name in ("event_detail", "participant_list"):
        text = page_text(client.get(reverse(f"events:{name}", args=[visit.pk])))
        assert "3 miejsca pozostaną puste" in text
        assert "Partnerstwo A</a>: 2 z 3 · Trzecia osoba jest chora." in text
        assert "Partnerstwo B</a>: 1 z 3" in text


@pytest.mark.parametrize(
    "people, confirmed, expected",
    [
        (lambda c: [c.leader_person_b.pk], True, "własnego partnerstwa"),
        (lambda c: [c.ngo_a1.pk, c.ngo_a2.pk], True, "biblioteki"),
        (lambda c: [c.librarian_a.pk], False, "wspólnie"),
        (lambda c: [], True, "co najmniej jednego"),
        (lambda c: ["abc"], True, "własnego partnerstwa"),
    ],
    ids=["other_partnership", "no_library", "not_confirmed", "nobody", "garbage"],
)
def test_registration_create_bad_input_shows_polish_message(
    client, world, cast, visit, people, confirmed, expected
):
    client.force_login(world.leader_a)
    url = reverse("events:registration_create", args=[visit.pk, world.partnership_a.pk])
    data = {"people": people(cast)}
    if confirmed:
        data["chosen_internally"] = "on"
    response = client.post(url, data)
    assert response.status_code == 400
    assert expected in page_text(response)
    assert not Registration.objects.exists()


def test_registration_create_shows_every_rule_error_at_once(client, world, cast, visit):
    """Four people, none from a library, and no confirmation: three rules, one page."""
    ngo_a4 = PersonFactory(partnership=world.partnership_a, institution=cast.ngo_a1.institution)
    client.force_login(world.leader_a)
    url = reverse("events:registration_create", args=[visit.pk, world.partnership_a.pk])
    people = [cast.ngo_a1.pk, cast.ngo_a2.pk, cast.ngo_a3.pk, ngo_a4.pk]
    response = client.post(url, {"people": people})
    assert response.status_code == 400
    summary = page_text(response).split('id="error-summary"', 1)[1].split("</div>", 1)[0]
    assert "Najwyżej 3 osoby z partnerstwa" in summary
    assert "co najmniej jeden przedstawiciel biblioteki" in summary
    assert "wybrali swoich przedstawicieli wspólnie" in summary
    assert not Registration.objects.exists()


def test_registration_create_fewer_people_said_with_the_other_rules(client, world, cast, visit):
    """Two people, none from a library, nothing confirmed: the library rule, the choice made
    together and the fewer-than-three confirmation, all on one page."""
    client.force_login(world.leader_a)
    url = reverse("events:registration_create", args=[visit.pk, world.partnership_a.pk])
    response = client.post(url, {"people": [cast.ngo_a1.pk, cast.ngo_a2.pk]})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) == {"people", "chosen_internally", "fewer_confirmed"}
    summary = page_text(response).split('id="error-summary"', 1)[1].split("</div>", 1)[0]
    assert "co najmniej jeden przedstawiciel biblioteki" in summary
    assert "a wybrano 2 osoby" in summary
    assert not Registration.objects.exists()


def test_registration_create_more_than_allowed_refused_without_javascript(
    client, world, cast, visit
):
    client.force_login(world.leader_a)
    url = reverse("events:registration_create", args=[visit.pk, world.partnership_a.pk])
    people = [cast.librarian_a.pk, cast.ngo_a1.pk, cast.ngo_a2.pk, cast.ngo_a3.pk]
    response = client.post(url, {"people": people, "chosen_internally": "on"})
    assert response.status_code == 400
    assert "Najwyżej 3 osoby z partnerstwa" in page_text(response)
    # The page comes back with the four ticks, to untick one.
    assert response.context["form"].chosen_count() == 4
    assert not Registration.objects.exists()


def test_registration_form_marks_the_confirmation_required_and_counts_ticks(
    client, world, cast, visit
):
    client.force_login(world.leader_a)
    url = reverse("events:registration_create", args=[visit.pk, world.partnership_a.pk])
    text = page_text(client.get(url))
    assert 'name="chosen_internally" class="checkboxinput form-check-input" required' in text
    assert "0 z 3 wybranych." in text
    assert 'src="/static/js/registration-form.js"' in text


def test_registration_form_marks_library_people_and_the_leader(client, world, cast, visit):
    client.force_login(world.leader_a)
    url = reverse("events:registration_create", args=[visit.pk, world.partnership_a.pk])
    form = client.get(url).context["form"]
    flags = {c.person.pk: (c.from_library, c.is_leader) for c in form.candidates}
    assert flags[cast.leader_person_a.pk] == (True, True)
    assert flags[cast.librarian_a.pk] == (True, False)
    assert flags[cast.ngo_a1.pk] == (False, False)


def test_registration_form_for_the_seminar_ticks_the_leader(client, world, cast, seminar):
    client.force_login(world.leader_a)
    url = reverse("events:registration_create", args=[seminar.pk, world.partnership_a.pk])
    form = client.get(url).context["form"]
    assert form["people"].value() == [cast.leader_person_a.pk]
    assert form.chosen_count() == 1


def test_registration_form_adds_a_person_and_keeps_the_ticks(client, world, cast, visit):
    client.force_login(world.leader_a)
    url = reverse("events:registration_create", args=[visit.pk, world.partnership_a.pk])
    response = client.post(
        url,
        {
            "people": [cast.librarian_a.pk, cast.ngo_a1.pk],
            "chosen_internally": "on",
            "add_person": "1",
            "person-first_name": "Halina",
            "person-last_name": "Nowicka",
            "person-institution": cast.ngo_a1.institution_id,
            "person-email": "Halina@Example.org",
            "person-consent": "on",
        },
    )
    person = world.partnership_a.people.get(last_name="Nowicka")
    assert response.status_code == 302
    assert response.url.startswith(url + "?")
    assert not Registration.objects.exists()  # nothing registered yet

    page = client.get(response.url)
    form = page.context["form"]
    assert sorted(form["people"].value()) == sorted(
        [cast.librarian_a.pk, cast.ngo_a1.pk, person.pk]
    )
    assert form["chosen_internally"].value() is True
    assert "Dodano osobę Halina Nowicka do listy partnerstwa" in page_text(page)


def test_registration_form_person_with_errors_keeps_the_ticks_and_adds_nobody(
    client, world, cast, visit
):
    client.force_login(world.leader_a)
    url = reverse("events:registration_create", args=[visit.pk, world.partnership_a.pk])
    count = world.partnership_a.people.count()
    response = client.post(
        url,
        {
            "people": [cast.librarian_a.pk],
            "add_person": "1",
            "person-first_name": "Halina",
            "person-email": "not-an-address",
        },
    )
    assert response.status_code == 400
    assert world.partnership_a.people.count() == count
    assert response.context["form"]["people"].value() == [cast.librarian_a.pk]
    assert '<details class="card mb-3" open>' in page_text(response)


def test_registration_form_ticks_in_the_address_only_of_own_people(client, world, cast, visit):
    client.force_login(world.leader_a)
    url = reverse("events:registration_create", args=[visit.pk, world.partnership_a.pk])
    query = f"?people={cast.librarian_a.pk}&people={cast.ngo_b.pk}&people=x"
    form = client.get(url + query).context["form"]
    assert form["people"].value() == [cast.librarian_a.pk]


def test_registration_create_seminar_without_leader_shows_message(client, world, cast, seminar):
    client.force_login(world.leader_a)
    url = reverse("events:registration_create", args=[seminar.pk, world.partnership_a.pk])
    response = client.post(
        url, {"people": [cast.librarian_a.pk], "chosen_internally": "on", **FEWER_POST}
    )
    assert response.status_code == 400
    assert "lider biblioteczny" in page_text(response)
    assert not Registration.objects.exists()


def test_registration_create_full_event_shows_message_then_joins_waiting_list(client, world, cast):
    event = EventFactory(capacity=1)
    register(event, world.partnership_b, [cast.leader_person_b], world.leader_b)
    client.force_login(world.leader_a)
    url = reverse("events:registration_create", args=[event.pk, world.partnership_a.pk])
    data = {"people": [cast.librarian_a.pk], "chosen_internally": "on", **FEWER_POST}
    response = client.post(url, data)
    assert response.status_code == 400
    assert "listę rezerwową" in page_text(response)
    assert Registration.objects.count() == 1
    response = client.post(url, {**data, "join_waiting_list": "on"}, follow=True)
    assert "liście rezerwowej" in page_text(response)
    assert Registration.objects.get(partnership=world.partnership_a).status == "waiting"


def test_registration_create_closed_window_shows_message(client, world, cast, visit):
    url = reverse("events:registration_create", args=[visit.pk, world.partnership_a.pk])
    with time_machine.travel(visit.registration_closes_at + datetime.timedelta(minutes=1)):
        client.force_login(world.leader_a)
        response = client.post(url, {"people": [cast.librarian_a.pk], "chosen_internally": "on"})
    # A leader no longer sees a closed event they are not registered for.
    assert response.status_code == 404
    assert not Registration.objects.exists()


def test_registration_create_when_registered_redirects_to_registration(
    client, world, registration_a
):
    client.force_login(world.leader_a)
    url = reverse(
        "events:registration_create", args=[registration_a.event_id, world.partnership_a.pk]
    )
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == reverse("events:registration_detail", args=[registration_a.pk])


def test_partnership_registration_list_offers_staff_closed_events(client, world, cast):
    closed = EventFactory(
        registration_opens_at=timezone.now() - datetime.timedelta(days=10),
        registration_closes_at=timezone.now() - datetime.timedelta(days=1),
    )
    url = reverse("events:partnership_registration_list", args=[world.partnership_a.pk])
    register_url = reverse("events:registration_create", args=[closed.pk, world.partnership_a.pk])
    client.force_login(world.leader_a)
    assert register_url not in page_text(client.get(url))
    client.force_login(world.staff)
    assert register_url in page_text(client.get(url))
    response = client.post(
        register_url, {"people": [cast.librarian_a.pk], "chosen_internally": "on", **FEWER_POST}
    )
    assert response.status_code == 302
    assert Registration.objects.get().created_by == world.staff


def test_registration_edit_replaces_people(client, world, cast, registration_a):
    client.force_login(world.leader_a)
    url = reverse("events:registration_edit", args=[registration_a.pk])
    response = client.post(
        url,
        {"people": [cast.librarian_a.pk, cast.ngo_a2.pk], "chosen_internally": "on", **FEWER_POST},
    )
    assert response.status_code == 302
    active = Participant.objects.filter(registration=registration_a, removed_at__isnull=True)
    assert set(active.values_list("person_id", flat=True)) == {cast.librarian_a.pk, cast.ngo_a2.pk}


def test_registration_edit_after_close_refused_for_leader(client, world, cast, registration_a):
    url = reverse("events:registration_edit", args=[registration_a.pk])
    event = registration_a.event
    with time_machine.travel(event.registration_closes_at + datetime.timedelta(minutes=1)):
        client.force_login(world.leader_a)
        response = client.post(
            url, {"people": [cast.librarian_a.pk, cast.ngo_a2.pk], "chosen_internally": "on"}
        )
    assert response.status_code == 400
    assert "zamknięte" in page_text(response)
    assert Participant.objects.filter(removed_at__isnull=True).count() == 1


def test_registration_withdraw_through_the_page(client, world, registration_a):
    client.force_login(world.leader_a)
    url = reverse("events:registration_withdraw", args=[registration_a.pk])
    assert client.post(url).status_code == 302
    registration_a.refresh_from_db()
    assert registration_a.status == RegistrationStatus.WITHDRAWN
    response = client.post(url)
    assert response.status_code == 400
    assert "już wycofane" in page_text(response)


def test_registration_withdraw_after_close_by_staff_only(client, world, registration_a):
    url = reverse("events:registration_withdraw", args=[registration_a.pk])
    after = registration_a.event.registration_closes_at + datetime.timedelta(minutes=1)
    with time_machine.travel(after):
        client.force_login(world.leader_a)
        response = client.post(url)
        assert response.status_code == 400
        registration_a.refresh_from_db()
        assert registration_a.status == RegistrationStatus.REGISTERED
        client.force_login(world.staff)
        assert client.post(url).status_code == 302
    registration_a.refresh_from_db()
    assert registration_a.status == RegistrationStatus.WITHDRAWN


def test_accept_offer_through_the_page(client, world, cast):
    event = EventFactory(capacity=1)
    taken = register(event, world.partnership_b, [cast.leader_person_b], world.leader_b)
    waiting = register(
        event, world.partnership_a, [cast.librarian_a], world.leader_a, join_waiting_list=True
    )
    services.registration_withdraw(registration=taken, actor=world.leader_b)
    client.force_login(world.leader_a)
    detail = client.get(reverse("events:registration_detail", args=[waiting.pk]))
    assert "Przyjmij miejsca" in page_text(detail)
    response = client.post(reverse("events:registration_accept_offer", args=[waiting.pk]))
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.REGISTERED


def test_accept_offer_get_not_allowed(client, world, registration_a):
    client.force_login(world.leader_a)
    url = reverse("events:registration_accept_offer", args=[registration_a.pk])
    assert client.get(url).status_code == 405


# --- staff ---------------------------------------------------------------------------------


def test_staff_creates_seminar_with_defaults(client, world):
    client.force_login(world.staff)
    form = client.get(reverse("events:event_create") + "?rodzaj=seminar")
    assert 'value="Warszawa"' in page_text(form)
    now = timezone.localtime()
    response = client.post(
        reverse("events:event_create"),
        {
            "kind": "seminar",
            "title": "Seminarium podsumowujące",
            "programme": "Program",
            "place": "Warszawa",
            "starts_on": "2027-06-14",
            "capacity": "60",
            "registration_opens_at": now.strftime("%Y-%m-%dT%H:%M"),
            "registration_closes_at": (now + datetime.timedelta(days=20)).strftime(
                "%Y-%m-%dT%H:%M"
            ),
            "trainers": "Anna",
            "provides_lodging": "on",
            "provides_meals": "on",
            "provides_coffee_breaks": "on",
            "provides_materials": "on",
            "travel_at_own_cost": "on",
        },
    )
    event = Event.objects.get()
    assert response.status_code == 302
    assert event.ends_on == datetime.date(2027, 6, 15)
    assert event.travel_at_own_cost


def test_staff_event_create_window_closing_before_opening_is_400(client, world):
    client.force_login(world.staff)
    now = timezone.localtime()
    response = client.post(
        reverse("events:event_create"),
        {
            "kind": "study_visit",
            "title": "Wizyta",
            "programme": "Program",
            "place": "Kraków",
            "starts_on": "2027-06-14",
            "capacity": "12",
            "registration_opens_at": now.strftime("%Y-%m-%dT%H:%M"),
            "registration_closes_at": (now - datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 400
    assert "Zapisy muszą się kończyć po ich rozpoczęciu" in page_text(response)
    assert not Event.objects.exists()


def test_staff_sees_seats_and_waiting_list(client, world, cast):
    event = EventFactory(capacity=1)
    register(event, world.partnership_b, [cast.leader_person_b], world.leader_b)
    register(event, world.partnership_a, [cast.librarian_a], world.leader_a, join_waiting_list=True)
    client.force_login(world.staff)
    text = page_text(client.get(reverse("events:event_detail", args=[event.pk])))
    assert "zajęte miejsca: 1 z 1" in text
    assert "Lista rezerwowa" in text
    assert world.partnership_a.name in text


def test_staff_introduces_leader_and_host(
    client,
    world,
    registration_a,
    mailoutbox,
    django_capture_on_commit_callbacks,
    deliver_earlier_mail,
):
    deliver_earlier_mail()
    client.force_login(world.staff)
    url = reverse("events:registration_introduce", args=[registration_a.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, follow=True)
    assert "kontakt jest już bezpośredni" in page_text(
        client.get(reverse("events:event_detail", args=[registration_a.event_id]))
    )
    assert "Dalszy kontakt jest bezpośredni" in page_text(response)
    assert len(mailoutbox) == 2
    # A second click changes nothing and sends nothing.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, follow=True)
    assert "już ze sobą skontaktowani" in page_text(response)
    assert len(mailoutbox) == 2


def test_staff_marks_attendance(client, world, cast, registration_a):
    participant = registration_a.participants.get()
    url = reverse("events:attendance_edit", args=[registration_a.event_id])
    start = datetime.datetime.combine(
        registration_a.event.starts_on, datetime.time(10), tzinfo=datetime.UTC
    )
    with time_machine.travel(start):
        client.force_login(world.staff)
        response = client.post(url, {f"attended_{participant.pk}": "on"})
    assert response.status_code == 302
    participant.refresh_from_db()
    assert participant.attended is True
    assert participant.materials_received is False
    assert participant.attendance_marked_by == world.staff


def test_staff_attendance_before_start_refused(client, world, registration_a):
    participant = registration_a.participants.get()
    client.force_login(world.staff)
    url = reverse("events:attendance_edit", args=[registration_a.event_id])
    response = client.post(url, {f"attended_{participant.pk}": "on"})
    assert response.status_code == 400
    participant.refresh_from_db()
    assert participant.attended is None


def test_participant_xlsx_reads_back(client, world, cast, visit):
    register(visit, world.partnership_a, [cast.leader_person_a, cast.ngo_a1], world.leader_a)
    from openpyxl import load_workbook

    client.force_login(world.staff)
    response = client.get(reverse("events:participant_xlsx", args=[visit.pk]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Partnerstwo", "Imię", "Nazwisko")
    assert len(rows) == 3
    by_last_name = {row[2]: row for row in rows[1:]}
    assert by_last_name["Łęcka"][1] == "Żaneta"
    assert by_last_name["Łęcka"][4] == "tak"
    assert by_last_name["Ąkowska"][4] == "nie"


def test_participant_xlsx_shows_typed_formulas_as_text(client, world, cast, visit):
    from openpyxl import load_workbook

    cast.ngo_a1.first_name = '=HYPERLINK("http://zlo.example","kliknij")'
    cast.ngo_a1.last_name = "=1+1"
    cast.ngo_a1.save()
    register(visit, world.partnership_a, [cast.librarian_a, cast.ngo_a1], world.leader_a)
    client.force_login(world.staff)
    response = client.get(reverse("events:participant_xlsx", args=[visit.pk]))
    assert response["Cache-Control"] == "private, no-store"
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.freeze_panes == "A2"
    ngo = cast.ngo_a1.institution.name
    [row] = [row for row in sheet.iter_rows(min_row=2) if row[3].value == ngo]
    first, last = row[1], row[2]
    assert (first.value, last.value) == (cast.ngo_a1.first_name, "=1+1")
    assert (first.data_type, last.data_type) == ("s", "s")  # text, never a formula


def test_participant_pdf_reads_back_with_polish_letters(client, world, cast, visit):
    register(visit, world.partnership_a, [cast.leader_person_a], world.leader_a)
    from pypdf import PdfReader

    client.force_login(world.staff)
    response = client.get(reverse("events:participant_pdf", args=[visit.pk]))
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Lista obecności" in text
    assert "Żaneta Łęcka" in text
    fonts = {
        str(font["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    # Embedded under the @font-face family: the shipped DejaVu files were loaded, not a
    # system fallback.
    assert any("Portal-Sans" in name for name in fonts)


def test_event_ics_download(client, world, visit):
    client.force_login(world.leader_a)
    response = client.get(reverse("events:event_ics", args=[visit.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert "BEGIN:VEVENT" in body
    assert visit.starts_on.strftime("%Y%m%d") in body
    assert visit.title in body


def test_calendar_feed_includes_registered_event(client, world, registration_a):
    response = client.get(reverse("calendar_feed", args=[world.leader_a.calendar_token]))
    assert registration_a.event.title in response.content.decode()
    response = client.get(reverse("calendar_feed", args=[world.leader_b.calendar_token]))
    assert registration_a.event.title not in response.content.decode()


def test_navbar_has_no_events_link_for_committee(client, world):
    client.force_login(world.committee)
    response = client.get(reverse("home"), follow=True)
    assert f'href="{reverse("events:event_list")}"' not in page_text(response)


def test_navbar_and_partnership_page_link_to_events(client, world):
    client.force_login(world.leader_a)
    response = client.get(reverse("partnership_detail", args=[world.partnership_a.pk]))
    text = page_text(response)
    assert f'href="{reverse("events:event_list")}"' in text
    assert reverse("events:partnership_registration_list", args=[world.partnership_a.pk]) in text


# --- the leader's week: the event list and the start page ----------------------------------


def test_event_list_says_per_event_whether_the_partnership_is_registered(
    client, world, cast, visit
):
    registered = EventFactory(title="Wizyta w Gdyni")
    register(registered, world.partnership_a, [cast.librarian_a], world.leader_a)
    full = EventFactory(title="Wizyta w Sopocie", capacity=1)
    register(full, world.partnership_b, [cast.leader_person_b], world.leader_b)
    register(full, world.partnership_a, [cast.librarian_a], world.leader_a, join_waiting_list=True)
    client.force_login(world.leader_a)
    response = client.get(reverse("events:event_list"))
    states = {
        event.title: [(p.pk, r.status if r else None) for p, r in event.partnership_states]
        for event in response.context["events"]
    }
    pk = world.partnership_a.pk
    assert states == {
        visit.title: [(pk, None)],
        "Wizyta w Gdyni": [(pk, "registered")],
        "Wizyta w Sopocie": [(pk, "waiting")],
    }
    text = page_text(response)
    create_url = reverse("events:registration_create", args=[visit.pk, pk])
    assert f'href="{create_url}">Zgłoś</a>' in text
    assert "na liście rezerwowej" in text


def test_event_list_has_no_register_column_for_staff(client, world, visit):
    client.force_login(world.staff)
    response = client.get(reverse("events:event_list"))
    assert response.context["led"] == []
    assert "Twoje partnerstwo" not in page_text(response)


def test_leader_start_page_lists_open_registrations_with_deadline(client, world, cast, visit):
    registered = EventFactory(title="Wizyta w Gdyni")
    register(registered, world.partnership_a, [cast.librarian_a], world.leader_a)
    client.force_login(world.leader_a)
    response = client.get(reverse("home"), follow=True)
    todos = response.context["todos"]
    assert [todo.url for todo in todos] == [
        reverse("events:registration_create", args=[visit.pk, world.partnership_a.pk])
    ]
    assert todos[0].due == visit.registration_closes_at
    text = page_text(response)
    assert "Czeka na Ciebie" in text
    assert f"Trwają zgłoszenia na: wizyta studyjna „{visit.title}”" in text


def test_leader_start_page_lists_seats_offered(client, world, cast):
    event = EventFactory(capacity=1)
    first = register(event, world.partnership_b, [cast.leader_person_b], world.leader_b)
    waiting = register(
        event, world.partnership_a, [cast.librarian_a], world.leader_a, join_waiting_list=True
    )
    services.registration_withdraw(registration=first, actor=world.leader_b)
    client.force_login(world.leader_a)
    todos = client.get(reverse("partnership_detail", args=[world.partnership_a.pk])).context[
        "todos"
    ]
    assert [todo.url for todo in todos] == [
        reverse("events:registration_detail", args=[waiting.pk])
    ]


def test_partnership_page_lists_nothing_open_for_its_animator(client, world, visit):
    client.force_login(world.animator_a)
    response = client.get(reverse("partnership_detail", args=[world.partnership_a.pk]))
    assert response.context["todos"] == []
    assert "Czeka na Ciebie" not in page_text(response)


# --- query counts: the same for 1 and 3 rows -------------------------------------------


@pytest.fixture
def events_with_registrations(world):
    def make(n):
        events = []
        for _ in range(n):
            event = EventFactory()
            for _ in range(n):
                partnership = PartnershipFactory(leader=world.leader_a)
                register(event, partnership, [PersonFactory(partnership=partnership)], world.staff)
            events.append(event)
        return events

    return make


@pytest.mark.parametrize("n", [1, 3])
def test_event_list_queries_constant_for_staff(
    client, world, events_with_registrations, django_assert_num_queries, n
):
    events_with_registrations(n)
    client.force_login(world.staff)
    # session, user, count, the page's ids, its events with their seats, roles
    with django_assert_num_queries(6):
        response = client.get(reverse("events:event_list"))
    assert len(response.context["page"]) == n


@pytest.mark.parametrize("n", [1, 3])
def test_event_list_queries_constant_for_leader(
    client, world, events_with_registrations, django_assert_num_queries, n
):
    events_with_registrations(n)
    client.force_login(world.leader_a)
    # session, user, count, the page's ids, its events with their seats, roles; the
    # partnerships the leader leads and their registrations for the page's events (the "your
    # partnership" column)
    with django_assert_num_queries(8):
        response = client.get(reverse("events:event_list"))
    page = response.context["events"]  # the rows the page's ids name (events/_event_rows.html)
    assert len(page) == n
    led = response.context["led"]
    assert len(led) == n * n + 1  # and partnership A of the world
    # Each partnership's state on each event: registered on its own event only.
    for event in page:
        registered = {p.pk for p, registration in event.partnership_states if registration}
        assert len(registered) == n


@pytest.mark.parametrize("n", [1, 3])
def test_event_detail_queries_constant_for_staff(
    client, world, events_with_registrations, django_assert_num_queries, n
):
    event = events_with_registrations(n)[0]
    client.force_login(world.staff)
    # 9 as before, + 1: the registrations short of the expected number (delegation_gaps)
    with django_assert_num_queries(10):
        response = client.get(reverse("events:event_detail", args=[event.pk]))
    assert len(response.context["registrations"]) == n


@pytest.mark.parametrize("n", [1, 3])
def test_participant_list_queries_constant(
    client, world, events_with_registrations, django_assert_num_queries, n
):
    event = events_with_registrations(n)[0]
    client.force_login(world.staff)
    # session, user, groups, the event with its seats, the participants' count and page,
    # the registrations short of the expected number (delegation_gaps), and the answers'
    # summary: the counts, the confirmed people's diets and nights, the accessibility needs
    # and who declined (answers_summary)
    with django_assert_num_queries(11):
        response = client.get(reverse("events:participant_list", args=[event.pk]))
    assert len(response.context["page"]) == n


@pytest.mark.parametrize("n", [1, 3])
def test_partnership_registration_list_queries_constant(
    client, world, cast, django_assert_num_queries, n
):
    for _ in range(n):
        register(EventFactory(), world.partnership_a, [cast.librarian_a], world.leader_a)
    client.force_login(world.leader_a)
    url = reverse("events:partnership_registration_list", args=[world.partnership_a.pk])
    with django_assert_num_queries(8):
        response = client.get(url)
    assert len(response.context["page"]) == n


# --- staff edit an event and mark attendance (issue 15) ----------------------------------------


def _event_form_data(event, **changes):
    data = {
        "kind": event.kind,
        "title": event.title,
        "programme": event.programme,
        "place": event.place,
        "starts_on": event.starts_on.isoformat(),
        "capacity": str(event.capacity),
        "registration_opens_at": timezone.localtime(event.registration_opens_at).strftime(
            "%Y-%m-%dT%H:%M"
        ),
        "registration_closes_at": timezone.localtime(event.registration_closes_at).strftime(
            "%Y-%m-%dT%H:%M"
        ),
        "host_name": event.host_name,
        "provides_lodging": "on",
    }
    return {**data, **changes}


def test_event_edit_seats_below_taken_refused_in_polish(client, world, cast, visit):
    register(visit, world.partnership_a, [cast.librarian_a, cast.ngo_a1], world.leader_a)
    client.force_login(world.staff)
    url = reverse("events:event_edit", args=[visit.pk])
    response = client.post(url, _event_form_data(visit, capacity="1", title="Zmieniony"))
    assert response.status_code == 400
    assert "Zajętych miejsc jest już 2" in page_text(response)
    saved = Event.objects.get(pk=visit.pk)
    assert (saved.capacity, saved.title) == (12, visit.title)


def test_event_edit_kind_change_with_registrations_refused_in_polish(client, world, registration_a):
    event = registration_a.event
    client.force_login(world.staff)
    url = reverse("events:event_edit", args=[event.pk])
    response = client.post(url, _event_form_data(event, kind="seminar"))
    assert response.status_code == 400
    assert "rodzaju nie można już zmienić" in page_text(response)
    event.refresh_from_db()
    assert event.kind == "study_visit"


def test_event_edit_keeps_history_with_the_actor(client, world, visit):
    client.force_login(world.staff)
    url = reverse("events:event_edit", args=[visit.pk])
    response = client.post(url, _event_form_data(visit, capacity="15"))
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.capacity == 15
    assert visit.history.latest().history_user == world.staff


@pytest.mark.parametrize("persona", ["leader_a", "animator_a", "committee"])
def test_event_edit_and_attendance_refused_to_non_staff(client, world, registration_a, persona):
    event = registration_a.event
    participant = registration_a.participants.get()
    client.force_login(getattr(world, persona))
    edit = reverse("events:event_edit", args=[event.pk])
    assert client.post(edit, _event_form_data(event, capacity="40")).status_code == 403
    attendance = reverse("events:attendance_edit", args=[event.pk])
    assert client.post(attendance, {f"attended_{participant.pk}": "on"}).status_code == 403
    event.refresh_from_db()
    participant.refresh_from_db()
    assert (event.capacity, participant.attended) == (12, None)


def test_event_page_links_attendance_for_staff_only(client, world, visit):
    url = reverse("events:event_detail", args=[visit.pk])
    link = reverse("events:attendance_edit", args=[visit.pk])
    client.force_login(world.staff)
    assert link in page_text(client.get(url))
    client.force_login(world.leader_a)
    assert link not in page_text(client.get(url))
