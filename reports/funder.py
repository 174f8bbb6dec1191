"""The report for the funder: the dashboard's figures for one PRB round, as PDF and XLSX."""

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from partnerships.enums import Round
from portal import figures
from portal.spreadsheets import Sheet
from reports import selectors


def hours(minutes: int) -> float:
    return round((minutes or 0) / 60, 2)


def report(round_number: int) -> dict:
    """Every figure of the dashboard for the round and every event's (a fixed number of
    queries, kept per version of the data: ``portal.figures``)."""
    filters = selectors.Filters(round=round_number)
    data = selectors.dashboard(filters)
    data["events"] = figures.cached(
        ("reports.funder.events", filters),
        lambda: list(selectors.events_with_registrations(filters)),
    )
    data["round_label"] = Round(round_number).label
    data["round"] = round_number
    data["generated_at"] = timezone.localtime()
    column = [r for r, _label in Round.choices].index(round_number)
    data["status_rows"] = [
        (row["label"], row["counts"][column]) for row in data["status_by_round"]["rows"]
    ]
    return data


def figures_html(round_number: int) -> str:
    """The report's tables as HTML (the page shows them), rendered once per version of the
    data and language: every event and animator of the round is a row, hundreds at the
    bench's data set XL."""

    def render():
        return render_to_string("reports/_funder_figures.html", {"report": report(round_number)})

    return figures.cached(("reports.funder_html", round_number, translation.get_language()), render)


def sheets(data: dict) -> list:
    """The report's worksheets for ``portal.spreadsheets.xlsx_response``."""
    coverage, totals, part = data["coverage"], data["hours_totals"], data["participation"]
    summary = [
        (_("PRB round"), str(data["round_label"])),
        (_("Generated"), data["generated_at"]),
        (_("Partnerships"), data["status_by_round"]["total"]),
        (_("Partnerships (not withdrawn)"), coverage["total"]),
        (_("With a public partner"), coverage["public"]),
        (_("With a social partner"), coverage["social"]),
        (_("With a business partner"), coverage["business"]),
        (_("All three sectors"), coverage["full"]),
        (_("Diagnosis done"), totals["diagnosed"]),
        (_("First meeting held"), totals["meeting_1"]),
        (_("Second meeting held"), totals["meeting_2"]),
        (_("Support hours used"), hours(totals["used"])),
        (_("Support hours budgeted"), hours(totals["budget"])),
        (_("Diagnosis hours (before support, outside the budget)"), hours(totals["diagnosis"])),
        (_("Attended a study visit"), part["visit"]),
        (_("Attended the seminar"), part["seminar"]),
        (_("Active in every form of support"), part["all_forms"]),
    ]
    summary += [(str(label), count) for _code, label, count in data["behind_counts"]]
    return [
        Sheet(_("Summary"), [_("Figure"), _("Value")], summary, widths=(45, 20)),
        Sheet(
            _("Status"),
            [_("Status"), _("Partnerships")],
            [(str(label), count) for label, count in data["status_rows"]],
        ),
        Sheet(
            _("Hours by animator"),
            [
                _("Animator"),
                _("Partnerships"),
                _("Hours used"),
                _("Diagnosis hours"),
                _("Hours budgeted"),
            ],
            [
                (
                    row["name"],
                    row["partnerships"],
                    hours(row["used"]),
                    hours(row["diagnosis"]),
                    hours(row["budget"]),
                )
                for row in data["hours_by_animator"]
            ],
        ),
        Sheet(
            _("Events"),
            [
                _("Event"),
                _("Kind"),
                _("First day"),
                _("Seats"),
                _("Seats taken"),
                _("Registrations of the round"),
                _("People of the round"),
                _("Attended"),
            ],
            [
                (
                    e.title,
                    str(e.get_kind_display()),
                    e.starts_on,
                    e.capacity,
                    e.seats_taken,
                    e.registrations_count,
                    e.people_count,
                    e.attended_count,
                )
                for e in data["events"]
            ],
        ),
    ]
