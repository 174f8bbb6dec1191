from django import forms
from django.utils.translation import gettext_lazy as _

from events.enums import EventKind
from events.models import Event
from events.services import EVENT_FIELDS
from partnerships.models import Person
from partnerships.selectors import is_leader_person
from portal.forms import DateInput, PortalForm, PortalModelForm


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class EventForm(PortalModelForm):
    """Staff's form. The second day is not asked: it is always the day after the first."""

    class Meta:
        model = Event
        fields = list(EVENT_FIELDS)
        widgets = {
            "programme": forms.Textarea(attrs={"rows": 6}),
            "trainers": forms.Textarea(attrs={"rows": 3}),
            "starts_on": DateInput(),
            "registration_opens_at": DateTimeInput(),
            "registration_closes_at": DateTimeInput(),
        }
        help_texts = {
            "starts_on": _("The event lasts two days: this one and the next."),
            "host_name": _("Study visits: the person who looks after the visit (§2.2.5)."),
            "trainers": _("The seminar: who leads it, one per line (§2.3.2)."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("registration_opens_at", "registration_closes_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


class EventKindForm(PortalForm):
    """The first step of adding an event: its kind decides the defaults (§2.2.4, §2.3.4)."""

    kind = forms.ChoiceField(label=_("Kind"), choices=EventKind.choices, widget=forms.RadioSelect)


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, person):
        return f"{person.full_name} ({person.institution.name})"


class RegistrationForm(PortalForm):
    people = PeopleChoiceField(
        label=_("Representatives"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": _(
                "Choose only people of your own partnership who are on its current list."
            ),
            "invalid_pk_value": _(
                "Choose only people of your own partnership who are on its current list."
            ),
            "required": _("Choose at least one representative."),
        },
    )
    chosen_internally = forms.BooleanField(
        label=_("The partners chose these representatives together, inside the partnership."),
        required=False,
    )
    fewer_confirmed = forms.BooleanField(
        label=_("Fewer people than the programme expects will take part: I confirm it."),
        required=False,
    )
    fewer_reason = forms.CharField(
        label=_("Why fewer representatives"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only when you register fewer people than expected; staff see the reason."),
    )
    join_waiting_list = forms.BooleanField(
        label=_("If there are not enough free seats, put us on the waiting list."),
        required=False,
    )

    def __init__(self, *args, people, event, partnership, allow_waiting_list=True, **kwargs):
        super().__init__(*args, **kwargs)
        # Every active person of any partnership is accepted here so that the service, not
        # the form, explains why someone from another partnership cannot be chosen.

        def label(person):
            text = f"{person.full_name} ({person.institution.name})"
            if is_leader_person(person, partnership):
                text += " · " + str(_("library leader"))
            return text

        self.fields["people"].queryset = Person.objects.filter(archived_at__isnull=True)
        self.fields["people"].choices = [(p.pk, label(p)) for p in people]
        self.fields["people"].help_text = (
            _(
                "Three people, at least one of them from a library of the partnership "
                "(§2.2.3). Fewer only with your confirmation and the reason below."
            )
            if event.is_study_visit
            else _(
                "Two people, one of them the library leader (§2.3.3). Fewer only with your "
                "confirmation and the reason below."
            )
        )
        if not allow_waiting_list:
            del self.fields["join_waiting_list"]


class AttendanceForm(PortalForm):
    """One pair of check boxes per participant: attended, materials handed out."""

    def __init__(self, *args, participants, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for participant in participants:
            attended = f"attended_{participant.pk}"
            materials = f"materials_{participant.pk}"
            self.fields[attended] = forms.BooleanField(
                label=_("attended"), required=False, initial=bool(participant.attended)
            )
            self.fields[materials] = forms.BooleanField(
                label=_("materials handed out"),
                required=False,
                initial=participant.materials_received,
            )
            self.rows.append((participant, self[attended], self[materials]))

    def marks(self) -> dict[int, tuple[bool, bool]]:
        data = self.cleaned_data
        return {
            participant.pk: (
                data[f"attended_{participant.pk}"],
                data[f"materials_{participant.pk}"],
            )
            for participant, _a, _m in self.rows
        }
