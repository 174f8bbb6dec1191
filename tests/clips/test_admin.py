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


def _call_admin_post(client, call, **changes):
    deadline = timezone.localtime(call.scoring_deadline)
    data = {
        "title": call.title,
        "round": call.round or "",
        "clips_count": str(call.clips_count),
        "clips_count_reason": call.clips_count_reason,
        "scoring_deadline_0": deadline.strftime("%Y-%m-%d"),
        "scoring_deadline_1": deadline.strftime("%H:%M:%S"),
        "committee": [u.pk for u in call.committee.all()],
    }
    url = reverse("admin:clips_clipcall_change", args=[call.pk])
    return client.post(url, {**data, **changes})


def test_admin_call_fewer_clips_than_selected_refused_like_the_staff_page(
    client, world, call, eligible, select
):
    select(call, eligible[0])
    select(call, eligible[1])
    client.force_login(world.staff)
    response = _call_admin_post(
        client, call, clips_count="1", clips_count_reason="Mniej.", title="Inny"
    )
    assert response.status_code == 200
    assert "Liczba wybranych już partnerstw: 2" in response.content.decode()
    call.refresh_from_db()
    assert (call.clips_count, call.title) == (3, call.title)


def test_admin_call_committee_change_goes_through_the_service(client, world, call):
    client.force_login(world.staff)
    response = _call_admin_post(client, call, committee=[world.committee.pk, world.animator_b.pk])
    assert response.status_code == 302
    assert set(call.committee.all()) == {world.committee, world.animator_b}
    assert call.history.latest().history_user == world.staff


def test_admin_call_committee_offers_only_who_may_sit_on_one(client, world, call):
    client.force_login(world.staff)
    response = _call_admin_post(client, call, committee=[world.leader_a.pk])
    assert response.status_code == 200
    assert world.leader_a not in call.committee.all()
