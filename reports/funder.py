"""The report for the funder: the dashboard's figures for one PRB round, as PDF and XLSX."""

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from evaluations import selectors as evaluation_selectors
from evaluations.enums import RATINGS
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
    # §1.1 "ewaluacja": each event's survey results (five queries for all the events).
    data["evaluations"] = list(evaluation_selectors.results_for_events(data["events"]).values())
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


def evaluation_rows(data: dict) -> list[tuple]:
    """One row per event and rating question: responses, mean, answers per rating."""
    return [
        (
            result.event.title,
            str(result.event.get_kind_display()),
            result.event.starts_on,
            result.invited,
            result.responses,
            row.question.text,
            round(row.mean, 2) if row.mean is not None else None,
            row.count,
            *(n for _rating, n, _percent in row.distribution),
        )
        for result in data["evaluations"]
        for row in result.ratings
    ]


def open_answer_rows(data: dict) -> list[tuple]:
    return [
        (result.event.title, row.question.text, text)
        for result in data["evaluations"]
        for row in result.open_questions
        for text in row.texts
    ]


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
        Sheet(
            _("Evaluation"),
            [
                _("Event"),
                _("Kind"),
                _("First day"),
                _("Invited"),
                _("Responses"),
                _("Question"),
                _("Mean"),
                _("Answers"),
                *(_("Rating %(rating)d") % {"rating": rating} for rating in RATINGS),
            ],
            evaluation_rows(data),
        ),
        Sheet(
            _("Open answers"),
            [_("Event"), _("Question"), _("Answer")],
            open_answer_rows(data),
            widths=(40, 50, 80),
        ),
    ]
