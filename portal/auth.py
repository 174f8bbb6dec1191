def axes_username(request, credentials) -> str | None:
    """The login attempt's account for django-axes: e-mails are case-insensitive here, so
    'Ala@x.pl' and 'ala@x.pl' count as one account."""
    username = (credentials or {}).get("username") or request.POST.get("username")
    return username.strip().lower() if username else None
