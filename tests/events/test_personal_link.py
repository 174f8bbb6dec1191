"""Each registered person's own link (issue 20): confirm, needs, decline, their data; and
what staff and the leader see of the answers."""

import datetime
import io
import re

import openpyxl
import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from events import services
from events.enums import Diet, ParticipantAnswer, RegistrationStatus
from events.models import DataRequest, Participant, Registration
from events.selectors import participant_link_token
from portal import outbox, reminders
from reports.selectors import person_data
from reports.services import person_anonymise
from tests.events.conftest import FEWER
from tests.factories import EventFactory, PersonFactory, SeminarFactory

pytestmark = pytest.mark.django_db

TZ = timezone.get_fixed_timezone(60)
LINK = re.compile(r"https?://\S+/wydarzenia/moj-udzial/[0-9]+-[0-9a-f]{40}/")


def register(event, partnership, people, actor, **kwargs):
    return services.registration_submit(
        event=event,
        partnership=partnership,
        people=people,
        chosen_internally=True,
        actor=actor,
        **{**FEWER, **kwargs},
    )


def link(participant) -> str:
    return reverse("events:participant_link", args=[participant_link_token(participant)])


def answer(**overrides) -> dict:
    data = {
        "diet": Diet.VEGETARIAN,
        "diet_notes": "bez orzechów",
        "accessibility_needs": "Pokój bez progów",
        "departure_place": "Kutno",
        "day_phone": "600 700 800",
        "clause_acknowledged": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def visit(world):
    return EventFactory(title="Wizyta w Łodzi", capacity=3)


@pytest.fixture
def registered(world, cast, visit):
    """Partnership A's librarian and NGO person registered for the study visit."""
    register(visit, world.partnership_a, [cast.librarian_a, cast.ngo_a1], world.leader_a)
    mail.outbox.clear()
    return {
        "librarian": Participant.objects.get(person=cast.librarian_a),
        "ngo": Participant.objects.get(person=cast.ngo_a1),
    }


# --- the e-mail and the link ----------------------------------------------------------------


def test_confirmation_email_carries_the_personal_link_that_opens_the_page(
    client, world, cast, visit, smtp_server
):
    register(visit, world.partnership_a, [cast.librarian_a], world.leader_a)
    outbox.deliver()
    [message] = [m for m in smtp_server.received if m["To"] == cast.librarian_a.email]
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    [url] = set(LINK.findall(text))
    assert url in html
    participant = Participant.objects.get(person=cast.librarian_a)
    assert url.endswith(link(participant))

    response = client.get(url[url.index("/wydarzenia/") :])
    assert response.status_code == 200
    page = response.content.decode()
    assert "Wizyta w Łodzi" in page
    assert "Potwierdzam udział" in page
    assert response["Cache-Control"].startswith("max-age=0")
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_confirm_saves_the_answers_and_the_clause(client, registered, visit):
    participant = registered["librarian"]
    response = client.post(link(participant), answer(nights=[visit.starts_on.isoformat()]))
    assert response.status_code == 302
    participant.refresh_from_db()
    assert participant.answer == ParticipantAnswer.CONFIRMED
    assert participant.diet == Diet.VEGETARIAN
    assert participant.nights == [visit.starts_on.isoformat()]
    assert (participant.departure_place, participant.day_phone) == ("Kutno", "600 700 800")
    assert participant.accessibility_needs == "Pokój bez progów"
    assert participant.clause_acknowledged_at is not None


def test_confirm_without_the_clause_is_refused_and_changes_nothing(client, registered):
    participant = registered["librarian"]
    response = client.post(link(participant), answer(clause_acknowledged=None))
    assert response.status_code == 400
    assert "Potwierdź, że zapoznano się z klauzulą informacyjną." in response.content.decode()
    participant.refresh_from_db()
    assert participant.answer == ParticipantAnswer.PENDING
    assert participant.diet == ""


def test_a_night_outside_the_event_is_refused_in_polish(client, registered, visit):
    participant = registered["librarian"]
    day_before = (visit.starts_on - datetime.timedelta(days=1)).isoformat()
    response = client.post(link(participant), answer(nights=[day_before]))
    assert response.status_code == 400
    assert "Wybierz tylko noce, na które wydarzenie zapewnia nocleg." in response.content.decode()
    participant.refresh_from_db()
    assert participant.answer == ParticipantAnswer.PENDING

    with pytest.raises(ValidationError) as exc:
        services.participant_confirm(
            participant=participant,
            diet=Diet.STANDARD,
            nights=[visit.ends_on],
            clause_acknowledged=True,
        )
    assert "nights" in exc.value.message_dict
    participant.refresh_from_db()
    assert participant.nights == []


def test_no_night_can_be_chosen_when_the_event_provides_no_lodging(world, cast):
    event = EventFactory(provides_lodging=False)
    register(event, world.partnership_a, [cast.librarian_a], world.leader_a)
    participant = Participant.objects.get(person=cast.librarian_a, event=event)
    with pytest.raises(ValidationError) as exc:
        services.participant_confirm(
            participant=participant,
            diet=Diet.STANDARD,
            nights=[event.starts_on],
            clause_acknowledged=True,
        )
    assert exc.value.message_dict["nights"] == [
        "Wydarzenie nie zapewnia noclegu, więc nie można wybrać żadnej nocy."
    ]


# --- declining ------------------------------------------------------------------------------


def test_decline_frees_the_seat_for_the_waiting_list_and_tells_the_leader(
    client, world, cast, registered, visit
):
    # The visit has 3 seats: A holds 2, B's two people wait; A's third seat is free but too few.
    b_people = [PersonFactory(partnership=world.partnership_b) for _ in range(2)]
    waiting = register(visit, world.partnership_b, b_people, world.staff, join_waiting_list=True)
    assert waiting.status == RegistrationStatus.WAITING
    mail.outbox.clear()

    participant = registered["ngo"]
    assert (
        client.get(
            reverse("events:participant_decline", args=[participant_link_token(participant)])
        ).status_code
        == 200
    )
    response = client.post(
        reverse("events:participant_decline", args=[participant_link_token(participant)])
    )
    assert response.status_code == 302

    participant.refresh_from_db()
    assert participant.answer == ParticipantAnswer.DECLINED
    assert participant.removed_at is not None
    registration = participant.registration
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.REGISTERED and registration.seats == 1
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.OFFERED
    outbox.deliver()
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert (
        subjects[world.leader_a.email] == f"{cast.ngo_a1.full_name} nie przyjedzie: Wizyta w Łodzi"
    )
    assert world.leader_b.email in subjects  # the seat offer
    # The declined person still sees their page and their answer, and cannot confirm.
    page = client.get(link(participant))
    assert page.status_code == 200
    assert "Rezygnacja zgłoszona" in page.content.decode()
    with pytest.raises(ValidationError):
        services.participant_confirm(
            participant=participant, diet=Diet.STANDARD, clause_acknowledged=True
        )


def test_decline_of_the_last_person_withdraws_the_registration(world, cast, visit):
    register(visit, world.partnership_a, [cast.librarian_a], world.leader_a)
    participant = Participant.objects.get(person=cast.librarian_a)
    services.participant_decline(participant=participant)
    registration = Registration.objects.get(pk=participant.registration_id)
    assert registration.status == RegistrationStatus.WITHDRAWN
    assert registration.withdrawn_by is None


def test_decline_after_the_event_started_is_refused(client, registered, visit, time_machine):
    participant = registered["librarian"]
    time_machine.move_to(
        datetime.datetime.combine(visit.starts_on, datetime.time(10), TZ), tick=False
    )
    url = reverse("events:participant_decline", args=[participant_link_token(participant)])
    response = client.post(url)
    assert response.status_code == 400
    assert "Wydarzenie już się zaczęło" in response.content.decode()
    participant.refresh_from_db()
    assert participant.answer == ParticipantAnswer.PENDING and participant.removed_at is None


# --- bad links ------------------------------------------------------------------------------


def test_unknown_or_tampered_token_answers_404_and_reveals_nothing(client, registered):
    participant = registered["librarian"]
    token = participant_link_token(participant)
    tampered = token[:-1] + ("0" if token[-1] != "0" else "1")
    for bad in (tampered, "999999-" + "a" * 40, "nonsense", f"{participant.pk}-short"):
        response = client.get(reverse("events:participant_link", args=[bad]))
        assert response.status_code == 404, bad
        page = response.content.decode()
        assert "Ten link jest nieprawidłowy" in page
        assert "Wizyta w Łodzi" not in page and participant.person.last_name not in page


def test_revoked_link_answers_410_and_a_renewed_one_works(client, world, registered):
    participant = registered["librarian"]
    old = link(participant)
    client.force_login(world.leader_a)
    client.post(reverse("events:participant_link_revoke", args=[participant.pk]))
    client.logout()
    response = client.get(old)
    assert response.status_code == 410
    assert "Ten link już nie działa" in response.content.decode()
    assert "Wizyta w Łodzi" not in response.content.decode()

    client.force_login(world.staff)
    client.post(reverse("events:participant_link_renew", args=[participant.pk]))
    client.logout()
    participant.refresh_from_db()
    outbox.deliver()
    assert client.get(old).status_code == 404
    assert client.get(link(participant)).status_code == 200
    [message] = [m for m in mail.outbox if m.subject.startswith("Twój nowy link osobisty")]
    assert message.to == [participant.person.email]
    assert link(participant) in message.body


def test_link_expires_after_the_event_ends(client, registered, visit, time_machine):
    participant = registered["librarian"]
    time_machine.move_to(
        datetime.datetime.combine(visit.ends_on + datetime.timedelta(days=1), datetime.time(8), TZ),
        tick=False,
    )
    assert client.get(link(participant)).status_code == 410


def test_link_of_a_person_the_leader_took_off_answers_410(client, world, cast, registered):
    participant = registered["ngo"]
    services.registration_change(
        registration=participant.registration,
        people=[cast.librarian_a],
        chosen_internally=True,
        actor=world.leader_a,
        **FEWER,
    )
    assert client.get(link(participant)).status_code == 410


def test_another_leader_cannot_revoke_the_link(client, world, registered):
    participant = registered["librarian"]
    client.force_login(world.leader_b)
    response = client.post(reverse("events:participant_link_revoke", args=[participant.pk]))
    assert response.status_code == 404
    participant.refresh_from_db()
    assert participant.link_revoked_at is None


# --- the reminder ---------------------------------------------------------------------------


def test_answer_reminder_goes_7_days_before_to_those_who_have_not_answered(
    world, cast, time_machine
):
    time_machine.move_to(datetime.datetime(2026, 12, 1, 9, tzinfo=TZ), tick=False)
    seminar = SeminarFactory(title="Seminarium", starts_on=datetime.date(2026, 12, 20))
    register(seminar, world.partnership_a, [cast.leader_person_a, cast.librarian_a], world.leader_a)
    confirmed = Participant.objects.get(person=cast.leader_person_a)
    services.participant_confirm(
        participant=confirmed, diet=Diet.STANDARD, clause_acknowledged=True
    )
    mail.outbox.clear()

    time_machine.move_to(datetime.datetime(2026, 12, 12, 9, tzinfo=TZ), tick=False)
    assert reminders.run("events.answer_missing").sent == 0
    time_machine.move_to(datetime.datetime(2026, 12, 13, 9, tzinfo=TZ), tick=False)
    assert reminders.run("events.answer_missing").sent == 1
    [message] = mail.outbox
    assert message.to == [cast.librarian_a.email]
    assert message.subject == "Czy przyjedziesz? Seminarium już za tydzień"
    pending = Participant.objects.get(person=cast.librarian_a)
    assert link(pending) in message.body
    assert reminders.run("events.answer_missing").sent == 0


# --- the person's data (GDPR) ---------------------------------------------------------------


def test_data_page_shows_what_is_held_and_a_request_reaches_staff(client, world, registered):
    participant = registered["librarian"]
    url = reverse("events:participant_data", args=[participant_link_token(participant)])
    page = client.get(url).content.decode()
    assert participant.person.email in page and "Wizyta w Łodzi" in page

    response = client.post(url, {"text": "Proszę poprawić nazwisko na Nowak-Kowalska."})
    assert response.status_code == 302
    request = DataRequest.objects.get()
    assert request.person == participant.person
    outbox.deliver()
    [message] = [m for m in mail.outbox if m.to == [world.staff.email]]
    assert "Nowak-Kowalska" in message.body

    client.force_login(world.staff)
    listing = client.get(reverse("events:data_request_list")).content.decode()
    assert "Nowak-Kowalska" in listing
    client.post(reverse("events:data_request_close", args=[request.pk]))
    request.refresh_from_db()
    assert request.handled_by == world.staff


def test_empty_data_request_is_refused(client, registered):
    participant = registered["librarian"]
    url = reverse("events:participant_data", args=[participant_link_token(participant)])
    assert client.post(url, {"text": "   "}).status_code == 400
    assert not DataRequest.objects.exists()


@pytest.mark.parametrize("n", [1, 3])
def test_data_request_list_queries_constant(
    client, world, registered, django_assert_num_queries, n
):
    for i in range(n):
        services.data_request_submit(participant=registered["librarian"], text=f"Zmiana {i}")
    client.force_login(world.staff)
    # session, user, groups, the count and the page of requests (with person, partnership
    # and event)
    with django_assert_num_queries(5):
        response = client.get(reverse("events:data_request_list"))
    assert len(response.context["page"]) == n


# --- staff and the leader -------------------------------------------------------------------


def test_xlsx_read_back_matches_the_answers(client, world, registered, visit):
    services.participant_confirm(
        participant=registered["librarian"],
        diet=Diet.VEGAN,
        diet_notes="bez soi",
        accessibility_needs="Wózek",
        nights=[visit.starts_on],
        departure_place="Kutno",
        day_phone="600 700 800",
        clause_acknowledged=True,
    )
    client.force_login(world.staff)
    response = client.get(reverse("events:participant_xlsx", args=[visit.pk]))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    people, summary = book.worksheets
    header = [cell.value for cell in people[1]]
    rows = {
        row[header.index("Nazwisko")]: dict(zip(header, row, strict=True))
        for row in people.iter_rows(min_row=2, values_only=True)
    }
    librarian = rows[registered["librarian"].person.last_name]
    assert librarian["Odpowiedź"] == "udział potwierdzony"
    assert librarian["Dieta"] == "wegańska"
    assert librarian["Dieta: szczegóły i alergie"] == "bez soi"
    assert librarian["Potrzeby dostępności"] == "Wózek"
    assert librarian["Miejsce wyjazdu"] == "Kutno"
    assert librarian["Zapoznanie z klauzulą informacyjną"] == "tak"
    assert str(visit.starts_on.day) in librarian["Noclegi (wieczór dnia)"]
    assert rows[registered["ngo"].person.last_name]["Odpowiedź"] == "brak odpowiedzi"

    figures = list(summary.iter_rows(min_row=2, values_only=True))
    assert ("Odpowiedzi", "udział potwierdzony", 1) in figures
    assert ("Odpowiedzi", "brak odpowiedzi", 1) in figures
    assert ("Wyżywienie", "wegańska", 1) in figures
    assert any(row[0] == "Noclegi" and row[2] == 1 for row in figures)
    assert any(row[0] == "Potrzeby dostępności" and row[2] == "Wózek" for row in figures)


def test_accessibility_needs_are_listed_to_staff_and_not_to_the_leader(
    client, world, registered, visit
):
    services.participant_confirm(
        participant=registered["librarian"],
        diet=Diet.STANDARD,
        accessibility_needs="Pętla indukcyjna",
        clause_acknowledged=True,
    )
    client.force_login(world.staff)
    staff_page = client.get(reverse("events:participant_list", args=[visit.pk])).content.decode()
    assert "Pętla indukcyjna" in staff_page
    registration = registered["librarian"].registration
    client.force_login(world.leader_a)
    leader_page = client.get(
        reverse("events:registration_detail", args=[registration.pk])
    ).content.decode()
    assert "Pętla indukcyjna" not in leader_page
    assert "udział potwierdzony" in leader_page and "brak odpowiedzi" in leader_page


def test_sign_in_sheet_carries_the_answers_and_only_counts_of_needs(
    client, world, registered, visit
):
    services.participant_confirm(
        participant=registered["librarian"],
        diet=Diet.VEGAN,
        accessibility_needs="Pętla indukcyjna",
        nights=[visit.starts_on],
        clause_acknowledged=True,
    )
    client.force_login(world.staff)
    response = client.get(reverse("events:participant_pdf", args=[visit.pk]))
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert "Wyżywienie i noclegi" in text
    assert "udział potwierdzony" in text and "brak odpowiedzi" in text
    assert "wegańska 1" in text
    # Participants sign this sheet: a person's needs stay off it, only their count is there.
    assert "Pętla indukcyjna" not in text
    assert "Potrzeby dostępności: 1 osoba" in text


def test_anonymising_the_person_erases_their_answers_and_stops_the_link(client, world, registered):
    participant = registered["librarian"]
    services.participant_confirm(
        participant=participant,
        diet=Diet.GLUTEN_FREE,
        diet_notes="celiakia",
        accessibility_needs="Wózek",
        departure_place="Kutno",
        day_phone="600 700 800",
        clause_acknowledged=True,
    )
    services.data_request_submit(participant=participant, text="Proszę usunąć mój telefon.")
    person_anonymise(person=participant.person, actor=world.staff)

    participant.refresh_from_db()
    assert (participant.diet, participant.diet_notes, participant.accessibility_needs) == (
        "",
        "",
        "",
    )
    assert (participant.departure_place, participant.day_phone) == ("", "")
    assert participant.answer == ParticipantAnswer.CONFIRMED  # the count stays
    history = Participant.history.filter(id=participant.pk)
    assert not history.exclude(accessibility_needs="").exists()
    assert not history.exclude(diet_notes="").exists()
    assert DataRequest.objects.get().text == ""
    assert client.get(link(participant)).status_code == 410


def test_person_data_export_carries_the_answers(client, world, registered):
    participant = registered["librarian"]
    services.participant_confirm(
        participant=participant,
        diet=Diet.VEGAN,
        accessibility_needs="Pętla indukcyjna",
        clause_acknowledged=True,
    )
    data = person_data(participant.person)
    [place] = data["event_participation"]
    assert (place["answer"], place["diet"], place["accessibility_needs"]) == (
        "confirmed",
        "vegan",
        "Pętla indukcyjna",
    )
