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
