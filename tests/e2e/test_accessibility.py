"""WCAG 2.1 AA on every page for every persona, measured by axe-core in Chromium, and no page
wider than a 360 px phone.

The pages are those of the access table (``tests/partnerships/test_access.py``, plus the support
pages of ``tests/support/test_views.py``): each persona visits every page it may open, plus one
page it is refused (403) and one it may not know of (404). One browser context per persona,
one page object, the pages in a loop: axe runs in about 0.3 s per page."""

import pytest
from axe_playwright_python.base import AXE_SCRIPT
from django.urls import reverse

from tests.e2e.conftest import open_as
from tests.factories import SupportSessionFactory
from tests.partnerships.test_access import CASES, LOGIN, PERSONAS, _objects
from tests.support.test_views import ACCESS as SUPPORT_ACCESS
from tests.support.test_views import _urls as support_urls

pytestmark = pytest.mark.django_db(transaction=True)

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# axe's best practices add what WCAG asks for but axe files elsewhere: headings in order, one
# h1, every piece of content inside a landmark, no empty table header.
AXE_TAGS = [*WCAG_21_AA, "best-practice"]
# Only the violations come back: the passes of every rule on every node would be serialised
# for nothing.
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
DESKTOP = {"width": 1366, "height": 800}
PHONE = {"width": 360, "height": 800}  # the narrowest phone in common use
# Downloads and feeds: not pages (their accessibility is that of the document, see the PDFs).
NOT_PAGES = {
    "events:event_ics",
    "events:participant_xlsx",
    "events:participant_pdf",
    "reports:export",
    "reports:export_data",
    "reports:funder_report_pdf",
    "reports:funder_report_xlsx",
    "reports:person_data",
    "support:plan_version_pdf",
    "support:meetings_summary_pdf",
    "clips:scenario_pdf",
    "clips:announcement_feed",
    "programme_import_template",
}


def pages_for(world, persona):
    """(url, expected status) of every page ``persona`` may open, then one 403 and one 404."""
    objects = _objects(world)
    session = SupportSessionFactory(partnership=world.partnership_a, kind="diagnosis")
    rows = []
    for name, (build, expectations) in sorted(CASES.items()):
        if name not in NOT_PAGES:
            rows.append((reverse(name, kwargs=build(world, objects)), expectations[persona]))
    for key, url in support_urls(world, session.pk).items():
        status = SUPPORT_ACCESS[persona][key]
        rows.append((url, LOGIN if status == 302 else status))
    chosen = [(url, status) for url, status in rows if status == 200]
    for refused in (403, 404):
        chosen += [(url, status) for url, status in rows if status == refused][:1]
    return chosen


def with_axe(page):
    """Load axe-core (bundled by axe-playwright-python) into every document ``page``'s context
    opens, before the page's own scripts; the CSP does not apply to it. Once per context
    rather than once per page: about 0.1 s saved on each of the 200 pages."""
    page.context.add_init_script(AXE_SCRIPT)
    return page


def axe_violations(page, url=""):
    """axe's violations on the page shown, one line each (the first three nodes named)."""
    violations = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)["violations"]
    lines = []
    for violation in violations:
        targets = "; ".join(" ".join(node["target"]) for node in violation["nodes"][:3])
        lines.append(f"{url}: {violation['id']} ({len(violation['nodes'])}x) {targets}")
    return lines


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_meets_wcag_21_aa_and_fits_a_phone_for(browser, live_server, world, persona):
    page = with_axe(open_as(browser, live_server, world.persona(persona), viewport=DESKTOP))
    problems, too_wide = [], []
    visited = 0
    for url, status in pages_for(world, persona):
        response = page.goto(url)
        assert response.status == status, url
        assert response.headers["content-type"].startswith("text/html"), url
        problems += axe_violations(page, url)
        page.set_viewport_size(PHONE)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            too_wide.append(f"{url}: {width} px")
        page.set_viewport_size(DESKTOP)
        visited += 1
    page.context.close()
    assert visited >= 3
    assert not problems, "\n".join(problems)
    assert not too_wide, f"Wider than {PHONE['width']} px: {too_wide}"


def test_personal_link_pages_meet_wcag_21_aa_and_fit_a_phone(browser, live_server, world):
    """The pages of a registered person's own link (no account): the page itself, the
    decline question, their data, and the answers to an unknown (404) and a revoked (410)
    link."""
    from events import services  # noqa: PLC0415 -- only this test registers people
    from events.models import Participant  # noqa: PLC0415
    from events.selectors import participant_link_token  # noqa: PLC0415
    from tests.events.conftest import FEWER  # noqa: PLC0415
    from tests.factories import EventFactory, PersonFactory  # noqa: PLC0415

    people = [PersonFactory(partnership=world.partnership_a) for _ in range(2)]
    services.registration_submit(
        event=EventFactory(),
        partnership=world.partnership_a,
        people=people,
        chosen_internally=True,
        actor=world.leader_a,
        **FEWER,
    )
    kept, revoked = Participant.objects.filter(person__in=people).order_by("pk")
    token = participant_link_token(kept)
    services.participant_link_revoke(participant=revoked, actor=world.staff)
    pages = [
        (reverse("events:participant_link", args=[token]), 200),
        (reverse("events:participant_decline", args=[token]), 200),
        (reverse("events:participant_data", args=[token]), 200),
        (reverse("events:participant_link", args=["1-" + "0" * 40]), 404),
        (reverse("events:participant_link", args=[participant_link_token(revoked)]), 410),
    ]
    page = with_axe(open_as(browser, live_server, None, viewport=PHONE))
    problems, too_wide = [], []
    for url, status in pages:
        response = page.goto(url)
        assert response.status == status, url
        problems += axe_violations(page, url)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            too_wide.append(f"{url}: {width} px")
        page.set_viewport_size(DESKTOP)
        problems += axe_violations(page, url)
        page.set_viewport_size(PHONE)
    page.context.close()
    assert not problems, "\n".join(problems)
    assert not too_wide, f"Wider than {PHONE['width']} px: {too_wide}"
