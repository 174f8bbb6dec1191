"""Reads of the support app and who may do what. Every queryset a view shows starts from
``partnerships.selectors.partnerships_for_user``, so an outsider gets 404."""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from partnerships.enums import SUPPORTED_STATUSES, InstitutionKind, PartnershipStatus, Round, Sector
from partnerships.models import Partner, Partnership
from partnerships.selectors import (
    SECTOR_FIELDS,
    partnership_get_for_user,
    partnerships_for_user,
    with_sector_coverage,
)
from portal import figures
from portal.calendar import CalendarItem, revisions
from portal.hooks import PathStep, Since, Todo
from portal.roles import is_staff_member
from support.enums import (
    DEFAULT_BUDGET_MINUTES,
    DIAGNOSIS_DAYS,
    NO_CONTACT_DAYS,
    OPEN_CANDIDATE_STATUSES,
    OUTSIDE_BUDGET_KINDS,
    PLAN_DAYS,
    PLAN_SECTIONS,
    SINGLE_KINDS,
    BehindReason,
    PlanStatus,
    PotentialPartnerStatus,
    SessionKind,
    SupportStep,
)
from support.models import (
    DevelopmentPlan,
    HourBudget,
    MaterialsDispatch,
    Meeting1Record,
    Meeting2Record,
    PartnerReport,
    PlanAction,
    PlannedMeeting,
    PlanVersion,
    PotentialPartner,
    SupportSession,
)

EDIT_WINDOW_DAYS = 30


def format_minutes(minutes: int) -> str:
    """``75`` → "1 h 15 min" in the user's language."""
    minutes = int(minutes or 0)
    sign, minutes = ("-" if minutes < 0 else ""), abs(minutes)
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        text = _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": rest}
    elif hours:
        text = _("%(hours)d h") % {"hours": hours}
    else:
        text = _("%(minutes)d min") % {"minutes": rest}
    return sign + text


# --- permissions ---------------------------------------------------------------------------


def can_act_on(user, partnership: Partnership) -> bool:
    """Staff and the partnership's animator log support; the leader only reads it."""
    return is_staff_member(user) or (
        partnership.animator_id is not None and partnership.animator_id == user.pk
    )


def _is_leader_of(user, partnership: Partnership) -> bool:
    return partnership.leader_id is not None and partnership.leader_id == user.pk


def can_record_partner_report(user, partnership: Partnership) -> bool:
    """§2.1.5: what the partners pass on between the meetings is recorded by staff, the
    partnership's animator or its leader, who gathers it from the partners."""
    return can_act_on(user, partnership) or _is_leader_of(user, partnership)


def can_work_on_potential_partners(user, partnership: Partnership) -> bool:
    """§1.2: the library (its leader) approaches potential partners; §2.1.1: the animator
    helps it make the contacts; staff may correct."""
    return can_act_on(user, partnership) or _is_leader_of(user, partnership)


def can_note_animator_help(user, partnership: Partnership) -> bool:
    """Only the animator (or staff) writes down the animator's own help (§2.1.1)."""
    return can_act_on(user, partnership)


def can_change_session(user, session: SupportSession, now=None) -> bool:
    """Staff change any session; an animator their own, within 30 days of logging it."""
    if session.withdrawn_at is not None:
        return False
    if is_staff_member(user):
        return True
    now = now or timezone.now()
    return (
        session.animator_id == user.pk
        and session.partnership.animator_id == user.pk
        and session.created_at >= now - datetime.timedelta(days=EDIT_WINDOW_DAYS)
    )


def partnership_get_for_acting(user, pk) -> Partnership:
    """404 when the user cannot see the partnership, 403 when they see it but do not animate
    it (its leader)."""
    partnership = partnership_get_for_user(user, pk)
    if not can_act_on(user, partnership):
        raise PermissionDenied
    return partnership


def partnership_get_for_partner_reports(user, pk) -> Partnership:
    """404 when the user cannot see the partnership, 403 when they see it but may not record
    its partners' reports."""
    partnership = partnership_get_for_user(user, pk)
    if not can_record_partner_report(user, partnership):
        raise PermissionDenied
    return partnership


def partnership_get_for_potential_partners(user, pk) -> Partnership:
    """404 when the user cannot see the partnership, 403 when they see it but do not work on
    its potential partners."""
    partnership = partnership_get_for_user(user, pk)
    if not can_work_on_potential_partners(user, partnership):
        raise PermissionDenied
    return partnership


def session_get(partnership: Partnership, pk) -> SupportSession:
    try:
        return (
            partnership.support_sessions.select_related(
                "animator", "diagnosis_record", "meeting1_record", "meeting2_record"
            )
            .prefetch_related("planned_meeting")
            .get(pk=pk)
        )
    except (SupportSession.DoesNotExist, ValueError):
        raise Http404 from None


def session_get_for_change(user, partnership: Partnership, pk) -> SupportSession:
    session = session_get(partnership, pk)
    session.partnership = partnership
    if not can_change_session(user, session):
        raise PermissionDenied
    return session


# --- the budget and the step a partnership is at --------------------------------------------


def counts_toward_budget(kind: str) -> bool:
    """§2.1.4: every contact counts toward the 16 hours but the diagnosis, the contact before
    support, which is logged with its length and shown apart."""
    return kind not in OUTSIDE_BUDGET_KINDS


def in_budget(prefix: str = "") -> Q:
    """``counts_toward_budget`` over sessions (``prefix`` reaches them through a relation)."""
    return ~Q(**{f"{prefix}kind__in": OUTSIDE_BUDGET_KINDS})


def _summary(name: str, outer: str = "pk") -> str:
    """The path to a field of the partnership's ``SupportSummary`` (``support.summary``: what
    the rules read from its sessions, kept in the transaction that changes them) from rows
    over partnerships (``outer="pk"``) or over a model with a ``partnership`` key
    (``outer="partnership_id"``). A partnership with no session may have no row: the join is
    a LEFT JOIN, so read the field with a default (``Coalesce``) or test it for ``isnull``."""
    prefix = "" if outer == "pk" else outer.removesuffix("_id") + "__"
    return f"{prefix}support_summary__{name}"


def budget_minutes_used(outer: str = "pk") -> Coalesce:
    """Over partnerships: the minutes of support counted against the hour budget
    (``in_budget``)."""
    return Coalesce(F(_summary("minutes_in_budget", outer)), Value(0))


def diagnosis_minutes(outer: str = "pk") -> Coalesce:
    """Over partnerships: the minutes of the contact before support, outside the budget."""
    return Coalesce(F(_summary("minutes_outside_budget", outer)), Value(0))


def budget_minutes(outer: str = "pk") -> Coalesce:
    """Over partnerships: the hour budget, the default when staff never changed it."""
    budget = HourBudget.objects.filter(partnership=OuterRef(outer)).values("minutes")
    return Coalesce(Subquery(budget), Value(DEFAULT_BUDGET_MINUTES))


def hour_budget_history(partnership: Partnership, limit: int = 20) -> list:
    """The budget's changes, newest first, with who made them (one query)."""
    return list(
        HourBudget.history.filter(partnership_id=partnership.pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[:limit]
    )


def minutes_used(partnership: Partnership, *, exclude_pk=None) -> int:
    """The minutes of the partnership's support counted against its budget (withdrawn
    contacts and the diagnosis left out); ``exclude_pk`` leaves out the session being
    changed."""
    qs = SupportSession.objects.filter(
        in_budget(), partnership=partnership, withdrawn_at__isnull=True
    )
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.aggregate(total=Sum("duration_minutes"))["total"] or 0


# --- the programme's milestones: one rule each ------------------------------------------------
# Each is an expression over ``Partnership`` rows (or, for the planned meeting, a queryset of
# the meetings), already limited to partnerships in support. The reminders (``support.tasks``),
# the weekly digest and the staff dashboard (``support.hooks``) all call these; none writes
# its own copy.


def held_sessions(kind: str) -> QuerySet[SupportSession]:
    """The sessions of ``kind`` that count (not withdrawn), e.g. for
    ``Q(pk__in=held_sessions(kind).values("partnership_id"))``: one pass over the sessions
    of that kind, where a correlated ``Exists`` per partnership would probe them once per
    row."""
    return SupportSession.objects.filter(kind=kind, withdrawn_at__isnull=True)


# The summary's field holding the first held date of each kind logged once (``SINGLE_KINDS``).
FIRST_HELD_FIELDS = {
    SessionKind.DIAGNOSIS: "diagnosis_on",
    SessionKind.MEETING_1: "meeting_1_on",
    SessionKind.MEETING_2: "meeting_2_on",
}


def last_contact_on(outer: str = "pk") -> F:
    """The date of the partnership's latest logged contact (``None`` without one)."""
    return F(_summary("last_contact_on", outer))


def first_held_on(kind: str, outer: str = "pk") -> F:
    """The date of the partnership's first held session of ``kind`` (``held_sessions``, one of
    ``SINGLE_KINDS``), ``None`` without one."""
    return F(_summary(FIRST_HELD_FIELDS[kind], outer))


def has_held(kind: str, outer: str = "pk") -> Q:
    """Over partnerships: a session of ``kind`` (one of ``SINGLE_KINDS``) is held."""
    return Q(**{_summary(FIRST_HELD_FIELDS[kind], outer) + "__isnull": False})


def meeting_2_held_on(outer: str = "pk") -> F:
    """The date of the partnership's meeting 2 (the first, if logged twice)."""
    return first_held_on(SessionKind.MEETING_2, outer)


def no_animator() -> Q:
    """In support, with no animator assigned."""
    return Q(status__in=SUPPORTED_STATUSES, animator__isnull=True)


def no_diagnosis(today: datetime.date) -> Q:
    """§2.1.4: the animator was assigned ``DIAGNOSIS_DAYS`` or more days ago and no diagnosis
    is logged."""
    return (
        Q(status__in=SUPPORTED_STATUSES, animator__isnull=False)
        & Q(animator_assigned_on__lte=today - datetime.timedelta(days=DIAGNOSIS_DAYS))
        & ~has_held(SessionKind.DIAGNOSIS)
    )


def no_contact(today: datetime.date) -> Q:
    """No contact logged for ``NO_CONTACT_DAYS`` days: the latest contact is older, or there
    is none and the animator was assigned longer ago."""
    since = today - datetime.timedelta(days=NO_CONTACT_DAYS)
    last = _summary("last_contact_on")
    return Q(status__in=SUPPORTED_STATUSES, animator__isnull=False) & (
        Q(**{f"{last}__lt": since}) | Q(**{f"{last}__isnull": True}, animator_assigned_on__lt=since)
    )


def meetings_2_overdue(today: datetime.date) -> QuerySet[PlannedMeeting]:
    """§2.1.2–3: planned meetings whose date (agreed at meeting 1) has passed, neither held nor
    cancelled, of partnerships in support with no meeting 2 logged."""
    return PlannedMeeting.objects.filter(
        cancelled_at__isnull=True,
        held_session__isnull=True,
        planned_on__lt=today,
        partnership__status__in=SUPPORTED_STATUSES,
    ).exclude(has_held(SessionKind.MEETING_2, "partnership_id"))


def meeting_2_overdue(today: datetime.date) -> Q:
    """Over partnerships: one of ``meetings_2_overdue`` is theirs."""
    return Q(Exists(meetings_2_overdue(today).filter(partnership=OuterRef("pk"))))


def no_agreed_plan(today: datetime.date) -> Q:
    """§2.1.4: meeting 2 was held ``PLAN_DAYS`` or more days ago and the development plan is
    not agreed."""
    held = Q(**{_summary("meeting_2_on") + "__lte": today - datetime.timedelta(days=PLAN_DAYS)})
    agreed = DevelopmentPlan.objects.filter(partnership=OuterRef("pk"), status=PlanStatus.AGREED)
    return Q(status__in=SUPPORTED_STATUSES) & held & ~Exists(agreed)


BEHIND_RULES = {
    BehindReason.NO_ANIMATOR: lambda today: no_animator(),
    BehindReason.NO_DIAGNOSIS: no_diagnosis,
    BehindReason.NO_CONTACT: no_contact,
    BehindReason.MEETING_2_MISSING: meeting_2_overdue,
    BehindReason.NO_PLAN: no_agreed_plan,
}


# --- from when each rule holds (the staff worklist's "for N days") ----------------------------
# One per rule above, read for the rows of one page only (correlated subqueries): the day the
# rule's own threshold was first passed, so a partnership behind since today shows 0 days.


def no_animator_since(today: datetime.date) -> Since:
    """From the change (in the partnership's history) that began the current stretch in
    support without an animator; from its creation when it has no history (bulk loads)."""
    history = Partnership.history.all()
    not_held = Q(animator__isnull=False) | ~Q(status__in=SUPPORTED_STATUSES)
    ended_later = history.filter(
        not_held, id=OuterRef("id"), history_date__gt=OuterRef("history_date")
    )
    began = (
        history.filter(id=OuterRef("pk"), animator__isnull=True, status__in=SUPPORTED_STATUSES)
        .exclude(Exists(ended_later))
        .order_by("history_date", "history_id")
        .values("history_date")[:1]
    )
    return Since(Coalesce(Subquery(began), F("created_at")))


def no_diagnosis_since(today: datetime.date) -> Since:
    """``DIAGNOSIS_DAYS`` after the animator was assigned."""
    return Since(F("animator_assigned_on"), DIAGNOSIS_DAYS)


def no_contact_since(today: datetime.date) -> Since:
    """The day after the latest contact (or the assignment, without one) became
    ``NO_CONTACT_DAYS`` old."""
    return Since(Coalesce(last_contact_on(), F("animator_assigned_on")), NO_CONTACT_DAYS + 1)


def meeting_2_overdue_since(today: datetime.date) -> Since:
    """The day after the date of the earliest of ``meetings_2_overdue``."""
    first = (
        meetings_2_overdue(today)
        .filter(partnership=OuterRef("pk"))
        .order_by("planned_on")
        .values("planned_on")[:1]
    )
    return Since(Subquery(first), 1)


def no_agreed_plan_since(today: datetime.date) -> Since:
    """``PLAN_DAYS`` after meeting 2."""
    return Since(meeting_2_held_on(), PLAN_DAYS)


BEHIND_SINCE = {
    BehindReason.NO_ANIMATOR: no_animator_since,
    BehindReason.NO_DIAGNOSIS: no_diagnosis_since,
    BehindReason.NO_CONTACT: no_contact_since,
    BehindReason.MEETING_2_MISSING: meeting_2_overdue_since,
    BehindReason.NO_PLAN: no_agreed_plan_since,
}


def with_support_summary(qs: QuerySet[Partnership]) -> QuerySet[Partnership]:
    """Annotate ``used_minutes`` (of the budget), ``diagnosis_minutes`` (outside it),
    ``budget_minutes``, ``left_minutes``, ``next_meeting_on`` (the earliest open planned
    meeting) and ``step`` (a ``SupportStep`` value), in the same query."""
    next_meeting = (
        PlannedMeeting.objects.filter(
            partnership=OuterRef("pk"), cancelled_at__isnull=True, held_session__isnull=True
        )
        .order_by("planned_on")
        .values("planned_on")[:1]
    )
    return qs.annotate(
        used_minutes=budget_minutes_used(),
        diagnosis_minutes=diagnosis_minutes(),
        budget_minutes=budget_minutes(),
        next_meeting_on=Subquery(next_meeting),
        has_diagnosis=ExpressionWrapper(has_held(SessionKind.DIAGNOSIS), BooleanField()),
        has_meeting_1=ExpressionWrapper(has_held(SessionKind.MEETING_1), BooleanField()),
        has_meeting_2=ExpressionWrapper(has_held(SessionKind.MEETING_2), BooleanField()),
    ).annotate(
        step=Case(
            When(has_meeting_2=True, then=Value(SupportStep.MEETING_2.value)),
            When(has_meeting_1=True, then=Value(SupportStep.MEETING_1.value)),
            When(has_diagnosis=True, then=Value(SupportStep.DIAGNOSED.value)),
            default=Value(SupportStep.NOT_STARTED.value),
        ),
        left_minutes=F("budget_minutes") - F("used_minutes"),
    )


def support_partnership_list(user, *, search: str = "", step: str = "") -> QuerySet[Partnership]:
    """The animator's partnerships ("my partnerships"); staff see every partnership in
    support. ``search`` a part of the name or the lead library's; ``step`` a
    ``SupportStep``."""
    qs = partnerships_for_user(user)
    if is_staff_member(user):
        qs = qs.filter(status=PartnershipStatus.IN_SUPPORT)
    else:
        qs = qs.filter(animator=user)
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(lead_library__name__icontains=search))
    qs = with_support_summary(qs.select_related("lead_library", "animator"))
    if step:
        qs = qs.filter(step=step)
    return qs.order_by("name", "pk")


@dataclass
class SupportState:
    """Where a partnership stands: the budget and which kinds of contact may be logged next."""

    budget_minutes: int
    used_minutes: int
    diagnosis_minutes: int = 0  # outside the budget (§2.1.4)
    logged_kinds: set = field(default_factory=set)
    planned_meeting: PlannedMeeting | None = None

    @property
    def left_minutes(self) -> int:
        return self.budget_minutes - self.used_minutes

    @property
    def used_percent(self) -> int:
        if self.budget_minutes <= 0:
            return 100
        return max(0, min(100, round(100 * self.used_minutes / self.budget_minutes)))

    @property
    def nearly_used(self) -> bool:
        return self.used_percent >= 75

    @property
    def step(self) -> SupportStep:
        if SessionKind.MEETING_2 in self.logged_kinds:
            return SupportStep.MEETING_2
        if SessionKind.MEETING_1 in self.logged_kinds:
            return SupportStep.MEETING_1
        if SessionKind.DIAGNOSIS in self.logged_kinds:
            return SupportStep.DIAGNOSED
        return SupportStep.NOT_STARTED

    def can_log(self, kind: str) -> bool:
        """Whether the order allows this kind now (the budget is checked on saving)."""
        if kind in SINGLE_KINDS and kind in self.logged_kinds:
            return False
        if kind == SessionKind.DIAGNOSIS:
            return True
        if SessionKind.DIAGNOSIS not in self.logged_kinds:
            return False
        if kind == SessionKind.MEETING_2:
            return SessionKind.MEETING_1 in self.logged_kinds
        return True

    @property
    def next_kinds(self) -> list:
        return [kind for kind in SessionKind if self.can_log(kind)]


def support_state(partnership: Partnership) -> SupportState:
    """Three small queries, whatever the number of sessions."""
    rows = list(
        SupportSession.objects.filter(partnership=partnership, withdrawn_at__isnull=True)
        .order_by()
        .values("kind")
        .annotate(total=Sum("duration_minutes"))
    )
    budget = (
        HourBudget.objects.filter(partnership=partnership)
        .order_by()
        .values_list("minutes", flat=True)
        .first()
    )
    planned = (
        PlannedMeeting.objects.filter(
            partnership=partnership, cancelled_at__isnull=True, held_session__isnull=True
        )
        .order_by("planned_on")
        .first()
    )
    return SupportState(
        budget_minutes=DEFAULT_BUDGET_MINUTES if budget is None else budget,
        used_minutes=sum(row["total"] for row in rows if counts_toward_budget(row["kind"])),
        diagnosis_minutes=sum(
            row["total"] for row in rows if not counts_toward_budget(row["kind"])
        ),
        logged_kinds={row["kind"] for row in rows},
        planned_meeting=planned,
    )


def sessions_like(
    partnership: Partnership,
    *,
    kind: str,
    channel: str,
    held_on: datetime.date,
    duration_minutes: int,
) -> list[SupportSession]:
    """Contacts already logged (not withdrawn) with the same kind, channel, date and length:
    most likely the same contact logged twice. The log pages warn about them and save only when
    the animator confirms (two phone calls of 30 minutes on one day do happen)."""
    return list(
        partnership.support_sessions.filter(
            withdrawn_at__isnull=True,
            kind=kind,
            channel=channel,
            held_on=held_on,
            duration_minutes=duration_minutes,
        )
        .select_related("animator")
        .order_by("created_at", "pk")
    )


# --- the timeline ---------------------------------------------------------------------------


def sessions_of(partnership: Partnership) -> QuerySet[SupportSession]:
    """Every session, withdrawn ones too (marked), newest first, with their records."""
    return partnership.support_sessions.select_related(
        "animator",
        "withdrawn_by",
        "diagnosis_record",
        "meeting1_record",
        "meeting2_record",
        "planned_meeting",
    ).order_by("-held_on", "-created_at", "-pk")


def partner_reports_of(partnership: Partnership) -> list:
    """Each active partner with its report between the meetings (or None)."""
    partners = partnership.partners.filter(left_on__isnull=True).select_related("institution")
    partners = partners.prefetch_related(
        Prefetch(
            "support_report",
            queryset=PartnerReport.objects.select_related("recorded_by"),
        )
    )
    result = []
    for partner in partners.order_by("joined_on", "pk"):
        try:
            report = partner.support_report
        except PartnerReport.DoesNotExist:
            report = None
        result.append((partner, report))
    return result


def materials_of(partnership: Partnership) -> QuerySet[MaterialsDispatch]:
    return partnership.materials_dispatches.select_related("sent_by")


def partner_get_active(partnership: Partnership, pk):
    try:
        return partnership.partners.select_related("institution", "partnership").get(
            pk=pk, left_on__isnull=True
        )
    except (Partner.DoesNotExist, ValueError):
        raise Http404 from None


def support_began_on(partnership: Partnership) -> datetime.date | None:
    """The day the animator's support began: the first contact that counts toward the 16
    hours (meeting 1 or a remote contact). §2.1.4 names the diagnosis "kontakt przed
    rozpoczęciem wsparcia", so the diagnosis does not start the support; §2.5.1 sends the
    materials "przed wsparciem animatora", i.e. before this day. ``None``: not begun."""
    return SupportSession.objects.filter(
        in_budget(), partnership=partnership, withdrawn_at__isnull=True
    ).aggregate(first=Min("held_on"))["first"]


def partnerships_without_materials(*, search: str = "") -> QuerySet[Partnership]:
    """Qualified partnerships, before and during support, that never received the materials
    (§2.5.1: "przed wsparciem animatora", so the ones still waiting for an animator matter
    most); staff only. ``search``: a part of the name or the lead library's."""
    qs = Partnership.objects.all()
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(lead_library__name__icontains=search))
    return (
        qs.filter(status__in=SUPPORTED_STATUSES)
        .exclude(Exists(MaterialsDispatch.objects.filter(partnership=OuterRef("pk"))))
        .select_related("lead_library", "animator")
        .order_by("name", "pk")
    )


def materials_dispatch_get(partnership: Partnership, pk) -> MaterialsDispatch:
    try:
        return MaterialsDispatch.objects.get(partnership=partnership, pk=pk)
    except (MaterialsDispatch.DoesNotExist, ValueError):
        raise Http404 from None


def recent_materials() -> QuerySet[MaterialsDispatch]:
    return MaterialsDispatch.objects.select_related("partnership", "sent_by").order_by(
        "-sent_on", "-pk"
    )


# --- calendar -------------------------------------------------------------------------------


def planned_meetings_for_user(user) -> QuerySet[PlannedMeeting]:
    """Open planned meetings of the partnerships the user sees (staff: none, to keep their
    feed about their own work)."""
    if not user.is_authenticated or is_staff_member(user):
        return PlannedMeeting.objects.none()
    return PlannedMeeting.objects.filter(
        partnership__in=partnerships_for_user(user),
        cancelled_at__isnull=True,
        held_session__isnull=True,
    ).select_related("partnership", "planned_by_session")


MEETING_DATES = ("planned_on", "starts_at")


def planned_meeting_calendar_item(meeting: PlannedMeeting, revision=None):
    """One planned meeting as a calendar item (the feed and the reminder's .ics);
    ``revision`` (from ``portal.calendar.revisions``) is read here when not given."""
    if revision is None:
        revision = revisions(PlannedMeeting, [meeting.pk], MEETING_DATES).get(meeting.pk)
    if meeting.starts_at:
        start = timezone.make_aware(
            datetime.datetime.combine(meeting.planned_on, meeting.starts_at)
        )
        end = start + datetime.timedelta(hours=3)
    else:
        start, end = meeting.planned_on, meeting.planned_on + datetime.timedelta(days=1)
    return CalendarItem(
        uid=f"support-meeting-{meeting.pk}",
        start=start,
        end=end,
        summary=_("Second partnership meeting: %(name)s") % {"name": meeting.partnership.name},
        # Without history (a bulk-loaded row): when meeting 1, which planned it, was logged.
        changed=revision.changed if revision else meeting.planned_by_session.created_at,
        sequence=revision.sequence if revision else 0,
        location=meeting.place,
        url=settings.SITE_URL + reverse("support:timeline", args=[meeting.partnership_id]),
    )


def calendar_items(user) -> list:
    """The calendar source registered in ``SupportConfig.ready``."""
    meetings = list(planned_meetings_for_user(user))
    found = revisions(PlannedMeeting, [m.pk for m in meetings], MEETING_DATES)
    return [planned_meeting_calendar_item(m, found.get(m.pk)) for m in meetings]


# --- the development plan (§2.1.4) ----------------------------------------------------------


def can_edit_plan(user, partnership: Partnership) -> bool:
    """The partnership's leader and animator co-edit the plan; staff may correct it."""
    return is_staff_member(user) or (
        user.pk is not None and user.pk in (partnership.leader_id, partnership.animator_id)
    )


def plan_side(user, partnership: Partnership) -> str | None:
    """ "leader" or "animator" when the user agrees the plan for that side, else None. Staff do
    not agree on the partnership's behalf."""
    if user.pk is None:
        return None
    if partnership.leader_id == user.pk:
        return "leader"
    if partnership.animator_id == user.pk:
        return "animator"
    return None


def partnership_get_for_plan(user, pk) -> Partnership:
    """404 for someone outside the partnership, 403 for someone who sees it but may not work
    on its plan."""
    partnership = partnership_get_for_user(user, pk)
    if not can_edit_plan(user, partnership):
        raise PermissionDenied
    return partnership


def plan_of(partnership: Partnership):
    """The partnership's plan, or None before it is started."""
    plan = (
        DevelopmentPlan.objects.select_related(
            "agreed_by_leader", "agreed_by_animator", "updated_by"
        )
        .filter(partnership=partnership)
        .first()
    )
    if plan is not None:
        plan.partnership = partnership
    return plan


def plan_get(partnership: Partnership):
    plan = plan_of(partnership)
    if plan is None:
        raise Http404
    return plan


def plan_actions_of(plan):
    return plan.actions.select_related("partner__institution").order_by(
        "starts_on", "ends_on", "pk"
    )


def plan_action_get(plan, pk):
    try:
        action = plan_actions_of(plan).get(pk=pk)
    except (PlanAction.DoesNotExist, ValueError):
        raise Http404 from None
    action.plan = plan
    return action


def plan_partner_choices(partnership: Partnership) -> QuerySet[Partner]:
    """Partners that may be responsible for an action: the active ones."""
    return partnership.partners.filter(left_on__isnull=True).select_related("institution")


def plan_versions_of(plan):
    """Agreed versions, newest first, without their (large) content."""
    return (
        plan.versions.select_related("agreed_by_leader", "agreed_by_animator")
        .defer("snapshot")
        .order_by("-number")
    )


def plan_version_get(plan, number):
    try:
        version = plan.versions.select_related("agreed_by_leader", "agreed_by_animator").get(
            number=number
        )
    except (PlanVersion.DoesNotExist, ValueError):
        raise Http404 from None
    version.plan = plan
    return version


def plan_section_label(key: str) -> str:
    return str(DevelopmentPlan._meta.get_field(key).verbose_name)


def plan_empty_sections(plan) -> list[str]:
    return [key for key in PLAN_SECTIONS if not (getattr(plan, key) or "").strip()]


def _iso(value) -> str:
    return value.isoformat() if value else ""


def plan_snapshot(plan) -> dict:
    """The plan's content as plain data: what an agreed version freezes and what the pages and
    the PDF show. Two queries (partners, actions)."""
    partnership = plan.partnership
    lead = partnership.lead_library
    partners = partnership.partners.filter(left_on__isnull=True).select_related("institution")
    return {
        "partnership": {
            "name": partnership.name,
            "lead_library": lead.name,
            "commune": lead.commune,
            "voivodeship": lead.get_voivodeship_display(),
            "round": partnership.round,
            "leader": str(partnership.leader or ""),
            "animator": str(partnership.animator or ""),
        },
        "partners": [
            {
                "name": partner.institution.name,
                "sector": partner.institution.sector,
                "kind": partner.institution.kind,
            }
            for partner in partners.order_by("joined_on", "pk")
        ],
        "sections": [{"key": key, "text": getattr(plan, key)} for key in PLAN_SECTIONS],
        "actions": [
            {
                "id": action.pk,
                "what": action.what,
                "partner": action.partner.institution.name,
                "partner_left": action.partner.left_on is not None,
                "starts_on": _iso(action.starts_on),
                "ends_on": _iso(action.ends_on),
                "resources": action.resources,
            }
            for action in plan_actions_of(plan)
        ],
    }


def plan_display(snapshot: dict) -> dict:
    """A snapshot made ready for templates: section titles, sector and round labels and dates,
    in the reader's language."""

    def label(choices, value):
        try:
            return choices(value).label
        except ValueError:
            return value

    return {
        "partnership": {
            **snapshot["partnership"],
            "round_label": label(Round, snapshot["partnership"]["round"]),
        },
        "partners": [
            {
                **p,
                "sector_label": label(Sector, p["sector"]),
                "kind_label": label(InstitutionKind, p["kind"]),
            }
            for p in snapshot["partners"]
        ],
        "sections": [{**s, "title": plan_section_label(s["key"])} for s in snapshot["sections"]],
        "actions": [
            {
                **a,
                "starts_on": datetime.date.fromisoformat(a["starts_on"]),
                "ends_on": datetime.date.fromisoformat(a["ends_on"]),
            }
            for a in snapshot["actions"]
        ],
    }


def plan_prefill(partnership: Partnership) -> dict:
    """Starting text of the sections from what the portal knows (§2.1.4: the plan describes the
    cooperation worked out at the meetings): the partners with their contributions and
    benefits, the common goal, meeting 1's planned actions and meeting 2's progress."""
    partners = plan_partner_choices(partnership).order_by("joined_on", "pk")
    concept_lines = [
        _("Partners, what each brings and what each gains:"),
        *(
            "- "
            + _("%(name)s (%(sector)s sector). Contribution: %(contribution)s Benefit: %(benefit)s")
            % {
                "name": p.institution.name,
                "sector": p.institution.get_sector_display(),
                "contribution": p.contribution.strip(),
                "benefit": p.benefit.strip(),
            }
            for p in partners
        ),
    ]
    goals = []
    meeting_1 = (
        Meeting1Record.objects.filter(
            session__partnership=partnership, session__withdrawn_at__isnull=True
        )
        .order_by("-session__held_on")
        .first()
    )
    if meeting_1 is not None:
        goals.append(_("Planned at the first meeting:") + "\n" + meeting_1.planned_actions.strip())
    meeting_2 = (
        Meeting2Record.objects.filter(
            session__partnership=partnership, session__withdrawn_at__isnull=True
        )
        .order_by("-session__held_on")
        .first()
    )
    if meeting_2 is not None:
        goals.append(_("Progress at the second meeting:") + "\n" + meeting_2.progress.strip())
    return {
        "concept": "\n".join(concept_lines),
        "needs": partnership.common_goal.strip(),
        "goals": "\n\n".join(goals),
        "promotion": "",
        "evaluation": "",
    }


def meetings_summary(partnership: Partnership) -> dict:
    """What the summary of the two partnership meetings shows (§2.1.4): each meeting with its
    record, the planned next meeting and the partners' reports between them."""
    sessions = {
        s.kind: s
        for s in partnership.support_sessions.filter(
            withdrawn_at__isnull=True, kind__in=[SessionKind.MEETING_1, SessionKind.MEETING_2]
        ).select_related("animator", "meeting1_record", "meeting2_record", "planned_meeting")
    }
    partners = plan_partner_choices(partnership).order_by("joined_on", "pk")
    return {
        "partnership": partnership,
        "partners": partners,
        "meeting_1": sessions.get(SessionKind.MEETING_1),
        "meeting_2": sessions.get(SessionKind.MEETING_2),
        "partner_reports": partner_reports_of(partnership),
        "generated_at": timezone.now(),
    }


# --- potential partners (§1.2, §2.1.1) --------------------------------------------------------


def potential_partners_of(partnership: Partnership) -> QuerySet[PotentialPartner]:
    """The institutions the partnership is approaching, by sector, those still open first."""
    return (
        partnership.potential_partners.select_related("created_by", "partner__institution")
        .annotate(
            closed=Case(
                When(
                    status__in=(PotentialPartnerStatus.DECLINED, PotentialPartnerStatus.JOINED),
                    then=Value(1),
                ),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .order_by("closed", "-contacted_on", "name", "pk")
    )


def potential_partner_get(partnership: Partnership, pk) -> PotentialPartner:
    try:
        candidate = partnership.potential_partners.select_related("partner").get(pk=pk)
    except (PotentialPartner.DoesNotExist, ValueError):
        raise Http404 from None
    candidate.partnership = partnership
    return candidate


@dataclass
class SectorPipeline:
    """One sector of §1.2: whether an active partner covers it, and the institutions being
    approached in it."""

    sector: Sector
    covered: bool
    candidates: list = field(default_factory=list)

    @property
    def open_count(self) -> int:
        return sum(c.status in OPEN_CANDIDATE_STATUSES for c in self.candidates)

    @property
    def status_counts(self) -> list[tuple[str, str, int]]:
        """Every status with how many of the sector's candidates have it (zeros too)."""
        return [
            (status.value, status.label, sum(c.status == status for c in self.candidates))
            for status in PotentialPartnerStatus
        ]


def potential_partner_pipeline(partnership: Partnership) -> list[SectorPipeline]:
    """The three sectors, each with its coverage and its potential partners. Two queries."""
    covered = set(
        partnership.partners.filter(left_on__isnull=True).values_list(
            "institution__sector", flat=True
        )
    )
    rows = {sector: SectorPipeline(sector=sector, covered=sector in covered) for sector in Sector}
    for candidate in potential_partners_of(partnership):
        candidate.partnership = partnership
        rows[candidate.sector].candidates.append(candidate)
    return list(rows.values())


def sector_panel(user, partnership: Partnership) -> dict:
    """The partnership page's pipeline beside its sector badges (``portal.hooks``): per
    sector, whether it is covered and how many candidates are at each status. Two queries."""
    return {
        "pipeline": potential_partner_pipeline(partnership),
        "can_open": can_work_on_potential_partners(user, partnership),
        "statuses": PotentialPartnerStatus.choices,
    }


# §1.2 and §2.1.1 together: a sector no active partner covers, in which the partnership is
# approaching an institution (a candidate still in view). One rule, over partnerships annotated
# by ``partnerships.selectors.with_sector_coverage`` (the coverage rule): the dashboard's
# figure and its list both use it.


def sector_missing_with_candidates(sector: str) -> Q:
    """Over partnerships annotated by ``with_sector_coverage``: ``sector`` is not covered and
    one of its institutions is approached or interested (``OPEN_CANDIDATE_STATUSES``)."""
    candidates = PotentialPartner.objects.filter(
        partnership=OuterRef("pk"), sector=sector, status__in=OPEN_CANDIDATE_STATUSES
    )
    return Q(**{SECTOR_FIELDS[sector]: False}) & Q(Exists(candidates))


def _not_withdrawn_with_coverage(qs: QuerySet[Partnership]) -> QuerySet[Partnership]:
    return with_sector_coverage(qs.exclude(status=PartnershipStatus.WITHDRAWN))


def missing_sectors_with_candidates_totals(qs: QuerySet[Partnership]) -> dict:
    """Of the partnerships of ``qs`` (not withdrawn): how many miss a sector with candidates
    in view (``partnerships``) and how many such sectors they miss in all (``sectors``), with
    the count per sector (``by_sector``). One grouped query (``portal.figures.tally``)."""
    tallied = figures.tally(
        _not_withdrawn_with_coverage(qs),
        {sector.value: sector_missing_with_candidates(sector) for sector in Sector},
    )
    return {
        "partnerships": sum(n for met, n in tallied.items() if met),
        "sectors": sum(len(met) * n for met, n in tallied.items()),
        "by_sector": [
            (sector.label, figures.count_where(tallied, sector.value)) for sector in Sector
        ],
    }


def partnerships_missing_sectors_with_candidates(
    *, round: int | None = None, voivodeship: str = "", animator_id: int | None = None
) -> QuerySet[Partnership]:
    """The list behind the dashboard's figure: partnerships (not withdrawn) missing a sector
    with candidates in view, each annotated ``in_view_<sector>``; staff only."""
    qs = Partnership.objects.select_related("lead_library", "animator")
    if round:
        qs = qs.filter(round=round)
    if voivodeship:
        qs = qs.filter(lead_library__voivodeship=voivodeship)
    if animator_id:
        qs = qs.filter(animator_id=animator_id)
    conditions = {sector: sector_missing_with_candidates(sector) for sector in Sector}
    any_sector = Q()
    for condition in conditions.values():
        any_sector |= condition
    return (
        _not_withdrawn_with_coverage(qs)
        .filter(any_sector)
        .annotate(
            **{
                f"in_view_{sector.value}": ExpressionWrapper(condition, output_field=BooleanField())
                for sector, condition in conditions.items()
            }
        )
        .order_by("name", "pk")
    )


def sectors_in_view(partnership: Partnership) -> list:
    """The sectors of a row of ``partnerships_missing_sectors_with_candidates``."""
    return [s for s in Sector if getattr(partnership, f"in_view_{s.value}", False)]


def dashboard_missing_sectors(filters) -> dict:
    """The dashboard panel (``portal.hooks.register_dashboard_panel``), kept with the
    dashboard's figures per version of the data; ``filters`` are the dashboard's."""
    return {
        "totals": missing_sectors_with_candidates_totals(filters.apply(Partnership.objects.all()))
    }


# --- the leader's start page -----------------------------------------------------------------


def leader_todos(user, partnership: Partnership) -> list:
    """What is open for the partnership's leader in support (``portal.hooks``): the
    development plan the animator has agreed and the leader has not yet (§2.1.4). One query."""
    waiting = DevelopmentPlan.objects.filter(
        partnership=partnership,
        status=PlanStatus.DRAFT,
        agreed_by_animator_at__isnull=False,
        agreed_by_leader_at__isnull=True,
    ).exists()
    if not waiting or plan_side(user, partnership) != "leader":
        return []
    return [
        Todo(
            text=_("The animator has agreed the development plan; it waits for your agreement."),
            url=reverse("support:plan_detail", args=[partnership.pk]),
            action=_("Read and agree"),
        )
    ]


# --- the path through the programme (``portal.hooks.register_path_source``) -----------------


def partner_reports_missing(outer: str = "pk") -> Coalesce:
    """Over partnerships: the active partners, the lead library aside, with no report of
    what they passed on between the meetings (§2.1.5: the library's partners pass the idea on
    in their institutions)."""
    missing = (
        Partner.objects.filter(partnership=OuterRef(outer), left_on__isnull=True)
        .exclude(institution=OuterRef("lead_library"))
        .exclude(Exists(PartnerReport.objects.filter(partner=OuterRef("pk"))))
        .order_by()
        .values("partnership")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(missing, output_field=IntegerField()), Value(0))


def path_steps(partnerships) -> dict[int, list[PathStep]]:
    """The support steps of each partnership's path (§2.5.1, §2.1.2–5): materials, diagnosis,
    meeting 1, partners' reports, meeting 2 and the agreed plan, from the milestone rules
    above (``held_sessions``). One query for any number of partnerships."""
    reports = PartnerReport.objects.filter(partnership=OuterRef("pk")).order_by()
    rows = Partnership.objects.filter(pk__in=[p.pk for p in partnerships]).annotate(
        materials_on=Subquery(
            MaterialsDispatch.objects.filter(partnership=OuterRef("pk"))
            .order_by("sent_on")
            .values("sent_on")[:1]
        ),
        diagnosis_on=first_held_on(SessionKind.DIAGNOSIS),
        meeting_1_on=first_held_on(SessionKind.MEETING_1),
        meeting_2_on=first_held_on(SessionKind.MEETING_2),
        meeting_2_planned_on=Subquery(
            PlannedMeeting.objects.filter(
                partnership=OuterRef("pk"), cancelled_at__isnull=True, held_session__isnull=True
            )
            .order_by("planned_on")
            .values("planned_on")[:1]
        ),
        reports_last_on=Subquery(
            reports.values("partnership").annotate(last=Max("reported_on")).values("last")
        ),
        reports_given=Coalesce(
            Subquery(
                reports.filter(partner__left_on__isnull=True)
                .exclude(partner__institution=OuterRef("lead_library"))
                .values("partnership")
                .annotate(n=Count("pk"))
                .values("n"),
                output_field=IntegerField(),
            ),
            Value(0),
        ),
        reports_missing=partner_reports_missing(),
        plan_agreed_at=Subquery(
            PlanVersion.objects.filter(plan__partnership=OuterRef("pk"))
            .order_by("agreed_at")
            .values("agreed_at")[:1]
        ),
    )
    steps = {}
    for row in rows.values(
        "pk",
        "materials_on",
        "diagnosis_on",
        "meeting_1_on",
        "meeting_2_on",
        "meeting_2_planned_on",
        "reports_last_on",
        "reports_given",
        "reports_missing",
        "plan_agreed_at",
    ):
        reports_due = row["reports_given"] + row["reports_missing"]
        agreed_at = row["plan_agreed_at"]
        steps[row["pk"]] = [
            _step(
                30, "materials", pgettext_lazy("programme path", "materials"), row["materials_on"]
            ),
            _step(
                40, "diagnosis", pgettext_lazy("programme path", "diagnosis"), row["diagnosis_on"]
            ),
            _step(
                50, "meeting_1", pgettext_lazy("programme path", "meeting 1"), row["meeting_1_on"]
            ),
            PathStep(
                order=60,
                code="partner_reports",
                label=pgettext_lazy("programme path", "partners' reports"),
                done=row["reports_given"] > 0 and row["reports_missing"] == 0,
                done_on=row["reports_last_on"] if row["reports_missing"] == 0 else None,
                note=(
                    _partner_report_note(row["reports_given"], reports_due) if reports_due else ""
                ),
            ),
            _step(
                70,
                "meeting_2",
                pgettext_lazy("programme path", "meeting 2"),
                row["meeting_2_on"],
                planned_on=row["meeting_2_planned_on"],
            ),
            _step(
                80,
                "plan_agreed",
                pgettext_lazy("programme path", "plan agreed"),
                timezone.localdate(agreed_at) if agreed_at else None,
            ),
        ]
    return steps


def _step(order, code, label, done_on, *, planned_on=None) -> PathStep:
    return PathStep(
        order=order,
        code=code,
        label=label,
        done=done_on is not None,
        done_on=done_on,
        planned_on=None if done_on else planned_on,
    )


def _partner_report_note(given: int, due: int) -> str:
    """ "2 z 3": the partners' reports given of those due."""
    return _("%(given)d of %(due)d") % {"given": given, "due": due}
