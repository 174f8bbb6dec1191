"""Staff's back office in the portal (issue 15): a coordinator assigns and changes an animator
from the partnership's page, without the Django admin."""

import pytest
from django.utils import timezone

from tests.e2e.conftest import open_as
from tests.e2e.test_accessibility import axe_violations, with_axe
from tests.factories import PartnershipFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_staff_assign_an_animator_then_change_them_after_confirming(browser, live_server, world):
    partnership = PartnershipFactory(name="Partnerstwo bez animatora", animator=None)
    page = with_axe(open_as(browser, live_server, world.staff))

    page.goto(f"/partnerstwa/{partnership.pk}/")
    page.get_by_role("link", name="przydziel animatora").click()
    page.get_by_label("Animator").select_option(label=str(world.animator_a))
    page.get_by_role("button", name="Zapisz").click()
    page.wait_for_url(f"**/partnerstwa/{partnership.pk}/")
    assert page.get_by_text(f"Animatorem partnerstwa jest teraz {world.animator_a}.").is_visible()
    partnership.refresh_from_db()
    assert partnership.animator == world.animator_a
    assert partnership.animator_assigned_on == timezone.localdate()

    # Replacing the animator who works with the partnership asks first and changes nothing.
    page.get_by_role("link", name="zmień animatora").click()
    page.get_by_label("Animator").select_option(label=str(world.animator_b))
    page.get_by_role("button", name="Zapisz").click()
    assert page.get_by_role("heading", name="Potwierdź zmianę animatora").is_visible()
    assert axe_violations(page, page.url) == []  # the confirmation step is a page too
    partnership.refresh_from_db()
    assert partnership.animator == world.animator_a
    page.get_by_role("button", name="Tak, zmień animatora").click()
    page.wait_for_url(f"**/partnerstwa/{partnership.pk}/")
    partnership.refresh_from_db()
    assert partnership.animator == world.animator_b
    history = [h.animator_id for h in partnership.history.order_by("history_date", "history_id")]
    assert history[-2:] == [world.animator_a.pk, world.animator_b.pk]
