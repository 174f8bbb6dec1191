"""Reminders of the clips app, on the shared engine of ``portal.reminders``.

The scan yields one ``Due`` per committee member with candidates left to score when a call's
scoring closes within ``REMINDER_DAYS``; ``portal.reminders.run`` claims each (call, member)
once in ``ReminderSent`` and queues its e-mail.
"""

import datetime
from collections.abc import Iterable
from functools import partial

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from clips import emails, selectors
from clips.enums import CallStatus
from clips.models import ClipCall, Score
from partnerships.models import User
from portal.enums import Role
from portal.reminders import Due, reminder

REMINDER_DAYS = 3


@reminder(
    kind="clips.scoring_closes_soon",
    essential=False,
    roles=(Role.COMMITTEE, Role.ANIMATOR, Role.STAFF),
    label=_("Clip scoring closes in 3 days and you have candidates left to score"),
    description=_("To each committee member who has not scored every candidate yet."),
)
def scoring_closes_soon(now, **filters) -> Iterable[Due]:
    """Three queries per call closing soon (few at a time): the eligible candidates, the
    scores given and the committee (prefetched)."""
    calls = ClipCall.objects.filter(
        status=CallStatus.OPEN,
        scoring_deadline__gt=now,
        scoring_deadline__lte=now + datetime.timedelta(days=REMINDER_DAYS),
    ).prefetch_related(
        Prefetch(
            "committee",
            queryset=User.objects.filter(is_active=True).exclude(email="").order_by("pk"),
            to_attr="active_members",
        )
    )
    for call in calls:
        candidates = list(selectors.eligible_partnerships(call).values_list("pk", "animator_id"))
        scored = set(Score.objects.filter(call=call).values_list("member_id", "partnership_id"))
        for member in call.active_members:
            left = [
                pk
                for pk, animator_id in candidates
                if animator_id != member.pk and (member.pk, pk) not in scored
            ]
            if not left:
                continue
            yield Due(
                occasion=f"call{call.pk}-m{member.pk}",
                email=member.email,
                user_id=member.pk,
                send=partial(emails.send_scoring_reminder, call.pk, member.pk),
                summary=f"{call.title}: {len(left)}",
            )
