from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from partnerships import imports
from partnerships.enums import (
    ApplicationStatus,
    PartnershipStatus,
    Round,
    SectorCoverage,
    Voivodeship,
)
from partnerships.models import (
    Application,
    ApplicationCall,
    Institution,
    Partner,
    Partnership,
    Person,
    User,
)
from partnerships.selectors import animator_choices, users_with_role
from portal.enums import Role
from portal.forms import DateInput, DateTimeInput, PortalForm, PortalModelForm, QuickSelect


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    error_messages = {
        "invalid_login": _("Wrong e-mail or password. The password is case-sensitive."),
        "inactive": _("This account is not active."),
    }


class ApplicationFilterForm(forms.Form):
    """The staff's list of applications: a status (drafts are never listed) and a search."""

    ALL = "all"

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            (ALL, _("all statuses")),
            *((s.value, s.label) for s in ApplicationStatus if s != ApplicationStatus.DRAFT),
        ],
        initial=ApplicationStatus.SUBMITTED,
        widget=QuickSelect,
    )


class PartnershipFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    round = forms.TypedChoiceField(
        label=_("Round"),
        choices=[("", _("all rounds"))] + list(Round.choices),
        coerce=int,
        empty_value=None,
        required=False,
        widget=QuickSelect,
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("all statuses"))] + list(PartnershipStatus.choices),
        required=False,
        widget=QuickSelect,
    )
    coverage = forms.ChoiceField(
        label=_("Sectors"),
        choices=[("", _("any coverage"))] + list(SectorCoverage.choices),
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

    def __init__(self, *args, show_animator=False, **kwargs):
        super().__init__(*args, **kwargs)
        if show_animator:
            self.fields["animator"].choices = [("", _("all animators")), *animator_choices()]
        else:
            del self.fields["animator"]
        # Rendered field by field in the filter bar, so Bootstrap's classes come from here.
        for field in self.fields.values():
            is_select = isinstance(field.widget, forms.Select)
            field.widget.attrs["class"] = "form-select" if is_select else "form-control"
        self.fields["q"].widget.input_type = "search"


class PartnershipForm(PortalModelForm):
    class Meta:
        model = Partnership
        fields = ["name", "common_goal"]
        widgets = {"common_goal": forms.Textarea(attrs={"rows": 4})}


class AnimatorAssignForm(PortalForm):
    """Staff assign a partnership's animator, from a date (today unless told otherwise)."""

    animator = forms.ModelChoiceField(
        label=_("Animator"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("— no animator —"),
        error_messages={"invalid_choice": _("Choose an animator from the list.")},
    )
    assigned_on = forms.DateField(
        label=_("Date of the assignment"),
        required=False,
        widget=DateInput(),
        help_text=_(
            "The day the animator took the partnership over; the reminder about the diagnosis "
            "counts from it. Empty: today."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["animator"].queryset = users_with_role(Role.ANIMATOR).order_by(
            "last_name", "first_name", "pk"
        )


class ApplicationCallForm(PortalModelForm):
    """Staff open a call for applications, or change it."""

    class Meta:
        model = ApplicationCall
        fields = ["title", "round", "description", "opens_at", "deadline"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "opens_at": DateTimeInput(),
            "deadline": DateTimeInput(),
        }
        help_texts = {
            "description": _("Shown to libraries on the public page of calls."),
            "deadline": _("Libraries submit until this moment; drafts close with it."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("opens_at", "deadline"):
            self.fields[name].input_formats = DateTimeInput.input_formats


class InstitutionForm(PortalModelForm):
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")

    class Meta:
        model = Institution
        fields = [
            "name",
            "sector",
            "kind",
            "commune",
            "voivodeship",
            "address",
            "email",
            "phone",
            "website",
        ]


class PartnerForm(PortalModelForm):
    class Meta:
        model = Partner
        fields = ["contribution", "benefit", "joined_on"]
        widgets = {
            "contribution": forms.Textarea(attrs={"rows": 3}),
            "benefit": forms.Textarea(attrs={"rows": 3}),
            "joined_on": DateInput(),
        }


class PartnerLeaveForm(PortalForm):
    left_on = forms.DateField(label=_("Left on"), widget=DateInput())


class PersonForm(PortalModelForm):
    consent = forms.BooleanField(
        label=_("The person agreed to the processing of their personal data by the programme."),
        required=True,
        error_messages={"required": _("Without the person's consent their data cannot be added.")},
    )

    class Meta:
        model = Person
        fields = ["first_name", "last_name", "institution", "position", "email", "phone"]

    is_leader = forms.BooleanField(required=False)

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = Institution.objects.filter(
            partnerships_joined__partnership=partnership,
            partnerships_joined__left_on__isnull=True,
        ).order_by("name")
        if self.instance.pk:
            del self.fields["consent"]
        leader = partnership.leader
        if leader is None:
            del self.fields["is_leader"]
        else:
            # §2.3.3: the seminar rule recognises the leader by this link, not by the e-mail.
            field = self.fields["is_leader"]
            field.label = _(
                "This is the partnership's library leader: link the person to the leader's "
                "account (%(email)s)."
            ) % {"email": leader.email}
            field.help_text = _(
                "The e-mail above may differ from the login. Only one person is the leader: "
                "ticking it here removes the mark from anyone else."
            )
            field.initial = self.instance.pk is not None and self.instance.user_id == leader.pk


class ProgrammeImportForm(PortalForm):
    """The file of a programme import, read and checked as it is uploaded
    (``partnerships.imports.read_upload``); ``cleaned_data["file"]`` is (bytes, kind, rows)."""

    file = forms.FileField(
        label=_("XLSX or CSV file"),
        help_text=_(
            "The columns of the template file. A CSV file: UTF-8 or Windows-1250, fields "
            "separated by semicolons or commas."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def clean_file(self):
        return imports.read_upload(self.cleaned_data["file"])


class InvitationForm(PortalForm):
    email = forms.EmailField(label=_("E-mail"))
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    partnership = forms.ModelChoiceField(
        label=_("Partnership to lead"),
        queryset=Partnership.objects.order_by("name"),
        required=False,
        empty_label=_("— none —"),
        help_text=_("Only for a library leader: the partnership they will lead."),
    )

    def clean(self):
        data = super().clean()
        if data.get("partnership") and data.get("role") != Role.LEADER:
            self.add_error("partnership", _("Only a library leader leads a partnership."))
        return data


class InvitationAcceptForm(PortalForm):
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self):

        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords differ."))
        elif p1:
            try:
                password_validation.validate_password(p1, self.user)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data


APPLICATION_FIELDS = [
    "library_name",
    "library_commune",
    "library_voivodeship",
    "library_address",
    "contact_name",
    "contact_email",
    "contact_phone",
    "partnership_name",
    "common_goal",
    "planned_partners",
    "first_meeting_reflections",
    "consent",
]


class ApplicationForm(PortalModelForm):
    """Draft-friendly: only the library's name and contact e-mail are needed to save; the
    service checks the rest on submission."""

    class Meta:
        model = Application
        fields = APPLICATION_FIELDS
        widgets = {
            "common_goal": forms.Textarea(attrs={"rows": 4}),
            "planned_partners": forms.Textarea(attrs={"rows": 5}),
            "first_meeting_reflections": forms.Textarea(attrs={"rows": 5}),
        }
        labels = {
            "consent": _(
                "I agree to the processing of the personal data in this application for the "
                "purposes of the programme."
            )
        }


class ApplicationDecisionForm(PortalForm):
    QUALIFY = "qualify"
    REJECT = "reject"
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(QUALIFY, _("qualify")), (REJECT, _("reject"))],
        widget=forms.RadioSelect,
    )
    animator = forms.ModelChoiceField(
        label=_("Animator"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("— assign later —"),
        help_text=_("Can also be assigned later, on the partnership's page."),
    )
    note = forms.CharField(
        label=_("Note to the applicant"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when rejecting: the applicant receives it."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["animator"].queryset = users_with_role(Role.ANIMATOR).order_by(
            "last_name", "first_name"
        )

    def clean(self):
        data = super().clean()
        if data.get("decision") == self.REJECT and not (data.get("note") or "").strip():
            self.add_error("note", _("Give the reason: the applicant receives it."))
        return data


class OTPTokenForm(PortalForm):
    token = forms.CharField(
        label=_("Code from the app"),
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
        help_text=_("Six digits from your authenticator app."),
    )

    def clean_token(self):
        return "".join(self.cleaned_data["token"].split())


class ReminderPreferencesForm(PortalForm):
    """The language of the user's e-mails, and one checkbox per optional reminder the user's
    roles receive; ticked = sent."""

    def __init__(self, *args, reminders, off: set[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.reminder_kinds = [r.kind for r in reminders]
        for r in reminders:
            self.fields[self._name(r.kind)] = forms.BooleanField(
                label=r.label, help_text=r.description, required=False, initial=r.kind not in off
            )
        self.fields["language"] = forms.ChoiceField(
            label=_("Language of e-mails"),
            choices=settings.LANGUAGES,
            required=False,  # left out: stays as it is
            help_text=_("Every e-mail the portal sends you, reminders included."),
        )

    @staticmethod
    def _name(kind: str) -> str:
        return kind.replace(".", "__")

    def enabled_kinds(self) -> set[str]:
        return {k for k in self.reminder_kinds if self.cleaned_data.get(self._name(k))}
