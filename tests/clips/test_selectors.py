import pytest

from clips import selectors, services
from clips.enums import OverrideDecision
from tests.clips.conftest import attend
from tests.factories import ClipCallFactory, PartnershipFactory, SupportSessionFactory

pytestmark = pytest.mark.django_db


def _row(call, partnership):
    assert partnership.pk in selectors.candidate_ids(call)
    return selectors.candidate_rows(call, [partnership.pk]).get()


@pytest.mark.parametrize(
    "missing, flag",
    [
        ("meeting_1", "has_meeting_1"),
        ("meeting_2", "has_meeting_2"),
        ("visit", "attended_visit"),
        ("seminar", "attended_seminar"),
    ],
)
def test_eligibility_shows_the_criterion_not_met(world, call, make_eligible, missing, flag):
    criteria = {"meeting_1", "meeting_2", "visit", "seminar"} - {missing}
    make_eligible(world.partnership_a, only=tuple(criteria))
    row = _row(call, world.partnership_a)
    assert getattr(row, flag) is False
    assert all(getattr(row, other) for other in selectors.CRITERIA if other != flag)
    assert row.eligible is False


def test_eligibility_with_every_criterion(world, call, make_eligible):
    make_eligible(world.partnership_a)
    assert _row(call, world.partnership_a).eligible is True


def test_withdrawn_meeting_does_not_count(world, call, make_eligible):
    make_eligible(world.partnership_a, only=("meeting_1", "visit", "seminar"))
    SupportSessionFactory(
        partnership=world.partnership_a,
        kind="meeting_2",
        channel="in_person",
        withdrawn_at="2026-11-01T10:00Z",
        withdrawn_reason="Pomyłka.",
    )
    assert _row(call, world.partnership_a).has_meeting_2 is False


def test_registered_but_absent_does_not_count(world, call, make_eligible):
    make_eligible(world.partnership_a, only=("meeting_1", "meeting_2", "seminar"))
    from tests.factories import EventFactory

    attend(EventFactory(), world.partnership_a, attended=False)
    assert _row(call, world.partnership_a).attended_visit is False


@pytest.mark.parametrize(
    "decision, expected",
    [(OverrideDecision.INCLUDE, True), (OverrideDecision.AUTO, False)],
)
def test_override_decides_over_the_data(world, call, decision, expected):
    services.eligibility_override_set(
        call=call, partnership=world.partnership_a, actor=world.staff, decision=decision, reason="r"
    )
    assert _row(call, world.partnership_a).eligible is expected


def test_exclude_override_beats_the_data(world, call, make_eligible):
    make_eligible(world.partnership_a)
    services.eligibility_override_set(
        call=call,
        partnership=world.partnership_a,
        actor=world.staff,
        decision="exclude",
        reason="r",
    )
    row = _row(call, world.partnership_a)
    assert (row.meets_criteria, row.eligible) == (True, False)
    assert row.call_overrides[0].decided_by == world.staff


def test_call_round_limits_candidates(world, make_eligible):
    call = ClipCallFactory(round=2)
    round_two = PartnershipFactory(round=2)
    assert selectors.candidate_ids(call) == [round_two.pk]


def test_member_never_sees_partnership_they_animate(world, call, eligible):
    seen = set(selectors.candidates_for_member(call, world.animator_a))
    assert world.partnership_a not in seen
    assert world.partnership_b in seen


def test_others_scores_hidden_until_member_scored(world, call, eligible):
    p = world.partnership_b
    services.score_save(call=call, member=world.staff, partnership=p, progress=5, creativity=5)
    assert selectors.scores_visible_to(call, world.committee, p) == []
    services.score_save(call=call, member=world.committee, partnership=p, progress=9, creativity=9)
    visible = selectors.scores_visible_to(call, world.committee, p)
    assert [s.member for s in visible] == [world.staff]


def test_ranking_mean_spread_and_missing(world, call, eligible):
    p = world.partnership_b
    services.score_save(call=call, member=world.staff, partnership=p, progress=4, creativity=6)
    services.score_save(call=call, member=world.committee, partnership=p, progress=9, creativity=9)
    ranked = list(selectors.ranking(call))
    assert ranked[0] == p
    top = ranked[0]
    assert top.mean == pytest.approx(7.0)
    assert (top.lowest, top.highest) == (pytest.approx(5.0), pytest.approx(9.0))
    assert top.score_count == 2
    rows = {row.partnership.pk: row for row in selectors.ranking_rows(call, ranked)}
    assert rows[p.pk].missing == [world.animator_a]
    assert rows[p.pk].spread == pytest.approx(4.0)
    # Animator A animates partnership A, so is not expected to score it.
    assert world.animator_a not in rows[world.partnership_a.pk].missing


def _candidates(n, make_eligible):
    for _ in range(n):
        make_eligible(PartnershipFactory())


@pytest.mark.parametrize("n", [1, 3])
def test_candidate_list_query_count_is_constant(
    world, call, make_eligible, n, django_assert_num_queries
):
    _candidates(n, make_eligible)
    # The ids in order, the rows and the staff decisions prefetched for them.
    with django_assert_num_queries(3):
        ids = selectors.candidate_ids(call)
        rows = list(selectors.candidate_rows(call, ids))
        assert len(rows) == n + 2 and [r.call_overrides for r in rows]


@pytest.mark.parametrize("n", [1, 3])
def test_ranking_query_count_is_constant(world, call, make_eligible, n, django_assert_num_queries):
    _candidates(n, make_eligible)
    # The ranking, the committee, the scores of the rows.
    with django_assert_num_queries(3):
        selectors.ranking_rows(call, selectors.ranking(call))


def test_selection_history_lists_decisions_only(world, call, eligible, select):
    selection = select(call, eligible[0])
    services.selection_notify_leader(selection=selection, actor=world.staff)
    services.selection_withdraw(selection=selection, actor=world.staff, reason="Rezygnacja.")
    history = selectors.selection_history(selection)
    assert [h.status for h in history] == ["withdrawn", "selected"]


def test_scoring_progress_counts_and_finds_the_next_unscored_round_the_list(world, call, eligible):

    a, b, c = eligible  # in the list's order: A, B, C
    services.score_save(call=call, member=world.committee, partnership=b, progress=1, creativity=1)
    progress = selectors.scoring_progress(call, world.committee, c)
    assert (progress.total, progress.scored, progress.left) == (3, 1, 2)
    assert progress.next_pk == a.pk  # after C comes A again (B is scored)
    assert selectors.scoring_progress(call, world.committee, a).next_pk == c.pk
    assert selectors.scoring_progress(call, world.committee).next_pk == a.pk


def test_candidate_evidence_prefers_the_latest_agreed_plan_version(world):
    from tests.factories import DevelopmentPlanFactory, PlanVersionFactory

    plan = DevelopmentPlanFactory(partnership=world.partnership_a, concept="Szkic roboczy.")
    assert selectors.candidate_evidence(world.partnership_a)["plan_draft"] == plan
    PlanVersionFactory(plan=plan, number=1)
    PlanVersionFactory(plan=plan, number=2)
    evidence = selectors.candidate_evidence(world.partnership_a)
    assert evidence["plan_version"].number == 2
    assert evidence["plan_draft"] is None
    assert evidence["plan"]["sections"][0]["text"] == "Koncepcja."


def test_member_calls_name_the_first_candidate_left_to_score(world, call, eligible):
    a, b, _c = eligible
    services.score_save(call=call, member=world.committee, partnership=a, progress=1, creativity=1)
    (item,) = selectors.member_calls(world.committee)
    assert (item.candidates, item.scored, item.left, item.next_pk) == (3, 1, 2, b.pk)


def test_leader_todos_ask_to_adapt_the_scenario_until_the_leader_saved_it(
    world, call, eligible, select
):
    from clips import selectors as clip_selectors
    from clips import services as clip_services

    selection = select(call, world.partnership_a)
    [todo] = clip_selectors.leader_todos(world.leader_a, world.partnership_a)
    assert todo.url == f"/klip/wybor/{selection.pk}/scenariusz/"
    assert clip_selectors.leader_todos(world.animator_a, world.partnership_a) == []
    clip_services.scenario_update(selection=selection, actor=world.leader_a, body="Nasza wersja.")
    assert clip_selectors.leader_todos(world.leader_a, world.partnership_a) == []


def test_leader_start_page_lists_the_scenario_to_adapt(client, world, call, eligible, select):
    from django.urls import reverse

    select(call, world.partnership_a)
    client.force_login(world.leader_a)
    body = client.get(reverse("partnership_detail", args=[world.partnership_a.pk])).content
    assert "Dostosuj scenariusz" in body.decode()
