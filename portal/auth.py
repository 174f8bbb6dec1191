"""Login throttling (django-axes, database handler): per account across addresses and per
address across accounts, so that neither guessing one password from many addresses nor trying
one password on many accounts from one address (spraying) gets far.

- An account is locked after ``AXES_FAILURE_LIMIT`` failures in ``AXES_COOLOFF_TIME``, from
  whichever addresses they came.
- An address is locked after ``PORTAL_LOGIN_ADDRESS_FAILURE_LIMIT`` failures in that time,
  on whichever accounts. It is higher than the account's limit: a library's network may put
  several people behind one address.
- A successful login forgives the failures of its own account only: logging into one's own
  account does not wipe an address's record of trying others.
"""

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum


def axes_username(request, credentials) -> str | None:
    """The login attempt's account for django-axes: e-mails are case-insensitive here, so
    'Ala@x.pl' and 'ala@x.pl' count as one account."""
    username = (credentials or {}).get("username") or request.POST.get("username")
    return username.strip().lower() if username else None


class LoginThrottle(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None) -> int:
        """Failures as axes compares them with ``AXES_FAILURE_LIMIT``: the account's own,
        or the limit itself once the address has reached its limit. The two groups come in
        the order of ``AXES_LOCKOUT_PARAMETERS``: username, then address."""
        by_account, by_address = (
            attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        if by_address >= settings.PORTAL_LOGIN_ADDRESS_FAILURE_LIMIT:
            return max(by_account, settings.AXES_FAILURE_LIMIT)
        return by_account

    def reset_user_attempts(self, request, credentials=None) -> int:
        """On a successful login (``AXES_RESET_ON_SUCCESS``): the account's failures only,
        not everything from the address (axes' default)."""
        username = get_client_username(request, credentials)
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return count
