from django import forms
from django.utils.translation import gettext_lazy as _

from evaluations.enums import RATINGS
from portal.forms import PortalForm

OPEN_ANSWER_MAX = 2000


class SurveyForm(PortalForm):
    """One field per question of the questionnaire, named ``q<question id>``."""

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for question in self.questions:
            if question.is_rating:
                field = forms.TypedChoiceField(
                    label=question.text,
                    choices=[(r, str(r)) for r in RATINGS],
                    coerce=int,
                    widget=forms.RadioSelect,
                    required=question.required,
                    error_messages={
                        "required": _("Choose a rating from 1 to 5."),
                        "invalid_choice": _("A rating is a whole number from 1 to 5."),
                    },
                )
            else:
                field = forms.CharField(
                    label=question.text,
                    widget=forms.Textarea(attrs={"rows": 4}),
                    max_length=OPEN_ANSWER_MAX,
                    required=question.required,
                )
            self.fields[f"q{question.pk}"] = field

    def rows(self):
        """(question, bound field) in the questionnaire's order, for the template."""
        return [(question, self[f"q{question.pk}"]) for question in self.questions]

    def answers(self) -> dict[int, object]:
        return {
            question.pk: self.cleaned_data.get(f"q{question.pk}") for question in self.questions
        }
