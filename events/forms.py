import datetime
from dataclasses import dataclass

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from events import selectors
from events.enums import Diet, EventKind
from events.models import Event
from events.services import DATA_REQUEST_MAX_LENGTH, EVENT_FIELDS
from partnerships.models import Person
from partnerships.selectors import is_leader_person
from portal.forms import DateInput, DateTimeInput, PortalForm, PortalModelForm, QuickSelect


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


@dataclass(frozen=True)
class Candidate:
    """A person who may be chosen, with what the rules of the event ask about them."""

    person: object
    from_library: bool  # works in a library of the partnership (§2.2.3)
    is_leader: bool  # the library leader (§2.3.3)


class RegistrationForm(PortalForm):
    """The leader's choice of representatives. Every rule of the choice is checked here at
    once, so the page lists all that is wrong in one go; the rules themselves are the
    service's (``events.services``: who is a library representative, who is the leader, how
    many may go), which checks them again with the event locked, with the seats and the
    registration window."""

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
        required=True,
        error_messages={
            "required": _(
                "Confirm that the partners chose their representatives together (§2.2.3, §2.3.3)."
            )
        },
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

    def __init__(
        self,
        *args,
        people,
        event,
        partnership,
        allow_waiting_list=True,
        check_rules=True,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        # Off when the service refuses anyway for another reason (the registration window is
        # closed for a leader): then its message alone is shown.
        self.check_rules = check_rules
        # Every active person of any partnership is accepted here so that the service, not
        # the form, explains why someone from another partnership cannot be chosen.

        self.event = event
        self.max_people = event.expected_people
        libraries = selectors.library_institution_ids(partnership)
        self.candidates = [
            Candidate(
                person=p,
                from_library=p.institution_id in libraries,
                is_leader=is_leader_person(p, partnership),
            )
            for p in people
        ]
        self.fields["people"].queryset = Person.objects.filter(archived_at__isnull=True)
        self.fields["people"].widget.attrs["class"] = "form-check-input"
        self.fields["people"].choices = [
            (p.pk, f"{p.full_name} ({p.institution.name})") for p in people
        ]
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

    def people_rows(self) -> list:
        """Each check box with its candidate, for the template's badges."""
        return list(zip(self["people"].subwidgets, self.candidates, strict=True))

    def chosen_count(self) -> int:
        value = self["people"].value() or []
        return len(value)

    def clean(self):
        data = super().clean()
        chosen = data.get("people")
        if chosen is None or not self.check_rules:
            return data
        limit = self.max_people
        if len(chosen) > limit:
            self.add_error(
                "people",
                ngettext(
                    "At most %(limit)d person per partnership can take part in this event.",
                    "At most %(limit)d people per partnership can take part in this event.",
                    limit,
                )
                % {"limit": limit},
            )
        by_pk = {c.person.pk: c for c in self.candidates}
        picked = [by_pk[p.pk] for p in chosen if p.pk in by_pk]
        if len(picked) != len(chosen):
            return data  # someone else's person: the service explains it
        if self.event.is_study_visit and not any(c.from_library for c in picked):
            self.add_error(
                "people",
                _(
                    "At least one representative of a library of the partnership takes "
                    "part in a study visit (§2.2.3)."
                ),
            )
        elif not self.event.is_study_visit and not any(c.is_leader for c in picked):
            self.add_error(
                "people",
                _(
                    "The library leader is one of the two representatives at the seminar "
                    "(§2.3.3). Choose the leader; if they are not marked as the leader on the "
                    "list, tick it on their person record."
                ),
            )
        self._check_fewer(data, len(chosen))
        return data

    def _check_fewer(self, data, count: int) -> None:
        """Fewer people than expected only with the confirmation and a reason (§2.2.3,
        §2.3.3), as ``events.services`` decides; said here with the other rules."""
        if count == 0 or count >= self.max_people:
            return
        if not data.get("fewer_confirmed"):
            if self.event.is_study_visit:
                text = ngettext(
                    "Three representatives of the partnership take part in a study visit "
                    "(§2.2.3) and you chose %(count)d person. If only they will come, tick the "
                    "confirmation and say why.",
                    "Three representatives of the partnership take part in a study visit "
                    "(§2.2.3) and you chose %(count)d people. If only they will come, tick the "
                    "confirmation and say why.",
                    count,
                )
            else:
                text = _(
                    "Two representatives of the partnership take part in the seminar, one of "
                    "them the library leader (§2.3.3), and you chose one person. If only they "
                    "will come, tick the confirmation and say why."
                )
            self.add_error("fewer_confirmed", text % {"count": count})
        elif not (data.get("fewer_reason") or "").strip():
            self.add_error("fewer_reason", _("Say why fewer representatives will take part."))


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


def night_label(night) -> str:
    """ "the night of 3 to 4 December 2026": the evening it starts and the next morning."""
    following = night + datetime.timedelta(days=1)
    return _("the night of %(first)s to %(second)s") % {
        "first": date_format(night, "j E"),
        "second": date_format(following, "j E Y"),
    }


class ParticipantAnswerForm(PortalForm):
    """What the person says through their own link when they confirm. The nights offered
    are the event's (``Event.lodging_nights``); the service refuses any other."""

    diet = forms.ChoiceField(label=_("Diet"), choices=Diet.choices, initial=Diet.STANDARD)
    diet_notes = forms.CharField(
        label=_("Diet: details and allergies"),
        max_length=500,
        required=False,
        help_text=_("For example: no nuts; only with “other”, or to add detail."),
    )
    accessibility_needs = forms.CharField(
        label=_("Accessibility needs"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "For example: a step-free room, an induction loop, a seat near the front. Seen "
            "only by the support centre's staff."
        ),
    )
    nights = forms.MultipleChoiceField(
        label=_("Nights of lodging"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick the nights you need a room for; leave empty if you go home."),
        error_messages={
            "invalid_choice": _("Choose only the nights the event provides lodging for.")
        },
    )
    departure_place = forms.CharField(
        label=_("Place of departure"),
        max_length=255,
        required=False,
        help_text=_("The town you travel from."),
    )
    day_phone = forms.CharField(
        label=_("Phone during the event"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        help_text=_("So that the organisers can reach you on the day."),
    )
    clause_acknowledged = forms.BooleanField(
        label=_("I have read the information clause on the processing of my personal data."),
        required=False,
    )

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        nights = event.lodging_nights()
        if nights:
            self.fields["nights"].choices = [(n.isoformat(), night_label(n)) for n in nights]
        else:
            del self.fields["nights"]

    def clean(self):
        data = super().clean()
        if data.get("diet") == Diet.OTHER and not data.get("diet_notes", "").strip():
            self.add_error("diet_notes", _("Describe the diet."))
        return data


class DataRequestForm(PortalForm):
    text = forms.CharField(
        label=_("What should be changed or removed"),
        max_length=DATA_REQUEST_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The support centre answers by e-mail to the address shown above."),
    )


class EventFilterForm(forms.Form):
    """The list of events: all, or one kind."""

    rodzaj = forms.ChoiceField(
        label=_("Kind"),
        choices=[("", _("all kinds")), *EventKind.choices],
        required=False,
        widget=QuickSelect,
    )


class ParticipantFilterForm(forms.Form):
    """The participant list of an event: a search and the attendance."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    obecnosc = forms.ChoiceField(
        label=_("Attendance"),
        choices=[
            ("", pgettext_lazy("attendance filter", "everyone")),
            (selectors.ATTENDED, pgettext_lazy("attendance filter", "attended")),
            (selectors.NOT_ATTENDED, pgettext_lazy("attendance filter", "did not attend")),
            (selectors.NOT_MARKED, pgettext_lazy("attendance filter", "not marked")),
        ],
        required=False,
        widget=QuickSelect,
    )
