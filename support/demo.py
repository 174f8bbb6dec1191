"""Demo data of the support app: a support cycle under way for "Razem dla Gminy Wąchock", and
its development plan with a few actions and one agreed version. Idempotent: the cycle is added
only when the partnership has no sessions, the plan only when it has no plan."""

import datetime

from django.utils import timezone

from partnerships.models import Partnership
from support import services
from support.enums import Channel, MaterialsChannel, SessionKind
from support.models import DevelopmentPlan


def load(users) -> None:
    _load_potential_partners(users)
    partnership = Partnership.objects.filter(name="Razem dla Gminy Wąchock").first()
    if partnership is None:
        return
    if not partnership.support_sessions.exists():
        _load_cycle(partnership, users)
    if not DevelopmentPlan.objects.filter(partnership=partnership).exists():
        _load_plan(partnership, users)


def _load_potential_partners(users) -> None:
    """ "Partnerstwo Nad Bugiem" has no business partner yet (§1.2): it is approaching two
    businesses, one of them with the animator's help (§2.1.1)."""
    partnership = Partnership.objects.filter(name="Partnerstwo Nad Bugiem").first()
    if partnership is None or partnership.potential_partners.exists():
        return
    today = timezone.localdate()
    services.potential_partner_add(
        partnership=partnership,
        actor=users["leader_b"],
        name="Sklep spożywczy „U Haliny”",
        sector="business",
        kind="company",
        contact_person="Halina Bielecka, właścicielka",
        contacted_by="Tomasz Wójcik",
        contacted_on=today - datetime.timedelta(days=6),
        outcome="Rozmowa przy okazji zakupów; właścicielka prosi o informację na piśmie.",
    )
    services.potential_partner_add(
        partnership=partnership,
        actor=users["animator_b"],
        name="Bank Spółdzielczy w Drohiczynie",
        sector="business",
        kind="company",
        contact_person="Dyrektor oddziału",
        contacted_by="Tomasz Wójcik i animatorka Ewa Wiśniewska",
        contacted_on=today - datetime.timedelta(days=3),
        status="interested",
        outcome="Bank chce prowadzić z seniorami warsztaty bezpiecznej bankowości.",
        animator_help="Przygotowałam z liderem list intencyjny i byłam na spotkaniu w banku.",
    )


def _load_cycle(partnership, users) -> None:
    animator, staff = users["animator"], users["staff"]
    today = timezone.localdate()

    def day(offset):
        return today + datetime.timedelta(days=offset)

    services.materials_dispatch_record(
        partnership=partnership,
        actor=staff,
        what="Pakiet „Partnerstwo od A do Z”: poradnik, karty pracy i przykłady planów rozwoju.",
        sent_on=day(-25),
        channel=MaterialsChannel.POST,
    )
    services.session_log(
        partnership=partnership,
        actor=animator,
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
        actor=animator,
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
        actor=animator,
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
            actor=animator,
            reported_on=day(-3),
            how_spread="Informacja na zebraniu zespołu biblioteki i na stronie internetowej.",
        )


def _load_plan(partnership, users) -> None:
    """The plan, pre-filled by the portal and completed by the leader and the animator, with
    three actions; both agree, which keeps version 1."""
    leader, animator = partnership.leader, partnership.animator
    if leader is None or animator is None:
        return
    today = timezone.localdate()
    plan = services.plan_start(partnership=partnership, actor=animator)
    plan = services.plan_sections_save(
        plan=plan,
        actor=leader,
        version=plan.version,
        goals=(plan.goals + "\n\n" if plan.goals else "")
        + "Do końca roku szkolnego w bibliotece działa klub młodzieżowy, prowadzony wspólnie "
        "przez partnerów; co najmniej 20 osób bywa w nim regularnie.",
        promotion="Wspólny profil partnerstwa w mediach społecznościowych, plakaty w szkole i "
        "w piekarni, informacja w gazecie gminnej. Każdy partner mówi o klubie „my”.",
        evaluation="Po każdym semestrze krótka ankieta wśród młodzieży i spotkanie partnerów: "
        "co się udało, co zmienić.",
    )
    by_name = {p.institution.name: p for p in partnership.partners.filter(left_on__isnull=True)}
    actions = [
        (
            "Ankieta wśród młodzieży: czego potrzebuje klub",
            partnership.lead_library.name,
            7,
            30,
            "Ankieta online, pomoc nauczycieli.",
        ),
        (
            "Przygotowanie sali klubu: malowanie, meble, sprzęt",
            "Urząd Miasta i Gminy Wąchock",
            30,
            75,
            "Sala na piętrze biblioteki, ekipa techniczna gminy.",
        ),
        (
            "Poczęstunek na otwarcie klubu i comiesięczne spotkania",
            "Piekarnia Kłos s.c.",
            75,
            240,
            "Pieczywo i ciasto od piekarni.",
        ),
    ]
    for what, name, start, end, resources in actions:
        partner = by_name.get(name)
        if partner is None:
            continue
        services.plan_action_add(
            plan=plan,
            actor=animator,
            what=what,
            partner=partner,
            starts_on=today + datetime.timedelta(days=start),
            ends_on=today + datetime.timedelta(days=end),
            resources=resources,
        )
    for user in (leader, animator):
        plan = DevelopmentPlan.objects.get(pk=plan.pk)
        plan.partnership = partnership
        services.plan_agree(plan=plan, actor=user, revision=plan.revision)
