"""Demo data of the support app: a support cycle under way for "Razem dla Gminy Wąchock".
Idempotent: nothing is added when the partnership already has sessions."""

import datetime

from django.utils import timezone

from partnerships.models import Partnership
from support import services
from support.enums import Channel, MaterialsChannel, SessionKind


def load(users) -> None:
    partnership = Partnership.objects.filter(name="Razem dla Gminy Wąchock").first()
    if partnership is None or partnership.support_sessions.exists():
        return
    animator, staff = users["animator"], users["staff"]
    today = timezone.localdate()

    def day(offset):
        return today + datetime.timedelta(days=offset)

    services.materials_dispatch_record(
        partnership=partnership,
        by=staff,
        what="Pakiet „Partnerstwo od A do Z”: poradnik, karty pracy i przykłady planów rozwoju.",
        sent_on=day(-25),
        channel=MaterialsChannel.POST,
    )
    services.session_log(
        partnership=partnership,
        by=animator,
        kind=SessionKind.DIAGNOSIS,
        channel=Channel.PHONE,
        held_on=day(-18),
        duration_minutes=90,
        notes="Rozmowa z liderką przed rozpoczęciem wsparcia.",
        record={
            "state": "Partnerstwo działa od roku; spotyka się nieregularnie, głównie z inicjatywy "
            "biblioteki.",
            "development": "Wspólnie zorganizowano dwa festyny; partner biznesowy dołączył "
            "niedawno.",
            "potential": "Duże zaangażowanie stowarzyszenia i przychylność gminy; szansa na "
            "klub młodzieżowy w bibliotece.",
        },
    )
    services.session_log(
        partnership=partnership,
        by=animator,
        kind=SessionKind.MEETING_1,
        channel=Channel.IN_PERSON,
        held_on=day(-10),
        duration_minutes=240,
        notes="Spotkanie w bibliotece, obecni wszyscy partnerzy.",
        record={
            "experience_assessment": "Dotychczasowe działania były udane, ale zależały od "
            "biblioteki; partnerzy chcą większego podziału zadań.",
            "planned_actions": "Ankieta wśród młodzieży, spotkanie z radą sołecką, "
            "przygotowanie pomieszczenia klubu.",
            "next_meeting_on": day(12),
            "next_meeting_time": datetime.time(16, 0),
            "next_meeting_place": "Gminna Biblioteka Publiczna w Wąchocku, sala na piętrze",
        },
    )
    services.session_log(
        partnership=partnership,
        by=animator,
        kind=SessionKind.REMOTE,
        channel=Channel.EMAIL,
        held_on=day(-5),
        duration_minutes=45,
        notes="Uwagi do ankiety dla młodzieży.",
    )
    library_partner = partnership.partners.filter(
        institution=partnership.lead_library, left_on__isnull=True
    ).first()
    if library_partner is not None:
        services.partner_report_save(
            partner=library_partner,
            by=animator,
            reported_on=day(-3),
            how_spread="Informacja na zebraniu zespołu biblioteki i na stronie internetowej.",
        )
