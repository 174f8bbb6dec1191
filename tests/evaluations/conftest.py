"""A study visit of 10–11 December 2026 with four participants: three of partnership A marked
present, one of partnership B marked absent. The survey opens on 12 December, reminders go
on the 15th and the 19th, the last day to answer is the 25th."""

import datetime
import re
from dataclasses import dataclass

import pytest
from django.utils import timezone

from evaluations.models import Invitation
from evaluations.selectors import questionnaire_for
from events.models import Participant
from events.services import attendance_mark, registration_submit
from portal import reminders
from tests.factories import EventFactory, PersonFactory

TZ = timezone.get_fixed_timezone(60)
D = datetime.date
FIRST_DAY = D(2026, 12, 10)
OPENS = D(2026, 12, 12)
LAST_DAY = D(2026, 12, 25)
LINK = re.compile(r"https?://\S+/ewaluacja/ankieta/([\w-]+)/")


def at(time_machine, day: datetime.date, hour: int = 9):
    time_machine.move_to(datetime.datetime.combine(day, datetime.time(hour), TZ), tick=False)


@dataclass
class Visit:
    event: object
    present: list  # participants of partnership A, marked present
    absent: object  # the participant of partnership B, marked absent


@pytest.fixture
def visit(world, time_machine):
    at(time_machine, D(2026, 12, 1))
    event = EventFactory(
        title="Wizyta w Łodzi", starts_on=FIRST_DAY, ends_on=FIRST_DAY + datetime.timedelta(1)
    )
    people_a = [
        PersonFactory(partnership=world.partnership_a, email=f"osoba.{n}@example.org")
        for n in ("anna", "bogdan", "celina")
    ]
    person_b = PersonFactory(partnership=world.partnership_b, email="daria@example.org")
    registration_submit(
        event=event,
        partnership=world.partnership_a,
        people=people_a,
        chosen_internally=True,
        actor=world.staff,
    )
    registration_submit(
        event=event,
        partnership=world.partnership_b,
        people=[person_b],
        chosen_internally=True,
        fewer_confirmed=True,
        fewer_reason="Tylko jedna osoba może przyjechać.",
        actor=world.staff,
    )
    at(time_machine, FIRST_DAY + datetime.timedelta(1), hour=18)
    participants = {p.person_id: p for p in Participant.objects.filter(event=event)}
    marks = {p.pk: (p.person_id != person_b.pk, True) for p in participants.values()}
    attendance_mark(event=event, actor=world.staff, marks=marks)
    return Visit(
        event=event,
        present=[participants[p.pk] for p in people_a],
        absent=participants[person_b.pk],
    )


def tokens_in(messages) -> dict[str, str]:
    """{recipient: the survey token in the message's text}."""
    return {m.to[0]: LINK.search(m.body).group(1) for m in messages if LINK.search(m.body)}


@pytest.fixture
def invited(visit, time_machine, mailoutbox):
    """The survey open (12 December) and each present participant invited by the reminder
    engine; returns ``{e-mail: token}`` read from the e-mails sent."""
    at(time_machine, OPENS)
    assert reminders.run("evaluations.invitation").sent == len(visit.present)
    tokens = tokens_in(mailoutbox)
    mailoutbox.clear()
    return tokens


def answers_for(event, ratings=(5, 4, 3, 4, 5), texts=("Spotkanie z wójtem.", "")) -> dict:
    questions = list(questionnaire_for(event.kind).questions.all())
    answers = dict(zip([q.pk for q in questions if q.is_rating], ratings, strict=False))
    answers |= dict(zip([q.pk for q in questions if not q.is_rating], texts, strict=False))
    return answers


def form_data(answers: dict) -> dict:
    return {f"q{pk}": "" if value is None else str(value) for pk, value in answers.items()}


def invitation_of(participant) -> Invitation:
    return Invitation.objects.select_related("event").get(participant=participant)
