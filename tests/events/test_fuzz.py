"""The registration form fuzzed: never a 500, never more people than allowed or seats."""

from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from events.enums import SEAT_HOLDING_STATUSES
from events.models import Participant
from tests.factories import EventFactory, PersonFactory

FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@FUZZ
@given(
    picks=st.lists(st.integers(0, 6), max_size=6),
    junk=st.lists(st.one_of(st.text(max_size=10), st.integers(-5, 10**6).map(str)), max_size=2),
    confirmed=st.sampled_from(["on", "", "yes"]),
    waiting=st.sampled_from(["on", ""]),
)
def test_registration_never_fails_and_keeps_the_limits(
    client, world, picks, junk, confirmed, waiting
):
    event = EventFactory(capacity=2)
    own = [PersonFactory(partnership=world.partnership_a) for _ in range(4)]
    other = [PersonFactory(partnership=world.partnership_b) for _ in range(3)]
    candidates = own + other
    client.force_login(world.leader_a)
    response = client.post(
        reverse("events:registration_create", args=[event.pk, world.partnership_a.pk]),
        {
            "people": [candidates[i].pk for i in picks] + junk,
            "chosen_internally": confirmed,
            "join_waiting_list": waiting,
        },
    )
    assert response.status_code in {200, 302, 400}
    active = Participant.objects.filter(event=event, removed_at__isnull=True)
    # The seats: those waiting (up to the event's limit per partnership) hold none.
    assert active.filter(registration__status__in=SEAT_HOLDING_STATUSES).count() <= 2
    assert not active.filter(person__partnership=world.partnership_b).exists()
