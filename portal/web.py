"""Small helpers that views of every app share."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.utils.http import url_has_allowed_host_and_scheme


def paginate(request, queryset, per_page: int | None = None):
    """The requested page; a missing, malformed or too-large number gives the nearest page."""
    paginator = Paginator(queryset, per_page or settings.PAGINATE_BY)
    return paginator.get_page(request.GET.get("page"))


def add_service_errors(form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: next to the field it names when the form
    has that field, otherwise above the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def querystring_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def form_status(*forms) -> int:
    """400 when a submitted form comes back with errors (bad input is a 4xx), else 200."""
    return 400 if any(form.is_bound and form.errors for form in forms) else 200


def safe_next_url(request, default: str) -> str:
    """The ``next`` address sent with the form (or in the query) when it is a path on this
    site, else ``default``. Only a local path is followed: never another host or scheme, nor a
    protocol-relative ``//host``, so the parameter cannot send a user away (open redirect)."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if (
        candidate.startswith("/")
        and not candidate.startswith(("//", "/\\"))
        and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return candidate
    return default
