"""Sending one templated e-mail: subject, text and HTML from ``templates/emails/<name>*``.

Other apps reuse this; each message has its own function in its app's ``emails.py``."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def send_templated_mail(
    name: str, *, to: list[str], context: dict, attachments=(), language: str | None = None
) -> None:
    """Render ``emails/<name>_subject.txt``, ``<name>.txt`` and ``<name>.html`` and send them.

    Rendered in Polish unless ``language`` says otherwise: the recipients of programme mail
    may have no account and so no language of their own."""
    context = {"site_url": settings.SITE_URL, **context}
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"emails/{name}_subject.txt", context).split())
        text = render_to_string(f"emails/{name}.txt", context)
        html = render_to_string(f"emails/{name}.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=to)
    message.attach_alternative(html, "text/html")
    for filename, content, mimetype in attachments:
        message.attach(filename, content, mimetype)
    message.send()
