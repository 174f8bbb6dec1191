"""The platform's one writer of spreadsheets and CSV files, read back with readers it did not
write: openpyxl for XLSX, Python's csv module with the dialect of a Polish Excel."""

import csv
import datetime
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from portal import spreadsheets
from portal.spreadsheets import Sheet

UTC = datetime.UTC
WARSAW = ZoneInfo("Europe/Warsaw")


class PolishExcel(csv.excel):
    """What a Polish Excel reads on a double click: the list separator is a semicolon."""

    delimiter = ";"


def _workbook(sheets):
    handle = spreadsheets.write_xlsx(sheets)
    return load_workbook(io.BytesIO(handle.read()))


def _people_csv(header, rows) -> tuple[bytes, list[list[str]]]:
    raw = b"".join(spreadsheets.csv_lines(header, rows))
    return raw, list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), PolishExcel))


def _data_csv(header, rows) -> tuple[bytes, list[list[str]]]:
    raw = b"".join(spreadsheets.csv_lines(header, rows, dialect=spreadsheets.DATA))
    return raw, list(csv.reader(io.StringIO(raw.decode("utf-8"))))


FORMULAS = ["=1+1", '=HYPERLINK("http://zło.example","kliknij")', "+48 600", "-2", "@SUM(A1)"]


def test_xlsx_text_that_looks_like_a_formula_stays_text():
    sheet = _workbook([Sheet("Dane", ["Tekst"], [(value,) for value in FORMULAS])]).active
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert [c.value for c in cells] == FORMULAS
    assert {c.data_type for c in cells} == {"s"}  # never "f"


def test_xlsx_aware_datetime_is_warsaw_time():
    winter = datetime.datetime(2026, 11, 30, 8, 44, tzinfo=UTC)
    summer = datetime.datetime(2026, 7, 1, 8, 44, tzinfo=UTC)
    sheet = _workbook([Sheet("Czasy", ["Kiedy"], [(winter,), (summer,)])]).active
    values = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert values == [datetime.datetime(2026, 11, 30, 9, 44), datetime.datetime(2026, 7, 1, 10, 44)]


def test_xlsx_numbers_are_numbers_and_dates_are_dates():
    row = (7, 4.5, Decimal("12.25"), datetime.date(2026, 11, 30), True, None, "tekst")
    sheet = _workbook([Sheet("Typy", list("ABCDEFG"), [row])]).active
    cells = list(sheet.iter_rows(min_row=2))[0]
    assert [c.value for c in cells[:5]] == [7, 4.5, 12.25, datetime.datetime(2026, 11, 30), True]
    assert [c.data_type for c in cells[:5]] == ["n", "n", "n", "d", "b"]
    assert cells[3].number_format == "yyyy-mm-dd"
    assert cells[5].value is None and cells[6].value == "tekst"


def test_xlsx_header_row_is_bold_and_frozen():
    sheet = _workbook([Sheet("Dane", ["Imię", "Nazwisko"], [("Żaneta", "Łęcka")])]).active
    assert sheet.freeze_panes == "A2"
    assert [c.value for c in sheet[1]] == ["Imię", "Nazwisko"]
    assert all(c.font.b for c in sheet[1])


def test_xlsx_sheet_names_are_cut_between_words_and_unique():
    long = "Partnerstwa z partnerami i sektorami"  # 36 characters, Excel allows 31
    workbook = _workbook([Sheet(long, ["A"], []), Sheet(long, ["A"], []), Sheet("A/B", ["A"], [])])
    assert workbook.sheetnames == [
        "Partnerstwa z partnerami i",
        "Partnerstwa z partnerami i (2)",
        "A B",
    ]
    assert all(len(name) <= 31 for name in workbook.sheetnames)


def test_xlsx_drops_characters_xml_cannot_carry():
    sheet = _workbook([Sheet("Dane", ["A"], [("a\x00b\x0bc",)])]).active
    assert sheet["A2"].value == "abc"


def test_people_csv_opens_in_polish_excel():
    moment = datetime.datetime(2026, 11, 30, 8, 44, tzinfo=UTC)
    raw, rows = _people_csv(
        ["Nazwa", "Średnia", "Kwota", "Dzień", "Kiedy", "Liczba"],
        [("Zażółć; gęślą", 4.5, Decimal("1234.50"), datetime.date(2026, 11, 30), moment, -3)],
    )
    assert raw.startswith("\ufeff".encode())  # UTF-8 with a byte-order mark
    assert rows == [
        ["Nazwa", "Średnia", "Kwota", "Dzień", "Kiedy", "Liczba"],
        ["Zażółć; gęślą", "4,5", "1234,50", "2026-11-30", "2026-11-30 09:44", "-3"],
    ]


def test_people_csv_never_starts_a_cell_with_a_formula():
    _raw, rows = _people_csv(["Tekst"], [(value,) for value in FORMULAS])
    assert [row[0] for row in rows[1:]] == ["'" + value for value in FORMULAS]


def test_data_csv_uses_commas_and_decimal_points():
    moment = datetime.datetime(2026, 7, 1, 8, 44, tzinfo=UTC)
    raw, rows = _data_csv(["a", "b", "c", "d"], [(4.5, Decimal("1.25"), moment, "x, y")])
    assert not raw.startswith("\ufeff".encode())
    assert rows == [["a", "b", "c", "d"], ["4.5", "1.25", "2026-07-01T10:44:00+02:00", "x, y"]]


def test_csv_and_xlsx_show_the_same_local_time():
    moment = datetime.datetime(2026, 11, 30, 8, 44, 59, tzinfo=UTC)
    _raw, rows = _people_csv(["Kiedy"], [(moment,)])
    sheet = _workbook([Sheet("Czasy", ["Kiedy"], [(moment,)])]).active
    local = moment.astimezone(WARSAW)
    assert rows[1][0] == local.strftime("%Y-%m-%d %H:%M")
    assert sheet["A2"].value.strftime("%Y-%m-%d %H:%M") == rows[1][0]
