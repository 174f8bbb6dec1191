"""Real threads against PostgreSQL: the event-row lock in the services keeps seats and
per-partnership limits true under concurrent requests."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Sum

from events import services
from events.enums import Diet, ParticipantAnswer, RegistrationStatus
from events.models import Participant, Registration
from portal.enums import Role
from tests.events.conftest import FEWER
from tests.factories import (
    EventFactory,
    InstitutionFactory,
    PartnershipFactory,
    PersonFactory,
    UserFactory,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_concurrently(functions):
    """Start every function at the same moment, each in its own thread with its own database
    connection; returns (results, unexpected exceptions)."""
    barrier = threading.Barrier(len(functions))
    results, errors = [], []
    lock = threading.Lock()

    def worker(fn):
        try:
            barrier.wait()
            outcome = fn()
            with lock:
                results.append(outcome)
        except ValidationError as exc:
            with lock:
                results.append(exc)
        except Exception as exc:  # noqa: BLE001 - reported by the test
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(fn,)) for fn in functions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


def seats_held(event) -> int:
    return (
        Registration.objects.filter(
            event=event,
            status__in=[RegistrationStatus.REGISTERED, RegistrationStatus.OFFERED],
        ).aggregate(n=Sum("seats"))["n"]
        or 0
    )


@pytest.fixture
def staff(db):
    return UserFactory(role=Role.STAFF)


@pytest.fixture
def fifty_partnerships(db):
    """Fifty partnerships, each with one library representative."""
    pairs = []
    for _ in range(50):
        partnership = PartnershipFactory()
        pairs.append((partnership, PersonFactory(partnership=partnership)))
    return pairs


@pytest.mark.parametrize("join_waiting_list", [False, True])
def test_fifty_registrations_for_last_seats_never_exceed_capacity(
    staff, fifty_partnerships, join_waiting_list
):
    event = EventFactory(capacity=10)
    # Seven seats are gone already: the fifty race for the last three.
    for partnership, person in fifty_partnerships[:7]:
        services.registration_submit(
            event=event,
            partnership=partnership,
            people=[person],
            chosen_internally=True,
            **FEWER,
            actor=staff,
        )
    racers = fifty_partnerships[7:] + [
        (p, PersonFactory(partnership=p)) for p in [PartnershipFactory() for _ in range(7)]
    ]
    assert len(racers) == 50

    def register(partnership, person):
        return lambda: services.registration_submit(
            event=event,
            partnership=partnership,
            people=[person],
            chosen_internally=True,
            **FEWER,
            actor=staff,
            join_waiting_list=join_waiting_list,
        )

    results, errors = run_concurrently([register(p, person) for p, person in racers])

    assert errors == []
    assert seats_held(event) == 10
    registered = Registration.objects.filter(event=event, status=RegistrationStatus.REGISTERED)
    assert registered.count() == 10
    assert (
        Participant.objects.filter(
            event=event, removed_at__isnull=True, registration__status="registered"
        ).count()
        == 10
    )
    if join_waiting_list:
        assert Registration.objects.filter(event=event, status="waiting").count() == 47
    else:
        refused = [r for r in results if isinstance(r, ValidationError)]
        assert len(refused) == 47
        assert Registration.objects.filter(event=event).count() == 10


def test_concurrent_submissions_of_one_partnership_create_one_registration(staff):
    event = EventFactory()
    partnership = PartnershipFactory()
    people = [PersonFactory(partnership=partnership) for _ in range(20)]

    def register(person):
        return lambda: services.registration_submit(
            event=event,
            partnership=partnership,
            people=[person],
            chosen_internally=True,
            **FEWER,
            actor=staff,
        )

    results, errors = run_concurrently([register(person) for person in people])

    assert errors == []
    assert Registration.objects.filter(event=event, partnership=partnership).count() == 1
    assert Participant.objects.filter(event=event, removed_at__isnull=True).count() == 1
    assert sum(isinstance(r, ValidationError) for r in results) == 19


def test_concurrent_changes_never_exceed_the_partnership_limit(staff):
    event = EventFactory(capacity=40)
    partnership = PartnershipFactory()
    ngo = InstitutionFactory(kind="ngo", sector="social")
    partnership.partners.create(institution=ngo, contribution="c", benefit="b")
    librarian = PersonFactory(partnership=partnership)
    others = [PersonFactory(partnership=partnership, institution=ngo) for _ in range(20)]
    registration = services.registration_submit(
        event=event,
        partnership=partnership,
        people=[librarian],
        chosen_internally=True,
        **FEWER,
        actor=staff,
    )

    def change(a, b):
        return lambda: services.registration_change(
            registration=registration,
            people=[librarian, a, b],
            chosen_internally=True,
            actor=staff,
            **FEWER,
        )

    pairs = [(others[i], others[i + 1]) for i in range(0, 20, 2)]
    results, errors = run_concurrently([change(a, b) for a, b in pairs])

    assert errors == []
    active = Participant.objects.filter(registration=registration, removed_at__isnull=True)
    assert active.count() == 3
    registration.refresh_from_db()
    assert registration.seats == 3
    assert librarian.pk in set(active.values_list("person_id", flat=True))


def test_concurrent_growth_of_registrations_never_oversells(staff):
    """Ten partnerships registered with one person each try at once to grow to three; only
    the free seats can be taken."""
    event = EventFactory(capacity=14)
    rows = []
    for _ in range(10):
        partnership = PartnershipFactory()
        people = [PersonFactory(partnership=partnership) for _ in range(3)]
        registration = services.registration_submit(
            event=event,
            partnership=partnership,
            people=people[:1],
            chosen_internally=True,
            **FEWER,
            actor=staff,
        )
        rows.append((registration, people))

    def grow(registration, people):
        return lambda: services.registration_change(
            registration=registration, people=people, chosen_internally=True, actor=staff, **FEWER
        )

    results, errors = run_concurrently([grow(r, p) for r, p in rows])

    assert errors == []
    assert seats_held(event) == 14
    assert Participant.objects.filter(event=event, removed_at__isnull=True).count() == 14
    assert sum(isinstance(r, ValidationError) for r in results) == 8


def test_declines_racing_waiting_list_offers_and_newcomers_never_oversell(staff):
    """Issue 20: people decline through their own links while newcomers register and the
    offer sweep runs, all at once. Every freed seat goes first to the waiting list (the
    withdrawal's own path), a newcomer only gets what is left, and the seats held never
    pass the capacity."""
    event = EventFactory(capacity=4)

    def register(people, **kwargs):
        return services.registration_submit(
            event=event,
            partnership=people[0].partnership,
            people=people,
            chosen_internally=True,
            **FEWER,
            actor=staff,
            **kwargs,
        )

    a = PartnershipFactory()
    a_people = [PersonFactory(partnership=a) for _ in range(3)]
    register(a_people)
    x = PartnershipFactory()
    x_person = PersonFactory(partnership=x)
    register([x_person])
    waiting = [
        register([PersonFactory(partnership=PartnershipFactory())], join_waiting_list=True)
        for _ in range(2)
    ]
    newcomers = [PersonFactory(partnership=PartnershipFactory()) for _ in range(3)]
    a_participants = list(Participant.objects.filter(person__in=a_people))
    services.participant_confirm(
        participant=a_participants[2], diet=Diet.STANDARD, clause_acknowledged=True
    )
    decliners = [*a_participants[:2], Participant.objects.get(person=x_person)]

    def decline(participant):
        return lambda: services.participant_decline(participant=participant)

    def newcomer(person):
        return lambda: register([person])

    results, errors = run_concurrently(
        [decline(p) for p in decliners]
        + [newcomer(p) for p in newcomers]
        + [services.offers_expire]
    )

    assert errors == []
    assert seats_held(event) <= event.capacity
    for registration in waiting:
        registration.refresh_from_db()
        assert registration.status == RegistrationStatus.OFFERED
    taken_by_newcomers = Registration.objects.filter(
        event=event, partnership__in=[p.partnership for p in newcomers]
    ).count()
    assert taken_by_newcomers <= 1
    # A keeps its confirmed person; X withdrew with its only one; B and C hold the offers.
    assert seats_held(event) == 3 + taken_by_newcomers
    assert Participant.objects.filter(event=event, answer=ParticipantAnswer.DECLINED).count() == 3
    assert sum(isinstance(r, ValidationError) for r in results) == 3 - taken_by_newcomers
