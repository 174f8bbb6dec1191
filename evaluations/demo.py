"""Demo data of the evaluation: a study visit that ended three days ago, its participants
marked present and invited, and a few answers, so the results page shows something after
``make run``. Idempotent: nothing is added once the visit exists."""

import datetime

from django.utils import timezone

from evaluations import selectors, services
from evaluations.models import Invitation
from events import services as event_services
from events.enums import EventKind
from events.models import Event, Participant
from partnerships.enums import PROGRAMME_STATUSES
from partnerships.models import Partnership

PAST_VISIT = "Wizyta studyjna: Biblioteka w sieci lokalnych partnerów (zakończona)"

# Ratings per response, in the order of the default study-visit questions, and the open
# answers (what worked, what to change).
ANSWERS = [
    ((5, 4, 5, 4, 5), "Rozmowa z wójtem i lokalnym przedsiębiorcą: konkretne przykłady.", ""),
    (
        (4, 4, 3, 4, 4),
        "Wizyta w świetlicy prowadzonej przez stowarzyszenie.",
        "Więcej czasu na rozmowy z gospodarzami.",
    ),
    ((5, 5, 4, 5, 5), "", "Przydałaby się lista kontaktów do gospodarzy."),
    ((3, 4, 4, 3, 4), "Wymiana doświadczeń z innymi partnerstwami.", ""),
]


def load(users) -> None:
    if Event.objects.filter(title=PAST_VISIT).exists():
        return
    staff = users["staff"]
    today = timezone.localdate()
    now = timezone.now()
    event = event_services.event_create(
        actor=staff,
        kind=EventKind.STUDY_VISIT,
        title=PAST_VISIT,
        programme=(
            "Dzień 1: spotkania z przedstawicielami samorządu, biznesu i organizacji "
            "pozarządowych.\nDzień 2: dobre praktyki partnerskie bibliotek."
        ),
        place="Miejska Biblioteka Publiczna w Pułtusku, ul. Rynek 41",
        starts_on=today - datetime.timedelta(days=4),
        capacity=12,
        registration_opens_at=now - datetime.timedelta(days=60),
        registration_closes_at=now - datetime.timedelta(days=20),
        host_name="Halina Dąbrowska",
        host_email="h.dabrowska@demo.prb.pl",
        provides_lodging=True,
        provides_meals=True,
        provides_transport=True,
        provides_materials=True,
    )
    partnerships = Partnership.objects.filter(status__in=PROGRAMME_STATUSES).order_by("pk")
    for partnership in partnerships[:3]:
        people = list(partnership.people.filter(archived_at__isnull=True).order_by("pk")[:2])
        if not people:
            continue
        event_services.registration_submit(
            event=event,
            partnership=partnership,
            people=people,
            chosen_internally=True,
            actor=staff,
            fewer_confirmed=len(people) < event.expected_people,
            fewer_reason="Trzecia osoba nie mogła wyjechać.",
        )
    participants = list(Participant.objects.filter(event=event, removed_at__isnull=True))
    event_services.attendance_mark(
        event=event, actor=staff, marks={p.pk: (True, True) for p in participants}
    )
    invitations = [services.invitation_send(participant_id=p.pk) for p in participants]
    questions = list(selectors.questionnaire_for(event.kind).questions.all())
    ratings = [q for q in questions if q.is_rating]
    texts = [q for q in questions if not q.is_rating]
    # The first person has not answered yet: the results show 3 responses of 4 invited.
    for invitation, (values, *open_answers) in zip(invitations[1:], ANSWERS, strict=False):
        answers = {q.pk: v for q, v in zip(ratings, values, strict=False)}
        answers |= {q.pk: text for q, text in zip(texts, open_answers, strict=False)}
        services.survey_submit(invitation=Invitation.objects.get(pk=invitation.pk), answers=answers)
