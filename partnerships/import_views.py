"""Staff pages of the programme import (``partnerships.imports``): upload, preview with each
row's errors, confirm, and the template file."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from partnerships import imports
from partnerships.forms import ProgrammeImportForm
from portal.roles import staff_required
from portal.spreadsheets import xlsx_response
from portal.web import form_status

# The counts of the last confirmed import, shown once on the import page after the redirect.
RESULT_KEY = "programme_import_result"


def _preview(request, *, token: str, report, status: int | None = None):
    return render(
        request,
        "partnerships/programme_import_preview.html",
        {"token": token, "report": report},
        status=status or (400 if report.has_errors else 200),
    )


@staff_required
@require_http_methods(["GET", "POST"])
def programme_import(request):
    """Upload: a file that cannot be read, or has the wrong columns, is refused here; a
    readable one is checked row by row (nothing is saved) for the preview, and kept for the
    confirmation when no row has an error."""
    form = ProgrammeImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data, kind, dataset = form.cleaned_data["file"]
        report = imports.programme_import(dataset=dataset, actor=request.user, commit=False)
        # Only a file that can be imported waits for its confirmation.
        token = "" if report.has_errors else imports.keep(data, kind)
        return _preview(request, token=token, report=report)
    return render(
        request,
        "partnerships/programme_import.html",
        {"form": form, "result": request.session.pop(RESULT_KEY, None)},
        status=form_status(form),
    )


@staff_required
@require_POST
def programme_import_confirm(request):
    """Import the kept file in one transaction, checking every row again: what changed since
    the preview is caught, and a row with an error saves nothing at all."""
    token = request.POST.get("token", "")
    try:
        dataset = imports.kept_dataset(token)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("programme_import")
    report = imports.programme_import(dataset=dataset, actor=request.user, commit=True)
    imports.forget(token)
    if not report.committed:  # a row changed meanwhile: the corrected file is uploaded again
        return _preview(request, token="", report=report, status=400)
    request.session[RESULT_KEY] = report.counts
    messages.success(request, _("The file was imported."))
    return redirect("programme_import")


@staff_required
def programme_import_template(request):
    return xlsx_response(imports.template_sheets(), filename=_("import-template.xlsx"))
