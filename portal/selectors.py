"""Reads of the platform's own data: reminders a user receives, and the outbox as staff see
it (every outbox read is for staff: views call these behind ``staff_required``)."""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from portal import reminders
from portal.enums import MessageStatus
from portal.models import OutboxMessage, PublicInformation
from portal.roles import user_roles

# The outbox page's filters: what needs a look (not sent yet, or never will be) first.
MESSAGE_GROUPS = {
    "attention": (MessageStatus.FAILED, MessageStatus.QUEUED, MessageStatus.SENDING),
    "failed": (MessageStatus.FAILED,),
    "waiting": (MessageStatus.QUEUED, MessageStatus.SENDING),
    "sent": (MessageStatus.SENT,),
    "all": None,
}
# Rows of a partnership's or a person's page; the outbox page has them all.
MESSAGES_ON_A_PAGE = 10


def reminders_for_user(user) -> tuple[list, list]:
    """The reminders the user's roles receive: ``(essential, optional)``, each a list of
    ``portal.reminders.Reminder``; optional ones can be switched off."""
    roles = user_roles(user)
    mine = [r for _k, r in sorted(reminders.registered().items()) if roles & set(r.roles)]
    return [r for r in mine if r.essential], [r for r in mine if not r.essential]


def reminder_kinds_off(user) -> set[str]:
    return set(user.reminder_opt_outs.values_list("kind", flat=True))


def public_information():
    """The facts the public information pages show: staff's row, or the defaults until they
    write one (an unsaved instance, never created by a read)."""

    return PublicInformation.objects.first() or PublicInformation()


def _messages() -> QuerySet[OutboxMessage]:
    # The HTML part and the attachments are only needed to send.
    return OutboxMessage.objects.defer("body_html", "attachments", "headers")


def outbox_messages(*, group: str = "attention", search: str = "", about=None):
    """The outbox page: messages of ``group`` (``MESSAGE_GROUPS``), newest first, matching
    ``search`` in the address or the subject, about ``about`` (a row) when given."""
    messages = _messages()
    statuses = MESSAGE_GROUPS.get(group, MESSAGE_GROUPS["attention"])
    if statuses is not None:
        messages = messages.filter(status__in=statuses)
    if search:
        messages = messages.filter(Q(to__icontains=search) | Q(subject__icontains=search))
    if about is not None:
        messages = messages.filter(
            about_type=ContentType.objects.get_for_model(about), about_id=about.pk
        )
    return messages.order_by("-created_at", "-pk")


def outbox_counts() -> dict[str, int]:
    """How many messages failed and how many wait (one query), for the page's tabs."""
    return OutboxMessage.objects.aggregate(
        failed=Count("pk", filter=Q(status=MessageStatus.FAILED)),
        waiting=Count("pk", filter=Q(status__in=MESSAGE_GROUPS["waiting"])),
    )


def outbox_message_get(pk: int) -> OutboxMessage:
    message = OutboxMessage.objects.select_related("recipient", "created_by").filter(pk=pk).first()
    if message is None:
        raise Http404
    return message


def messages_about(obj, limit: int = MESSAGES_ON_A_PAGE) -> list[OutboxMessage]:
    """The latest messages about a row (a partnership), one query."""
    return list(outbox_messages(group="all", about=obj)[:limit])


def messages_to(address: str, limit: int = MESSAGES_ON_A_PAGE) -> list[OutboxMessage]:
    """The latest messages to an address (a person's), one query."""
    return list(
        _messages().filter(to=address.strip().lower()).order_by("-created_at", "-pk")[:limit]
    )


def about_key(obj) -> str:
    """``app_label.model:pk``: how the outbox page's address names what messages are about."""
    meta = obj._meta
    return f"{meta.app_label}.{meta.model_name}:{obj.pk}"


def about_from_key(key: str):
    """The row a key of ``about_key`` names; a malformed key or a missing row is a 404."""
    label, _sep, pk = key.partition(":")
    app_label, _dot, model = label.partition(".")
    try:
        content_type = ContentType.objects.get_by_natural_key(app_label, model)
        return content_type.get_object_for_this_type(pk=int(pk))
    except (ValueError, ContentType.DoesNotExist, ObjectDoesNotExist) as exc:
        raise Http404 from exc
