"""Every figure of the staff dashboard and the staff start page equals a direct count over the
same data, before and after each change made through the services (and the admin), with the
figures kept between requests as in production (``portal.figures``): a kept figure is never
shown after a change."""

import datetime
from collections import Counter, defaultdict

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from clips import services as clip_services
from clips.enums import OverrideDecision
from clips.models import EligibilityOverride, Score
from events import services as event_services
from events.enums import EventKind, RegistrationStatus
from events.models import Participant
from partnerships import services as partnership_services
from partnerships.enums import PROGRAMME_STATUSES, PartnershipStatus, Sector
from partnerships.models import Partner, Partnership
from portal import hooks
from support import services as support_services
from support.enums import DEFAULT_BUDGET_MINUTES, OUTSIDE_BUDGET_KINDS, SessionKind
from support.models import HourBudget, SupportSession
from tests.clips.conftest import _past, attend
from tests.factories import (
    ClipCallFactory,
    EventFactory,
    InstitutionFactory,
    PartnerFactory,
    PartnershipFactory,
    SeminarFactory,
    SupportSessionFactory,
    UserFactory,
)

# The figures are kept per committed version of the data: these tests commit for real.
pytestmark = pytest.mark.django_db(transaction=True)

SECTORS = (Sector.PUBLIC, Sector.SOCIAL, Sector.BUSINESS)


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


def direct_counts(call) -> dict:
    """The dashboard's figures counted row by row in Python, from plain reads."""
    today = timezone.localdate()
    partnerships = list(Partnership.objects.all())
    active = {p.pk: p for p in partnerships if p.status != PartnershipStatus.WITHDRAWN}
    sectors = defaultdict(set)
    for partner in Partner.objects.filter(left_on__isnull=True).select_related("institution"):
        sectors[partner.partnership_id].add(partner.institution.sector)
    kinds, used, diagnosis = defaultdict(set), Counter(), Counter()
    for session in SupportSession.objects.filter(withdrawn_at__isnull=True):
        kinds[session.partnership_id].add(session.kind)
        # The diagnosis is outside the budget and shown apart (§2.1.4).
        outside = session.kind in OUTSIDE_BUDGET_KINDS
        (diagnosis if outside else used)[session.partnership_id] += session.duration_minutes
    attended = defaultdict(set)
    for person in Participant.objects.select_related("event", "registration"):
        if (
            person.attended
            and person.removed_at is None
            and person.registration.status == RegistrationStatus.REGISTERED
        ):
            attended[person.registration.partnership_id].add(person.event.kind)
    budgets = dict(HourBudget.objects.values_list("partnership_id", "minutes"))

    def both(pk):
        return {SessionKind.MEETING_1, SessionKind.MEETING_2} <= kinds[pk]

    def all_events(pk):
        return {EventKind.STUDY_VISIT, EventKind.SEMINAR} <= attended[pk]

    overrides = dict(
        EligibilityOverride.objects.filter(call=call).values_list("partnership_id", "decision")
    )

    def eligible(p):
        if p.status not in PROGRAMME_STATUSES:
            return False
        decision = overrides.get(p.pk)
        if decision == OverrideDecision.INCLUDE:
            return True
        return decision != OverrideDecision.EXCLUDE and both(p.pk) and all_events(p.pk)

    by_animator = defaultdict(lambda: [0, 0])
    for p in active.values():
        if p.animator_id:
            by_animator[p.animator_id][0] += 1
            by_animator[p.animator_id][1] += used[p.pk]
    return {
        "status": Counter((p.round, p.status) for p in partnerships),
        "coverage": {
            "total": len(active),
            "public": sum(Sector.PUBLIC in sectors[pk] for pk in active),
            "social": sum(Sector.SOCIAL in sectors[pk] for pk in active),
            "business": sum(Sector.BUSINESS in sectors[pk] for pk in active),
            "full": sum(set(SECTORS) <= sectors[pk] for pk in active),
        },
        "hours": {
            "partnerships": len(active),
            "used": sum(used[pk] for pk in active),
            "diagnosis": sum(diagnosis[pk] for pk in active),
            "budget": sum(budgets.get(pk, DEFAULT_BUDGET_MINUTES) for pk in active),
            "diagnosed": sum(SessionKind.DIAGNOSIS in kinds[pk] for pk in active),
            "meeting_1": sum(SessionKind.MEETING_1 in kinds[pk] for pk in active),
            "meeting_2": sum(SessionKind.MEETING_2 in kinds[pk] for pk in active),
        },
        "by_animator": {pk: tuple(v) for pk, v in by_animator.items()},
        "participation": {
            "total": len(active),
            "both_meetings": sum(both(pk) for pk in active),
            "visit": sum(EventKind.STUDY_VISIT in attended[pk] for pk in active),
            "seminar": sum(EventKind.SEMINAR in attended[pk] for pk in active),
            "all_forms": sum(both(pk) and all_events(pk) for pk in active),
        },
        # The rules have one definition each (support.selectors); counted here one by one.
        "behind": {
            code: Partnership.objects.filter(condition).count()
            for code, condition in hooks.behind_conditions(today).items()
        },
        "behind_any": sum(
            any(
                Partnership.objects.filter(condition, pk=p.pk).exists()
                for condition in hooks.behind_conditions(today).values()
            )
            for p in partnerships
        ),
        "eligible": sum(eligible(p) for p in partnerships),
        "scores_given": Score.objects.filter(call=call).count(),
        "without_animator": sum(
            p.animator_id is None
            and p.status in (PartnershipStatus.QUALIFIED, PartnershipStatus.IN_SUPPORT)
            for p in partnerships
        ),
        "missing_sector": sum(not set(SECTORS) <= sectors[pk] for pk in active),
    }


def dashboard_figures(client) -> dict:
    context = client.get(reverse("reports:dashboard")).context
    status = context["status_by_round"]
    rounds = [value for value, _label in status["rounds"]]
    (panel,) = [p for p in context["panels"] if "calls" in p]
    (call_row,) = panel["calls"]
    return {
        "status": Counter(
            {
                (rounds[i], row["status"]): count
                for row in status["rows"]
                for i, count in enumerate(row["counts"])
                if count
            }
        ),
        "coverage": dict(context["coverage"]),
        "hours": dict(context["hours_totals"]),
        "by_animator": {
            row["animator_id"]: (row["partnerships"], row["used"])
            for row in context["animators_page"]
        },
        "participation": dict(context["participation"]),
        "behind": {code: count for code, _label, count in context["behind_counts"]},
        "behind_any": context["page"].paginator.count,
        "eligible": call_row["eligible"],
        "scores_given": call_row["scores_given"],
    }


def start_page_figures(client) -> dict:
    context = client.get(reverse("staff_home")).context
    return {
        "status": {value: count for value, _label, count in context["status_rows"]},
        "total": context["total_partnerships"],
        "without_animator": context["without_animator_count"],
        "missing_sector": context["missing_sector_count"],
    }


def assert_figures_match(client, call):
    expected = direct_counts(call)
    shown = dashboard_figures(client)
    for name, value in shown.items():
        assert value == expected[name], name
    start = start_page_figures(client)
    by_status = Counter()
    for (_round, status), count in expected["status"].items():
        by_status[status] += count
    assert {k: v for k, v in start["status"].items() if v} == dict(by_status)
    assert start["total"] == sum(by_status.values())
    assert start["without_animator"] == expected["without_animator"]
    assert start["missing_sector"] == expected["missing_sector"]


@pytest.fixture
def programme(world):
    """World's A and B, a partnership without an animator and a withdrawn one; sessions,
    a past study visit and seminar, and an open clip call."""
    a, b = world.partnership_a, world.partnership_b
    for partnership in (a, b):
        partnership.animator_assigned_on = days_ago(60)
        partnership.save()
    PartnerFactory(partnership=a, institution=InstitutionFactory(sector=Sector.BUSINESS))
    no_animator = PartnershipFactory(name="Partnerstwo C", animator=None)
    PartnershipFactory(name="Partnerstwo D", status=PartnershipStatus.WITHDRAWN)
    for kind, ago in (("diagnosis", 50), ("meeting_1", 40), ("meeting_2", 20)):
        SupportSessionFactory(partnership=a, kind=kind, held_on=days_ago(ago), channel="phone")
    SupportSessionFactory(partnership=b, kind="remote", held_on=days_ago(45), duration_minutes=30)
    visit, seminar = _past(EventFactory), _past(SeminarFactory)
    attend(visit, a)
    attend(seminar, a)
    absent = attend(visit, b, attended=False)
    call = ClipCallFactory(committee=[world.committee, world.staff])
    return {"call": call, "visit": visit, "absent": absent, "no_animator": no_animator}


def test_dashboard_figures_equal_direct_counts_before_and_after_each_change(
    client, world, programme
):
    call = programme["call"]
    client.force_login(world.staff)
    assert_figures_match(client, call)
    assert_figures_match(client, call)  # served from what was kept: still equal

    a, b = world.partnership_a, world.partnership_b
    changes = [
        lambda: support_services.session_log(
            partnership=b,
            actor=world.animator_b,
            kind="diagnosis",
            channel="phone",
            held_on=days_ago(50),
            duration_minutes=45,
            record={"state": "S.", "development": "D.", "potential": "P."},
        ),
        lambda: partnership_services.partner_leave(
            partner=Partner.objects.get(partnership=a, institution__sector=Sector.SOCIAL)
        ),
        lambda: partnership_services.partnership_assign_animator(
            partnership=programme["no_animator"], actor=world.staff, animator=world.animator_a
        ),
        lambda: event_services.attendance_mark(
            event=programme["visit"],
            actor=world.staff,
            marks={programme["absent"].pk: (True, False)},
        ),
        lambda: clip_services.score_save(
            call=call, member=world.committee, partnership=a, progress=7, creativity=8
        ),
        lambda: clip_services.eligibility_override_set(
            call=call,
            partnership=b,
            actor=world.staff,
            decision=OverrideDecision.INCLUDE,
            reason="Spotkanie odbyło się zdalnie.",
        ),
        lambda: support_services.hour_budget_set(
            partnership=a, actor=world.staff, minutes=20 * 60, reason="Dodatkowe spotkanie."
        ),
    ]
    before = direct_counts(call)
    for change in changes:
        change()
        assert_figures_match(client, call)
    after = direct_counts(call)
    # Each change moved a figure (the test would not notice a kept figure otherwise).
    assert after["hours"]["diagnosed"] == before["hours"]["diagnosed"] + 1
    assert after["coverage"]["social"] == before["coverage"]["social"] - 1
    assert after["without_animator"] == before["without_animator"] - 1
    assert after["participation"]["visit"] == before["participation"]["visit"] + 1
    assert after["scores_given"] == before["scores_given"] + 1
    assert after["eligible"] == before["eligible"] + 1
    assert after["hours"]["budget"] == before["hours"]["budget"] + 4 * 60


def test_admin_change_is_seen_on_the_dashboard(client, world, programme):
    """The admin saves a partnership itself (with its inlines), not through a service."""
    call = programme["call"]
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    assert_figures_match(client, call)
    partnership = world.partnership_b
    url = reverse("admin:partnerships_partnership_change", args=[partnership.pk])
    form = client.get(url).context["adminform"].form
    data = {
        name: form[name].value()
        for name in form.fields
        if form[name].value() is not None and name != "status"
    }
    for formset in client.get(url).context["inline_admin_formsets"]:
        management = formset.formset.management_form
        prefix = management.prefix
        data[f"{prefix}-TOTAL_FORMS"] = 0
        data[f"{prefix}-INITIAL_FORMS"] = 0
    data["status"] = PartnershipStatus.WITHDRAWN
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Partnership.objects.get(pk=partnership.pk).status == PartnershipStatus.WITHDRAWN
    client.force_login(world.staff)
    assert_figures_match(client, call)


def test_kept_figures_are_shown_in_each_readers_language(client, world, programme, settings):
    client.force_login(world.staff)
    polish = client.get(reverse("reports:dashboard"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the language switch (Polish first)
    english = client.get(reverse("reports:dashboard"))
    assert polish.context["behind_counts"] == english.context["behind_counts"]  # kept once
    (_code, label, _count) = english.context["behind_counts"][0]
    with translation.override("en"):
        in_english = str(label)
    with translation.override("pl"):
        in_polish = str(label)
    assert in_english != in_polish
    assert f">{in_english} <span" in english.content.decode()
    assert f">{in_polish} <span" in polish.content.decode()
