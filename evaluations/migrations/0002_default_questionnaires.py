"""The default questionnaires: one for study visits (§2.2), one for the summary seminar (§2.3).
Staff change them in the admin until the first answer exists. The questions are data, in
Polish, as staff would type them."""

from django.db import migrations

RATING, OPEN = "rating", "open"

DEFAULTS = {
    "study_visit": (
        "Dziękujemy za udział w wizycie studyjnej. Twoje odpowiedzi pomogą nam ocenić "
        "Program wsparcia partnerstw i lepiej przygotować kolejne wizyty.",
        [
            # §2.2.1: the aim of the visit
            (RATING, "W jakim stopniu wizyta pozwoliła Ci poznać skuteczne metody aktywizacji "
             "społeczności lokalnej?", True),
            # §2.2.2: the programme
            (RATING, "Jak oceniasz spotkania z przedstawicielami samorządu, biznesu "
             "i organizacji pozarządowych?", True),
            (RATING, "Jak oceniasz przydatność analizy dobrych praktyk partnerskich bibliotek?", True),
            (RATING, "W jakim stopniu to, czego się dowiedziałaś lub dowiedziałeś, przyda się "
             "w pracy Twojego partnerstwa?", True),
            # §2.2.4: what the participants were provided
            (RATING, "Jak oceniasz organizację wizyty (nocleg, wyżywienie, transport, "
             "materiały)?", True),
            (OPEN, "Co było dla Ciebie najcenniejsze podczas wizyty?", False),
            (OPEN, "Co moglibyśmy zrobić lepiej?", False),
        ],
    ),
    "seminar": (
        "Dziękujemy za udział w seminarium podsumowującym. Twoje odpowiedzi pomogą nam ocenić "
        "Program wsparcia partnerstw.",
        [
            # §2.3.2: the trainers' tasks
            (RATING, "Jak oceniasz podsumowanie Programu wsparcia partnerstw bibliotek?", True),
            (RATING, "W jakim stopniu seminarium pozwoliło Ci wymienić się doświadczeniami "
             "z innymi uczestnikami?", True),
            (RATING, "Jak oceniasz pracę w grupach poświęconą umiejętnościom i roli lidera "
             "partnerstwa?", True),
            (RATING, "Jak oceniasz pracę trenerów prowadzących seminarium?", True),
            # §2.3.4: what the participants were provided
            (RATING, "Jak oceniasz organizację seminarium (zakwaterowanie, wyżywienie, przerwy "
             "kawowe, materiały)?", True),
            (OPEN, "Co było dla Ciebie najcenniejsze podczas seminarium?", False),
            (OPEN, "Co moglibyśmy zrobić lepiej?", False),
        ],
    ),
}


def create_defaults(apps, schema_editor):
    Questionnaire = apps.get_model("evaluations", "Questionnaire")
    Question = apps.get_model("evaluations", "Question")
    for kind, (introduction, questions) in DEFAULTS.items():
        questionnaire, created = Questionnaire.objects.get_or_create(
            kind=kind, defaults={"introduction": introduction}
        )
        if not created:
            continue
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


class Migration(migrations.Migration):
    dependencies = [("evaluations", "0001_questionnaires_invitations_and_anonymous_responses")]

    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
