"""Writes of the reports app: anonymising a person (GDPR)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from events.services import participant_answers_erase
from partnerships.models import Person
from portal.models import OutboxMessage, ReminderSent
from reports.models import Anonymisation

ANONYMOUS_FIRST_NAME = "Osoba zanonimizowana"
# Kept in the history row; the history page shows it in the reader's language.
ANONYMISED_REASON = "gdpr-anonymisation"
PERSONAL_FIELDS = ("first_name", "last_name", "position", "email", "phone")


def anonymous_values(pk: int) -> dict:
    """What replaces a person's personal fields; the e-mail stays valid but reaches no one
    (``.invalid`` is reserved, RFC 2606) and stays unique per person."""
    return {
        "first_name": ANONYMOUS_FIRST_NAME,
        "last_name": f"#{pk}",
        "position": "",
        "email": f"osoba-{pk}@zanonimizowana.invalid",
        "phone": "",
    }


@transaction.atomic
def person_anonymise(*, person: Person, actor) -> Person:
    """Replace the person's name and contacts, unlink their account, archive them if they were
    not, scrub the same fields in every history row of them, and record the anonymisation.

    Side effects: one new history row (by ``actor``) with the anonymous values; earlier history
    rows of the person are rewritten, and so are their answers through their event links
    (``events.services.participant_answers_erase``). Their registrations, attendance and the
    partnership's counts stay. The consent date is kept as the record of the lawful basis. A
    person already anonymised: ``ValidationError``, nothing changes. Row lock on the person, so
    two staff clicking at once anonymise once."""
    locked = Person.objects.select_for_update().get(pk=person.pk)
    if Anonymisation.objects.filter(person=locked).exists():
        raise ValidationError(_("This person has already been anonymised; nothing was changed."))
    old_email = locked.email
    values = anonymous_values(locked.pk)
    for name, value in values.items():
        setattr(locked, name, value)
    # The link to an account would name the person again; the account itself is not changed.
    locked.user = None
    if locked.archived_at is None:
        locked.archived_at = timezone.now()
    locked._history_user = actor
    locked._change_reason = ANONYMISED_REASON
    locked.full_clean()
    locked.save()
    Person.history.filter(id=locked.pk).update(**values, user=None)
    # The reminders' sent log keeps the address a reminder went to; it goes too (the log's
    # keys and dates stay, so a reminder is still never sent twice).
    if old_email:
        ReminderSent.objects.filter(email__iexact=old_email).update(email="")
        # The e-mails to them carry their name and address in every line: they go (the sent
        # log's link to a message is emptied with them). One still waiting is not sent.
        OutboxMessage.objects.filter(to=old_email.lower()).delete()
    # What they wrote through their own event links (diet, needs, …) goes, and the links stop.
    participant_answers_erase(person=locked, actor=actor)
    Anonymisation.objects.create(person=locked, done_by=actor)
    return locked
