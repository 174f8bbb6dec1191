"""The registration form fuzzed: never a 500, never more people than allowed or seats."""

from django.db.models import Sum
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from events.enums import SEAT_HOLDING_STATUSES
from events.models import Participant, Registration
from tests.factories import EventFactory, PersonFactory

FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@FUZZ
# Three people with the waiting list ticked on an event of two seats: the registration waits
# and holds no seat (it failed on PostgreSQL when its people were counted as seated).
@example(picks=[0, 1, 2], junk=[], confirmed="on", waiting="on")
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
    # Seats are counted as the service counts them: registrations that hold seats.
    holding = Registration.objects.filter(event=event, status__in=SEAT_HOLDING_STATUSES)
    assert (holding.aggregate(n=Sum("seats"))["n"] or 0) <= 2
    seated = Participant.objects.filter(registration__in=holding, removed_at__isnull=True).count()
    assert seated <= 2
    active = Participant.objects.filter(event=event, removed_at__isnull=True)
    assert not active.filter(person__partnership=world.partnership_b).exists()
