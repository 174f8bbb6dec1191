"""Exports that staff open in a spreadsheet, streamed so that a large one neither times out
nor fills the memory.

CSV: a generator of lines (UTF-8 with a byte-order mark, so Excel reads Polish letters), fed
by ``QuerySet.iterator(chunk_size=…)``; the response is a ``StreamingHttpResponse``.

XLSX: ``portal.xlsx`` writes each row out as it comes (no cells kept in memory) into a
temporary file on disk; the finished file is sent with ``FileResponse`` in blocks and deleted
when the response is closed. (openpyxl's write-only mode was five times too slow for 30,000
sessions; see ``portal/xlsx.py``.)"""

import csv
import datetime
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from events.enums import EventKind, RegistrationStatus
from partnerships.enums import InstitutionKind, PartnershipStatus, Round, Sector, Voivodeship
from portal import hooks, xlsx
from reports import selectors as report_selectors
from support.enums import Channel, SessionKind

CHUNK_SIZE = 2000
BOM = "\ufeff"


@dataclass(frozen=True)
class Export:
    name: str
    label: str
    header: Callable[[], list]
    rows: Callable[..., Iterable[tuple]]  # (filters) -> rows of plain values


def _labels(choices) -> dict:
    return {value: str(label) for value, label in choices}


def _yes_no(value) -> str:
    if value is None:
        return ""
    return _("yes") if value else _("no")


def _local(value):
    """Aware datetimes in local time without the zone (spreadsheets know no zones)."""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def _csv_safe(value):
    value = _local(value)
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        # A text that a spreadsheet would run as a formula stays text. (XLSX cells are typed
        # as text, so they need no such guard.)
        return "'" + value
    return value


def _person(first: str, last: str, email: str = "") -> str:
    return f"{first} {last}".strip() or email


# --- partnerships with partners and sectors -------------------------------------------------


def partner_header() -> list:
    return [
        _("Partnership ID"),
        _("Partnership"),
        _("Round"),
        _("Status"),
        _("Lead library"),
        _("Voivodeship"),
        _("Animator"),
        _("Library leader"),
        _("Public sector covered"),
        _("Social sector covered"),
        _("Business sector covered"),
        _("Partner"),
        _("Sector"),
        _("Kind"),
        _("Commune"),
        _("Contribution"),
        _("Benefit"),
        _("Joined on"),
        _("Left on"),
    ]


def partner_rows(filters) -> Iterator[tuple]:
    rounds, statuses = _labels(Round.choices), _labels(PartnershipStatus.choices)
    sectors, kinds = _labels(Sector.choices), _labels(InstitutionKind.choices)
    voivodeships = _labels(Voivodeship.choices)
    for partner in report_selectors.partner_export_rows(filters).iterator(chunk_size=CHUNK_SIZE):
        p = partner.partnership
        yield (
            p.pk,
            p.name,
            rounds.get(p.round, p.round),
            statuses.get(p.status, p.status),
            p.lead_library.name,
            voivodeships.get(p.lead_library.voivodeship, ""),
            str(p.animator) if p.animator else "",
            str(p.leader) if p.leader else "",
            _yes_no(partner.has_public),
            _yes_no(partner.has_social),
            _yes_no(partner.has_business),
            partner.institution.name,
            sectors.get(partner.institution.sector, ""),
            kinds.get(partner.institution.kind, ""),
            partner.institution.commune,
            partner.contribution,
            partner.benefit,
            partner.joined_on,
            partner.left_on,
        )


# --- support sessions -----------------------------------------------------------------------


def session_header() -> list:
    return [
        _("Session ID"),
        _("Partnership ID"),
        _("Partnership"),
        _("Round"),
        _("Voivodeship"),
        _("Logged by"),
        _("Kind"),
        _("Channel"),
        _("Date of the contact"),
        _("Duration in minutes"),
        _("Withdrawn"),
        _("Reason for withdrawal"),
        _("Notes"),
    ]


def session_rows(filters) -> Iterator[tuple]:
    rounds, kinds = _labels(Round.choices), _labels(SessionKind.choices)
    channels, voivodeships = _labels(Channel.choices), _labels(Voivodeship.choices)
    rows = report_selectors.session_export_rows(filters).iterator(chunk_size=CHUNK_SIZE)
    for (
        pk,
        partnership_id,
        partnership,
        round_,
        voivodeship,
        first,
        last,
        email,
        kind,
        channel,
        held_on,
        minutes,
        withdrawn_at,
        withdrawn_reason,
        notes,
    ) in rows:
        yield (
            pk,
            partnership_id,
            partnership,
            rounds.get(round_, round_),
            voivodeships.get(voivodeship, ""),
            _person(first, last, email),
            kinds.get(kind, kind),
            channels.get(channel, channel),
            held_on,
            minutes,
            _local(withdrawn_at),
            withdrawn_reason,
            notes,
        )


# --- registrations and attendance -----------------------------------------------------------


def participant_header() -> list:
    return [
        _("Event ID"),
        _("Event"),
        _("Kind"),
        _("First day"),
        _("Partnership ID"),
        _("Partnership"),
        _("Registration status"),
        _("Registered"),
        _("Person ID"),
        _("Person"),
        _("Institution"),
        _("Library representative"),
        _("Attended"),
        _("Materials handed out"),
    ]


def participant_rows(filters) -> Iterator[tuple]:
    kinds, statuses = _labels(EventKind.choices), _labels(RegistrationStatus.choices)
    rows = report_selectors.participant_export_rows(filters).iterator(chunk_size=CHUNK_SIZE)
    for (
        event_id,
        title,
        kind,
        starts_on,
        partnership_id,
        partnership,
        status,
        created_at,
        person_id,
        first,
        last,
        institution,
        institution_kind,
        attended,
        materials,
    ) in rows:
        yield (
            event_id,
            title,
            kinds.get(kind, kind),
            starts_on,
            partnership_id,
            partnership,
            statuses.get(status, status),
            _local(created_at),
            person_id,
            _person(first, last),
            institution,
            _yes_no(institution_kind == InstitutionKind.LIBRARY),
            _yes_no(attended),
            _yes_no(materials),
        )


EXPORTS = {
    "partnerships": Export(
        "partnerships",
        gettext_lazy("Partnerships with partners and sectors"),
        partner_header,
        partner_rows,
    ),
    "sessions": Export("sessions", gettext_lazy("Support sessions"), session_header, session_rows),
    "registrations": Export(
        "registrations",
        gettext_lazy("Registrations and attendance"),
        participant_header,
        participant_rows,
    ),
}


def available_exports() -> dict[str, Export]:
    """Ours, then those other apps registered (clip scores)."""
    exports = dict(EXPORTS)
    for name, extra in hooks.extra_exports().items():
        exports[name] = Export(name, extra.label, lambda e=extra: list(e.header), extra.rows)
    return exports


# --- writers --------------------------------------------------------------------------------


class _Line:
    """A file-like object whose ``write`` hands back what it was given: csv.writer formats a
    row, we yield the text."""

    def write(self, value):
        return value


def _csv_value(value):
    value = _csv_safe(value)
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return "" if value is None else value


def csv_lines(header: list, rows: Iterable[tuple]) -> Iterator[bytes]:
    """Encoded CSV lines, the first with the byte-order mark. Rows are batched so that a
    response chunk is a few kilobytes, not one line."""
    writer = csv.writer(_Line())
    yield (BOM + writer.writerow([str(h) for h in header])).encode("utf-8")
    batch = []
    for row in rows:
        batch.append(writer.writerow([_csv_value(v) for v in row]))
        if len(batch) >= 500:
            yield "".join(batch).encode("utf-8")
            batch = []
    if batch:
        yield "".join(batch).encode("utf-8")


def write_xlsx(sheets: Iterable[tuple[str, list, Iterable[tuple]]]):
    """Write ``(title, header, rows)`` sheets into a temporary file; return it, rewound. The
    file is deleted when closed (``FileResponse`` closes it)."""
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (closed by the response)
    xlsx.write(handle, ((title, [str(h) for h in header], rows) for title, header, rows in sheets))
    handle.seek(0)
    return handle
