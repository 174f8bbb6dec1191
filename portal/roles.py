"""Who a user is in the programme. Roles are Django groups named after ``Role`` values;
staff of the support centre are also ``is_staff`` so they can use the admin."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from portal.enums import Role


def user_roles(user) -> frozenset[str]:
    """The user's role names, read once per request object."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, "_portal_roles", None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        if user.is_staff or user.is_superuser:
            names.add(Role.STAFF)
        cached = frozenset(names & set(Role.values))
        user._portal_roles = cached  # noqa: SLF001 -- our own per-request cache on the user
    return cached


def is_staff_member(user) -> bool:
    return bool(user.is_authenticated and user.is_active and (user.is_staff or user.is_superuser))


def role_required(*roles: str):
    """Anonymous users go to the login page; a logged-in user without one of ``roles`` (or
    staff) gets 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not is_staff_member(request.user) and not (user_roles(request.user) & set(roles)):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


staff_required = role_required(Role.STAFF)
