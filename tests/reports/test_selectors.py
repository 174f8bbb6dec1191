import datetime

import pytest
from django.utils import timezone

from events.models import Participant, Registration
from partnerships.enums import PartnershipStatus, Round, Sector, Voivodeship
from partnerships.selectors import animator_choices
from reports import selectors
from reports.selectors import Filters
from support.enums import BehindReason
from tests.factories import (
    EventFactory,
    HourBudgetFactory,
    InstitutionFactory,
    LibraryFactory,
    PartnerFactory,
    PartnershipFactory,
    PersonFactory,
    PlannedMeetingFactory,
    SeminarFactory,
    SupportSessionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


def _reasons(partnership) -> set[str]:
    row = selectors.behind_list(Filters()).filter(pk=partnership.pk).first()
    if row is None:
        return set()
    return {code for code, _label in BehindReason.choices if getattr(row, f"behind_{code}")}


def register(event, partnership, *, attended=None):
    """A registration with one person, made directly (the rules are the events app's)."""
    registration = Registration.objects.create(
        event=event, partnership=partnership, chosen_internally=True, seats=1
    )
    person = PersonFactory(partnership=partnership)
    Participant.objects.create(
        registration=registration, event=event, person=person, attended=attended
    )
    return registration


def test_behind_no_diagnosis_after_fourteen_days(world):
    world.partnership_a.animator_assigned_on = days_ago(15)
    world.partnership_a.save()
    world.partnership_b.animator_assigned_on = days_ago(13)
    world.partnership_b.save()
    assert BehindReason.NO_DIAGNOSIS in _reasons(world.partnership_a)
    assert _reasons(world.partnership_b) == set()


def test_behind_no_contact_for_thirty_days(world):
    SupportSessionFactory(partnership=world.partnership_a, kind="diagnosis", held_on=days_ago(31))
    SupportSessionFactory(partnership=world.partnership_b, kind="diagnosis", held_on=days_ago(29))
    assert _reasons(world.partnership_a) == {BehindReason.NO_CONTACT}
    assert _reasons(world.partnership_b) == set()
    row = selectors.behind_list(Filters()).get(pk=world.partnership_a.pk)
    assert row.last_contact_on == days_ago(31)


def test_behind_ignores_withdrawn_sessions_for_last_contact(world):
    SupportSessionFactory(partnership=world.partnership_a, kind="diagnosis", held_on=days_ago(40))
    SupportSessionFactory(
        partnership=world.partnership_a,
        held_on=days_ago(1),
        withdrawn_at=timezone.now(),
        withdrawn_reason="pomyłka",
        withdrawn_by=world.staff,
    )
    assert BehindReason.NO_CONTACT in _reasons(world.partnership_a)


def test_behind_meeting_two_missing_after_planned_date(world):
    SupportSessionFactory(partnership=world.partnership_a, kind="diagnosis", held_on=days_ago(9))
    PlannedMeetingFactory(
        planned_by_session__partnership=world.partnership_a,
        planned_by_session__held_on=days_ago(8),
        planned_on=days_ago(1),
    )
    assert _reasons(world.partnership_a) == {BehindReason.MEETING_2_MISSING}


def test_behind_meeting_two_held_is_not_behind(world):
    PlannedMeetingFactory(
        planned_by_session__partnership=world.partnership_a,
        planned_by_session__held_on=days_ago(8),
        planned_on=days_ago(1),
    )
    SupportSessionFactory(partnership=world.partnership_a, kind="diagnosis", held_on=days_ago(9))
    SupportSessionFactory(partnership=world.partnership_a, kind="meeting_2", held_on=days_ago(1))
    assert _reasons(world.partnership_a) == set()


def test_behind_no_animator_only_while_working(world):
    qualified = PartnershipFactory(status=PartnershipStatus.QUALIFIED)
    completed = PartnershipFactory(status=PartnershipStatus.COMPLETED)
    assert _reasons(qualified) == {BehindReason.NO_ANIMATOR}
    assert _reasons(completed) == set()


def test_behind_list_filters_by_reason_and_sorts(world):
    world.partnership_a.animator_assigned_on = days_ago(40)
    world.partnership_a.save()
    lonely = PartnershipFactory(name="Aaa bez animatora", status=PartnershipStatus.QUALIFIED)
    names = [p.name for p in selectors.behind_list(Filters(), sort="name")]
    assert names == ["Aaa bez animatora", "Partnerstwo A"]
    only = selectors.behind_list(Filters(), reason=BehindReason.NO_ANIMATOR)
    assert [p.pk for p in only] == [lonely.pk]
    row = selectors.behind_list(Filters()).get(pk=world.partnership_a.pk)
    assert selectors.behind_reasons(row) == [
        str(BehindReason.NO_DIAGNOSIS.label),
        str(BehindReason.NO_CONTACT.label),
    ]


def test_behind_counts_per_reason(world):
    world.partnership_a.animator_assigned_on = days_ago(40)
    world.partnership_a.save()
    PartnershipFactory(status=PartnershipStatus.QUALIFIED)
    counts = {code: n for code, _label, n in selectors.behind_counts(Filters())}
    assert counts == {
        BehindReason.NO_ANIMATOR: 1,
        BehindReason.NO_DIAGNOSIS: 1,
        BehindReason.NO_CONTACT: 1,
        BehindReason.MEETING_2_MISSING: 0,
        "no_plan": 0,  # registered by the support app
    }


def test_filters_by_round_voivodeship_and_animator(world):
    other = PartnershipFactory(
        round=Round.II,
        lead_library=LibraryFactory(voivodeship=Voivodeship.POMORSKIE),
        animator=world.animator_a,
    )
    assert set(selectors.filtered_partnerships(Filters(round=2))) == {other}
    assert set(selectors.filtered_partnerships(Filters(voivodeship="pomorskie"))) == {other}
    assert set(selectors.filtered_partnerships(Filters(animator_id=world.animator_a.pk))) == {
        world.partnership_a,
        other,
    }


def test_status_by_round_counts_per_round(world):
    PartnershipFactory(round=Round.II, status=PartnershipStatus.COMPLETED)
    table = selectors.status_by_round(Filters())
    rows = {row["status"]: row["counts"] for row in table["rows"]}
    assert rows["in_support"] == [2, 0]
    assert rows["completed"] == [0, 1]
    assert table["totals"] == [2, 1] and table["total"] == 3


def test_sector_coverage_counts_active_partners_only(world):
    # A: library (public) + NGO (social). B: library only. Add a business partner to A.
    PartnerFactory(
        partnership=world.partnership_a, institution=InstitutionFactory(sector=Sector.BUSINESS)
    )
    PartnerFactory(
        partnership=world.partnership_b,
        institution=InstitutionFactory(sector=Sector.SOCIAL),
        left_on=timezone.localdate(),
    )
    coverage = selectors.sector_coverage(Filters())
    assert coverage == {"total": 2, "public": 2, "social": 1, "business": 1, "full": 1}


def test_hours_by_animator_and_totals(world):
    SupportSessionFactory(partnership=world.partnership_a, kind="diagnosis", duration_minutes=90)
    SupportSessionFactory(partnership=world.partnership_a, duration_minutes=30)
    HourBudgetFactory(partnership=world.partnership_b, minutes=20 * 60)
    rows = {row["animator_id"]: row for row in selectors.hours_by_animator(Filters())}
    # §2.1.4: the diagnosis is shown apart, outside the 16 hours
    assert rows[world.animator_a.pk]["used"] == 30
    assert rows[world.animator_a.pk]["diagnosis"] == 90
    assert rows[world.animator_a.pk]["budget"] == 960
    assert rows[world.animator_b.pk]["budget"] == 1200
    assert rows[world.animator_b.pk]["diagnosis"] == 0
    totals = selectors.hours_totals(Filters())
    assert totals["used"] == 30 and totals["budget"] == 2160 and totals["diagnosed"] == 1
    assert totals["diagnosis"] == 90
    top = selectors.hours_by_partnership(Filters())
    assert top[0] == world.partnership_a
    assert (top[0].used_minutes, top[0].diagnosis_minutes) == (30, 90)


def test_events_with_registrations_follow_filters(world):
    event = EventFactory(capacity=10)
    register(event, world.partnership_a, attended=True)
    register(event, world.partnership_b)
    row = selectors.events_with_registrations(Filters()).get(pk=event.pk)
    assert (row.registrations_count, row.people_count, row.attended_count) == (2, 2, 1)
    only_b = Filters(animator_id=world.animator_b.pk)
    row = selectors.events_with_registrations(only_b).get(pk=event.pk)
    assert (row.registrations_count, row.people_count, row.attended_count) == (1, 1, 0)
    assert row.seats_taken == 2  # seats count everyone


def test_participation_matrix_and_totals(world):
    visit, seminar = EventFactory(), SeminarFactory()
    register(visit, world.partnership_a, attended=True)
    register(seminar, world.partnership_a, attended=True)
    register(visit, world.partnership_b)
    for kind in ("diagnosis", "meeting_1", "meeting_2"):
        SupportSessionFactory(partnership=world.partnership_a, kind=kind)
    rows = {p.pk: p for p in selectors.participation_list(Filters())}
    a, b = rows[world.partnership_a.pk], rows[world.partnership_b.pk]
    assert (a.step, a.visit, a.seminar) == ("meeting_2", "attended", "attended")
    assert (b.step, b.visit, b.seminar) == ("not_started", "registered", "none")
    totals = selectors.participation_totals(Filters())
    assert totals == {"total": 2, "both_meetings": 1, "visit": 1, "seminar": 1, "all_forms": 1}


def test_extension_adds_a_behind_reason(world, monkeypatch):
    from django.db.models import Q

    from portal import hooks

    monkeypatch.setattr(hooks, "_behind_checks", {})
    hooks.register_behind_reason("no_plan", "no plan", lambda today: Q(name="Partnerstwo B"))
    row = selectors.behind_list(Filters()).get()
    assert row == world.partnership_b
    assert selectors.behind_reasons(row) == ["no plan"]
    assert ("no_plan", "no plan", 1) in selectors.behind_counts(Filters())


def test_person_list_marks_anonymised(world):
    from reports.services import person_anonymise

    person = PersonFactory(partnership=world.partnership_a)
    person_anonymise(person=person, actor=world.staff)
    row = selectors.person_list(search="zanonimizowana").get()
    assert row.pk == person.pk and row.anonymised_at is not None


def test_animator_choices_list_animators_only(world):
    UserFactory()
    assert {pk for pk, _name in animator_choices()} == {world.animator_a.pk, world.animator_b.pk}
