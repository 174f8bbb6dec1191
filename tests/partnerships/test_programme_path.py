"""Issue 19, point 9: each partnership's path through the programme, computed by one selector
(``partnerships.selectors.programme_paths``) from the steps the apps register, and rendered by
one include on the partnership page (the leader's start page) and the partnership list."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from clips.models import Production, Selection
from events.models import Participant, Registration
from partnerships.enums import ApplicationStatus, PartnershipStatus
from partnerships.selectors import PathState, programme_paths
from portal.enums import Role
from support import services as support_services
from support.models import PartnerReport
from tests.factories import (
    ApplicationFactory,
    ClipCallFactory,
    DevelopmentPlanFactory,
    EventFactory,
    MaterialsDispatchFactory,
    PartnershipFactory,
    PersonFactory,
    PlanVersionFactory,
    SeminarFactory,
    SupportSessionFactory,
    UserFactory,
)

STEPS = [
    "applied",
    "qualified",
    "materials",
    "diagnosis",
    "meeting_1",
    "partner_reports",
    "meeting_2",
    "plan_agreed",
    "study_visit",
    "seminar",
    "clip",
]


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


def states(path) -> dict:
    return {entry.step.code: entry.state for entry in path.entries}


def entry(path, code):
    return next(e for e in path.entries if e.step.code == code)


def _past(factory, days):
    starts_on = days_ago(days)
    return factory(
        starts_on=starts_on,
        ends_on=starts_on + datetime.timedelta(days=1),
        registration_opens_at=timezone.now() - datetime.timedelta(days=days + 30),
        registration_closes_at=timezone.now() - datetime.timedelta(days=days + 10),
    )


def attend(event, partnership, *, attended=True):
    registration = Registration.objects.create(
        event=event, partnership=partnership, chosen_internally=True, seats=1
    )
    Participant.objects.create(
        registration=registration,
        event=event,
        person=PersonFactory(partnership=partnership),
        attended=attended,
    )


def qualified_application(partnership, *, submitted_days_ago=60, decided_days_ago=50):
    return ApplicationFactory(
        partnership=partnership,
        status=ApplicationStatus.QUALIFIED,
        submitted_at=timezone.now() - datetime.timedelta(days=submitted_days_ago),
        decided_at=timezone.now() - datetime.timedelta(days=decided_days_ago),
    )


def log(partnership, kind, held_on, **record):
    records = {
        "diagnosis": {"state": "Stan.", "development": "Rozwój.", "potential": "Potencjał."},
        "meeting_1": {
            "experience_assessment": "Ocena.",
            "planned_actions": "Plany.",
            "next_meeting_on": held_on + datetime.timedelta(days=40),
        },
        "meeting_2": {"progress": "Postępy.", "training_topic": "team"},
    }
    return support_services.session_log(
        partnership=partnership,
        actor=partnership.animator,
        kind=kind,
        channel="in_person",
        held_on=held_on,
        duration_minutes=60,
        record=record or records[kind],
    )


@pytest.mark.django_db
def test_path_of_a_qualified_partnership_has_materials_next(world):
    partnership = world.partnership_a
    qualified_application(partnership)
    path = programme_paths([partnership])[partnership.pk]
    assert [e.step.code for e in path.entries] == STEPS
    assert states(path) == {
        "applied": PathState.DONE,
        "qualified": PathState.DONE,
        "materials": PathState.NEXT,
        **dict.fromkeys(STEPS[3:], PathState.PENDING),
    }
    assert entry(path, "applied").step.done_on == days_ago(60)
    assert entry(path, "qualified").step.done_on == days_ago(50)
    assert path.next.step.code == "materials"


@pytest.mark.django_db
def test_path_of_an_application_not_yet_decided_has_qualification_next():
    partnership = PartnershipFactory(status=PartnershipStatus.APPLIED)
    ApplicationFactory(
        partnership=partnership, status=ApplicationStatus.SUBMITTED, submitted_at=timezone.now()
    )
    path = programme_paths([partnership])[partnership.pk]
    assert states(path)["applied"] == PathState.DONE
    assert path.next.step.code == "qualified"


@pytest.mark.django_db
def test_path_between_the_meetings_counts_partners_reports_and_shows_meeting_2_planned(world):
    partnership = world.partnership_a  # the lead library and one social partner
    MaterialsDispatchFactory(partnership=partnership, sent_on=days_ago(40))
    log(partnership, "diagnosis", days_ago(30))
    log(partnership, "meeting_1", days_ago(20))
    path = programme_paths([partnership])[partnership.pk]
    assert [code for code, state in states(path).items() if state == PathState.DONE] == [
        "applied",
        "qualified",
        "materials",
        "diagnosis",
        "meeting_1",
    ]
    assert entry(path, "materials").step.done_on == days_ago(40)
    assert entry(path, "meeting_1").step.done_on == days_ago(20)
    reports = entry(path, "partner_reports")
    assert reports.state == PathState.NEXT
    with translation.override("pl"):
        assert str(reports.step.note) == "0 z 1"
    meeting_2 = entry(path, "meeting_2")
    assert meeting_2.state == PathState.PENDING
    assert meeting_2.step.planned_on == days_ago(20) + datetime.timedelta(days=40)

    partner = partnership.partners.exclude(institution=partnership.lead_library).get()
    support_services.partner_report_save(
        partner=partner,
        actor=world.leader_a,
        reported_on=days_ago(5),
        how_spread="Opowiedzieliśmy o partnerstwie na zebraniu.",
    )
    path = programme_paths([partnership])[partnership.pk]
    assert entry(path, "partner_reports").state == PathState.DONE
    assert entry(path, "partner_reports").step.done_on == days_ago(5)
    assert path.next.step.code == "meeting_2"


@pytest.mark.django_db
def test_path_at_the_end_has_every_step_done_with_its_date(world):
    partnership = world.partnership_a
    qualified_application(partnership)
    MaterialsDispatchFactory(partnership=partnership, sent_on=days_ago(90))
    for kind, days in (("diagnosis", 80), ("meeting_1", 70), ("meeting_2", 40)):
        SupportSessionFactory(
            partnership=partnership, kind=kind, channel="in_person", held_on=days_ago(days)
        )
    partner = partnership.partners.exclude(institution=partnership.lead_library).get()
    PartnerReport.objects.create(
        partner=partner,
        partnership=partnership,
        reported_on=days_ago(50),
        how_spread="Na zebraniu.",
        recorded_by=world.leader_a,
    )
    agreed_at = timezone.now() - datetime.timedelta(days=30)
    PlanVersionFactory(plan=DevelopmentPlanFactory(partnership=partnership), agreed_at=agreed_at)
    visit, seminar = _past(EventFactory, 25), _past(SeminarFactory, 15)
    attend(visit, partnership)
    attend(seminar, partnership)
    selection = Selection.objects.create(
        call=ClipCallFactory(), partnership=partnership, selected_by=world.staff
    )
    Production.objects.create(
        selection=selection,
        first_day=days_ago(10),
        last_day=days_ago(9),
        clip_url="https://example.org/klip",
    )
    path = programme_paths([partnership])[partnership.pk]
    assert set(states(path).values()) == {PathState.DONE}
    assert path.next is None and path.done_count == len(STEPS)
    assert {e.step.code: e.step.done_on for e in path.entries} == {
        "applied": days_ago(60),
        "qualified": days_ago(50),
        "materials": days_ago(90),
        "diagnosis": days_ago(80),
        "meeting_1": days_ago(70),
        "partner_reports": days_ago(50),
        "meeting_2": days_ago(40),
        "plan_agreed": timezone.localdate(agreed_at),
        "study_visit": visit.starts_on,
        "seminar": seminar.starts_on,
        "clip": days_ago(9),
    }


@pytest.mark.django_db
def test_path_marks_a_step_skipped_before_a_done_one_as_missed(world):
    partnership = world.partnership_a
    SupportSessionFactory(partnership=partnership, kind="diagnosis", channel="in_person")
    path = programme_paths([partnership])[partnership.pk]
    assert entry(path, "materials").state == PathState.MISSED
    assert path.next.step.code == "meeting_1"


@pytest.mark.django_db
def test_path_shows_the_registered_event_and_not_an_unmarked_one_as_done(world):
    partnership = world.partnership_a
    upcoming = EventFactory()  # in a month
    Registration.objects.create(
        event=upcoming, partnership=partnership, chosen_internally=True, seats=3
    )
    attend(_past(SeminarFactory, 5), partnership, attended=None)  # attendance not marked yet
    path = programme_paths([partnership])[partnership.pk]
    visit = entry(path, "study_visit")
    assert visit.state != PathState.DONE and visit.step.planned_on == upcoming.starts_on
    assert entry(path, "seminar").state != PathState.DONE


@pytest.mark.django_db
def test_path_of_a_withdrawn_partnership_has_no_next_step():
    partnership = PartnershipFactory(status=PartnershipStatus.WITHDRAWN)
    path = programme_paths([partnership])[partnership.pk]
    assert path.next is None


@pytest.mark.django_db
def test_programme_paths_query_count_does_not_grow(world, django_assert_num_queries):
    def make():
        partnership = PartnershipFactory(animator=world.animator_a)
        qualified_application(partnership)
        MaterialsDispatchFactory(partnership=partnership)
        SupportSessionFactory(partnership=partnership, kind="diagnosis", channel="in_person")
        attend(_past(EventFactory, 10), partnership)
        return partnership

    one = [make()]
    # applications; support's steps; events' steps; clips' steps
    with django_assert_num_queries(4):
        paths = programme_paths(one)
    three = [*one, make(), make()]
    with django_assert_num_queries(4):
        paths = programme_paths(three)
    assert all(paths[p.pk].done_count == 5 for p in three)


# --- pages ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_leader_start_page_shows_the_path_in_polish_with_dates(client, world):
    partnership = world.partnership_a
    qualified_application(partnership)
    MaterialsDispatchFactory(partnership=partnership, sent_on=datetime.date(2026, 3, 12))
    client.force_login(world.leader_a)
    response = client.get(reverse("home"), follow=True)
    assert response.context["partnership"] == partnership  # the leader's start page
    html = response.content.decode()
    assert "Ścieżka w programie" in html
    assert '<ol class="programme-path">' in html
    for label in ("zgłoszenie", "kwalifikacja", "materiały", "diagnoza", "spotkanie 1"):
        assert label in html
    assert '<time class="path-date" datetime="2026-03-12">12.03.2026</time>' in html
    assert 'aria-current="step"' in html
    assert "następny krok" in html and "jeszcze nie" in html and "zrobione" in html


@pytest.mark.django_db
def test_partnership_list_has_the_path_column(client, world):
    client.force_login(world.staff)
    SupportSessionFactory(partnership=world.partnership_b, kind="diagnosis", channel="in_person")
    response = client.get(reverse("partnership_list"))
    html = response.content.decode()
    assert '<th scope="col">Ścieżka w programie</th>' in html
    rows = {p.pk: p.programme_path for p in response.context["partnerships"]}
    assert rows[world.partnership_b.pk].next.step.code == "meeting_1"
    assert html.count('<ol class="programme-path programme-path-compact">') == 2


@pytest.mark.django_db
def test_partnership_list_of_an_animator_shows_only_their_paths(client, world):
    client.force_login(world.animator_a)
    response = client.get(reverse("partnership_list"))
    assert response.context["page"].object_list == [world.partnership_a.pk]
    assert response.context["partnerships"][0].programme_path.entries


@pytest.mark.django_db
def test_path_labels_are_polish():
    partnership = PartnershipFactory(animator=UserFactory(role=Role.ANIMATOR))
    path = programme_paths([partnership])[partnership.pk]
    with translation.override("pl"):
        labels = [str(e.step.label) for e in path.entries]
    assert labels == [
        "zgłoszenie",
        "kwalifikacja",
        "materiały",
        "diagnoza",
        "spotkanie 1",
        "relacje partnerów",
        "spotkanie 2",
        "plan uzgodniony",
        "wizyta studyjna",
        "seminarium",
        "klip",
    ]
