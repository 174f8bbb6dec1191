"""Business records (the models that keep history) of partnerships, support and events are
archived, never deleted: the admin offers no delete for them, nor in their inlines."""

import pytest
from django.contrib import admin
from django.test import RequestFactory

APPS = {"partnerships", "support", "events", "reports"}


def _business_admins():
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label in APPS and hasattr(model, "history"):
            yield model, model_admin


@pytest.mark.django_db
def test_admin_offers_no_delete_for_business_records(world):
    request = RequestFactory().get("/admin/")
    request.user = world.staff
    checked = []
    for model, model_admin in _business_admins():
        assert not model_admin.has_delete_permission(request), model
        assert "delete_selected" not in model_admin.get_actions(request), model
        for inline in model_admin.get_inline_instances(request):
            offered = inline.can_delete and inline.has_delete_permission(request)
            assert not offered, (model, inline)
        checked.append(model._meta.label)
    assert {"partnerships.Partnership", "support.SupportSession", "events.Registration"} <= set(
        checked
    )


@pytest.mark.django_db
def test_admin_offers_no_delete_to_superusers(world):
    from tests.factories import UserFactory

    root = UserFactory(is_superuser=True, is_staff=True)
    request = RequestFactory().get("/admin/")
    request.user = root
    for model, model_admin in _business_admins():
        assert not model_admin.has_delete_permission(request), model
