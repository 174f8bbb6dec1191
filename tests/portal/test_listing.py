"""Lists people already expect (``portal.listing``): sorting by a column heading, filters and
sorting kept in the address, "export this view" as CSV and XLSX of exactly the filtered,
sorted rows. Exercised on the partnership list; the other lists use the same pieces."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from events.services import registration_submit
from partnerships.enums import Round
from partnerships.services import user_invite
from portal.enums import Role
from tests.events.conftest import FEWER
from tests.factories import (
    ApplicationFactory,
    EventFactory,
    LibraryFactory,
    PartnershipFactory,
    PersonFactory,
    UserFactory,
)

URL = reverse("partnership_list")


@pytest.fixture
def three(world):
    """Three partnerships of round II besides the world's two (round I)."""
    animator = world.animator_a
    return [
        PartnershipFactory(
            name=name,
            round=Round.II,
            animator=animator,
            lead_library=LibraryFactory(name=library, commune=commune),
        )
        for name, library, commune in (
            ("Bałtyckie Czytanie", "Biblioteka C", "Ustka"),
            ("Ćma i Księżyc", "Biblioteka A", "Łódź"),
            ("Aronia", "Biblioteka B", "Kielce"),
        )
    ]


def _names(response):
    """The partnerships of the page, in order (the rows the list rendered)."""
    return [p.name for p in response.context["partnerships"]]


def test_sorting_by_a_column_both_ways(client, world, three):
    client.force_login(world.staff)
    response = client.get(URL, {"round": 2, "sort": "library"})
    assert _names(response) == ["Ćma i Księżyc", "Aronia", "Bałtyckie Czytanie"]
    response = client.get(URL, {"round": 2, "sort": "-library"})
    assert _names(response) == ["Bałtyckie Czytanie", "Aronia", "Ćma i Księżyc"]


def test_sorted_heading_says_so_and_links_the_other_way(client, world, three):
    client.force_login(world.staff)
    html = client.get(URL, {"round": 2, "sort": "library"}).content.decode()
    assert 'aria-sort="ascending"><a class="sort-link" href="?round=2&amp;sort=-library"' in html
    # Other headings sort by themselves and keep the filter.
    assert 'href="?round=2&amp;sort=status"' in html


def test_bad_sort_key_is_ignored(client, world, three):
    client.force_login(world.staff)
    for bad in ("password", "-lead_library__leader__password", "", "--name", "name;drop"):
        response = client.get(URL, {"round": 2, "sort": bad})
        assert response.status_code == 200
        assert response.context["sorting"].key == "name"
        assert _names(response) == sorted(_names(response))


def test_pagination_keeps_filters_and_sorting(client, world, three, settings):
    settings.PAGINATE_BY = 2
    client.force_login(world.staff)
    response = client.get(URL, {"round": 2, "sort": "-name"})
    assert "?round=2&amp;sort=-name&amp;page=2" in response.content.decode()
    response = client.get(URL, {"round": 2, "sort": "-name", "page": 2})
    assert _names(response) == ["Aronia"]


def _expected_rows(three, order):
    by_name = {p.name: p for p in three}
    return [
        [
            by_name[name].name,
            by_name[name].lead_library.name,
            by_name[name].lead_library.commune,
            "świętokrzyskie",
            "II runda",
            "objęte wsparciem",
        ]
        for name in order
    ]


@pytest.mark.parametrize("sort", ["library", "-name"])
def test_csv_export_is_the_filtered_sorted_view(client, world, three, sort):
    client.force_login(world.staff)
    shown = _names(client.get(URL, {"round": 2, "sort": sort}))
    response = client.get(URL, {"round": 2, "sort": sort, "eksport": "csv"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="partnerstwa-')
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:2] == ["Partnerstwo", "Biblioteka wiodąca"]
    assert [row[:6] for row in rows[1:]] == _expected_rows(three, shown)


def test_xlsx_export_is_the_filtered_sorted_view(client, world, three):
    client.force_login(world.staff)
    shown = _names(client.get(URL, {"round": 2, "sort": "-library"}))
    response = client.get(URL, {"round": 2, "sort": "-library", "eksport": "xlsx"})
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = [list(row) for row in book.active.iter_rows(values_only=True)]
    assert [row[:6] for row in rows[1:]] == _expected_rows(three, shown)
    assert rows[1][7] == str(world.animator_a)


def test_export_holds_only_what_the_user_sees(client, world, three):
    client.force_login(world.animator_b)
    response = client.get(URL, {"eksport": "csv", "sort": "-name"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    names = [row[0] for row in csv.reader(io.StringIO(text), delimiter=";")][1:]
    assert names == ["Partnerstwo B"]


def test_animator_sorts_within_their_partnerships(client, world, three):
    client.force_login(world.animator_a)
    response = client.get(URL, {"sort": "-name"})
    assert _names(response) == ["Ćma i Księżyc", "Partnerstwo A", "Bałtyckie Czytanie", "Aronia"]


@pytest.mark.parametrize("n", [1, 3])
def test_sorted_list_queries_constant(db, client, django_assert_num_queries, n):
    user = UserFactory(role=Role.STAFF)
    for i in range(n):
        PartnershipFactory(name=f"P{i}", animator=UserFactory(role=Role.ANIMATOR))
    client.force_login(user)
    client.get(URL)  # the first request of a session writes it
    # session, user, roles, count, the page's ids, its rows, the animator filter's choices,
    # and the programme path's four (issue 19: applications, support, events, clips)
    with django_assert_num_queries(11):
        response = client.get(URL, {"sort": "-animator"})
    assert len(response.context["page"]) == n


@pytest.mark.parametrize("n", [1, 3])
def test_export_queries_constant(db, client, django_assert_num_queries, n):
    user = UserFactory(role=Role.STAFF)
    for i in range(n):
        PartnershipFactory(name=f"P{i}", animator=UserFactory(role=Role.ANIMATOR))
    client.force_login(user)
    client.get(URL)
    # session, user, the animator filter's choices; the rows in one query (no page: no roles)
    with django_assert_num_queries(4):
        response = client.get(URL, {"sort": "animator", "eksport": "csv"})
        lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert len(lines) == n + 1


# --- the other lists: the same pieces -----------------------------------------------------------


def _csv(response):
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def _xlsx(response):
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return [list(row) for row in book.active.iter_rows(values_only=True)]


def _applications(n):
    return [
        ApplicationFactory(
            library_name=f"Biblioteka {'CAB'[i % 3]}{i}",
            status="submitted",
            submitted_at=f"2026-11-{10 + i:02d}T10:00Z",
        )
        for i in range(n)
    ]


def test_application_list_sorts_filters_and_exports(client, world):
    _applications(3)
    client.force_login(world.staff)
    url = reverse("application_review_list")
    response = client.get(url, {"sort": "library"})
    shown = [a.library_name for a in response.context["page"]]
    assert shown == ["Biblioteka A1", "Biblioteka B2", "Biblioteka C0"]
    # The default: newest submitted first.
    assert [a.library_name for a in client.get(url).context["page"]][0] == "Biblioteka B2"
    rows = _csv(client.get(url, {"sort": "library", "status": "submitted", "eksport": "csv"}))
    assert [row[0] for row in rows[1:]] == shown
    rows = _xlsx(client.get(url, {"sort": "-library", "eksport": "xlsx"}))
    assert [row[0] for row in rows[1:]] == shown[::-1]
    # No decision yet: none is rejected.
    assert client.get(url, {"status": "rejected"}).context["page"].paginator.count == 0
    assert client.get(url, {"sort": "access_token_hash"}).status_code == 200


@pytest.mark.parametrize("n", [1, 3])
def test_application_list_queries_constant(client, world, django_assert_num_queries, n):
    _applications(n)
    client.force_login(world.staff)
    # session, user, count, the page's applications, roles
    with django_assert_num_queries(5):
        response = client.get(reverse("application_review_list"), {"sort": "-call"})
    assert len(response.context["page"]) == n


def _events(n):
    today = timezone.localdate()
    return [
        EventFactory(
            title=f"Wizyta {'CAB'[i % 3]}",
            place=f"Miasto {i}",
            starts_on=today + timezone.timedelta(days=30 + i),
            ends_on=today + timezone.timedelta(days=31 + i),
        )
        for i in range(n)
    ]


def test_event_list_sorts_filters_and_exports(client, world):
    _events(3)
    client.force_login(world.staff)
    url = reverse("events:event_list")
    response = client.get(url, {"sort": "title", "rodzaj": "study_visit"})
    shown = [e.title for e in response.context["events"]]
    assert shown == ["Wizyta A", "Wizyta B", "Wizyta C"]
    rows = _csv(client.get(url, {"sort": "title", "rodzaj": "study_visit", "eksport": "csv"}))
    assert [row[0] for row in rows[1:]] == shown
    assert rows[1][1] == "wizyta studyjna"
    rows = _xlsx(client.get(url, {"sort": "-dates", "eksport": "xlsx"}))
    assert [row[4] for row in rows[1:]] == ["Miasto 2", "Miasto 1", "Miasto 0"]
    assert client.get(url, {"rodzaj": "seminar"}).context["page"].paginator.count == 0
    assert client.get(url, {"sort": "-programme"}).context["sorting"].key == "dates"


def test_event_list_leader_sorts_what_they_see(client, world):
    _events(3)
    client.force_login(world.leader_a)
    response = client.get(reverse("events:event_list"), {"sort": "-title"})
    assert [e.title for e in response.context["events"]] == ["Wizyta C", "Wizyta B", "Wizyta A"]


@pytest.mark.parametrize("n", [1, 3])
def test_event_list_sorted_queries_constant(client, world, django_assert_num_queries, n):
    _events(n)
    client.force_login(world.staff)
    # session, user, count, the page's ids, its events with their seats, roles
    with django_assert_num_queries(6):
        response = client.get(reverse("events:event_list"), {"sort": "seats"})
    assert len(response.context["page"]) == n


def _in_support(n, animator):
    return [
        PartnershipFactory(name=f"Wsparcie {'CAB'[i % 3]}", animator=animator) for i in range(n)
    ]


def test_support_list_sorts_and_exports_for_the_animator(client, world):
    _in_support(3, world.animator_a)
    client.force_login(world.animator_a)
    url = reverse("support:partnership_list")
    response = client.get(url, {"sort": "-name", "q": "wsparcie"})
    shown = [p.name for p in response.context["partnerships"]]
    assert shown == ["Wsparcie C", "Wsparcie B", "Wsparcie A"]
    rows = _csv(client.get(url, {"sort": "-name", "q": "wsparcie", "eksport": "csv"}))
    assert [row[0] for row in rows[1:]] == shown
    assert rows[1][3] == "przed diagnozą"
    assert client.get(url, {"step": "meeting_2"}).context["page"].paginator.count == 0
    assert client.get(url, {"sort": "leader__password"}).status_code == 200


@pytest.mark.parametrize("n", [1, 3])
def test_support_list_sorted_queries_constant(client, world, django_assert_num_queries, n):
    _in_support(n, world.animator_b)
    client.force_login(world.staff)
    # session, user, count, the page's ids, its rows with their summaries, roles
    with django_assert_num_queries(6):
        response = client.get(reverse("support:partnership_list"), {"sort": "used"})
    assert len(response.context["page"]) == n + 2  # and the world's two


def _people(n, partnership):
    return [
        PersonFactory(partnership=partnership, first_name="Jan", last_name=f"Nowak{'CAB'[i % 3]}")
        for i in range(n)
    ]


def test_person_list_sorts_and_exports(client, world):
    _people(3, world.partnership_a)
    client.force_login(world.staff)
    url = reverse("reports:person_list")
    response = client.get(url, {"sort": "-name", "q": "nowak"})
    shown = [p.last_name for p in response.context["people"]]
    assert shown == ["NowakC", "NowakB", "NowakA"]
    rows = _xlsx(client.get(url, {"sort": "-name", "q": "nowak", "eksport": "xlsx"}))
    assert [row[1] for row in rows[1:]] == shown
    assert client.get(url, {"sort": "email"}).context["sorting"].key == "name"


@pytest.mark.parametrize("n", [1, 3])
def test_person_list_sorted_queries_constant(client, world, django_assert_num_queries, n):
    _people(n, world.partnership_a)
    client.force_login(world.staff)
    # session, user, count, the page's ids, its people, roles
    with django_assert_num_queries(6):
        response = client.get(reverse("reports:person_list"), {"sort": "partnership"})
    assert len(response.context["page"]) == n


def _participants(world, n):
    event = EventFactory(capacity=30)
    people = [
        PersonFactory(
            partnership=world.partnership_a, first_name="Ola", last_name=f"Uczestniczka{'CAB'[i]}"
        )
        for i in range(n)
    ]
    registration_submit(
        event=event,
        partnership=world.partnership_a,
        people=people,
        chosen_internally=True,
        **(FEWER if n < 3 else {}),
        actor=world.leader_a,
    )
    return event


def test_participant_list_sorts_filters_and_exports(client, world):
    event = _participants(world, 3)
    event.participants.filter(person__last_name="UczestniczkaA").update(attended=True)
    client.force_login(world.staff)
    url = reverse("events:participant_list", args=[event.pk])
    response = client.get(url, {"sort": "-name"})
    shown = [p.person.last_name for p in response.context["page"]]
    assert shown == ["UczestniczkaC", "UczestniczkaB", "UczestniczkaA"]
    rows = _csv(client.get(url, {"sort": "-name", "eksport": "csv"}))
    assert [row[2] for row in rows[1:]] == shown
    response = client.get(url, {"obecnosc": "nieoznaczona", "sort": "name"})
    assert [p.person.last_name for p in response.context["page"]] == [
        "UczestniczkaB",
        "UczestniczkaC",
    ]
    rows = _xlsx(client.get(url, {"obecnosc": "tak", "eksport": "xlsx"}))
    assert [row[2] for row in rows[1:]] == ["UczestniczkaA"]
    assert rows[1][rows[0].index("Obecność")] == "tak"
    assert client.get(url, {"sort": "person__email"}).context["sorting"].key == "partnership"


@pytest.mark.parametrize("n", [1, 3])
def test_participant_list_sorted_queries_constant(client, world, django_assert_num_queries, n):
    event = _participants(world, n)
    client.force_login(world.staff)
    # session, user, roles, the event with its seats, the participants' count and page,
    # the registrations short of the expected number (delegation_gaps), and the catering and
    # lodging summary's four (answers_summary)
    with django_assert_num_queries(11):
        response = client.get(
            reverse("events:participant_list", args=[event.pk]), {"sort": "-attended"}
        )
    assert len(response.context["page"]) == n


def _invitations(world, n):
    for i in range(n):
        user_invite(
            email=f"zaproszona{i}@example.org",
            role=Role.ANIMATOR,
            invited_by=world.staff,
            first_name="Ewa",
            last_name=f"Zaproszona{'CAB'[i]}",
        )


def test_invitation_list_sorts_filters_and_exports(client, world):
    _invitations(world, 3)
    client.force_login(world.staff)
    url = reverse("invitation_list")
    response = client.get(url, {"sort": "person", "q": "zaproszona"})
    shown = [i.user.last_name for i in response.context["page"]]
    assert shown == ["ZaproszonaA", "ZaproszonaB", "ZaproszonaC"]
    rows = _csv(client.get(url, {"sort": "person", "q": "zaproszona", "eksport": "csv"}))
    assert [row[0] for row in rows[1:]] == [f"Ewa {name}" for name in shown]
    assert client.get(url, {"sort": "token_hash"}).context["sorting"].key == "sent"


@pytest.mark.parametrize("n", [1, 3])
def test_invitation_list_sorted_queries_constant(client, world, django_assert_num_queries, n):
    _invitations(world, n)
    client.force_login(world.staff)
    # session, user, count, roles, the page's invitations, the invitation form's partnerships
    with django_assert_num_queries(6):
        response = client.get(reverse("invitation_list"), {"sort": "-person"})
    assert len(response.context["page"]) == n


def test_materials_list_sorts_and_exports(client, world):
    _in_support(3, None)
    client.force_login(world.staff)
    url = reverse("support:materials_list")
    response = client.get(url, {"sort": "-name", "q": "wsparcie"})
    shown = [p.name for p in response.context["page"]]
    assert shown == ["Wsparcie C", "Wsparcie B", "Wsparcie A"]
    rows = _xlsx(client.get(url, {"sort": "-name", "q": "wsparcie", "eksport": "xlsx"}))
    assert [row[0] for row in rows[1:]] == shown
    assert client.get(url, {"sort": "-common_goal"}).context["sorting"].key == "name"


@pytest.mark.parametrize("n", [1, 3])
def test_materials_list_sorted_queries_constant(client, world, django_assert_num_queries, n):
    _in_support(n, None)
    client.force_login(world.staff)
    # session, user, count, the page's partnerships, the recent dispatches, roles
    with django_assert_num_queries(6):
        response = client.get(reverse("support:materials_list"), {"sort": "animator"})
    assert len(response.context["page"]) == n + 2  # and the world's two
