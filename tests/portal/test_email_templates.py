"""Every e-mail greets the same way in Polish: "Dzień dobry," without a name. A first name in
the nominative ("Dzień dobry, Krzysztof,") is wrong in Polish, and the vocative cannot be
made reliably from a name, so no e-mail puts one in its greeting."""

from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

EMAILS = Path(settings.BASE_DIR) / "templates" / "emails"
BODIES = sorted(
    path.name
    for path in EMAILS.iterdir()
    if path.suffix in {".txt", ".html"}
    and not path.stem.endswith("_subject")
    and not path.name.startswith("_")
    # staff's own message to many: its first words are what the staff member wrote
    and path.stem != "staff_message"
)


def _context():
    someone = SimpleNamespace(
        first_name="Krzysztof",
        email="krzysztof@example.org",
        get_short_name="Krzysztof",
        full_name="Krzysztof Mazur",
    )
    return {
        "user": someone,
        "person": someone,
        "leader": someone,
        "member": someone,
        "invitation": SimpleNamespace(user=someone),
        "production": SimpleNamespace(videographer_name="Krzysztof"),
        "event": SimpleNamespace(host_name="Krzysztof"),
        "registration": SimpleNamespace(seats=2),
        "left": 2,
        "unmarked": 2,
        "uid": "MQ",
        "token": "set-password",
        "protocol": "https",
        "domain": "portal.example.org",
    }


@pytest.mark.parametrize("name", BODIES)
def test_email_greets_without_a_name(name):
    with translation.override("pl"):
        body = render_to_string(f"emails/{name}", _context())
    text = body.split("<p>", 1)[1] if name.endswith(".html") else body
    assert text.lstrip().startswith("Dzień dobry,")
    assert "Krzysztof" not in text.lstrip().splitlines()[0]
