"""The bench's data sets, generated quickly and reproducibly from a seed.

L is docs/design.md's ("Targets"): 2,000 partnerships, 40 animators, 30,000 support sessions,
60 events, 6,000 registrations and 3 clip calls. XL is ten times L (20,000 partnerships, 400
animators, 300,000 sessions, 600 events, 60,000 registrations), to see how each page grows
with the programme. Written with ``bulk_create`` in large batches (no history rows: it is data
to measure against, not a record of anyone's work). Every name starts with ``[L]`` (the
bench's mark, whatever the size) so it is easy to tell apart.
"""

import datetime
import random
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.utils import timezone

from clips.enums import CallStatus
from clips.models import ClipCall, Score
from events.enums import EventKind, RegistrationStatus
from events.models import Event, Participant, Registration
from partnerships.enums import InstitutionKind, PartnershipStatus, Sector, Voivodeship
from partnerships.models import Institution, Partner, Partnership, Person, User
from portal import figures
from portal.enums import Role
from portal.services import role_groups_ensure
from support.enums import Channel, SessionKind
from support.models import (
    DiagnosisRecord,
    HourBudget,
    Meeting1Record,
    Meeting2Record,
    PlannedMeeting,
    SupportSession,
)
from support.summary import summary_rebuild_all

MARK = "[L]"
PASSWORD = "bench1234"
BATCH = 5000


@dataclass(frozen=True)
class Size:
    partnerships: int = 2000
    animators: int = 40
    sessions_per_partnership: int = 15
    events: int = 60
    registrations_per_event: int = 100
    clip_calls: int = 3
    scored_partnerships: int = 100  # every committee member scores these in the last call


SMALL = Size(partnerships=10, animators=2, events=3, registrations_per_event=5, clip_calls=1)
L = Size()
XL = Size(partnerships=20000, animators=400, events=600, scored_partnerships=1000)
SIZES = {"L": L, "XL": XL}


def exists(size: Size = Size()) -> bool:
    return Partnership.objects.filter(name__startswith=MARK).count() >= size.partnerships


def _users(prefix, n, role, password_hash, **extra):
    group = Group.objects.get(name=role)
    users = User.objects.bulk_create(
        [
            User(
                email=f"{prefix}{i}@bench.prb.pl",
                first_name=prefix.capitalize(),
                last_name=f"{MARK} {i}",
                password=password_hash,
                calendar_token=f"bench-{prefix}-{i}",
                **extra,
            )
            for i in range(n)
        ],
        batch_size=BATCH,
    )
    users = list(User.objects.filter(email__startswith=prefix, email__endswith="@bench.prb.pl"))
    group.user_set.add(*users)
    return sorted(users, key=lambda u: int(u.email.split("@")[0].removeprefix(prefix)))


@transaction.atomic
def generate(*, seed: int = 42, size: Size = Size(), stdout=None) -> dict:
    rnd = random.Random(seed)
    role_groups_ensure()
    today = timezone.localdate()
    password_hash = make_password(PASSWORD)
    voivodeships = list(Voivodeship.values)
    width = len(str(size.partnerships - 1))  # names sort as numbers

    staff = _users("staff", 4, Role.STAFF, password_hash, is_staff=True)
    animators = _users("animator", size.animators, Role.ANIMATOR, password_hash)
    leaders = _users("leader", size.partnerships, Role.LEADER, password_hash)
    committee = _users("committee", 10, Role.COMMITTEE, password_hash)

    libraries = Institution.objects.bulk_create(
        [
            Institution(
                name=f"{MARK} Biblioteka Publiczna {i}",
                sector=Sector.PUBLIC,
                kind=InstitutionKind.LIBRARY,
                commune=f"Gmina {i}",
                voivodeship=voivodeships[i % len(voivodeships)],
            )
            for i in range(size.partnerships)
        ],
        batch_size=BATCH,
    )
    partnerships = Partnership.objects.bulk_create(
        [
            Partnership(
                name=f"{MARK} Partnerstwo {i:0{width}d}",
                lead_library=libraries[i],
                round=1 + i % 2,
                leader=leaders[i],
                animator=animators[i % size.animators],
                animator_assigned_on=today - datetime.timedelta(days=200),
                common_goal="Wspólny cel partnerstwa w gminie.",
                status=PartnershipStatus.IN_SUPPORT,
            )
            for i in range(size.partnerships)
        ],
        batch_size=BATCH,
    )

    # Partners: the library plus public/social/business partners; every fifth lacks business.
    others = []
    for i in range(size.partnerships):
        kinds = [
            (Sector.PUBLIC, InstitutionKind.SCHOOL),
            (Sector.SOCIAL, InstitutionKind.NGO),
        ] + ([] if i % 5 == 0 else [(Sector.BUSINESS, InstitutionKind.COMPANY)])
        for sector, kind in kinds:
            others.append(
                (
                    i,
                    Institution(
                        name=f"{MARK} {kind} {i}",
                        sector=sector,
                        kind=kind,
                        commune=f"Gmina {i}",
                        voivodeship=voivodeships[i % len(voivodeships)],
                    ),
                )
            )
    Institution.objects.bulk_create([inst for _, inst in others], batch_size=BATCH)
    joined = today - datetime.timedelta(days=300)
    Partner.objects.bulk_create(
        [
            Partner(
                partnership=p,
                institution=libraries[i],
                contribution="Koordynacja.",
                benefit="Nowi czytelnicy.",
                joined_on=joined,
            )
            for i, p in enumerate(partnerships)
        ]
        + [
            Partner(
                partnership=partnerships[i],
                institution=inst,
                contribution="Sala i wolontariusze.",
                benefit="Widoczność.",
                joined_on=joined,
            )
            for i, inst in others
        ],
        batch_size=BATCH,
    )
    now = timezone.now()
    people = Person.objects.bulk_create(
        [
            Person(
                partnership=p,
                institution=libraries[i],
                user=leaders[i] if k == 0 else None,
                first_name=["Maria", "Jan", "Ewa"][k],
                last_name=f"{MARK} {i}-{k}",
                email=f"person{i}-{k}@bench.prb.pl",
                consent_given_at=now,
            )
            for i, p in enumerate(partnerships)
            for k in range(3)
        ],
        batch_size=BATCH,
    )

    # Support: diagnosis, meeting 1, meeting 2, then remote contacts; one hour each.
    HourBudget.objects.bulk_create(
        [HourBudget(partnership=p, minutes=16 * 60) for p in partnerships], batch_size=BATCH
    )
    kinds = [SessionKind.DIAGNOSIS, SessionKind.MEETING_1, SessionKind.MEETING_2] + [
        SessionKind.REMOTE
    ] * (size.sessions_per_partnership - 3)
    sessions = []
    for i, p in enumerate(partnerships):
        start = today - datetime.timedelta(days=180 + rnd.randint(0, 60))
        for k, kind in enumerate(kinds):
            sessions.append(
                SupportSession(
                    partnership=p,
                    animator=animators[i % size.animators],
                    kind=kind,
                    channel=Channel.IN_PERSON
                    if k in (1, 2)
                    else rnd.choice([Channel.PHONE, Channel.EMAIL, Channel.VIDEO, Channel.LABIB]),
                    held_on=start + datetime.timedelta(days=7 * k),
                    duration_minutes=(
                        180
                        if kind in (SessionKind.MEETING_1, SessionKind.MEETING_2)
                        else 60
                        if kind == SessionKind.DIAGNOSIS
                        else rnd.choice([15, 30, 30, 45])
                    ),
                    notes="Notatka z kontaktu.",
                    created_at=now,
                )
            )
    sessions = SupportSession.objects.bulk_create(sessions, batch_size=BATCH)
    summary_rebuild_all()  # bulk_create sends no signal: the summaries built in one statement
    per = size.sessions_per_partnership
    DiagnosisRecord.objects.bulk_create(
        [
            DiagnosisRecord(session=sessions[i * per], state="s", development="d", potential="p")
            for i in range(size.partnerships)
        ],
        batch_size=BATCH,
    )
    Meeting1Record.objects.bulk_create(
        [
            Meeting1Record(
                session=sessions[i * per + 1], experience_assessment="o", planned_actions="p"
            )
            for i in range(size.partnerships)
        ],
        batch_size=BATCH,
    )
    Meeting2Record.objects.bulk_create(
        [
            Meeting2Record(session=sessions[i * per + 2], progress="p", training_topic="team")
            for i in range(size.partnerships)
        ],
        batch_size=BATCH,
    )
    PlannedMeeting.objects.bulk_create(
        [
            PlannedMeeting(
                partnership=partnerships[i],
                planned_by_session=sessions[i * per + 1],
                planned_on=sessions[i * per + 2].held_on,
                held_session=sessions[i * per + 2],
            )
            for i in range(size.partnerships)
        ],
        batch_size=BATCH,
    )

    # Events: two thirds study visits, one third seminars; 100 partnerships each.
    events = Event.objects.bulk_create(
        [
            Event(
                kind=EventKind.STUDY_VISIT if e % 3 else EventKind.SEMINAR,
                title=f"{MARK} Wydarzenie {e}",
                place="Warszawa" if e % 3 == 0 else f"Miasto {e}",
                starts_on=today + datetime.timedelta(days=e * 3 - 90),
                ends_on=today + datetime.timedelta(days=e * 3 - 89),
                capacity=size.registrations_per_event * 3,
                registration_opens_at=now - datetime.timedelta(days=200),
                registration_closes_at=now + datetime.timedelta(days=e * 3 - 100),
                provides_lodging=True,
                provides_meals=True,
                provides_materials=True,
            )
            for e in range(size.events)
        ],
        batch_size=BATCH,
    )
    registrations, picks = [], []
    for _e, event in enumerate(events):
        chosen = rnd.sample(range(size.partnerships), size.registrations_per_event)
        for i in chosen:
            n = 2 if event.kind == EventKind.SEMINAR else 3
            registrations.append(
                Registration(
                    event=event,
                    partnership=partnerships[i],
                    status=RegistrationStatus.REGISTERED,
                    chosen_internally=True,
                    seats=n,
                    created_by=leaders[i],
                )
            )
            picks.append((event, i, n))
    registrations = Registration.objects.bulk_create(registrations, batch_size=BATCH)
    past = {event.pk for event in events if event.ends_on < today}
    Participant.objects.bulk_create(
        [
            Participant(
                registration=registration,
                event=event,
                person=people[i * 3 + k],
                attended=True if event.pk in past else None,
            )
            for registration, (event, i, n) in zip(registrations, picks, strict=True)
            for k in range(n)
        ],
        batch_size=BATCH,
    )

    calls = _clip_calls(size, staff, committee, now)
    figures.changed()  # bulk_create sends no signal: figures kept before are not for this data

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # fresh bulk-loaded tables need statistics
    return {
        "partnerships": len(partnerships),
        "animators": len(animators),
        "support_sessions": len(sessions),
        "events": len(events),
        "registrations": len(registrations),
        "clip_calls": calls,
    }


def _clip_calls(size, staff, committee, now) -> int:
    """Clip calls with the bench committee; the last call has every member's scores of the
    first partnerships (``size.scored_partnerships``), so the ranking has work to do."""

    partnerships = list(
        Partnership.objects.filter(name__startswith=MARK).order_by("pk")[: size.scored_partnerships]
    )
    calls = []
    for c in range(size.clip_calls):
        call = ClipCall.objects.create(
            title=f"{MARK} Klip promocyjny {c + 1}",
            clips_count=3,
            scoring_deadline=now + datetime.timedelta(days=10 + c),
            status=CallStatus.OPEN,
        )
        call.committee.set(committee)
        calls.append(call)
    Score.objects.bulk_create(
        [
            Score(
                call=calls[-1],
                member=member,
                partnership=partnership,
                progress=(i + k) % 11,
                creativity=(2 * i + k) % 11,
            )
            for k, member in enumerate(committee)
            for i, partnership in enumerate(partnerships)
        ],
        batch_size=BATCH,
    )
    return len(calls)
