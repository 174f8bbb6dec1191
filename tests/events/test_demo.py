import pytest

from events import demo as events_demo
from events.models import Event, Participant, Registration
from partnerships import demo as partnerships_demo

pytestmark = pytest.mark.django_db


def test_demo_load_creates_open_events_and_a_registration_once():
    users = partnerships_demo.load()
    events_demo.load(users)
    events_demo.load(users)
    assert Event.objects.count() == 2
    assert all(event.registration_is_open() for event in Event.objects.all())
    assert Registration.objects.count() == 1
    assert Participant.objects.count() == 2


def test_demo_leader_whose_person_has_another_email_registers_for_the_seminar():
    """§2.3.3: the leader is recognised through the account linked to their person record,
    not through the e-mail on it."""
    from events import services
    from events.enums import EventKind
    from partnerships.models import Partnership

    users = partnerships_demo.load()
    events_demo.load(users)
    leader = users["leader_b"]
    partnership = Partnership.objects.get(leader=leader)
    leader_person = partnership.people.get(user=leader)
    assert leader_person.email != leader.email
    seminar = Event.objects.get(kind=EventKind.SEMINAR)
    registration = services.registration_submit(
        event=seminar,
        partnership=partnership,
        people=list(partnership.people.order_by("pk")[:2]),
        chosen_internally=True,
        actor=leader,
    )
    assert registration.seats == 2
    assert leader_person.pk in {p.person_id for p in registration.participants.all()}
