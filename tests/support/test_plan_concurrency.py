"""The development plan under concurrent use, on PostgreSQL with real threads: two people
saving the text from the same loaded version, and the leader and the animator agreeing at the
same moment."""

import pytest

from support import services
from support.models import DevelopmentPlan, PlanVersion
from tests.factories import DevelopmentPlanFactory, PlanActionFactory
from tests.support.test_concurrency import _race


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_plan_sections_save_two_at_once_from_same_version_accept_exactly_one(world):
    plan = DevelopmentPlanFactory(partnership=world.partnership_a)
    plan.partnership = world.partnership_a

    def save(user, text):
        return lambda: services.plan_sections_save(plan=plan, actor=user, version=1, goals=text)

    calls = iter([save(world.leader_a, "Liderka."), save(world.animator_a, "Animator.")])
    outcomes = _race(2, lambda: next(calls)())

    assert outcomes == ["accepted", "refused"]
    plan.refresh_from_db()
    assert plan.version == 2
    assert (
        plan.goals == {world.leader_a: "Liderka.", world.animator_a: "Animator."}[plan.updated_by]
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_plan_agree_by_both_at_once_freezes_one_version(world):
    plan = DevelopmentPlanFactory(partnership=world.partnership_a)
    PlanActionFactory(plan=plan)
    plan = DevelopmentPlan.objects.get(pk=plan.pk)
    plan.partnership = world.partnership_a
    calls = iter(
        [
            lambda: services.plan_agree(plan=plan, actor=world.leader_a, revision=plan.revision),
            lambda: services.plan_agree(plan=plan, actor=world.animator_a, revision=plan.revision),
        ]
    )
    outcomes = _race(2, lambda: next(calls)())

    assert outcomes == ["accepted", "accepted"]
    plan.refresh_from_db()
    assert plan.status == "agreed"
    assert list(PlanVersion.objects.values_list("number", flat=True)) == [1]
