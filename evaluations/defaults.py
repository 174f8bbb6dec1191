"""The default questionnaires: one for study visits (§2.2), one for the summary seminar (§2.3),
created on first use (the survey, the admin's list, the demo). Staff change them in the admin
until the first answer exists. The questions are data, in Polish, as staff would type them.

First use rather than a data migration: a test database emptied by a transactional test (and
a database restored without them) gets them back by itself."""

from django.db import transaction

from evaluations.enums import QuestionKind
from evaluations.models import Question, Questionnaire
from events.enums import EventKind

RATING, OPEN = QuestionKind.RATING, QuestionKind.OPEN

DEFAULTS = {
    EventKind.STUDY_VISIT: (
        "Dziękujemy za udział w wizycie studyjnej. Twoje odpowiedzi pomogą nam ocenić "
        "Program wsparcia partnerstw i lepiej przygotować kolejne wizyty.",
        [
            # §2.2.1: the aim of the visit
            (
                RATING,
                "W jakim stopniu wizyta pozwoliła Ci poznać skuteczne metody aktywizacji "
                "społeczności lokalnej?",
                True,
            ),
            # §2.2.2: the programme
            (
                RATING,
                "Jak oceniasz spotkania z przedstawicielami samorządu, biznesu "
                "i organizacji pozarządowych?",
                True,
            ),
            (
                RATING,
                "Jak oceniasz przydatność analizy dobrych praktyk partnerskich bibliotek?",
                True,
            ),
            (
                RATING,
                "W jakim stopniu to, czego się dowiedziałaś lub dowiedziałeś, przyda się "
                "w pracy Twojego partnerstwa?",
                True,
            ),
            # §2.2.4: what the participants were provided
            (
                RATING,
                "Jak oceniasz organizację wizyty (nocleg, wyżywienie, transport, materiały)?",
                True,
            ),
            (OPEN, "Co było dla Ciebie najcenniejsze podczas wizyty?", False),
            (OPEN, "Co moglibyśmy zrobić lepiej?", False),
        ],
    ),
    EventKind.SEMINAR: (
        "Dziękujemy za udział w seminarium podsumowującym. Twoje odpowiedzi pomogą nam ocenić "
        "Program wsparcia partnerstw.",
        [
            # §2.3.2: the trainers' tasks
            (RATING, "Jak oceniasz podsumowanie Programu wsparcia partnerstw bibliotek?", True),
            (
                RATING,
                "W jakim stopniu seminarium pozwoliło Ci wymienić się doświadczeniami "
                "z innymi uczestnikami?",
                True,
            ),
            (
                RATING,
                "Jak oceniasz pracę w grupach poświęconą umiejętnościom i roli lidera partnerstwa?",
                True,
            ),
            (RATING, "Jak oceniasz pracę trenerów prowadzących seminarium?", True),
            # §2.3.4: what the participants were provided
            (
                RATING,
                "Jak oceniasz organizację seminarium (zakwaterowanie, wyżywienie, przerwy "
                "kawowe, materiały)?",
                True,
            ),
            (OPEN, "Co było dla Ciebie najcenniejsze podczas seminarium?", False),
            (OPEN, "Co moglibyśmy zrobić lepiej?", False),
        ],
    ),
}


@transaction.atomic
def questionnaire_ensure(kind: str) -> Questionnaire:
    """The questionnaire of ``kind``, created with its default questions if missing. Two
    first uses at once: the unique kind lets one create it, the other waits and reads it."""
    introduction, questions = DEFAULTS[kind]
    questionnaire, created = Questionnaire.objects.get_or_create(
        kind=kind, defaults={"introduction": introduction}
    )
    if created:
        Question.objects.bulk_create(
            Question(
                questionnaire=questionnaire,
                position=position,
                kind=question_kind,
                text=text,
                required=required,
            )
            for position, (question_kind, text, required) in enumerate(questions, start=1)
        )
    return questionnaire


def questionnaires_ensure() -> None:
    """Every kind's questionnaire (one query when all exist)."""
    existing = set(Questionnaire.objects.values_list("kind", flat=True))
    for kind in DEFAULTS:
        if kind not in existing:
            questionnaire_ensure(kind)
