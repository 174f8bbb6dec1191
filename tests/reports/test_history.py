"""A history people can read (issue 15, point 5): who, when, what changed from what to what,
related records by name, choices by their labels, yes and no, dates in words, and what
happened said in Polish; on the partnership and per person."""

import datetime

import pytest
from django.urls import reverse

from events.models import Participant, Registration
from partnerships.enums import PartnershipStatus
from support.models import SupportSession
from tests.factories import EventFactory, PersonFactory, SupportSessionFactory

pytestmark = pytest.mark.django_db


def _entries(client, url) -> list:
    return client.get(url).context["entries"]


def test_history_names_related_records_and_choice_labels(client, world):
    partnership = world.partnership_a
    partnership.animator = world.animator_b
    partnership.status = PartnershipStatus.COMPLETED
    partnership._history_user = world.staff
    partnership.save()
    client.force_login(world.staff)
    response = client.get(reverse("reports:partnership_history", args=[partnership.pk]))
    entry = response.context["entries"][0]
    assert entry.name == "Partnerstwo A"
    assert str(entry.action) == "zmieniono"
    assert {(str(label), old, new) for label, old, new in entry.changes} == {
        ("animator", str(world.animator_a), str(world.animator_b)),
        ("status", "objęte wsparciem", "zakończone"),
    }
    body = response.content.decode()
    assert f"z <del>{world.animator_a}</del> na <ins>{world.animator_b}</ins>" in body
    assert "#" not in "".join(f"{e.name}" for e in response.context["entries"])


def test_history_says_created_not_the_creation_date(client, world):
    person = PersonFactory(partnership=world.partnership_a, first_name="Zofia", last_name="Nowak")
    client.force_login(world.staff)
    response = client.get(reverse("reports:partnership_history", args=[world.partnership_a.pk]))
    entry = response.context["entries"][0]
    assert entry.record.id == person.pk
    assert (str(entry.model_label), entry.name, str(entry.action)) == (
        "osoba",
        "Zofia Nowak",
        "utworzono",
    )
    body = response.content.decode()
    assert "utworzono" in body and "data utworzenia" not in body
    assert "Osoba #" not in body


def test_history_shows_yes_no_dates_in_words_and_durations(client, world):
    session = SupportSessionFactory(
        partnership=world.partnership_a,
        kind="remote",
        held_on=datetime.date(2026, 11, 3),
        duration_minutes=60,
    )
    session.held_on = datetime.date(2026, 11, 5)
    session.duration_minutes = 75
    session.save()
    registration = Registration.objects.create(
        event=EventFactory(), partnership=world.partnership_a, chosen_internally=True, seats=1
    )
    person = PersonFactory(partnership=world.partnership_a, first_name="Jan", last_name="Lis")
    participant = Participant.objects.create(
        registration=registration, event=registration.event, person=person
    )
    participant.attended = True
    participant.materials_received = True
    participant.save()
    client.force_login(world.staff)
    entries = _entries(
        client, reverse("reports:partnership_history", args=[world.partnership_a.pk])
    )
    attended = next(e for e in entries if e.record.history_type == "~" and e.name == "Jan Lis")
    assert {(str(label), old, new) for label, old, new in attended.changes} == {
        ("obecność", "—", "tak"),  # not marked yet
        ("wydano materiały", "nie", "tak"),
    }
    moved = next(
        e
        for e in entries
        if e.record.history_type == "~"
        and isinstance(e.record, SupportSession.history.model)  # ids repeat across tables
        and e.record.id == session.pk
    )
    assert moved.name == "wsparcie zdalne, 5 listopada 2026"
    assert {(old, new) for _label, old, new in moved.changes} == {
        ("3 listopada 2026", "5 listopada 2026"),
        ("1 godz.", "1 godz. 15 min"),
    }


@pytest.mark.parametrize("n", [1, 3])
def test_history_names_in_bulk_whatever_the_number_of_entries(
    client, world, django_assert_num_queries, n
):
    for _ in range(n):
        person = PersonFactory(partnership=world.partnership_a)
        person.institution = world.partnership_b.lead_library  # a relation to name
        person.save()
    client.force_login(world.staff)
    url = reverse("reports:partnership_history", args=[world.partnership_a.pk])
    # session, user, the partnership, the page's count, its rows; per kind of record on the
    # page its rows (person, partner, partnership) and for the changed ones the earlier rows
    # (person); the names of the institutions, all at once; the roles.
    with django_assert_num_queries(11):
        response = client.get(url)
    moved = [e for e in response.context["entries"] if e.changes]
    assert len(moved) == n
    assert {new for entry in moved for _label, _old, new in entry.changes} == {
        world.partnership_b.lead_library.name
    }


@pytest.mark.parametrize("n", [1, 3])
def test_person_history_query_count_does_not_grow(client, world, django_assert_num_queries, n):
    person = PersonFactory(partnership=world.partnership_a, first_name="Ewa", last_name="Lis")
    for i in range(n):
        person.phone = f"60000000{i}"
        person.save()
    client.force_login(world.staff)
    url = reverse("reports:person_history", args=[person.pk])
    # session, user, the person, the page's count, its rows, the person's rows, the earlier
    # rows, the roles.
    with django_assert_num_queries(8):
        response = client.get(url)
    entries = response.context["entries"]
    assert len(entries) == n + 1
    assert all(entry.name == "Ewa Lis" for entry in entries)
    assert str(entries[-1].action) == "utworzono"


def test_person_history_is_reachable_from_the_partnership_and_the_people_list(client, world):
    person = PersonFactory(partnership=world.partnership_a)
    url = reverse("reports:person_history", args=[person.pk])
    client.force_login(world.staff)
    assert (
        url
        in client.get(reverse("partnership_detail", args=[world.partnership_a.pk])).content.decode()
    )
    assert url in client.get(reverse("reports:person_list")).content.decode()
    client.force_login(world.leader_a)
    assert (
        url
        not in client.get(
            reverse("partnership_detail", args=[world.partnership_a.pk])
        ).content.decode()
    )
    assert client.get(url).status_code == 403


def test_person_history_shows_their_places_on_registrations_and_nobody_elses(client, world):
    registration = Registration.objects.create(
        event=EventFactory(title="Wizyta w Wąchocku"),
        partnership=world.partnership_a,
        chosen_internally=True,
        seats=2,
    )
    person = PersonFactory(partnership=world.partnership_a, first_name="Ola", last_name="Kos")
    other = PersonFactory(partnership=world.partnership_a, first_name="Piotr", last_name="Mak")
    for someone in (person, other):
        Participant.objects.create(
            registration=registration, event=registration.event, person=someone
        )
    client.force_login(world.staff)
    entries = _entries(client, reverse("reports:person_history", args=[person.pk]))
    assert {(str(e.model_label), e.name) for e in entries} == {
        ("osoba", "Ola Kos"),
        ("uczestnik", "Ola Kos"),
    }
