"""The staff exports: what each holds (a header and rows of plain values, read with
``QuerySet.iterator(chunk_size=…)``). They are written, as every spreadsheet and CSV file,
by ``portal.spreadsheets`` (CSV for people and for programs, XLSX), streamed so that a large
one neither times out nor fills the memory. Aware datetimes are passed as they are: the
writer shows them in Warsaw time."""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from events.enums import EventKind, RegistrationStatus
from partnerships.enums import InstitutionKind, PartnershipStatus, Round, Sector, Voivodeship
from portal import hooks
from reports import selectors as report_selectors
from support.enums import Channel, SessionKind
from support.selectors import counts_toward_budget

CHUNK_SIZE = 2000


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
        _("In the hour budget"),
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
            _yes_no(counts_toward_budget(kind)),  # the diagnosis is outside it (§2.1.4)
            withdrawn_at,
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
            created_at,
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
