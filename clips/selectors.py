"""Reads of the clips app and who may see what.

Eligibility (§2.4.1) is computed in the database, as annotations, so a page of candidates costs
the same few queries for 10 partnerships or 2,000. A committee member never sees a partnership
they animate, and sees other members' scores of a partnership only after scoring it."""

from dataclasses import dataclass, field

from django.db.models import (
    Avg,
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    FloatField,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Coalesce
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy

from clips.enums import CallStatus, OverrideDecision, SelectionStatus
from clips.models import (
    ClipCall,
    EligibilityOverride,
    NoticeCall,
    Production,
    Scenario,
    Score,
    Selection,
)
from events.enums import EventKind
from events.selectors import attendance_of_partnership, attendances
from partnerships.enums import PROGRAMME_STATUSES
from partnerships.models import Partnership, User
from partnerships.selectors import with_sector_coverage
from portal import figures
from portal.enums import Role
from portal.hooks import PathStep, Todo
from portal.roles import is_staff_member
from support import selectors as support_selectors
from support.enums import SINGLE_KINDS, SessionKind
from support.models import PlanVersion, SupportSession
from support.selectors import has_held

# --- calls -------------------------------------------------------------------------------------


def calls_for_user(user) -> QuerySet[ClipCall]:
    """Staff see every call; a committee member the calls they sit on, once opened."""
    qs = ClipCall.objects.all()
    if is_staff_member(user):
        return qs
    if not user.is_authenticated:
        return qs.none()
    return qs.filter(committee=user).exclude(status=CallStatus.DRAFT)


def call_get_for_user(user, pk) -> ClipCall:
    try:
        return calls_for_user(user).get(pk=pk)
    except (ClipCall.DoesNotExist, ValueError):
        raise Http404 from None


def call_get_for_member(user, pk) -> ClipCall:
    """A call the user sits on (staff too only when they are members), else 404."""
    try:
        return ClipCall.objects.filter(committee=user).exclude(status=CallStatus.DRAFT).get(pk=pk)
    except (ClipCall.DoesNotExist, ValueError):
        raise Http404 from None


def is_member(call: ClipCall, user) -> bool:
    return call.committee.filter(pk=user.pk).exists()


def committee_of(call: ClipCall) -> list[User]:
    return list(call.committee.order_by("last_name", "first_name", "email"))


def committee_choices() -> QuerySet[User]:
    """Who may sit on a committee (§2.4.5): staff, animators and people with the committee
    role."""
    return (
        User.objects.filter(is_active=True)
        .filter(Q(is_staff=True) | Q(groups__name__in=[Role.STAFF, Role.ANIMATOR, Role.COMMITTEE]))
        .distinct()
        .order_by("last_name", "first_name", "email")
    )


def call_list(user) -> QuerySet[ClipCall]:
    """Calls with how many selections they have; for a member also how many candidates they
    still have to score (``to_score``), in one query."""
    selected = Selection.objects.filter(call=OuterRef("pk"), status=SelectionStatus.SELECTED)
    qs = calls_for_user(user).annotate(
        selected_count=Subquery(
            selected.order_by().values("call").annotate(n=Count("pk")).values("n")
        ),
        member_count=Count("committee", distinct=True),
    )
    return qs.order_by("-scoring_deadline", "-pk")


@dataclass
class MemberCall:
    call: ClipCall
    candidates: int
    scored: int
    next_pk: int | None = None  # the first candidate left to score

    @property
    def left(self) -> int:
        return self.candidates - self.scored


def member_calls(user) -> list[MemberCall]:
    """The calls ``user`` sits on with what is left to score: one query per call (a member
    sits on a handful)."""
    result = []
    calls = ClipCall.objects.filter(committee=user).exclude(status=CallStatus.DRAFT)
    for call in calls.order_by("-scoring_deadline", "-pk"):
        progress = scoring_progress(call, user)
        result.append(MemberCall(call, progress.total, progress.scored, progress.next_pk))
    return result


# --- eligibility -------------------------------------------------------------------------------
# One rule (``eligibility_rule``) built from the four criteria, each a correlated ``Exists``:
# as a filter PostgreSQL turns it into one semi-join over every partnership, as a column of a
# page of 25 rows into 25 index probes. The pages that order or count by eligibility over every
# candidate (the candidate list, the ranking, the dashboard's panel) keep their result per
# version of the data (``portal.figures``) and read the columns for the rows of one page only.


def _criteria() -> dict:
    """The four criteria of §2.4.1, by the name of their annotation."""

    def held(kind):
        return has_held(kind)

    def attended(kind):
        return Exists(attendances(kind).filter(registration__partnership=OuterRef("pk")))

    return {
        "has_meeting_1": held(SessionKind.MEETING_1),
        "has_meeting_2": held(SessionKind.MEETING_2),
        "attended_visit": attended(EventKind.STUDY_VISIT),
        "attended_seminar": attended(EventKind.SEMINAR),
    }


CRITERIA = tuple(_criteria())


def _overridden(call: ClipCall, decision: str) -> Exists:
    return Exists(
        EligibilityOverride.objects.filter(call=call, partnership=OuterRef("pk"), decision=decision)
    )


def eligibility_rule(call: ClipCall) -> Q:
    """§2.4.1, the one definition: a partnership is eligible when staff included it, or when
    it meets every criterion and staff did not exclude it."""
    meets = Q(*_criteria().values())
    return Q(_overridden(call, OverrideDecision.INCLUDE)) | (
        meets & ~Q(_overridden(call, OverrideDecision.EXCLUDE))
    )


def with_eligibility(qs: QuerySet[Partnership], call: ClipCall) -> QuerySet[Partnership]:
    """Annotate each criterion of §2.4.1 (``has_meeting_1``, ``has_meeting_2``,
    ``attended_visit``, ``attended_seminar``), ``meets_criteria`` (all four), staff's
    ``override`` (an ``OverrideDecision`` value or None) and ``eligible``
    (``eligibility_rule``). Each criterion is repeated in the last two columns: meant for the
    rows of a page, not for every partnership (use ``eligible_partnerships`` for those)."""
    override = EligibilityOverride.objects.filter(call=call, partnership=OuterRef("pk"))
    criteria = _criteria()
    return qs.annotate(
        **criteria,
        meets_criteria=ExpressionWrapper(Q(*criteria.values()), output_field=BooleanField()),
        override=Subquery(override.values("decision")[:1]),
        eligible=ExpressionWrapper(eligibility_rule(call), output_field=BooleanField()),
    )


def _base_candidates(call: ClipCall) -> QuerySet[Partnership]:
    qs = Partnership.objects.filter(status__in=PROGRAMME_STATUSES)
    if call.round:
        qs = qs.filter(round=call.round)
    return qs


def candidate_ids(call: ClipCall, *, search: str = "", eligibility: str = "") -> list[int]:
    """The ids of every partnership that could take part, eligible ones first, then by name;
    ``search`` and ``eligibility`` (``eligible``, ``not_eligible``, ``override``) narrow them.
    Kept per version of the data (``portal.figures``)."""

    def compute():
        qs = _base_candidates(call)
        if search:
            qs = qs.filter(
                Q(name__icontains=search)
                | Q(lead_library__name__icontains=search)
                | Q(lead_library__commune__icontains=search)
            )
        rule = eligibility_rule(call)
        if eligibility == "eligible":
            qs = qs.filter(rule)
        elif eligibility == "not_eligible":
            qs = qs.exclude(rule)
        elif eligibility == "override":
            qs = qs.filter(
                Q(_overridden(call, OverrideDecision.INCLUDE))
                | Q(_overridden(call, OverrideDecision.EXCLUDE))
            )
        qs = qs.annotate(eligible=ExpressionWrapper(rule, output_field=BooleanField()))
        return list(qs.order_by("-eligible", "name", "pk").values_list("pk", flat=True))

    return figures.cached(("clips.candidate_ids", call.pk, search, eligibility), compute)


def candidate_rows(call: ClipCall, ids: list[int]) -> QuerySet[Partnership]:
    """The partnerships of ``ids`` (a page of ``candidate_ids``) with each criterion and
    staff's override (its reason and who decided, prefetched)."""
    return with_eligibility(
        Partnership.objects.filter(pk__in=ids).select_related("lead_library", "animator"), call
    ).prefetch_related(
        Prefetch(
            "clip_overrides",
            queryset=EligibilityOverride.objects.filter(call=call).select_related("decided_by"),
            to_attr="call_overrides",
        )
    )


def eligible_partnerships(call: ClipCall) -> QuerySet[Partnership]:
    return _base_candidates(call).filter(eligibility_rule(call))


def eligible_ids(call: ClipCall) -> dict[int, int | None]:
    """The eligible partnerships of the call, each with its animator's id, kept per version of
    the data (``portal.figures``): the committee's lists and the dashboard's panel start from
    them."""

    def compute():
        return dict(eligible_partnerships(call).values_list("pk", "animator_id"))

    return figures.cached(("clips.eligible_ids", call.pk), compute)


def candidate_get(call: ClipCall, pk) -> Partnership:
    try:
        return with_eligibility(
            _base_candidates(call).select_related("lead_library", "animator"), call
        ).get(pk=pk)
    except (Partnership.DoesNotExist, ValueError):
        raise Http404 from None


def override_for(call: ClipCall, partnership: Partnership) -> EligibilityOverride | None:
    return (
        EligibilityOverride.objects.filter(call=call, partnership=partnership)
        .select_related("decided_by")
        .first()
    )


def override_history(call: ClipCall, partnership: Partnership) -> list:
    override = override_for(call, partnership)
    if override is None:
        return []
    return list(override.history.select_related("decided_by").order_by("-history_date"))


# --- scoring -------------------------------------------------------------------------------------


def candidates_for_member(call: ClipCall, user) -> QuerySet[Partnership]:
    """The eligible partnerships ``user`` scores: never one they animate. Annotated with
    their own score (``my_progress``, ``my_creativity``)."""
    mine = Score.objects.filter(call=call, member=user, partnership=OuterRef("pk"))
    return (
        Partnership.objects.filter(pk__in=list(eligible_ids(call)))
        .select_related("lead_library")
        .exclude(animator=user)
        .annotate(
            my_progress=Subquery(mine.values("progress")[:1]),
            my_creativity=Subquery(mine.values("creativity")[:1]),
        )
        .order_by("name", "pk")
    )


def candidate_get_for_member(call: ClipCall, user, pk) -> Partnership:
    """404 for a partnership the member animates or that is not eligible."""
    try:
        return candidates_for_member(call, user).get(pk=pk)
    except (Partnership.DoesNotExist, ValueError):
        raise Http404 from None


def candidate_get_for_scoring(call: ClipCall, user, pk) -> Partnership:
    """The candidate of ``candidate_get_for_member`` with what its page shows about it: the
    lead library, leader and animator, and its sector coverage (§1.2)."""
    try:
        return with_sector_coverage(
            candidates_for_member(call, user).select_related("leader", "animator")
        ).get(pk=pk)
    except (Partnership.DoesNotExist, ValueError):
        raise Http404 from None


@dataclass
class ScoringProgress:
    """Where a member stands in a call: how many candidates, how many scored, and which
    unscored one comes next (in the list's order, after ``current``, wrapping round)."""

    total: int
    scored: int
    next_pk: int | None

    @property
    def left(self) -> int:
        return self.total - self.scored


def scoring_progress(call: ClipCall, user, current: Partnership | None = None) -> ScoringProgress:
    """One query over the member's candidates (a call has tens of them, not thousands)."""
    rows = list(candidates_for_member(call, user).values_list("pk", "my_progress"))
    unscored = [
        pk for pk, progress in rows if progress is None and pk != getattr(current, "pk", None)
    ]
    order = [pk for pk, _progress in rows]
    next_pk = None
    if unscored:
        start = order.index(current.pk) if current is not None and current.pk in order else -1
        after = [pk for pk in unscored if order.index(pk) > start]
        next_pk = (after or unscored)[0]
    return ScoringProgress(
        total=len(rows),
        scored=sum(1 for _pk, progress in rows if progress is not None),
        next_pk=next_pk,
    )


def candidate_evidence(partnership: Partnership) -> dict:
    """What a committee member reads before scoring (§2.4.1: progress and creativity in
    planning): the development plan (its latest agreed version, else the draft), the records
    of the diagnosis and both meetings, the partners' reports between them, the hours of
    support used, the representatives at the study visit and the seminar with their
    attendance. A constant number of queries, whatever the size of each."""
    version = (
        PlanVersion.objects.filter(plan__partnership=partnership)
        .select_related("agreed_by_leader", "agreed_by_animator")
        .order_by("-number")
        .first()
    )
    draft = None
    if version is not None:
        plan = support_selectors.plan_display(version.snapshot)
    else:
        draft = support_selectors.plan_of(partnership)
        plan = (
            support_selectors.plan_display(support_selectors.plan_snapshot(draft))
            if draft is not None
            else None
        )
    records = {
        session.kind: session
        for session in SupportSession.objects.filter(
            partnership=partnership, withdrawn_at__isnull=True, kind__in=SINGLE_KINDS
        ).select_related("animator", "diagnosis_record", "meeting1_record", "meeting2_record")
    }
    return {
        "plan": plan,
        "plan_version": version,
        "plan_draft": draft,
        "diagnosis": records.get(SessionKind.DIAGNOSIS),
        "meeting_1": records.get(SessionKind.MEETING_1),
        "meeting_2": records.get(SessionKind.MEETING_2),
        "partner_reports": support_selectors.partner_reports_of(partnership),
        "support": support_selectors.support_state(partnership),
        "attendance": list(attendance_of_partnership(partnership)),
    }


def own_score(call: ClipCall, user, partnership: Partnership) -> Score | None:
    return Score.objects.filter(call=call, member=user, partnership=partnership).first()


def scores_visible_to(call: ClipCall, user, partnership: Partnership) -> list[Score]:
    """Other members' scores of the partnership, only once ``user`` has scored it themselves
    (as review tools do), so nobody is swayed before judging; staff members on the committee
    too. Staff's ranking page shows the means."""
    qs = Score.objects.filter(call=call, partnership=partnership).select_related("member")
    if not qs.filter(member=user).exists():
        return []
    return list(qs.exclude(member=user).order_by("member__last_name", "member__first_name"))


# --- ranking -------------------------------------------------------------------------------------


def _score_stats() -> dict:
    """Over the rows of ``call_scores`` (the call's scores of each partnership, joined and
    grouped once for every partnership): the mean of both criteria, each criterion's mean, and
    the lowest and highest member mean (the spread)."""
    progress = Cast("call_scores__progress", FloatField())
    creativity = Cast("call_scores__creativity", FloatField())
    member_mean = (progress + creativity) / Value(2.0)
    return {
        "mean": Avg(member_mean),
        "mean_progress": Avg(progress),
        "mean_creativity": Avg(creativity),
        "lowest": Min(member_mean),
        "highest": Max(member_mean),
        "score_count": Count("call_scores"),
    }


def ranking(call: ClipCall) -> QuerySet[Partnership]:
    """Eligible partnerships by the mean of both criteria over the members who scored them,
    with the lowest and highest member mean (the spread) and whether each is selected: one
    grouped join of the call's scores, not six subqueries per partnership."""
    selected = Selection.objects.filter(
        call=call, partnership=OuterRef("pk"), status=SelectionStatus.SELECTED
    )
    return (
        eligible_partnerships(call)
        .select_related("lead_library", "animator")
        .annotate(call_scores=FilteredRelation("clip_scores", condition=Q(clip_scores__call=call)))
        .annotate(**_score_stats(), is_selected=Exists(selected))
        .order_by(F("mean").desc(nulls_last=True), "name", "pk")
    )


def ranking_ids(call: ClipCall) -> list[int]:
    """The ids of ``ranking``, in its order, kept per version of the data."""

    def compute():
        return list(ranking(call).values_list("pk", flat=True))

    return figures.cached(("clips.ranking_ids", call.pk), compute)


def ranking_of(call: ClipCall, ids: list[int]) -> QuerySet[Partnership]:
    """The rows of ``ranking`` for ``ids`` (a page of ``ranking_ids``)."""
    return ranking(call).filter(pk__in=ids)


@dataclass
class RankingRow:
    partnership: Partnership
    missing: list = field(default_factory=list)

    @property
    def spread(self):
        p = self.partnership
        if p.lowest is None:
            return None
        return p.highest - p.lowest


def ranking_rows(call: ClipCall, partnerships) -> list[RankingRow]:
    """Who has not scored each partnership yet (members who animate it are not expected to):
    two queries for any number of rows."""
    partnerships = list(partnerships)
    members = committee_of(call)
    scored: dict[int, set[int]] = {}
    for partnership_id, member_id in Score.objects.filter(
        call=call, partnership__in=[p.pk for p in partnerships]
    ).values_list("partnership_id", "member_id"):
        scored.setdefault(partnership_id, set()).add(member_id)
    rows = []
    for p in partnerships:
        done = scored.get(p.pk, set())
        missing = [m for m in members if m.pk not in done and m.pk != p.animator_id]
        rows.append(RankingRow(p, missing))
    return rows


# --- selections ----------------------------------------------------------------------------------


def selections_of(call: ClipCall, *, include_withdrawn: bool = True) -> QuerySet[Selection]:
    qs = Selection.objects.filter(call=call).select_related(
        "partnership__lead_library",
        "partnership__leader",
        "selected_by",
        "withdrawn_by",
        "leader_emailed_by",
        "production",
    )
    if not include_withdrawn:
        qs = qs.filter(status=SelectionStatus.SELECTED)
    return qs.order_by("status", "selected_at", "pk")


def selections_for_user(user) -> QuerySet[Selection]:
    """Staff: every selection; a leader or animator: those of their own partnerships."""
    qs = Selection.objects.all()
    if is_staff_member(user):
        return qs
    if not user.is_authenticated:
        return qs.none()
    return qs.filter(Q(partnership__leader=user) | Q(partnership__animator=user))


def own_selections(user) -> list[Selection]:
    """The active selections of the partnerships the user leads or animates."""
    if not user.is_authenticated:
        return []
    return list(
        Selection.objects.filter(status=SelectionStatus.SELECTED)
        .filter(Q(partnership__leader=user) | Q(partnership__animator=user))
        .select_related("call", "partnership")
        .order_by("-selected_at", "pk")
    )


def selection_get_for_user(user, pk) -> Selection:
    try:
        return (
            selections_for_user(user)
            .select_related(
                "call",
                "partnership__lead_library",
                "partnership__leader",
                "partnership__animator",
                "selected_by",
                "withdrawn_by",
                "leader_emailed_by",
            )
            .get(pk=pk)
        )
    except (Selection.DoesNotExist, ValueError):
        raise Http404 from None


def can_edit_scenario(user, selection: Selection) -> bool:
    """Staff and the partnership's leader adapt the scenario; its animator reads it."""
    return selection.is_active and (
        is_staff_member(user) or selection.partnership.leader_id == user.pk
    )


def notice_calls_of(selection: Selection) -> QuerySet[NoticeCall]:
    return selection.calls.select_related("called_by").order_by("-called_at", "-pk")


def selection_history(selection: Selection) -> list:
    """The decisions on a selection (selected, withdrawn), newest first, with who made them;
    saves that did not change the status (the e-mail claim, a new description) are left
    out."""
    decisions, previous = [], None
    for record in selection.history.select_related("history_user").order_by("history_date"):
        if record.status != previous:
            decisions.append(record)
        previous = record.status
    return decisions[::-1]


def scenario_history(selection: Selection) -> list:
    scenario = getattr(selection, "scenario", None)
    if scenario is None:
        return []
    return list(scenario.history.select_related("updated_by").order_by("-history_date"))


def production_of(selection: Selection):

    return Production.objects.filter(selection=selection).select_related("introduced_by").first()


# --- the public announcement -------------------------------------------------------------------


def announced_selections() -> QuerySet[Selection]:
    """What the public pages show: active selections of announced calls. Only names, places
    and the short public description are read from them."""
    return (
        Selection.objects.filter(call__status=CallStatus.ANNOUNCED, status=SelectionStatus.SELECTED)
        .select_related("call", "partnership__lead_library")
        .only(
            "public_summary",
            "selected_at",
            "call__title",
            "call__announced_at",
            "call__status",
            "partnership__name",
            "partnership__lead_library__name",
            "partnership__lead_library__commune",
            "partnership__lead_library__voivodeship",
        )
        .order_by("-call__announced_at", "-call__pk", "partnership__name", "pk")
    )


def announcement_changed():
    """When the public announcement last changed: a call announced or one of its selections
    withdrawn (``None`` before the first announcement). One query."""
    dates = ClipCall.objects.filter(status=CallStatus.ANNOUNCED).aggregate(
        announced=Max("announced_at"), withdrawn=Max("selections__withdrawn_at")
    )
    return max(filter(None, dates.values()), default=None)


def leader_todos(user, partnership: Partnership) -> list:
    """What is open for the partnership's leader in the clip (``portal.hooks``): a selection
    whose scenario the leader has not yet adapted (§2.4.3, §2.5.5). One query."""
    if partnership.leader_id != user.pk:
        return []
    waiting = (
        Scenario.objects.filter(
            selection__partnership=partnership, selection__status=SelectionStatus.SELECTED
        )
        .exclude(updated_by_id=partnership.leader_id)
        .values_list("selection_id", flat=True)
        .first()
    )
    if waiting is None:
        return []
    return [
        Todo(
            text=_(
                "Your partnership has been selected for a promotional clip: adapt the "
                "scenario to your partnership."
            ),
            url=reverse("clips:scenario_edit", args=[waiting]),
            action=_("Adapt the scenario"),
        )
    ]


# --- the path through the programme (``portal.hooks.register_path_source``) -----------------


def path_steps(partnerships) -> dict[int, list[PathStep]]:
    """The clip on each partnership's path (§2.4): done when the finished clip's link is
    recorded for an active selection, dated on the last shooting day; until then the first
    shooting day when planned, and "selected" once the partnership is. One query."""
    productions = Production.objects.filter(
        selection__partnership=OuterRef("pk"), selection__status=SelectionStatus.SELECTED
    ).order_by("-selection__selected_at", "-pk")
    finished = productions.exclude(clip_url="")
    rows = (
        Partnership.objects.filter(pk__in=[p.pk for p in partnerships])
        .annotate(
            clip_done=Exists(finished),
            clip_on=Subquery(finished.values(day=Coalesce("last_day", "first_day"))[:1]),
            shooting_on=Subquery(productions.values("first_day")[:1]),
            selected=Exists(
                Selection.objects.filter(
                    partnership=OuterRef("pk"), status=SelectionStatus.SELECTED
                )
            ),
        )
        .values("pk", "clip_done", "clip_on", "shooting_on", "selected")
    )
    label = pgettext_lazy("programme path", "clip")
    return {
        row["pk"]: [
            PathStep(
                order=110,
                code="clip",
                label=label,
                done=row["clip_done"],
                done_on=row["clip_on"],
                planned_on=None if row["clip_done"] else row["shooting_on"],
                note=(
                    pgettext("programme path", "selected")
                    if row["selected"] and not row["clip_done"]
                    else ""
                ),
            )
        ]
        for row in rows
    }
