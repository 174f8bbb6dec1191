import datetime
import io
import xml.etree.ElementTree as ET

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from clips import services
from clips.models import ClipCall, NoticeCall, Production, Scenario, Score, Selection
from tests.factories import ClipCallFactory, PartnershipFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def text(response) -> str:
    return response.content.decode()


def login(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def selected_a(world, call, eligible, select):
    return select(call, world.partnership_a, public_summary="Klub młodzieżowy w bibliotece.")


# --- the committee member ------------------------------------------------------------------------


def test_committee_home_lists_calls_with_what_is_left(client, world, call, eligible):
    services.score_save(
        call=call, member=world.committee, partnership=eligible[0], progress=5, creativity=5
    )
    login(client, world.committee)
    response = client.get(reverse("home"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("clips:call_list")
    body = text(response)
    assert call.title in body
    left = response.context["member_calls"][0]
    assert (left.candidates, left.scored, left.left) == (3, 1, 2)
    assert reverse("clips:call_list") in body  # the navbar link


def test_committee_home_without_calls_explains(client, world):
    login(client, world.committee)
    response = client.get(reverse("clips:call_list"))
    assert response.context["member_calls"] == []
    assert "Gdy zespół CAL otworzy nabór" in text(response)


def test_score_list_hides_the_partnership_the_member_animates(client, world, call, eligible):
    response = login(client, world.animator_a).get(reverse("clips:score_list", args=[call.pk]))
    names = [p.name for p in response.context["page"]]
    assert names == ["Partnerstwo B", "Partnerstwo C"]
    url = reverse("clips:score_edit", args=[call.pk, world.partnership_a.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"progress": 5, "creativity": 5}).status_code == 404
    assert not Score.objects.exists()


def test_score_form_saves_and_then_shows_others(client, world, call, eligible):
    p = world.partnership_b
    services.score_save(
        call=call, member=world.staff, partnership=p, progress=3, creativity=4, comment="Słabo."
    )
    url = reverse("clips:score_edit", args=[call.pk, p.pk])
    login(client, world.committee)
    before = client.get(url)
    assert "Słabo." not in text(before)
    response = client.post(url, {"progress": 9, "creativity": 8, "comment": "Świetnie."})
    assert response.status_code == 302
    score = Score.objects.get(member=world.committee)
    assert (score.progress, score.creativity, score.comment) == (9, 8, "Świetnie.")
    assert "Słabo." in text(client.get(url))


@pytest.mark.parametrize("value", ["11", "-1", "abc", ""])
def test_score_form_outside_range_is_refused(client, world, call, eligible, value):
    url = reverse("clips:score_edit", args=[call.pk, world.partnership_b.pk])
    response = login(client, world.committee).post(url, {"progress": value, "creativity": 5})
    assert response.status_code == 400
    assert response.context["form"].errors["progress"]
    assert not Score.objects.exists()


def test_score_form_after_deadline_is_refused(client, world, call, eligible):
    call.scoring_deadline = timezone.now() - datetime.timedelta(hours=1)
    call.save()
    url = reverse("clips:score_edit", args=[call.pk, world.partnership_b.pk])
    response = login(client, world.committee).post(url, {"progress": 5, "creativity": 5})
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    assert not Score.objects.exists()


def test_non_member_cannot_score(client, world, call, eligible):
    url = reverse("clips:score_edit", args=[call.pk, world.partnership_b.pk])
    response = login(client, world.animator_b).post(url, {"progress": 5, "creativity": 5})
    assert response.status_code == 404
    response = login(client, world.leader_a).post(url, {"progress": 5, "creativity": 5})
    assert response.status_code == 403
    assert not Score.objects.exists()


# --- staff: candidates, ranking, selection -------------------------------------------------------


def test_candidates_page_says_why_not_eligible(client, world, call, make_eligible):
    make_eligible(world.partnership_a, only=("meeting_1", "visit", "seminar"))
    response = login(client, world.staff).get(reverse("clips:candidate_list", args=[call.pk]))
    row = next(p for p in response.context["page"] if p.pk == world.partnership_a.pk)
    assert (row.has_meeting_2, row.eligible) == (False, False)
    body = text(response)
    assert "nie odnotowano drugiego spotkania" in body


def test_candidates_filter_eligible(client, world, call, make_eligible):
    make_eligible(world.partnership_a)
    response = login(client, world.staff).get(
        reverse("clips:candidate_list", args=[call.pk]), {"eligibility": "eligible"}
    )
    assert [p.pk for p in response.context["page"]] == [world.partnership_a.pk]


def test_override_form_records_decision(client, world, call):
    url = reverse("clips:override_edit", args=[call.pk, world.partnership_a.pk])
    login(client, world.staff)
    refused = client.post(url, {"decision": "include", "reason": ""})
    assert refused.status_code == 400
    assert not call.overrides.exists()
    client.post(url, {"decision": "include", "reason": "Powódź w dniu seminarium."})
    assert call.overrides.get().reason == "Powódź w dniu seminarium."


def _many(n, make_eligible):
    for _ in range(n):
        make_eligible(PartnershipFactory())


@pytest.mark.parametrize("n", [1, 3])
def test_candidates_page_queries_constant(
    client, world, call, make_eligible, n, django_assert_num_queries
):
    _many(n, make_eligible)
    login(client, world.staff)
    # session, user, groups, call, count, page, overrides
    with django_assert_num_queries(7):
        client.get(reverse("clips:candidate_list", args=[call.pk]))


@pytest.mark.parametrize("n", [1, 3])
def test_ranking_page_queries_constant(
    client, world, call, make_eligible, n, django_assert_num_queries
):
    _many(n, make_eligible)
    login(client, world.staff)
    # session, user, groups, call, count, page, committee, scores, selected count
    with django_assert_num_queries(9):
        client.get(reverse("clips:ranking", args=[call.pk]))


def test_ranking_shows_mean_spread_and_missing(client, world, call, eligible):
    p = world.partnership_b
    services.score_save(call=call, member=world.staff, partnership=p, progress=2, creativity=4)
    services.score_save(call=call, member=world.committee, partnership=p, progress=8, creativity=10)
    response = login(client, world.staff).get(reverse("clips:ranking", args=[call.pk]))
    first = response.context["rows"][0]
    assert first.partnership == p and first.missing == [world.animator_a]
    body = text(response)
    assert "6,00" in body or "6.00" in body
    assert "3,0–9,0" in body or "3.0–9.0" in body


def test_selection_page_confirms_and_copies_scenario(client, world, call, eligible):
    url = reverse("clips:selection_create", args=[call.pk, world.partnership_b.pk])
    response = login(client, world.staff).post(url, {"public_summary": "E-seniorzy."})
    selection = Selection.objects.get()
    assert response.url == reverse("clips:selection_detail", args=[selection.pk])
    assert (selection.partnership, selection.selected_by) == (world.partnership_b, world.staff)
    assert Scenario.objects.filter(selection=selection).exists()


def test_selection_page_refuses_ineligible(client, world, call):
    url = reverse("clips:selection_create", args=[call.pk, world.partnership_a.pk])
    response = login(client, world.staff).post(url, {})
    assert response.status_code == 400
    assert "Partnerstwo A" in " ".join(response.context["form"].non_field_errors())
    assert not Selection.objects.exists()


def test_selection_page_refuses_over_the_limit(client, world, eligible, select):
    call = ClipCallFactory(clips_count=1, committee=[world.committee])
    select(call, eligible[0])
    url = reverse("clips:selection_create", args=[call.pk, eligible[1].pk])
    response = login(client, world.staff).post(url, {})
    assert response.status_code == 400
    assert call.selections.count() == 1


def test_withdraw_page_needs_reason(client, world, selected_a):
    url = reverse("clips:selection_withdraw", args=[selected_a.pk])
    login(client, world.staff)
    assert client.post(url, {"reason": ""}).status_code == 400
    selected_a.refresh_from_db()
    assert selected_a.is_active
    client.post(url, {"reason": "Partnerstwo rezygnuje."})
    selected_a.refresh_from_db()
    assert selected_a.withdrawn_reason == "Partnerstwo rezygnuje."


# --- notice, scenario, production ----------------------------------------------------------------


def test_notice_phone_call_and_email(client, world, selected_a, django_capture_on_commit_callbacks):
    login(client, world.staff)
    response = client.post(
        reverse("clips:notice_call_add", args=[selected_a.pk]),
        {"called_at": "2026-11-20T10:30", "person_reached": "Liderka A", "note": "Radość."},
    )
    assert response.status_code == 302
    assert NoticeCall.objects.get().called_by == world.staff
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("clips:selection_notify", args=[selected_a.pk]))
    assert [m.to for m in mail.outbox] == [[world.leader_a.email]]
    assert reverse("clips:selection_detail", args=[selected_a.pk]) in mail.outbox[0].body
    detail = text(client.get(reverse("clips:selection_detail", args=[selected_a.pk])))
    assert "Liderka A" in detail


def test_leader_adapts_scenario_and_gets_pdf(client, world, selected_a):
    login(client, world.leader_a)
    url = reverse("clips:scenario_edit", args=[selected_a.pk])
    assert client.post(url, {"body": ""}).status_code == 400
    client.post(url, {"body": "Scena 1: biblioteka w Wąchocku o świcie."})
    scenario = Scenario.objects.get(selection=selected_a)
    assert scenario.body.startswith("Scena 1") and scenario.updated_by == world.leader_a
    assert scenario.history.count() == 2
    pdf = client.get(reverse("clips:scenario_pdf", args=[selected_a.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    from pypdf import PdfReader

    extracted = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert "Wąchocku o świcie" in extracted


def test_animator_reads_but_cannot_edit_scenario(client, world, selected_a):
    login(client, world.animator_a)
    assert client.get(reverse("clips:selection_detail", args=[selected_a.pk])).status_code == 200
    assert (
        client.post(reverse("clips:scenario_edit", args=[selected_a.pk]), {"body": "x"}).status_code
        == 403
    )
    assert Scenario.objects.get(selection=selected_a).body != "x"


def _production_data(**overrides):
    return {
        "first_day": "2026-12-07",
        "last_day": "",
        "place": "Wąchock, biblioteka",
        "target_minutes": 3,
        "videographer_name": "Marek W.",
        "videographer_email": "kamera@example.org",
        "videographer_phone": "",
        "videographer_website": "",
        "clip_url": "",
        **overrides,
    }


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"first_day": "2026-12-24"}, "first_day"),  # Christmas Eve, a holiday from 2025
        ({"first_day": "2026-12-06"}, "first_day"),  # a Sunday
        ({"last_day": "2026-12-14"}, "last_day"),  # a week after the first day
    ],
    ids=["holiday", "weekend", "a-week-apart"],
)
def test_production_page_refuses_bad_days(client, world, selected_a, overrides, field):
    url = reverse("clips:production_edit", args=[selected_a.pk])
    response = login(client, world.staff).post(url, _production_data(**overrides))
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert not Production.objects.exists()


def test_production_page_saves_and_introduces(
    client, world, selected_a, django_capture_on_commit_callbacks
):
    login(client, world.staff)
    url = reverse("clips:production_edit", args=[selected_a.pk])
    # §2.4.2: two working days within a week, here Friday and Monday
    response = client.post(url, _production_data(first_day="2026-12-04", last_day="2026-12-07"))
    assert response.status_code == 302
    production = Production.objects.get()
    assert production.shooting_days == [datetime.date(2026, 12, 4), datetime.date(2026, 12, 7)]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("clips:production_introduce", args=[selected_a.pk]))
    assert sorted(m.to[0] for m in mail.outbox) == ["kamera@example.org", world.leader_a.email]
    production.refresh_from_db()
    assert production.introduced_by == world.staff


@override_settings(
    CLIP_VIDEOGRAPHER_NAME="Jan Kamerzysta", CLIP_VIDEOGRAPHER_WEBSITE="https://kamera.example.org/"
)
def test_production_page_prefills_the_videographer_from_settings(client, world, selected_a):
    login(client, world.staff)
    url = reverse("clips:production_edit", args=[selected_a.pk])
    form = client.get(url).context["form"]
    # §2.4.4: the programme's videographer, prefilled and editable
    assert form["videographer_name"].value() == "Jan Kamerzysta"
    assert form["videographer_website"].value() == "https://kamera.example.org/"
    client.post(url, _production_data(videographer_name="Anna Inna"))
    assert Production.objects.get().videographer_name == "Anna Inna"
    # once saved, the production's own values are shown, not the settings'
    assert client.get(url).context["form"]["videographer_name"].value() == "Anna Inna"


# --- the public announcement ---------------------------------------------------------------------


def test_public_page_and_feed_show_only_announced_names(client, world, call, selected_a, select):
    select(call, world.partnership_b)
    public = text(client.get(reverse("clips:announcement_list")))
    assert "Partnerstwo A" not in public  # not announced yet
    login(client, world.staff).post(reverse("clips:call_announce", args=[call.pk]))
    client.logout()

    public = text(client.get(reverse("clips:announcement_list")))
    assert "Partnerstwo A" in public and "Partnerstwo B" in public
    assert "Klub młodzieżowy w bibliotece." in public
    for secret in (world.leader_a.email, world.partnership_a.common_goal, world.animator_a.email):
        assert secret not in public

    response = client.get(reverse("clips:announcement_feed"))
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    titles = sorted(e.findtext(f"{ATOM}title") for e in root.iter(f"{ATOM}entry"))
    assert titles == ["Partnerstwo A", "Partnerstwo B"]
    feed = response.content.decode()
    for secret in (world.leader_a.email, world.partnership_a.common_goal):
        assert secret not in feed


def test_withdrawn_selection_leaves_the_public_page(client, world, call, selected_a):
    services.call_announce(call=call, actor=world.staff)
    services.selection_withdraw(selection=selected_a, actor=world.staff, reason="Rezygnacja.")
    assert "Partnerstwo A" not in text(client.get(reverse("clips:announcement_list")))
    root = ET.fromstring(client.get(reverse("clips:announcement_feed")).content)
    assert list(root.iter(f"{ATOM}entry")) == []


def test_call_create_page(client, world):
    login(client, world.staff)
    response = client.post(
        reverse("clips:call_create"),
        {
            "title": "Klip 2027",
            "clips_count": 3,
            "scoring_deadline": "2027-01-15T12:00",
            "committee": [world.committee.pk, world.animator_b.pk],
        },
    )
    call = ClipCall.objects.get()
    assert response.url == reverse("clips:call_detail", args=[call.pk])
    assert set(call.committee.all()) == {world.committee, world.animator_b}
    refused = client.post(reverse("clips:call_create"), {"title": "", "clips_count": 0})
    assert refused.status_code == 400
    assert ClipCall.objects.count() == 1


# --- the scoring workspace -----------------------------------------------------------------------


def _evidence(partnership, n=1):
    """Records of both meetings, an agreed plan version with ``n`` actions, ``n`` partner
    reports and the attendance the ``eligible`` fixture already gave."""
    from support.models import Meeting1Record, Meeting2Record, PartnerReport, SupportSession
    from tests.factories import (
        DevelopmentPlanFactory,
        InstitutionFactory,
        PartnerFactory,
        PlanVersionFactory,
    )

    sessions = {
        s.kind: s
        for s in SupportSession.objects.filter(
            partnership=partnership, kind__in=["meeting_1", "meeting_2"]
        )
    }
    Meeting1Record.objects.create(
        session=sessions["meeting_1"],
        experience_assessment="Festyn udał się.",
        planned_actions="Kino plenerowe.",
    )
    Meeting2Record.objects.create(
        session=sessions["meeting_2"], progress="Kino działa co tydzień.", training_topic="team"
    )
    plan = DevelopmentPlanFactory(partnership=partnership)
    snapshot_actions = []
    for i in range(n):
        partner = PartnerFactory(partnership=partnership, institution=InstitutionFactory())
        PartnerReport.objects.create(
            partner=partner,
            partnership=partnership,
            reported_on=timezone.localdate(),
            how_spread=f"Zebranie zarządu {i}.",
            recorded_by=partnership.animator,
        )
        snapshot_actions.append(
            {
                "id": i,
                "what": f"Działanie planu {i}",
                "partner": partner.institution.name,
                "partner_left": False,
                "starts_on": "2026-05-01",
                "ends_on": "2026-06-01",
                "resources": "",
            }
        )
    version = PlanVersionFactory(plan=plan, number=2)
    version.snapshot = {**version.snapshot, "actions": snapshot_actions}
    version.save()


def test_score_page_shows_the_evidence_beside_the_form(client, world, call, eligible):
    p = world.partnership_b
    _evidence(p)
    response = login(client, world.committee).get(reverse("clips:score_edit", args=[call.pk, p.pk]))
    body = text(response)
    for evidence in (
        "Kino plenerowe.",  # meeting 1's record
        "Kino działa co tydzień.",  # meeting 2's record
        "Zebranie zarządu 0.",  # a partner's report between the meetings
        "Działanie planu 0",  # the agreed plan's action
        "Wersja 2, zaakceptowana",
        "Koncepcja.",
        "obecność potwierdzona",  # attendance at the study visit and the seminar
        "Wykorzystano",  # the hours of support
    ):
        assert evidence in body, evidence
    assert "Co oznaczają punkty" in body
    assert "Ocenione: 0 z 3" in body


def test_score_save_and_next_goes_to_the_next_unscored(client, world, call, eligible):
    a, b, c = eligible
    login(client, world.committee)
    url = reverse("clips:score_edit", args=[call.pk, a.pk])
    response = client.post(url, {"progress": 6, "creativity": 7, "save_next": "1"})
    assert response.url == reverse("clips:score_edit", args=[call.pk, b.pk])
    services.score_save(call=call, member=world.committee, partnership=c, progress=1, creativity=1)
    response = client.post(
        reverse("clips:score_edit", args=[call.pk, b.pk]),
        {"progress": 5, "creativity": 5, "save_next": "1"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("clips:score_list", args=[call.pk])
    assert "Oceniono wszystkich kandydatów" in text(response)
    assert Score.objects.filter(member=world.committee).count() == 3


def test_score_save_without_next_stays_on_the_partnership(client, world, call, eligible):
    url = reverse("clips:score_edit", args=[call.pk, world.partnership_b.pk])
    response = login(client, world.committee).post(url, {"progress": 6, "creativity": 7})
    assert response.url == url


def test_score_list_offers_to_continue_where_left(client, world, call, eligible):
    a, b, c = eligible
    services.score_save(call=call, member=world.committee, partnership=a, progress=1, creativity=1)
    response = login(client, world.committee).get(reverse("clips:score_list", args=[call.pk]))
    body = text(response)
    assert "Ocenione: 1 z 3" in body
    assert reverse("clips:score_edit", args=[call.pk, b.pk]) in body


@pytest.mark.parametrize("n", [1, 3])
def test_score_page_query_count_constant(
    client, world, call, eligible, django_assert_num_queries, n
):
    p = world.partnership_b
    _evidence(p, n)
    login(client, world.committee)
    url = reverse("clips:score_edit", args=[call.pk, p.pk])
    client.get(url)  # warm the session
    # session, user, roles, the call (with membership), the eligible ids and the candidate,
    # own score, whether others' scores may be shown, the eligible ids again and progress in
    # the call (the ids are kept per version of the data, portal.figures, but not for a
    # test's uncommitted data); evidence: the plan version, the records, partners, their
    # reports, minutes used, the budget, the planned meeting, attendance
    with django_assert_num_queries(18):
        response = client.get(url)
    assert len(response.context["plan"]["actions"]) == n
    assert len(response.context["partner_reports"]) == n + 1  # and the lead library


def test_call_create_page_other_number_of_clips_needs_a_reason(client, world):
    login(client, world.staff)
    data = {"title": "Klip 2027", "clips_count": 2, "scoring_deadline": "2027-01-15T12:00"}
    refused = client.post(reverse("clips:call_create"), data)
    assert refused.status_code == 400
    assert refused.context["form"].errors["clips_count_reason"] == [
        "Program przewiduje trzy klipy (§2.4.1): podaj, dlaczego ten nabór oferuje inną liczbę."
    ]
    assert not ClipCall.objects.exists()
    response = client.post(
        reverse("clips:call_create"), data | {"clips_count_reason": "Budżet na dwa klipy."}
    )
    call = ClipCall.objects.get()
    assert call.clips_count_reason == "Budżet na dwa klipy."
    page = text(client.get(response.url))
    assert "Oferuje 2 klipy zamiast trzech (§2.4.1):" in page
    assert "Budżet na dwa klipy." in page
