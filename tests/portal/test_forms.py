"""Drop-downs of the portal's forms start with a Polish empty choice, never Django's dashes;
portal.forms.QuickSelect writes the markup of Django's select."""

import pytest
from django import forms
from django.test.html import parse_html
from django.utils import translation

from clips.forms import CallForm
from events.forms import EventForm
from partnerships.forms import ApplicationDecisionForm, InstitutionForm, InvitationForm, PersonForm
from portal.forms import QuickSelect
from support.forms import MaterialsDispatchForm, SessionForm

pytestmark = pytest.mark.django_db


def _first_options(form):
    """The first option of every drop-down of ``form``, by field name."""
    with translation.override("pl"):
        return {
            name: str(list(form.fields[name].widget.choices)[0][1])
            for name, field in form.fields.items()
            if hasattr(field, "choices") and field.widget.input_type == "select"
        }


def test_required_drop_downs_ask_to_choose(world):
    forms = [
        InstitutionForm(),
        PersonForm(partnership=world.partnership_a),
        SessionForm(kind="remote"),
        MaterialsDispatchForm(),
        EventForm(),
    ]
    firsts = {name: label for form in forms for name, label in _first_options(form).items()}
    assert firsts == {
        "sector": "— wybierz —",
        "kind": "— wybierz —",
        "voivodeship": "— wybierz —",
        "institution": "— wybierz —",
        "channel": "— wybierz —",
    }


def test_optional_drop_downs_say_what_empty_means(world):
    assert _first_options(CallForm())["round"] == "— obie rundy —"
    assert _first_options(InvitationForm())["partnership"] == "— brak —"
    assert _first_options(ApplicationDecisionForm())["animator"] == "— przydziel później —"


class Both(forms.Form):
    fast = forms.ChoiceField(
        choices=[("", "wszyscy"), (1, "Anna <Nowak>"), (2, "Ewa")], widget=QuickSelect
    )
    slow = forms.ChoiceField(choices=[("", "wszyscy"), (1, "Anna <Nowak>"), (2, "Ewa")])


def test_quick_select_writes_the_markup_of_djangos_select():
    form = Both({"fast": "2", "slow": "2"})
    form.fields["fast"].widget.attrs["class"] = form.fields["slow"].widget.attrs["class"] = "x"
    fast = str(form["fast"]).replace("fast", "NAME")
    slow = str(form["slow"]).replace("slow", "NAME")
    assert parse_html(fast) == parse_html(slow)  # same elements and attributes
    assert "&lt;Nowak&gt;" in fast and '<option value="2" selected>Ewa</option>' in fast
