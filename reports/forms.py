from django import forms
from django.utils.translation import gettext_lazy as _

from partnerships.enums import Round, Voivodeship
from partnerships.selectors import animator_choices
from portal import hooks
from portal.forms import PortalForm, QuickSelect
from reports.selectors import BEHIND_SORTS, Filters


class DashboardFilterForm(PortalForm):
    """Round, voivodeship and animator; the dashboard, its tables and the exports share them.
    A value that is not understood is reported and ignored, the valid ones still apply."""

    round = forms.TypedChoiceField(
        label=_("Round"),
        choices=[("", _("all rounds"))] + list(Round.choices),
        coerce=int,
        empty_value=None,
        required=False,
        widget=QuickSelect,
    )
    voivodeship = forms.ChoiceField(
        label=_("Voivodeship"),
        choices=[("", _("all voivodeships"))] + list(Voivodeship.choices),
        required=False,
        widget=QuickSelect,
    )
    animator = forms.TypedChoiceField(
        label=_("Animator"),
        coerce=int,
        empty_value=None,
        required=False,
        widget=QuickSelect,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["animator"].choices = [("", _("all animators")), *animator_choices()]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"

    def filters(self) -> Filters:
        """The filters that were understood (call after ``is_valid``)."""
        data = getattr(self, "cleaned_data", {})
        return Filters(
            round=data.get("round"),
            voivodeship=data.get("voivodeship") or "",
            animator_id=data.get("animator"),
        )

    def ignored_labels(self) -> list[str]:
        return [str(self.fields[name].label) for name in self.errors if name in self.fields]


class BehindTableForm(forms.Form):
    """The behind table's own narrowing and order; unknown values fall back to the default."""

    reason = forms.ChoiceField(required=False, choices=[])
    sort = forms.ChoiceField(required=False, choices=[(key, key) for key in BEHIND_SORTS])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = [("", _("every reason"))] + list(
            hooks.behind_reason_choices()
        )

    def value(self, name) -> str:
        if not self.is_bound:
            return ""
        self.is_valid()
        return self.cleaned_data.get(name) or ""


class FunderReportForm(PortalForm):
    round = forms.TypedChoiceField(
        label=_("Round"), choices=list(Round.choices), coerce=int, required=True
    )


class PersonSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"class": "form-control", "type": "search"}),
    )


class AnonymiseForm(PortalForm):
    confirm = forms.BooleanField(
        label=_("I understand that the name and contacts are removed for good."),
        required=True,
        error_messages={"required": _("Tick the box to confirm.")},
    )
