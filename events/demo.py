"""Demo data of the events app: a study visit and the seminar, both open for registration,
and one registration of the first demo partnership. Idempotent."""

import datetime

from django.utils import timezone

from events import services
from events.enums import EventKind
from events.models import Event, Registration
from partnerships.models import Partnership

STUDY_VISIT = "Wizyta studyjna: Biblioteka jako centrum lokalnej aktywności"
SEMINAR = "Seminarium podsumowujące Programu wsparcia partnerstw"


def load(users) -> None:
    now = timezone.now()
    today = timezone.localdate()
    visit = Event.objects.filter(title=STUDY_VISIT).first() or services.event_create(
        actor=users["staff"],
        kind=EventKind.STUDY_VISIT,
        title=STUDY_VISIT,
        programme=(
            "Dzień 1: spotkania z przedstawicielami samorządu, biznesu i organizacji "
            "pozarządowych, którzy przedstawią swoje metody pracy w środowisku lokalnym.\n"
            "Dzień 2: analiza osiągnięć bibliotek i dobrych praktyk partnerskich."
        ),
        place="Gminna Biblioteka Publiczna w Stoczku Łukowskim, ul. Kościuszki 1",
        starts_on=today + datetime.timedelta(days=40),
        capacity=12,
        registration_opens_at=now - datetime.timedelta(days=5),
        registration_closes_at=now + datetime.timedelta(days=20),
        host_name="Grażyna Wróblewska",
        host_email="g.wroblewska@demo.prb.pl",
        host_phone="+48 600 100 200",
        host_organisation="Gminna Biblioteka Publiczna w Stoczku Łukowskim",
    )
    if not Event.objects.filter(title=SEMINAR).exists():
        services.event_create(
            actor=users["staff"],
            kind=EventKind.SEMINAR,
            title=SEMINAR,
            programme=(
                "Podsumowanie Programu wsparcia partnerstw bibliotek I i II rundy PRB, wymiana "
                "doświadczeń, praca w grupach o roli lidera partnerstwa."
            ),
            place="Warszawa, Centrum Konferencyjne, ul. Żelazna 10",
            starts_on=today + datetime.timedelta(days=75),
            capacity=40,
            registration_opens_at=now - datetime.timedelta(days=1),
            registration_closes_at=now + datetime.timedelta(days=45),
            trainers="Agnieszka Mazur\nRobert Kamiński",
        )
    partnership = Partnership.objects.filter(leader=users["leader"]).order_by("pk").first()
    if (
        partnership is None
        or Registration.objects.filter(event=visit, partnership=partnership).exists()
    ):
        return
    people = list(partnership.people.filter(archived_at__isnull=True).order_by("pk")[:2])
    if people:
        services.registration_submit(
            event=visit,
            partnership=partnership,
            people=people,
            chosen_internally=True,
            actor=users["leader"],
            # Two of the expected three (§2.2.3), so staff see an empty place in the demo.
            fewer_confirmed=True,
            fewer_reason="Trzecia osoba z partnerstwa nie może wyjechać w tym terminie.",
        )
