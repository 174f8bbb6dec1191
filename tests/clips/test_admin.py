import datetime

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from clips import services
from clips.models import (
    ClipCall,
    EligibilityOverride,
    NoticeCall,
    Production,
    Scenario,
    ScenarioTemplate,
    Score,
    Selection,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def objects(world, call, eligible, select):
    services.scenario_template_update(call=call, actor=world.staff, body="Szablon.")
    services.score_save(
        call=call, member=world.committee, partnership=eligible[0], progress=5, creativity=6
    )
    services.eligibility_override_set(
        call=call, partnership=eligible[1], actor=world.staff, decision="exclude", reason="r"
    )
    selection = select(call, eligible[0])
    services.notice_call_log(
        selection=selection,
        actor=world.staff,
        called_at=timezone.now() - datetime.timedelta(minutes=1),
        person_reached="Liderka",
    )
    services.production_save(
        selection=selection, actor=world.staff, first_day=datetime.date(2026, 12, 7)
    )
    return {
        ClipCall: call,
        EligibilityOverride: EligibilityOverride.objects.get(),
        Score: Score.objects.get(),
        Selection: selection,
        NoticeCall: NoticeCall.objects.get(),
        ScenarioTemplate: ScenarioTemplate.objects.get(),
        Scenario: Scenario.objects.get(),
        Production: Production.objects.get(),
    }


def test_admin_pages_load_and_offer_no_delete(client, world, objects, rf):
    client.force_login(world.staff)
    request = rf.get("/")
    request.user = world.staff
    for model, obj in objects.items():
        name = model._meta.model_name
        assert client.get(reverse(f"admin:clips_{name}_changelist")).status_code == 200
        assert client.get(reverse(f"admin:clips_{name}_change", args=[obj.pk])).status_code == 200
        assert not admin.site._registry[model].has_delete_permission(request, obj)
    # Selections, scores and overrides are written through the services, which check the rules.
    for model in (Selection, Score, EligibilityOverride, Production):
        assert not admin.site._registry[model].has_add_permission(request)
