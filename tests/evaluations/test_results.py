"""What staff see of an evaluation: the figures equal a direct count of the stored answers,
the page shows them in Polish (a decimal comma), lists stay at a constant number of queries,
and the funder report carries each event's results."""

import datetime
import io
import random
from statistics import mean

import pytest
from django.db.models import Avg, Count
from django.urls import reverse
from openpyxl import load_workbook

from evaluations import selectors, services
from evaluations.models import Answer
from events.enums import RegistrationStatus
from events.models import Participant, Registration
from tests.evaluations.conftest import OPENS, answers_for, at, invitation_of
from tests.factories import EventFactory, PersonFactory

pytestmark = pytest.mark.django_db


def answered_event(world, time_machine, ratings: list[tuple], texts: list[tuple] = ()):
    """An event of partnership A's people, ended on 11 December, each marked present and
    having answered ``ratings[i]`` (and ``texts[i]``)."""
    at(time_machine, datetime.date(2026, 12, 1))
    event = EventFactory(starts_on=datetime.date(2026, 12, 10), capacity=len(ratings) + 1)
    registration = Registration.objects.create(
        event=event,
        partnership=world.partnership_a,
        chosen_internally=True,
        status=RegistrationStatus.REGISTERED,
        seats=0,
    )
    participants = [
        Participant.objects.create(
            registration=registration, event=event, person=PersonFactory(), attended=True
        )
        for _ in ratings
    ]
    at(time_machine, OPENS)
    for i, (participant, values) in enumerate(zip(participants, ratings, strict=True)):
        services.invitation_send(participant_id=participant.pk)
        open_answers = texts[i] if i < len(texts) else ()
        services.survey_submit(
            invitation=invitation_of(participant),
            answers=answers_for(event, ratings=values, texts=open_answers),
        )
    return event


def test_results_equal_a_direct_count_of_the_answers(world, time_machine):
    rng = random.Random(20)
    ratings = [tuple(rng.randint(1, 5) for _ in range(5)) for _ in range(11)]
    event = answered_event(world, time_machine, ratings, texts=[("Dobrze",), ("", "Krócej")])
    results = selectors.results_for_event(event)
    assert results.responses == 11 and results.invited == 11
    for row in results.ratings:
        direct = dict(
            Answer.objects.filter(question=row.question, response__event=event)
            .values_list("rating")
            .annotate(n=Count("pk"))
        )
        assert {r: n for r, n, _percent in row.distribution if n} == direct
        expected_mean = Answer.objects.filter(
            question=row.question, response__event=event
        ).aggregate(m=Avg("rating"))["m"]
        assert row.mean == pytest.approx(float(expected_mean))
        assert row.count == 11
    position = {q.question.pk: i for i, q in enumerate(results.ratings)}
    for row in results.ratings:
        assert row.mean == pytest.approx(
            mean(values[position[row.question.pk]] for values in ratings)
        )
    assert [row.texts for row in results.open_questions] == [["Dobrze"], ["Krócej"]]


def test_results_of_one_event_do_not_mix_with_another(world, time_machine):
    first = answered_event(world, time_machine, [(5, 5, 5, 5, 5)])
    second = answered_event(world, time_machine, [(1, 1, 1, 1, 1), (2, 2, 2, 2, 2)])
    results = selectors.results_for_events([first, second])
    assert [r.mean for r in results[first.pk].ratings] == [5.0] * 5
    assert [r.mean for r in results[second.pk].ratings] == [1.5] * 5


def test_results_page_shows_distribution_mean_with_a_decimal_comma_and_open_answers(
    client, world, time_machine
):
    event = answered_event(
        world,
        time_machine,
        [(5, 4, 4, 4, 4), (4, 4, 4, 4, 4), (4, 4, 4, 4, 4)],
        texts=[("Spotkanie z wójtem.", "Więcej przerw.")],
    )
    client.force_login(world.staff)
    response = client.get(reverse("evaluations:event_results", args=[event.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "4,3" in body  # (5 + 4 + 4) / 3, with a decimal comma
    assert "Odpowiedzi" in body and "<strong>3</strong>" in body
    assert "Spotkanie z wójtem." in body and "Więcej przerw." in body
    assert "W jakim stopniu wizyta pozwoliła Ci poznać" in body
    assert "Ankieta jest otwarta do 25 grudnia 2026 włącznie." in body
    # No person is named on the page.
    for participant in Participant.objects.filter(event=event).select_related("person"):
        assert participant.person.last_name not in body


def test_results_page_of_an_unknown_event_is_404(client, world):
    client.force_login(world.staff)
    assert client.get(reverse("evaluations:event_results", args=[999999])).status_code == 404


@pytest.mark.parametrize("n", [1, 3])
def test_result_list_queries_constant(client, world, time_machine, django_assert_num_queries, n):
    for _ in range(n):
        answered_event(world, time_machine, [(3, 3, 3, 3, 3)])
    EventFactory(starts_on=datetime.date(2027, 1, 10))  # not ended: not listed
    client.force_login(world.staff)
    # session, user, the count, the page's ids, its events with their invited and responses
    # counts, roles (the menu)
    with django_assert_num_queries(6):
        response = client.get(reverse("evaluations:result_list"))
    page = response.context["page"]
    assert len(page) == n
    assert [(e.invited_count, e.responses_count) for e in page] == [(1, 1)] * n


@pytest.mark.parametrize("n", [1, 3])
def test_results_page_queries_constant(client, world, time_machine, django_assert_num_queries, n):
    event = answered_event(world, time_machine, [(4, 4, 4, 4, 4)] * n, texts=[("Tak",)] * n)
    client.force_login(world.staff)
    # session, user, the event, the questions, invitations counted, responses counted, the
    # ratings counted, the open answers, roles (the menu)
    with django_assert_num_queries(9):
        response = client.get(reverse("evaluations:event_results", args=[event.pk]))
    assert response.context["results"].responses == n


def test_funder_report_carries_each_events_results(client, world, time_machine):
    event = answered_event(world, time_machine, [(5, 4, 4, 4, 4), (4, 4, 4, 4, 4)])
    client.force_login(world.staff)
    page = client.get(reverse("reports:funder_report"), {"round": "1"})
    body = page.content.decode()
    assert "Ewaluacja wydarzeń" in body and event.title in body and "4,5" in body
    response = client.get(reverse("reports:funder_report_xlsx", args=[1]))
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(workbook["Ewaluacja"].iter_rows(values_only=True))
    assert rows[0][:8] == (
        "Wydarzenie",
        "Rodzaj",
        "Pierwszy dzień",
        "Zaproszeni",
        "Odpowiedzi",
        "Pytanie",
        "Średnia",
        "Odpowiedzi",
    )
    first = rows[1]
    assert first[0] == event.title and first[3:5] == (2, 2)
    assert first[6] == 4.5 and first[7] == 2 and first[8:] == (0, 0, 0, 1, 1)
    assert len(rows) == 1 + 5
