from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partnerships.enums import Round, Voivodeship
from partnerships.selectors import animator_choices
from portal.forms import DateInput, PortalForm, PortalModelForm, QuickSelect
from portal.web import add_service_errors
from support.enums import (
    DURATION_PRESETS,
    OPEN_POTENTIAL_STATUSES,
    PLAN_SECTIONS,
    Channel,
    SessionKind,
    TrainingTopic,
)
from support.models import (
    DevelopmentPlan,
    DiagnosisRecord,
    HourBudget,
    MaterialsDispatch,
    Meeting1Record,
    Meeting2Record,
    PartnerReport,
    PlanAction,
    PotentialPartner,
    SupportSession,
)
from support.selectors import format_minutes
from support.services import hour_budget_validate, materials_dispatch_validate


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


OTHER_DURATION = "other"

# The channels on the log pages, in the order an animator uses them most, each in the words
# of the timeline; "in person" also says it was a meeting.
CHANNEL_CHOICE_LABELS = {
    Channel.PHONE: Channel.PHONE.label,
    Channel.EMAIL: Channel.EMAIL.label,
    Channel.VIDEO: Channel.VIDEO.label,
    Channel.LABIB: Channel.LABIB.label,
    Channel.IN_PERSON: _("in person (a meeting)"),
}


class ChoiceButtons(forms.RadioSelect):
    """Radio buttons drawn as large buttons (Bootstrap's ``btn-check``): still radios, so they
    work by keyboard and without JavaScript."""

    def __init__(self, attrs=None, choices=()):
        super().__init__({"class": "btn-check", "autocomplete": "off", **(attrs or {})}, choices)


class SessionForm(PortalModelForm):
    """One contact. The length is one click on a preset or typed in (quarter hours); the
    channel is one click among a few buttons, none pre-chosen except for the meetings."""

    duration_preset = forms.ChoiceField(label=_("Duration"), required=False, widget=ChoiceButtons())

    class Meta:
        model = SupportSession
        fields = ["channel", "held_on", "duration_minutes", "notes"]
        labels = {"duration_minutes": _("Other duration, in minutes")}
        widgets = {
            "channel": ChoiceButtons(),
            "held_on": DateInput(),
            "duration_minutes": forms.NumberInput(attrs={"step": 15, "min": 15}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, kind=None, **kwargs):
        super().__init__(*args, **kwargs)
        if kind is not None:
            # The model's clean needs the kind (remote support is never in person).
            self.instance.kind = kind
        channels = [
            (value, CHANNEL_CHOICE_LABELS[value])
            for value in CHANNEL_CHOICE_LABELS
            if not (kind == SessionKind.REMOTE and value == Channel.IN_PERSON)
        ]
        self.fields["channel"].choices = channels  # no "---------": one click chooses
        self.fields["channel"].error_messages["required"] = _(
            "Choose how you were in touch: by phone, e-mail, video call, labib.pl or in person."
        )
        self.fields["duration_preset"].choices = [
            *((str(m), format_minutes(m)) for m in DURATION_PRESETS),
            (OTHER_DURATION, _("other")),
        ]
        self.fields["duration_minutes"].required = False
        self.fields["duration_minutes"].help_text = _(
            "In quarter hours: 15, 30, 45, 60 … Type it when none of the lengths above fits."
        )
        if self.instance.pk:
            duration = self.instance.duration_minutes
            if duration in DURATION_PRESETS:
                self.initial["duration_preset"] = str(duration)
                self.initial["duration_minutes"] = None
            else:
                self.initial["duration_preset"] = OTHER_DURATION
        else:
            self.initial.setdefault("held_on", timezone.localdate())
            if kind in (SessionKind.MEETING_1, SessionKind.MEETING_2):
                self.initial.setdefault("channel", Channel.IN_PERSON)

    def clean(self):
        data = super().clean()
        preset = data.get("duration_preset")
        typed = data.get("duration_minutes")
        typed_failed = "duration_minutes" in self.errors
        if preset and preset != OTHER_DURATION:
            chosen = int(preset)
            if typed is not None and typed != chosen:
                self.add_error(
                    "duration_minutes",
                    _("You chose %(chosen)s and typed %(typed)s minutes: keep one of them.")
                    % {"chosen": format_minutes(chosen), "typed": typed},
                )
            data["duration_minutes"] = chosen
        elif typed is None and not typed_failed:
            self.add_error(
                "duration_minutes",
                _("Choose how long the contact took, or type the minutes."),
            )
        return data


class ContactForm(SessionForm):
    """The "+ contact" page: the kind is chosen here too, among the kinds without a record
    that the order of support allows now (``EVERYDAY_KINDS``)."""

    kind = forms.ChoiceField(label=_("What was it about?"), widget=ChoiceButtons())

    class Meta(SessionForm.Meta):
        fields = ["kind", *SessionForm.Meta.fields]

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k.value, SessionKind(k).label) for k in kinds]
        self.fields["kind"].error_messages["invalid_choice"] = _(
            "This kind of contact cannot be logged now: support starts with the diagnosis."
        )
        if SessionKind.REMOTE in kinds:
            self.initial.setdefault("kind", SessionKind.REMOTE)


class DiagnosisRecordForm(PortalModelForm):
    class Meta:
        model = DiagnosisRecord
        fields = ["state", "development", "potential"]
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in fields}


class Meeting1RecordForm(PortalModelForm):
    next_meeting_on = forms.DateField(
        label=_("Date of the next meeting"),
        widget=DateInput(),
        help_text=_("Agreed at this meeting (§2.1.2); it goes to the calendars."),
        error_messages={"required": _("Give the date of the next meeting agreed at this meeting.")},
    )
    next_meeting_time = forms.TimeField(label=_("Time"), required=False, widget=TimeInput())
    next_meeting_place = forms.CharField(label=_("Place"), required=False, max_length=255)

    class Meta:
        model = Meeting1Record
        fields = ["experience_assessment", "planned_actions"]
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in fields}

    def __init__(self, *args, planned_meeting=None, **kwargs):
        super().__init__(*args, **kwargs)
        if planned_meeting is not None:
            self.initial.update(
                next_meeting_on=planned_meeting.planned_on,
                next_meeting_time=planned_meeting.starts_at,
                next_meeting_place=planned_meeting.place,
            )


class Meeting2RecordForm(PortalModelForm):
    class Meta:
        model = Meeting2Record
        fields = ["progress", "training_topic"]
        widgets = {
            "progress": forms.Textarea(attrs={"rows": 3}),
            "training_topic": forms.RadioSelect,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["training_topic"].choices = TrainingTopic.choices  # no empty radio


RECORD_FORMS = {
    SessionKind.DIAGNOSIS: (DiagnosisRecordForm, "diagnosis_record"),
    SessionKind.MEETING_1: (Meeting1RecordForm, "meeting1_record"),
    SessionKind.MEETING_2: (Meeting2RecordForm, "meeting2_record"),
}


def record_form_for(kind: str, data=None, session: SupportSession | None = None):
    """The record form that goes with a kind of session, or None."""
    if kind not in RECORD_FORMS:
        return None
    form_class, related = RECORD_FORMS[kind]
    kwargs = {"prefix": "record"}
    if session is not None:
        kwargs["instance"] = getattr(session, related, None)
        if kind == SessionKind.MEETING_1:
            kwargs["planned_meeting"] = getattr(session, "planned_meeting", None)
    return form_class(data, **kwargs)


class WithdrawForm(PortalForm):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: logged twice, or logged for the wrong partnership."),
    )


class PartnerReportForm(PortalModelForm):
    class Meta:
        model = PartnerReport
        fields = ["reported_on", "how_spread"]
        widgets = {"reported_on": DateInput(), "how_spread": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.initial.setdefault("reported_on", timezone.localdate())


AFTER_SUPPORT_LABEL = _(
    "The materials were sent after the animator's support began (§2.5.1): I confirm it."
)


class MaterialsDispatchForm(PortalModelForm):
    after_support_confirmed = forms.BooleanField(label=AFTER_SUPPORT_LABEL, required=False)

    class Meta:
        model = MaterialsDispatch
        fields = ["what", "sent_on", "channel", "attachment"]
        widgets = {"what": forms.Textarea(attrs={"rows": 3}), "sent_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("sent_on", timezone.localdate())


class MaterialsDispatchAdminForm(forms.ModelForm):
    """The admin's form: the same confirmation as on the staff page, checked in ``clean`` to
    show the message next to the field (the admin saves through the services, which check
    again under the budget row's lock)."""

    after_support_confirmed = forms.BooleanField(label=AFTER_SUPPORT_LABEL, required=False)

    class Meta:
        model = MaterialsDispatch
        fields = ["partnership", "what", "sent_on", "channel", "attachment"]

    def clean(self):
        data = super().clean()
        partnership = self.instance.partnership if self.instance.pk else data.get("partnership")
        sent_on = data.get("sent_on")
        changed = not self.instance.pk or sent_on != self.instance.sent_on
        if partnership is not None and changed and not self.errors:
            try:
                materials_dispatch_validate(
                    partnership=partnership,
                    sent_on=sent_on,
                    after_support_confirmed=data.get("after_support_confirmed", False),
                )
            except forms.ValidationError as exc:
                add_service_errors(self, exc)
        return data


class HourBudgetAdminForm(forms.ModelForm):
    """The admin's budget form: every change needs a new reason."""

    class Meta:
        model = HourBudget
        fields = ["partnership", "minutes", "reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = True
        if self.instance.pk:
            self.initial["reason"] = ""

    def clean(self):

        data = super().clean()
        partnership = self.instance.partnership if self.instance.pk else data.get("partnership")
        if partnership is not None and not self.errors:
            # Checked here to show the message next to the field; the admin saves through
            # ``hour_budget_set``, which checks again under the budget row's lock.
            try:
                hour_budget_validate(
                    partnership=partnership,
                    minutes=data.get("minutes"),
                    reason=data.get("reason", ""),
                )
            except forms.ValidationError as exc:
                add_service_errors(self, exc)
        return data


class PlanSectionsForm(PortalModelForm):
    """The plan's text. ``version`` is the version the form was loaded at (optimistic lock)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    class Meta:
        model = DevelopmentPlan
        fields = list(PLAN_SECTIONS)
        widgets = {name: forms.Textarea(attrs={"rows": 6}) for name in PLAN_SECTIONS}
        help_texts = {
            "concept": _(
                "The idea of cooperation worked out at the meetings: who works "
                "together and what each partner brings and gains."
            ),
            "needs": _("The local problems and needs the partnership addresses."),
            "goals": _("What the partnership wants to achieve."),
            "promotion": _("How the partnership will tell the community about its work."),
            "evaluation": _("How the partners will check what worked."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.setdefault("version", self.instance.version)


class PlanActionForm(PortalModelForm):
    class Meta:
        model = PlanAction
        fields = ["what", "partner", "starts_on", "ends_on", "resources"]
        widgets = {
            "what": forms.Textarea(attrs={"rows": 2}),
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "resources": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "resources": _("People, rooms, equipment, money: what the action needs and from whom."),
        }

    def __init__(self, *args, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = partners
        self.fields["partner"].label_from_instance = lambda p: p.institution.name
        self.fields["partner"].error_messages["invalid_choice"] = _(
            "Choose an active partner of this partnership."
        )


class PotentialPartnerForm(PortalModelForm):
    """An institution being approached (§1.2). The animator's help (§2.1.1) is shown only to
    those who may write it: the animator and staff."""

    class Meta:
        model = PotentialPartner
        fields = [
            "name",
            "sector",
            "kind",
            "contact_person",
            "contacted_by",
            "contacted_on",
            "status",
            "outcome",
            "animator_help",
        ]
        widgets = {
            "contacted_on": DateInput(),
            "outcome": forms.Textarea(attrs={"rows": 3}),
            "animator_help": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, can_note_help: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            (value, label)
            for value, label in self.fields["status"].choices
            if value in OPEN_POTENTIAL_STATUSES
        ]
        if not can_note_help:
            del self.fields["animator_help"]
        if not self.instance.pk:
            self.initial.setdefault("contacted_on", timezone.localdate())


class PotentialPartnerJoinForm(PortalForm):
    """What the institution brings and gains as a partner (§1.2)."""

    contribution = forms.CharField(
        label=_("Contribution"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the partner brings."),
    )
    benefit = forms.CharField(
        label=_("Benefit"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the partner gains from working together."),
    )
    commune = forms.CharField(
        label=_("Commune"),
        max_length=120,
        required=False,
        help_text=_("Leave empty when it is the lead library's commune."),
    )
    joined_on = forms.DateField(label=_("Joined on"), widget=DateInput(), required=False)


class MissingSectorFilterForm(forms.Form):
    """The dashboard's filters (round, voivodeship, animator) on the list of partnerships
    missing a sector with candidates in view; a value not understood is ignored."""

    round = forms.TypedChoiceField(
        label=_("Round"),
        choices=[("", _("all rounds")), *Round.choices],
        coerce=int,
        empty_value=None,
        required=False,
        widget=QuickSelect,
    )
    voivodeship = forms.ChoiceField(
        label=_("Voivodeship"),
        choices=[("", _("all voivodeships")), *Voivodeship.choices],
        required=False,
        widget=QuickSelect,
    )
    animator = forms.TypedChoiceField(
        label=_("Animator"), coerce=int, empty_value=None, required=False, widget=QuickSelect
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["animator"].choices = [("", _("all animators")), *animator_choices()]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"

    def filters(self) -> dict:
        """The filters understood (each field on its own: a bad one does not drop the rest)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = self.cleaned_data
        return {
            "round": data.get("round"),
            "voivodeship": data.get("voivodeship") or "",
            "animator_id": data.get("animator"),
        }
