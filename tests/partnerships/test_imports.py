"""The programme import (partnerships/imports.py and its pages): real XLSX files written by
openpyxl and CSV files in the Polish Excel dialect, read back through the upload, the preview
and the confirmation."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from partnerships import imports
from partnerships.models import Institution, Partner, Partnership, Person
from tests.factories import InstitutionFactory, LibraryFactory, PartnershipFactory, PersonFactory

# The Polish headers of the template file, in its order.
HEADER = [
    "Partnerstwo",
    "Runda PRB",
    "Wspólny cel",
    "Biblioteka wiodąca",
    "Instytucja",
    "Sektor",
    "Rodzaj instytucji",
    "Gmina",
    "Województwo",
    "Adres",
    "E-mail instytucji",
    "Telefon instytucji",
    "Wkład",
    "Korzyść",
    "Imię",
    "Nazwisko",
    "Stanowisko",
    "E-mail osoby",
    "Telefon osoby",
    "Zgoda na przetwarzanie danych",
]
LIBRARY = {
    "Partnerstwo": "Razem dla Łącka",
    "Runda PRB": "I",
    "Wspólny cel": "Czytanie łączy pokolenia",
    "Biblioteka wiodąca": "tak",
    "Instytucja": "Gminna Biblioteka Publiczna w Łącku",
    "Sektor": "publiczny",
    "Rodzaj instytucji": "biblioteka",
    "Gmina": "Łąck",
    "Województwo": "małopolskie",
    "Adres": "Łąck 1",
    "E-mail instytucji": "biblioteka@lack.example.pl",
    "Wkład": "Sala i księgozbiór",
    "Korzyść": "Nowi czytelnicy",
    "Imię": "Anna",
    "Nazwisko": "Nowak",
    "Stanowisko": "dyrektorka",
    "E-mail osoby": "Anna.Nowak@example.pl",
    "Zgoda na przetwarzanie danych": "tak",
}
ROWS = [
    LIBRARY,
    # the same library, a second person; the common goal is read from the first lead row
    {
        **LIBRARY,
        "Wspólny cel": "",
        "Imię": "Jan",
        "Nazwisko": "Kowalski",
        "E-mail osoby": "jan@example.pl",
    },
    {
        "Partnerstwo": "Razem dla Łącka",
        "Runda PRB": "1",
        "Instytucja": "Stowarzyszenie Razem",
        "Sektor": "społeczny",
        "Rodzaj instytucji": "organizacja pozarządowa",
        "Gmina": "Łąck",
        "Województwo": "Województwo małopolskie",
        "Wkład": "Wolontariusze",
        "Korzyść": "Doświadczenie",
    },
    {
        "Partnerstwo": "Razem dla Łącka",
        "Runda PRB": "I",
        "Biblioteka wiodąca": "nie",
        "Instytucja": "Piekarnia Kłos",
        "Sektor": "gospodarczy",
        "Rodzaj instytucji": "firma",
        "Gmina": "Łąck",
        "Województwo": "malopolskie",
        "Telefon instytucji": 180001122,
        "Wkład": "Poczęstunek",
        "Korzyść": "Promocja",
        "Imię": "Ewa",
        "Nazwisko": "Kłos",
        "E-mail osoby": "ewa@piekarnia.example.pl",
        "Zgoda na przetwarzanie danych": "TAK",
    },
]


def xlsx_file(rows, header=HEADER, name="dane.xlsx"):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append([row.get(column) for column in header])
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def csv_file(rows, header=HEADER, name="dane.csv"):
    """As a Polish Excel saves "CSV UTF-8": semicolons, a byte-order mark, CRLF."""
    lines = [";".join(header)]
    for row in rows:
        lines.append(";".join(str(row.get(column, "")) for column in header))
    return SimpleUploadedFile(name, ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8"))


def counts():
    return (
        Institution.objects.count(),
        Partnership.objects.count(),
        Partner.objects.count(),
        Person.objects.count(),
    )


def upload(client, file):
    return client.post(reverse("programme_import"), {"file": file})


def confirm(client, response):
    return client.post(reverse("programme_import_confirm"), {"token": response.context["token"]})


def row_errors(response):
    return {row.number: row.errors for row in response.context["report"].rows if row.errors}


@pytest.fixture
def staff_client(client, world):
    client.force_login(world.staff)
    return client


@pytest.mark.parametrize("make_file", [xlsx_file, csv_file], ids=["xlsx", "csv"])
def test_import_creates_institutions_partnership_partners_and_people(
    staff_client, world, make_file
):
    before = counts()
    preview = upload(staff_client, make_file(ROWS))
    assert preview.status_code == 200
    assert counts() == before  # the preview saves nothing
    assert preview.context["report"].counts == [
        ("Instytucje", 3, 0, 0),
        ("Partnerstwa", 1, 0, 0),
        ("Partnerzy", 3, 0, 0),
        ("Osoby", 3, 0, 0),
    ]

    response = confirm(staff_client, preview)

    assert response.status_code == 302
    assert counts() == (before[0] + 3, before[1] + 1, before[2] + 3, before[3] + 3)
    partnership = Partnership.objects.get(name="Razem dla Łącka")
    assert partnership.round == 1
    assert partnership.common_goal == "Czytanie łączy pokolenia"
    assert partnership.lead_library.name == "Gminna Biblioteka Publiczna w Łącku"
    assert partnership.lead_library.voivodeship == "malopolskie"
    assert sorted(partnership.partners.values_list("institution__sector", flat=True)) == [
        "business",
        "public",
        "social",
    ]
    assert sorted(partnership.people.values_list("email", flat=True)) == [
        "anna.nowak@example.pl",
        "ewa@piekarnia.example.pl",
        "jan@example.pl",
    ]
    assert Institution.objects.get(name="Piekarnia Kłos").phone == "180001122"
    assert Person.objects.get(email="ewa@piekarnia.example.pl").institution.name == (
        "Piekarnia Kłos"
    )
    page = staff_client.get(response.url)
    assert page.context["result"] == [list(row) for row in preview.context["report"].counts]


@pytest.mark.parametrize("make_file", [xlsx_file, csv_file], ids=["xlsx", "csv"])
def test_second_import_of_the_same_file_changes_nothing(staff_client, world, make_file):
    confirm(staff_client, upload(staff_client, make_file(ROWS)))
    before = counts()
    history = Person.history.count() + Institution.history.count() + Partner.history.count()

    preview = upload(staff_client, make_file(ROWS))
    assert preview.context["report"].counts == [
        ("Instytucje", 0, 0, 3),
        ("Partnerstwa", 0, 0, 1),
        ("Partnerzy", 0, 0, 3),
        ("Osoby", 0, 0, 3),
    ]
    assert "bez zmian" in preview.content.decode()
    assert confirm(staff_client, preview).status_code == 302

    assert counts() == before
    assert Person.history.count() + Institution.history.count() + Partner.history.count() == history


def test_import_updates_a_changed_person_and_keeps_the_rest(staff_client, world):
    confirm(staff_client, upload(staff_client, xlsx_file(ROWS)))
    changed = [{**ROWS[0], "Stanowisko": "kierowniczka"}, *ROWS[1:]]

    preview = upload(staff_client, xlsx_file(changed))

    assert preview.context["report"].counts[3] == ("Osoby", 0, 1, 2)
    confirm(staff_client, preview)
    assert Person.objects.get(email="anna.nowak@example.pl").position == "kierowniczka"


def test_import_matches_an_existing_institution_by_name_commune_and_voivodeship(
    staff_client, world
):
    library = LibraryFactory(
        name="Gminna Biblioteka Publiczna w Łącku",
        commune="Łąck",
        voivodeship="malopolskie",
        address="Łąck 1",
        email="biblioteka@lack.example.pl",
        phone="",
    )
    confirm(staff_client, upload(staff_client, xlsx_file(ROWS)))
    assert Partnership.objects.get(name="Razem dla Łącka").lead_library == library


def test_import_links_the_leaders_account_through_the_person_service(staff_client, world):
    leader = world.leader_a
    partnership = world.partnership_a
    row = {
        **LIBRARY,
        "Partnerstwo": partnership.name,
        "Runda PRB": str(partnership.round),
        "Instytucja": partnership.lead_library.name,
        "Gmina": partnership.lead_library.commune,
        "Województwo": partnership.lead_library.voivodeship,
        "Rodzaj instytucji": "biblioteka",
        "E-mail osoby": leader.email,
    }
    Person.objects.filter(partnership=partnership, user=leader).delete()

    confirm(staff_client, upload(staff_client, xlsx_file([row])))

    assert Person.objects.get(partnership=partnership, email=leader.email).user == leader


def _refused(client, file, *, status=400):
    before = counts()
    response = upload(client, file)
    assert response.status_code == status
    assert counts() == before
    return response


def test_import_refuses_a_file_that_is_not_a_spreadsheet(staff_client, world):
    response = _refused(staff_client, SimpleUploadedFile("dane.xlsx", b"%PDF-1.4 not a sheet"))
    assert response.context["form"].errors["file"] == [
        "Zawartość pliku nie jest skoroszytem XLSX, niezależnie od jego nazwy."
    ]
    response = _refused(staff_client, SimpleUploadedFile("dane.pdf", b"%PDF-1.4"))
    assert "Wgraj plik XLSX albo CSV" in response.context["form"].errors["file"][0]
    response = _refused(staff_client, SimpleUploadedFile("dane.csv", b"\x00\x01\x02binary"))
    assert "Nie udało się odczytać pliku jako arkusza" in response.context["form"].errors["file"][0]


def test_import_refuses_a_missing_or_unknown_column(staff_client, world):
    header = [name for name in HEADER if name != "Gmina"] + ["Powiat"]
    response = _refused(staff_client, csv_file(ROWS, header=header))
    errors = response.context["form"].errors["file"]
    assert "Brakuje w pliku kolumn: Gmina." in errors
    assert "Import nie zna kolumn: Powiat." in errors


def test_import_refuses_a_file_with_no_rows(staff_client, world):
    response = _refused(staff_client, xlsx_file([]))
    assert response.context["form"].errors["file"] == [
        "Plik nie ma wierszy z danymi pod nagłówkiem."
    ]


@pytest.mark.parametrize(
    ("change", "row", "message"),
    [
        (
            {"Województwo": "mazurskie"},
            2,
            "Województwo: Nie ma województwa „mazurskie”. Wpisz jedno z: dolnośląskie,",
        ),
        (
            {"Gmina": "12-345"},
            2,
            "Gmina: „12-345” nie jest nazwą gminy: wpisz gminę tak, jak nazywa ją rejestr "
            "TERYT, literami.",
        ),
        ({"Gmina": ""}, 2, "Gmina: To pole nie może być puste."),
        (
            {"Sektor": "prywatny"},
            2,
            "Sektor: „prywatny” nie jest sektorem. Wpisz jeden z: publiczny, społeczny, "
            "gospodarczy.",
        ),
        ({"Runda PRB": "III"}, 2, "Runda PRB: „III” nie jest rundą PRB: wpisz I albo II."),
        (
            {"Zgoda na przetwarzanie danych": ""},
            2,
            "Zgoda na przetwarzanie danych: Dodaj osobę dopiero wtedy, gdy wyrazi zgodę na "
            "przetwarzanie jej danych osobowych.",
        ),
        (
            {"Rodzaj instytucji": "szkoła"},
            2,
            "Biblioteka wiodąca: Biblioteka wiodąca musi być instytucją rodzaju „biblioteka”.",
        ),
        ({"E-mail osoby": "anna@"}, 2, "E-mail osoby: Wprowadź poprawny adres email."),
        (
            {"Zgoda na przetwarzanie danych": "może"},
            2,
            "Zgoda na przetwarzanie danych: „może” nie znaczy ani tak, ani nie: wpisz „tak” "
            "albo zostaw puste pole.",
        ),
        (
            {"Biblioteka wiodąca": "chyba"},
            2,
            "Biblioteka wiodąca: „chyba” nie znaczy ani tak, ani nie",
        ),
        ({"Wspólny cel": ""}, 2, "Wspólny cel: To pole nie może być puste."),
    ],
    ids=[
        "voivodeship",
        "commune",
        "no-commune",
        "sector",
        "round",
        "consent",
        "lead-kind",
        "email",
        "consent-value",
        "lead-value",
        "no-goal",
    ],
)
def test_import_shows_each_rows_error_in_polish_and_saves_nothing(
    staff_client, world, change, row, message
):
    rows = [{**ROWS[0], **change}, *ROWS[1:]]
    before = counts()
    preview = upload(staff_client, xlsx_file(rows))
    assert preview.status_code == 400
    assert counts() == before
    errors = row_errors(preview)
    assert any(error.startswith(message) for error in errors[row]), errors
    assert preview.context["token"] == ""  # nothing waits for a confirmation
    assert "Importuj dane" not in preview.content.decode()  # no confirmation with errors
    assert message.split(": ", 1)[1][:30] in preview.content.decode().replace("&quot;", '"')


def test_import_refuses_a_duplicate_email_within_the_file(staff_client, world):
    rows = [*ROWS, {**ROWS[3], "Imię": "Ewelina", "E-mail osoby": "EWA@piekarnia.example.pl"}]
    preview = _refused(staff_client, xlsx_file(rows))
    assert row_errors(preview) == {
        6: ["E-mail osoby: Ten sam adres e-mail jest już w wierszu 5 pliku."]
    }


def test_import_refuses_an_email_of_another_institutions_person(staff_client, world):
    other = PersonFactory(
        email="jan@example.pl",
        first_name="Jan",
        last_name="Inny",
        partnership=world.partnership_b,
        institution=world.partnership_b.lead_library,
    )
    preview = _refused(staff_client, csv_file(ROWS))
    assert row_errors(preview) == {
        3: [
            "E-mail osoby: Adres jan@example.pl ma już Jan Inny z innej instytucji "
            f"({other.institution})."
        ]
    }


def test_import_refuses_a_partner_row_of_an_unknown_partnership(staff_client, world):
    preview = _refused(staff_client, xlsx_file(ROWS[2:]))
    errors = row_errors(preview)
    assert errors[2] == [
        "Partnerstwo: Nie ma partnerstwa „Razem dla Łącka” (I runda) ani w portalu, ani "
        "w pliku: oznacz wiersz jego biblioteki wiodącej słowem „tak” w kolumnie „Biblioteka "
        "wiodąca”."
    ]


def test_import_refuses_a_second_lead_library_of_one_partnership(staff_client, world):
    rows = [*ROWS, {**ROWS[2], "Biblioteka wiodąca": "tak", "Instytucja": "Inna biblioteka"}]
    preview = _refused(staff_client, xlsx_file(rows))
    assert row_errors(preview)[6] == [
        "Biblioteka wiodąca: Partnerstwo ma już bibliotekę wiodącą w wierszu 2."
    ]


def test_import_refuses_another_lead_library_of_an_existing_partnership(staff_client, world):
    PartnershipFactory(name="Razem dla Łącka", round=1, lead_library=LibraryFactory())
    preview = _refused(staff_client, xlsx_file(ROWS))
    assert row_errors(preview)[2][0].startswith(
        "Biblioteka wiodąca: Partnerstwo „Razem dla Łącka” ma już w portalu inną bibliotekę"
    )


def test_confirm_checks_the_rows_again_and_saves_nothing_when_they_fail(staff_client, world):
    preview = upload(staff_client, xlsx_file(ROWS))
    # Meanwhile someone else adds Jan, at another institution.
    PersonFactory(email="jan@example.pl", partnership=world.partnership_b)
    before = counts()

    response = confirm(staff_client, preview)

    assert response.status_code == 400
    assert counts() == before
    assert 3 in row_errors(response)


def test_confirm_of_an_unknown_or_used_token_says_to_upload_again(staff_client, world):
    preview = upload(staff_client, xlsx_file(ROWS))
    confirm(staff_client, preview)
    before = counts()
    response = confirm(staff_client, preview)  # a second click
    assert response.status_code == 302
    assert counts() == before
    for token in ("../../settings.py", "0" * 32 + ".xlsx"):
        response = staff_client.post(
            reverse("programme_import_confirm"), {"token": token}, follow=True
        )
        assert "Przesłany plik już nie czeka" in response.content.decode()


def test_import_pages_are_for_staff_only(client, world):
    client.force_login(world.leader_a)
    assert upload(client, xlsx_file(ROWS)).status_code == 403
    assert client.post(reverse("programme_import_confirm"), {"token": "x"}).status_code == 403
    assert counts()[1] == 2


def test_template_file_has_the_columns_and_an_example_row_that_imports(staff_client, world):
    response = staff_client.get(reverse("programme_import_template"))
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADER
    assert len(rows) == 2
    assert book.worksheets[1].title == "Kolumny"

    preview = upload(staff_client, SimpleUploadedFile("wzor.xlsx", data))
    assert preview.status_code == 200, row_errors(preview)
    assert [count[1] for count in preview.context["report"].counts] == [1, 1, 1, 1]


def test_csv_in_windows_1250_with_commas_is_read(staff_client, world):
    lines = [",".join(HEADER)] + [",".join(str(row.get(c, "")) for c in HEADER) for row in ROWS]
    file = SimpleUploadedFile("dane.csv", "\r\n".join(lines).encode("cp1250"))
    preview = upload(staff_client, file)
    assert preview.status_code == 200, row_errors(preview)


def test_english_headers_are_recognised(staff_client, world):
    from django.utils import translation

    with translation.override("en"):
        english = [str(column.label) for column in imports.COLUMNS]
    rows = [dict(zip(english, (row.get(name) for name in HEADER), strict=True)) for row in ROWS]
    preview = upload(staff_client, xlsx_file(rows, header=english))
    assert preview.status_code == 200, row_errors(preview)


def test_kept_files_older_than_a_day_are_forgotten(staff_client, world, settings):
    import datetime
    import os

    preview = upload(staff_client, xlsx_file(ROWS))
    path = settings.MEDIA_ROOT / imports.KEPT_FOLDER / preview.context["token"]
    old = (datetime.datetime.now() - datetime.timedelta(days=2)).timestamp()
    os.utime(path, (old, old))
    imports.forget_old()
    assert not path.exists()
    InstitutionFactory()  # unrelated: the folder stays usable
    assert upload(staff_client, xlsx_file(ROWS)).status_code == 200


def test_a_file_with_errors_is_not_kept_and_a_confirmed_one_is_deleted(
    staff_client, world, settings
):
    folder = settings.MEDIA_ROOT / imports.KEPT_FOLDER
    upload(staff_client, xlsx_file([{**ROWS[0], "Gmina": "1"}]))
    assert not folder.exists() or not list(folder.iterdir())
    preview = upload(staff_client, xlsx_file(ROWS))
    assert [path.name for path in folder.iterdir()] == [preview.context["token"]]
    confirm(staff_client, preview)
    assert not list(folder.iterdir())


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_imports_of_one_file_at_once_create_each_row_once(world):
    """The advisory lock: without it both transactions find no institution and create it."""
    from django.db import connection

    from tests.support.test_concurrency import _race

    data = xlsx_file(ROWS).read()

    def run():
        dataset = imports.dataset_from_bytes(data, "xlsx")
        report = imports.programme_import(dataset=dataset, actor=world.staff, commit=True)
        assert report.committed
        connection.close()

    assert _race(4, run) == ["accepted"] * 4
    assert Institution.objects.filter(name="Piekarnia Kłos").count() == 1
    assert Partnership.objects.filter(name="Razem dla Łącka").count() == 1
    assert Person.objects.filter(email="jan@example.pl").count() == 1
