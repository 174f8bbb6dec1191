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


def test_demo_load_twice_adds_one_agreed_plan_with_actions():
    from support.models import DevelopmentPlan, PlanVersion

    users = partnerships_demo.load()
    demo.load(users)
    demo.load(users)
    plan = DevelopmentPlan.objects.get()
    assert plan.partnership.name == "Razem dla Gminy Wąchock"
    assert plan.status == "agreed" and plan.actions.count() == 3
    assert list(PlanVersion.objects.values_list("number", flat=True)) == [1]
    assert not [key for key in ("promotion", "evaluation") if not getattr(plan, key)]


def test_demo_load_twice_adds_potential_partners_for_the_missing_sector_once():
    from support.models import PotentialPartner

    users = partnerships_demo.load()
    demo.load(users)
    demo.load(users)
    candidates = PotentialPartner.objects.order_by("pk")
    assert [(c.partnership.name, c.sector, c.status) for c in candidates] == [
        ("Partnerstwo Nad Bugiem", "business", "approached"),
        ("Partnerstwo Nad Bugiem", "business", "interested"),
    ]
    assert candidates[1].animator_help
