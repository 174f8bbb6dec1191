import pytest

from partnerships import demo as partnerships_demo
from support import demo
from support.models import PlannedMeeting, SupportSession

pytestmark = pytest.mark.django_db


def test_demo_load_twice_adds_one_support_cycle():
    users = partnerships_demo.load()
    demo.load(users)
    demo.load(users)
    kinds = sorted(SupportSession.objects.values_list("kind", flat=True))
    assert kinds == ["diagnosis", "meeting_1", "remote"]
    assert PlannedMeeting.objects.get().partnership.name == "Razem dla Gminy Wąchock"
