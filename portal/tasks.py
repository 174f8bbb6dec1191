"""The platform's tasks: delivering the outbox, the weekly staff digest and the heartbeat of
the scheduled work. The digest's sections come from the other apps
(``portal.hooks.register_digest_section`` in their ``hooks.py``), so this app does not import
them."""

from collections.abc import Iterable
from functools import partial

from celery import shared_task
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from portal import emails, outbox
from portal.enums import Role
from portal.models import Heartbeat, ReminderSent
from portal.reminders import Due, digest_sections, reminder, staff_recipients


@shared_task
def outbox_deliver() -> int:
    """Send the e-mails that are due (``portal.outbox``). Published after each transaction
    that queues mail, and run by beat every ``outbox.SWEEP_SECONDS``; claims make runs at
    once harmless. Returns the number sent."""
    return outbox.deliver().sent


# The kind is stored in users' opt-outs and in the sent log, so it keeps the name it was
# first given.
DIGEST_KIND = "partnerships.staff_digest"


@reminder(
    kind=DIGEST_KIND,
    essential=False,
    roles=(Role.STAFF,),
    label=_("Weekly digest for staff"),
    description=_(
        "Once a week, at the first scan of the week: partnerships with no contact for 30 days "
        "and milestones at risk. Not sent when there is nothing to report."
    ),
)
def staff_digest(now, partnership_id: int | None = None) -> Iterable[Due]:
    if partnership_id is not None:
        return
    year, week, _day = timezone.localdate(now).isocalendar()
    occasion = f"{year}-W{week:02d}"
    staff = staff_recipients()
    keys = [
        Due(occasion=occasion, email=u.email, user_id=u.pk, send=None).key(DIGEST_KIND)
        for u in staff
    ]
    # Once this week's digest is claimed for everyone, skip building it (every 5 minutes).
    if not staff or ReminderSent.objects.filter(key__in=keys).count() == len(keys):
        return
    with translation.override(settings.LANGUAGE_CODE):
        sections = digest_sections(now)
    if not sections:
        return
    for user in staff:
        yield Due(
            occasion=occasion,
            email=user.email,
            user_id=user.pk,
            send=partial(emails.send_staff_digest, user.pk, sections=sections, week=occasion),
            summary=occasion,
        )


# How often beat schedules the heartbeat; the health check reports scheduled work as stopped
# when the last beat is several of these old (portal.health.BEAT_STALE_SECONDS).
HEARTBEAT_SECONDS = 60
BEAT = "beat"


@shared_task
def heartbeat() -> None:
    """Stamp the time: beat scheduled this and a worker ran it."""
    now = timezone.now()
    if not Heartbeat.objects.filter(name=BEAT).update(seen_at=now):
        Heartbeat.objects.update_or_create(name=BEAT, defaults={"seen_at": now})
