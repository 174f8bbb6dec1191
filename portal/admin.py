from django.contrib import admin
from django.contrib.admin import options
from django.db import models
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from portal.forms import validate_programme_date
from portal.models import PublicInformation, ReminderSent
from portal.services import public_information_save

# Every admin date and datetime field within the programme's years, as in the portal's own
# forms (portal.forms). Each ModelAdmin copies these defaults when it is registered; the
# admin modules are imported in INSTALLED_APPS order, so this one, first of the portal's apps,
# runs before any of ours registers.
for _field in (models.DateField, models.DateTimeField):
    options.FORMFIELD_FOR_DBFIELD_DEFAULTS[_field] = {
        **options.FORMFIELD_FOR_DBFIELD_DEFAULTS[_field],
        "validators": [validate_programme_date],
    }


@admin.register(ReminderSent)
class ReminderSentAdmin(admin.ModelAdmin):
    """The sent log, read-only: the scans write it, nobody edits it."""

    list_display = ("key", "kind", "email", "recipient", "created_at", "sent_at", "e_mail")
    list_filter = ("kind", ("sent_at", admin.EmptyFieldListFilter))
    search_fields = ("key", "email", "recipient__email", "recipient__last_name")
    list_select_related = ("recipient", "message")

    def get_queryset(self, request):
        # The message's status for the list, not its text.
        return (
            super()
            .get_queryset(request)
            .defer(
                "message__body_text",
                "message__body_html",
                "message__attachments",
                "message__headers",
            )
        )

    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in ReminderSent._meta.fields]

    @admin.display(description=_("e-mail"))
    def e_mail(self, obj):
        """The message the reminder queued, on the staff's outbox page, with its status."""
        if obj.message is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("outbox_detail", args=[obj.message_id]),
            obj.message.get_status_display(),
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PublicInformation)
class PublicInformationAdmin(SimpleHistoryAdmin):
    """One row: the facts of the accessibility statement, the personal data clause and the
    contact page. Staff change them here, no deployment needed."""

    fieldsets = [
        (
            _("Organisation and contact"),
            {"fields": ["organisation", "address", "email", "phone", "office_hours"]},
        ),
        (
            _("Accessibility statement"),
            {
                "fields": [
                    "compliance",
                    "inaccessible_content",
                    "exemptions",
                    "assessment",
                    ("published_on", "updated_on"),
                    ("statement_prepared_on", "statement_reviewed_on"),
                    "accessibility_contact",
                    ("accessibility_email", "accessibility_phone"),
                    "architecture",
                ]
            },
        ),
        (
            _("Personal data"),
            {"fields": ["data_protection_officer", "purposes", "recipients", "retention"]},
        ),
    ]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not PublicInformation.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        public_information_save(info=obj, actor=request.user)
