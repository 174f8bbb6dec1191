"""The top bar's search (``portal.search``, the apps' ``search_*`` selectors): Polish letters
optional, ranked, scoped to what the user may see, a constant number of queries."""

import pytest
from django.db import connection
from django.urls import reverse

from partnerships.enums import Voivodeship
from portal import search
from tests.factories import (
    ApplicationFactory,
    EventFactory,
    InstitutionFactory,
    LibraryFactory,
    PartnerFactory,
    PartnershipFactory,
    PersonFactory,
)

URL = reverse("search")


def _titles(response, kind):
    for group in response.context["groups"]:
        if group["source"].key == kind:
            return [hit.title for hit in group["hits"]]
    return None


def test_fold_removes_polish_letters_and_case():
    assert search.fold("Łódź ŻÓŁĆ gęślą jaźń") == "lodz zolc gesla jazn"


def test_database_fold_matches_python_fold(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT portal_fold(%s)", ["Zażółć GĘŚLĄ jaźń, Łódź"])
        assert cursor.fetchone()[0] == search.fold("Zażółć GĘŚLĄ jaźń, Łódź")


def test_search_without_polish_letters_finds_lodz(client, world):
    library = LibraryFactory(name="Miejska Biblioteka Publiczna", commune="Łódź")
    PartnershipFactory(name="Łódzkie Czytanie", lead_library=library)
    client.force_login(world.staff)
    response = client.get(URL, {"q": "Lodz"})
    assert response.status_code == 200
    assert _titles(response, "partnerstwa") == ["Łódzkie Czytanie"]
    assert _titles(response, "instytucje") == ["Miejska Biblioteka Publiczna"]


def test_search_by_voivodeship_and_email(client, world):
    InstitutionFactory(name="Urząd Gminy Śląsk", voivodeship=Voivodeship.SLASKIE, email="ug@x.pl")
    PersonFactory(partnership=world.partnership_a, email="jan.zielinski@gok.pl")
    client.force_login(world.staff)
    assert _titles(client.get(URL, {"q": "śląskie"}), "instytucje") == ["Urząd Gminy Śląsk"]
    people = _titles(client.get(URL, {"q": "zielinski@gok"}), "osoby")
    assert len(people) == 1


def test_search_ranks_the_closer_name_first(client, world):
    PartnershipFactory(name="Partnerstwo dla Czytelnictwa w Gminie Koło")
    PartnershipFactory(name="Koło")
    client.force_login(world.staff)
    titles = _titles(client.get(URL, {"q": "kolo"}), "partnerstwa")
    assert titles[0] == "Koło"


def test_search_several_words_in_any_order(client, world):
    PersonFactory(partnership=world.partnership_a, first_name="Zofia", last_name="Żak")
    client.force_login(world.staff)
    titles = _titles(client.get(URL, {"q": "zak zofia"}), "osoby")
    assert titles == ["Zofia Żak"]


def test_search_finds_events_and_applications_for_staff(client, world):
    EventFactory(title="Wizyta studyjna w Gdańsku")
    ApplicationFactory(status="submitted", submitted_at="2026-11-20T10:00Z")
    client.force_login(world.staff)
    assert _titles(client.get(URL, {"q": "gdansk"}), "wydarzenia") == ["Wizyta studyjna w Gdańsku"]
    assert _titles(client.get(URL, {"q": "lacku"}), "zgloszenia") == [
        "Gminna Biblioteka Publiczna w Łącku"
    ]


def test_each_hit_opens_its_page(client, world):
    person = PersonFactory(partnership=world.partnership_a, last_name="Brzęczyszczykiewicz")
    client.force_login(world.staff)
    response = client.get(URL, {"q": "brzeczyszczykiewicz"})
    [group] = [g for g in response.context["groups"] if g["count"]]
    hit = group["hits"][0]
    assert hit.url == reverse("partnership_detail", args=[person.partnership_id]) + (
        f"#person-{person.pk}"
    )
    assert client.get(hit.url.split("#")[0]).status_code == 200


def test_animator_finds_only_within_their_partnerships(client, world):
    PersonFactory(partnership=world.partnership_a, last_name="Wspólna")
    PersonFactory(partnership=world.partnership_b, last_name="Wspólna")
    other = PartnerFactory(
        partnership=world.partnership_b, institution=InstitutionFactory(name="Fundacja Obca")
    )
    client.force_login(world.animator_a)
    response = client.get(URL, {"q": "wspolna"})
    people = [g for g in response.context["groups"] if g["source"].key == "osoby"][0]
    assert people["count"] == 1
    assert people["hits"][0].url.startswith(
        reverse("partnership_detail", args=[world.partnership_a.pk])
    )
    assert _titles(client.get(URL, {"q": other.institution.name}), "instytucje") == []
    # Applications are staff's only: the kind is not even offered.
    assert _titles(response, "zgloszenia") is None


def test_leader_does_not_find_another_partnership(client, world):
    client.force_login(world.leader_a)
    response = client.get(URL, {"q": "Partnerstwo"})
    assert _titles(response, "partnerstwa") == ["Partnerstwo A"]


def test_empty_query_explains_what_to_type(client, world):
    client.force_login(world.staff)
    response = client.get(URL)
    assert response.status_code == 200
    assert "Wpisz, czego szukasz" in response.content.decode()


def test_one_letter_query_is_refused_with_a_message(client, world):
    client.force_login(world.staff)
    response = client.get(URL, {"q": "ł"})
    assert response.status_code == 400
    assert "Wpisz co najmniej 2 litery." in response.content.decode()


def test_no_results_says_so(client, world):
    client.force_login(world.staff)
    response = client.get(URL, {"q": "xyzzy-nic-takiego"})
    assert response.status_code == 200
    assert "Nic nie pasuje do „xyzzy-nic-takiego”" in response.content.decode()


def test_query_with_tsquery_syntax_is_harmless(client, world):
    client.force_login(world.staff)
    for query in ("a & | ! ( :* '", "'; drop table x; --", "%_\\"):
        assert client.get(URL, {"q": query}).status_code in (200, 400)


def test_one_kind_is_paginated(client, world, settings):
    settings.PAGINATE_BY = 2
    for n in range(3):
        PartnershipFactory(name=f"Wspólne Działanie {n}")
    client.force_login(world.staff)
    response = client.get(URL, {"q": "wspolne dzialanie", "rodzaj": "partnerstwa", "page": 2})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 3
    assert [hit.title for hit in response.context["hits"]] == ["Wspólne Działanie 2"]


@pytest.mark.parametrize("n", [1, 3])
def test_search_queries_constant(client, world, django_assert_num_queries, n):
    for i in range(n):
        library = LibraryFactory(name=f"Biblioteka w Łodzi {i}", commune="Łódź")
        partnership = PartnershipFactory(name=f"Łódź czyta {i}", lead_library=library)
        PersonFactory(partnership=partnership, last_name=f"Łódzki {i}")
        EventFactory(title=f"Wizyta w Łodzi {i}")
        ApplicationFactory(
            status="submitted", submitted_at="2026-11-20T10:00Z", library_commune="Łódź"
        )
    client.force_login(world.staff)
    # session, user, roles; a count and the best hits of each of the five kinds
    with django_assert_num_queries(13):
        response = client.get(URL, {"q": "lodz"})
    counts = {g["source"].key: g["count"] for g in response.context["groups"]}
    assert counts == {
        "partnerstwa": n,
        "instytucje": n,
        "osoby": n,
        "zgloszenia": n,
        "wydarzenia": n,
    }


def test_counts_stop_at_the_cap_and_say_more(client, world, monkeypatch):
    monkeypatch.setattr(search, "COUNT_CAP", 2)
    for n in range(3):
        PartnershipFactory(name=f"Zielone Sąsiedztwo {n}")
    client.force_login(world.staff)
    response = client.get(URL, {"q": "sasiedztwo"})
    [group] = [g for g in response.context["groups"] if g["source"].key == "partnerstwa"]
    assert (group["count"], group["more"]) == (2, True)
    html = response.content.decode()
    assert "Ponad 2 wyniki pasują do „sasiedztwo”" in html
    assert "Pokaż wszystkie wyniki: partnerstwa" in html
    # The kind's own page counts them all.
    response = client.get(URL, {"q": "sasiedztwo", "rodzaj": "partnerstwa"})
    assert response.context["page"].paginator.count == 3
