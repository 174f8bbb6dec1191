"""The contact log form fuzzed: never a 500, and the 16-hour budget and the order hold."""

from django.db.models import Sum
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from support.models import SupportSession

FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
text = st.one_of(st.text(max_size=40), st.sampled_from(["", "0", "-15", "1e9", "ąę"]))


@FUZZ
@given(
    kind=st.sampled_from(["diagnoza", "zdalne", "spotkanie-2"]),
    data=st.fixed_dictionaries(
        {
            "held_on": st.one_of(text, st.sampled_from(["2026-11-01", "2999-01-01"])),
            "channel": st.one_of(text, st.sampled_from(["phone", "in_person", "video"])),
            "duration_minutes": st.one_of(
                text, st.integers(-100, 2000).map(str), st.sampled_from(["60", "45", "960"])
            ),
            "notes": text,
            "state": text,
            "development": text,
            "potential": text,
        }
    ),
)
def test_session_log_never_fails_and_never_breaks_a_rule(client, world, kind, data):
    client.force_login(world.animator_a)
    url = reverse("support:session_log", args=[world.partnership_a.pk, kind])
    response = client.post(url, data)
    assert response.status_code in {200, 302, 400, 404}
    sessions = SupportSession.objects.filter(partnership=world.partnership_a)
    used = sessions.filter(withdrawn_at__isnull=True).aggregate(m=Sum("duration_minutes"))["m"]
    assert (used or 0) <= 16 * 60
    assert not sessions.filter(kind="meeting_2").exists()  # never before meeting 1
    assert all(s.duration_minutes > 0 and s.duration_minutes % 15 == 0 for s in sessions)
