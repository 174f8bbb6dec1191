"""Writes of the clips app. Rule violations raise ``ValidationError`` with a message for the
user and save nothing; e-mails are queued in the outbox in the same transaction and sent by
the worker after commit (``portal.mail``).

Selections of one call run one after another: ``selection_confirm`` locks the call row
(``select_for_update``) before it counts, so two staff members confirming at once never select
more partnerships than the call allows. The database adds one active selection per partnership
and call, one score per member, partnership and call, and scores from 0 to 10."""

import datetime
import functools

import holidays
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clips import emails, selectors
from clips.enums import (
    DEFAULT_CLIPS,
    SCORE_MAX,
    SCORE_MIN,
    SHOOTING_WITHIN_DAYS,
    CallStatus,
    OverrideDecision,
    SelectionStatus,
)
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
from partnerships.models import Partnership, User
from portal.roles import is_staff_member
from portal.services import CHANGED_MEANWHILE, claim_once, save_validated

DEFAULT_SCENARIO = """1. Kim jesteśmy: partnerstwo, biblioteka i partnerzy z trzech sektorów.
2. Problem lub potrzeba, na które odpowiadamy wspólnie.
3. Co zrobiliśmy razem: dwa lub trzy działania pokazane w miejscach, gdzie się odbyły.
4. Ludzie: krótkie wypowiedzi lidera biblioteki i przedstawicieli partnerów.
5. Co dalej: plany partnerstwa i zaproszenie do współpracy.

Miejsca zdjęć:
Osoby występujące:
Najważniejsze przesłanie (jedno zdanie):
"""

CALL_FIELDS = ("title", "round", "clips_count", "clips_count_reason", "scoring_deadline")


def _require_staff(actor: User) -> None:
    if not is_staff_member(actor):
        raise PermissionDenied


def _day(value: datetime.date) -> str:
    return date_format(value, "j E Y")


# --- calls ---------------------------------------------------------------------------------------


def clips_count_reason_validate(*, clips_count, reason: str) -> str:
    """§2.4.1: the offer is for three partnerships. Another number is staff's decision, with
    its reason kept on the call (and in its history); returns the reason to keep, cleared
    back at three. The database holds the same rule (``clip_call_other_number_has_reason``)."""
    reason = (reason or "").strip()
    if clips_count == DEFAULT_CLIPS:
        return ""
    if clips_count is not None and not reason:
        raise ValidationError(
            {
                "clips_count_reason": _(
                    "The programme offers three clips (§2.4.1): say why this call offers "
                    "another number."
                )
            }
        )
    return reason


@transaction.atomic
def call_create(*, actor: User, committee=(), **fields) -> ClipCall:
    """Create a call in preparation, with its scenario template (the previous call's, or the
    standard one). Other than three clips needs ``clips_count_reason`` (§2.4.1)."""
    _require_staff(actor)
    call = ClipCall(**{name: fields[name] for name in CALL_FIELDS if name in fields})
    call.clips_count_reason = clips_count_reason_validate(
        clips_count=call.clips_count, reason=call.clips_count_reason
    )
    save_validated(call)
    call.committee.set(committee)
    previous = ScenarioTemplate.objects.exclude(call=call).order_by("-call__pk").first()
    ScenarioTemplate.objects.create(
        call=call, body=previous.body if previous else DEFAULT_SCENARIO, updated_by=actor
    )
    return call


def call_change_check(*, call: ClipCall, fields: dict) -> None:
    """The rules of changing a saved call beyond its row's: the number of clips stays at or
    above the partnerships selected, another number than three has its reason (§2.4.1).
    ``call_update`` checks them under the call's lock; the admin's form calls this to show
    them in place."""
    clips_count = fields.get("clips_count", call.clips_count)
    selected = call.selections.filter(status=SelectionStatus.SELECTED).count()
    if clips_count is not None and clips_count < selected:
        raise ValidationError(
            {
                "clips_count": _(
                    "%(count)d partnerships are already selected; withdraw a selection before "
                    "lowering the number of clips."
                )
                % {"count": selected}
            }
        )
    clips_count_reason_validate(
        clips_count=clips_count,
        reason=fields.get("clips_count_reason", call.clips_count_reason),
    )


@transaction.atomic
def call_update(*, call: ClipCall, actor: User, committee=None, **fields) -> ClipCall:
    """Change a call. The number of clips cannot drop below the partnerships selected, and
    other than three needs ``clips_count_reason`` (§2.4.1)."""
    _require_staff(actor)
    call = ClipCall.objects.select_for_update().get(pk=call.pk)
    call_change_check(call=call, fields=fields)
    for name in CALL_FIELDS:
        if name in fields:
            setattr(call, name, fields[name])
    call.clips_count_reason = clips_count_reason_validate(
        clips_count=call.clips_count, reason=call.clips_count_reason
    )
    save_validated(call)
    if committee is not None:
        call.committee.set(committee)
    return call


def call_open(*, call: ClipCall, actor: User) -> ClipCall:
    """Open a call in preparation to its committee; each member is e-mailed (queued with the
    change)."""
    _require_staff(actor)
    with transaction.atomic():
        call = ClipCall.objects.select_for_update().get(pk=call.pk)
        if call.status != CallStatus.DRAFT:
            raise ValidationError(_("This call is already open."))
        if not call.committee.exists():
            raise ValidationError(_("Name the committee members before opening the call."))
        if call.scoring_deadline <= timezone.now():
            raise ValidationError(_("The scoring deadline has passed: set a later one first."))
        call.status = CallStatus.OPEN
        call.save(update_fields=["status"])
        emails.send_call_opened(call.pk)
    return call


@transaction.atomic
def call_announce(*, call: ClipCall, actor: User) -> ClipCall:
    """Publish the selected partnerships on the public page and in the feed (§2.4.6)."""
    _require_staff(actor)
    call = ClipCall.objects.select_for_update().get(pk=call.pk)
    if call.status == CallStatus.ANNOUNCED:
        raise ValidationError(_("This call has already been announced."))
    if call.status == CallStatus.DRAFT:
        raise ValidationError(_("Open the call and select partnerships before announcing it."))
    if not call.selections.filter(status=SelectionStatus.SELECTED).exists():
        raise ValidationError(_("Select at least one partnership before announcing the call."))
    call.status = CallStatus.ANNOUNCED
    call.announced_at = timezone.now()
    call.save(update_fields=["status", "announced_at"])
    return call


@transaction.atomic
def scenario_template_update(*, call: ClipCall, actor: User, body: str) -> ScenarioTemplate:
    """Change the call's scenario template; copies already made are not touched."""
    _require_staff(actor)
    template, _created = ScenarioTemplate.objects.select_for_update().get_or_create(
        call=call, defaults={"body": DEFAULT_SCENARIO}
    )
    template.body = body
    template.updated_by = actor
    save_validated(template)
    return template


# --- eligibility -------------------------------------------------------------------------------


@transaction.atomic
def eligibility_override_set(
    *, call: ClipCall, partnership: Partnership, actor: User, decision: str, reason: str
) -> EligibilityOverride:
    """Include or exclude a partnership regardless of the data, or return it to what the data
    says. The reason is required; every change stays in the override's history."""
    _require_staff(actor)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for the decision.")})
    if decision not in OverrideDecision.values:
        raise ValidationError({"decision": _("Choose include, exclude or as the data says.")})
    override = (
        EligibilityOverride.objects.select_for_update()
        .filter(call=call, partnership=partnership)
        .first()
    ) or EligibilityOverride(call=call, partnership=partnership)
    override.decision = decision
    override.reason = reason.strip()
    override.decided_by = actor
    override.decided_at = timezone.now()
    save_validated(override, validate_constraints=False)
    return override


# --- scores --------------------------------------------------------------------------------------


def _check_score_value(name: str, value) -> None:
    if value is None or not (SCORE_MIN <= value <= SCORE_MAX):
        raise ValidationError(
            {name: _("Give a whole number from %(min)d to %(max)d.") % {"min": 0, "max": 10}}
        )


@transaction.atomic
def score_save(
    *,
    call: ClipCall,
    member: User,
    partnership: Partnership,
    progress: int,
    creativity: int,
    comment: str = "",
    now=None,
) -> Score:
    """Save (or change) a member's score of an eligible partnership before the deadline.

    Refused: a user not on the committee, a partnership the member animates, one that is not
    eligible, values outside 0–10, after the deadline."""
    now = now or timezone.now()
    call = ClipCall.objects.get(pk=call.pk)
    if not selectors.is_member(call, member):
        raise ValidationError(_("Only members of this call's committee score its candidates."))
    if call.status == CallStatus.DRAFT:
        raise ValidationError(_("This call is not open to the committee yet."))
    if now >= call.scoring_deadline:
        raise ValidationError(
            _("Scoring closed on %(date)s; scores can no longer be given or changed.")
            % {"date": date_format(timezone.localtime(call.scoring_deadline), "j E Y, H:i")}
        )
    if partnership.animator_id == member.pk:
        raise ValidationError(_("You animate this partnership, so you do not score it (§2.4.5)."))
    if not selectors.eligible_partnerships(call).filter(pk=partnership.pk).exists():
        raise ValidationError(_("This partnership is not a candidate in this call."))
    _check_score_value("progress", progress)
    _check_score_value("creativity", creativity)
    score = (
        Score.objects.select_for_update()
        .filter(call=call, member=member, partnership=partnership)
        .first()
    ) or Score(call=call, member=member, partnership=partnership)
    score.progress = progress
    score.creativity = creativity
    score.comment = comment or ""
    try:
        with transaction.atomic():
            save_validated(score)
    except IntegrityError as exc:  # the same member saving twice at the same instant
        raise ValidationError(CHANGED_MEANWHILE) from exc
    return score


# --- selection -----------------------------------------------------------------------------------


@transaction.atomic
def selection_confirm(
    *, call: ClipCall, partnership: Partnership, actor: User, public_summary: str = ""
) -> Selection:
    """Select a partnership for a clip and give it its copy of the scenario.

    Locks the call row, so confirmations of one call run one after another and never select
    more than ``clips_count``. Refuses a partnership that is not eligible or already
    selected."""
    _require_staff(actor)
    call = ClipCall.objects.select_for_update().get(pk=call.pk)
    if call.status == CallStatus.DRAFT:
        raise ValidationError(_("Open the call to its committee before selecting."))
    if not selectors.eligible_partnerships(call).filter(pk=partnership.pk).exists():
        raise ValidationError(
            _(
                "%(name)s is not eligible in this call: see the candidates page for the "
                "criteria it does not meet, or include it there with a reason."
            )
            % {"name": partnership.name}
        )
    active = call.selections.filter(status=SelectionStatus.SELECTED)
    if active.filter(partnership=partnership).exists():
        raise ValidationError(_("This partnership is already selected in this call."))
    count = active.count()
    if count >= call.clips_count:
        raise ValidationError(
            ngettext(
                "The call offers %(limit)d clip and it is already given. Withdraw a selection "
                "first.",
                "The call offers %(limit)d clips and all of them are already given. Withdraw a "
                "selection first.",
                call.clips_count,
            )
            % {"limit": call.clips_count}
        )
    selection = Selection(
        call=call,
        partnership=partnership,
        public_summary=(public_summary or "").strip(),
        selected_by=actor,
        selected_at=timezone.now(),
    )
    save_validated(selection)
    template = ScenarioTemplate.objects.filter(call=call).first()
    Scenario.objects.create(
        selection=selection,
        body=template.body if template else DEFAULT_SCENARIO,
        updated_by=actor,
    )
    return selection


@transaction.atomic
def selection_withdraw(*, selection: Selection, actor: User, reason: str) -> Selection:
    """Withdraw a selection (the partnership declined, say); kept with the reason and who."""
    _require_staff(actor)
    ClipCall.objects.select_for_update().get(pk=selection.call_id)
    selection = Selection.objects.select_for_update().get(pk=selection.pk)
    if not selection.is_active:
        raise ValidationError(_("This selection has already been withdrawn."))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for the withdrawal.")})
    selection.status = SelectionStatus.WITHDRAWN
    selection.withdrawn_at = timezone.now()
    selection.withdrawn_by = actor
    selection.withdrawn_reason = reason.strip()
    save_validated(selection)
    return selection


# --- notice (§2.4.6) -----------------------------------------------------------------------------


def notice_call_log(
    *, selection: Selection, actor: User, called_at, person_reached: str, note: str = ""
) -> NoticeCall:
    """Record the phone call that told the partnership about its clip."""
    _require_staff(actor)
    if not selection.is_active:
        raise ValidationError(_("This selection has been withdrawn."))
    if called_at and called_at > timezone.now():
        raise ValidationError({"called_at": _("A call is logged after it took place.")})
    call = NoticeCall(
        selection=selection,
        called_at=called_at,
        called_by=actor,
        person_reached=person_reached,
        note=note or "",
    )
    save_validated(call)
    return call


def selection_notify_leader(*, selection: Selection, actor: User) -> Selection:
    """E-mail the leader that the partnership was selected, with the way to its scenario.
    Sent once: the row is claimed atomically, so a double click never sends it twice."""
    _require_staff(actor)
    if not selection.is_active:
        raise ValidationError(_("This selection has been withdrawn."))
    leader = selection.partnership.leader
    if leader is None or not leader.email:
        raise ValidationError(_("The partnership has no leader with an e-mail address."))
    now = claim_once(
        Selection,
        selection.pk,
        stamp="leader_emailed_at",
        actor_field="leader_emailed_by",
        actor=actor,
        already=_("The leader has already been e-mailed."),
        send=emails.send_selection_notice,
    )
    selection.leader_emailed_at = now
    selection.leader_emailed_by = actor
    return selection


# --- scenario (§2.4.3, §2.5.5) -------------------------------------------------------------------


@transaction.atomic
def scenario_update(*, selection: Selection, actor: User, body: str) -> Scenario:
    """The leader (or staff) adapts the partnership's scenario; each save is in its history."""
    if not selectors.can_edit_scenario(actor, selection):
        raise PermissionDenied
    scenario = Scenario.objects.select_for_update().get(selection=selection)
    if not (body or "").strip():
        raise ValidationError({"body": _("The scenario cannot be empty.")})
    scenario.body = body
    scenario.updated_by = actor
    save_validated(scenario)
    return scenario


# --- production (§2.4.2, §2.4.4, §2.4.7) ---------------------------------------------------------


@functools.cache
def _polish_holidays(year: int) -> dict:
    return dict(holidays.country_holidays("PL", years=year, language="pl"))


def non_working_reason(day: datetime.date) -> str | None:
    """Why ``day`` is not a working day in Poland, or None when it is one."""
    holiday = _polish_holidays(day.year).get(day)
    if holiday:
        return _("%(date)s is a public holiday (%(name)s).") % {
            "date": _day(day),
            "name": holiday,
        }
    if day.weekday() >= 5:
        return _("%(date)s falls on a weekend, not on a working day.") % {"date": _day(day)}
    return None


def check_shooting_days(first_day, last_day) -> None:
    """§2.4.2 "w ciągu 1-2 dni roboczych": one or two working days (no weekend, no Polish
    public holiday), the second within a week of the first, not necessarily the next day.
    The database holds the week (``clip_production_one_or_two_days``)."""
    if last_day and not first_day:
        raise ValidationError({"first_day": _("Give the first shooting day.")})
    if not first_day:
        return
    if last_day:
        if last_day < first_day:
            raise ValidationError({"last_day": _("The second day cannot be before the first one.")})
        apart = (last_day - first_day).days
        if apart >= SHOOTING_WITHIN_DAYS:
            raise ValidationError(
                {
                    "last_day": ngettext(
                        "The clip is shot in one or two working days within a week (§2.4.2); "
                        "these dates are %(days)d day apart.",
                        "The clip is shot in one or two working days within a week (§2.4.2); "
                        "these dates are %(days)d days apart.",
                        apart,
                    )
                    % {"days": apart}
                }
            )
    for name, day in (("first_day", first_day), ("last_day", last_day)):
        if day:
            reason = non_working_reason(day)
            if reason:
                raise ValidationError(
                    {name: reason + " " + _("The clip is shot on working days (§2.4.2).")}
                )


PRODUCTION_FIELDS = (
    "first_day",
    "last_day",
    "place",
    "target_minutes",
    "videographer_name",
    "videographer_email",
    "videographer_phone",
    "videographer_website",
    "clip_url",
)


@transaction.atomic
def production_save(*, selection: Selection, actor: User, **fields) -> Production:
    """Staff record the shooting: days, place, length, the videographer's contact, the link
    to the finished clip."""
    _require_staff(actor)
    if not selection.is_active:
        raise ValidationError(_("This selection has been withdrawn."))
    production = Production.objects.select_for_update().filter(
        selection=selection
    ).first() or Production(selection=selection)
    for name in PRODUCTION_FIELDS:
        if name in fields:
            setattr(production, name, fields[name])
    if production.last_day and production.last_day == production.first_day:
        production.last_day = None
    check_shooting_days(production.first_day, production.last_day)
    production.updated_by = actor
    save_validated(production)
    return production


def production_introduce(*, selection: Selection, actor: User) -> Production:
    """Put the leader and the videographer in touch once (§2.4.7), as for study visit hosts:
    both get an e-mail with the other's contacts; later contact is direct."""
    _require_staff(actor)
    production = Production.objects.filter(selection=selection).first()
    if production is None or not production.videographer_email:
        raise ValidationError(_("Add the videographer's e-mail address to the production first."))
    leader = selection.partnership.leader
    if leader is None or not leader.email:
        raise ValidationError(_("The partnership has no leader with an e-mail address."))
    now = claim_once(
        Production,
        production.pk,
        stamp="introduced_at",
        actor_field="introduced_by",
        actor=actor,
        already=_("The leader and the videographer have already been introduced."),
        send=emails.send_production_introduction,
    )
    production.introduced_at = now
    production.introduced_by = actor
    return production
