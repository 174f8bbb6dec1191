from django import forms
from django.conf import settings
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from clips.enums import SCORE_MAX, SCORE_MIN, OverrideDecision
from clips.models import ClipCall, Production
from clips.selectors import committee_choices
from clips.services import clips_count_reason_validate
from events.forms import DateTimeInput
from portal.forms import DateInput, PortalForm, PortalModelForm
from portal.web import add_service_errors


class MemberChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user):
        full = user.get_full_name()
        return f"{full} ({user.email})" if full else user.email


class CallForm(PortalModelForm):
    empty_choice_labels = {"round": _("— both rounds —")}
    committee = MemberChoiceField(
        label=_("Committee"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Animators, partnership specialists and others named by the support centre "
            "(§2.4.5). A member never scores a partnership they animate."
        ),
    )

    class Meta:
        model = ClipCall
        fields = [
            "title",
            "round",
            "clips_count",
            "clips_count_reason",
            "scoring_deadline",
            "committee",
        ]
        widgets = {
            "scoring_deadline": DateTimeInput(),
            "clips_count_reason": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = committee_choices()
        self.fields["scoring_deadline"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]

    def clean(self):
        data = super().clean()
        if "clips_count" in data:
            # Checked here so the message stands by the reason field (the model's constraint
            # would put it above the form); ``call_create``/``call_update`` check again.
            try:
                data["clips_count_reason"] = clips_count_reason_validate(
                    clips_count=data["clips_count"], reason=data.get("clips_count_reason", "")
                )
            except forms.ValidationError as exc:
                add_service_errors(self, exc)
        return data


class CandidateFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    eligibility = forms.ChoiceField(
        label=_("Eligibility"),
        required=False,
        choices=[
            ("", _("all partnerships")),
            ("eligible", _("eligible")),
            ("not_eligible", _("not eligible")),
            ("override", _("decided by staff")),
        ],
    )


class OverrideForm(PortalForm):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=OverrideDecision.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give the reason for the decision.")},
    )


def _score_field(label, help_text):
    message = _("Give a whole number from 0 to 10.")
    return forms.IntegerField(
        label=label,
        help_text=help_text,
        min_value=SCORE_MIN,
        max_value=SCORE_MAX,
        error_messages={
            "required": message,
            "invalid": message,
            "min_value": message,
            "max_value": message,
        },
        widget=forms.NumberInput(attrs={"min": SCORE_MIN, "max": SCORE_MAX, "step": 1}),
    )


class ScoreForm(PortalForm):
    progress = _score_field(
        _("Progress"), _("How far the partnership has come during the programme, 0 to 10.")
    )
    creativity = _score_field(
        _("Creativity in planning"),
        _("How creatively the partnership plans its actions, 0 to 10."),
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class SelectionForm(PortalForm):
    public_summary = forms.CharField(
        label=_("Short public description"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "One or two sentences for the public announcement. Names, places and this text "
            "are all that is published."
        ),
    )


class WithdrawForm(PortalForm):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give the reason for the withdrawal.")},
    )


class NoticeCallForm(PortalForm):
    called_at = forms.DateTimeField(
        label=_("When"), widget=DateTimeInput(), input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
    )
    person_reached = forms.CharField(label=_("Person reached"), max_length=255)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ScenarioForm(PortalForm):
    body = forms.CharField(
        label=_("Scenario"),
        widget=forms.Textarea(attrs={"rows": 18}),
        error_messages={"required": _("The scenario cannot be empty.")},
    )


class ProductionForm(PortalModelForm):
    videographer_website = forms.URLField(
        label=capfirst(_("videographer's website")), required=False, assume_scheme="https"
    )
    clip_url = forms.URLField(
        label=capfirst(_("link to the finished clip")), required=False, assume_scheme="https"
    )

    class Meta:
        model = Production
        fields = [
            "first_day",
            "last_day",
            "place",
            "target_minutes",
            "videographer_name",
            "videographer_email",
            "videographer_phone",
            "videographer_website",
            "clip_url",
        ]
        widgets = {"first_day": DateInput(), "last_day": DateInput()}
        help_texts = {
            "first_day": _("A working day: no weekend, no public holiday (§2.4.2)."),
            "last_day": _(
                "A second working day within a week of the first (Friday and Monday, say), "
                "when the shooting takes two days; otherwise empty."
            ),
            "target_minutes": _("About three minutes (§2.4.2)."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            # §2.4.4 names the programme's videographer; a new production starts with them.
            self.initial.setdefault("videographer_name", settings.CLIP_VIDEOGRAPHER_NAME)
            self.initial.setdefault("videographer_website", settings.CLIP_VIDEOGRAPHER_WEBSITE)

    def _post_clean(self):
        # The service validates and saves; the model's own checks would repeat its messages.
        pass
