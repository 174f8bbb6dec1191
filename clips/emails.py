"""One function per e-mail of the clips app. Each takes ids, re-reads the rows (the calling
transaction's own writes included) and queues the message in the outbox (``portal.mail``), in
the caller's transaction."""

from django.urls import reverse

from clips.models import ClipCall, Production, Selection
from clips.selectors import candidates_for_member
from portal.mail import absolute_url, queue_templated_mail


def send_call_opened(call_pk: int) -> None:
    """To each committee member: the call is open, with the scoring deadline."""
    call = ClipCall.objects.get(pk=call_pk)
    url = absolute_url(reverse("clips:score_list", args=[call.pk]))
    for member in call.committee.filter(is_active=True).order_by("pk"):
        queue_templated_mail(
            "clip_call_opened",
            to=member.email,
            recipient=member,
            about=call,
            context={"call": call, "member": member, "url": url},
        )


def send_scoring_reminder(call_pk: int, member_pk: int) -> None:
    """To a member with candidates left to score: scoring closes soon."""
    call = ClipCall.objects.get(pk=call_pk)
    member = call.committee.get(pk=member_pk)
    left = candidates_for_member(call, member).filter(my_progress__isnull=True).count()
    queue_templated_mail(
        "clip_scoring_reminder",
        to=member.email,
        recipient=member,
        about=call,
        context={
            "call": call,
            "member": member,
            "left": left,
            "url": absolute_url(reverse("clips:score_list", args=[call.pk])),
        },
    )


def _selection(pk: int) -> Selection:
    return Selection.objects.select_related(
        "call", "partnership__leader", "partnership__lead_library"
    ).get(pk=pk)


def send_selection_notice(selection_pk: int) -> None:
    """§2.4.6: to the leader, the partnership is selected for a clip; the scenario is waiting."""
    selection = _selection(selection_pk)
    leader = selection.partnership.leader
    queue_templated_mail(
        "clip_selection_notice",
        to=leader.email,
        recipient=leader,
        about=selection.partnership,
        context={
            "selection": selection,
            "partnership": selection.partnership,
            "leader": leader,
            "url": absolute_url(reverse("clips:selection_detail", args=[selection.pk])),
        },
    )


def send_production_introduction(production_pk: int) -> None:
    """§2.4.7: the leader gets the videographer's contacts and the videographer the leader's."""
    production = Production.objects.select_related(
        "selection__partnership__leader", "selection__partnership__lead_library"
    ).get(pk=production_pk)
    partnership = production.selection.partnership
    context = {"production": production, "partnership": partnership, "leader": partnership.leader}
    queue_templated_mail(
        "clip_introduction_leader",
        to=partnership.leader.email,
        recipient=partnership.leader,
        about=partnership,
        context=context,
    )
    queue_templated_mail(
        "clip_introduction_videographer",
        to=production.videographer_email,
        about=partnership,
        context=context,
    )
