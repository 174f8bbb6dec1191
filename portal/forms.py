"""Form bases every app's forms build on.

Every date and datetime field of a form built on these bases accepts only the programme's
years (``FIRST_YEAR``–``LAST_YEAR``), with a Polish message and ``min``/``max`` on the
browser's date picker. A date outside them is a typing slip (``0202``, ``20266``), and the
database and the calendar could not hold every such date: year 1 in Warsaw is before year 1
in UTC, and the day after 9999-12-31 does not exist. The admin's fields get the same check
(``portal.admin``)."""

import datetime

from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError
from django.db.models.fields import BLANK_CHOICE_DASH
from django.forms.utils import flatatt
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

FIRST_YEAR, LAST_YEAR = 2000, 2100
FIRST_DAY, LAST_DAY = datetime.date(FIRST_YEAR, 1, 1), datetime.date(LAST_YEAR, 12, 31)


def validate_programme_date(value) -> None:
    """A date or datetime within the programme's years."""
    day = value.date() if isinstance(value, datetime.datetime) else value
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValidationError(
            _("Enter a date from the years %(first)d–%(last)d."),
            code="date_out_of_range",
            params={"first": FIRST_YEAR, "last": LAST_YEAR},
        )


def bound_dates(fields) -> None:
    """Add the programme's date range to each date and datetime field in ``fields`` (a form's
    ``fields``, which are the form instance's own copies)."""
    for field in fields.values():
        if not isinstance(field, forms.DateField | forms.DateTimeField | forms.SplitDateTimeField):
            continue
        if validate_programme_date not in field.validators:
            field.validators.append(validate_programme_date)
        input_type = getattr(field.widget, "input_type", "")
        if input_type == "date":
            field.widget.attrs.setdefault("min", FIRST_DAY.isoformat())
            field.widget.attrs.setdefault("max", LAST_DAY.isoformat())
        elif input_type == "datetime-local":
            field.widget.attrs.setdefault("min", f"{FIRST_DAY.isoformat()}T00:00")
            field.widget.attrs.setdefault("max", f"{LAST_DAY.isoformat()}T23:59")


DASHES = BLANK_CHOICE_DASH[0][1]


def label_empty_choices(form) -> None:
    """Drop-downs say "— wybierz —" rather than Django's "---------"; a form names another
    empty choice for a field in ``empty_choice_labels`` (``{"round": _("both rounds")}``)."""
    labels = getattr(form, "empty_choice_labels", {})
    for name, field in form.fields.items():
        label = labels.get(name, _("— choose —"))
        if isinstance(field, forms.ModelChoiceField):
            if field.empty_label == DASHES:
                field.empty_label = label
        elif isinstance(field, forms.ChoiceField):
            choices = list(field.choices)
            if choices and choices[0] == BLANK_CHOICE_DASH[0]:
                field.choices = [("", label), *choices[1:]]


class PortalForm(forms.Form):
    """Forms render through crispy-forms; the template adds the <form> tag and buttons."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        bound_dates(self.fields)
        label_empty_choices(self)


class PortalModelForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        bound_dates(self.fields)
        label_empty_choices(self)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    """The browser's date and time picker; the form field must accept its format
    (``DATETIME_INPUT_FORMATS``)."""

    input_type = "datetime-local"
    input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class QuickSelect(forms.Select):
    """A select written in Python rather than through one template per option, for the lists'
    filters: the animator filter has an option per animator (400 in the bench's data set XL),
    and rendering the options through Django's option template took longer than the rest of
    the dashboard. Same markup. The options are read from the choices directly (Django's
    ``optgroups`` builds a dictionary of a dozen entries per option: 5 ms of a filter bar's
    78 options at data set L); grouped choices go the Django way."""

    def render(self, name, value, attrs=None, renderer=None):
        choices = list(self.choices)
        if any(isinstance(label, list | tuple) for _value, label in choices):
            return super().render(name, value, attrs, renderer)
        selected = set(self.format_value(value))
        options = []
        for option, label in choices:
            option = "" if option is None else str(option)
            mark = " selected" if option in selected else ""
            selected.discard(option)  # the first match only, as Django's select
            options.append(f'<option value="{escape(option)}"{mark}>{escape(label)}</option>')
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(self.build_attrs(self.attrs, attrs)),
            mark_safe("".join(options)),  # noqa: S308 -- each value and label escaped above
        )


class StaffMessageForm(PortalForm):
    """A message from staff to many: the subject and the text, as typed."""

    # The page's one-time key (``services.act_once``): a double click sends once.
    once = forms.CharField(widget=forms.HiddenInput, max_length=40, required=False)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(
        label=_("Message"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "Plain text. Your name and the support centre are added below it; replies come "
            "to your address."
        ),
    )


class SearchFilterForm(forms.Form):
    """The filter bar of a list filtered only by a part of a name (``portal.listing``)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
