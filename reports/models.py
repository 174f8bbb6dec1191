from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from partnerships.models import Person


class Anonymisation(models.Model):
    """That a person's personal data were removed (GDPR), when and by whom. One per person:
    the database refuses a second."""

    person = models.OneToOneField(
        Person,
        on_delete=models.PROTECT,
        related_name="anonymisation",
        verbose_name=_("person"),
    )
    done_at = models.DateTimeField(_("anonymised"), auto_now_add=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("anonymised by"),
    )

    class Meta:
        verbose_name = _("anonymisation")
        verbose_name_plural = _("anonymisations")
        ordering = ["-done_at"]

    def __str__(self):
        return f"#{self.person_id}"
