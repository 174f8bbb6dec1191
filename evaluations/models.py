"""The evaluation of an event (§1.1: joint implementation and evaluation).

Anonymity is kept by the schema: the only rows that name a person are ``Invitation`` (who was
asked) and its ``AnswerMark`` (that they answered: no time, no content). ``Response`` and
``Answer`` name the event and the questions only, carry no time stamp and no history, and
their keys are random (UUID), so neither their order nor a key leads back to an invitation."""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from evaluations.enums import QuestionKind
from events.enums import EventKind
from events.models import Event, Participant


class Questionnaire(models.Model):
    """The questions asked after every event of one kind; staff edit them until the first
    answer to them exists."""

    kind = models.CharField(
        _("kind of event"), max_length=16, choices=EventKind.choices, unique=True
    )
    introduction = models.TextField(
        _("introduction"), blank=True, help_text=_("Shown above the questions.")
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["kind"]

    def __str__(self):
        return str(self.get_kind_display())


class Question(models.Model):
    questionnaire = models.ForeignKey(
        Questionnaire,
        on_delete=models.PROTECT,
        related_name="questions",
        verbose_name=_("questionnaire"),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    kind = models.CharField(
        _("kind of question"),
        max_length=8,
        choices=QuestionKind.choices,
        default=QuestionKind.RATING,
    )
    text = models.CharField(_("question"), max_length=300)
    required = models.BooleanField(_("answer required"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["questionnaire", "position", "pk"]

    def __str__(self):
        return self.text

    @property
    def is_rating(self):
        return self.kind == QuestionKind.RATING


class Invitation(models.Model):
    """A participant marked present, asked to evaluate the event. Names the person; holds
    nothing of what they answered."""

    participant = models.OneToOneField(
        Participant,
        on_delete=models.PROTECT,
        related_name="evaluation_invitation",
        verbose_name=_("participant"),
    )
    # Copied from the participant, for the counts per event.
    event = models.ForeignKey(
        Event,
        on_delete=models.PROTECT,
        related_name="evaluation_invitations",
        verbose_name=_("event"),
    )
    created_at = models.DateTimeField(_("invited"), auto_now_add=True)

    class Meta:
        verbose_name = _("evaluation invitation")
        verbose_name_plural = _("evaluation invitations")
        ordering = ["event", "pk"]

    def __str__(self):
        return f"{self.event} · {self.participant_id}"


class InvitationLink(models.Model):
    """One secret link sent to the person (the invitation and each reminder carry their own);
    only the token's hash is stored (``portal.tokens``)."""

    invitation = models.ForeignKey(
        Invitation, on_delete=models.CASCADE, related_name="links", verbose_name=_("invitation")
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("link to the survey")
        verbose_name_plural = _("links to the survey")

    def __str__(self):
        return f"{self.invitation_id}"


class AnswerMark(models.Model):
    """That the invitation's person has answered, and nothing else: no time, no link to the
    response. Its primary key is the invitation, so the database itself refuses a second
    answer from one person, however many requests race."""

    invitation = models.OneToOneField(
        Invitation,
        on_delete=models.PROTECT,
        primary_key=True,
        related_name="answer_mark",
        verbose_name=_("invitation"),
    )

    class Meta:
        verbose_name = _("answered")
        verbose_name_plural = _("answered")

    def __str__(self):
        return f"{self.invitation_id}"


class Response(models.Model):
    """One person's filled questionnaire, without the person."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event = models.ForeignKey(
        Event,
        on_delete=models.PROTECT,
        related_name="evaluation_responses",
        verbose_name=_("event"),
    )
    questionnaire = models.ForeignKey(
        Questionnaire,
        on_delete=models.PROTECT,
        related_name="responses",
        verbose_name=_("questionnaire"),
    )

    class Meta:
        verbose_name = _("evaluation response")
        verbose_name_plural = _("evaluation responses")

    def __str__(self):
        return f"{self.event_id}: {self.pk}"


class Answer(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, related_name="answers", verbose_name=_("response")
    )
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="answers", verbose_name=_("question")
    )
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    text = models.TextField(_("answer"), blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"], name="evaluation_answer_once_per_question"
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="evaluation_rating_from_1_to_5",
            ),
        ]

    def __str__(self):
        return str(self.rating) if self.rating else self.text[:60]
