import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from support import services
from support.enums import PlanStatus
from support.models import DevelopmentPlan, PlanAction, PlanVersion
from support.selectors import plan_section_label
from tests.factories import DevelopmentPlanFactory, PartnerFactory, PlanActionFactory
from tests.support.conftest import days_ago

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 25)


def _action_fields(partner, **kw):
    return {
        "what": "Klub młodzieżowy",
        "partner": partner,
        "starts_on": TODAY,
        "ends_on": TODAY + datetime.timedelta(days=60),
        "resources": "Sala",
        **kw,
    }


@pytest.fixture
def plan(world):
    plan = DevelopmentPlanFactory(partnership=world.partnership_a)
    plan.partnership = world.partnership_a
    return plan


def _ready(plan):
    """A plan that can be agreed: sections filled (factory) and one action."""
    PlanActionFactory(plan=plan)
    plan.refresh_from_db()
    return plan


# --- start and prefill ------------------------------------------------------------------------


def test_plan_start_prefills_partners_goal_and_meeting_records(world, log):
    partnership = world.partnership_a
    ngo = partnership.partners.exclude(institution=partnership.lead_library).get()
    ngo.contribution, ngo.benefit = "Wolontariusze.", "Nowi członkowie."
    ngo.save()
    log(partnership, kind="diagnosis", held_on=days_ago(20))
    log(
        partnership,
        kind="meeting_1",
        held_on=days_ago(10),
        record={
            "experience_assessment": "Ocena.",
            "planned_actions": "Ankieta wśród młodzieży.",
            "next_meeting_on": days_ago(2),
        },
    )
    log(
        partnership,
        kind="meeting_2",
        held_on=days_ago(2),
        record={"progress": "Ankieta zrobiona.", "training_topic": "team"},
    )

    plan = services.plan_start(partnership=partnership, actor=world.leader_a)

    assert ngo.institution.name in plan.concept
    assert "Wolontariusze." in plan.concept and "Nowi członkowie." in plan.concept
    assert plan.needs == partnership.common_goal
    assert "Ankieta wśród młodzieży." in plan.goals and "Ankieta zrobiona." in plan.goals
    assert (plan.status, plan.version, plan.updated_by) == (PlanStatus.DRAFT, 1, world.leader_a)


def test_plan_start_twice_keeps_one_plan_and_its_text(world):
    plan = services.plan_start(partnership=world.partnership_a, actor=world.animator_a)
    DevelopmentPlan.objects.filter(pk=plan.pk).update(concept="Nasz tekst.")
    again = services.plan_start(partnership=world.partnership_a, actor=world.leader_a)
    assert again.pk == plan.pk and again.concept == "Nasz tekst."
    assert DevelopmentPlan.objects.count() == 1


@pytest.mark.parametrize("persona", ["leader_b", "animator_b", "committee"])
def test_plan_start_by_outsider_refused(world, persona):
    with pytest.raises(PermissionDenied):
        services.plan_start(partnership=world.partnership_a, actor=getattr(world, persona))
    assert not DevelopmentPlan.objects.exists()


# --- saving the sections: concurrent edits -----------------------------------------------------


def test_plan_sections_save_bumps_version_and_keeps_text(world, plan):
    saved = services.plan_sections_save(
        plan=plan, actor=world.animator_a, version=1, goals="  Nowe cele.  "
    )
    plan.refresh_from_db()
    assert (plan.goals, plan.version, plan.revision) == ("Nowe cele.", 2, 2)
    assert saved.updated_by == world.animator_a
    assert plan.concept == "Koncepcja współpracy."  # sections not sent stay


def test_plan_sections_save_from_stale_version_refused_and_first_text_kept(world, plan):
    loaded_at = plan.version  # both opened the form at the same version
    services.plan_sections_save(
        plan=plan, actor=world.leader_a, version=loaded_at, goals="Cele liderki."
    )
    with pytest.raises(services.PlanConflict) as refused:
        services.plan_sections_save(
            plan=plan, actor=world.animator_a, version=loaded_at, goals="Cele animatora."
        )
    plan.refresh_from_db()
    assert plan.goals == "Cele liderki."
    assert plan.version == loaded_at + 1
    assert refused.value.current.goals == "Cele liderki."
    assert str(world.leader_a) in refused.value.messages[0]
    # With the version shown on the refusal, the animator's merged text saves.
    services.plan_sections_save(
        plan=plan,
        actor=world.animator_a,
        version=refused.value.current.version,
        goals="Cele liderki i animatora.",
    )
    plan.refresh_from_db()
    assert plan.goals == "Cele liderki i animatora."


def test_plan_sections_save_resets_agreement_and_makes_agreed_plan_a_draft(world, plan):
    _ready(plan)
    services.plan_agree(plan=plan, actor=world.leader_a, revision=plan.revision)
    plan.refresh_from_db()
    services.plan_agree(plan=plan, actor=world.animator_a, revision=plan.revision)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.AGREED

    services.plan_sections_save(
        plan=plan, actor=world.leader_a, version=plan.version, goals="Inne."
    )

    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT
    assert plan.agreed_by_leader_at is None and plan.agreed_by_animator_at is None
    assert plan.versions.count() == 1  # the agreed version stays


# --- actions ---------------------------------------------------------------------------------


def test_plan_action_add_saves_and_changes_revision(world, plan):
    partner = world.partnership_a.partners.first()
    action = services.plan_action_add(plan=plan, actor=world.leader_a, **_action_fields(partner))
    plan.refresh_from_db()
    assert action.plan == plan and action.partner == partner
    assert plan.revision == 2 and plan.version == 1  # the text's version is untouched


def test_plan_action_ending_before_start_refused(world, plan):
    partner = world.partnership_a.partners.first()
    with pytest.raises(ValidationError) as refused:
        services.plan_action_add(
            plan=plan,
            actor=world.leader_a,
            **_action_fields(partner, ends_on=TODAY - datetime.timedelta(days=1)),
        )
    assert "ends_on" in refused.value.error_dict
    assert not PlanAction.objects.exists()


def test_plan_action_end_before_start_refused_by_database(world, plan):
    partner = world.partnership_a.partners.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanAction.objects.create(
            plan=plan,
            what="x",
            partner=partner,
            starts_on=TODAY,
            ends_on=TODAY - datetime.timedelta(days=1),
        )


def test_plan_action_partner_who_left_refused(world, plan):
    partner = PartnerFactory(partnership=world.partnership_a, left_on=timezone.localdate())
    partner.joined_on = partner.left_on
    with pytest.raises(ValidationError) as refused:
        services.plan_action_add(plan=plan, actor=world.animator_a, **_action_fields(partner))
    assert partner.institution.name in refused.value.error_dict["partner"][0].messages[0]
    assert not PlanAction.objects.exists()


def test_plan_action_partner_of_another_partnership_refused(world, plan):
    other = world.partnership_b.partners.first()
    with pytest.raises(ValidationError) as refused:
        services.plan_action_add(plan=plan, actor=world.animator_a, **_action_fields(other))
    assert "partner" in refused.value.error_dict
    assert not PlanAction.objects.exists()


def test_plan_action_update_and_remove_change_revision(world, plan):
    action = PlanActionFactory(plan=plan)
    action.plan = plan
    services.plan_action_update(action=action, actor=world.leader_a, what="Zmienione")
    action.refresh_from_db()
    assert action.what == "Zmienione"
    services.plan_action_remove(action=action, actor=world.leader_a)
    plan.refresh_from_db()
    assert not plan.actions.exists()
    assert plan.revision == 3


# --- agreeing --------------------------------------------------------------------------------


def test_plan_agree_by_both_freezes_numbered_version(world, plan):
    _ready(plan)
    first = services.plan_agree(plan=plan, actor=world.leader_a, revision=plan.revision)
    plan.refresh_from_db()
    assert first is None and plan.status == PlanStatus.DRAFT
    assert plan.agreed_by_leader == world.leader_a

    version = services.plan_agree(plan=plan, actor=world.animator_a, revision=plan.revision)

    plan.refresh_from_db()
    assert plan.status == PlanStatus.AGREED
    assert version.number == 1
    assert (version.agreed_by_leader, version.agreed_by_animator) == (
        world.leader_a,
        world.animator_a,
    )
    sections = {s["key"]: s["text"] for s in version.snapshot["sections"]}
    assert sections["concept"] == "Koncepcja współpracy."
    assert version.snapshot["partnership"]["name"] == "Partnerstwo A"
    assert len(version.snapshot["actions"]) == 1


def test_plan_agree_again_after_edit_makes_version_2_and_keeps_version_1(world, plan):
    _ready(plan)
    for user in (world.leader_a, world.animator_a):
        plan.refresh_from_db()
        services.plan_agree(plan=plan, actor=user, revision=plan.revision)
    plan.refresh_from_db()
    services.plan_sections_save(
        plan=plan, actor=world.animator_a, version=plan.version, concept="Nowa koncepcja."
    )
    for user in (world.animator_a, world.leader_a):
        plan.refresh_from_db()
        last = services.plan_agree(plan=plan, actor=user, revision=plan.revision)
    assert last.number == 2
    texts = {
        v.number: v.snapshot["sections"][0]["text"] for v in PlanVersion.objects.filter(plan=plan)
    }
    assert texts == {1: "Koncepcja współpracy.", 2: "Nowa koncepcja."}


def test_plan_agree_empty_plan_refused_naming_sections(world):
    plan = DevelopmentPlanFactory(
        partnership=world.partnership_a, promotion="", evaluation="  ", concept="x"
    )
    with pytest.raises(ValidationError) as refused:
        services.plan_agree(plan=plan, actor=world.leader_a, revision=plan.revision)
    text = " ".join(refused.value.messages)
    assert plan_section_label("promotion") in text and plan_section_label("evaluation") in text
    assert plan_section_label("concept") not in text
    assert gettext("Add at least one action before agreeing.") in text  # no actions either
    plan.refresh_from_db()
    assert plan.agreed_by_leader_at is None


def test_plan_agree_without_actions_refused(world, plan):
    with pytest.raises(ValidationError) as refused:
        services.plan_agree(plan=plan, actor=world.animator_a, revision=plan.revision)
    assert refused.value.messages == [gettext("Add at least one action before agreeing.")]


def test_plan_agree_with_action_of_partner_who_left_refused(world, plan):
    action = PlanActionFactory(plan=plan)
    action.partner.left_on = timezone.localdate()
    action.partner.save()
    plan.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        services.plan_agree(plan=plan, actor=world.leader_a, revision=plan.revision)
    assert action.what in refused.value.messages[0]
    assert not PlanVersion.objects.exists()


def test_plan_agree_on_stale_revision_refused(world, plan):
    _ready(plan)
    seen = plan.revision
    PlanActionFactory(plan=plan)
    services.plan_action_update(
        action=plan.actions.first(), actor=world.animator_a, what="Zmienione po cichu"
    )
    with pytest.raises(ValidationError):
        services.plan_agree(plan=plan, actor=world.leader_a, revision=seen)
    plan.refresh_from_db()
    assert plan.agreed_by_leader_at is None


def test_plan_agree_twice_by_same_side_refused(world, plan):
    _ready(plan)
    services.plan_agree(plan=plan, actor=world.leader_a, revision=plan.revision)
    plan.refresh_from_db()
    with pytest.raises(ValidationError):
        services.plan_agree(plan=plan, actor=world.leader_a, revision=plan.revision)
    assert not PlanVersion.objects.exists()


@pytest.mark.parametrize("persona", ["staff", "leader_b", "animator_b"])
def test_plan_agree_by_someone_not_leader_or_animator_refused(world, plan, persona):
    _ready(plan)
    with pytest.raises(PermissionDenied):
        services.plan_agree(plan=plan, actor=getattr(world, persona), revision=plan.revision)
    plan.refresh_from_db()
    assert plan.agreed_by_leader_at is None and plan.agreed_by_animator_at is None


def test_plan_version_number_unique_in_database(world, plan):
    from tests.factories import PlanVersionFactory

    PlanVersionFactory(plan=plan, number=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanVersionFactory(plan=plan, number=1)
