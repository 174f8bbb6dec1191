"""Staff edit each kind's questions in the admin until the first answer exists; then the
questionnaire is read-only there."""

import pytest
from django.urls import reverse

from evaluations import selectors, services
from evaluations.models import Question, Questionnaire
from tests.evaluations.conftest import answers_for, invitation_of

pytestmark = pytest.mark.django_db


def change_form(questionnaire, **changes) -> dict:
    questions = list(questionnaire.questions.all())
    data = {
        "introduction": questionnaire.introduction,
        "questions-TOTAL_FORMS": str(len(questions)),
        "questions-INITIAL_FORMS": str(len(questions)),
        "questions-MIN_NUM_FORMS": "0",
        "questions-MAX_NUM_FORMS": "1000",
    }
    for i, question in enumerate(questions):
        data |= {
            f"questions-{i}-id": str(question.pk),
            f"questions-{i}-questionnaire": str(questionnaire.pk),
            f"questions-{i}-position": str(question.position),
            f"questions-{i}-kind": question.kind,
            f"questions-{i}-text": question.text,
            f"questions-{i}-required": "on" if question.required else "",
        }
    return data | changes


def test_changelist_lists_both_kinds_made_on_first_use(client, world):
    client.force_login(world.staff)
    response = client.get(reverse("admin:evaluations_questionnaire_changelist"))
    assert response.status_code == 200
    assert Questionnaire.objects.count() == 2


def test_staff_change_a_question_before_answers_exist(client, world):
    questionnaire = selectors.questionnaire_for("seminar")
    client.force_login(world.staff)
    url = reverse("admin:evaluations_questionnaire_change", args=[questionnaire.pk])
    response = client.post(
        url, change_form(questionnaire, **{"questions-0-text": "Jak oceniasz seminarium?"})
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert questionnaire.questions.order_by("position").first().text == "Jak oceniasz seminarium?"


def test_questions_are_read_only_once_answers_exist(client, world, visit, invited):
    questionnaire = selectors.questionnaire_for("study_visit")
    services.survey_submit(
        invitation=invitation_of(visit.present[0]), answers=answers_for(visit.event)
    )
    client.force_login(world.staff)
    url = reverse("admin:evaluations_questionnaire_change", args=[questionnaire.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert b'name="questions-0-text"' not in page.content  # shown, not editable
    before = list(Question.objects.values_list("text", flat=True))
    response = client.post(url, change_form(questionnaire, **{"questions-0-text": "Zmiana"}))
    assert response.status_code == 403
    assert list(Question.objects.values_list("text", flat=True)) == before


def test_questionnaires_are_never_deleted_or_added_in_the_admin(client, world):
    questionnaire = selectors.questionnaire_for("seminar")
    client.force_login(world.staff)
    delete = reverse("admin:evaluations_questionnaire_delete", args=[questionnaire.pk])
    assert client.get(delete).status_code == 403
    assert client.get(reverse("admin:evaluations_questionnaire_add")).status_code == 403
