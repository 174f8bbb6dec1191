import pytest
from django.urls import reverse

from support.enums import PlanStatus
from support.models import DevelopmentPlan, PlanAction
from tests.factories import DevelopmentPlanFactory, PlanActionFactory, PlanVersionFactory

pytestmark = pytest.mark.django_db


def _url(name, world, *args):
    return reverse(f"support:{name}", args=[world.partnership_a.pk, *args])


def _sections(**kw):
    data = {
        "concept": "Koncepcja.",
        "needs": "Potrzeby.",
        "goals": "Cele.",
        "promotion": "Promocja.",
        "evaluation": "Ewaluacja.",
    }
    return {**data, **kw}


def test_plan_detail_without_plan_offers_start(client, world):
    client.force_login(world.leader_a)
    response = client.get(_url("plan_detail", world))
    assert response.status_code == 200
    assert _url("plan_start", world) in response.content.decode()


def test_plan_start_page_creates_prefilled_plan(client, world):
    client.force_login(world.animator_a)
    response = client.post(_url("plan_start", world))
    assert response.status_code == 302 and response.url == _url("plan_edit", world)
    plan = DevelopmentPlan.objects.get(partnership=world.partnership_a)
    assert plan.needs == world.partnership_a.common_goal
    page = client.get(response.url).content.decode()
    assert world.partnership_a.common_goal in page


def test_plan_edit_page_saves_sections(client, world):
    plan = DevelopmentPlanFactory(partnership=world.partnership_a)
    client.force_login(world.leader_a)
    response = client.post(_url("plan_edit", world), _sections(goals="Klub.", version=1))
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.goals, plan.version, plan.updated_by) == ("Klub.", 2, world.leader_a)


def test_plan_edit_page_two_saves_from_same_version_second_refused_text_kept(client, world):
    plan = DevelopmentPlanFactory(partnership=world.partnership_a)
    client.force_login(world.leader_a)
    client.post(_url("plan_edit", world), _sections(goals="Cele liderki.", version=1))
    client.force_login(world.animator_a)

    response = client.post(_url("plan_edit", world), _sections(goals="Cele animatora.", version=1))

    assert response.status_code == 409
    body = response.content.decode()
    assert "Cele animatora." in body  # the user's own text stays in the form
    assert "Cele liderki." in body  # the other person's text is shown next to it
    assert 'name="version" value="2"' in body  # the next save compares with the current one
    differing = [field.name for field, _text, same in response.context["theirs"] if not same]
    assert differing == ["goals"]  # only the section that really differs is marked
    plan.refresh_from_db()
    assert plan.goals == "Cele liderki." and plan.updated_by == world.leader_a


def test_plan_edit_page_bad_version_400_and_nothing_saved(client, world):
    plan = DevelopmentPlanFactory(partnership=world.partnership_a)
    client.force_login(world.leader_a)
    response = client.post(_url("plan_edit", world), _sections(goals="X", version="abc"))
    assert response.status_code == 400
    plan.refresh_from_db()
    assert plan.goals == "Cele."


def test_plan_action_add_page_saves_action(client, world):
    plan = DevelopmentPlanFactory(partnership=world.partnership_a)
    partner = world.partnership_a.partners.first()
    client.force_login(world.animator_a)
    response = client.post(
        _url("plan_action_add", world),
        {
            "what": "Ankieta",
            "partner": partner.pk,
            "starts_on": "2026-12-01",
            "ends_on": "2026-12-20",
            "resources": "",
        },
    )
    assert response.status_code == 302
    action = plan.actions.get()
    assert (action.what, action.partner) == ("Ankieta", partner)


@pytest.mark.parametrize(
    "change, field",
    [
        ({"ends_on": "2026-11-30"}, "ends_on"),
        ({"partner": "other"}, "partner"),
        ({"what": ""}, "what"),
    ],
)
def test_plan_action_add_page_bad_input_400_nothing_saved(client, world, change, field):
    DevelopmentPlanFactory(partnership=world.partnership_a)
    data = {
        "what": "Ankieta",
        "partner": world.partnership_a.partners.first().pk,
        "starts_on": "2026-12-01",
        "ends_on": "2026-12-20",
    }
    if change.get("partner") == "other":
        change = {"partner": world.partnership_b.partners.first().pk}
    client.force_login(world.leader_a)
    response = client.post(_url("plan_action_add", world), {**data, **change})
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not PlanAction.objects.exists()


def test_plan_action_remove_page_confirms_then_removes(client, world):
    action = PlanActionFactory(plan=DevelopmentPlanFactory(partnership=world.partnership_a))
    client.force_login(world.leader_a)
    url = _url("plan_action_remove", world, action.pk)
    assert action.what in client.get(url).content.decode()
    assert PlanAction.objects.exists()
    client.post(url)
    assert not PlanAction.objects.exists()


def test_plan_action_of_other_partnership_404(client, world):
    DevelopmentPlanFactory(partnership=world.partnership_a)
    other = PlanActionFactory(plan=DevelopmentPlanFactory(partnership=world.partnership_b))
    client.force_login(world.leader_a)
    assert client.get(_url("plan_action_edit", world, other.pk)).status_code == 404
    assert client.post(_url("plan_action_remove", world, other.pk)).status_code == 404
    assert PlanAction.objects.filter(pk=other.pk).exists()


def test_plan_agree_pages_leader_then_animator_make_version_1(client, world):
    plan = DevelopmentPlanFactory(partnership=world.partnership_a)
    PlanActionFactory(plan=plan)
    plan.refresh_from_db()
    for user in (world.leader_a, world.animator_a):
        client.force_login(user)
        response = client.post(_url("plan_agree", world), {"revision": plan.revision})
        assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.AGREED
    version = plan.versions.get()
    page = client.get(_url("plan_version_detail", world, version.number)).content.decode()
    assert "Koncepcja współpracy." in page


def test_plan_agree_page_empty_plan_shows_names_of_empty_sections(client, world):
    DevelopmentPlanFactory(partnership=world.partnership_a, promotion="")
    client.force_login(world.leader_a)
    response = client.post(_url("plan_agree", world), {"revision": 1}, follow=True)
    messages = [str(m) for m in response.context["messages"]]
    from support.selectors import plan_section_label

    assert any(plan_section_label("promotion") in m for m in messages)
    assert DevelopmentPlan.objects.get().agreed_by_leader_at is None


def test_plan_agree_page_by_staff_403(client, world):
    DevelopmentPlanFactory(partnership=world.partnership_a)
    client.force_login(world.staff)
    assert client.post(_url("plan_agree", world), {"revision": 1}).status_code == 403


def test_plan_detail_user_text_escaped(client, world):
    DevelopmentPlanFactory(partnership=world.partnership_a, goals="<script>alert(1)</script>")
    client.force_login(world.leader_a)
    body = client.get(_url("plan_detail", world)).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_partnership_page_and_timeline_link_to_plan(client, world):
    client.force_login(world.leader_a)
    plan_url = _url("plan_detail", world)
    detail = client.get(reverse("partnership_detail", args=[world.partnership_a.pk]))
    timeline = client.get(reverse("support:timeline", args=[world.partnership_a.pk]))
    assert plan_url in detail.content.decode()
    assert plan_url in timeline.content.decode()


@pytest.mark.parametrize("n", [1, 3])
def test_plan_version_list_query_count_constant(client, world, django_assert_num_queries, n):
    plan = DevelopmentPlanFactory(partnership=world.partnership_a)
    for _ in range(n):
        PlanVersionFactory(plan=plan)
    client.force_login(world.leader_a)
    url = _url("plan_version_list", world)
    with django_assert_num_queries(7):
        response = client.get(url)
    assert len(response.context["page"].object_list) == n
