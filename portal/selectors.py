"""Reads of the platform's own data."""

from portal import reminders
from portal.models import PublicInformation
from portal.roles import user_roles


def reminders_for_user(user) -> tuple[list, list]:
    """The reminders the user's roles receive: ``(essential, optional)``, each a list of
    ``portal.reminders.Reminder``; optional ones can be switched off."""
    roles = user_roles(user)
    mine = [r for _k, r in sorted(reminders.registered().items()) if roles & set(r.roles)]
    return [r for r in mine if r.essential], [r for r in mine if not r.essential]


def reminder_kinds_off(user) -> set[str]:
    return set(user.reminder_opt_outs.values_list("kind", flat=True))


def public_information():
    """The facts the public information pages show: staff's row, or the defaults until they
    write one (an unsaved instance, never created by a read)."""

    return PublicInformation.objects.first() or PublicInformation()
