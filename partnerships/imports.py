"""Import of the programme's existing data: institutions, partnerships with their partners, and
people, from one XLSX or CSV table (the lists a round starts from).

One row of the file is an institution as a partner of a partnership, and optionally one of its
people; an institution with two people takes two rows. The row of the lead library says "tak"
in the lead column and carries the partnership's common goal.

The file is read and each row turned into rows of the database by django-import-export: its
readers (tablib, openpyxl) for CSV and XLSX, and one ``ModelResource`` per model, run in this
order over the rows that have no error so far: institutions, partnerships (the lead rows),
partners, people. Rows are matched to what exists by natural keys, so importing the same file
twice changes nothing:

- an institution by name, commune and voivodeship (letter case and spaces aside);
- a partnership by name and PRB round;
- a partner by partnership and institution (an active one);
- a person by e-mail within the partnership.

Every row is validated as the portal's own forms are (``full_clean``, as ``save_validated``
does) and people are written through the partnerships services (``person_add``,
``person_update``), so the rules hold: the lead library is a library, a partner is active once
per partnership, a person is at an active partner and once per partnership, the leader's
account is linked to the person with its e-mail. ``programme_import`` runs it all in one
transaction and rolls it back for the preview, or when any row has an error: a file is imported
whole or not at all.

The uploaded file waits for the confirmation under MEDIA_ROOT (``imports/``, never served), by
a random token, and is deleted when imported or after a day."""

import datetime
import logging
import re
import unicodedata
import uuid
from dataclasses import dataclass, field

import tablib
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone, translation
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from import_export import resources, widgets
from import_export.fields import Field
from import_export.formats import base_formats
from import_export.results import RowResult

from partnerships import services
from partnerships.enums import InstitutionKind, Round, Sector, Voivodeship
from partnerships.models import Institution, Partner, Partnership, Person
from portal import uploads

logger = logging.getLogger(__name__)

# More rows than a round ever had (about 130 partnerships of a few partners and people each);
# a larger file is refused rather than validated row by row for minutes.
MAX_ROWS = 3000
# An uploaded file waits this long for its confirmation.
KEEP_FOR = datetime.timedelta(days=1)
KEPT_FOLDER = "imports"
TOKEN = re.compile(r"^[0-9a-f]{32}\.(csv|xlsx)$")
ROW = "_row"  # the column added to the read rows: the row's number in the file
IMPORT_LOCK = 150006  # the key of the advisory lock that lets one import run at a time


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # lazy: the file's header, in the language of the page (Polish or English)
    example: str
    help: str


def _yes():
    return _("yes")


COLUMNS = [
    Column(
        "partnership",
        pgettext_lazy("import column", "Partnership"),
        gettext_lazy("Together for Wąchock"),
        gettext_lazy("The partnership's name; the same in every row of the partnership."),
    ),
    Column("round", pgettext_lazy("import column", "PRB round"), "I", gettext_lazy("I or II.")),
    Column(
        "common_goal",
        pgettext_lazy("import column", "Common goal"),
        gettext_lazy("Reading together across generations"),
        gettext_lazy("The local problem or need (§1.2); read from the lead library's row."),
    ),
    Column(
        "lead",
        pgettext_lazy("import column", "Lead library"),
        gettext_lazy("yes"),
        gettext_lazy("“yes” in the lead library's row, empty or “no” in the partners' rows."),
    ),
    Column(
        "institution",
        pgettext_lazy("import column", "Institution"),
        gettext_lazy("Public Library of the Wąchock Commune"),
        gettext_lazy("The institution's full name."),
    ),
    Column("sector", pgettext_lazy("import column", "Sector"), "", ""),
    Column("kind", pgettext_lazy("import column", "Kind of institution"), "", ""),
    Column(
        "commune",
        pgettext_lazy("import column", "Commune"),
        "Wąchock",
        gettext_lazy("The commune (gmina) as named in the TERYT register."),
    ),
    Column("voivodeship", pgettext_lazy("import column", "Voivodeship"), "świętokrzyskie", ""),
    Column(
        "address",
        pgettext_lazy("import column", "Address"),
        "ul. Wielkowiejska 1, 27-215 Wąchock",
        gettext_lazy("Optional."),
    ),
    Column(
        "institution_email",
        pgettext_lazy("import column", "Institution's e-mail"),
        "biblioteka@wachock.example.pl",
        gettext_lazy("Optional."),
    ),
    Column(
        "institution_phone",
        pgettext_lazy("import column", "Institution's phone"),
        "41 000 00 00",
        gettext_lazy("Optional."),
    ),
    Column(
        "contribution",
        pgettext_lazy("import column", "Contribution"),
        gettext_lazy("Rooms, books and the librarians' time"),
        gettext_lazy("What the partner brings."),
    ),
    Column(
        "benefit",
        pgettext_lazy("import column", "Benefit"),
        gettext_lazy("New readers and partners"),
        gettext_lazy("What the partner gains from working together."),
    ),
    Column(
        "first_name",
        pgettext_lazy("import column", "First name"),
        "Anna",
        gettext_lazy("A person of the institution; leave the person's columns empty for none."),
    ),
    Column("last_name", pgettext_lazy("import column", "Last name"), "Nowak", ""),
    Column(
        "position",
        pgettext_lazy("import column", "Position"),
        gettext_lazy("director"),
        gettext_lazy("Optional."),
    ),
    Column(
        "email",
        pgettext_lazy("import column", "Person's e-mail"),
        "anna.nowak@example.pl",
        gettext_lazy("One person per e-mail address in the file."),
    ),
    Column(
        "phone", pgettext_lazy("import column", "Person's phone"), "", gettext_lazy("Optional.")
    ),
    Column(
        "consent",
        pgettext_lazy("import column", "Consent to data processing"),
        gettext_lazy("yes"),
        gettext_lazy("“yes” only when the person agreed to the processing of their data."),
    ),
]
COLUMN_BY_KEY = {column.key: column for column in COLUMNS}
PERSON_COLUMNS = ("first_name", "last_name", "position", "email", "phone")


def normalise(value) -> str:
    """Text compared without letter case, Polish letters or extra spaces: "Łódzkie " and
    "lodzkie" are the same voivodeship."""
    text = unicodedata.normalize("NFKD", str(value)).replace("ł", "l").replace("Ł", "L")
    text = "".join(char for char in text if not unicodedata.combining(char))
    return " ".join(text.casefold().split())


def _labels(text) -> set[str]:
    """``text`` (lazy) in Polish and in English, normalised."""
    found = set()
    for language in ("pl", "en"):
        with translation.override(language):
            found.add(normalise(str(text)))
    return found


# --- values -------------------------------------------------------------------------------


class TextWidget(widgets.Widget):
    """Text without leading and trailing spaces; a whole number typed into a spreadsheet cell
    (a phone, a year) as its digits, not ``410000000.0``."""

    def clean(self, value, row=None, **kwargs):
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return " ".join(str(value).split()) if "\n" not in str(value) else str(value).strip()

    def render(self, value, obj=None, **kwargs):
        return value or ""


class EmailWidget(TextWidget):
    def clean(self, value, row=None, **kwargs):
        return super().clean(value).lower()


class ChoiceWidget(TextWidget):
    """One of an enum's members, by its stored value or its label in Polish or English."""

    def __init__(self, choices, message, strip_prefix=""):
        super().__init__()
        self.choices = choices
        self.message = message
        self.strip_prefix = strip_prefix

    @cached_property
    def names(self) -> dict[str, str]:
        """Each way of writing a member (normalised) -> its value; made once, not per cell."""
        names = {}
        for member in self.choices:
            names[normalise(member.value)] = member.value
            names.update(dict.fromkeys(_labels(member.label), member.value))
        return names

    def clean(self, value, row=None, **kwargs):
        text = normalise(super().clean(value))
        if not text:
            return ""  # the model says the field is required
        if self.strip_prefix and text.startswith(self.strip_prefix):
            text = text.removeprefix(self.strip_prefix).strip()
        if text in self.names:
            return self.names[text]
        raise ValueError(
            self.message
            % {
                "value": super().clean(value),
                "allowed": ", ".join(str(member.label) for member in self.choices),
            }
        )


class RoundWidget(TextWidget):
    NAMES = {"1": Round.I, "i": Round.I, "2": Round.II, "ii": Round.II}

    def clean(self, value, row=None, **kwargs):
        text = normalise(super().clean(value))
        if text in self.NAMES:
            return self.NAMES[text].value
        if not text:
            raise ValueError(_("Enter the PRB round: I or II."))
        raise ValueError(
            _("“%(value)s” is not a PRB round: enter I or II.") % {"value": super().clean(value)}
        )


class YesNoWidget(TextWidget):
    YES = {"tak", "t", "yes", "y", "1", "x", "prawda", "true"}
    NO = {"", "nie", "n", "no", "0", "falsz", "false"}

    def clean(self, value, row=None, **kwargs):
        text = normalise(super().clean(value))
        if text in self.YES:
            return True
        if text in self.NO:
            return False
        raise ValueError(
            _("“%(value)s” is neither yes nor no: enter “%(yes)s” or leave it empty.")
            % {"value": super().clean(value), "yes": _yes()}
        )


# Letters in words, which spaces, hyphens, dots or apostrophes may join: "Nowa Dęba",
# "Kędzierzyn-Koźle", "Stary Dzierzgoń". No digits or other signs.
COMMUNE_NAME = re.compile(r"^[^\W\d_]{2,}(?:[ .'’-]{1,2}[^\W\d_]+)*\.?$")


class CommuneWidget(TextWidget):
    """The portal keeps the commune as its name (there is no register of communes in it), so
    what can be checked is that the cell holds a name: letters, not a number or a code."""

    def clean(self, value, row=None, **kwargs):
        text = super().clean(value)
        if text and not COMMUNE_NAME.match(text):
            raise ValueError(
                _(
                    "“%(value)s” is not the name of a commune: enter the commune (gmina) as the "
                    "TERYT register names it, in letters."
                )
                % {"value": text}
            )
        return text


SECTOR_WIDGET = ChoiceWidget(
    Sector, gettext_lazy("“%(value)s” is not a sector. Enter one of: %(allowed)s.")
)
KIND_WIDGET = ChoiceWidget(
    InstitutionKind,
    gettext_lazy("“%(value)s” is not a kind of institution. Enter one of: %(allowed)s."),
)
VOIVODESHIP_WIDGET = ChoiceWidget(
    Voivodeship,
    gettext_lazy("There is no voivodeship “%(value)s”. Enter one of: %(allowed)s."),
    strip_prefix="wojewodztwo",
)
YES_NO = YesNoWidget()


# --- reading the file -------------------------------------------------------------------


def _header_keys() -> dict[str, str]:
    """Each normalised header the file may use (Polish or English) -> column key."""
    return {label: column.key for column in COLUMNS for label in _labels(column.label)}


def _checked_headers(headers: list) -> list[str]:
    """The column keys of the file's headers, in its order; a missing, unknown or repeated
    column is refused with their names."""
    known = _header_keys()
    keys, unknown, repeated = [], [], []
    for header in headers:
        text = TextWidget().clean(header)
        key = known.get(normalise(text))
        if key is None:
            if text:
                unknown.append(text)
            keys.append("")
        elif key in keys:
            repeated.append(text)
        else:
            keys.append(key)
    problems = []
    missing = [str(column.label) for column in COLUMNS if column.key not in keys]
    if missing:
        problems.append(
            _("Columns missing from the file: %(names)s.") % {"names": ", ".join(missing)}
        )
    if unknown:
        problems.append(
            _("Columns the import does not know: %(names)s.") % {"names": ", ".join(unknown)}
        )
    if repeated:
        problems.append(_("Columns given twice: %(names)s.") % {"names": ", ".join(repeated)})
    if problems:
        problems.append(_("Use the columns of the template file (its first row)."))
        raise ValidationError(problems)
    return keys


def _decode(data: bytes) -> str:
    """CSV text: UTF-8 (with or without a byte-order mark), else Windows-1250, in which a
    Polish Excel saves "CSV (comma delimited)"."""
    if b"\x00" in data:
        raise ValueError("binary")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1250")


def dataset_from_bytes(data: bytes, extension: str) -> tablib.Dataset:
    """The file's rows as a dataset whose headers are the column keys plus ``ROW`` (the row's
    number in the spreadsheet, the header being row 1); empty rows are left out. A file that
    cannot be read, or has the wrong columns, raises ``ValidationError``."""
    not_readable = ValidationError(
        _(
            "The file could not be read as a spreadsheet. Save it as XLSX (Excel workbook) or "
            "as CSV, starting from the template file."
        )
    )
    try:
        if extension == "xlsx":
            raw = base_formats.XLSX().create_dataset(data)
        else:
            text = _decode(data)
            first_line = text.split("\n", 1)[0]
            delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
            raw = base_formats.CSV().create_dataset(text, delimiter=delimiter)
    except Exception as exc:  # openpyxl, zipfile, csv and tablib each raise their own
        logger.info("Import file not readable: %r", exc)
        raise not_readable from exc
    if not raw.headers or not any(raw.headers):
        raise not_readable
    keys = _checked_headers(list(raw.headers))
    dataset = tablib.Dataset(headers=[key for key in keys if key] + [ROW])
    for number, values in enumerate(raw, start=2):
        row = {key: value for key, value in zip(keys, values, strict=False) if key}
        if all(TextWidget().clean(value) == "" for value in row.values()):
            continue
        dataset.append([row.get(key) for key in keys if key] + [number])
    if not len(dataset):
        raise ValidationError(_("The file has no rows of data under its header."))
    if len(dataset) > MAX_ROWS:
        raise ValidationError(
            _("Rows in the file: %(count)d; import at most %(limit)d at a time.")
            % {"count": len(dataset), "limit": MAX_ROWS}
        )
    return dataset


def read_upload(upload) -> tuple[bytes, str, tablib.Dataset]:
    """The uploaded file's bytes, its kind (``xlsx`` or ``csv``) and its rows, checked by
    content, not by name alone; ``ValidationError`` with the reason otherwise."""
    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(
            _("The file is too large (%(size)s); the limit is %(limit)s.")
            % {
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(settings.UPLOAD_MAX_BYTES),
            }
        )
    extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    if extension not in ("xlsx", "csv"):
        raise ValidationError(
            _("Upload an XLSX or CSV file (this one is “%(name)s”).") % {"name": upload.name}
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if extension == "xlsx" and not uploads.KINDS["xlsx"](head, upload):
        raise ValidationError(
            _("The file's content is not an XLSX workbook, whatever its name says.")
        )
    data = upload.read()
    return data, extension, dataset_from_bytes(data, extension)


# --- the file waiting for its confirmation -------------------------------------------------


def _kept_path(token: str) -> str:
    return f"{KEPT_FOLDER}/{token}"


def keep(data: bytes, extension: str) -> str:
    """Keep the uploaded file until it is confirmed; return its token. Files older than
    ``KEEP_FOR`` (previews never confirmed) are deleted on the way."""
    forget_old()
    token = f"{uuid.uuid4().hex}.{extension}"
    default_storage.save(_kept_path(token), ContentFile(data))
    return token


def forget_old(now=None) -> None:
    now = now or timezone.now()
    try:
        _folders, names = default_storage.listdir(KEPT_FOLDER)
    except FileNotFoundError:
        return
    for name in names:
        path = _kept_path(name)
        if now - default_storage.get_modified_time(path) > KEEP_FOR:
            default_storage.delete(path)


def kept_dataset(token: str) -> tablib.Dataset:
    """The dataset of a kept file; ``ValidationError`` when the token names none (imported
    already, older than a day, or made up)."""
    gone = ValidationError(
        _(
            "The uploaded file is no longer waiting: it was imported already or is older than a "
            "day. Upload it again."
        )
    )
    if not TOKEN.match(token or "") or not default_storage.exists(_kept_path(token)):
        raise gone
    if timezone.now() - default_storage.get_modified_time(_kept_path(token)) > KEEP_FOR:
        default_storage.delete(_kept_path(token))
        raise gone
    with default_storage.open(_kept_path(token), "rb") as handle:
        data = handle.read()
    return dataset_from_bytes(data, token.rsplit(".", 1)[1])


def forget(token: str) -> None:
    if TOKEN.match(token or ""):
        default_storage.delete(_kept_path(token))


# --- the resources: one per model ----------------------------------------------------------


@dataclass
class _Run:
    """What one import learned so far, shared by the resources: each row's institution and
    partnership, the errors per row, what happened to which object."""

    institution_of: dict = field(default_factory=dict)  # row -> Institution
    partnership_of: dict = field(default_factory=dict)  # row -> Partnership
    partnership_by_key: dict = field(default_factory=dict)  # (name, round) -> Partnership
    lead_row_of: dict = field(default_factory=dict)  # (name, round) -> row
    errors: dict = field(default_factory=dict)  # row -> [message]
    outcome: dict = field(default_factory=dict)  # row -> {kind: import type}
    objects: dict = field(default_factory=dict)  # kind -> {import type: set of pks}

    def fail(self, row: int, message: str) -> None:
        self.errors.setdefault(row, []).append(message)


def _partnership_key(row) -> tuple[str, int | None]:
    try:
        round_ = RoundWidget().clean(row.get("round"))
    except ValueError:
        round_ = None
    return normalise(TextWidget().clean(row.get("partnership"))), round_


class _Resource(resources.ModelResource):
    """A model's columns; rows found by natural key (``get_or_init_instance``), validated by
    ``full_clean`` and saved through the services (``do_instance_save``). Unchanged rows are
    skipped, so a second import of the same file writes nothing."""

    entity = ""

    def __init__(self, run: _Run):
        super().__init__()
        self.run = run

    class Meta:
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        skip_html_diff = True
        store_instance = True
        use_transactions = True

    def get_or_init_instance(self, instance_loader, row):
        raise NotImplementedError

    def do_instance_save(self, instance, is_create):
        # validate_instance has run full_clean (clean_model_instances): save_validated's check.
        instance.save()

    def column_of(self, attribute: str) -> str:
        """The column a model field's error belongs to."""
        for resource_field in self.fields.values():
            if resource_field.attribute == attribute:
                return resource_field.column_name
        return attribute


class InstitutionResource(_Resource):
    entity = "institution"
    name = Field(attribute="name", column_name="institution", widget=TextWidget())
    sector = Field(attribute="sector", column_name="sector", widget=SECTOR_WIDGET)
    kind_ = Field(attribute="kind", column_name="kind", widget=KIND_WIDGET)
    commune = Field(attribute="commune", column_name="commune", widget=CommuneWidget())
    voivodeship = Field(
        attribute="voivodeship", column_name="voivodeship", widget=VOIVODESHIP_WIDGET
    )
    address = Field(attribute="address", column_name="address", widget=TextWidget())
    email = Field(attribute="email", column_name="institution_email", widget=TextWidget())
    phone = Field(attribute="phone", column_name="institution_phone", widget=TextWidget())

    class Meta(_Resource.Meta):
        model = Institution
        fields = ("name", "sector", "kind_", "commune", "voivodeship", "address", "email", "phone")
        import_id_fields = ("name", "commune", "voivodeship")

    def get_or_init_instance(self, instance_loader, row):
        name = TextWidget().clean(row.get("institution"))
        try:
            commune = CommuneWidget().clean(row.get("commune"))
            voivodeship = VOIVODESHIP_WIDGET.clean(row.get("voivodeship"))
        except ValueError:
            return Institution(), True  # import_instance names the wrong value
        found = Institution.objects.filter(
            name__iexact=name, commune__iexact=commune, voivodeship=voivodeship
        ).order_by("pk")
        instance = found.first() if name and commune else None
        return (instance, False) if instance else (Institution(), True)


class PartnershipResource(_Resource):
    """The lead rows only: the partnership's name, round and common goal; its lead library is
    the row's institution."""

    entity = "partnership"
    name = Field(attribute="name", column_name="partnership", widget=TextWidget())
    round = Field(attribute="round", column_name="round", widget=RoundWidget())
    common_goal = Field(attribute="common_goal", column_name="common_goal", widget=TextWidget())

    class Meta(_Resource.Meta):
        model = Partnership
        fields = ("name", "round", "common_goal")
        import_id_fields = ("name", "round")

    def get_or_init_instance(self, instance_loader, row):
        library = self.run.institution_of[row[ROW]]
        if library.kind != InstitutionKind.LIBRARY:
            raise ValidationError(
                {
                    "lead": _("The lead library must be an institution of the kind “%(kind)s”.")
                    % {"kind": InstitutionKind.LIBRARY.label}
                }
            )
        name, round_ = _partnership_key(row)
        found = (
            Partnership.objects.filter(
                name__iexact=TextWidget().clean(row.get("partnership")), round=round_
            )
            .select_related("lead_library")
            .order_by("pk")
            if name and round_
            else Partnership.objects.none()
        )
        instance = found.first()
        if instance is None:
            return Partnership(lead_library=library), True
        if instance.lead_library_id != library.pk:
            raise ValidationError(
                {
                    "lead": _(
                        "The partnership “%(name)s” already has another lead library in the "
                        "portal: %(library)s."
                    )
                    % {"name": instance.name, "library": instance.lead_library}
                }
            )
        return instance, False


class PartnerResource(_Resource):
    """Every row: the row's institution as a partner of the row's partnership."""

    entity = "partner"
    contribution = Field(attribute="contribution", column_name="contribution", widget=TextWidget())
    benefit = Field(attribute="benefit", column_name="benefit", widget=TextWidget())

    class Meta(_Resource.Meta):
        model = Partner
        fields = ("contribution", "benefit")
        import_id_fields = ("contribution",)

    def _partnership(self, row) -> Partnership:
        key = _partnership_key(row)
        if key in self.run.partnership_by_key:
            return self.run.partnership_by_key[key]
        lead_row = self.run.lead_row_of.get(key)
        if lead_row is not None:
            raise ValidationError(
                {
                    "partnership": _(
                        "Correct row %(row)d first: the row of this partnership's lead library."
                    )
                    % {"row": lead_row}
                }
            )
        name, round_ = key
        found = (
            list(
                Partnership.objects.filter(
                    name__iexact=TextWidget().clean(row.get("partnership")), round=round_
                )[:2]
            )
            if name and round_
            else []
        )
        if len(found) != 1:
            label = COLUMN_BY_KEY["lead"].label
            message = (
                _(
                    "There is no partnership “%(name)s” (%(round)s) in the portal or in the file: "
                    "mark its lead library's row with “%(yes)s” in the column “%(column)s”."
                )
                if not found
                else _(
                    "There are several partnerships “%(name)s” (%(round)s) in the portal: "
                    "rename one of them first."
                )
            )
            raise ValidationError(
                {
                    "partnership": message
                    % {
                        "name": TextWidget().clean(row.get("partnership")),
                        "round": Round(round_).label if round_ else "?",
                        "yes": _yes(),
                        "column": label,
                    }
                }
            )
        self.run.partnership_by_key[key] = found[0]
        return found[0]

    def get_or_init_instance(self, instance_loader, row):
        partnership = self._partnership(row)
        institution = self.run.institution_of[row[ROW]]
        self.run.partnership_of[row[ROW]] = partnership
        instance = (
            Partner.objects.filter(
                partnership=partnership, institution=institution, left_on__isnull=True
            )
            .order_by("pk")
            .first()
        )
        if instance is None:
            return Partner(partnership=partnership, institution=institution), True
        return instance, False

    # partner_add and partner_update would save the row's institution again (a history record
    # with no change); the institutions' stage saved it, and the partner row is checked by
    # full_clean and saved by the base class, as partner_add does.


class PersonResource(_Resource):
    """The rows with a person: found by e-mail within the partnership, at the row's
    institution."""

    entity = "person"
    first_name = Field(attribute="first_name", column_name="first_name", widget=TextWidget())
    last_name = Field(attribute="last_name", column_name="last_name", widget=TextWidget())
    position = Field(attribute="position", column_name="position", widget=TextWidget())
    email = Field(attribute="email", column_name="email", widget=EmailWidget())
    phone = Field(attribute="phone", column_name="phone", widget=TextWidget())

    class Meta(_Resource.Meta):
        model = Person
        fields = ("first_name", "last_name", "position", "email", "phone")
        import_id_fields = ("email",)
        # person_add and person_update run full_clean (and the rules on the institution and
        # the leader's account) when the row is saved: once is enough.
        clean_model_instances = False

    def get_or_init_instance(self, instance_loader, row):
        partnership = self.run.partnership_of[row[ROW]]
        institution = self.run.institution_of[row[ROW]]
        email = EmailWidget().clean(row.get("email"))
        try:
            consent = YES_NO.clean(row.get("consent"))
        except ValueError as exc:
            raise ValidationError({"consent": str(exc)}) from exc
        if not consent:
            raise ValidationError(
                {
                    "consent": _(
                        "Add a person only after they agreed to the processing of their data."
                    )
                }
            )
        if email:
            other = (
                Person.objects.filter(email__iexact=email, archived_at__isnull=True)
                .exclude(institution=institution)
                .select_related("institution")
                .first()
            )
            if other is not None:
                raise ValidationError(
                    {
                        "email": _(
                            "The e-mail %(email)s already belongs to %(name)s of another "
                            "institution (%(institution)s)."
                        )
                        % {
                            "email": email,
                            "name": other.full_name,
                            "institution": other.institution,
                        }
                    }
                )
        instance = (
            Person.objects.filter(
                partnership=partnership, email__iexact=email, archived_at__isnull=True
            )
            .order_by("pk")
            .first()
            if email
            else None
        )
        if instance is None:
            return Person(partnership=partnership, institution=institution), True
        return instance, False

    def do_instance_save(self, instance, is_create):
        if is_create:
            instance.pk = services.person_add(
                partnership=instance.partnership,
                consent=True,
                institution=instance.institution,
                **{name: getattr(instance, name) for name in PERSON_COLUMNS},
            ).pk
        else:
            services.person_update(person=instance)


# --- the import ---------------------------------------------------------------------------

KINDS = ("institution", "partnership", "partner", "person")


@dataclass
class RowReport:
    number: int
    partnership: str
    institution: str
    person: str
    done: list
    errors: list


@dataclass
class ImportReport:
    rows: list  # RowReport, in the file's order
    counts: list  # (kind label, created, updated, unchanged)
    committed: bool

    @property
    def error_count(self) -> int:
        return sum(1 for row in self.rows if row.errors)

    @property
    def has_errors(self) -> bool:
        return self.error_count > 0


def _messages(resource: _Resource, error: ValidationError) -> list[str]:
    """A row's validation errors as "Column: message" lines."""
    lines = []
    for attribute, problems in error.message_dict.items():
        column = COLUMN_BY_KEY.get(resource.column_of(attribute))
        for problem in problems:
            if attribute == NON_FIELD_ERRORS or column is None:
                lines.append(problem)
            else:
                lines.append(f"{column.label}: {problem}")
    return lines


def _stage(resource: _Resource, dataset: tablib.Dataset, run: _Run, keep) -> None:
    """Run ``resource`` over the rows of ``dataset`` without an error so far for which
    ``keep(row)`` holds; note each row's errors and outcome."""
    rows = [row for row in dataset.dict if row[ROW] not in run.errors and keep(row)]
    if not rows:
        return
    part = tablib.Dataset(headers=dataset.headers)
    for row in rows:
        part.append([row[header] for header in dataset.headers])
    result = resource.import_data(part, dry_run=False, use_transactions=True)
    if result.base_errors:
        logger.error("Import of %s failed: %s", resource.entity, result.base_errors[0].traceback)
        for row in rows:
            run.fail(row[ROW], _("This row could not be checked: the import failed."))
        return
    for row, row_result in zip(rows, result.rows, strict=True):
        number = row[ROW]
        if row_result.import_type == RowResult.IMPORT_TYPE_INVALID:
            for line in _messages(resource, row_result.validation_error):
                run.fail(number, line)
        elif row_result.import_type == RowResult.IMPORT_TYPE_ERROR:
            logger.error("Import row %d failed: %s", number, row_result.errors[0].traceback)
            run.fail(number, _("This row could not be saved; check its values."))
        else:
            run.outcome.setdefault(number, {})[resource.entity] = row_result.import_type
            done = run.objects.setdefault(resource.entity, {})
            done.setdefault(row_result.import_type, set()).add(row_result.object_id)
            if resource.entity == "institution":
                run.institution_of[number] = row_result.instance
            elif resource.entity == "partnership":
                run.partnership_by_key[_partnership_key(row)] = row_result.instance


def _check_file(dataset: tablib.Dataset, run: _Run) -> None:
    """What no single row shows: one e-mail in two rows, two lead libraries of one
    partnership."""
    email_row, lead = {}, {}
    for row in dataset.dict:
        number = row[ROW]
        email = EmailWidget().clean(row.get("email"))
        if email and email in email_row:
            run.fail(
                number,
                _("%(column)s: The same e-mail is already in row %(row)d of the file.")
                % {"column": COLUMN_BY_KEY["email"].label, "row": email_row[email]},
            )
        email_row.setdefault(email, number)
        try:
            is_lead = YES_NO.clean(row.get("lead"))
        except ValueError:
            continue  # the partnerships' resource names the value
        if not is_lead:
            continue
        key = _partnership_key(row)
        institution = tuple(normalise(row.get(name) or "") for name in ("institution", "commune"))
        if key in lead and lead[key][1] != institution:
            run.fail(
                number,
                _("%(column)s: The partnership already has its lead library in row %(row)d.")
                % {"column": COLUMN_BY_KEY["lead"].label, "row": lead[key][0]},
            )
        lead.setdefault(key, (number, institution))
    run.lead_row_of = {key: number for key, (number, _institution) in lead.items()}


def _first_lead_row(run: _Run):
    """The partnership's name, round and common goal are read from its first lead row; the
    lead library's other rows (its other people) are partner rows."""

    def keep(row) -> bool:
        return run.lead_row_of.get(_partnership_key(row)) == row[ROW]

    return keep


def _lead_value_errors(dataset, run) -> None:
    for row in dataset.dict:
        try:
            YES_NO.clean(row.get("lead"))
        except ValueError as exc:
            run.fail(row[ROW], f"{COLUMN_BY_KEY['lead'].label}: {exc}")


def _has_person(row) -> bool:
    return any(TextWidget().clean(row.get(name)) for name in ("first_name", "last_name", "email"))


STATE_LABELS = {
    ("institution", RowResult.IMPORT_TYPE_NEW): gettext_lazy("new institution"),
    ("institution", RowResult.IMPORT_TYPE_UPDATE): gettext_lazy("institution updated"),
    ("partnership", RowResult.IMPORT_TYPE_NEW): gettext_lazy("new partnership"),
    ("partnership", RowResult.IMPORT_TYPE_UPDATE): gettext_lazy("partnership updated"),
    ("partner", RowResult.IMPORT_TYPE_NEW): gettext_lazy("new partner"),
    ("partner", RowResult.IMPORT_TYPE_UPDATE): gettext_lazy("partner updated"),
    ("person", RowResult.IMPORT_TYPE_NEW): gettext_lazy("new person"),
    ("person", RowResult.IMPORT_TYPE_UPDATE): gettext_lazy("person updated"),
}
KIND_LABELS = {
    "institution": gettext_lazy("Institutions"),
    "partnership": gettext_lazy("Partnerships"),
    "partner": gettext_lazy("Partners"),
    "person": gettext_lazy("People"),
}


def _report(dataset: tablib.Dataset, run: _Run, committed: bool) -> ImportReport:
    rows = []
    for row in dataset.dict:
        number = row[ROW]
        outcome = run.outcome.get(number, {})
        done = [
            str(STATE_LABELS[(kind, state)])
            for kind, state in outcome.items()
            if (kind, state) in STATE_LABELS
        ]
        person = " ".join(
            TextWidget().clean(row.get(name)) for name in ("first_name", "last_name")
        ).strip()
        rows.append(
            RowReport(
                number=number,
                partnership=TextWidget().clean(row.get("partnership")),
                institution=TextWidget().clean(row.get("institution")),
                person=person or EmailWidget().clean(row.get("email")),
                done=done if number not in run.errors else [],
                errors=run.errors.get(number, []),
            )
        )
    counts = []
    for kind in KINDS:
        done = run.objects.get(kind, {})
        created = done.get(RowResult.IMPORT_TYPE_NEW, set())
        updated = done.get(RowResult.IMPORT_TYPE_UPDATE, set()) - created
        unchanged = done.get(RowResult.IMPORT_TYPE_SKIP, set()) - created - updated
        counts.append((str(KIND_LABELS[kind]), len(created), len(updated), len(unchanged)))
    return ImportReport(rows=rows, counts=counts, committed=committed)


def _lock_imports() -> None:
    """One import at a time: two confirmations of the same file at once would otherwise both
    create its institutions (no unique key holds an institution's name). On SQLite writes are
    serialised anyway."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK])


def programme_import(*, dataset: tablib.Dataset, actor, commit: bool) -> ImportReport:
    """Check every row of ``dataset`` (from ``dataset_from_bytes``) by writing it, in one
    transaction; keep the writes only when ``commit`` and no row has an error, else roll them
    all back (the preview). Takes a transaction-wide lock, so imports run one at a time.
    Writes institutions, partnerships, partners and people through the services (their
    history records name ``actor``, the request's user); sends no e-mail."""
    run = _Run()
    with transaction.atomic():
        _lock_imports()
        _lead_value_errors(dataset, run)
        _check_file(dataset, run)
        _stage(InstitutionResource(run), dataset, run, keep=lambda row: True)
        _stage(PartnershipResource(run), dataset, run, keep=_first_lead_row(run))
        _stage(PartnerResource(run), dataset, run, keep=lambda row: True)
        _stage(PersonResource(run), dataset, run, keep=_has_person)
        committed = commit and not run.errors
        if not committed:
            transaction.set_rollback(True)
    return _report(dataset, run, committed)


# --- the template -------------------------------------------------------------------------


def template_sheets():
    """The template file: the columns with an example row, and a sheet explaining each
    column and its allowed values."""
    example = []
    for column in COLUMNS:
        if column.key == "sector":
            example.append(str(Sector.PUBLIC.label))
        elif column.key == "kind":
            example.append(str(InstitutionKind.LIBRARY.label))
        else:
            example.append(str(column.example))
    allowed = {
        "sector": ", ".join(str(member.label) for member in Sector),
        "kind": ", ".join(str(member.label) for member in InstitutionKind),
        "voivodeship": ", ".join(str(member.label) for member in Voivodeship),
    }
    explained = [
        (str(column.label), str(column.help) if column.help else "", allowed.get(column.key, ""))
        for column in COLUMNS
    ]
    return [
        (_("Data"), [str(column.label) for column in COLUMNS], [tuple(example)]),
        (
            _("Columns"),
            [_("Column"), _("What to enter"), _("Allowed values")],
            explained,
        ),
    ]
