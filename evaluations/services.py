"""Writes of the evaluation. Each service says what it locks and what it sets off.

Nothing here ever writes a person next to an answer: ``survey_submit`` marks the invitation
as answered and stores the response in the same transaction, in rows that do not point at
each other (see ``evaluations.models``)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from evaluations import emails, selectors
from evaluations.defaults import questionnaire_ensure
from evaluations.enums import QuestionKind
from evaluations.models import (
    Answer,
    AnswerMark,
    Invitation,
    InvitationLink,
    Question,
    Questionnaire,
    Response,
)
from events.models import Participant
from portal import figures
from portal.services import save_validated
from portal.tokens import hash_token, new_token


class SurveyClosed(Exception):
    """The survey of the event no longer takes answers."""


class AlreadyAnswered(Exception):
    """The person behind the link has answered already."""


def _new_link(invitation: Invitation) -> str:
    token = new_token()
    InvitationLink.objects.create(invitation=invitation, token_hash=hash_token(token))
    return token


@transaction.atomic
def invitation_send(*, participant_id: int) -> Invitation:
    """Invite a participant marked present to evaluate the event: the invitation (once per
    participant, held by its unique key), a secret link and its e-mail in the outbox. Called
    by the reminder engine (``tasks.survey_invitation``), which sends it once."""
    participant = Participant.objects.select_related("event").get(pk=participant_id)
    invitation, _created = Invitation.objects.get_or_create(
        participant=participant, defaults={"event": participant.event}
    )
    emails.send_survey_invitation(invitation.pk, _new_link(invitation))
    return invitation


@transaction.atomic
def invitation_remind(*, invitation_id: int, day: int) -> None:
    """Remind a person who has not answered, with a link of its own (the first one stays
    valid). Does nothing once they have answered."""
    invitation = Invitation.objects.get(pk=invitation_id)
    if AnswerMark.objects.filter(invitation=invitation).exists():
        return
    emails.send_survey_reminder(invitation.pk, _new_link(invitation), day=day)


def survey_submit(*, invitation: Invitation, answers: dict[int, object]) -> Response:
    """Store one person's answers (``answers``: question id -> rating or text) without the
    person, and mark their invitation as answered.

    Locks the questionnaire against a change of its questions meanwhile (``FOR NO KEY
    UPDATE``; submissions of one kind of event take turns, a few dozen people at most). The
    answer mark's primary key is the invitation, so of two submissions from one link the
    database keeps one and refuses the other (``AlreadyAnswered``), and the refused one's
    response is rolled back with it. Raises ``SurveyClosed`` outside the survey's days and
    ``ValidationError`` for an answer the questionnaire does not take. Nothing is sent."""
    event = invitation.event
    if not selectors.is_open(event):
        raise SurveyClosed
    try:
        with transaction.atomic():
            questionnaire_ensure(event.kind)
            questionnaire = Questionnaire.objects.select_for_update(no_key=True).get(
                kind=event.kind
            )
            rows = _answer_rows(questionnaire.questions.order_by("position", "pk"), answers)
            AnswerMark.objects.create(invitation_id=invitation.pk)
            response = Response.objects.create(event=event, questionnaire=questionnaire)
            for row in rows:
                row.response = response
            Answer.objects.bulk_create(rows)
    except IntegrityError as exc:
        raise AlreadyAnswered from exc
    figures.changed()
    return response


def _answer_rows(questions, answers: dict[int, object]) -> list[Answer]:
    rows = []
    for question in questions:
        value = answers.get(question.pk)
        if question.kind == QuestionKind.RATING:
            if value in (None, ""):
                if question.required:
                    raise ValidationError(_("Choose a rating from 1 to 5 for every question."))
                continue
            try:
                rating = int(value)
            except (TypeError, ValueError):
                rating = 0
            if not 1 <= rating <= 5:
                raise ValidationError(_("A rating is a whole number from 1 to 5."))
            rows.append(Answer(question=question, rating=rating))
        else:
            text = str(value or "").strip()
            if not text:
                if question.required:
                    raise ValidationError(_("Answer every required question."))
                continue
            rows.append(Answer(question=question, text=text))
    return rows


@transaction.atomic
def questionnaire_save(*, questionnaire: Questionnaire, actor) -> Questionnaire:
    """Save a questionnaire's introduction (the admin). Locks the questionnaire, so no answer
    slips in between the check and the save; refused once answers exist."""
    Questionnaire.objects.select_for_update().filter(pk=questionnaire.pk).first()
    if not selectors.can_edit_questionnaire(actor, questionnaire):
        raise PermissionDenied(_("The questions cannot change once answers to them exist."))
    save_validated(questionnaire)
    return questionnaire


@transaction.atomic
def question_save(*, question: Question, actor) -> Question:
    """Add or change one question (the admin's inline); refused once answers exist."""
    Questionnaire.objects.select_for_update().filter(pk=question.questionnaire_id).first()
    if not selectors.can_edit_questionnaire(actor, question.questionnaire):
        raise PermissionDenied(_("The questions cannot change once answers to them exist."))
    save_validated(question)
    return question


@transaction.atomic
def question_delete(*, question: Question, actor) -> None:
    Questionnaire.objects.select_for_update().filter(pk=question.questionnaire_id).first()
    if not selectors.can_edit_questionnaire(actor, question.questionnaire):
        raise PermissionDenied(_("The questions cannot change once answers to them exist."))
    question.delete()
