"""Demo data of the clips app: one open call whose committee is the demo committee member, the
second animator and staff, with three candidates:

- "Razem dla Gminy Wąchock" and "Partnerstwo Nad Bugiem" meet every criterion: the demo adds
  what the support and events demos leave for later (the second meeting, and attendance at a
  study visit and a seminar that already took place);
- "Kultura w Ustrzykach" is included by staff with a reason;
- "Sieć Aktywnych Bibliotek Łąck" stays not eligible, so the candidates page shows why.

A few scores by staff and the second animator are in; the committee member's are left to give.
Idempotent: each piece is added only when it is missing."""

import datetime

from django.utils import timezone

from clips import services
from clips.enums import CallStatus, OverrideDecision
from clips.models import ClipCall, Score
from events.enums import EventKind, RegistrationStatus
from events.models import Event, Participant, Registration
from partnerships.models import Partnership, Person
from support import services as support_services
from support.enums import Channel, SessionKind, TrainingTopic
from support.models import SupportSession

CALL_TITLE = "Klip promocyjny partnerstw I i II rundy PRB"
PAST_VISIT = "Wizyta studyjna: partnerstwa w gminach wiejskich (zrealizowana)"
PAST_SEMINAR = "Seminarium podsumowujące, edycja jesienna (zrealizowane)"
WACHOCK = "Razem dla Gminy Wąchock"
NAD_BUGIEM = "Partnerstwo Nad Bugiem"
USTRZYKI = "Kultura w Ustrzykach"


def _support_cycle(partnership: Partnership, animator, today) -> None:
    """Diagnosis, meeting 1 and meeting 2, whichever are missing, through the support
    services (so the order and the hour budget hold)."""
    logged = set(
        SupportSession.objects.filter(
            partnership=partnership, withdrawn_at__isnull=True
        ).values_list("kind", flat=True)
    )
    if SessionKind.DIAGNOSIS not in logged:
        support_services.session_log(
            partnership=partnership,
            actor=animator,
            kind=SessionKind.DIAGNOSIS,
            channel=Channel.PHONE,
            held_on=today - datetime.timedelta(days=40),
            duration_minutes=60,
            record={
                "state": "Partnerstwo spotyka się regularnie.",
                "development": "Wspólne warsztaty dla seniorów.",
                "potential": "Zaangażowani uczniowie-wolontariusze.",
            },
        )
    if SessionKind.MEETING_1 not in logged:
        support_services.session_log(
            partnership=partnership,
            actor=animator,
            kind=SessionKind.MEETING_1,
            channel=Channel.IN_PERSON,
            held_on=today - datetime.timedelta(days=30),
            duration_minutes=180,
            record={
                "experience_assessment": "Dobre doświadczenia ze wspólnych warsztatów.",
                "planned_actions": "Cykl spotkań e-seniorów w trzech wsiach.",
                "next_meeting_on": today - datetime.timedelta(days=8),
            },
        )
    if SessionKind.MEETING_2 not in logged:
        support_services.session_log(
            partnership=partnership,
            actor=animator,
            kind=SessionKind.MEETING_2,
            channel=Channel.IN_PERSON,
            held_on=today - datetime.timedelta(days=1),
            duration_minutes=180,
            record={
                "progress": "Zaplanowane działania ruszyły; partnerzy dzielą się zadaniami.",
                "training_topic": TrainingTopic.PROMOTION,
            },
        )


def _past_event(kind: str, title: str, today, days_ago: int, **extra) -> Event:
    event = Event.objects.filter(title=title).first()
    if event is not None:
        return event
    starts_on = today - datetime.timedelta(days=days_ago)
    now = timezone.now()
    event = Event(
        kind=kind,
        title=title,
        programme="Program zrealizowany.",
        starts_on=starts_on,
        ends_on=starts_on + datetime.timedelta(days=1),
        capacity=30,
        registration_opens_at=now - datetime.timedelta(days=days_ago + 40),
        registration_closes_at=now - datetime.timedelta(days=days_ago + 5),
        **extra,
    )
    event.full_clean()
    event.save()
    return event


def _attended(event: Event, partnership: Partnership, person: Person, staff) -> None:
    if Participant.objects.filter(event=event, person=person, removed_at__isnull=True).exists():
        return
    registration = Registration.objects.create(
        event=event,
        partnership=partnership,
        chosen_internally=True,
        seats=1,
        status=RegistrationStatus.REGISTERED,
        created_by=staff,
    )
    Participant.objects.create(
        registration=registration,
        event=event,
        person=person,
        attended=True,
        materials_received=True,
        attendance_marked_at=timezone.now(),
        attendance_marked_by=staff,
    )


def load(users) -> None:
    staff = users["staff"]
    today = timezone.localdate()
    visit = _past_event(
        EventKind.STUDY_VISIT,
        PAST_VISIT,
        today,
        60,
        place="Gminna Biblioteka Publiczna w Krasnymstawie",
        host_name="Irena Malinowska",
        host_email="i.malinowska@demo.prb.pl",
    )
    seminar = _past_event(
        EventKind.SEMINAR, PAST_SEMINAR, today, 20, place="Warszawa", travel_at_own_cost=True
    )
    animators = {WACHOCK: users["animator"], NAD_BUGIEM: users["animator_b"]}
    for name, animator in animators.items():
        partnership = Partnership.objects.filter(name=name).first()
        if partnership is None:
            continue
        _support_cycle(partnership, animator, today)
        person = partnership.people.filter(archived_at__isnull=True).order_by("pk").first()
        if person is not None:
            _attended(visit, partnership, person, staff)
            _attended(seminar, partnership, person, staff)

    call = ClipCall.objects.filter(title=CALL_TITLE).first()
    if call is None:
        call = services.call_create(
            actor=staff,
            title=CALL_TITLE,
            round=None,
            clips_count=3,
            scoring_deadline=timezone.now() + datetime.timedelta(days=14),
            committee=[users["committee"], users["animator_b"], staff],
        )
    ustrzyki = Partnership.objects.filter(name=USTRZYKI).first()
    if ustrzyki is not None and not call.overrides.filter(partnership=ustrzyki).exists():
        services.eligibility_override_set(
            call=call,
            partnership=ustrzyki,
            actor=staff,
            decision=OverrideDecision.INCLUDE,
            reason="Seminarium opuszczone z powodu powodzi w gminie; animator potwierdza "
            "udział we wszystkich pozostałych formach wsparcia.",
        )
    if call.status == CallStatus.DRAFT:
        # Opened here without the e-mails to the demo committee.
        call.status = CallStatus.OPEN
        call.save(update_fields=["status"])
    if not Score.objects.filter(call=call).exists():
        demo_scores = [
            (staff, WACHOCK, 8, 7, "Wyraźny postęp, partnerzy przejmują zadania."),
            (staff, NAD_BUGIEM, 7, 9, "Bardzo pomysłowe działania z e-seniorami."),
            (staff, USTRZYKI, 6, 6, ""),
            (users["animator_b"], WACHOCK, 9, 6, "Klub młodzieżowy to dobry temat na klip."),
            (users["animator_b"], USTRZYKI, 5, 7, ""),
        ]
        for member, name, progress, creativity, comment in demo_scores:
            partnership = Partnership.objects.filter(name=name).first()
            if partnership is None or partnership.animator_id == member.pk:
                continue
            services.score_save(
                call=call,
                member=member,
                partnership=partnership,
                progress=progress,
                creativity=creativity,
                comment=comment,
            )
