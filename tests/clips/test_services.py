import datetime
import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from clips import services
from clips.enums import CallStatus, OverrideDecision, SelectionStatus
from clips.models import ClipCall, NoticeCall, Production, Scenario, Score, Selection
from portal.enums import Role
from tests.factories import ClipCallFactory, UserFactory

pytestmark = pytest.mark.django_db

# 2026-12-07 is a Monday; 2026-12-24 (Christmas Eve) is a Polish public holiday from 2025 on.
MONDAY = datetime.date(2026, 12, 7)


def _score(call, member, partnership, progress=7, creativity=8, **kw):
    return services.score_save(
        call=call,
        member=member,
        partnership=partnership,
        progress=progress,
        creativity=creativity,
        **kw,
    )


# --- calls ---------------------------------------------------------------------------------------


def test_call_create_makes_a_draft_with_the_scenario_template(world):
    call = services.call_create(
        actor=world.staff,
        title="Klip 2027",
        clips_count=3,
        scoring_deadline=timezone.now() + datetime.timedelta(days=5),
        committee=[world.committee],
    )
    assert call.status == CallStatus.DRAFT
    assert list(call.committee.all()) == [world.committee]
    assert "Kim jesteśmy" in call.scenario_template.body


def test_call_create_by_non_staff_is_refused(world):
    with pytest.raises(PermissionDenied):
        services.call_create(
            actor=world.leader_a, title="x", scoring_deadline=timezone.now(), committee=[]
        )
    assert not ClipCall.objects.exists()


def test_call_open_emails_members_after_commit(world, django_capture_on_commit_callbacks):
    call = ClipCallFactory(status="draft", committee=[world.committee, world.animator_a])
    with django_capture_on_commit_callbacks(execute=True):
        services.call_open(call=call, actor=world.staff)
    call.refresh_from_db()
    assert call.status == CallStatus.OPEN
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [world.committee.email, world.animator_a.email]
    )
    assert "klip" in mail.outbox[0].subject.lower()


def test_call_open_without_committee_is_refused(world):
    call = ClipCallFactory(status="draft")
    with pytest.raises(ValidationError, match="komisji"):
        services.call_open(call=call, actor=world.staff)
    call.refresh_from_db()
    assert call.status == CallStatus.DRAFT


def test_call_update_cannot_lower_clips_below_selected(world, call, eligible, select):
    select(call, eligible[0])
    select(call, eligible[1])
    with pytest.raises(ValidationError) as exc:
        services.call_update(call=call, actor=world.staff, clips_count=1)
    assert "clips_count" in exc.value.error_dict
    call.refresh_from_db()
    assert call.clips_count == 3


def test_call_create_with_another_number_of_clips_needs_a_reason(world):
    deadline = timezone.now() + datetime.timedelta(days=5)
    with pytest.raises(ValidationError) as exc:
        services.call_create(
            actor=world.staff,
            title="Klip",
            clips_count=2,
            clips_count_reason="  ",
            scoring_deadline=deadline,
        )
    assert "clips_count_reason" in exc.value.error_dict
    assert "trzy klipy (§2.4.1)" in exc.value.messages[0]
    assert not ClipCall.objects.exists()
    call = services.call_create(
        actor=world.staff,
        title="Klip",
        clips_count=2,
        clips_count_reason=" Budżet na dwa klipy. ",
        scoring_deadline=deadline,
    )
    call.refresh_from_db()
    assert (call.clips_count, call.clips_count_reason) == (2, "Budżet na dwa klipy.")


def test_call_update_back_to_three_clears_the_reason_history_keeps_it(world):
    call = ClipCallFactory(clips_count=2, clips_count_reason="Budżet na dwa klipy.")
    with pytest.raises(ValidationError):
        services.call_update(call=call, actor=world.staff, clips_count=4, clips_count_reason="")
    services.call_update(call=call, actor=world.staff, clips_count=3)
    call.refresh_from_db()
    assert (call.clips_count, call.clips_count_reason) == (3, "")
    assert "Budżet na dwa klipy." in {h.clips_count_reason for h in call.history.all()}


def test_call_other_number_without_reason_refused_by_the_database(world):
    call = ClipCallFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ClipCall.objects.filter(pk=call.pk).update(clips_count=5)


def test_call_announce_needs_a_selection(world, call, eligible, select):
    with pytest.raises(ValidationError):
        services.call_announce(call=call, actor=world.staff)
    select(call, eligible[0])
    services.call_announce(call=call, actor=world.staff)
    call.refresh_from_db()
    assert call.status == CallStatus.ANNOUNCED and call.announced_at is not None


# --- eligibility overrides ---------------------------------------------------------------------


def test_override_needs_a_reason(world, call):
    with pytest.raises(ValidationError) as exc:
        services.eligibility_override_set(
            call=call,
            partnership=world.partnership_a,
            actor=world.staff,
            decision=OverrideDecision.INCLUDE,
            reason="  ",
        )
    assert "reason" in exc.value.error_dict
    assert not call.overrides.exists()


def test_override_change_keeps_history_with_who(world, call):
    for decision in (OverrideDecision.INCLUDE, OverrideDecision.AUTO):
        services.eligibility_override_set(
            call=call,
            partnership=world.partnership_a,
            actor=world.staff,
            decision=decision,
            reason=f"Powód {decision}",
        )
    override = call.overrides.get()
    assert override.decision == OverrideDecision.AUTO
    assert [h.decision for h in override.history.order_by("history_date")] == [
        "include",
        "auto",
    ]
    assert {h.decided_by_id for h in override.history.all()} == {world.staff.pk}


# --- scores --------------------------------------------------------------------------------------


def test_score_save_records_and_updates_one_row(world, call, eligible):
    _score(call, world.committee, eligible[0], 6, 9, comment="Dobrze.")
    _score(call, world.committee, eligible[0], 7, 8)
    score = Score.objects.get()
    assert (score.progress, score.creativity, score.comment) == (7, 8, "")


@pytest.mark.parametrize("progress, creativity", [(11, 5), (5, -1), (None, 5)])
def test_score_outside_range_is_refused(world, call, eligible, progress, creativity):
    with pytest.raises(ValidationError, match="od 0 do 10"):
        _score(call, world.committee, eligible[0], progress, creativity)
    assert not Score.objects.exists()


def test_score_range_is_a_database_constraint(world, call, eligible):
    with pytest.raises(IntegrityError), transaction.atomic():
        Score.objects.create(
            call=call, member=world.committee, partnership=eligible[0], progress=11, creativity=1
        )


def test_score_after_deadline_is_refused(world, call, eligible):
    call.scoring_deadline = timezone.now() - datetime.timedelta(minutes=1)
    call.save()
    with pytest.raises(ValidationError, match="zakończyła się"):
        _score(call, world.committee, eligible[0])
    assert not Score.objects.exists()


def test_score_by_non_member_is_refused(world, call, eligible):
    with pytest.raises(ValidationError, match="komisji"):
        _score(call, world.animator_b, eligible[0])
    assert not Score.objects.exists()


def test_score_of_own_animated_partnership_is_refused(world, call, eligible):
    with pytest.raises(ValidationError, match="Animujesz"):
        _score(call, world.animator_a, world.partnership_a)
    assert not Score.objects.exists()


def test_score_of_ineligible_partnership_is_refused(world, call):
    with pytest.raises(ValidationError, match="kandydatem"):
        _score(call, world.committee, world.partnership_a)
    assert not Score.objects.exists()


def test_score_on_draft_call_is_refused(world, eligible):
    call = ClipCallFactory(status="draft", committee=[world.committee])
    with pytest.raises(ValidationError):
        _score(call, world.committee, eligible[0])
    assert not Score.objects.exists()


# --- selection -----------------------------------------------------------------------------------


def test_selection_confirm_copies_the_template(world, call, eligible, select):
    services.scenario_template_update(call=call, actor=world.staff, body="Szablon CAL.")
    selection = select(call, eligible[0], public_summary="Klub młodzieżowy.")
    assert selection.status == SelectionStatus.SELECTED
    assert selection.selected_by == world.staff
    assert Scenario.objects.get(selection=selection).body == "Szablon CAL."


def test_selection_over_the_limit_is_refused(world, eligible, select):
    call = ClipCallFactory(clips_count=2, committee=[world.committee])
    select(call, eligible[0])
    select(call, eligible[1])
    with pytest.raises(ValidationError, match="2"):
        select(call, eligible[2])
    assert call.selections.filter(status="selected").count() == 2


def test_selection_of_ineligible_partnership_is_refused(world, call, make_eligible, select):
    make_eligible(world.partnership_a, only=("meeting_1", "meeting_2", "visit"))
    with pytest.raises(ValidationError, match="Partnerstwo A"):
        select(call, world.partnership_a)
    assert not Selection.objects.exists()


def test_selection_of_excluded_partnership_is_refused(world, call, eligible, select):
    services.eligibility_override_set(
        call=call,
        partnership=eligible[0],
        actor=world.staff,
        decision=OverrideDecision.EXCLUDE,
        reason="Rezygnacja z programu.",
    )
    with pytest.raises(ValidationError):
        select(call, eligible[0])
    assert not Selection.objects.exists()


def test_selection_of_included_partnership_is_allowed(world, call, select):
    services.eligibility_override_set(
        call=call,
        partnership=world.partnership_a,
        actor=world.staff,
        decision=OverrideDecision.INCLUDE,
        reason="Seminarium odwołane przez powódź.",
    )
    assert select(call, world.partnership_a).is_active


def test_selection_twice_is_refused(world, call, eligible, select):
    select(call, eligible[0])
    with pytest.raises(ValidationError, match="już"):
        select(call, eligible[0])
    assert Selection.objects.count() == 1


def test_selection_by_non_staff_is_refused(world, call, eligible):
    with pytest.raises(PermissionDenied):
        services.selection_confirm(call=call, partnership=eligible[0], actor=world.committee)
    assert not Selection.objects.exists()


def test_selection_withdraw_frees_a_place_and_keeps_who(world, eligible, select):
    call = ClipCallFactory(clips_count=1, committee=[world.committee])
    first = select(call, eligible[0])
    services.selection_withdraw(selection=first, actor=world.staff, reason="Rezygnacja.")
    first.refresh_from_db()
    assert (first.status, first.withdrawn_by, first.withdrawn_reason) == (
        "withdrawn",
        world.staff,
        "Rezygnacja.",
    )
    assert select(call, eligible[1]).is_active
    assert [h.status for h in first.history.order_by("history_date")] == ["selected", "withdrawn"]


def test_selection_withdraw_needs_a_reason(world, call, eligible, select):
    selection = select(call, eligible[0])
    with pytest.raises(ValidationError):
        services.selection_withdraw(selection=selection, actor=world.staff, reason="")
    selection.refresh_from_db()
    assert selection.is_active


# --- notice --------------------------------------------------------------------------------------


def test_notify_leader_sends_once(
    world, call, eligible, select, django_capture_on_commit_callbacks
):
    selection = select(call, world.partnership_a)
    with django_capture_on_commit_callbacks(execute=True):
        services.selection_notify_leader(selection=selection, actor=world.staff)
    with pytest.raises(ValidationError, match="już"):
        services.selection_notify_leader(selection=selection, actor=world.staff)
    assert [m.to for m in mail.outbox] == [[world.leader_a.email]]
    assert "Partnerstwo A" in mail.outbox[0].subject
    selection.refresh_from_db()
    assert selection.leader_emailed_by == world.staff


def test_notice_call_is_logged_with_who(world, call, eligible, select):
    selection = select(call, eligible[0])
    services.notice_call_log(
        selection=selection,
        actor=world.staff,
        called_at=timezone.now() - datetime.timedelta(minutes=5),
        person_reached="Liderka",
        note="Bardzo się ucieszyli.",
    )
    logged = NoticeCall.objects.get()
    assert (logged.called_by, logged.person_reached) == (world.staff, "Liderka")


def test_notice_call_in_the_future_is_refused(world, call, eligible, select):
    selection = select(call, eligible[0])
    with pytest.raises(ValidationError):
        services.notice_call_log(
            selection=selection,
            actor=world.staff,
            called_at=timezone.now() + datetime.timedelta(hours=2),
            person_reached="x",
        )
    assert not NoticeCall.objects.exists()


# --- scenario ------------------------------------------------------------------------------------


def test_scenario_update_by_leader_keeps_history(world, call, eligible, select):
    selection = select(call, world.partnership_a)
    services.scenario_update(selection=selection, actor=world.leader_a, body="Nasza wersja.")
    scenario = Scenario.objects.get(selection=selection)
    assert scenario.body == "Nasza wersja." and scenario.updated_by == world.leader_a
    assert scenario.history.count() == 2


@pytest.mark.parametrize("persona", ["leader_b", "animator_a", "committee"])
def test_scenario_update_by_others_is_refused(world, call, eligible, select, persona):
    selection = select(call, world.partnership_a)
    with pytest.raises(PermissionDenied):
        services.scenario_update(
            selection=selection, actor=getattr(world, persona), body="Przejęte."
        )
    assert Scenario.objects.get(selection=selection).body != "Przejęte."


# --- production ----------------------------------------------------------------------------------


def _production(world, selection, **fields):
    data = {"place": "Wąchock", "target_minutes": 3, "videographer_name": "Marek", **fields}
    return services.production_save(selection=selection, actor=world.staff, **data)


def test_production_on_two_working_days_is_saved(world, call, eligible, select):
    selection = select(call, eligible[0])
    production = _production(
        world, selection, first_day=MONDAY, last_day=MONDAY + datetime.timedelta(days=1)
    )
    assert production.shooting_days == [MONDAY, MONDAY + datetime.timedelta(days=1)]


@pytest.mark.parametrize(
    "first, last",
    [
        (datetime.date(2026, 12, 4), datetime.date(2026, 12, 7)),  # Friday and Monday
        (MONDAY, MONDAY + datetime.timedelta(days=2)),  # Monday and Wednesday
        (datetime.date(2026, 12, 4), datetime.date(2026, 12, 10)),  # Friday and Thursday
    ],
    ids=["friday-monday", "monday-wednesday", "six-days-apart"],
)
def test_production_on_two_working_days_within_a_week_is_saved(
    world, call, eligible, select, first, last
):
    """§2.4.2 "w ciągu 1-2 dni roboczych": two working days, not necessarily consecutive."""
    selection = select(call, eligible[0])
    production = _production(world, selection, first_day=first, last_day=last)
    production.refresh_from_db()
    assert production.shooting_days == [first, last]


def test_production_days_a_week_apart_refused_by_the_database(world, call, eligible, select):
    from django.db import IntegrityError, transaction

    production = _production(world, select(call, eligible[0]), first_day=MONDAY)
    rows = Production.objects.filter(pk=production.pk)
    rows.update(last_day=MONDAY + datetime.timedelta(days=6))  # within the week: held
    with pytest.raises(IntegrityError), transaction.atomic():
        rows.update(last_day=MONDAY + datetime.timedelta(days=7))
    with pytest.raises(IntegrityError), transaction.atomic():
        rows.update(last_day=MONDAY - datetime.timedelta(days=1))


def test_production_same_day_twice_is_one_day(world, call, eligible, select):
    selection = select(call, eligible[0])
    production = _production(world, selection, first_day=MONDAY, last_day=MONDAY)
    assert production.last_day is None


@pytest.mark.parametrize(
    "first, last, field, words",
    [
        (datetime.date(2026, 12, 5), None, "first_day", "weekend"),
        (datetime.date(2026, 12, 24), None, "first_day", "Wigilia"),
        (datetime.date(2026, 11, 11), None, "first_day", "Niepodległości"),
        (datetime.date(2026, 12, 4), datetime.date(2026, 12, 5), "last_day", "weekend"),
        (MONDAY, MONDAY + datetime.timedelta(days=7), "last_day", "tygodnia"),
        (datetime.date(2026, 11, 10), datetime.date(2026, 11, 11), "last_day", "Niepodległości"),
    ],
    ids=[
        "saturday",
        "christmas-eve",
        "independence-day",
        "into-weekend",
        "a-week-apart",
        "second-day-a-holiday",
    ],
)
def test_production_on_non_working_or_three_days_is_refused(
    world, call, eligible, select, first, last, field, words
):
    selection = select(call, eligible[0])
    with pytest.raises(ValidationError) as exc:
        _production(world, selection, first_day=first, last_day=last)
    assert field in exc.value.error_dict
    assert re.search(words, " ".join(exc.value.error_dict[field][0].messages))
    assert not Production.objects.exists()


def test_production_introduce_emails_both_once(
    world, call, eligible, select, django_capture_on_commit_callbacks
):
    selection = select(call, world.partnership_a)
    _production(world, selection, first_day=MONDAY, videographer_email="kamera@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        services.production_introduce(selection=selection, actor=world.staff)
    with pytest.raises(ValidationError):
        services.production_introduce(selection=selection, actor=world.staff)
    assert sorted(m.to[0] for m in mail.outbox) == ["kamera@example.org", world.leader_a.email]
    production = Production.objects.get()
    assert production.introduced_by == world.staff and production.introduced_at


def test_production_introduce_needs_videographer_email(world, call, eligible, select):
    selection = select(call, eligible[0])
    _production(world, selection, first_day=MONDAY)
    with pytest.raises(ValidationError, match="e-mail"):
        services.production_introduce(selection=selection, actor=world.staff)
    assert Production.objects.get().introduced_at is None


def test_non_working_reason_knows_weekdays():
    assert services.non_working_reason(MONDAY) is None
    assert services.non_working_reason(datetime.date(2026, 12, 6)) is not None


def test_committee_choices_are_roles_of_the_programme(world):
    from clips.selectors import committee_choices

    outsider = UserFactory()
    leader_only = UserFactory(role=Role.LEADER)
    chosen = set(committee_choices())
    assert {world.staff, world.animator_a, world.committee} <= chosen
    assert outsider not in chosen and leader_only not in chosen
