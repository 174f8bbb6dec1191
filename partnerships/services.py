"""Writes of the partnerships app. Each function is one transaction; its e-mails are queued in
the outbox in the same transaction and sent by the worker after commit (``portal.mail``).
Rule violations raise ``ValidationError`` with a message for the user."""

import datetime

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partnerships import emails
from partnerships.enums import ApplicationStatus, InstitutionKind, PartnershipStatus, Sector
from partnerships.models import (
    Application,
    ApplicationCall,
    Institution,
    Invitation,
    Partner,
    Partnership,
    Person,
    User,
    new_calendar_token,
)
from portal import figures
from portal.enums import Role
from portal.roles import is_staff_member
from portal.services import save_validated
from portal.tokens import hash_token, new_token

# --- partnership, partners, people -------------------------------------------------------


def partnership_update(*, partnership: Partnership, name: str, common_goal: str) -> Partnership:
    partnership.name = name
    partnership.common_goal = common_goal
    save_validated(partnership)
    return partnership


@transaction.atomic
def partner_add(
    *,
    partnership: Partnership,
    institution: Institution,
    contribution: str,
    benefit: str,
    joined_on: datetime.date | None = None,
) -> Partner:
    """Add a new institution to the partnership as a partner (both rows or neither)."""
    save_validated(institution)
    partner = Partner(
        partnership=partnership,
        institution=institution,
        contribution=contribution,
        benefit=benefit,
        joined_on=joined_on or timezone.localdate(),
    )
    save_validated(partner)
    return partner


@transaction.atomic
def partner_update(*, partner: Partner, contribution: str, benefit: str) -> Partner:
    save_validated(partner.institution)
    partner.contribution = contribution
    partner.benefit = benefit
    save_validated(partner)
    return partner


def partner_leave(*, partner: Partner, left_on: datetime.date | None = None) -> Partner:
    """Record that a partner left; the row stays for the history and the reports."""
    if partner.left_on is not None:
        raise ValidationError(_("This partner has already left the partnership."))
    if partner.institution_id == partner.partnership.lead_library_id:
        raise ValidationError(_("The lead library cannot leave its own partnership."))
    partner.left_on = left_on or timezone.localdate()
    save_validated(partner)
    return partner


def _check_person_institution(person: Person) -> None:
    active = Partner.objects.filter(
        partnership_id=person.partnership_id,
        institution_id=person.institution_id,
        left_on__isnull=True,
    ).exists()
    if not active:
        raise ValidationError(
            {"institution": _("Choose an institution that is an active partner.")}
        )


def _link_leader(person: Person, is_leader: bool | None) -> None:
    """§2.3.3: the library leader is the person linked to the partnership's leader account.

    ``is_leader`` True links ``person`` and unlinks whoever held the link before; False
    removes the person's link to the leader's account; None leaves it, except that a new
    person with the leader's login e-mail is linked when nobody holds the link yet (the leader
    adding themselves). Locks the partnership row, so two links at once end with one."""
    partnership = (
        Partnership.objects.select_for_update(of=("self",))
        .select_related("leader")
        .get(pk=person.partnership_id)
    )
    leader = partnership.leader
    holders = Person.objects.filter(
        partnership=partnership, user=leader, archived_at__isnull=True
    ).exclude(pk=person.pk)
    if is_leader and leader is None:
        raise ValidationError(
            {
                "is_leader": _(
                    "The partnership has no leader's account yet: the support centre invites "
                    "the leader first."
                )
            }
        )
    if leader is None:
        return
    if is_leader is None and person.pk is None and person.user_id is None:
        is_leader = person.email == leader.email.lower() and not holders.exists()
    if is_leader:
        # Row by row, so each change keeps its history with the actor.
        for other in holders.select_for_update():
            other.user = None
            other.save(update_fields=["user"])
        person.user = leader
    elif is_leader is False and person.user_id == leader.pk:
        person.user = None


@transaction.atomic
def person_add(
    *, partnership: Partnership, consent: bool, is_leader: bool | None = None, **fields
) -> Person:
    """Add a person who agreed to the processing of their data; ``is_leader`` links them to
    the leader's account (``_link_leader``)."""
    if not consent:
        raise ValidationError(
            {"consent": _("Add a person only after they agreed to the processing of their data.")}
        )
    person = Person(partnership=partnership, consent_given_at=timezone.now(), **fields)
    person.email = person.email.lower()
    _check_person_institution(person)
    _link_leader(person, is_leader)
    save_validated(person)
    return person


@transaction.atomic
def person_update(*, person: Person, is_leader: bool | None = None, **fields) -> Person:
    """Change a person; ``is_leader`` True or False sets or removes the link to the leader's
    account (``_link_leader``), None keeps it."""
    for name, value in fields.items():
        setattr(person, name, value)
    person.email = person.email.lower()
    _check_person_institution(person)
    _link_leader(person, is_leader)
    save_validated(person)
    return person


@transaction.atomic
def leader_person_sync(
    *, partnership: Partnership, consent_given_at: datetime.datetime | None = None, **details
) -> Person | None:
    """§2.3.3 "w tym lider biblioteczny": the leader is one of the partnership's people,
    linked to the leader's account from the moment the account exists. Called when the
    account appears or changes: an application qualified, an invitation to lead accepted, staff
    changing the leader (invited on the invitations page, or in the admin).

    Locks the partnership row (as ``_link_leader``), then: people linked to another account
    lose the link (a change of leader moves it); a person already linked to the leader stays;
    otherwise the active person with the leader's login e-mail is linked; otherwise, when the
    leader's consent is known (``consent_given_at``: the application's, or accepting the
    invitation to lead), a person is added at the lead library from ``details`` (first_name,
    last_name, email, phone, position) or the account's names. Without consent, or without a
    first and last name, nobody is added: the link waits for the invitation to be accepted or
    for the leader adding themselves (linked by their login e-mail). Returns the linked person
    or None."""
    partnership = (
        Partnership.objects.select_for_update(of=("self",))
        .select_related("leader")
        .get(pk=partnership.pk)
    )
    leader = partnership.leader
    people = Person.objects.filter(partnership=partnership, archived_at__isnull=True)
    # Row by row, so each change keeps its history.
    for former in people.filter(user__isnull=False).exclude(user=leader).select_for_update():
        former.user = None
        former.save(update_fields=["user"])
    if leader is None:
        return None
    linked = people.filter(user=leader).first()
    if linked is not None:
        return linked
    person = people.filter(email__iexact=leader.email).select_for_update().first()
    if person is not None:
        person.user = leader
        person.save(update_fields=["user"])
        return person
    if consent_given_at is None:
        return None
    person = Person(
        partnership=partnership,
        institution_id=partnership.lead_library_id,
        user=leader,
        first_name=(details.get("first_name") or leader.first_name).strip(),
        last_name=(details.get("last_name") or leader.last_name).strip(),
        email=(details.get("email") or leader.email).strip().lower(),
        phone=details.get("phone", ""),
        position=details.get("position", ""),
        consent_given_at=consent_given_at,
    )
    if not (person.first_name and person.last_name):
        return None
    try:
        _check_person_institution(person)
    except ValidationError:
        return None  # the lead library has left the partnership: nowhere to place the person
    save_validated(person)
    return person


def person_archive(*, person: Person) -> Person:
    person.archived_at = timezone.now()
    person.save(update_fields=["archived_at"])
    return person


def animator_assignment_check(
    *, partnership: Partnership, animator: User | None, assigned_on: datetime.date | None
) -> None:
    """The rules of assigning ``animator`` from ``assigned_on`` (a date, or None for today)
    to ``partnership`` as saved: an active animator, a partnership still in the programme, a
    date not in the future, and a change. ``partnership_assign_animator`` checks them under
    the partnership's lock; the admin's form calls this to show them in place."""
    if animator is not None and not (
        animator.is_active and animator.groups.filter(name=Role.ANIMATOR).exists()
    ):
        raise ValidationError({"animator": _("This person is not an animator.")})
    if partnership.status == PartnershipStatus.WITHDRAWN:
        raise ValidationError(
            _("This partnership has withdrawn from the programme: its animator cannot change.")
        )
    today = timezone.localdate()
    if animator is not None and assigned_on is not None and assigned_on > today:
        raise ValidationError(
            {"assigned_on": _("The date of the assignment cannot be in the future.")}
        )
    new = (animator.pk, assigned_on or today) if animator is not None else (None, None)
    if (partnership.animator_id, partnership.animator_assigned_on) == new:
        raise ValidationError({"animator": _("Nothing has changed: this is the current animator.")})


@transaction.atomic
def partnership_assign_animator(
    *,
    partnership: Partnership,
    actor: User,
    animator: User | None,
    assigned_on: datetime.date | None = None,
) -> Partnership:
    """Assign, change or remove a partnership's animator, from ``assigned_on`` (today when
    not given). Staff only. Locks the partnership row and checks ``animator_assignment_check``
    under the lock; the change, its date and the actor are kept in the partnership's history.
    The first animator moves a qualified partnership into support (§2.1); the reminder about
    the diagnosis counts from ``assigned_on``."""
    if not is_staff_member(actor):
        raise PermissionDenied
    partnership = Partnership.objects.select_for_update(of=("self",)).get(pk=partnership.pk)
    animator_assignment_check(partnership=partnership, animator=animator, assigned_on=assigned_on)
    partnership.animator = animator
    partnership.animator_assigned_on = (
        (assigned_on or timezone.localdate()) if animator is not None else None
    )
    if animator and partnership.status == PartnershipStatus.QUALIFIED:
        partnership.status = PartnershipStatus.IN_SUPPORT
    partnership._history_user = actor  # the history names who, outside a request too
    save_validated(partnership)
    return partnership


# --- accounts ------------------------------------------------------------------------------


@transaction.atomic
def user_invite(
    *,
    email: str,
    role: str,
    invited_by: User | None,
    first_name: str = "",
    last_name: str = "",
    partnership: Partnership | None = None,
) -> Invitation:
    """Create (or reuse) an inactive account and e-mail a link to set its password.

    A person who already has an active account cannot be invited again: staff give them the
    role in the admin. A new invitation revokes the person's earlier unused ones."""
    email = email.strip().lower()
    if role not in Role.values:
        raise ValidationError({"role": _("Choose a role.")})
    user = User.objects.select_for_update().filter(email__iexact=email).first()
    if user is not None and user.is_active and user.has_usable_password():
        raise ValidationError(
            {"email": _("This person already has an account. Give them the role in the admin.")}
        )
    if user is None:
        user = User.objects.create_user(
            email=email, first_name=first_name, last_name=last_name, is_active=False
        )
    else:
        user.first_name = first_name or user.first_name
        user.last_name = last_name or user.last_name
        user.save(update_fields=["first_name", "last_name"])
    if role == Role.STAFF and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    if partnership is not None:
        if role != Role.LEADER:
            raise ValidationError({"partnership": _("Only a library leader leads a partnership.")})
        partnership.leader = user
        partnership.save(update_fields=["leader", "updated_at"])
        # §2.3.3: the link moves to the new leader at once (their person, when they are
        # already among the partnership's people; otherwise on accepting).
        leader_person_sync(partnership=partnership)

    now = timezone.now()
    user.invitations.filter(accepted_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=now
    )
    figures.changed()  # an update sends no signal
    token = new_token()
    invitation = Invitation.objects.create(
        user=user,
        role=role,
        partnership=partnership,
        token_hash=hash_token(token),
        invited_by=invited_by,
        expires_at=now + datetime.timedelta(days=settings.INVITATION_VALID_DAYS),
    )
    emails.send_invitation(invitation.pk, token)
    return invitation


@transaction.atomic
def invitation_accept(*, invitation: Invitation, password: str) -> User:
    """Set the password, activate the account and use up the invitation (once)."""
    invitation = Invitation.objects.select_for_update().select_related("user").get(pk=invitation.pk)
    if not invitation.is_usable():
        raise ValidationError(_("This invitation has expired or was already used."))
    user = invitation.user
    user.set_password(password)
    user.is_active = True
    user.save(update_fields=["password", "is_active"])
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    partnership = invitation.partnership
    if partnership is not None and partnership.leader_id == user.pk:
        # §2.3.3: accepting the invitation to lead, the leader agrees to be listed among the
        # partnership's people (the page says so); their person is linked or added.
        leader_person_sync(partnership=partnership, consent_given_at=invitation.accepted_at)
    return user


# --- applications --------------------------------------------------------------------------

APPLICATION_REQUIRED_FIELDS = (
    "library_name",
    "library_commune",
    "library_voivodeship",
    "contact_name",
    "contact_email",
    "partnership_name",
    "common_goal",
    "planned_partners",
    "first_meeting_reflections",
)


APPLICATION_CALL_FIELDS = ("title", "round", "description", "opens_at", "deadline")


def application_call_check(*, call: ApplicationCall, fields: dict) -> None:
    """The rules of a call beyond its row's (the deadline after the opening): a deadline set
    or moved lies ahead, so the call is open until then; the round stays once libraries have
    applied, as their partnerships join that round when qualified."""
    saved = ApplicationCall.objects.filter(pk=call.pk).first() if call.pk else None
    deadline = fields.get("deadline", call.deadline)
    moved = deadline is not None and (saved is None or deadline != saved.deadline)
    if moved and deadline <= timezone.now():
        raise ValidationError(
            {"deadline": _("Set a deadline that is still ahead: this one has passed.")}
        )
    round_ = fields.get("round", call.round)
    if saved is not None and round_ != saved.round and saved.applications.exists():
        raise ValidationError(
            {
                "round": _(
                    "Libraries have already applied in this call; its round can no longer change."
                )
            }
        )


@transaction.atomic
def application_call_create(*, actor: User, **fields) -> ApplicationCall:
    """Staff open a call: it takes applications from ``opens_at`` until ``deadline``."""
    if not is_staff_member(actor):
        raise PermissionDenied
    call = ApplicationCall(
        **{name: fields[name] for name in APPLICATION_CALL_FIELDS if name in fields}
    )
    application_call_check(call=call, fields=fields)
    call._history_user = actor
    save_validated(call)
    return call


@transaction.atomic
def application_call_update(*, call: ApplicationCall, actor: User, **fields) -> ApplicationCall:
    """Staff change a call. Locks the call's row, so two changes run one after another, and
    checks ``application_call_check`` under the lock. The change is kept in the call's
    history, with the actor."""
    if not is_staff_member(actor):
        raise PermissionDenied
    call = ApplicationCall.objects.select_for_update().get(pk=call.pk)
    application_call_check(call=call, fields=fields)
    for name in APPLICATION_CALL_FIELDS:
        if name in fields:
            setattr(call, name, fields[name])
    call._history_user = actor
    save_validated(call)
    return call


@transaction.atomic
def application_start(
    *, call: ApplicationCall, submit: bool = False, **fields
) -> tuple[Application, str]:
    """Save a new draft (and submit it at once when ``submit``) and e-mail its secret link.

    Returns the application and the token of its link. An incomplete submission saves
    nothing."""
    if not call.is_open():
        raise ValidationError(_("This call is closed: applications are no longer accepted."))
    token = new_token()
    application = Application(call=call, access_token_hash=hash_token(token), **fields)
    save_validated(application)
    if submit:
        application = application_submit(application=application)
    emails.send_application_link(application.pk, token)
    return application, token


def _check_editable(application: Application) -> None:
    if application.status != ApplicationStatus.DRAFT:
        raise ValidationError(_("This application was already submitted and cannot be changed."))
    if not application.call.is_open():
        raise ValidationError(
            _("The deadline has passed: the application can no longer be changed.")
        )


@transaction.atomic
def application_save_draft(*, application: Application, **fields) -> Application:
    application = (
        Application.objects.select_for_update().select_related("call").get(pk=application.pk)
    )
    _check_editable(application)
    for name, value in fields.items():
        setattr(application, name, value)
    save_validated(application)
    return application


@transaction.atomic
def application_submit(*, application: Application, **fields) -> Application:
    """Save and submit: every field filled, consent given, before the deadline."""
    application = (
        Application.objects.select_for_update().select_related("call").get(pk=application.pk)
    )
    _check_editable(application)
    for name, value in fields.items():
        setattr(application, name, value)
    errors = {
        name: _("This field is required to submit the application.")
        for name in APPLICATION_REQUIRED_FIELDS
        if not str(getattr(application, name) or "").strip()
    }
    if not application.consent:
        errors["consent"] = _("Consent to data processing is required to submit.")
    if errors:
        raise ValidationError(errors)
    application.status = ApplicationStatus.SUBMITTED
    application.submitted_at = timezone.now()
    save_validated(application)
    emails.send_application_submitted(application.pk)
    return application


def _lock_submitted(application: Application) -> Application:
    application = (
        Application.objects.select_for_update().select_related("call").get(pk=application.pk)
    )
    if application.status != ApplicationStatus.SUBMITTED:
        raise ValidationError(_("This application has already been decided."))
    return application


@transaction.atomic
def application_qualify(
    *, application: Application, actor: User, animator: User | None = None, note: str = ""
) -> Partnership:
    """Qualify: create the library, the partnership with the library as its first partner, and
    invite the contact person as its leader. The applicant is told by e-mail. Staff only."""
    if not is_staff_member(actor):
        raise PermissionDenied
    application = _lock_submitted(application)
    library = Institution(
        name=application.library_name,
        sector=Sector.PUBLIC,
        kind=InstitutionKind.LIBRARY,
        commune=application.library_commune,
        voivodeship=application.library_voivodeship,
        address=application.library_address,
        email=application.contact_email,
        phone=application.contact_phone,
    )
    save_validated(library)
    partnership = Partnership(
        name=application.partnership_name,
        lead_library=library,
        round=application.call.round,
        common_goal=application.common_goal,
        status=PartnershipStatus.QUALIFIED,
    )
    save_validated(partnership)
    Partner.objects.create(
        partnership=partnership,
        institution=library,
        contribution=_("Leads the partnership."),
        benefit=_("Support of the programme in developing local cooperation."),
    )
    if animator is not None:
        partnership = partnership_assign_animator(
            partnership=partnership, actor=actor, animator=animator
        )
    first, _sep, last = application.contact_name.partition(" ")
    try:
        user_invite(
            email=application.contact_email,
            role=Role.LEADER,
            invited_by=actor,
            first_name=first,
            last_name=last,
            partnership=partnership,
        )
    except ValidationError:
        # The contact already has an account: make them the leader directly.
        user = User.objects.get(email__iexact=application.contact_email)
        user.groups.add(Group.objects.get(name=Role.LEADER))
        partnership.leader = user
        partnership.save(update_fields=["leader", "updated_at"])
    # §2.3.3: the applicant, who agreed to the processing of the application's data, is the
    # partnership's first person, linked to the leader's account from now on.
    leader_person_sync(
        partnership=partnership,
        consent_given_at=application.submitted_at if application.consent else None,
        first_name=first,
        last_name=last,
        email=application.contact_email,
        phone=application.contact_phone,
    )

    application.status = ApplicationStatus.QUALIFIED
    application.decided_at = timezone.now()
    application.decided_by = actor
    application.decision_note = note
    application.partnership = partnership
    application.save()
    emails.send_application_decision(application.pk)
    return partnership


@transaction.atomic
def application_reject(*, application: Application, actor: User, note: str) -> Application:
    """Reject with a reason the applicant receives by e-mail. Staff only."""
    if not is_staff_member(actor):
        raise PermissionDenied
    if not note.strip():
        raise ValidationError({"note": _("Give the reason: the applicant receives it.")})
    application = _lock_submitted(application)
    application.status = ApplicationStatus.REJECTED
    application.decided_at = timezone.now()
    application.decided_by = actor
    application.decision_note = note
    application.save()
    emails.send_application_decision(application.pk)
    return application


def calendar_token_reset(*, user: User) -> User:
    """Give the user a new feed address; the old one stops working at once."""

    user.calendar_token = new_calendar_token()
    user.save(update_fields=["calendar_token"])
    return user
