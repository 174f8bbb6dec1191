"""The evaluation's rules in the services and the database: answers are anonymous (nothing
leads from an answer to a person), counted once per person (a constraint, raced with real
threads on PostgreSQL), and the questions change only before answers exist."""

import threading

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db import connection, models

from evaluations import selectors, services
from evaluations.models import Answer, AnswerMark, Invitation, Question, Response
from events.models import Event
from portal.models import OutboxMessage
from tests.evaluations.conftest import OPENS, answers_for, at, invitation_of

pytestmark = pytest.mark.django_db


def related_models(model) -> set:
    return {
        field.related_model
        for field in model._meta.get_fields()
        if field.is_relation and field.related_model is not None
    }


def test_no_row_of_an_answer_leads_to_a_person():
    """The schema: a response and its answers point at the event, the questionnaire and the
    questions only; they carry no time and keep no history. The answer mark holds nothing
    but its invitation."""
    assert related_models(Response) == {
        Event,
        Answer,
        apps.get_model("evaluations", "Questionnaire"),
    }
    assert related_models(Answer) == {Response, Question}
    for model in (Response, Answer):
        assert not [f.name for f in model._meta.concrete_fields if isinstance(f, models.DateField)]
        assert isinstance(model._meta.pk, models.UUIDField)
    assert [f.name for f in AnswerMark._meta.concrete_fields] == ["invitation"]
    names = {model._meta.model_name for model in apps.get_app_config("evaluations").get_models()}
    assert not {"historicalresponse", "historicalanswer", "historicalanswermark"} & names


def test_nothing_in_the_database_links_an_answer_to_its_author(world, visit, invited):
    """After one person answers: the response's row and its answers hold no id of the
    person, participant, invitation or account, and no e-mail names the response."""
    participant = visit.present[1]
    invitation = invitation_of(participant)
    response = services.survey_submit(
        invitation=invitation, answers=answers_for(visit.event, texts=("Dobrze.", "Nic."))
    )
    stored = list(Response.objects.filter(pk=response.pk).values()) + list(
        Answer.objects.filter(response=response).values()
    )
    assert len(stored) == 1 + 7
    person = participant.person
    for row in stored:
        assert {key for key in row if key.endswith("_id")} <= {
            "event_id",
            "questionnaire_id",
            "response_id",
            "question_id",
        }
        text = " ".join(str(value) for value in row.values())
        assert person.email not in text and person.last_name not in text
    # The mark says who answered, not what: it has no column but the invitation.
    assert list(AnswerMark.objects.values()) == [{"invitation_id": invitation.pk}]
    assert not OutboxMessage.objects.filter(body_text__contains=str(response.pk)).exists()


def test_a_second_submission_through_another_link_of_the_same_person_is_refused(visit, invited):
    invitation = invitation_of(visit.present[0])
    services.invitation_remind(invitation_id=invitation.pk, day=3)  # a second link
    assert invitation.links.count() == 2
    services.survey_submit(invitation=invitation, answers=answers_for(visit.event))
    with pytest.raises(services.AlreadyAnswered):
        services.survey_submit(invitation=invitation, answers=answers_for(visit.event))
    assert (Response.objects.count(), Answer.objects.count(), AnswerMark.objects.count()) == (
        1,
        6,
        1,
    )


def test_a_reminder_after_the_answer_sends_nothing(visit, invited, mailoutbox):
    invitation = invitation_of(visit.present[0])
    services.survey_submit(invitation=invitation, answers=answers_for(visit.event))
    before = OutboxMessage.objects.count()
    services.invitation_remind(invitation_id=invitation.pk, day=3)
    assert OutboxMessage.objects.count() == before


def test_survey_messages_are_sensitive_so_staff_do_not_see_the_link(invited):
    messages = OutboxMessage.objects.filter(template="evaluation_invitation")
    assert messages.count() == 3
    assert all(message.sensitive for message in messages)


def test_staff_edit_questions_until_the_first_answer(world, visit, invited):
    questionnaire = selectors.questionnaire_for(visit.event.kind)
    question = questionnaire.questions.first()
    question.text = "Jak oceniasz program wizyty?"
    services.question_save(question=question, actor=world.staff)
    assert Question.objects.get(pk=question.pk).text == "Jak oceniasz program wizyty?"
    with pytest.raises(PermissionDenied):
        services.question_save(question=question, actor=world.leader_a)

    services.survey_submit(
        invitation=invitation_of(visit.present[0]), answers=answers_for(visit.event)
    )
    assert not selectors.can_edit_questionnaire(world.staff, questionnaire)
    question.text = "Zmienione po odpowiedziach"
    with pytest.raises(PermissionDenied):
        services.question_save(question=question, actor=world.staff)
    with pytest.raises(PermissionDenied):
        services.question_delete(question=question, actor=world.staff)
    assert Question.objects.get(pk=question.pk).text == "Jak oceniasz program wizyty?"


def test_default_questionnaires_are_made_on_first_use_for_both_kinds_in_polish():
    visit = selectors.questionnaire_for("study_visit")
    seminar = selectors.questionnaire_for("seminar")
    assert [q.kind for q in visit.questions.all()] == ["rating"] * 5 + ["open"] * 2
    assert "trenerów" in " ".join(q.text for q in seminar.questions.all())
    assert "nocleg, wyżywienie, transport" in " ".join(q.text for q in visit.questions.all())


def race(invitation_pk: int, answers: dict, n: int = 2) -> tuple[list, list]:
    """``n`` threads, each with its own connection, submit through one invitation at the same
    moment; returns (outcomes, unexpected errors)."""
    barrier = threading.Barrier(n)
    outcomes, errors = [], []

    def submit():
        try:
            fresh = Invitation.objects.select_related("event").get(pk=invitation_pk)
            barrier.wait()
            services.survey_submit(invitation=fresh, answers=answers)
            outcomes.append("stored")
        except services.AlreadyAnswered:
            outcomes.append("refused")
        except Exception as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes, errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_submissions_racing_through_one_link_store_one_response(visit, time_machine):
    """Real threads submit at the same moment: the answer mark's primary key lets one in and
    refuses the others, whose responses are rolled back. Five rounds of three threads."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    at(time_machine, OPENS)
    invitation = services.invitation_send(participant_id=visit.present[0].pk)
    answers = answers_for(visit.event)
    for attempt in range(5):
        AnswerMark.objects.all().delete()
        Response.objects.all().delete()
        outcomes, errors = race(invitation.pk, answers, n=3)
        assert not errors, (attempt, errors)
        assert sorted(outcomes) == ["refused", "refused", "stored"], attempt
        assert Response.objects.count() == 1
        assert Answer.objects.count() == 6
        assert AnswerMark.objects.count() == 1
