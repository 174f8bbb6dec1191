"""Reads of the evaluation: who may do what, the survey behind a link, and the results.

Results never name a person: they are read from ``Response`` and ``Answer`` only."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from evaluations.defaults import questionnaire_ensure
from evaluations.enums import OPEN_FOR, OPENS_AFTER_END, RATINGS, QuestionKind
from evaluations.models import (
    Answer,
    AnswerMark,
    Invitation,
    InvitationLink,
    Question,
    Questionnaire,
    Response,
)
from events.models import Event
from portal.roles import is_staff_member
from portal.tokens import hash_token

# --- the survey's window (§1.1; the days in ``enums``) ---------------------------------------


def opens_on(event: Event) -> datetime.date:
    """The day the links go out: the day after the event's second day."""
    return event.ends_on + OPENS_AFTER_END


def closes_on(event: Event) -> datetime.date:
    """The first day the survey no longer takes answers."""
    return opens_on(event) + OPEN_FOR


def last_day(event: Event) -> datetime.date:
    """The last day the survey takes answers."""
    return closes_on(event) - datetime.timedelta(days=1)


def is_open(event: Event, today: datetime.date | None = None) -> bool:
    today = today or timezone.localdate()
    return opens_on(event) <= today < closes_on(event)


def is_closed(event: Event, today: datetime.date | None = None) -> bool:
    return (today or timezone.localdate()) >= closes_on(event)


# --- who may do what --------------------------------------------------------------------------


def questionnaire_has_answers(questionnaire: Questionnaire) -> bool:
    return Response.objects.filter(questionnaire=questionnaire).exists()


def can_edit_questionnaire(user, questionnaire: Questionnaire | None = None) -> bool:
    """Staff edit the questions until the first answer to them exists: an answer keeps the
    meaning of the question it answered."""
    if not is_staff_member(user):
        return False
    return questionnaire is None or not questionnaire_has_answers(questionnaire)


def can_see_results(user) -> bool:
    return is_staff_member(user)


# --- the survey behind a secret link ----------------------------------------------------------


def invitation_for_token(token: str) -> Invitation:
    """The invitation a link belongs to, or 404: a wrong token reveals nothing."""
    invitation = (
        Invitation.objects.select_related("event")
        .annotate(answered=Exists(AnswerMark.objects.filter(invitation=OuterRef("pk"))))
        .filter(
            Exists(
                InvitationLink.objects.filter(
                    invitation=OuterRef("pk"), token_hash=hash_token(token or "")
                )
            )
        )
        .first()
    )
    if invitation is None:
        raise Http404
    return invitation


def questionnaire_for(kind: str) -> Questionnaire:
    """The questionnaire of a kind of event, with its questions; on first use it is created
    with the default questions (``evaluations.defaults``)."""
    questionnaire = Questionnaire.objects.prefetch_related("questions").filter(kind=kind).first()
    if questionnaire is None:
        questionnaire_ensure(kind)
        questionnaire = Questionnaire.objects.prefetch_related("questions").get(kind=kind)
    return questionnaire


# --- results ----------------------------------------------------------------------------------


@dataclass
class QuestionResult:
    question: Question
    counts: dict = field(default_factory=dict)  # rating -> number of answers
    texts: list = field(default_factory=list)  # open answers

    @property
    def count(self) -> int:
        if self.question.is_rating:
            return sum(self.counts.values())
        return len(self.texts)

    @property
    def mean(self) -> float | None:
        total = self.count
        if not total or not self.question.is_rating:
            return None
        return sum(rating * n for rating, n in self.counts.items()) / total

    @property
    def distribution(self) -> list[tuple[int, int, int]]:
        """(rating, answers, percent of the answers) for 1 to 5."""
        total = self.count
        return [
            (r, self.counts.get(r, 0), round(100 * self.counts.get(r, 0) / total) if total else 0)
            for r in RATINGS
        ]


@dataclass
class EventResults:
    event: Event
    invited: int = 0
    responses: int = 0
    questions: list[QuestionResult] = field(default_factory=list)

    @property
    def ratings(self) -> list[QuestionResult]:
        return [q for q in self.questions if q.question.is_rating]

    @property
    def open_questions(self) -> list[QuestionResult]:
        return [q for q in self.questions if not q.question.is_rating]


def results_for_events(events: list[Event]) -> dict[int, EventResults]:
    """The results of each event, by event id, in five queries however many events: the
    questionnaires' questions, the invitations and responses counted per event, the ratings
    counted per event, question and value, and the open answers (in the random order of
    their keys, not the order they came in)."""
    events = list(events)
    results = {event.pk: EventResults(event) for event in events}
    if not events:
        return results
    ids = list(results)
    questions_by_kind = defaultdict(list)
    for question in Question.objects.select_related("questionnaire").order_by(
        "questionnaire", "position", "pk"
    ):
        questions_by_kind[question.questionnaire.kind].append(question)
    by_question = {}
    for event in events:
        for question in questions_by_kind[event.kind]:
            row = QuestionResult(question)
            results[event.pk].questions.append(row)
            by_question[(event.pk, question.pk)] = row
    for row in (
        Invitation.objects.filter(event_id__in=ids)
        .order_by()
        .values("event_id")
        .annotate(n=Count("pk"))
    ):
        results[row["event_id"]].invited = row["n"]
    for row in (
        Response.objects.filter(event_id__in=ids)
        .order_by()
        .values("event_id")
        .annotate(n=Count("pk"))
    ):
        results[row["event_id"]].responses = row["n"]
    for row in (
        Answer.objects.filter(response__event_id__in=ids, rating__isnull=False)
        .order_by()
        .values("response__event_id", "question_id", "rating")
        .annotate(n=Count("pk"))
    ):
        target = by_question.get((row["response__event_id"], row["question_id"]))
        if target is not None:
            target.counts[row["rating"]] = row["n"]
    for event_id, question_id, text in (
        Answer.objects.filter(response__event_id__in=ids, question__kind=QuestionKind.OPEN)
        .exclude(text="")
        .order_by("pk")
        .values_list("response__event_id", "question_id", "text")
    ):
        target = by_question.get((event_id, question_id))
        if target is not None:
            target.texts.append(text)
    return results


def results_for_event(event: Event) -> EventResults:
    return results_for_events([event])[event.pk]


def _count_per_event(qs) -> Coalesce:
    return Coalesce(
        Subquery(
            qs.filter(event=OuterRef("pk"))
            .order_by()
            .values("event")
            .annotate(n=Count("pk"))
            .values("n")
        ),
        0,
    )


def evaluated_events(*, today: datetime.date | None = None) -> QuerySet[Event]:
    """Events whose survey has opened (the day after their second day), newest first, with
    the number of people invited and of responses: the staff list of results."""
    today = today or timezone.localdate()
    return (
        Event.objects.filter(ends_on__lte=today - OPENS_AFTER_END)
        .annotate(
            invited_count=_count_per_event(Invitation.objects),
            responses_count=_count_per_event(Response.objects),
        )
        .order_by("-ends_on", "-pk")
    )


def event_for_results(user, pk) -> Event:
    """An event whose results ``user`` may see (staff), or 404."""
    if not can_see_results(user):
        raise Http404
    event = Event.objects.filter(pk=pk).first()
    if event is None:
        raise Http404
    return event
