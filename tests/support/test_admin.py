import pytest
from django.urls import reverse

from support.models import HourBudget, MaterialsDispatch
from tests.factories import (
    HourBudgetFactory,
    MaterialsDispatchFactory,
    PlannedMeetingFactory,
    SupportSessionFactory,
)
from tests.support.conftest import days_ago

pytestmark = pytest.mark.django_db

MODELS = [
    "supportsession",
    "hourbudget",
    "plannedmeeting",
    "partnerreport",
    "materialsdispatch",
    "diagnosisrecord",
    "meeting1record",
    "meeting2record",
    "potentialpartner",
]


@pytest.mark.parametrize("model", MODELS)
def test_admin_changelist_opens_for_staff(client, world, model):
    PlannedMeetingFactory(
        planned_by_session=SupportSessionFactory(partnership=world.partnership_a, kind="meeting_1")
    )
    MaterialsDispatchFactory(partnership=world.partnership_a, sent_by=world.staff)
    HourBudgetFactory(partnership=world.partnership_a)
    client.force_login(world.staff)
    assert client.get(reverse(f"admin:support_{model}_changelist")).status_code == 200


@pytest.mark.parametrize("model", MODELS)
def test_admin_offers_no_delete(rf, world, model):
    from django.apps import apps
    from django.contrib import admin

    model_admin = admin.site._registry[apps.get_model("support", model)]
    request = rf.get("/")
    request.user = world.staff
    assert not model_admin.has_delete_permission(request)


def test_admin_session_cannot_be_deleted(client, world):
    session = SupportSessionFactory(partnership=world.partnership_a, kind="diagnosis")
    client.force_login(world.staff)
    assert (
        client.get(reverse("admin:support_supportsession_change", args=[session.pk])).status_code
        == 200
    )
    response = client.post(
        reverse("admin:support_supportsession_delete", args=[session.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert session.__class__.objects.filter(pk=session.pk).exists()


def test_admin_budget_change_needs_reason_and_keeps_it(client, world):
    budget = HourBudgetFactory(partnership=world.partnership_a)
    SupportSessionFactory(partnership=world.partnership_a, kind="diagnosis", duration_minutes=60)
    SupportSessionFactory(partnership=world.partnership_a, duration_minutes=600)
    client.force_login(world.staff)
    url = reverse("admin:support_hourbudget_change", args=[budget.pk])

    response = client.post(url, {"minutes": "1200", "reason": ""})
    assert response.status_code == 200
    assert HourBudget.objects.get().minutes == 960

    response = client.post(url, {"minutes": "480", "reason": "Cięcia."})
    assert response.status_code == 200
    assert HourBudget.objects.get().minutes == 960

    response = client.post(url, {"minutes": "1200", "reason": "Aneks nr 2."})
    assert response.status_code == 302
    latest = HourBudget.objects.get().history.latest()
    assert (latest.minutes, latest.history_change_reason, latest.history_user) == (
        1200,
        "Aneks nr 2.",
        world.staff,
    )


@pytest.mark.parametrize("model", ["developmentplan", "planversion"])
def test_admin_plan_pages_read_only_for_staff(client, rf, world, model):
    from django.contrib import admin

    from support.models import DevelopmentPlan, PlanVersion
    from tests.factories import DevelopmentPlanFactory, PlanActionFactory, PlanVersionFactory

    plan = DevelopmentPlanFactory(partnership=world.partnership_a)
    PlanActionFactory(plan=plan)
    version = PlanVersionFactory(plan=plan)
    obj = {"developmentplan": plan, "planversion": version}[model]
    client.force_login(world.staff)
    assert client.get(reverse(f"admin:support_{model}_changelist")).status_code == 200
    page = client.get(reverse(f"admin:support_{model}_change", args=[obj.pk]))
    assert page.status_code == 200
    request = rf.get("/")
    request.user = world.staff
    model_admin = admin.site._registry[{"developmentplan": DevelopmentPlan}.get(model, PlanVersion)]
    assert not model_admin.has_delete_permission(request, obj)
    assert not model_admin.has_change_permission(request, obj)
    assert not model_admin.has_add_permission(request)


def test_admin_materials_are_recorded_through_the_service(client, world):
    client.force_login(world.staff)
    response = client.post(
        reverse("admin:support_materialsdispatch_add"),
        {
            "partnership": world.partnership_a.pk,
            "what": "Podręcznik partnerstwa",
            "sent_on": "2026-11-20",
            "channel": MaterialsDispatch._meta.get_field("channel").choices[0][0],
        },
    )
    assert response.status_code == 302
    dispatch = MaterialsDispatch.objects.get()
    assert dispatch.sent_by == world.staff and dispatch.partnership == world.partnership_a
    assert dispatch.history.get().history_user == world.staff


def test_admin_materials_after_support_began_ask_for_confirmation(client, world):
    SupportSessionFactory(partnership=world.partnership_a, kind="remote", held_on=days_ago(10))
    client.force_login(world.staff)
    data = {
        "partnership": world.partnership_a.pk,
        "what": "Podręcznik partnerstwa",
        "sent_on": days_ago(3).isoformat(),
        "channel": "post",
    }
    response = client.post(reverse("admin:support_materialsdispatch_add"), data)
    assert response.status_code == 200  # the form again, with the message by the tick
    assert "Zaznacz potwierdzenie" in response.content.decode()
    assert not MaterialsDispatch.objects.exists()
    data["after_support_confirmed"] = "on"
    response = client.post(reverse("admin:support_materialsdispatch_add"), data)
    assert response.status_code == 302
    assert MaterialsDispatch.objects.get().sent_on == days_ago(3)
