"""What the clips app plugs into the platform (``portal.hooks``), from ``ClipsConfig.ready``:
its scoring reminder, the dashboard's clip panel, the clip scores export and its demo data."""

from collections.abc import Iterator

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from clips import demo, selectors, tasks
from clips.enums import CallStatus, SelectionStatus
from clips.models import ClipCall, Score, Selection
from partnerships.models import User
from portal import hooks


def _count(qs) -> Subquery:
    return Coalesce(
        Subquery(
            qs.order_by().values("call").annotate(n=Count("pk")).values("n"),
            output_field=IntegerField(),
        ),
        0,
    )


def call_progress(filters) -> dict:
    """Per open call: eligible candidates, scores given of those expected (each active
    member scores every eligible candidate they do not animate) and partnerships selected of
    the number of clips. Two queries, plus one per open call (there is usually one). The
    dashboard's filters do not apply: a call spans the whole programme (or its round)."""
    calls = (
        ClipCall.objects.filter(status=CallStatus.OPEN)
        .annotate(
            scores_given=_count(Score.objects.filter(call=OuterRef("pk"))),
            selected=_count(
                Selection.objects.filter(call=OuterRef("pk"), status=SelectionStatus.SELECTED)
            ),
        )
        .prefetch_related(
            Prefetch(
                "committee",
                queryset=User.objects.filter(is_active=True).only("pk"),
                to_attr="active_members",
            )
        )
        .order_by("scoring_deadline", "pk")
    )
    rows = []
    for call in calls:
        candidates = list(selectors.eligible_ids(call).values())
        expected = sum(
            1 for member in call.active_members for animator in candidates if animator != member.pk
        )
        rows.append(
            {
                "call": call,
                "eligible": len(candidates),
                "scores_given": call.scores_given,
                "scores_expected": expected,
                "selected": call.selected,
            }
        )
    return {"calls": rows}


def score_header() -> list:
    return [
        _("Call"),
        _("Partnership"),
        _("Committee member"),
        _("Progress"),
        _("Creativity"),
        _("Mean"),
        _("Comment"),
        _("Scored"),
    ]


def score_rows(filters) -> Iterator[tuple]:
    """One row per score, the dashboard's filters applied to the partnership (one query)."""
    qs = filters.apply(Score.objects.all(), prefix="partnership__").select_related(
        "call", "partnership", "member"
    )
    for score in qs.order_by("call__scoring_deadline", "call_id", "partnership__name", "pk"):
        yield (
            score.call.title,
            score.partnership.name,
            score.member.get_full_name() or score.member.email,
            score.progress,
            score.creativity,
            score.mean,
            score.comment,
            score.updated_at,
        )


def register() -> None:
    hooks.register_reminder(tasks.scoring_closes_soon)
    hooks.register_dashboard_panel(
        _("Promotional clip calls in progress"), "clips/_dashboard_progress.html", call_progress
    )
    hooks.register_export("clip_scores", _("Promotional clip scores"), score_header(), score_rows)
    hooks.register_leader_todo_source(selectors.leader_todos)
    hooks.register_path_source(selectors.path_steps)
    hooks.register_demo_loader(demo.load)
