import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from support.models import (
    HourBudget,
    PartnerReport,
    PlannedMeeting,
    PotentialPartner,
    SupportSession,
)
from tests.factories import (
    MaterialsDispatchFactory,
    PartnershipFactory,
    PlannedMeetingFactory,
    PotentialPartnerFactory,
    SupportSessionFactory,
)
from tests.support.conftest import days_ago

pytestmark = pytest.mark.django_db


def _urls(world, session_pk=None):
    pk = world.partnership_a.pk
    partner_pk = world.partnership_a.partners.first().pk
    urls = {
        "list": reverse("support:partnership_list"),
        "timeline": reverse("support:timeline", args=[pk]),
        "log": reverse("support:session_log", args=[pk, "diagnoza"]),
        "contact": reverse("support:contact_log", args=[pk]),
        "report": reverse("support:partner_report_edit", args=[pk, partner_pk]),
        "materials_add": reverse("support:materials_add", args=[pk]),
        "materials_list": reverse("support:materials_list"),
    }
    if session_pk:
        urls["edit"] = reverse("support:session_edit", args=[pk, session_pk])
        urls["withdraw"] = reverse("support:session_withdraw", args=[pk, session_pk])
    return urls


# Expected status per persona for pages of partnership A (animator_a's, led by leader_a).
ACCESS = {
    "anonymous": dict.fromkeys(
        ["list", "timeline", "log", "contact", "edit", "withdraw", "report", "materials_add"], 302
    )
    | {"materials_list": 302},
    "staff": dict.fromkeys(
        ["list", "timeline", "log", "contact", "edit", "withdraw", "report", "materials_add"], 200
    )
    | {"materials_list": 200},
    "animator_a": dict.fromkeys(
        ["list", "timeline", "log", "contact", "edit", "withdraw", "report"], 200
    )
    | {"materials_add": 403, "materials_list": 403},
    "animator_b": {"list": 200, "timeline": 404, "log": 404, "contact": 404, "edit": 404}
    | {"withdraw": 404, "report": 404, "materials_add": 403, "materials_list": 403},
    # §2.1.5: the leader records the partners' reports as well
    "leader_a": {"list": 403, "timeline": 200, "log": 403, "contact": 403, "edit": 403}
    | {"withdraw": 403, "report": 200, "materials_add": 403, "materials_list": 403},
    "leader_b": {"list": 403, "timeline": 404, "log": 403, "contact": 403, "edit": 403}
    | {"withdraw": 403, "report": 404, "materials_add": 403, "materials_list": 403},
    "committee": dict.fromkeys(
        ["list", "timeline", "log", "contact", "edit", "withdraw", "report", "materials_add"], 403
    )
    | {"materials_list": 403},
}


@pytest.mark.parametrize("persona", list(ACCESS))
def test_pages_access_per_persona(client, world, persona):
    session = SupportSessionFactory(partnership=world.partnership_a, kind="diagnosis")
    user = world.persona(persona)
    if user:
        client.force_login(user)
    urls = _urls(world, session.pk)
    got = {name: client.get(url).status_code for name, url in urls.items()}
    assert got == ACCESS[persona]
    if persona == "anonymous":
        assert client.get(urls["timeline"]).url.startswith(reverse("login"))


def test_timeline_for_leader_is_read_only(client, world, log):
    log(world.partnership_a, kind="diagnosis", held_on=days_ago(2))
    client.force_login(world.leader_a)
    response = client.get(_urls(world)["timeline"])
    body = response.content.decode()
    assert "Stan." in body
    assert reverse("support:session_log", args=[world.partnership_a.pk, "zdalne"]) not in body
    assert "/edycja/" not in body


def test_timeline_offers_only_next_steps(client, world, log):
    log(world.partnership_a, kind="diagnosis", held_on=days_ago(2))
    client.force_login(world.animator_a)
    body = client.get(_urls(world)["timeline"]).content.decode()
    pk = world.partnership_a.pk
    assert reverse("support:session_log", args=[pk, "spotkanie-1"]) in body
    assert reverse("support:session_log", args=[pk, "spotkanie-2"]) not in body
    assert reverse("support:session_log", args=[pk, "diagnoza"]) not in body


def test_timeline_offers_one_contact_button_beside_the_meetings(client, world, log):
    log(world.partnership_a, kind="diagnosis", held_on=days_ago(2))
    client.force_login(world.animator_a)
    body = client.get(_urls(world)["timeline"]).content.decode()
    pk = world.partnership_a.pk
    assert reverse("support:contact_log", args=[pk]) in body
    # Remote support and the help are logged through "+ contact", not a button per kind.
    assert reverse("support:session_log", args=[pk, "zdalne"]) not in body


def test_partnership_detail_links_to_timeline(client, world):
    client.force_login(world.leader_a)
    response = client.get(reverse("partnership_detail", args=[world.partnership_a.pk]))
    assert reverse("support:timeline", args=[world.partnership_a.pk]) in response.content.decode()


# --- logging through the page ---------------------------------------------------------------


def _diagnosis_post(**overrides):
    data = {
        "session-held_on": days_ago(1).isoformat(),
        "session-channel": "phone",
        "session-duration_minutes": "90",
        "session-notes": "Rozmowa telefoniczna.",
        "record-state": "Stan.",
        "record-development": "Rozwój.",
        "record-potential": "Potencjał.",
    }
    data.update(overrides)
    return data


def test_session_log_page_saves_diagnosis_with_actor_in_history(client, world):
    client.force_login(world.animator_a)
    response = client.post(_urls(world)["log"], _diagnosis_post())
    assert response.status_code == 302
    session = SupportSession.objects.get()
    assert (session.kind, session.duration_minutes, session.animator) == (
        "diagnosis",
        90,
        world.animator_a,
    )
    assert session.diagnosis_record.potential == "Potencjał."
    assert session.history.get().history_user == world.animator_a


def test_session_log_page_shows_budget_progress_bar(client, world, log):
    log(world.partnership_a, kind="diagnosis", held_on=days_ago(2), duration_minutes=90)
    log(world.partnership_a, held_on=days_ago(1), duration_minutes=240)
    client.force_login(world.animator_a)
    url = reverse("support:session_log", args=[world.partnership_a.pk, "zdalne"])
    body = client.get(url).content.decode()
    assert 'class="progress-bar pct-25' in body
    assert 'aria-valuenow="25"' in body
    assert "Do wykorzystania: 12 godz." in body
    # §2.1.4: the diagnosis is shown with its length, apart from the 16 hours
    assert "Diagnoza (przed wsparciem, poza budżetem godzin): 1 godz. 30 min" in body


def test_session_log_page_for_the_diagnosis_says_it_is_outside_the_budget(client, world):
    client.force_login(world.animator_a)
    body = client.get(_urls(world)["log"]).content.decode()
    assert "nie wlicza się ona do 16 godzin wsparcia" in body


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("session-duration_minutes", "0", "więcej niż zero"),
        ("session-duration_minutes", "-30", "więcej niż zero"),
        ("session-duration_minutes", "50", "kwadrans"),
        ("session-held_on", "2099-01-01", "przyszło"),
        ("session-held_on", "2999-01-01", "z lat 2000–2100"),
        ("session-held_on", "not-a-date", "datę"),
        ("record-state", "", "wymagane"),
    ],
)
def test_session_log_page_bad_input_shows_polish_message(client, world, field, value, message):
    client.force_login(world.animator_a)
    response = client.post(_urls(world)["log"], _diagnosis_post(**{field: value}))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not SupportSession.objects.exists()


def test_session_log_page_meeting_2_before_meeting_1_refused(client, world, log):
    log(world.partnership_a, kind="diagnosis", held_on=days_ago(5))
    client.force_login(world.animator_a)
    url = reverse("support:session_log", args=[world.partnership_a.pk, "spotkanie-2"])
    response = client.post(
        url,
        {
            "session-held_on": days_ago(1).isoformat(),
            "session-channel": "in_person",
            "session-duration_minutes": "120",
            "record-progress": "Postępy.",
            "record-training_topic": "team",
        },
    )
    assert response.status_code == 400
    assert "po pierwszym" in response.content.decode()
    assert not SupportSession.objects.filter(kind="meeting_2").exists()


def test_session_log_page_past_budget_says_time_left(client, world, log):
    log(world.partnership_a, kind="diagnosis", held_on=days_ago(5), duration_minutes=60)
    log(world.partnership_a, held_on=days_ago(4), duration_minutes=930)
    client.force_login(world.animator_a)
    url = reverse("support:session_log", args=[world.partnership_a.pk, "zdalne"])
    response = client.post(
        url,
        {
            "session-held_on": days_ago(1).isoformat(),
            "session-channel": "email",
            "session-duration_minutes": "60",
        },
    )
    assert response.status_code == 400
    assert "to tylko 30 min" in response.content.decode()
    assert SupportSession.objects.count() == 2


def test_session_log_page_meeting_1_requires_next_date(client, world, log):
    log(world.partnership_a, kind="diagnosis", held_on=days_ago(5))
    client.force_login(world.animator_a)
    url = reverse("support:session_log", args=[world.partnership_a.pk, "spotkanie-1"])
    data = {
        "session-held_on": days_ago(1).isoformat(),
        "session-channel": "in_person",
        "session-duration_minutes": "180",
        "record-experience_assessment": "Ocena.",
        "record-planned_actions": "Plany.",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert "termin następnego spotkania" in response.content.decode()
    assert not SupportSession.objects.filter(kind="meeting_1").exists()

    next_date = timezone.localdate() + datetime.timedelta(days=20)
    response = client.post(url, data | {"record-next_meeting_on": next_date.isoformat()})
    assert response.status_code == 302
    assert PlannedMeeting.objects.get().planned_on == next_date


def test_session_log_page_out_of_order_kind_warns_before_posting(client, world, log):
    log(world.partnership_a, kind="diagnosis", held_on=days_ago(5))
    client.force_login(world.animator_a)
    pk = world.partnership_a.pk
    warning = "Kolejność wsparcia nie pozwala"
    assert (
        warning
        in client.get(reverse("support:session_log", args=[pk, "spotkanie-2"])).content.decode()
    )
    assert (
        warning
        not in client.get(reverse("support:session_log", args=[pk, "spotkanie-1"])).content.decode()
    )


def test_session_log_page_unknown_kind_404(client, world):
    client.force_login(world.animator_a)
    url = reverse("support:session_log", args=[world.partnership_a.pk, "kawa"])
    assert client.get(url).status_code == 404


# --- "+ contact": the animator's weekly contact ----------------------------------------------


def _contact_post(**overrides):
    data = {
        "session-channel": "phone",
        "session-kind": "remote",
        "session-duration_preset": "45",
        "session-held_on": days_ago(0).isoformat(),
        "session-notes": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_contact_log_page_saves_and_goes_back_naming_the_hours_left(client, world, log):
    # The diagnosis is outside the 16 hours (§2.1.4): only the 45 minutes count.
    log(world.partnership_a, kind="diagnosis", held_on=days_ago(3), duration_minutes=60)
    client.force_login(world.animator_a)
    response = client.post(
        _urls(world)["contact"], _contact_post(next="/wsparcie/?page=1"), follow=True
    )
    assert response.redirect_chain == [("/wsparcie/?page=1", 302)]
    session = SupportSession.objects.get(kind="remote")
    assert (session.channel, session.duration_minutes, session.animator) == (
        "phone",
        45,
        world.animator_a,
    )
    assert (
        "Kontakt został zapisany. Partnerstwu „Partnerstwo A” zostało 15 godz. 15 min wsparcia "
        "(z 16 godz.)." in response.content.decode()
    )


def test_contact_log_page_foreign_next_goes_to_the_timeline(client, world, log):
    log(world.partnership_a, kind="diagnosis", held_on=days_ago(3))
    client.force_login(world.animator_a)
    response = client.post(_urls(world)["contact"], _contact_post(next="https://evil.example/"))
    assert response.url == _urls(world)["timeline"]


def test_contact_log_page_keeps_next_in_the_form_and_the_cancel_link(client, world, log):
    log(world.partnership_a, kind="diagnosis", held_on=days_ago(3))
    client.force_login(world.animator_a)
    body = client.get(_urls(world)["contact"] + "?next=/wsparcie/%3Fpage%3D2").content.decode()
    assert '<input type="hidden" name="next" value="/wsparcie/?page=2">' in body
    assert 'href="/wsparcie/?page=2">Anuluj</a>' in body


def test_contact_log_page_same_contact_warns_and_saves_only_when_confirmed(client, world, log):
    log(world.partnership_a, kind="diagnosis", held_on=days_ago(3))
    log(world.partnership_a, kind="remote", channel="phone", duration_minutes=45)
    client.force_login(world.animator_a)
    url = _urls(world)["contact"]

    response = client.post(url, _contact_post())
    assert response.status_code == 200
    assert "Ten kontakt może być już zapisany" in response.content.decode()
    assert SupportSession.objects.filter(kind="remote").count() == 1

    response = client.post(url, _contact_post(confirm_duplicate="1"))
    assert response.status_code == 302
    assert SupportSession.objects.filter(kind="remote").count() == 2


def test_contact_log_page_another_length_is_no_duplicate(client, world, log):
    log(world.partnership_a, kind="diagnosis", held_on=days_ago(3))
    log(world.partnership_a, kind="remote", channel="phone", duration_minutes=45)
    client.force_login(world.animator_a)
    response = client.post(
        _urls(world)["contact"], _contact_post(**{"session-duration_preset": "30"})
    )
    assert response.status_code == 302
    assert SupportSession.objects.filter(kind="remote").count() == 2


def test_contact_log_page_typed_length_counts_with_other(client, world, log):
    log(world.partnership_a, kind="diagnosis", held_on=days_ago(3))
    client.force_login(world.animator_a)
    post = _contact_post(**{"session-duration_preset": "other", "session-duration_minutes": "105"})
    assert client.post(_urls(world)["contact"], post).status_code == 302
    assert SupportSession.objects.get(kind="remote").duration_minutes == 105


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"session-duration_preset": None}, "Wybierz, ile trwał kontakt"),
        (
            {"session-duration_preset": "45", "session-duration_minutes": "60"},
            "Wybrano 45 min i wpisano 60 min",
        ),
        (
            {"session-duration_preset": "other", "session-duration_minutes": "50"},
            "kwadrans",
        ),
        ({"session-duration_preset": "7"}, "poprawną wartość"),
        ({"session-channel": None}, "Wybierz formę kontaktu"),
        ({"session-channel": "in_person"}, "nie osobiście"),
        ({"session-kind": "meeting_1"}, "Tego rodzaju kontaktu nie można teraz zapisać"),
    ],
)
def test_contact_log_page_bad_input_400_polish_message_nothing_saved(
    client, world, log, overrides, message
):
    log(world.partnership_a, kind="diagnosis", held_on=days_ago(3))
    client.force_login(world.animator_a)
    response = client.post(_urls(world)["contact"], _contact_post(**overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not SupportSession.objects.filter(kind="remote").exists()


def test_contact_log_page_before_the_diagnosis_points_to_it(client, world):
    client.force_login(world.animator_a)
    url = _urls(world)["contact"]
    body = client.get(url).content.decode()
    assert "Wsparcie zaczyna się od diagnozy" in body
    assert reverse("support:session_log", args=[world.partnership_a.pk, "diagnoza"]) in body
    response = client.post(url, _contact_post())
    assert response.status_code == 400
    assert not SupportSession.objects.exists()


def test_contact_log_page_help_with_the_plan_may_be_in_person(client, world, log):
    log(world.partnership_a, kind="diagnosis", held_on=days_ago(3))
    client.force_login(world.animator_a)
    post = _contact_post(**{"session-kind": "plan_help", "session-channel": "in_person"})
    assert client.post(_urls(world)["contact"], post).status_code == 302
    assert SupportSession.objects.get(kind="plan_help").channel == "in_person"


def test_session_log_page_returns_to_next(client, world):
    client.force_login(world.animator_a)
    response = client.post(
        _urls(world)["log"] + "?next=/wsparcie/",
        _diagnosis_post(**{"session-duration_minutes": ""}, **{"session-duration_preset": "60"}),
    )
    assert response.url == "/wsparcie/"
    assert SupportSession.objects.get().duration_minutes == 60


def test_session_edit_page_shows_a_preset_length_chosen(client, world, log):
    session = log(world.partnership_a, kind="diagnosis", held_on=days_ago(3), duration_minutes=90)
    client.force_login(world.animator_a)
    form = client.get(_urls(world, session.pk)["edit"]).context["form"]
    assert form["duration_preset"].value() == "90"
    assert form["duration_minutes"].value() is None


# --- editing and withdrawing ----------------------------------------------------------------


def test_session_edit_page_by_animator_saves(client, world, log):
    session = log(world.partnership_a, kind="diagnosis", held_on=days_ago(3))
    client.force_login(world.animator_a)
    response = client.post(
        _urls(world, session.pk)["edit"], _diagnosis_post(**{"session-duration_minutes": "45"})
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.duration_minutes == 45
    assert session.history.latest().history_user == world.animator_a


def test_session_edit_page_after_30_days_403_for_animator(client, world, log):
    session = log(world.partnership_a, kind="diagnosis", held_on=days_ago(3))
    with time_machine.travel(timezone.now() + datetime.timedelta(days=31)):
        client.force_login(world.animator_a)
        assert client.get(_urls(world, session.pk)["edit"]).status_code == 403
        client.force_login(world.staff)
        assert client.get(_urls(world, session.pk)["edit"]).status_code == 200


def test_session_edit_page_someone_elses_session_403(client, world, log):
    session = log(world.partnership_a, actor=world.staff, kind="diagnosis", held_on=days_ago(3))
    client.force_login(world.animator_a)
    response = client.post(_urls(world, session.pk)["edit"], _diagnosis_post())
    assert response.status_code == 403
    session.refresh_from_db()
    assert session.duration_minutes == 60


def test_session_edit_page_other_partnerships_session_404(client, world):
    other = SupportSessionFactory(partnership=world.partnership_b, kind="diagnosis")
    client.force_login(world.animator_a)
    url = reverse("support:session_edit", args=[world.partnership_a.pk, other.pk])
    assert client.get(url).status_code == 404


def test_session_withdraw_page_marks_session_and_keeps_it(client, world, log):
    log(world.partnership_a, kind="diagnosis", held_on=days_ago(3))
    remote = log(world.partnership_a, duration_minutes=120)
    client.force_login(world.animator_a)
    url = _urls(world, remote.pk)["withdraw"]
    assert "Zapisane dwa razy" not in client.get(url).content.decode()
    response = client.post(url, {"reason": "Zapisane dwa razy."})
    assert response.status_code == 302
    remote.refresh_from_db()
    assert remote.withdrawn_reason == "Zapisane dwa razy."
    assert remote.history.latest().history_user == world.animator_a
    body = client.get(_urls(world)["timeline"]).content.decode()
    assert "Zapisane dwa razy." in body
    assert client.get(url).status_code == 403  # a withdrawn session is not changed again


def test_session_withdraw_page_without_reason_keeps_session(client, world, log):
    diagnosis = log(world.partnership_a, kind="diagnosis", held_on=days_ago(3))
    client.force_login(world.animator_a)
    response = client.post(_urls(world, diagnosis.pk)["withdraw"], {"reason": ""})
    assert response.status_code == 400
    diagnosis.refresh_from_db()
    assert diagnosis.withdrawn_at is None


def test_partner_report_page_saves_report(client, world, cycle):
    cycle(world.partnership_a)
    client.force_login(world.animator_a)
    response = client.post(
        _urls(world)["report"],
        {"reported_on": days_ago(1).isoformat(), "how_spread": "Na zebraniu zarządu."},
    )
    assert response.status_code == 302
    assert PartnerReport.objects.get().how_spread == "Na zebraniu zarządu."


def test_partner_report_page_by_the_leader_saves_and_the_timeline_offers_it(client, world, cycle):
    cycle(world.partnership_a)
    client.force_login(world.leader_a)
    timeline = client.get(_urls(world)["timeline"]).content.decode()
    assert _urls(world)["report"] in timeline
    response = client.post(
        _urls(world)["report"],
        {"reported_on": days_ago(1).isoformat(), "how_spread": "Na sesji rady gminy."},
    )
    assert response.status_code == 302
    report = PartnerReport.objects.get()
    assert (report.how_spread, report.recorded_by) == ("Na sesji rady gminy.", world.leader_a)


def test_partner_report_page_dated_after_meeting_2_shows_polish_message(client, world, cycle, log):
    cycle(world.partnership_a)
    log(world.partnership_a, kind="meeting_2", held_on=days_ago(5), duration_minutes=180)
    client.force_login(world.leader_a)
    response = client.post(
        _urls(world)["report"],
        {"reported_on": days_ago(1).isoformat(), "how_spread": "Za późno."},
    )
    assert response.status_code == 400
    assert "nie później niż w dniu drugiego spotkania" in response.content.decode()
    assert not PartnerReport.objects.exists()


def test_materials_add_page_by_staff_saves(client, world):
    client.force_login(world.staff)
    response = client.post(
        _urls(world)["materials_add"],
        {"what": "Poradnik.", "sent_on": days_ago(2).isoformat(), "channel": "email"},
    )
    assert response.status_code == 302
    dispatch = world.partnership_a.materials_dispatches.get()
    assert (dispatch.sent_by, dispatch.channel) == (world.staff, "email")


def test_materials_list_shows_only_partnerships_without_materials(client, world):
    MaterialsDispatchFactory(partnership=world.partnership_a, sent_by=world.staff)
    client.force_login(world.staff)
    page = client.get(_urls(world)["materials_list"]).context["page"]
    assert [p.pk for p in page] == [world.partnership_b.pk]


def test_materials_list_includes_qualified_waiting_for_an_animator(client, world):
    # §2.5.1: materials go out before the animator's support, so those still waiting count
    waiting = PartnershipFactory(name="Czeka", status="qualified", animator=None)
    PartnershipFactory(name="Zgłoszone", status="applied", animator=None)
    PartnershipFactory(name="Zakończone", status="completed")
    client.force_login(world.staff)
    response = client.get(_urls(world)["materials_list"])
    names = [p.name for p in response.context["page"]]
    assert names == [waiting.name, "Partnerstwo A", "Partnerstwo B"]
    assert "jeszcze nieprzydzielony" in response.content.decode()


def test_materials_add_page_after_support_began_asks_for_confirmation(client, world, cycle):
    cycle(world.partnership_a)
    client.force_login(world.staff)
    data = {"what": "Poradnik.", "sent_on": days_ago(2).isoformat(), "channel": "email"}
    response = client.post(_urls(world)["materials_add"], data)
    assert response.status_code == 400
    assert "Zaznacz potwierdzenie" in response.content.decode()
    assert not world.partnership_a.materials_dispatches.exists()
    response = client.post(_urls(world)["materials_add"], data | {"after_support_confirmed": "on"})
    assert response.status_code == 302
    assert world.partnership_a.materials_dispatches.get().sent_on == days_ago(2)


# --- my partnerships ------------------------------------------------------------------------


def test_partnership_list_shows_hours_step_and_next_meeting(client, world, cycle):
    cycle(world.partnership_a)
    client.force_login(world.animator_a)
    response = client.get(_urls(world)["list"])
    (row,) = response.context["partnerships"]
    # the diagnosis (60 min) is outside the 16 hours (§2.1.4); meeting 1 (180 min) inside
    assert (row.used_minutes, row.budget_minutes, row.step) == (180, 960, "meeting_1")
    assert row.diagnosis_minutes == 60
    assert row.next_meeting_on == days_ago(10) + datetime.timedelta(days=14)
    body = response.content.decode()
    assert "3 godz. / 16 godz." in body
    assert "diagnoza: 1 godz." in body
    # "+ contact" on the row, coming back to this list after saving.
    contact_url = reverse("support:contact_log", args=[world.partnership_a.pk])
    assert f'href="{contact_url}?next=/wsparcie/"' in body


def test_partnership_list_offers_the_diagnosis_before_any_contact(client, world):
    client.force_login(world.animator_a)
    body = client.get(_urls(world)["list"]).content.decode()
    diagnosis_url = reverse("support:session_log", args=[world.partnership_a.pk, "diagnoza"])
    assert f'href="{diagnosis_url}?next=/wsparcie/"' in body
    assert reverse("support:contact_log", args=[world.partnership_a.pk]) + "?" not in body


# --- query counts: 1 and 3 items give the same count ----------------------------------------


def _add_support(partnership, staff):
    diagnosis = SupportSessionFactory(partnership=partnership, kind="diagnosis")
    PlannedMeetingFactory(
        planned_by_session=SupportSessionFactory(partnership=partnership, kind="meeting_1")
    )
    SupportSessionFactory(partnership=partnership, kind="remote")
    MaterialsDispatchFactory(partnership=partnership, sent_by=staff)
    return diagnosis


@pytest.mark.parametrize("n", [1, 3])
def test_partnership_list_query_count_constant(client, world, django_assert_num_queries, n):
    for i in range(n):
        partnership = PartnershipFactory(name=f"P{i}", animator=world.animator_a)
        _add_support(partnership, world.staff)
    client.force_login(world.animator_a)
    # session, user, count, the page's ids, its partnerships with their support, roles
    with django_assert_num_queries(6):
        response = client.get(reverse("support:partnership_list"))
    assert len(response.context["page"]) == n + 1  # and partnership A


@pytest.mark.parametrize("n", [1, 3])
def test_timeline_query_count_constant(client, world, django_assert_num_queries, n):
    for _ in range(n):
        SupportSessionFactory(partnership=world.partnership_a, kind="remote")
        MaterialsDispatchFactory(partnership=world.partnership_a, sent_by=world.staff)
    SupportSessionFactory(partnership=world.partnership_a, kind="diagnosis")
    url = reverse("support:timeline", args=[world.partnership_a.pk])
    client.force_login(world.animator_a)
    with django_assert_num_queries(11):
        response = client.get(url)
    assert len(response.context["sessions"]) == n + 1


@pytest.mark.parametrize("n", [1, 3])
def test_materials_list_query_count_constant(client, world, django_assert_num_queries, n):
    for i in range(n):
        partnership = PartnershipFactory(name=f"P{i}", animator=world.animator_a)
        MaterialsDispatchFactory(partnership=partnership, sent_by=world.staff)
    client.force_login(world.staff)
    with django_assert_num_queries(6):
        response = client.get(reverse("support:materials_list"))
    assert len(response.context["recent"]) == n


def test_whole_support_cycle_through_the_pages(client, world):
    pk = world.partnership_a.pk
    partner = world.partnership_a.partners.first()
    client.force_login(world.animator_a)

    def post(slug, data):
        response = client.post(reverse("support:session_log", args=[pk, slug]), data)
        assert response.status_code == 302, response.context["form"].errors
        return response

    post("diagnoza", _diagnosis_post(**{"session-held_on": days_ago(30).isoformat()}))
    post(
        "spotkanie-1",
        {
            "session-held_on": days_ago(20).isoformat(),
            "session-channel": "in_person",
            "session-duration_minutes": "240",
            "record-experience_assessment": "Ocena.",
            "record-planned_actions": "Plany.",
            "record-next_meeting_on": days_ago(2).isoformat(),
            "record-next_meeting_place": "Biblioteka",
        },
    )
    response = client.post(
        reverse("support:partner_report_edit", args=[pk, partner.pk]),
        {"reported_on": days_ago(10).isoformat(), "how_spread": "Na zebraniu."},
    )
    assert response.status_code == 302
    post(
        "zdalne",
        {
            "session-held_on": days_ago(8).isoformat(),
            "session-channel": "labib",
            "session-duration_minutes": "45",
        },
    )
    post(
        "spotkanie-2",
        {
            "session-held_on": days_ago(2).isoformat(),
            "session-channel": "in_person",
            "session-duration_minutes": "240",
            "record-progress": "Postępy.",
            "record-training_topic": "promotion",
        },
    )

    state = client.get(reverse("support:timeline", args=[pk])).context["state"]
    # the diagnosis's 90 minutes are outside the budget (§2.1.4)
    assert (state.step, state.used_minutes, state.planned_meeting) == ("meeting_2", 525, None)
    assert state.diagnosis_minutes == 90
    assert PlannedMeeting.objects.get().held_session.kind == "meeting_2"
    assert PartnerReport.objects.get().partner == partner


# --- potential partners (§1.2, §2.1.1) --------------------------------------------------------


def _potential_post(**overrides):
    return {
        "name": "Piekarnia Kłos",
        "sector": "business",
        "kind": "company",
        "contact_person": "Jan Kłos",
        "contacted_by": "Maria Nowak",
        "contacted_on": days_ago(2).isoformat(),
        "status": "interested",
        "outcome": "Chcą pomóc przy festynie.",
        **overrides,
    }


def test_leader_records_a_potential_partner_and_sees_it_by_sector(client, world):
    client.force_login(world.leader_a)
    partnership_page = client.get(reverse("partnership_detail", args=[world.partnership_a.pk]))
    list_url = reverse("support:potential_partner_list", args=[world.partnership_a.pk])
    assert list_url in partnership_page.content.decode()
    add_url = reverse("support:potential_partner_add", args=[world.partnership_a.pk])
    form_page = client.get(add_url).content.decode()
    assert 'name="animator_help"' not in form_page  # the animator's own note (§2.1.1)
    assert 'value="joined"' not in form_page  # joining is its own step
    response = client.post(add_url, _potential_post())
    assert response.status_code == 302
    candidate = PotentialPartner.objects.get()
    assert (candidate.created_by, candidate.status) == (world.leader_a, "interested")
    body = client.get(list_url).content.decode()
    assert "Sektor gospodarczy" in body and "brak jeszcze partnera z tego sektora" in body
    assert "Piekarnia Kłos" in body and "Chcą pomóc przy festynie." in body


def test_animator_notes_help_on_a_potential_partner(client, world):
    candidate = PotentialPartnerFactory(partnership=world.partnership_a, name="Piekarnia Kłos")
    client.force_login(world.animator_a)
    url = reverse("support:potential_partner_edit", args=[world.partnership_a.pk, candidate.pk])
    response = client.post(
        url, _potential_post(animator_help="Zadzwoniłem do właściciela i umówiłem spotkanie.")
    )
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert candidate.animator_help == "Zadzwoniłem do właściciela i umówiłem spotkanie."


def test_potential_partner_page_bad_input_shows_polish_message(client, world):
    client.force_login(world.leader_a)
    url = reverse("support:potential_partner_add", args=[world.partnership_a.pk])
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    response = client.post(url, _potential_post(contacted_on=future))
    assert response.status_code == 400
    assert "nie może być z przyszłości" in response.content.decode()
    response = client.post(url, _potential_post(status="joined"))
    assert response.status_code == 400
    assert not PotentialPartner.objects.exists()


def test_potential_partner_joins_through_the_page(client, world):
    candidate = PotentialPartnerFactory(partnership=world.partnership_a, name="Piekarnia Kłos")
    client.force_login(world.leader_a)
    url = reverse("support:potential_partner_join", args=[world.partnership_a.pk, candidate.pk])
    response = client.post(url, {"contribution": "", "benefit": "Promocja."})
    assert response.status_code == 400
    assert not world.partnership_a.partners.filter(institution__name="Piekarnia Kłos").exists()
    response = client.post(url, {"contribution": "Poczęstunek.", "benefit": "Promocja."})
    assert response.status_code == 302
    partner = world.partnership_a.partners.get(institution__name="Piekarnia Kłos")
    assert (partner.contribution, partner.benefit) == ("Poczęstunek.", "Promocja.")
    candidate.refresh_from_db()
    assert candidate.partner == partner
    page = client.get(reverse("partnership_detail", args=[world.partnership_a.pk]))
    assert "Piekarnia Kłos" in page.content.decode()
    # a second visit to the joining page does not make a second partner
    again = client.post(url, {"contribution": "Poczęstunek.", "benefit": "Promocja."})
    assert again.status_code == 302
    assert world.partnership_a.partners.filter(institution__name="Piekarnia Kłos").count() == 1


@pytest.mark.parametrize("n", [1, 3])
def test_potential_partner_list_queries_constant(client, world, django_assert_num_queries, n):
    for i in range(n):
        PotentialPartnerFactory(partnership=world.partnership_a, name=f"Firma {i}")
    client.force_login(world.leader_a)
    url = reverse("support:potential_partner_list", args=[world.partnership_a.pk])
    # session, user, the partnership, the user's groups (role check and menu), the active
    # partners' sectors, the potential partners
    with django_assert_num_queries(6):
        response = client.get(url)
    assert sum(len(row.candidates) for row in response.context["pipeline"]) == n


def test_session_log_page_for_the_diagnosis_shows_no_time_left(client, world):
    """The diagnosis does not count toward the budget: no "after this contact" count."""
    client.force_login(world.animator_a)
    response = client.get(_urls(world)["log"])
    body = response.content.decode()
    assert response.context["in_budget"] is False
    assert 'id="contact-budget"' not in body
    assert 'id="contact-left-after"' not in body


# --- the hour budget (staff) --------------------------------------------------------------------


def test_hour_budget_page_changes_the_budget_with_its_reason(client, world):
    client.force_login(world.staff)
    url = reverse("support:hour_budget_edit", args=[world.partnership_a.pk])
    response = client.post(url, {"hours": "17,5", "reason": "Trzecie spotkanie z partnerami."})
    assert response.status_code == 302
    budget = HourBudget.objects.get(partnership=world.partnership_a)
    assert (budget.minutes, budget.reason) == (1050, "Trzecie spotkanie z partnerami.")
    record = budget.history.latest()
    assert (record.history_user, record.history_change_reason) == (
        world.staff,
        "Trzecie spotkanie z partnerami.",
    )
    page = client.get(url).content.decode()
    assert "17 godz. 30 min" in page and "Trzecie spotkanie z partnerami." in page


def test_hour_budget_page_without_reason_gives_polish_message_and_changes_nothing(client, world):
    client.force_login(world.staff)
    url = reverse("support:hour_budget_edit", args=[world.partnership_a.pk])
    response = client.post(url, {"hours": "20", "reason": " "})
    assert response.status_code == 400
    assert "Podaj powód zmiany budżetu" in response.content.decode()
    assert not HourBudget.objects.filter(partnership=world.partnership_a, minutes=1200).exists()


def test_hour_budget_page_not_in_quarter_hours_refused(client, world):
    client.force_login(world.staff)
    url = reverse("support:hour_budget_edit", args=[world.partnership_a.pk])
    response = client.post(url, {"hours": "16,1", "reason": "Korekta."})
    assert response.status_code == 400
    assert "pełnych kwadransach" in response.content.decode()


def test_hour_budget_page_below_logged_time_refused_by_the_service(client, world):
    SupportSessionFactory(partnership=world.partnership_a, kind="meeting_1", duration_minutes=180)
    client.force_login(world.staff)
    url = reverse("support:hour_budget_edit", args=[world.partnership_a.pk])
    response = client.post(url, {"hours": "2", "reason": "Korekta."})
    assert response.status_code == 400
    assert "budżet nie może być mniejszy" in response.content.decode()
    assert not HourBudget.objects.filter(partnership=world.partnership_a, minutes=120).exists()


@pytest.mark.parametrize("persona", ["animator_a", "leader_a", "committee"])
def test_hour_budget_page_refused_to_non_staff(client, world, persona):
    client.force_login(getattr(world, persona))
    url = reverse("support:hour_budget_edit", args=[world.partnership_a.pk])
    assert client.post(url, {"hours": "30", "reason": "Więcej."}).status_code == 403
    assert not HourBudget.objects.filter(partnership=world.partnership_a, minutes=1800).exists()


def test_timeline_links_the_hour_budget_for_staff_only(client, world):
    url = reverse("support:timeline", args=[world.partnership_a.pk])
    link = reverse("support:hour_budget_edit", args=[world.partnership_a.pk])
    client.force_login(world.staff)
    assert link in client.get(url).content.decode()
    client.force_login(world.animator_a)
    assert link not in client.get(url).content.decode()
