from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from evaluations import selectors, services
from evaluations.forms import SurveyForm
from portal.roles import staff_required
from portal.web import add_service_errors, form_status, paginate


@never_cache
@require_http_methods(["GET", "POST"])
def survey(request, token):
    """The survey behind a participant's secret link, without an account. A wrong token
    answers 404, a closed survey 410, a second submission 409; none of them says whose link
    it was."""
    invitation = selectors.invitation_for_token(token)
    event = invitation.event
    context = {"event": event, "last_day": selectors.last_day(event)}
    if invitation.answered:
        status = 409 if request.method == "POST" else 200
        return render(request, "evaluations/survey_answered.html", context, status=status)
    if selectors.is_closed(event):
        return render(request, "evaluations/survey_closed.html", context, status=410)
    if not selectors.is_open(event):  # no link goes out before the survey opens
        raise Http404
    questionnaire = selectors.questionnaire_for(event.kind)
    questions = questionnaire.questions.all()
    form = SurveyForm(request.POST if request.method == "POST" else None, questions=questions)
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_submit(invitation=invitation, answers=form.answers())
        except services.AlreadyAnswered:
            return render(request, "evaluations/survey_answered.html", context, status=409)
        except services.SurveyClosed:
            return render(request, "evaluations/survey_closed.html", context, status=410)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("evaluations:survey", token=token)
    context.update(form=form, questionnaire=questionnaire)
    return render(request, "evaluations/survey_form.html", context, status=form_status(form))


@staff_required
def result_list(request):
    page = paginate(request, selectors.evaluated_events(), page_first=True)
    return render(request, "evaluations/result_list.html", {"page": page})


@staff_required
def event_results(request, pk):
    event = selectors.event_for_results(request.user, pk)
    context = {
        "event": event,
        "results": selectors.results_for_event(event),
        "opens_on": selectors.opens_on(event),
        "last_day": selectors.last_day(event),
        "is_open": selectors.is_open(event),
        "is_closed": selectors.is_closed(event),
    }
    return render(request, "evaluations/event_results.html", context)
