"""Form bases every app's forms build on."""

from crispy_forms.helper import FormHelper
from django import forms
from django.db.models.fields import BLANK_CHOICE_DASH
from django.utils.translation import gettext_lazy as _

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
        label_empty_choices(self)


class PortalModelForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        label_empty_choices(self)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)
