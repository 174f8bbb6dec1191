from django import forms
from django.test.html import parse_html

from portal.forms import QuickSelect


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
