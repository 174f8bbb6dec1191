import datetime

import pytest
from django.utils import timezone

from support import services

RECORDS = {
    "diagnosis": {"state": "Stan.", "development": "Rozwój.", "potential": "Potencjał."},
    "meeting_1": {
        "experience_assessment": "Ocena.",
        "planned_actions": "Plany.",
        "next_meeting_on": None,  # filled in from the meeting's date
    },
    "meeting_2": {"progress": "Postępy.", "training_topic": "team"},
}


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


@pytest.fixture
def log():
    """Log a session through the service, with a valid record for its kind."""

    def _log(partnership, *, actor=None, kind="remote", held_on=None, duration_minutes=60, **kw):
        held_on = held_on or timezone.localdate()
        record = dict(RECORDS.get(kind, {})) or None
        if kind == "meeting_1":
            record["next_meeting_on"] = held_on + datetime.timedelta(days=14)
        record = kw.pop("record", record)
        return services.session_log(
            partnership=partnership,
            actor=actor or partnership.animator,
            kind=kind,
            channel=kw.pop("channel", "in_person" if kind != "remote" else "phone"),
            held_on=held_on,
            duration_minutes=duration_minutes,
            record=record,
            **kw,
        )

    return _log


@pytest.fixture
def cycle(log):
    """Log a diagnosis 20 days ago and meeting 1 ten days ago on a partnership."""

    def _cycle(partnership):
        diagnosis = log(partnership, kind="diagnosis", held_on=days_ago(20))
        meeting_1 = log(partnership, kind="meeting_1", held_on=days_ago(10), duration_minutes=180)
        return diagnosis, meeting_1

    return _cycle
