import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from support import services
from support.models import (
    DiagnosisRecord,
    HourBudget,
    Meeting1Record,
    Meeting2Record,
    PartnerReport,
    PlannedMeeting,
    PotentialPartner,
    SupportSession,
)
from tests.factories import PartnerFactory, PotentialPartnerFactory, SupportSessionFactory
from tests.support.conftest import days_ago

pytestmark = pytest.mark.django_db


def _messages(exc_info) -> str:
    return " ".join(exc_info.value.messages)


# --- the budget -----------------------------------------------------------------------------


def test_session_log_first_use_creates_default_budget(world, log):
    log(world.partnership_a, kind="diagnosis", duration_minutes=90)
    budget = HourBudget.objects.get(partnership=world.partnership_a)
    assert budget.minutes == 960


def test_session_log_past_budget_refused_with_time_left(world, log):
    log(world.partnership_a, kind="diagnosis", held_on=days_ago(5), duration_minutes=60)
    log(world.partnership_a, held_on=days_ago(4), duration_minutes=915)
    with pytest.raises(ValidationError) as exc_info:
        log(world.partnership_a, duration_minutes=60)
    assert "45 min" in _messages(exc_info)
    assert SupportSession.objects.filter(partnership=world.partnership_a).count() == 2


def test_session_log_exactly_fills_budget_accepted(world, log):
    log(world.partnership_a, kind="diagnosis", held_on=days_ago(5), duration_minutes=60)
    log(world.partnership_a, held_on=days_ago(4), duration_minutes=900)
    log(world.partnership_a, duration_minutes=60)
    with pytest.raises(ValidationError) as exc_info:
        log(world.partnership_a, duration_minutes=15)
    assert "16" in _messages(exc_info)
    assert SupportSession.objects.filter(partnership=world.partnership_a).count() == 3


def test_session_log_diagnosis_stays_outside_the_16_hours(world, log):
    """§2.1.4: the diagnosis is the contact before support; all 16 hours are left after it."""
    log(world.partnership_a, kind="diagnosis", held_on=days_ago(5), duration_minutes=90)
    log(world.partnership_a, held_on=days_ago(4), duration_minutes=16 * 60)
    with pytest.raises(ValidationError) as exc_info:
        log(world.partnership_a, duration_minutes=15)
    assert "(16 godz.) został wykorzystany" in _messages(exc_info)
    assert SupportSession.objects.filter(partnership=world.partnership_a).count() == 2


def test_session_log_long_diagnosis_not_refused_by_the_budget(world, log):
    services.hour_budget_set(
        partnership=world.partnership_a, actor=world.staff, minutes=60, reason="Aneks."
    )
    diagnosis = log(world.partnership_a, kind="diagnosis", duration_minutes=120)
    assert diagnosis.duration_minutes == 120


def test_session_withdraw_frees_budget(world, log):
    log(world.partnership_a, kind="diagnosis", held_on=days_ago(5), duration_minutes=60)
    remote = log(world.partnership_a, duration_minutes=900)
    services.session_withdraw(session=remote, actor=world.animator_a, reason="Zapisane dwa razy.")
    log(world.partnership_a, duration_minutes=900)
    remote.refresh_from_db()
    assert remote.withdrawn_at is not None
    assert remote.withdrawn_by == world.animator_a
    assert SupportSession.objects.filter(withdrawn_at__isnull=True).count() == 2


def test_hour_budget_set_by_staff_keeps_reason_in_history(world, log):
    services.hour_budget_set(
        partnership=world.partnership_a, actor=world.staff, minutes=1200, reason="Aneks do umowy."
    )
    log(world.partnership_a, kind="diagnosis", held_on=days_ago(5), duration_minutes=1080)
    budget = HourBudget.objects.get(partnership=world.partnership_a)
    assert budget.minutes == 1200
    latest = budget.history.latest()
    assert latest.history_change_reason == "Aneks do umowy."
    assert latest.reason == "Aneks do umowy."


def test_hour_budget_set_by_animator_refused(world):
    with pytest.raises(PermissionDenied):
        services.hour_budget_set(
            partnership=world.partnership_a, actor=world.animator_a, minutes=1200, reason="x"
        )
    assert not HourBudget.objects.exists()


def test_hour_budget_set_without_reason_refused(world):
    with pytest.raises(ValidationError) as exc_info:
        services.hour_budget_set(
            partnership=world.partnership_a, actor=world.staff, minutes=1200, reason="  "
        )
    assert "reason" in exc_info.value.error_dict
    assert not HourBudget.objects.filter(minutes=1200).exists()


def test_hour_budget_set_below_used_refused(world, log):
    log(world.partnership_a, kind="diagnosis", held_on=days_ago(5), duration_minutes=60)
    log(world.partnership_a, held_on=days_ago(4), duration_minutes=600)
    with pytest.raises(ValidationError) as exc_info:
        services.hour_budget_set(
            partnership=world.partnership_a, actor=world.staff, minutes=480, reason="Cięcia."
        )
    assert "10" in _messages(exc_info)
    assert HourBudget.objects.get(partnership=world.partnership_a).minutes == 960


def test_hour_budget_set_below_used_ignores_the_diagnosis(world, log):
    log(world.partnership_a, kind="diagnosis", held_on=days_ago(5), duration_minutes=120)
    log(world.partnership_a, held_on=days_ago(4), duration_minutes=60)
    services.hour_budget_set(
        partnership=world.partnership_a, actor=world.staff, minutes=60, reason="Aneks."
    )
    assert HourBudget.objects.get(partnership=world.partnership_a).minutes == 60


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize("minutes", [0, -15, 20, 61])
def test_session_log_bad_duration_refused(world, log, minutes):
    with pytest.raises(ValidationError) as exc_info:
        log(world.partnership_a, kind="diagnosis", duration_minutes=minutes)
    assert "duration_minutes" in exc_info.value.error_dict
    assert not SupportSession.objects.exists()


def test_session_log_future_date_refused(world, log):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as exc_info:
        log(world.partnership_a, kind="diagnosis", held_on=tomorrow)
    assert "held_on" in exc_info.value.error_dict
    assert not SupportSession.objects.exists()


def test_session_log_remote_in_person_refused(world, log):
    log(world.partnership_a, kind="diagnosis", held_on=days_ago(3))
    with pytest.raises(ValidationError) as exc_info:
        log(world.partnership_a, kind="remote", channel="in_person")
    assert "channel" in exc_info.value.error_dict
    assert SupportSession.objects.count() == 1


def test_session_log_other_animators_partnership_refused(world, log):
    with pytest.raises(PermissionDenied):
        log(world.partnership_b, actor=world.animator_a, kind="diagnosis")
    assert not SupportSession.objects.exists()


def test_session_constraints_hold_without_the_service(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        SupportSessionFactory(partnership=world.partnership_a, duration_minutes=20)
    with pytest.raises(IntegrityError), transaction.atomic():
        SupportSessionFactory(partnership=world.partnership_a, duration_minutes=0)
    SupportSessionFactory(partnership=world.partnership_a, kind="meeting_1")
    with pytest.raises(IntegrityError), transaction.atomic():
        SupportSessionFactory(partnership=world.partnership_a, kind="meeting_1")
    assert SupportSession.objects.count() == 1


# --- order ----------------------------------------------------------------------------------


def test_session_log_meeting_1_before_diagnosis_refused(world, log):
    with pytest.raises(ValidationError) as exc_info:
        log(world.partnership_a, kind="meeting_1")
    assert "diagnoz" in _messages(exc_info)
    assert not SupportSession.objects.exists()
    assert not Meeting1Record.objects.exists()


def test_session_log_remote_before_diagnosis_refused(world, log):
    with pytest.raises(ValidationError):
        log(world.partnership_a, kind="remote")
    assert not SupportSession.objects.exists()


def test_session_log_meeting_2_before_meeting_1_refused(world, log):
    log(world.partnership_a, kind="diagnosis", held_on=days_ago(10))
    with pytest.raises(ValidationError):
        log(world.partnership_a, kind="meeting_2")
    assert SupportSession.objects.count() == 1
    assert not Meeting2Record.objects.exists()


def test_session_log_second_meeting_1_refused(world, cycle, log):
    cycle(world.partnership_a)
    with pytest.raises(ValidationError):
        log(world.partnership_a, kind="meeting_1", held_on=days_ago(5))
    assert SupportSession.objects.filter(kind="meeting_1").count() == 1


def test_session_log_meeting_2_dated_before_meeting_1_refused(world, cycle, log):
    cycle(world.partnership_a)
    with pytest.raises(ValidationError) as exc_info:
        log(world.partnership_a, kind="meeting_2", held_on=days_ago(12))
    assert "held_on" in exc_info.value.error_dict
    assert not SupportSession.objects.filter(kind="meeting_2").exists()


def test_session_log_dated_before_diagnosis_refused(world, log):
    log(world.partnership_a, kind="diagnosis", held_on=days_ago(5))
    with pytest.raises(ValidationError) as exc_info:
        log(world.partnership_a, kind="remote", held_on=days_ago(6))
    assert "held_on" in exc_info.value.error_dict


def test_session_log_meeting_1_again_after_withdrawal_accepted(world, cycle, log):
    _diagnosis, meeting_1 = cycle(world.partnership_a)
    services.session_withdraw(session=meeting_1, actor=world.animator_a, reason="Pomyłka.")
    log(world.partnership_a, kind="meeting_1", held_on=days_ago(8))
    assert SupportSession.objects.filter(kind="meeting_1").count() == 2
    assert SupportSession.objects.filter(kind="meeting_1", withdrawn_at__isnull=True).count() == 1


def test_session_withdraw_meeting_1_with_meeting_2_refused(world, cycle, log):
    _diagnosis, meeting_1 = cycle(world.partnership_a)
    log(world.partnership_a, kind="meeting_2", held_on=days_ago(2))
    with pytest.raises(ValidationError):
        services.session_withdraw(session=meeting_1, actor=world.animator_a, reason="Pomyłka.")
    meeting_1.refresh_from_db()
    assert meeting_1.withdrawn_at is None


def test_session_withdraw_without_reason_refused(world, log):
    diagnosis = log(world.partnership_a, kind="diagnosis")
    with pytest.raises(ValidationError):
        services.session_withdraw(session=diagnosis, actor=world.animator_a, reason=" ")
    diagnosis.refresh_from_db()
    assert diagnosis.withdrawn_at is None


# --- records and the planned meeting --------------------------------------------------------


def test_session_log_diagnosis_saves_record(world, log):
    session = log(world.partnership_a, kind="diagnosis")
    record = DiagnosisRecord.objects.get(session=session)
    assert (record.state, record.development, record.potential) == (
        "Stan.",
        "Rozwój.",
        "Potencjał.",
    )


def test_session_log_diagnosis_without_record_refused(world, log):
    with pytest.raises(ValidationError):
        log(world.partnership_a, kind="diagnosis", record={"state": "Tylko stan."})
    assert not SupportSession.objects.exists()


def test_session_log_meeting_1_stores_planned_meeting(world, cycle):
    _diagnosis, meeting_1 = cycle(world.partnership_a)
    planned = PlannedMeeting.objects.get(partnership=world.partnership_a)
    assert planned.planned_by_session == meeting_1
    assert planned.planned_on == days_ago(10) + datetime.timedelta(days=14)
    assert planned.is_open


def test_session_log_meeting_1_without_next_date_refused(world, log):
    log(world.partnership_a, kind="diagnosis", held_on=days_ago(5))
    record = {"experience_assessment": "Ocena.", "planned_actions": "Plany."}
    with pytest.raises(ValidationError) as exc_info:
        log(world.partnership_a, kind="meeting_1", record=record)
    assert "next_meeting_on" in exc_info.value.error_dict
    assert not SupportSession.objects.filter(kind="meeting_1").exists()
    assert not Meeting1Record.objects.exists()


def test_session_log_meeting_1_next_date_not_after_refused(world, log):
    log(world.partnership_a, kind="diagnosis", held_on=days_ago(5))
    record = {
        "experience_assessment": "Ocena.",
        "planned_actions": "Plany.",
        "next_meeting_on": days_ago(1),
    }
    with pytest.raises(ValidationError):
        log(world.partnership_a, kind="meeting_1", record=record)
    assert not PlannedMeeting.objects.exists()


def test_session_log_meeting_2_saves_topic_and_fulfils_planned_meeting(world, cycle, log):
    cycle(world.partnership_a)
    meeting_2 = log(world.partnership_a, kind="meeting_2", held_on=days_ago(1))
    assert Meeting2Record.objects.get(session=meeting_2).training_topic == "team"
    planned = PlannedMeeting.objects.get(partnership=world.partnership_a)
    assert planned.held_session == meeting_2


def test_session_log_meeting_2_bad_topic_refused(world, cycle, log):
    cycle(world.partnership_a)
    with pytest.raises(ValidationError):
        log(
            world.partnership_a,
            kind="meeting_2",
            held_on=days_ago(1),
            record={"progress": "P.", "training_topic": "cooking"},
        )
    assert not SupportSession.objects.filter(kind="meeting_2").exists()


def test_session_withdraw_meeting_1_cancels_planned_meeting(world, cycle):
    _diagnosis, meeting_1 = cycle(world.partnership_a)
    services.session_withdraw(session=meeting_1, actor=world.animator_a, reason="Pomyłka.")
    assert PlannedMeeting.objects.get().cancelled_at is not None


def test_session_withdraw_meeting_2_reopens_planned_meeting(world, cycle, log):
    cycle(world.partnership_a)
    meeting_2 = log(world.partnership_a, kind="meeting_2", held_on=days_ago(1))
    services.session_withdraw(session=meeting_2, actor=world.animator_a, reason="Pomyłka.")
    assert PlannedMeeting.objects.get().held_session is None


# --- editing --------------------------------------------------------------------------------


def test_session_update_by_animator_changes_fields_and_record(world, log):
    session = log(world.partnership_a, kind="diagnosis", held_on=days_ago(3))
    services.session_update(
        session=session,
        actor=world.animator_a,
        channel="video",
        held_on=days_ago(4),
        duration_minutes=45,
        notes="Poprawione.",
        record={"state": "Nowy stan.", "development": "R.", "potential": "P."},
    )
    session.refresh_from_db()
    assert (session.channel, session.held_on, session.duration_minutes) == (
        "video",
        days_ago(4),
        45,
    )
    assert session.diagnosis_record.state == "Nowy stan."
    assert session.history.count() == 2


def test_session_update_after_30_days_by_animator_refused(world, log):
    session = log(world.partnership_a, kind="diagnosis", held_on=days_ago(3))
    with time_machine.travel(timezone.now() + datetime.timedelta(days=31)):
        with pytest.raises(PermissionDenied):
            services.session_update(
                session=session,
                actor=world.animator_a,
                channel="phone",
                held_on=days_ago(3),
                duration_minutes=30,
                record=None,
            )
        services.session_update(
            session=session,
            actor=world.staff,
            channel="phone",
            held_on=days_ago(3),
            duration_minutes=30,
            record={"state": "S.", "development": "D.", "potential": "P."},
        )
    session.refresh_from_db()
    assert session.duration_minutes == 30


def test_session_update_past_budget_refused(world, log):
    log(world.partnership_a, kind="diagnosis", held_on=days_ago(3), duration_minutes=60)
    log(world.partnership_a, held_on=days_ago(2), duration_minutes=900)
    remote = log(world.partnership_a, duration_minutes=30)
    with pytest.raises(ValidationError) as exc_info:
        services.session_update(
            session=remote,
            actor=world.animator_a,
            channel="phone",
            held_on=remote.held_on,
            duration_minutes=90,
        )
    assert "pozostały czas z budżetu partnerstwa (16 godz.) to tylko 1 godz." in _messages(exc_info)
    remote.refresh_from_db()
    assert remote.duration_minutes == 30


def test_session_update_meeting_1_moves_planned_meeting(world, cycle):
    _diagnosis, meeting_1 = cycle(world.partnership_a)
    new_date = timezone.localdate() + datetime.timedelta(days=30)
    services.session_update(
        session=meeting_1,
        actor=world.animator_a,
        channel="in_person",
        held_on=meeting_1.held_on,
        duration_minutes=180,
        record={
            "experience_assessment": "O.",
            "planned_actions": "P.",
            "next_meeting_on": new_date,
            "next_meeting_place": "Świetlica",
        },
    )
    planned = PlannedMeeting.objects.get()
    assert (planned.planned_on, planned.place) == (new_date, "Świetlica")


# --- partners' reports and materials --------------------------------------------------------


def test_partner_report_save_before_meeting_1_refused(world, log):
    log(world.partnership_a, kind="diagnosis")
    partner = world.partnership_a.partners.first()
    with pytest.raises(ValidationError):
        services.partner_report_save(
            partner=partner, actor=world.animator_a, reported_on=days_ago(0), how_spread="x"
        )
    assert not PartnerReport.objects.exists()


def test_partner_report_save_twice_updates_one_report(world, cycle):
    cycle(world.partnership_a)
    partner = world.partnership_a.partners.first()
    for text in ("Pierwsza wersja.", "Druga wersja."):
        services.partner_report_save(
            partner=partner, actor=world.animator_a, reported_on=days_ago(2), how_spread=text
        )
    report = PartnerReport.objects.get()
    assert report.how_spread == "Druga wersja."
    assert report.partnership == world.partnership_a


def test_partner_report_save_dated_before_meeting_1_refused(world, cycle):
    cycle(world.partnership_a)
    partner = world.partnership_a.partners.first()
    with pytest.raises(ValidationError) as exc_info:
        services.partner_report_save(
            partner=partner, actor=world.animator_a, reported_on=days_ago(11), how_spread="x"
        )
    assert "reported_on" in exc_info.value.error_dict
    assert "po pierwszym spotkaniu" in _messages(exc_info)


def test_partner_report_save_by_the_leader_recorded(world, cycle):
    """§2.1.5: the leader gathers what the partners passed on, so the leader records it too."""
    cycle(world.partnership_a)
    partner = PartnerFactory(partnership=world.partnership_a)
    report = services.partner_report_save(
        partner=partner, actor=world.leader_a, reported_on=days_ago(1), how_spread="Na radzie."
    )
    assert (report.recorded_by, report.partnership) == (world.leader_a, world.partnership_a)


@pytest.mark.parametrize("persona", ["leader_b", "animator_b", "committee"])
def test_partner_report_save_by_outsiders_refused(world, cycle, persona):
    cycle(world.partnership_a)
    partner = PartnerFactory(partnership=world.partnership_a)
    with pytest.raises(PermissionDenied):
        services.partner_report_save(
            partner=partner, actor=world.persona(persona), reported_on=days_ago(1), how_spread="x"
        )
    assert not PartnerReport.objects.exists()


def test_partner_report_save_dated_after_meeting_2_refused(world, cycle, log):
    """§2.1.5: the reports are what happened between the two meetings."""
    cycle(world.partnership_a)  # meeting 1 ten days ago
    log(world.partnership_a, kind="meeting_2", held_on=days_ago(5), duration_minutes=180)
    partner = world.partnership_a.partners.first()
    with pytest.raises(ValidationError) as exc_info:
        services.partner_report_save(
            partner=partner, actor=world.leader_a, reported_on=days_ago(4), how_spread="x"
        )
    assert "reported_on" in exc_info.value.error_dict
    assert "nie później niż w dniu drugiego spotkania" in _messages(exc_info)
    assert not PartnerReport.objects.exists()
    report = services.partner_report_save(
        partner=partner, actor=world.leader_a, reported_on=days_ago(5), how_spread="Na zebraniu."
    )
    assert report.reported_on == days_ago(5)


def test_materials_dispatch_record_by_animator_refused(world):
    with pytest.raises(PermissionDenied):
        services.materials_dispatch_record(
            partnership=world.partnership_a,
            actor=world.animator_a,
            what="x",
            sent_on=days_ago(1),
            channel="post",
        )


def test_materials_dispatch_record_future_date_refused(world):
    with pytest.raises(ValidationError):
        services.materials_dispatch_record(
            partnership=world.partnership_a,
            actor=world.staff,
            what="Poradnik.",
            sent_on=timezone.localdate() + datetime.timedelta(days=2),
            channel="post",
        )
    assert not world.partnership_a.materials_dispatches.exists()


def _dispatch(world, sent_on, **kw):
    return services.materials_dispatch_record(
        partnership=world.partnership_a,
        actor=world.staff,
        what="Poradnik.",
        sent_on=sent_on,
        channel="post",
        **kw,
    )


def test_materials_dispatch_record_after_support_began_needs_confirmation(world, cycle):
    cycle(world.partnership_a)  # diagnosis 20 days ago, meeting 1 (support begins) 10 days ago
    with pytest.raises(ValidationError) as exc_info:
        _dispatch(world, days_ago(9))
    assert "after_support_confirmed" in exc_info.value.error_dict
    assert "Wsparcie animatora zaczęło się" in _messages(exc_info)
    assert not world.partnership_a.materials_dispatches.exists()
    dispatch = _dispatch(world, days_ago(9), after_support_confirmed=True)
    assert dispatch.sent_on == days_ago(9)


def test_materials_dispatch_record_before_support_or_after_diagnosis_needs_no_confirmation(
    world, cycle
):
    cycle(world.partnership_a)
    # §2.1.4: the diagnosis (20 days ago) is the contact before support, not its start
    assert _dispatch(world, days_ago(15)).sent_on == days_ago(15)
    assert _dispatch(world, days_ago(10)).sent_on == days_ago(10)  # the day support began


def test_materials_dispatch_record_withdrawn_contact_does_not_start_support(world, log):
    log(world.partnership_a, kind="diagnosis", held_on=days_ago(20))
    remote = log(world.partnership_a, kind="remote", held_on=days_ago(12))
    services.session_withdraw(session=remote, actor=world.animator_a, reason="Pomyłka.")
    assert _dispatch(world, days_ago(5)).sent_on == days_ago(5)


def test_materials_dispatch_update_moved_after_support_needs_confirmation(world, cycle):
    cycle(world.partnership_a)
    dispatch = _dispatch(world, days_ago(15))
    with pytest.raises(ValidationError) as exc_info:
        services.materials_dispatch_update(
            dispatch=dispatch, actor=world.staff, what="x", sent_on=days_ago(3), channel="post"
        )
    assert "after_support_confirmed" in exc_info.value.error_dict
    dispatch.refresh_from_db()
    assert dispatch.sent_on == days_ago(15)


# --- potential partners (§1.2, §2.1.1) --------------------------------------------------------


def _candidate(world, actor=None, **fields):
    data = {
        "name": "Piekarnia Kłos",
        "sector": "business",
        "kind": "company",
        "contacted_by": "Maria Nowak",
        "contacted_on": days_ago(3),
        **fields,
    }
    return services.potential_partner_add(
        partnership=world.partnership_a, actor=actor or world.leader_a, **data
    )


def test_potential_partner_add_by_the_leader_records_the_contact(world):
    """§1.2: the library identifies and invites potential partners from the three sectors."""
    candidate = _candidate(world, contact_person=" Jan Kłos, właściciel ")
    assert (candidate.status, candidate.created_by) == ("approached", world.leader_a)
    assert (candidate.contact_person, candidate.contacted_on) == (
        "Jan Kłos, właściciel",
        days_ago(3),
    )
    assert candidate.history.count() == 1


@pytest.mark.parametrize("persona", ["leader_b", "animator_b", "committee"])
def test_potential_partner_add_by_outsiders_refused(world, persona):
    with pytest.raises(PermissionDenied):
        _candidate(world, actor=world.persona(persona))
    assert not PotentialPartner.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"contacted_on": timezone.localdate() + datetime.timedelta(days=1)}, "contacted_on"),
        ({"status": "joined"}, "status"),
        ({"contacted_by": ""}, "contacted_by"),
        ({"sector": "private"}, "sector"),
    ],
    ids=["future-date", "joined-without-joining", "no-contact-person", "unknown-sector"],
)
def test_potential_partner_add_bad_input_refused(world, fields, field):
    with pytest.raises(ValidationError) as exc_info:
        _candidate(world, **fields)
    assert field in exc_info.value.error_dict
    assert not PotentialPartner.objects.exists()


def test_potential_partner_animator_help_noted_by_the_animator_only(world):
    """§2.1.1: the animator supports the partnership in making contacts with local
    institutions, and notes that help; the leader does not write it for them."""
    with pytest.raises(PermissionDenied):
        _candidate(world, animator_help="Umówiłem spotkanie.")
    candidate = _candidate(world, actor=world.animator_a, animator_help="Umówiłem spotkanie.")
    updated = services.potential_partner_update(
        candidate=candidate,
        actor=world.leader_a,
        status="interested",
        outcome="Chcą przekazać nagrody.",
        animator_help="Umówiłem spotkanie.",  # unchanged: the leader may send it back
    )
    assert (updated.status, updated.animator_help) == ("interested", "Umówiłem spotkanie.")
    with pytest.raises(PermissionDenied):
        services.potential_partner_update(
            candidate=candidate, actor=world.leader_a, animator_help="Zmienione."
        )


def test_potential_partner_join_makes_a_partner_with_contribution_and_benefit(world):
    candidate = _candidate(world, status="interested")
    partner = services.potential_partner_join(
        candidate=candidate,
        actor=world.leader_a,
        contribution="Poczęstunek na spotkania.",
        benefit="Promocja w społeczności.",
    )
    library = world.partnership_a.lead_library
    assert partner.partnership == world.partnership_a
    assert (partner.institution.name, partner.institution.sector) == ("Piekarnia Kłos", "business")
    assert (partner.institution.commune, partner.institution.voivodeship) == (
        library.commune,
        library.voivodeship,
    )
    assert (partner.contribution, partner.benefit) == (
        "Poczęstunek na spotkania.",
        "Promocja w społeczności.",
    )
    candidate.refresh_from_db()
    assert (candidate.status, candidate.partner) == ("joined", partner)
    assert world.partnership_a.partners.filter(
        left_on__isnull=True, institution__sector="business"
    ).exists()


def test_potential_partner_join_twice_makes_one_partner(world):
    candidate = _candidate(world)
    services.potential_partner_join(
        candidate=candidate, actor=world.animator_a, contribution="W.", benefit="K."
    )
    with pytest.raises(ValidationError):
        services.potential_partner_join(
            candidate=candidate, actor=world.animator_a, contribution="W.", benefit="K."
        )
    assert world.partnership_a.partners.filter(institution__name="Piekarnia Kłos").count() == 1


def test_potential_partner_join_without_contribution_refused(world):
    candidate = _candidate(world)
    partners = world.partnership_a.partners.count()
    with pytest.raises(ValidationError) as exc_info:
        services.potential_partner_join(
            candidate=candidate, actor=world.leader_a, contribution=" ", benefit="K."
        )
    assert "contribution" in exc_info.value.error_dict
    assert world.partnership_a.partners.count() == partners
    candidate.refresh_from_db()
    assert candidate.status == "approached"


def test_potential_partner_update_after_joining_refused(world):
    candidate = _candidate(world)
    services.potential_partner_join(
        candidate=candidate, actor=world.leader_a, contribution="W.", benefit="K."
    )
    with pytest.raises(ValidationError):
        services.potential_partner_update(
            candidate=candidate, actor=world.leader_a, status="declined"
        )
    candidate.refresh_from_db()
    assert candidate.status == "joined"


def test_potential_partner_joined_without_partner_refused_by_the_database(world):
    candidate = PotentialPartnerFactory(partnership=world.partnership_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        PotentialPartner.objects.filter(pk=candidate.pk).update(status="joined")
