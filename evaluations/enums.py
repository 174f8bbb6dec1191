import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _


class QuestionKind(models.TextChoices):
    RATING = "rating", _("rating from 1 to 5")
    OPEN = "open", _("open question")


RATINGS = (1, 2, 3, 4, 5)

# §1.1 "wspólna realizacja i ewaluacja": after each event (§2.2, §2.3) the people who attended
# answer a short questionnaire. The link goes out the day after the second day; reminders to
# those who have not answered 3 and 7 days after the link; the survey closes 14 days after it.
OPENS_AFTER_END = datetime.timedelta(days=1)
REMINDER_DAYS = (3, 7)
OPEN_FOR = datetime.timedelta(days=14)
