"""Reads for the staff overview: the dashboard's figures, the list of partnerships that are
behind and why, the participation matrix, the rows of the exports and a partnership's history.

Everything is aggregated in the database, so the number of queries does not grow with the
data. The dashboard's figures and the order of its list are kept per version of the data
(``portal.figures``): computed once after each change, never shown after the next one. The
reasons a partnership is behind, the clip panel and the extra exports come from the apps that
own them, through ``portal.hooks``."""

import datetime
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    DateField,
    DateTimeField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    TextChoices,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, pgettext_lazy

from events.enums import SEAT_HOLDING_STATUSES, EventKind, RegistrationStatus
from events.models import DataRequest, Event, Participant, Registration
from events.selectors import attendances
from partnerships.enums import PartnershipStatus, Round
from partnerships.models import Institution, Partner, Partnership, Person, User
from partnerships.selectors import sector_coverage_totals
from portal import figures, hooks
from portal.models import OutboxMessage
from reports.enums import Participation
from reports.models import Anonymisation
from reports.services import ANONYMISED_REASON
from support.enums import DEFAULT_BUDGET_MINUTES, SINGLE_KINDS, SessionKind
from support.models import (
    DiagnosisRecord,
    HourBudget,
    MaterialsDispatch,
    Meeting1Record,
    Meeting2Record,
    PartnerReport,
    PlannedMeeting,
    PotentialPartner,
    SupportSession,
)
from support.selectors import (
    budget_minutes_used,
    diagnosis_minutes,
    format_minutes,
    has_held,
    last_contact_on,
    with_support_summary,
)


@dataclass(frozen=True)
class Filters:
    """The dashboard's filters; ``None`` or ``""`` means all."""

    round: int | None = None
    voivodeship: str = ""
    animator_id: int | None = None

    def apply(self, qs: QuerySet[Partnership], prefix: str = "") -> QuerySet:
        """Filter partnerships, or rows reaching a partnership through ``prefix``
        (``"partnership__"``)."""
        lookups = {}
        if self.round:
            lookups[f"{prefix}round"] = self.round
        if self.voivodeship:
            lookups[f"{prefix}lead_library__voivodeship"] = self.voivodeship
        if self.animator_id:
            lookups[f"{prefix}animator_id"] = self.animator_id
        return qs.filter(**lookups)


def filtered_partnerships(filters: Filters) -> QuerySet[Partnership]:
    return filters.apply(Partnership.objects.all())


# --- who is behind --------------------------------------------------------------------------


def with_behind_flags(qs: QuerySet[Partnership], today=None) -> QuerySet[Partnership]:
    """Annotate ``last_contact_on`` and one boolean per registered reason (``behind_<code>``),
    plus the alias ``is_behind`` to filter on (an alias, not an annotation, so the list does
    not select every condition a second time). The reasons and their rules are registered by
    the apps that own them (``portal.hooks.register_behind_reason``); each rule already says
    which partnerships it applies to."""
    today = today or timezone.localdate()
    qs = qs.annotate(last_contact_on=last_contact_on())
    flags = {
        f"behind_{code}": Case(When(condition, then=Value(True)), default=Value(False))
        for code, condition in hooks.behind_conditions(today).items()
    }
    qs = qs.annotate(**flags)
    any_flag = Q()
    for name in flags:
        any_flag |= Q(**{name: True})
    return qs.alias(is_behind=Case(When(any_flag, then=Value(True)), default=Value(False)))


def behind_reasons(partnership) -> list[str]:
    """The labels of the reasons, read from the annotations (no query)."""
    return [
        label
        for code, label in hooks.behind_reason_choices()
        if getattr(partnership, f"behind_{code}", False)
    ]


BEHIND_SORTS = {
    "name": ("name", "pk"),
    "-name": ("-name", "-pk"),
    "contact": (F("last_contact_on").asc(nulls_first=True), "name", "pk"),
    "-contact": (F("last_contact_on").desc(nulls_last=True), "name", "pk"),
    "animator": ("animator__last_name", "animator__first_name", "name", "pk"),
    "-animator": ("-animator__last_name", "-animator__first_name", "name", "pk"),
    "assigned": (F("animator_assigned_on").asc(nulls_first=True), "name", "pk"),
    "-assigned": (F("animator_assigned_on").desc(nulls_last=True), "name", "pk"),
}
DEFAULT_BEHIND_SORT = "contact"


def behind_list(
    filters: Filters, *, reason: str = "", sort: str = "", today=None
) -> QuerySet[Partnership]:
    """Partnerships behind, with the reasons as annotations; ``reason`` narrows to one."""
    qs = with_behind_flags(
        filtered_partnerships(filters).select_related("lead_library", "animator", "leader"), today
    ).filter(is_behind=True)
    if reason:
        qs = qs.filter(**{f"behind_{reason}": True})
    return qs.order_by(*BEHIND_SORTS.get(sort, BEHIND_SORTS[DEFAULT_BEHIND_SORT]))


def behind_ids(filters: Filters, *, reason: str = "", sort: str = "") -> list[int]:
    """The ids of ``behind_list``, in its order, kept for the current version of the data and
    day (the rules depend on the date): deciding who is behind reads every partnership."""
    today = timezone.localdate()

    def compute():
        qs = behind_list(filters, reason=reason, sort=sort, today=today)
        return list(qs.values_list("pk", flat=True))

    return figures.cached(("reports.behind_ids", filters, reason, sort, today), compute)


def behind_rows(ids: list[int]) -> list[Partnership]:
    """The partnerships of ``ids`` (a page of ``behind_ids``) with their reasons
    (``reasons``), computed for these rows only."""
    rows = list(
        with_behind_flags(
            Partnership.objects.filter(pk__in=ids).select_related(
                "lead_library", "animator", "leader"
            )
        )
    )
    for partnership in rows:
        partnership.reasons = behind_reasons(partnership)
    return rows


@dataclass(frozen=True)
class Overdue:
    """One reason a partnership is behind, from ``since``, ``days`` ago (both ``None`` when
    its rule does not say)."""

    code: str
    label: str
    since: datetime.date | None = None
    days: int | None = None


def _as_date(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return timezone.localdate(value)
    return value


def worklist_rows(ids: list[int], today=None) -> list[Partnership]:
    """The partnerships of ``ids`` (a page of ``behind_ids``) for the staff worklist, in one
    query: each with ``overdue`` (an ``Overdue`` per reason that holds, with the day its rule
    began to hold, ``portal.hooks.behind_since``) and ``has_materials`` (staff recorded the
    materials sent before support, §2.5.1). The per-row subqueries run for these rows only."""
    today = today or timezone.localdate()
    since = hooks.behind_since(today)
    qs = with_behind_flags(
        Partnership.objects.filter(pk__in=ids).select_related("lead_library", "animator", "leader"),
        today,
    ).annotate(
        has_materials=Exists(MaterialsDispatch.objects.filter(partnership=OuterRef("pk"))),
        **{f"since_{code}": rule.date for code, rule in since.items()},
    )
    rows = list(qs)
    for partnership in rows:
        partnership.overdue = []
        for code, label in hooks.behind_reason_choices():
            if not getattr(partnership, f"behind_{code}", False):
                continue
            began = _as_date(getattr(partnership, f"since_{code}", None))
            if began is None:
                partnership.overdue.append(Overdue(code, label))
                continue
            began += datetime.timedelta(days=since[code].days)
            partnership.overdue.append(Overdue(code, label, began, max(0, (today - began).days)))
    return rows


def behind_counts_kept(filters: Filters) -> list[tuple[str, str, int]]:
    """``behind_counts`` kept per version of the data and day (``portal.figures``)."""
    today = timezone.localdate()
    return figures.cached(("reports.behind_counts", filters, today), lambda: behind_counts(filters))


def behind_counts(filters: Filters) -> list[tuple[str, str, int]]:
    """``(code, label, count)`` for every reason, in one query (``portal.figures.tally``: each
    rule evaluated once per partnership)."""
    conditions = hooks.behind_conditions(timezone.localdate())
    tallied = figures.tally(filtered_partnerships(filters), conditions)
    return [
        (code, label, figures.count_where(tallied, code))
        for code, label in hooks.behind_reason_choices()
    ]


# --- the programme in figures ---------------------------------------------------------------


def status_by_round(filters: Filters) -> dict:
    """Rows per status with a count per round, and the totals, in one query."""
    rows = (
        filtered_partnerships(filters)
        .order_by()
        .values_list("round", "status")
        .annotate(n=Count("pk"))
    )
    counts = {(r, s): n for r, s, n in rows}
    rounds = list(Round.choices)
    table = []
    for value, label in PartnershipStatus.choices:
        per_round = [counts.get((r, value), 0) for r, _ in rounds]
        table.append(
            {"status": value, "label": label, "counts": per_round, "total": sum(per_round)}
        )
    totals = [sum(row["counts"][i] for row in table) for i in range(len(rounds))]
    return {"rounds": rounds, "rows": table, "totals": totals, "total": sum(totals)}


def sector_coverage(filters: Filters) -> dict:
    """How many partnerships (not withdrawn) have an active partner of each sector, and of all
    three (``partnerships.selectors.sector_coverage_totals``)."""
    return sector_coverage_totals(
        filtered_partnerships(filters).exclude(status=PartnershipStatus.WITHDRAWN)
    )


def _supported(filters: Filters) -> QuerySet[Partnership]:
    return filtered_partnerships(filters).exclude(status=PartnershipStatus.WITHDRAWN)


def _each_once(partnerships: QuerySet) -> QuerySet[Partnership]:
    """The same partnerships, each once whatever the filters joined, to sum their summaries."""
    return Partnership.objects.filter(pk__in=partnerships.values("pk")).order_by()


def _budget_extra(partnerships: QuerySet) -> QuerySet:
    """Budget rows that differ from the default, as minutes above (or below) it; partnerships
    without a row have the default."""
    return (
        HourBudget.objects.filter(partnership__in=partnerships.values("pk"))
        .order_by()
        .annotate(extra=F("minutes") - DEFAULT_BUDGET_MINUTES)
    )


def _minutes_apart() -> dict:
    """Sums over partnerships of the support counted against the budget (``used``) and of the
    diagnosis, which is outside it (``diagnosis``, §2.1.4), for one aggregation: read from
    their support summaries, one row per partnership, not from every session."""
    return {"used": Sum(budget_minutes_used()), "diagnosis": Sum(diagnosis_minutes())}


def hours_by_animator(filters: Filters) -> list[dict]:
    """Per animator: partnerships (not withdrawn), minutes used and budgeted, and the minutes
    of diagnosis apart. Three grouped queries over the partnerships (the minutes from their
    support summaries), which is much faster than summing per-partnership subqueries at
    2,000 partnerships."""
    partnerships = _supported(filters).filter(animator__isnull=False)
    rows = (
        partnerships.order_by()
        .values("animator_id", "animator__first_name", "animator__last_name", "animator__email")
        .annotate(partnerships=Count("pk"))
        .order_by("animator__last_name", "animator__first_name", "animator_id")
    )
    minutes = {
        row["animator_id"]: row
        for row in _each_once(partnerships).values("animator_id").annotate(**_minutes_apart())
    }
    extra = dict(
        _budget_extra(partnerships)
        .values_list("partnership__animator_id")
        .annotate(total=Sum("extra"))
    )
    result = []
    for row in rows:
        name = f"{row['animator__first_name']} {row['animator__last_name']}".strip()
        animator_id = row["animator_id"]
        spent = minutes.get(animator_id, {})
        result.append(
            {
                "animator_id": animator_id,
                "name": name or row["animator__email"],
                "partnerships": row["partnerships"],
                "used": spent.get("used") or 0,
                "diagnosis": spent.get("diagnosis") or 0,
                "budget": row["partnerships"] * DEFAULT_BUDGET_MINUTES
                + (extra.get(animator_id) or 0),
            }
        )
    return result


def hours_by_partnership(filters: Filters, limit: int = 15) -> list:
    """The partnerships that used the most hours of their budget (those that used any), with
    their budget and diagnosis: the top ids from their support summaries, then those few
    rows."""
    used = budget_minutes_used()
    top = list(
        _each_once(_supported(filters))
        .alias(used=used)
        .filter(used__gt=0)
        .order_by("-used", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    rows = with_support_summary(Partnership.objects.filter(pk__in=top).select_related("animator"))
    return sorted(rows, key=lambda p: (-p.used_minutes, p.name, p.pk))


def hours_totals(filters: Filters) -> dict:
    """Minutes used and budgeted, minutes of diagnosis (outside the budget, §2.1.4), and how
    many partnerships reached each step."""
    partnerships = _supported(filters)
    count = partnerships.count()
    held = {f"held_{kind.value}": Count("pk", filter=has_held(kind)) for kind in SINGLE_KINDS}
    extra = _budget_extra(partnerships).aggregate(total=Sum("extra"))["total"] or 0
    spent = _each_once(partnerships).aggregate(**_minutes_apart(), **held)
    return {
        "partnerships": count,
        "used": spent["used"] or 0,
        "diagnosis": spent["diagnosis"] or 0,
        "budget": count * DEFAULT_BUDGET_MINUTES + extra,
        "diagnosed": spent[f"held_{SessionKind.DIAGNOSIS.value}"],
        "meeting_1": spent[f"held_{SessionKind.MEETING_1.value}"],
        "meeting_2": spent[f"held_{SessionKind.MEETING_2.value}"],
    }


def _count_per_event(qs: QuerySet, expression) -> Coalesce:
    """A correlated subquery of ``qs`` (rows of one event) aggregated by ``expression``; 0 when
    the event has none."""
    total = qs.order_by().values("event").annotate(n=expression).values("n")
    return Coalesce(Subquery(total, output_field=IntegerField()), 0)


def events_with_registrations(filters: Filters) -> QuerySet[Event]:
    """Every event with its seats and, among the filtered partnerships, registrations, people
    holding seats and people who attended.

    One correlated subquery per figure, each reading one event's registrations through the
    ``(event, status)`` index: joining the registrations and grouping every event row took over
    a second at 6,000 registrations."""
    registrations = Registration.objects.filter(event=OuterRef("pk"))
    mine = filters.apply(registrations, prefix="partnership__")
    seat_regs = mine.filter(status__in=SEAT_HOLDING_STATUSES)
    attended = filters.apply(
        Participant.objects.filter(event=OuterRef("pk")), prefix="registration__partnership__"
    ).filter(
        registration__status=RegistrationStatus.REGISTERED,
        removed_at__isnull=True,
        attended=True,
    )
    return Event.objects.annotate(
        registrations_count=_count_per_event(seat_regs, Count("pk")),
        waiting_count=_count_per_event(mine.filter(status=RegistrationStatus.WAITING), Count("pk")),
        people_count=_count_per_event(seat_regs, Sum("seats")),
        seats_taken=_count_per_event(
            registrations.filter(status__in=SEAT_HOLDING_STATUSES), Sum("seats")
        ),
        attended_count=_count_per_event(attended, Count("pk")),
    ).order_by("starts_on", "pk")


# --- participation matrix -------------------------------------------------------------------


def _event_people(kind: str) -> QuerySet[Participant]:
    return Participant.objects.filter(
        registration__partnership=OuterRef("pk"),
        event__kind=kind,
        removed_at__isnull=True,
        registration__status=RegistrationStatus.REGISTERED,
    )


def _event_participation(kind: str):
    """``attended`` when a person of the partnership attended an event of ``kind``,
    ``registered`` when it holds seats, else ``none``."""
    base = _event_people(kind)
    return Case(
        When(Exists(base.filter(attended=True)), then=Value(Participation.ATTENDED.value)),
        When(Exists(base), then=Value(Participation.REGISTERED.value)),
        default=Value(Participation.NONE.value),
        output_field=CharField(),
    )


def with_participation(qs: QuerySet[Partnership]) -> QuerySet[Partnership]:
    """Annotate the support step (``step``), ``visit`` and ``seminar`` participation."""
    return with_support_summary(qs).annotate(
        visit=_event_participation(EventKind.STUDY_VISIT),
        seminar=_event_participation(EventKind.SEMINAR),
    )


def participation_list(filters: Filters) -> QuerySet[Partnership]:
    return with_participation(
        filtered_partnerships(filters)
        .exclude(status=PartnershipStatus.WITHDRAWN)
        .select_related("lead_library", "animator")
    ).order_by("name", "pk")


def participation_totals(filters: Filters) -> dict:
    """How many partnerships (not withdrawn) held both meetings, attended a study visit, the
    seminar, and all of these; one query (``portal.figures.tally``), kept per version of the
    data. Only the four facts counted are computed, not the whole support summary."""

    def compute():
        def held(kind):
            return has_held(kind)

        def attended(kind):
            return Exists(attendances(kind).filter(registration__partnership=OuterRef("pk")))

        tallied = figures.tally(
            _supported(filters),
            {
                "meeting_1": held(SessionKind.MEETING_1),
                "meeting_2": held(SessionKind.MEETING_2),
                "visit": attended(EventKind.STUDY_VISIT),
                "seminar": attended(EventKind.SEMINAR),
            },
        )
        return {
            "total": figures.count_where(tallied),
            "both_meetings": figures.count_where(tallied, "meeting_1", "meeting_2"),
            "visit": figures.count_where(tallied, "visit"),
            "seminar": figures.count_where(tallied, "seminar"),
            "all_forms": figures.count_where(tallied, "meeting_1", "meeting_2", "visit", "seminar"),
        }

    return figures.cached(("reports.participation_totals", filters), compute)


def dashboard(filters: Filters) -> dict:
    """Every figure of the dashboard but the events' (a paginated table of its own, see
    ``events_with_registrations``), in a fixed number of queries, kept for the current
    version of the data and day (``portal.figures``)."""
    today = timezone.localdate()

    def compute():
        return {
            "behind_counts": behind_counts(filters),
            "status_by_round": status_by_round(filters),
            "coverage": sector_coverage(filters),
            "hours_totals": hours_totals(filters),
            "hours_by_animator": hours_by_animator(filters),
            "hours_by_partnership": hours_by_partnership(filters),
            "participation": participation_totals(filters),
            "panels": hooks.dashboard_panels(filters),
        }

    return figures.cached(("reports.dashboard", filters, today), compute)


# --- rows of the exports --------------------------------------------------------------------


def partner_export_rows(filters: Filters) -> QuerySet[Partner]:
    """One row per partner (former partners too), with its partnership and the partnership's
    sector coverage."""

    def covers(sector):
        return Exists(
            Partner.objects.filter(
                partnership=OuterRef("partnership"),
                left_on__isnull=True,
                institution__sector=sector,
            )
        )

    return (
        filters.apply(Partner.objects.all(), prefix="partnership__")
        .annotate(has_public=covers("public"), has_social=covers("social"))
        .annotate(has_business=covers("business"))
        .select_related(
            "partnership__lead_library",
            "partnership__animator",
            "partnership__leader",
            "institution",
        )
        .order_by("partnership__name", "partnership_id", "joined_on", "pk")
    )


def session_export_rows(filters: Filters) -> QuerySet[SupportSession]:
    """Every support session, withdrawn ones too (marked), as tuples for streaming."""
    return (
        filters.apply(SupportSession.objects.all(), prefix="partnership__")
        .order_by("partnership__name", "partnership_id", "held_on", "pk")
        .values_list(
            "pk",
            "partnership_id",
            "partnership__name",
            "partnership__round",
            "partnership__lead_library__voivodeship",
            "animator__first_name",
            "animator__last_name",
            "animator__email",
            "kind",
            "channel",
            "held_on",
            "duration_minutes",
            "withdrawn_at",
            "withdrawn_reason",
            "notes",
        )
    )


def participant_export_rows(filters: Filters) -> QuerySet[Participant]:
    """One row per person on a registration (taken-off people are left out), with the
    registration's status and the attendance."""
    return (
        filters.apply(Participant.objects.all(), prefix="registration__partnership__")
        .filter(removed_at__isnull=True)
        .order_by("event__starts_on", "event_id", "registration__partnership__name", "pk")
        .values_list(
            "event_id",
            "event__title",
            "event__kind",
            "event__starts_on",
            "registration__partnership_id",
            "registration__partnership__name",
            "registration__status",
            "registration__created_at",
            "person_id",
            "person__first_name",
            "person__last_name",
            "person__institution__name",
            "person__institution__kind",
            "attended",
            "materials_received",
        )
    )


# --- personal data (GDPR) -------------------------------------------------------------------


def person_list(*, search: str = "") -> QuerySet:
    """Every person (archived too), with whether they were anonymised; staff only."""

    qs = Person.objects.select_related("partnership", "institution").annotate(
        anonymised_at=Subquery(
            Anonymisation.objects.filter(person=OuterRef("pk")).values("done_at")[:1]
        )
    )
    if search:
        qs = qs.filter(
            Q(first_name__icontains=search)
            | Q(last_name__icontains=search)
            | Q(email__icontains=search)
            | Q(partnership__name__icontains=search)
        )
    return qs.order_by("last_name", "first_name", "pk")


def person_get(pk):

    try:
        return person_list().get(pk=pk)
    except (Person.DoesNotExist, ValueError):
        raise Http404 from None


def _plain(value):
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return value


def _row(obj, fields) -> dict:
    return {name: _plain(getattr(obj, name)) for name in fields}


PERSON_FIELDS = [
    "id",
    "first_name",
    "last_name",
    "position",
    "email",
    "phone",
    "partnership_id",
    "institution_id",
    "user_id",
    "consent_given_at",
    "archived_at",
    "created_at",
]
USER_FIELDS = [
    "id",
    "email",
    "first_name",
    "last_name",
    "phone",
    "is_active",
    "date_joined",
    "last_login",
]


def person_data(person) -> dict:
    """Everything the portal holds about one person: the record and its history, the events
    they were registered for and their attendance; when they have an account, the account, the
    support sessions they logged and the changes they made. Plain values, ready for JSON."""

    data = {
        "generated_at": timezone.now().isoformat(),
        "person": {
            **_row(person, PERSON_FIELDS),
            "partnership": person.partnership.name,
            "institution": person.institution.name,
        },
        "person_history": [
            {
                **_row(h, PERSON_FIELDS),
                "history_date": _plain(h.history_date),
                "history_type": h.history_type,
                "history_user_id": h.history_user_id,
            }
            for h in Person.history.filter(id=person.pk).order_by("history_date", "history_id")
        ],
        "event_participation": [
            {
                "event_id": p.event_id,
                "event": p.event.title,
                "kind": p.event.kind,
                "starts_on": _plain(p.event.starts_on),
                "partnership": p.registration.partnership.name,
                "registration_status": p.registration.status,
                "added_at": _plain(p.added_at),
                "removed_at": _plain(p.removed_at),
                "attended": p.attended,
                "materials_received": p.materials_received,
                # What they told through their own link (``events``).
                "answer": p.answer,
                "answered_at": _plain(p.answered_at),
                "diet": p.diet,
                "diet_notes": p.diet_notes,
                "accessibility_needs": p.accessibility_needs,
                "nights": list(p.nights),
                "departure_place": p.departure_place,
                "day_phone": p.day_phone,
                "clause_acknowledged_at": _plain(p.clause_acknowledged_at),
            }
            for p in Participant.objects.filter(person=person)
            .select_related("event", "registration__partnership")
            .order_by("event__starts_on", "pk")
        ],
        "data_requests": [
            {
                "created_at": _plain(r.created_at),
                "text": r.text,
                "handled_at": _plain(r.handled_at),
            }
            for r in DataRequest.objects.filter(person=person).order_by("created_at", "pk")
        ],
        "account": None,
        # What the portal e-mailed them (its outbox); a text with a one-time link is left out.
        "emails": [
            {
                "created_at": _plain(m.created_at),
                "subject": m.subject,
                "status": m.status,
                "sent_at": _plain(m.sent_at),
                "text": "" if m.sensitive else m.body_text,
            }
            for m in OutboxMessage.objects.filter(to=person.email.lower()).order_by(
                "created_at", "pk"
            )
        ],
    }
    if person.user_id:
        user = User.objects.get(pk=person.user_id)
        data["account"] = {
            **_row(user, USER_FIELDS),
            "roles": sorted(user.groups.values_list("name", flat=True)),
            "support_sessions_logged": [
                {
                    "id": s.pk,
                    "partnership": s.partnership.name,
                    "kind": s.kind,
                    "channel": s.channel,
                    "held_on": _plain(s.held_on),
                    "duration_minutes": s.duration_minutes,
                    "notes": s.notes,
                    "withdrawn_at": _plain(s.withdrawn_at),
                }
                for s in SupportSession.objects.filter(animator=user)
                .select_related("partnership")
                .order_by("held_on", "pk")
            ],
            "changes_made": [
                {"record": label, "id": h.id, "date": _plain(h.history_date), "type": t}
                for label, h, t in _changes_by_user(user)
            ],
        }
    return data


def _changes_by_user(user):
    """Every history row whose actor is ``user``, across the business records."""
    rows = []
    for model in HISTORY_MODELS:
        label = str(model._meta.verbose_name)
        for h in model.history.filter(history_user=user).order_by("history_date"):
            rows.append((label, h, h.history_type))
    rows.sort(key=lambda row: row[1].history_date)
    return rows


# --- history of a partnership ---------------------------------------------------------------


def _history_models():

    return [
        Partnership,
        Partner,
        Person,
        HourBudget,
        SupportSession,
        DiagnosisRecord,
        Meeting1Record,
        Meeting2Record,
        PlannedMeeting,
        PartnerReport,
        MaterialsDispatch,
        PotentialPartner,
        Registration,
        Participant,
    ]


HISTORY_MODELS = _history_models()


def _history_of(model, partnership_id: int) -> QuerySet:
    """The historical rows of ``model`` that belong to the partnership. Historical tables keep
    plain ids, so records reached through a session or a registration are matched by id."""
    history = model.history.all()
    name = model.__name__
    if name == "Partnership":
        return history.filter(id=partnership_id)
    if name in {"DiagnosisRecord", "Meeting1Record", "Meeting2Record"}:
        sessions = SupportSession.objects.filter(partnership_id=partnership_id).values("pk")
        return history.filter(session_id__in=sessions)
    if name == "Participant":
        registrations = Registration.objects.filter(partnership_id=partnership_id).values("pk")
        return history.filter(registration_id__in=registrations)
    return history.filter(partnership_id=partnership_id)


def _history_union(queries: list) -> QuerySet:
    return queries[0].union(*queries[1:], all=True).order_by("-history_date", "-history_id")


def _history_rows(history: QuerySet, index: int) -> QuerySet:
    return (
        history.order_by()
        .annotate(model_index=Value(index, output_field=IntegerField()))
        .values_list("history_date", "history_id", "model_index")
    )


def partnership_history(partnership_id: int) -> QuerySet:
    """Every change across the partnership's records, newest first, as
    ``(history_date, history_id, model_index)`` rows of one UNION query, so a page of it can
    be taken in the database."""
    return _history_union(
        [
            _history_rows(_history_of(model, partnership_id), index)
            for index, model in enumerate(HISTORY_MODELS)
        ]
    )


def person_history(person_id: int) -> QuerySet:
    """Every change of one person's record and of their places on event registrations, newest
    first, as the rows of ``partnership_history``."""
    return _history_union(
        [
            _history_rows(Person.history.filter(id=person_id), HISTORY_MODELS.index(Person)),
            _history_rows(
                Participant.history.filter(person_id=person_id),
                HISTORY_MODELS.index(Participant),
            ),
        ]
    )


class HistoryAction(TextChoices):
    """simple-history's ``history_type``, said as what happened to the record."""

    CREATED = "+", pgettext_lazy("history of changes", "created")
    CHANGED = "~", pgettext_lazy("history of changes", "changed")
    DELETED = "-", pgettext_lazy("history of changes", "deleted")


@dataclass
class HistoryEntry:
    record: object
    model_label: str
    changes: list  # (field label, old, new), as text people read
    name: str = ""  # what the record is: a person's name, a contact's kind and date

    @property
    def action(self) -> str:
        return HistoryAction(self.record.history_type).label

    @property
    def reason(self) -> str:
        reason = self.record.history_change_reason or ""
        if reason == ANONYMISED_REASON:
            return gettext("personal data anonymised (GDPR)")
        return reason


# What names a record in the history, by its own fields (a relation: the related record's
# name); joined by ``RECORD_NAME_SEPARATOR`` (", " unless said).
RECORD_NAME_FIELDS = {
    Partnership: ("name",),
    Partner: ("institution",),
    Person: ("first_name", "last_name"),
    HourBudget: (),
    SupportSession: ("kind", "held_on"),
    DiagnosisRecord: ("session",),
    Meeting1Record: ("session",),
    Meeting2Record: ("session",),
    PlannedMeeting: ("planned_on",),
    PartnerReport: ("partner", "reported_on"),
    MaterialsDispatch: ("sent_on",),
    PotentialPartner: ("name",),
    Registration: ("event",),
    Participant: ("person",),
}
RECORD_NAME_SEPARATOR = {Person: " "}
# Fields of minutes, shown as a duration ("1 godz. 15 min").
MINUTES_FIELDS = {(HourBudget, "minutes"), (SupportSession, "duration_minutes")}


def _name_sessions(ids) -> dict:
    return {
        pk: f"{SessionKind(kind).label}, {date_format(held_on, 'j E Y')}"
        for pk, kind, held_on in SupportSession.objects.filter(pk__in=ids).values_list(
            "pk", "kind", "held_on"
        )
    }


def _name_people(ids) -> dict:
    return {
        pk: f"{first} {last}".strip()
        for pk, first, last in Person.objects.filter(pk__in=ids).values_list(
            "pk", "first_name", "last_name"
        )
    }


def _name_users(ids) -> dict:
    return {user.pk: str(user) for user in User.objects.filter(pk__in=ids)}


def _name_by(model, path: str):
    def names(ids) -> dict:
        return dict(model.objects.filter(pk__in=ids).values_list("pk", path))

    return names


def _name_by_str(model):
    def names(ids) -> dict:
        return {pk: str(obj) for pk, obj in model.objects.in_bulk(ids).items()}

    return names


# How the records a history row points to are named, one query per kind for a whole page.
NAMERS = {
    User: _name_users,
    Person: _name_people,
    SupportSession: _name_sessions,
    Partnership: _name_by(Partnership, "name"),
    Institution: _name_by(Institution, "name"),
    Partner: _name_by(Partner, "institution__name"),
    Event: _name_by(Event, "title"),
    Registration: _name_by(Registration, "event__title"),
}


def _display(model, field, value, names: dict) -> str:
    """``value`` of ``field`` as people read it: a related record by its name, a choice by its
    label, yes or no, a date in words, minutes as a duration."""
    if value is None or value == "":
        return "—"
    if field.is_relation:
        name = names.get((field.related_model, value))
        return name or gettext("record #%(pk)s (removed)") % {"pk": value}
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, BooleanField):
        return gettext("yes") if value else gettext("no")
    if isinstance(field, DateTimeField):
        return date_format(timezone.localtime(value), "j E Y, H:i")
    if isinstance(field, DateField):
        return date_format(value, "j E Y")
    if (model, field.name) in MINUTES_FIELDS:
        return format_minutes(value)
    return str(value)


def _history_pages(rows) -> tuple[dict, dict]:
    """The historical records of ``rows`` by ``(model_index, history_id)``, and the record
    each change is diffed against: two queries per kind of record on the page."""
    wanted: dict[int, list[int]] = {}
    for _date, history_id, index in rows:
        wanted.setdefault(index, []).append(history_id)
    records, previous = {}, {}
    for index, ids in wanted.items():
        history = HISTORY_MODELS[index].history
        page = list(history.filter(history_id__in=ids).select_related("history_user"))
        for record in page:
            records[(index, record.history_id)] = record
        changed = [r for r in page if r.history_type == "~"]
        if not changed:
            continue
        earlier = history.filter(
            id__in={r.id for r in changed},
            history_date__lte=max(r.history_date for r in changed),
        ).order_by("id", "history_date", "history_id")
        by_object: dict = {}
        for row in earlier:
            by_object.setdefault(row.id, []).append(row)
        for record in changed:
            chain = by_object.get(record.id, [])
            position = next(
                (i for i, row in enumerate(chain) if row.history_id == record.history_id), 0
            )
            if position > 0:
                previous[(index, record.history_id)] = chain[position - 1]
    return records, previous


def history_entries(rows) -> list[HistoryEntry]:
    """The historical records of one page of ``partnership_history`` (or ``person_history``)
    with their field changes, as people read them: related records by name, choices by label,
    dates in words. Two queries per kind of record on the page (its rows, and the earlier
    rows of the same objects to diff against) and one per kind of related record named,
    whatever the number of entries."""
    records, previous = _history_pages(rows)
    found = []
    wanted_names: dict = {}  # related model -> ids
    for _date, history_id, index in rows:
        record = records.get((index, history_id))
        if record is None:
            continue
        model = HISTORY_MODELS[index]
        diffs = []
        before = previous.get((index, history_id))
        if before is not None:
            for change in record.diff_against(before).changes:
                diffs.append((model._meta.get_field(change.field), change.old, change.new))
        named = [model._meta.get_field(name) for name in RECORD_NAME_FIELDS.get(model, ())]
        for field, *values in [*diffs, *[(f, getattr(record, f.attname)) for f in named]]:
            if field.is_relation:
                wanted_names.setdefault(field.related_model, set()).update(
                    v for v in values if v is not None
                )
        found.append((record, model, diffs, named))
    names = {}
    for related, ids in wanted_names.items():
        namer = NAMERS.get(related) or _name_by_str(related)
        resolved = namer(ids)
        names.update({(related, pk): name for pk, name in resolved.items()})
    entries = []
    for record, model, diffs, named in found:
        changes = [
            (
                field.verbose_name,
                _display(model, field, old, names),
                _display(model, field, new, names),
            )
            for field, old, new in diffs
        ]
        separator = RECORD_NAME_SEPARATOR.get(model, ", ")
        name = separator.join(
            _display(model, field, getattr(record, field.attname), names) for field in named
        )
        entries.append(HistoryEntry(record, model._meta.verbose_name, changes, name))
    return entries
