"""Staff import the programme's data in the browser: the link from the partnership list, a file
with an error shown next to its row, the corrected file's preview, the confirmation and its
counts. The preview pages (answers to a POST, so outside the access table's walk) are checked
by axe-core here, on a desktop and at 360 px."""

import openpyxl
import pytest

from partnerships.models import Partnership, Person
from tests.e2e.conftest import open_as
from tests.e2e.test_accessibility import DESKTOP, PHONE, axe_violations, with_axe
from tests.partnerships.test_imports import HEADER, ROWS

pytestmark = pytest.mark.django_db(transaction=True)


def _xlsx(path, rows):
    book = openpyxl.Workbook()
    book.active.append(HEADER)
    for row in rows:
        book.active.append([row.get(column) for column in HEADER])
    book.save(path)
    return path


def _fits_a_phone(page):
    page.set_viewport_size(PHONE)
    width = page.evaluate("document.documentElement.scrollWidth")
    page.set_viewport_size(DESKTOP)
    return width <= PHONE["width"]


def test_staff_upload_see_the_rows_errors_correct_and_import(browser, live_server, world, tmp_path):
    page = with_axe(open_as(browser, live_server, world.staff, viewport=DESKTOP))
    page.goto("/partnerstwa/")
    page.get_by_role("link", name="Importuj instytucje, partnerstwa i osoby z pliku").click()
    page.get_by_role("heading", name="Import danych programu").wait_for()

    wrong = [{**ROWS[0], "Województwo": "mazurskie"}, *ROWS[1:]]
    page.get_by_label("Plik XLSX lub CSV").set_input_files(_xlsx(tmp_path / "zle.xlsx", wrong))
    page.get_by_role("button", name="Sprawdź plik").click()
    page.get_by_role("heading", name="Podgląd importu").wait_for()
    # the lead library's row is wrong, so the partnership's other rows wait for it
    assert page.get_by_role("alert").inner_text().startswith("4 wiersze mają błędy.")
    error_row = page.get_by_role("row").filter(has_text="Nie ma województwa „mazurskie”")
    assert error_row.get_by_role("rowheader").inner_text() == "2"
    waiting = page.get_by_role("row").filter(has_text="Najpierw popraw wiersz 2")
    assert waiting.count() == 3
    assert page.get_by_role("button", name="Importuj dane").count() == 0
    assert axe_violations(page) == []
    assert _fits_a_phone(page)

    page.get_by_role("link", name="Wgraj poprawiony plik").click()
    page.get_by_label("Plik XLSX lub CSV").set_input_files(_xlsx(tmp_path / "dobre.xlsx", ROWS))
    page.get_by_role("button", name="Sprawdź plik").click()
    page.get_by_role("heading", name="Podgląd importu").wait_for()
    assert page.get_by_role("row", name="Instytucje 3 0 0").is_visible()
    assert not Partnership.objects.filter(name="Razem dla Łącka").exists()
    assert axe_violations(page) == []
    assert _fits_a_phone(page)

    page.get_by_role("button", name="Importuj dane").click()
    page.get_by_text("Plik został zaimportowany.").wait_for()
    assert page.get_by_role("row", name="Osoby 3 0 0").is_visible()
    assert Person.objects.filter(partnership__name="Razem dla Łącka").count() == 3
    assert axe_violations(page) == []
    page.context.close()
