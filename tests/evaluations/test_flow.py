"""The whole evaluation of an event, through the reminder engine and the survey's pages: the
link the day after, to people marked present only; answers once per person; reminders at 3
and 7 days to those who have not answered; a closed survey."""

import datetime

import pytest
from django.urls import reverse

from evaluations.models import Answer, AnswerMark, Invitation, InvitationLink, Response
from events.services import attendance_mark
from portal import reminders
from tests.evaluations.conftest import (
    LAST_DAY,
    OPENS,
    answers_for,
    at,
    form_data,
    tokens_in,
)

pytestmark = pytest.mark.django_db


def survey_url(token: str) -> str:
    return reverse("evaluations:survey", args=[token])


def test_invitation_goes_the_day_after_the_event_to_people_marked_present_only(
    visit, time_machine, mailoutbox
):
    at(time_machine, OPENS - datetime.timedelta(days=1), hour=20)
    assert reminders.run("evaluations.invitation").sent == 0

    at(time_machine, OPENS)
    assert reminders.run("evaluations.invitation").sent == 3
    assert sorted(m.to[0] for m in mailoutbox) == [
        "osoba.anna@example.org",
        "osoba.bogdan@example.org",
        "osoba.celina@example.org",
    ]
    assert mailoutbox[0].subject == "Jak oceniasz „Wizyta w Łodzi”? Krótka anonimowa ankieta"
    assert "Ankietę można wypełnić do 25 grudnia 2026 włącznie." in mailoutbox[0].body
    assert len(set(tokens_in(mailoutbox).values())) == 3
    # A second run, or the next day's, invites nobody again.
    assert reminders.run("evaluations.invitation").sent == 0
    at(time_machine, OPENS + datetime.timedelta(days=1))
    assert reminders.run("evaluations.invitation").sent == 0
    assert Invitation.objects.count() == 3
    assert not Invitation.objects.filter(participant=visit.absent).exists()


def test_only_the_hash_of_a_link_is_stored(invited):
    token = next(iter(invited.values()))
    hashes = set(InvitationLink.objects.values_list("token_hash", flat=True))
    assert token not in hashes and len(hashes) == 3


def test_person_fills_the_survey_from_the_link_and_is_counted_once(client, visit, invited):
    token = invited["osoba.anna@example.org"]
    page = client.get(survey_url(token))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Wizyta w Łodzi" in body
    assert "W jakim stopniu wizyta pozwoliła Ci poznać skuteczne metody" in body
    assert "Ankieta jest anonimowa" in body

    answers = answers_for(visit.event, ratings=(5, 4, 3, 4, 5), texts=("Spotkanie z wójtem.",))
    response = client.post(survey_url(token), form_data(answers))
    assert response.status_code == 302 and response.url == survey_url(token)
    assert Response.objects.count() == 1
    assert sorted(Answer.objects.exclude(rating=None).values_list("rating", flat=True)) == [
        3,
        4,
        4,
        5,
        5,
    ]
    assert list(Answer.objects.exclude(text="").values_list("text", flat=True)) == [
        "Spotkanie z wójtem."
    ]
    thanks = client.get(survey_url(token))
    assert thanks.status_code == 200
    assert "Twoje odpowiedzi zostały zapisane" in thanks.content.decode()

    again = client.post(survey_url(token), form_data(answers_for(visit.event, ratings=(1,) * 5)))
    assert again.status_code == 409
    assert "Każda osoba wypełnia ankietę raz" in again.content.decode()
    assert Response.objects.count() == 1
    assert AnswerMark.objects.count() == 1


def test_a_missing_rating_is_refused_with_a_polish_message_and_nothing_is_stored(
    client, visit, invited
):
    token = invited["osoba.anna@example.org"]
    data = form_data(answers_for(visit.event, ratings=(5, 4, None, 4, 5)))
    response = client.post(survey_url(token), data)
    assert response.status_code == 400
    assert "Wybierz ocenę od 1 do 5." in response.content.decode()
    assert (Response.objects.count(), AnswerMark.objects.count()) == (0, 0)


def test_an_empty_submission_is_refused_with_a_polish_message(client, invited):
    response = client.post(survey_url(invited["osoba.anna@example.org"]), {})
    assert response.status_code == 400
    assert "Nic jeszcze nie zostało zapisane" in response.content.decode()
    assert Response.objects.count() == 0


@pytest.mark.parametrize("bad", ["7", "0", "abc", "4.5"])
def test_a_rating_outside_1_to_5_is_refused(client, visit, invited, bad):
    token = invited["osoba.anna@example.org"]
    data = form_data(answers_for(visit.event))
    first_rating = next(iter(data))
    data[first_rating] = bad
    response = client.post(survey_url(token), data)
    assert response.status_code == 400
    assert "Ocena to liczba całkowita od 1 do 5." in response.content.decode()
    assert Response.objects.count() == 0


def test_a_too_long_open_answer_is_refused(client, visit, invited):
    token = invited["osoba.anna@example.org"]
    response = client.post(
        survey_url(token), form_data(answers_for(visit.event, texts=("x" * 2001,)))
    )
    assert response.status_code == 400
    assert Response.objects.count() == 0


@pytest.mark.parametrize("token", ["nieznany", "a" * 43, "-"])
def test_a_wrong_token_answers_404_and_reveals_nothing(client, invited, token):
    response = client.get(survey_url(token))
    assert response.status_code == 404
    assert "Wizyta w Łodzi" not in response.content.decode()
    assert client.post(survey_url(token), {}).status_code == 404


def test_reminders_go_at_3_and_7_days_to_those_who_have_not_answered_then_it_closes(
    client, visit, invited, time_machine, mailoutbox
):
    anna = invited["osoba.anna@example.org"]
    assert client.post(survey_url(anna), form_data(answers_for(visit.event))).status_code == 302

    at(time_machine, OPENS + datetime.timedelta(days=2))
    assert reminders.run("evaluations.reminder").sent == 0

    at(time_machine, OPENS + datetime.timedelta(days=3))
    assert reminders.run("evaluations.reminder").sent == 2
    assert sorted(m.to[0] for m in mailoutbox) == [
        "osoba.bogdan@example.org",
        "osoba.celina@example.org",
    ]
    assert mailoutbox[0].subject == "Przypomnienie: ankieta o wydarzeniu „Wizyta w Łodzi”"
    # Each reminder carries a link of its own; the first link still works.
    bogdan_new = tokens_in(mailoutbox)["osoba.bogdan@example.org"]
    assert bogdan_new != invited["osoba.bogdan@example.org"]
    assert client.get(survey_url(invited["osoba.bogdan@example.org"])).status_code == 200
    assert reminders.run("evaluations.reminder").sent == 0
    mailoutbox.clear()

    # Bogdan answers through the reminder's link; only Celina is reminded on day 7.
    assert (
        client.post(survey_url(bogdan_new), form_data(answers_for(visit.event))).status_code == 302
    )
    at(time_machine, OPENS + datetime.timedelta(days=6))
    assert reminders.run("evaluations.reminder").sent == 0
    at(time_machine, OPENS + datetime.timedelta(days=7))
    assert reminders.run("evaluations.reminder").sent == 1
    assert [m.to[0] for m in mailoutbox] == ["osoba.celina@example.org"]
    mailoutbox.clear()

    # The last day still takes answers; the next day the survey is closed: 410, nothing kept.
    celina = invited["osoba.celina@example.org"]
    at(time_machine, LAST_DAY, hour=23)
    assert client.get(survey_url(celina)).status_code == 200
    at(time_machine, LAST_DAY + datetime.timedelta(days=1), hour=0)
    closed = client.get(survey_url(celina))
    assert closed.status_code == 410
    assert "Ankieta jest zamknięta" in closed.content.decode()
    assert "Odpowiedzi przyjmowaliśmy do 25 grudnia 2026." in closed.content.decode()
    posted = client.post(survey_url(celina), form_data(answers_for(visit.event)))
    assert posted.status_code == 410
    assert Response.objects.count() == 2
    assert reminders.run("evaluations.reminder").sent == 0
    assert reminders.run("evaluations.invitation").sent == 0


def test_a_person_marked_present_late_is_invited_then_and_reminded_two_days_later(
    world, visit, invited, time_machine, mailoutbox
):
    at(time_machine, OPENS + datetime.timedelta(days=4))
    attendance_mark(event=visit.event, actor=world.staff, marks={visit.absent.pk: (True, True)})
    assert reminders.run("evaluations.invitation").sent == 1
    assert [m.to[0] for m in mailoutbox] == ["daria@example.org"]
    # Day 4: the others get their day-3 reminder, the latecomer nothing yet.
    assert reminders.run("evaluations.reminder").sent == 3
    assert "daria@example.org" not in [m.to[0] for m in mailoutbox[1:]]
    at(time_machine, OPENS + datetime.timedelta(days=7))
    assert reminders.run("evaluations.reminder").sent == 4


def test_a_survey_missed_by_the_beat_invites_everyone_without_reminding_them_that_day(
    visit, time_machine
):
    at(time_machine, OPENS + datetime.timedelta(days=5))
    assert reminders.run("evaluations.invitation").sent == 3
    assert reminders.run("evaluations.reminder").sent == 0
