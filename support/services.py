"""Writes of the support app. Each function is one transaction. Every write to a
partnership's sessions first locks its HourBudget row (``select_for_update``), so concurrent
logs, edits and withdrawals on one partnership run one after another: the 16-hour budget and
the order of the meetings hold under load. Rule violations raise ``ValidationError`` with a
message for the user; nothing is saved then."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from partnerships.models import Institution, Partner, Partnership, User
from partnerships.services import partner_add
from portal import figures
from portal.queue import enqueue
from portal.roles import is_staff_member
from portal.services import save_validated
from support.enums import (
    DEFAULT_BUDGET_MINUTES,
    OPEN_POTENTIAL_STATUSES,
    PLAN_SECTIONS,
    SINGLE_KINDS,
    PlanStatus,
    PotentialPartnerStatus,
    SessionKind,
)
from support.models import (
    DevelopmentPlan,
    DiagnosisRecord,
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
from support.selectors import (
    can_act_on,
    can_change_session,
    can_edit_plan,
    can_note_animator_help,
    can_record_partner_report,
    can_work_on_potential_partners,
    counts_toward_budget,
    format_minutes,
    minutes_used,
    plan_empty_sections,
    plan_prefill,
    plan_section_label,
    plan_side,
    plan_snapshot,
    support_began_on,
)
from support.tasks import hour_budget_check

RECORD_MODELS = {
    SessionKind.DIAGNOSIS: (DiagnosisRecord, "diagnosis_record"),
    SessionKind.MEETING_1: (Meeting1Record, "meeting1_record"),
    SessionKind.MEETING_2: (Meeting2Record, "meeting2_record"),
}
PLANNED_FIELDS = ("next_meeting_on", "next_meeting_time", "next_meeting_place")


def _budget_locked(partnership: Partnership) -> HourBudget:
    """The partnership's budget row, created on first use, locked until the transaction ends."""
    budget, _created = HourBudget.objects.select_for_update().get_or_create(
        partnership=partnership, defaults={"minutes": DEFAULT_BUDGET_MINUTES}
    )
    return budget


def _check_budget(budget: HourBudget, session: SupportSession) -> None:
    """§2.1.4: the support stays within the budget; the diagnosis is outside it."""
    if not counts_toward_budget(session.kind):
        return
    used = minutes_used(session.partnership, exclude_pk=session.pk)
    left = budget.minutes - used
    if session.duration_minutes > left:
        if left <= 0:
            message = _(
                "The partnership's budget of %(budget)s is used up: no time is left to log."
            ) % {"budget": format_minutes(budget.minutes)}
        else:
            message = _(
                "Only %(left)s of the partnership's %(budget)s are left; this contact would "
                "take %(duration)s. Shorten it or ask the support centre to change the budget."
            ) % {
                "left": format_minutes(left),
                "budget": format_minutes(budget.minutes),
                "duration": format_minutes(session.duration_minutes),
            }
        raise ValidationError({"duration_minutes": message})


def _day(value: datetime.date) -> str:
    return date_format(value, "j E Y")


def _check_order(session: SupportSession) -> None:
    """A diagnosis first, then meeting 1, then meeting 2; one of each; dates in that order.
    Checked against the partnership's other sessions that are not withdrawn."""
    others = {}
    for other in SupportSession.objects.filter(
        partnership=session.partnership, withdrawn_at__isnull=True, kind__in=SINGLE_KINDS
    ).exclude(pk=session.pk):
        others[other.kind] = other
    diagnosis = others.get(SessionKind.DIAGNOSIS)
    meeting_1 = others.get(SessionKind.MEETING_1)
    meeting_2 = others.get(SessionKind.MEETING_2)
    kind, day = session.kind, session.held_on

    if kind in SINGLE_KINDS and kind in others:
        raise ValidationError(
            _("The %(kind)s has already been logged for this partnership; edit that one instead.")
            % {"kind": session.get_kind_display()}
        )
    if kind == SessionKind.DIAGNOSIS:
        earliest = (
            SupportSession.objects.filter(
                partnership=session.partnership, withdrawn_at__isnull=True
            )
            .exclude(pk=session.pk)
            .order_by("held_on")
            .values_list("held_on", flat=True)
            .first()
        )
        if earliest is not None and day > earliest:
            raise ValidationError(
                {
                    "held_on": _(
                        "The diagnosis comes before any other contact; the first one was on "
                        "%(date)s."
                    )
                    % {"date": _day(earliest)}
                }
            )
        return
    if diagnosis is None:
        raise ValidationError(
            _(
                "Log the diagnosis first: support starts with the contact that diagnoses the "
                "partnership (§2.1.4)."
            )
        )
    if day < diagnosis.held_on:
        raise ValidationError(
            {
                "held_on": _("The date cannot be before the diagnosis (%(date)s).")
                % {"date": _day(diagnosis.held_on)}
            }
        )
    if kind == SessionKind.MEETING_1 and meeting_2 is not None and day >= meeting_2.held_on:
        raise ValidationError(
            {
                "held_on": _("The first meeting must be before the second one (%(date)s).")
                % {"date": _day(meeting_2.held_on)}
            }
        )
    if kind == SessionKind.MEETING_2:
        if meeting_1 is None:
            raise ValidationError(
                _("The second meeting comes after the first one: log the first meeting before.")
            )
        if day <= meeting_1.held_on:
            raise ValidationError(
                {
                    "held_on": _("The second meeting must be after the first one (%(date)s).")
                    % {"date": _day(meeting_1.held_on)}
                }
            )


def _save_record(session: SupportSession, record: dict | None) -> None:
    if session.kind not in RECORD_MODELS:
        return
    model, related = RECORD_MODELS[session.kind]
    data = {k: v for k, v in (record or {}).items() if k not in PLANNED_FIELDS}
    instance = getattr(session, related, None) if session.pk else None
    if instance is None:
        instance = model(session=session)
    for name, value in data.items():
        setattr(instance, name, value)
    save_validated(instance)


def _save_planned_meeting(session: SupportSession, record: dict | None) -> None:
    """Meeting 1 must set the date of the next meeting (§2.1.2); it is kept as a planned
    meeting that calendars and reminders read."""
    record = record or {}
    planned_on = record.get("next_meeting_on")
    if not planned_on:
        raise ValidationError(
            {"next_meeting_on": _("Give the date of the next meeting agreed at this meeting.")}
        )
    if planned_on <= session.held_on:
        raise ValidationError({"next_meeting_on": _("The next meeting must be after this one.")})
    planned = PlannedMeeting.objects.filter(planned_by_session=session).first() or PlannedMeeting(
        partnership=session.partnership, planned_by_session=session
    )
    planned.planned_on = planned_on
    planned.starts_at = record.get("next_meeting_time")
    planned.place = record.get("next_meeting_place") or ""
    save_validated(planned)


def _link_meeting_2(session: SupportSession) -> None:
    PlannedMeeting.objects.filter(
        partnership=session.partnership, held_session__isnull=True, cancelled_at__isnull=True
    ).update(held_session=session)
    figures.changed()  # an update sends no signal


@transaction.atomic
def session_log(
    *,
    partnership: Partnership,
    actor: User,
    kind: str,
    channel: str,
    held_on: datetime.date,
    duration_minutes: int,
    notes: str = "",
    record: dict | None = None,
) -> SupportSession:
    """Log a contact held with the partnership, with its record for a diagnosis or a meeting.

    Locks the partnership's budget row; refuses a contact that breaks the order or passes the
    budget. Meeting 1 also stores the planned next meeting; meeting 2 fulfils it."""
    if not can_act_on(actor, partnership):
        raise PermissionDenied
    budget = _budget_locked(partnership)
    session = SupportSession(
        partnership=partnership,
        animator=actor,
        kind=kind,
        channel=channel,
        held_on=held_on,
        duration_minutes=duration_minutes,
        notes=notes,
    )
    session.full_clean()
    _check_order(session)
    _check_budget(budget, session)
    session.save()
    _save_record(session, record)
    if kind == SessionKind.MEETING_1:
        _save_planned_meeting(session, record)
    elif kind == SessionKind.MEETING_2:
        _link_meeting_2(session)
    # The 75 % / 100 % reminder goes out at once instead of at the next scan (which sends it
    # anyway when the broker is down).
    enqueue(hour_budget_check, partnership.pk)
    return session


@transaction.atomic
def session_update(
    *,
    session: SupportSession,
    actor: User,
    channel: str,
    held_on: datetime.date,
    duration_minutes: int,
    notes: str = "",
    record: dict | None = None,
) -> SupportSession:
    """Change a logged contact (its kind stays). The animator who logged it may, within 30
    days; staff any time. Same order and budget checks as logging."""
    budget = _budget_locked(session.partnership)
    session = SupportSession.objects.select_for_update().get(pk=session.pk)
    if not can_change_session(actor, session):
        raise PermissionDenied
    session.channel = channel
    session.held_on = held_on
    session.duration_minutes = duration_minutes
    session.notes = notes
    session.full_clean()
    _check_order(session)
    _check_budget(budget, session)
    session.save()
    _save_record(session, record)
    if session.kind == SessionKind.MEETING_1:
        _save_planned_meeting(session, record)
    return session


@transaction.atomic
def session_withdraw(*, session: SupportSession, actor: User, reason: str) -> SupportSession:
    """Withdraw a contact logged by mistake: it stays, marked, and its time returns to the
    budget. A diagnosis or meeting 1 that later steps rest on cannot be withdrawn first."""
    _budget_locked(session.partnership)
    session = SupportSession.objects.select_for_update().get(pk=session.pk)
    if not can_change_session(actor, session):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the withdrawal.")})
    active = SupportSession.objects.filter(
        partnership=session.partnership, withdrawn_at__isnull=True
    ).exclude(pk=session.pk)
    if session.kind == SessionKind.DIAGNOSIS and active.exists():
        raise ValidationError(
            _("Other contacts rest on this diagnosis: withdraw them first, or edit the diagnosis.")
        )
    if session.kind == SessionKind.MEETING_1 and active.filter(kind=SessionKind.MEETING_2).exists():
        raise ValidationError(
            _("The second meeting rests on this one: withdraw the second meeting first.")
        )
    session.withdrawn_at = timezone.now()
    session.withdrawn_reason = reason
    session.withdrawn_by = actor
    session._change_reason = reason
    save_validated(session)
    if session.kind == SessionKind.MEETING_1:
        PlannedMeeting.objects.filter(planned_by_session=session, cancelled_at__isnull=True).update(
            cancelled_at=session.withdrawn_at
        )
    elif session.kind == SessionKind.MEETING_2:
        PlannedMeeting.objects.filter(held_session=session).update(held_session=None)
    figures.changed()  # the updates send no signal
    return session


@transaction.atomic
def hour_budget_set(
    *, partnership: Partnership, actor: User, minutes: int, reason: str
) -> HourBudget:
    """Staff change a partnership's budget; the reason is kept in its history. The budget
    cannot go below the time already logged."""
    if not is_staff_member(actor):
        raise PermissionDenied
    budget = _budget_locked(partnership)
    hour_budget_validate(partnership=partnership, minutes=minutes, reason=reason)
    budget.minutes = minutes
    budget.reason = reason.strip()
    budget._change_reason = budget.reason
    budget._history_user = actor  # the history names who, outside a request too
    save_validated(budget)
    return budget


def hour_budget_validate(*, partnership: Partnership, minutes: int, reason: str) -> None:
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for changing the budget.")})
    used = minutes_used(partnership)
    if minutes is not None and minutes < used:
        raise ValidationError(
            {
                "minutes": _("%(used)s have already been logged; the budget cannot be smaller.")
                % {"used": format_minutes(used)}
            }
        )


@transaction.atomic
def partner_report_save(
    *, partner: Partner, actor: User, reported_on: datetime.date, how_spread: str
) -> PartnerReport:
    """Record (or correct) how a partner spread the idea between the meetings (§2.1.5), by
    staff, the animator or the leader. Needs meeting 1 held; the report is dated from meeting
    1 until meeting 2, once that is held. Locks the budget row, as logging a contact does, so
    the meetings' dates read here cannot change before commit."""
    partnership = partner.partnership
    if not can_record_partner_report(actor, partnership):
        raise PermissionDenied
    if partner.left_on is not None:
        raise ValidationError(_("This partner has left the partnership."))
    _budget_locked(partnership)
    meetings = {
        session.kind: session
        for session in SupportSession.objects.filter(
            partnership=partnership,
            kind__in=(SessionKind.MEETING_1, SessionKind.MEETING_2),
            withdrawn_at__isnull=True,
        )
    }
    meeting_1 = meetings.get(SessionKind.MEETING_1)
    meeting_2 = meetings.get(SessionKind.MEETING_2)
    if meeting_1 is None:
        raise ValidationError(
            _("Partners report between the meetings: log the first meeting before.")
        )
    if reported_on and reported_on < meeting_1.held_on:
        raise ValidationError(
            {
                "reported_on": _("The report comes after the first meeting (%(date)s).")
                % {"date": _day(meeting_1.held_on)}
            }
        )
    if reported_on and meeting_2 is not None and reported_on > meeting_2.held_on:
        raise ValidationError(
            {
                "reported_on": _(
                    "The report is about the time between the meetings: date it no later than "
                    "the second meeting (%(date)s)."
                )
                % {"date": _day(meeting_2.held_on)}
            }
        )
    report = PartnerReport.objects.filter(partner=partner).first() or PartnerReport(
        partner=partner, partnership=partnership
    )
    report.reported_on = reported_on
    report.how_spread = how_spread
    report.recorded_by = actor
    save_validated(report)
    return report


def materials_dispatch_validate(
    *,
    partnership: Partnership,
    sent_on: datetime.date | None,
    after_support_confirmed: bool,
) -> None:
    """§2.5.1: the materials go out "przed wsparciem animatora". A dispatch dated after the
    support began (``support_began_on``: the first contact after the diagnosis) is taken only
    when staff confirm it, so a late dispatch is a decision, not a slip of the date."""
    began = support_began_on(partnership)
    if sent_on and began and sent_on > began and not after_support_confirmed:
        raise ValidationError(
            {
                "after_support_confirmed": _(
                    "The animator's support began on %(date)s; the materials are meant to "
                    "go out before it (§2.5.1). Tick the confirmation to record them "
                    "anyway."
                )
                % {"date": _day(began)}
            }
        )


@transaction.atomic
def materials_dispatch_record(
    *,
    partnership: Partnership,
    actor: User,
    what: str,
    sent_on: datetime.date,
    channel: str,
    attachment=None,
    after_support_confirmed: bool = False,
) -> MaterialsDispatch:
    """Staff record materials sent to a partnership before support (§2.5.1), with the file
    when there is one (checked by content in ``full_clean``). A date after the support began
    needs ``after_support_confirmed``. Locks the budget row, as logging a contact does, so
    the support's first day read here cannot change before commit."""
    if not is_staff_member(actor):
        raise PermissionDenied
    _budget_locked(partnership)
    materials_dispatch_validate(
        partnership=partnership, sent_on=sent_on, after_support_confirmed=after_support_confirmed
    )
    dispatch = MaterialsDispatch(
        partnership=partnership,
        what=what,
        sent_on=sent_on,
        channel=channel,
        sent_by=actor,
        attachment=attachment or "",
    )
    save_validated(dispatch)
    return dispatch


@transaction.atomic
def materials_dispatch_update(
    *,
    dispatch: MaterialsDispatch,
    actor: User,
    what: str,
    sent_on: datetime.date,
    channel: str,
    after_support_confirmed: bool = False,
) -> MaterialsDispatch:
    """Staff correct what was sent, when and how (the file and the partnership stay); a
    date moved after the support began needs ``after_support_confirmed`` (§2.5.1)."""
    if not is_staff_member(actor):
        raise PermissionDenied
    _budget_locked(dispatch.partnership)
    if sent_on != dispatch.sent_on:
        materials_dispatch_validate(
            partnership=dispatch.partnership,
            sent_on=sent_on,
            after_support_confirmed=after_support_confirmed,
        )
    dispatch.what, dispatch.sent_on, dispatch.channel = what, sent_on, channel
    save_validated(dispatch)
    return dispatch


# --- the development plan (§2.1.4) ----------------------------------------------------------
# Every write locks the plan row first, so two people saving at once run one after another
# and the version checks below see each other's changes.


class PlanConflict(ValidationError):
    """The sections were saved by someone else after the form was loaded; ``current`` is the
    plan as it is now, so the page can show their text next to the user's."""

    def __init__(self, message, *, current):
        super().__init__(message)
        self.current = current


def _plan_locked(plan: DevelopmentPlan) -> DevelopmentPlan:
    locked = DevelopmentPlan.objects.select_for_update().get(pk=plan.pk)
    locked.partnership = plan.partnership
    return locked


def _check_plan_editor(actor: User, partnership: Partnership) -> None:
    if not can_edit_plan(actor, partnership):
        raise PermissionDenied


def _plan_changed(plan: DevelopmentPlan, actor: User) -> None:
    """Any change of the content: a new revision, both agreements void, a draft again."""
    plan.revision += 1
    plan.status = PlanStatus.DRAFT
    plan.agreed_by_leader = plan.agreed_by_animator = None
    plan.agreed_by_leader_at = plan.agreed_by_animator_at = None
    plan.updated_by = actor
    save_validated(plan)


@transaction.atomic
def plan_start(*, partnership: Partnership, actor: User) -> DevelopmentPlan:
    """Create the partnership's plan with sections pre-filled from what the portal knows
    (partners, common goal, meeting records). Returns the existing plan if there is one; the
    partnership row is locked so two first openings create one plan."""
    _check_plan_editor(actor, partnership)
    Partnership.objects.select_for_update().filter(pk=partnership.pk).first()
    plan = DevelopmentPlan.objects.filter(partnership=partnership).first()
    if plan is None:
        plan = DevelopmentPlan(
            partnership=partnership, updated_by=actor, **plan_prefill(partnership)
        )
        save_validated(plan)
    plan.partnership = partnership
    return plan


@transaction.atomic
def plan_sections_save(
    *, plan: DevelopmentPlan, actor: User, version: int, **sections
) -> DevelopmentPlan:
    """Save the text sections. ``version`` is the one the form was loaded at: if someone saved
    since, ``PlanConflict`` is raised with the current plan and nothing is saved. A save resets
    the agreements (an agreed plan becomes a new draft)."""
    _check_plan_editor(actor, plan.partnership)
    plan = _plan_locked(plan)
    if version != plan.version:
        who = plan.updated_by or _("someone else")
        raise PlanConflict(
            _(
                "%(who)s saved the plan while you were editing it. Your text is kept in the "
                "form; their current text is shown next to it. Merge the two and save again."
            )
            % {"who": who},
            current=plan,
        )
    for key in PLAN_SECTIONS:
        if key in sections:
            setattr(plan, key, (sections[key] or "").strip())
    plan.version += 1
    _plan_changed(plan, actor)
    return plan


def _check_action_partner(plan: DevelopmentPlan, partner: Partner | None) -> None:
    if partner is None:
        raise ValidationError({"partner": _("Choose the partner responsible for the action.")})
    if partner.partnership_id != plan.partnership_id:
        raise ValidationError({"partner": _("The partner must belong to this partnership.")})
    if partner.left_on is not None:
        raise ValidationError(
            {
                "partner": _("%(name)s has left the partnership; choose an active partner.")
                % {"name": partner.institution.name}
            }
        )


def _fill_action(action: PlanAction, fields: dict) -> None:
    for name in ("what", "partner", "starts_on", "ends_on", "resources"):
        if name in fields:
            value = fields[name]
            setattr(action, name, value.strip() if isinstance(value, str) else value)


@transaction.atomic
def plan_action_add(*, plan: DevelopmentPlan, actor: User, **fields) -> PlanAction:
    """Add an action (what, responsible active partner, from–to, resources). Changes the
    plan's revision and resets the agreements."""
    _check_plan_editor(actor, plan.partnership)
    plan = _plan_locked(plan)
    _check_action_partner(plan, fields.get("partner"))
    action = PlanAction(plan=plan)
    _fill_action(action, fields)
    save_validated(action)
    _plan_changed(plan, actor)
    return action


@transaction.atomic
def plan_action_update(*, action: PlanAction, actor: User, **fields) -> PlanAction:
    """Change an action; same checks as adding."""
    _check_plan_editor(actor, action.plan.partnership)
    plan = _plan_locked(action.plan)
    action = PlanAction.objects.select_for_update().get(pk=action.pk, plan=plan)
    _fill_action(action, fields)
    _check_action_partner(plan, action.partner)
    save_validated(action)
    _plan_changed(plan, actor)
    return action


@transaction.atomic
def plan_action_remove(*, action: PlanAction, actor: User) -> None:
    """Remove an action from the draft (agreed versions keep their copy; the history keeps
    the row)."""
    _check_plan_editor(actor, action.plan.partnership)
    plan = _plan_locked(action.plan)
    PlanAction.objects.filter(pk=action.pk, plan=plan).delete()
    _plan_changed(plan, actor)


def _check_agreeable(plan: DevelopmentPlan) -> None:
    problems = []
    empty = plan_empty_sections(plan)
    if empty:
        problems.append(
            _("Fill in these sections before agreeing: %(sections)s.")
            % {"sections": ", ".join(plan_section_label(key) for key in empty)}
        )
    actions = list(plan.actions.select_related("partner__institution"))
    if not actions:
        problems.append(_("Add at least one action before agreeing."))
    left = [a for a in actions if a.partner.left_on is not None]
    if left:
        problems.append(
            _("Some actions are the task of partners who have left: %(actions)s. Change them.")
            % {"actions": "; ".join(f"{a.what[:60]} ({a.partner.institution.name})" for a in left)}
        )
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def plan_agree(*, plan: DevelopmentPlan, actor: User, revision: int) -> PlanVersion | None:
    """The leader or the animator agrees the plan as shown to them (``revision``). When the
    second side agrees, the plan becomes agreed and a numbered ``PlanVersion`` is frozen and
    returned; otherwise None. An empty plan, a plan without actions or one changed since the
    page was loaded is refused."""
    side = plan_side(actor, plan.partnership)
    if side is None:
        raise PermissionDenied
    plan = _plan_locked(plan)
    if revision != plan.revision:
        raise ValidationError(
            _("The plan has changed since you opened it. Read it again and then agree.")
        )
    if plan.is_agreed:
        raise ValidationError(_("This plan is already agreed."))
    if getattr(plan, f"agreed_by_{side}_at") is not None:
        raise ValidationError(
            _("You have already agreed to this plan; the other side has not yet.")
        )
    _check_agreeable(plan)
    now = timezone.now()
    setattr(plan, f"agreed_by_{side}", actor)
    setattr(plan, f"agreed_by_{side}_at", now)
    version = None
    if plan.agreed_by_leader_at and plan.agreed_by_animator_at:
        plan.status = PlanStatus.AGREED
        last = plan.versions.order_by("-number").values_list("number", flat=True).first() or 0
        version = PlanVersion(
            plan=plan,
            number=last + 1,
            snapshot=plan_snapshot(plan),
            agreed_at=now,
            agreed_by_leader=plan.agreed_by_leader,
            agreed_by_animator=plan.agreed_by_animator,
        )
        save_validated(version)
    save_validated(plan)
    return version


# --- potential partners (§1.2, §2.1.1) --------------------------------------------------------
# The leader, the animator and staff keep the institutions a partnership is approaching. Each
# change keeps its history with the actor; a potential partner that joins becomes a partner
# through ``partnerships.services.partner_add`` and stays here, marked as joined.

POTENTIAL_PARTNER_FIELDS = (
    "name",
    "sector",
    "kind",
    "contact_person",
    "contacted_by",
    "contacted_on",
    "status",
    "outcome",
    "animator_help",
)


def _fill_potential_partner(
    candidate: PotentialPartner, actor: User, fields: dict
) -> PotentialPartner:
    partnership = candidate.partnership
    unknown = set(fields) - set(POTENTIAL_PARTNER_FIELDS)
    if unknown:
        raise TypeError(f"Unknown fields: {sorted(unknown)}")
    help_changed = "animator_help" in fields and (fields["animator_help"] or "").strip() != (
        candidate.animator_help or ""
    )
    if help_changed and not can_note_animator_help(actor, partnership):
        raise PermissionDenied
    status = fields.get("status", candidate.status)
    if status not in OPEN_POTENTIAL_STATUSES:
        raise ValidationError(
            {
                "status": _(
                    "An institution joins the partnership through “Joins as a partner”, with "
                    "its contribution and benefit."
                )
            }
        )
    for name, value in fields.items():
        setattr(candidate, name, value.strip() if isinstance(value, str) else value)
    return candidate


@transaction.atomic
def potential_partner_add(*, partnership: Partnership, actor: User, **fields) -> PotentialPartner:
    """Record an institution the partnership is approaching (§1.2). The leader, the animator
    or staff; only the animator or staff note the animator's help (§2.1.1)."""
    if not can_work_on_potential_partners(actor, partnership):
        raise PermissionDenied
    candidate = PotentialPartner(partnership=partnership, created_by=actor)
    _fill_potential_partner(candidate, actor, fields)
    save_validated(candidate)
    return candidate


@transaction.atomic
def potential_partner_update(*, candidate: PotentialPartner, actor: User, **fields):
    """Change the contact's details or its status (approached, interested, declined). Locks
    the row; one that has joined is a partner now and is no longer changed here."""
    partnership = candidate.partnership
    if not can_work_on_potential_partners(actor, partnership):
        raise PermissionDenied
    candidate = PotentialPartner.objects.select_for_update().get(pk=candidate.pk)
    candidate.partnership = partnership
    if candidate.has_joined:
        raise ValidationError(
            _("This institution has joined the partnership; change it on the partner's page.")
        )
    _fill_potential_partner(candidate, actor, fields)
    save_validated(candidate)
    return candidate


@transaction.atomic
def potential_partner_join(
    *,
    candidate: PotentialPartner,
    actor: User,
    contribution: str,
    benefit: str,
    commune: str = "",
    joined_on: datetime.date | None = None,
) -> Partner:
    """The institution joins: it becomes a partner with its contribution and benefit (§1.2)
    and the potential partner is marked as joined. Locks the row, so a double click makes one
    partner. The institution is in the lead library's voivodeship, and its commune unless
    another is given."""
    partnership = candidate.partnership
    if not can_work_on_potential_partners(actor, partnership):
        raise PermissionDenied
    candidate = PotentialPartner.objects.select_for_update().get(pk=candidate.pk)
    candidate.partnership = partnership
    if candidate.has_joined:
        raise ValidationError(_("This institution has already joined the partnership."))
    errors = {
        name: _("Say what the partner brings and what it gains (§1.2).")
        for name, value in (("contribution", contribution), ("benefit", benefit))
        if not (value or "").strip()
    }
    if errors:
        raise ValidationError(errors)
    library = partnership.lead_library
    institution = Institution(
        name=candidate.name,
        sector=candidate.sector,
        kind=candidate.kind,
        commune=(commune or "").strip() or library.commune,
        voivodeship=library.voivodeship,
    )
    partner = partner_add(
        partnership=partnership,
        institution=institution,
        contribution=contribution.strip(),
        benefit=benefit.strip(),
        joined_on=joined_on,
    )
    candidate.status = PotentialPartnerStatus.JOINED
    candidate.partner = partner
    save_validated(candidate)
    return partner
