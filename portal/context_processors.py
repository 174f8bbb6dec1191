from django.conf import settings

from portal.enums import Role
from portal.roles import user_roles


def roles(request):
    """Role flags for the navigation, and the portal's own address (``PORTAL_SITE_URL``) for
    links that leave the page, never the request's Host."""
    user = getattr(request, "user", None)
    names = user_roles(user) if user is not None else frozenset()
    return {
        "is_staff_member": Role.STAFF in names,
        "is_animator": Role.ANIMATOR in names,
        "is_leader": Role.LEADER in names,
        "is_committee": Role.COMMITTEE in names,
        "site_url": settings.SITE_URL,
    }
