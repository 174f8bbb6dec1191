"""Demo data of the partnerships app: accounts for every role and a few partnerships.

Idempotent: running it again changes nothing. Other apps add theirs in their own ``demo.py``,
called by ``manage.py load_demo`` after this one."""

import datetime

from django.contrib.auth.models import Group
from django.utils import timezone

from partnerships.enums import (
    ApplicationStatus,
    InstitutionKind,
    PartnershipStatus,
    Round,
    Sector,
    Voivodeship,
)
from partnerships.models import (
    Application,
    ApplicationCall,
    Institution,
    Partner,
    Partnership,
    Person,
    User,
)
from portal.demo import DEMO_PASSWORD
from portal.enums import Role
from portal.services import role_groups_ensure
from portal.tokens import hash_token

ACCOUNTS = [
    # key, e-mail, first name, last name, role
    ("staff", "koordynatorka@demo.prb.pl", "Anna", "Kowalczyk", Role.STAFF),
    ("animator", "animator@demo.prb.pl", "Piotr", "Zieliński", Role.ANIMATOR),
    ("animator_b", "animatorka@demo.prb.pl", "Ewa", "Wiśniewska", Role.ANIMATOR),
    ("leader", "liderka@demo.prb.pl", "Maria", "Nowak", Role.LEADER),
    ("leader_b", "lider@demo.prb.pl", "Tomasz", "Wójcik", Role.LEADER),
    ("committee", "komisja@demo.prb.pl", "Jolanta", "Lewandowska", Role.COMMITTEE),
]

PARTNERSHIPS = [
    {
        "name": "Razem dla Gminy Wąchock",
        "round": Round.I,
        "status": PartnershipStatus.IN_SUPPORT,
        "leader": "leader",
        "animator": "animator",
        "goal": "Młodzież wyjeżdża z gminy, bo nie ma tu dla niej miejsca spotkań i zajęć "
        "po szkole. Chcemy wspólnie stworzyć w bibliotece klub młodzieżowy.",
        "library": (
            "Gminna Biblioteka Publiczna w Wąchocku",
            "Wąchock",
            Voivodeship.SWIETOKRZYSKIE,
        ),
        "partners": [
            (
                "Urząd Miasta i Gminy Wąchock",
                Sector.PUBLIC,
                InstitutionKind.MUNICIPALITY,
                "Sala i obsługa techniczna wydarzeń.",
                "Lepsza oferta dla młodych mieszkańców.",
            ),
            (
                "Stowarzyszenie Przyjaciół Ziemi Wąchockiej",
                Sector.SOCIAL,
                InstitutionKind.NGO,
                "Wolontariusze i doświadczenie w pozyskiwaniu grantów.",
                "Nowi członkowie i widoczność.",
            ),
            (
                "Piekarnia Kłos s.c.",
                Sector.BUSINESS,
                InstitutionKind.COMPANY,
                "Poczęstunek na spotkania i drobne nagrody.",
                "Promocja firmy w społeczności.",
            ),
        ],
        "people": [
            ("Maria", "Nowak", "library", "liderka@demo.prb.pl", "dyrektorka biblioteki", "leader"),
            ("Krzysztof", "Mazur", "library", "k.mazur@demo.prb.pl", "bibliotekarz", None),
            ("Barbara", "Kaczmarek", 1, "b.kaczmarek@demo.prb.pl", "prezeska stowarzyszenia", None),
            ("Jan", "Kłos", 2, "jan.klos@demo.prb.pl", "właściciel piekarni", None),
        ],
    },
    {
        "name": "Partnerstwo Nad Bugiem",
        "round": Round.II,
        "status": PartnershipStatus.IN_SUPPORT,
        "leader": "leader_b",
        "animator": "animator_b",
        "goal": "Seniorzy w małych wsiach są samotni i nie korzystają z internetu. Chcemy uczyć "
        "ich korzystania z e-usług i łączyć z wnukami.",
        "library": ("Biblioteka Publiczna w Drohiczynie", "Drohiczyn", Voivodeship.PODLASKIE),
        "partners": [
            (
                "Zespół Szkół w Drohiczynie",
                Sector.PUBLIC,
                InstitutionKind.SCHOOL,
                "Uczniowie jako e-wolontariusze, pracownia komputerowa.",
                "Projekt wychowawczy dla uczniów.",
            ),
            (
                "Koło Gospodyń Wiejskich w Smarklicach",
                Sector.SOCIAL,
                InstitutionKind.NGO,
                "Docieranie do seniorów, organizacja spotkań.",
                "Nowe umiejętności członkiń.",
            ),
        ],
        "people": [
            (
                # The record carries his work e-mail, not his login: the link to his account
                # makes him the library leader (§2.3.3).
                "Tomasz",
                "Wójcik",
                "library",
                "t.wojcik@biblioteka-drohiczyn.demo.prb.pl",
                "kierownik biblioteki",
                "leader_b",
            ),
            ("Halina", "Sadowska", 1, "h.sadowska@demo.prb.pl", "przewodnicząca KGW", None),
        ],
    },
    {
        "name": "Kultura w Ustrzykach",
        "round": Round.I,
        "status": PartnershipStatus.IN_SUPPORT,
        "leader": None,
        "animator": "animator",
        "goal": "Brakuje oferty kulturalnej poza sezonem turystycznym.",
        "library": (
            "Biblioteka Publiczna Gminy Ustrzyki Dolne",
            "Ustrzyki Dolne",
            Voivodeship.PODKARPACKIE,
        ),
        "partners": [
            (
                "Bieszczadzki Dom Kultury",
                Sector.PUBLIC,
                InstitutionKind.CULTURE,
                "Scena i nagłośnienie.",
                "Wspólny kalendarz wydarzeń.",
            ),
            (
                "Fundacja Bieszczady Razem",
                Sector.SOCIAL,
                InstitutionKind.NGO,
                "Animatorzy warsztatów.",
                "Nowe miejsca działań.",
            ),
            (
                "Pensjonat Pod Połoniną",
                Sector.BUSINESS,
                InstitutionKind.COMPANY,
                "Noclegi dla gości festiwalu.",
                "Goście poza sezonem.",
            ),
        ],
        "people": [],
    },
    {
        "name": "Sieć Aktywnych Bibliotek Łąck",
        "round": Round.II,
        "status": PartnershipStatus.QUALIFIED,
        "leader": None,
        "animator": None,
        "goal": "Rodzice małych dzieci nie mają gdzie się spotkać i wymieniać doświadczeń.",
        "library": ("Gminna Biblioteka Publiczna w Łącku", "Łąck", Voivodeship.MAZOWIECKIE),
        "partners": [],
        "people": [],
    },
]


def load(stdout=None) -> dict[str, User]:
    role_groups_ensure()
    users = {}
    for key, email, first, last, role in ACCOUNTS:
        user, created = User.objects.get_or_create(
            email=email, defaults={"first_name": first, "last_name": last}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.is_staff = role == Role.STAFF
            user.save()
        user.groups.add(Group.objects.get(name=role))
        users[key] = user

    today = timezone.localdate()
    for spec in PARTNERSHIPS:
        if Partnership.objects.filter(name=spec["name"]).exists():
            continue
        lib_name, commune, voivodeship = spec["library"]
        library = Institution.objects.create(
            name=lib_name,
            sector=Sector.PUBLIC,
            kind=InstitutionKind.LIBRARY,
            commune=commune,
            voivodeship=voivodeship,
            email=f"biblioteka.{commune.lower().replace(' ', '')}@demo.prb.pl",
        )
        partnership = Partnership.objects.create(
            name=spec["name"],
            lead_library=library,
            round=spec["round"],
            status=spec["status"],
            common_goal=spec["goal"],
            leader=users.get(spec["leader"]),
            animator=users.get(spec["animator"]),
            animator_assigned_on=today - datetime.timedelta(days=20) if spec["animator"] else None,
        )
        institutions = [library]
        Partner.objects.create(
            partnership=partnership,
            institution=library,
            contribution="Koordynacja partnerstwa, przestrzeń biblioteki.",
            benefit="Nowi czytelnicy i silniejsza pozycja w gminie.",
            joined_on=today - datetime.timedelta(days=120),
        )
        for name, sector, kind, contribution, benefit in spec["partners"]:
            institution = Institution.objects.create(
                name=name, sector=sector, kind=kind, commune=commune, voivodeship=voivodeship
            )
            institutions.append(institution)
            Partner.objects.create(
                partnership=partnership,
                institution=institution,
                contribution=contribution,
                benefit=benefit,
                joined_on=today - datetime.timedelta(days=90),
            )
        for first, last, where, email, position, user_key in spec["people"]:
            Person.objects.create(
                partnership=partnership,
                institution=institutions[0 if where == "library" else where + 1],
                user=users.get(user_key) if user_key else None,
                first_name=first,
                last_name=last,
                email=email,
                position=position,
                consent_given_at=timezone.now(),
            )

    now = timezone.now()
    call, _created = ApplicationCall.objects.get_or_create(
        title="Nabór partnerstw bibliotek II rundy PRB",
        defaults={
            "round": Round.II,
            "description": "Zapraszamy biblioteki II rundy PRB, które tworzą partnerstwa lokalne.",
            "opens_at": now - datetime.timedelta(days=10),
            "deadline": now + datetime.timedelta(days=30),
        },
    )
    Application.objects.get_or_create(
        library_name="Biblioteka Publiczna w Nowej Dębie",
        defaults={
            "call": call,
            "status": ApplicationStatus.SUBMITTED,
            "submitted_at": now - datetime.timedelta(days=2),
            "access_token_hash": hash_token("demo-application"),
            "library_commune": "Nowa Dęba",
            "library_voivodeship": Voivodeship.PODKARPACKIE,
            "contact_name": "Alicja Sowa",
            "contact_email": "a.sowa@demo.prb.pl",
            "partnership_name": "Dębowe Partnerstwo",
            "common_goal": "Brak miejsc aktywności dla osób z niepełnosprawnościami.",
            "planned_partners": "Ośrodek Pomocy Społecznej (publiczny), Fundacja Razem "
            "(społeczny), Hurtownia Budowlana Dąb (gospodarczy).",
            "first_meeting_reflections": "Na pierwszym spotkaniu partnerzy ustalili wspólny cel.",
            "consent": True,
        },
    )
    return users
