"""Writes every app shares: saving a validated row, claiming a row once, the role groups."""

from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.enums import Role
from portal.models import PublicInformation, ReminderOptOut
from portal.selectors import reminders_for_user

# Shown when a row changed between reading it and writing it (a lost race, a stale form).
CHANGED_MEANWHILE = _("The data changed in the meantime. Check it and try again.")


def save_validated(obj, **clean_kwargs) -> None:
    """``full_clean()`` then ``save()``: a row that breaks a model rule raises
    ``ValidationError`` (with the field it names) and is not written. ``clean_kwargs`` go to
    ``full_clean`` (``validate_constraints=False`` where a lock already holds the rule)."""
    obj.full_clean(**clean_kwargs)
    obj.save()


def claim_once(
    model, pk: int, *, stamp: str, actor_field: str, actor, already, send: Callable
) -> datetime:
    """Do a one-time action on a row (an introduction, a notice) once, whoever clicks:
    one atomic ``UPDATE … SET <stamp>=now, <actor_field>=actor WHERE pk=… AND <stamp> IS NULL``;
    if another request got there first, ``ValidationError(already)``. The claimed row is then
    saved again so its history records the change, and ``send(pk)`` runs after commit
    (``robust``: a mail server that fails is logged, the claim stands). Returns the moment
    stamped."""
    now = timezone.now()
    with transaction.atomic():
        claimed = model.objects.filter(pk=pk, **{f"{stamp}__isnull": True}).update(
            **{stamp: now, actor_field: actor}
        )
        if not claimed:
            raise ValidationError(already)
        model.objects.get(pk=pk).save(update_fields=[stamp, actor_field])
        transaction.on_commit(lambda: send(pk), robust=True)
    return now


def role_groups_ensure() -> None:
    """Create the role groups; the staff group gets every permission of the portal's apps.

    Idempotent; runs after every ``migrate``."""
    with transaction.atomic():
        for role in Role.values:
            Group.objects.get_or_create(name=role)
        staff = Group.objects.get(name=Role.STAFF)
        staff.permissions.set(
            Permission.objects.filter(
                content_type__app_label__in=(*settings.PORTAL_APPS, "auth", "simple_history")
            )
        )


@transaction.atomic
def reminder_preferences_set(*, user, enabled: set[str]) -> set[str]:
    """Switch the user's optional reminders on (``enabled``) and off (the rest of those their
    roles receive). Essential reminders cannot be switched off. Returns the kinds now off."""
    _essential, optional = reminders_for_user(user)
    off = {r.kind for r in optional} - set(enabled)
    ReminderOptOut.objects.filter(user=user, kind__in=[r.kind for r in optional]).exclude(
        kind__in=off
    ).delete()
    ReminderOptOut.objects.bulk_create(
        [ReminderOptOut(user=user, kind=kind) for kind in sorted(off)], ignore_conflicts=True
    )
    return off


@transaction.atomic
def public_information_save(*, info, actor):
    """Save the facts of the public information pages (one row: the first save creates it).
    The history of changes records ``actor`` through the request (simple-history)."""

    existing = PublicInformation.objects.select_for_update().first()
    if existing is not None and existing.pk != info.pk:
        raise ValidationError(_("The public information exists already; change that one."))
    info.full_clean()
    info.save()
    return info
