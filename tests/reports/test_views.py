import datetime
import json
import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from events.models import Participant, Registration
from partnerships.enums import PartnershipStatus, Round
from partnerships.models import Person
from reports.models import Anonymisation
from tests.factories import (
    EventFactory,
    PartnershipFactory,
    PersonFactory,
    SeminarFactory,
    SupportSessionFactory,
)

pytestmark = pytest.mark.django_db


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _programme(world, n: int):
    """``n`` partnerships, each with sessions, people at both events and an animator assigned
    long ago (so each is behind)."""
    visit, seminar = EventFactory(), SeminarFactory()
    for i in range(n):
        partnership = PartnershipFactory(
            animator=world.animator_a if i % 2 else world.animator_b,
            animator_assigned_on=days_ago(60),
            status=PartnershipStatus.IN_SUPPORT,
        )
        SupportSessionFactory(partnership=partnership, kind="remote", held_on=days_ago(45))
        for event in (visit, seminar):
            registration = Registration.objects.create(
                event=event, partnership=partnership, chosen_internally=True, seats=1
            )
            Participant.objects.create(
                registration=registration,
                event=event,
                person=PersonFactory(partnership=partnership),
                attended=True,
            )


@pytest.mark.parametrize("n", [1, 3])
def test_dashboard_query_count_does_not_grow(client, world, django_assert_num_queries, n):
    from tests.factories import ClipCallFactory

    _programme(world, n)
    ClipCallFactory(committee=[world.committee, world.staff])  # the clips panel's queries
    client.force_login(world.staff)
    # session, user, animator choices; behind: ids, rows, counts; status by round; coverage;
    # hours: 3 totals (count, budgets, the summaries' sums and steps), 3 by animator, 2 by
    # partnership; participation; clip panel: calls, committee, one per open call; missing
    # sectors with candidates (support's panel); events: count, ids, rows; roles. (The figures
    # are computed here: the test's data is not committed, so portal.figures does not keep
    # them.) 26 before the support summaries: the steps were counted from the sessions apart.
    with django_assert_num_queries(25):
        response = client.get(reverse("reports:dashboard"))
    assert response.status_code == 200
    assert response.context["page"].paginator.count == n


@pytest.mark.parametrize("n", [1, 3])
def test_participation_query_count_does_not_grow(client, world, django_assert_num_queries, n):
    _programme(world, n)
    client.force_login(world.staff)
    # session, user, animator choices, count, the page's ids, its rows, totals, roles
    with django_assert_num_queries(8):
        response = client.get(reverse("reports:participation"))
    assert len(response.context["page"].object_list) == n + 2


def test_dashboard_answers_who_is_behind_and_why(client, world, english):
    world.partnership_a.animator_assigned_on = days_ago(20)
    world.partnership_a.save()
    client.force_login(world.staff)
    response = client.get(reverse("reports:dashboard"))
    body = response.content.decode()
    assert "Partnerstwo A" in body
    assert "no diagnosis 14 days after the animator was assigned" in body
    assert list(response.context["page"]) == [world.partnership_a]
    scripts = re.findall(r"<script[^>]*>", body)
    assert scripts and all(' src="/static/' in tag for tag in scripts)  # no inline script
    assert "style=" not in body


def test_dashboard_shows_diagnosis_time_apart_from_support_hours(client, world):
    """§2.1.4: the diagnosis is before support, outside the 16 hours."""
    SupportSessionFactory(partnership=world.partnership_a, kind="diagnosis", duration_minutes=90)
    SupportSessionFactory(partnership=world.partnership_a, duration_minutes=120)
    client.force_login(world.staff)
    body = client.get(reverse("reports:dashboard")).content.decode()
    assert "Wykorzystano 2 godz. z 32 godz. budżetu." in body
    assert "Diagnozy przed wsparciem, poza budżetem: 1 godz. 30 min." in body


def test_dashboard_unknown_filters_are_reported_and_ignored(client, world, english):
    PartnershipFactory(round=Round.II, status=PartnershipStatus.QUALIFIED)
    client.force_login(world.staff)
    response = client.get(
        reverse("reports:dashboard"),
        {"round": "2", "voivodeship": "atlantyda", "animator": "abc", "sort": "x", "reason": "y"},
    )
    assert response.status_code == 200
    assert _messages(response) == [
        "These filters were not understood and were ignored: Voivodeship, Animator."
    ]
    # The valid round filter still applies to every table.
    assert response.context["status_by_round"]["total"] == 1
    assert response.context["page"].paginator.count == 1


def test_dashboard_filters_keep_charts_in_step(client, world):
    client.force_login(world.staff)
    response = client.get(reverse("reports:dashboard"), {"animator": world.animator_a.pk})
    assert response.context["status_by_round"]["total"] == 1
    assert [row["animator_id"] for row in response.context["hours_by_animator"]] == [
        world.animator_a.pk
    ]
    assert response.context["filter_querystring"] == f"animator={world.animator_a.pk}"
    assert f"sessions.csv?animator={world.animator_a.pk}" in response.content.decode()


def test_dashboard_non_staff_is_forbidden(client, world):
    client.force_login(world.animator_a)
    assert client.get(reverse("reports:dashboard")).status_code == 403


def test_staff_home_links_to_dashboard(client, world):
    client.force_login(world.staff)
    response = client.get(reverse("staff_home"))
    assert reverse("reports:dashboard") in response.content.decode()


# --- history --------------------------------------------------------------------------------


def test_history_shows_field_changes_with_actor_newest_first(client, world, english):
    partnership = world.partnership_a
    partnership.name = "Nowa nazwa"
    partnership._history_user = world.staff
    partnership.save()
    PersonFactory(partnership=partnership, first_name="Zofia", email="zofia@example.org")
    SupportSessionFactory(partnership=partnership, notes="Pierwszy kontakt")
    SupportSessionFactory(partnership=world.partnership_b, notes="Cudzy kontakt")
    client.force_login(world.staff)
    response = client.get(reverse("reports:partnership_history", args=[partnership.pk]))
    entries = response.context["entries"]
    assert str(entries[0].model_label) == "support session"
    change = next(e for e in entries if e.changes)
    assert change.record.history_user == world.staff
    assert [(str(label), old, new) for label, old, new in change.changes] == [
        ("name", "Partnerstwo A", "Nowa nazwa")
    ]
    body = response.content.decode()
    assert "Nowa nazwa" in body and "Zofia" in body  # a creation names its record
    assert "zofia@example.org" not in body  # and lists no field values
    assert "Cudzy kontakt" not in body
    labels = {str(e.model_label) for e in entries}
    assert {"partnership", "partner", "person", "support session"} <= labels


def test_history_shows_potential_partners(client, world):
    from support import services as support_services

    candidate = support_services.potential_partner_add(
        partnership=world.partnership_a,
        actor=world.leader_a,
        name="Piekarnia Kłos",
        sector="business",
        kind="company",
        contacted_by="Maria Nowak",
        contacted_on=days_ago(1),
    )
    support_services.potential_partner_update(
        candidate=candidate, actor=world.leader_a, status="interested"
    )
    client.force_login(world.staff)
    response = client.get(reverse("reports:partnership_history", args=[world.partnership_a.pk]))
    entry = response.context["entries"][0]
    assert str(entry.model_label) == "potencjalny partner"
    assert [(old, new) for _label, old, new in entry.changes] == [
        ("nawiązano kontakt", "wyraża zainteresowanie")
    ]


def test_history_paginates(client, world, settings):
    settings.PAGINATE_BY = 2
    for n in range(3):
        SupportSessionFactory(partnership=world.partnership_a, notes=str(n))
    client.force_login(world.staff)
    url = reverse("reports:partnership_history", args=[world.partnership_a.pk])
    first = client.get(url)
    last = client.get(url, {"page": "99"})
    total = first.context["page"].paginator.count
    assert len(first.context["entries"]) == 2
    assert len(last.context["entries"]) == total - 2 * (
        first.context["page"].paginator.num_pages - 1
    )


def test_history_unknown_partnership_is_404(client, world):
    client.force_login(world.staff)
    assert client.get(reverse("reports:partnership_history", args=[99999])).status_code == 404


# --- personal data --------------------------------------------------------------------------


def test_person_data_export_holds_everything(client, world):
    person = PersonFactory(
        partnership=world.partnership_a, first_name="Łucja", user=world.animator_a
    )
    event = EventFactory(title="Wizyta w Łodzi")
    registration = Registration.objects.create(
        event=event, partnership=world.partnership_a, chosen_internally=True, seats=1
    )
    Participant.objects.create(registration=registration, event=event, person=person)
    SupportSessionFactory(partnership=world.partnership_a, notes="Notatka animatora")
    from portal.mail import queue_templated_mail

    queue_templated_mail(
        "password_reset", to=person.email, context={"url": "tajny"}, sensitive=True
    )
    queue_templated_mail(
        "application_submitted",
        to=person.email,
        context={"application": {"library_name": "Biblioteka"}},
    )
    client.force_login(world.staff)
    response = client.get(reverse("reports:person_data", args=[person.pk]))
    assert response["Content-Disposition"] == f'attachment; filename="osoba-{person.pk}.json"'
    data = json.loads(response.content.decode("utf-8"))
    assert data["person"]["first_name"] == "Łucja"
    assert data["person"]["consent_given_at"]
    assert [p["event"] for p in data["event_participation"]] == ["Wizyta w Łodzi"]
    assert data["person_history"][0]["history_type"] == "+"
    assert data["account"]["email"] == "animator.a@example.org"
    assert [s["notes"] for s in data["account"]["support_sessions_logged"]] == ["Notatka animatora"]
    subjects = [m["subject"] for m in data["emails"]]
    assert subjects == [
        "Ustawienie nowego hasła w portalu partnerstw",
        "Potwierdzenie otrzymania zgłoszenia: Biblioteka",
    ]
    assert "tajny" not in json.dumps(data["emails"])  # a secret link is not exported


def test_anonymise_end_to_end(client, world, english):
    person = PersonFactory(
        partnership=world.partnership_a,
        first_name="Grażyna",
        last_name="Kowalska",
        phone="600 700 800",
        position="dyrektorka",
    )
    person.phone = "601 000 000"
    person.save()  # a second history row that must be scrubbed too
    event = EventFactory()
    registration = Registration.objects.create(
        event=event, partnership=world.partnership_a, chosen_internally=True, seats=1
    )
    Participant.objects.create(registration=registration, event=event, person=person, attended=True)
    consent = person.consent_given_at
    client.force_login(world.staff)
    url = reverse("reports:person_anonymise", args=[person.pk])

    confirm = client.get(url)
    assert confirm.status_code == 200 and "Grażyna" in confirm.content.decode()

    refused = client.post(url, {})
    assert refused.status_code == 400
    person.refresh_from_db()
    assert person.first_name == "Grażyna"

    done = client.post(url, {"confirm": "on"})
    assert done.status_code == 302
    person.refresh_from_db()
    assert person.full_name == f"Osoba zanonimizowana #{person.pk}"
    assert (person.phone, person.position) == ("", "")
    assert person.email == f"osoba-{person.pk}@zanonimizowana.invalid"
    assert person.consent_given_at == consent
    assert person.archived_at is not None
    history = list(Person.history.filter(id=person.pk))
    assert len(history) == 3
    assert {h.first_name for h in history} == {"Osoba zanonimizowana"}
    assert {h.phone for h in history} == {""}
    assert history[0].history_user == world.staff
    assert Anonymisation.objects.get(person=person).done_by == world.staff
    # The counts stay: the participation and the export row are still there.
    assert event.participants.filter(attended=True).count() == 1
    export = client.get(reverse("reports:export", args=["registrations", "csv"]))
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    assert f"Osoba zanonimizowana #{person.pk}" in text and "Grażyna" not in text

    again = client.post(url, {"confirm": "on"})
    assert again.status_code == 302
    assert _messages(again)[-1] == ("This person has already been anonymised; nothing was changed.")
    assert Person.history.filter(id=person.pk).count() == 3
    assert Anonymisation.objects.filter(person=person).count() == 1


def test_person_list_shows_consent_date_and_search(client, world):
    PersonFactory(partnership=world.partnership_a, last_name="Żółkiewska")
    PersonFactory(partnership=world.partnership_b, last_name="Nowak")
    client.force_login(world.staff)
    response = client.get(reverse("reports:person_list"), {"q": "Żółk"})
    assert [p.last_name for p in response.context["people"]] == ["Żółkiewska"]
    assert timezone.localdate().strftime("%Y") in response.content.decode()


@pytest.mark.parametrize("n", [1, 3])
def test_person_list_query_count(client, world, django_assert_num_queries, n):
    for _ in range(n):
        PersonFactory(partnership=world.partnership_a)
    client.force_login(world.staff)
    # session, user, count, the page's ids, its people, roles
    with django_assert_num_queries(6):
        response = client.get(reverse("reports:person_list"))
    assert len(response.context["page"]) == n


# --- funder report --------------------------------------------------------------------------


def test_funder_report_page_shows_round_figures(client, world, english):
    PartnershipFactory(round=Round.II)
    client.force_login(world.staff)
    response = client.get(reverse("reports:funder_report"), {"round": "2"})
    body = response.content.decode()
    assert '<th scope="row">Partnerships</th><td>1</td>' in body
    assert reverse("reports:funder_report_pdf", args=[2]) in body


def test_funder_report_unknown_round(client, world):
    client.force_login(world.staff)
    response = client.get(reverse("reports:funder_report"), {"round": "9"})
    assert response.status_code == 200 and "figures_html" not in response.context
    assert response.context["form"].errors
    assert client.get(reverse("reports:funder_report_pdf", args=[9])).status_code == 404


def test_partnership_page_shows_consent_and_history_link_to_staff_only(client, world, english):
    PersonFactory(partnership=world.partnership_a)
    history = reverse("reports:partnership_history", args=[world.partnership_a.pk])
    client.force_login(world.staff)
    body = client.get(reverse("partnership_detail", args=[world.partnership_a.pk]))
    assert history in body.content.decode() and "consent given" in body.content.decode()
    client.force_login(world.leader_a)
    body = client.get(reverse("partnership_detail", args=[world.partnership_a.pk]))
    assert history not in body.content.decode()


def test_history_names_an_anonymisation(client, world, english):
    from reports.services import person_anonymise

    person = PersonFactory(partnership=world.partnership_a, first_name="Bożena")
    person_anonymise(person=person, actor=world.staff)
    client.force_login(world.staff)
    response = client.get(reverse("reports:partnership_history", args=[world.partnership_a.pk]))
    body = response.content.decode()
    assert "personal data anonymised (GDPR)" in body and "Bożena" not in body


@pytest.mark.parametrize("n", [1, 3])
def test_history_query_count_does_not_grow(client, world, django_assert_num_queries, n, english):
    for i in range(n):
        session = SupportSessionFactory(partnership=world.partnership_a, notes="przed")
        session.notes = f"po {i}"
        session.save()
    client.force_login(world.staff)
    url = reverse("reports:partnership_history", args=[world.partnership_a.pk])
    # session, user, the partnership, count, the page; its sessions, partners and partnership
    # rows, the sessions' earlier rows; the partners' institutions named; roles.
    with django_assert_num_queries(11):
        response = client.get(url)
    changed = [e for e in response.context["entries"] if e.changes]
    assert len(changed) == n
    assert {(str(label), old) for label, old, _new in changed[0].changes} == {("notes", "przed")}


def test_dashboard_and_funder_report_write_hours_as_polish_durations(client, world):
    SupportSessionFactory(partnership=world.partnership_a, kind="remote", duration_minutes=75)
    client.force_login(world.staff)
    dashboard = client.get(reverse("reports:dashboard")).content.decode()
    assert "Wykorzystano 1 godz. 15 min z 32 godz. budżetu." in dashboard
    assert "1 godz. 15 min / 16 godz." in dashboard  # the partnership's and its animator's rows
    funder = client.get(reverse("reports:funder_report"), {"round": "1"}).content.decode()
    assert "1 godz. 15 min / 32 godz." in funder
    assert not re.search(r"\d\.\d+ ?h\b|\d\.\d+ / \d", dashboard + funder)  # no "1.2 h", "9.2 / 32"
