"""The streaming XLSX writer, read back with openpyxl."""

import datetime

from openpyxl import load_workbook

from portal import xlsx


def test_write_types_read_back(tmp_path):
    path = tmp_path / "x.xlsx"
    moment = datetime.datetime(2026, 11, 25, 14, 30)
    with path.open("wb") as handle:
        xlsx.write(
            handle,
            [
                (
                    "Sesje: [1/2]",
                    ["Tekst", "Liczba", "Data", "Czas", "Tak", "Puste"],
                    [
                        (
                            "Zażółć <gęślą> & \x07jaźń",
                            42,
                            datetime.date(2026, 1, 31),
                            moment,
                            True,
                            None,
                        ),
                        ("=1+1", 1.5, None, None, False, ""),
                    ],
                ),
                ("Sesje: [1/2]", ["A"], [("drugi",)]),
            ],
        )
    workbook = load_workbook(path)
    assert workbook.sheetnames == ["Sesje 1 2", "Sesje 1 2 (2)"]
    sheet = workbook.worksheets[0]
    assert sheet["A1"].font.b
    assert [c.value for c in sheet[2]] == [
        "Zażółć <gęślą> & jaźń",
        42,
        datetime.datetime(2026, 1, 31),
        moment,
        True,
        None,
    ]
    assert sheet["C2"].is_date and sheet["D2"].is_date
    assert [c.value for c in sheet[3]][:2] == ["=1+1", 1.5]
    assert sheet["A3"].data_type == "s"  # text, never a formula
    assert workbook.worksheets[1]["A2"].value == "drugi"
