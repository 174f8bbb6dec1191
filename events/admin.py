"""Admin of events. Registrations change through the portal's services (seats, limits and the
waiting list are checked there), so the admin shows them read-only; events are edited here
or on the staff page. Nothing is deleted: registrations are withdrawn, people removed."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from events import services
from events.enums import RegistrationStatus
from events.models import Event, Participant, Registration
from events.selectors import with_seats
from portal.web import add_service_errors


class NoDeleteMixin:
    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyMixin(NoDeleteMixin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class EventAdminForm(forms.ModelForm):
    """The admin's event form checks what the staff page's service checks (a kind that
    registrations were made under, seats below those taken), to show it next to the field;
    the save goes through the service, which checks again under the event's lock."""

    class Meta:
        model = Event
        fields = list(services.EVENT_FIELDS)

    def clean(self):
        data = super().clean()
        if self.instance.pk and not self.errors:
            saved = Event.objects.get(pk=self.instance.pk)
            try:
                services.event_change_check(event=saved, fields=data)
            except ValidationError as exc:
                add_service_errors(self, exc)
        return data


@admin.register(Event)
class EventAdmin(NoDeleteMixin, SimpleHistoryAdmin):
    form = EventAdminForm
    list_display = [
        "title",
        "kind",
        "starts_on",
        "place",
        "capacity",
        "seats_taken",
        "waiting_count",
        "registration_closes_at",
    ]
    list_filter = ["kind"]
    search_fields = ["title", "place", "host_name"]
    date_hierarchy = "starts_on"
    fieldsets = (
        (None, {"fields": ("kind", "title", "programme", "place", ("starts_on", "ends_on"))}),
        # The second day is always the day after the first (set by the service).
        (
            _("Registration"),
            {"fields": ("capacity", ("registration_opens_at", "registration_closes_at"))},
        ),
        (
            _("Host or trainers"),
            {
                "fields": (
                    ("host_name", "host_organisation"),
                    ("host_email", "host_phone"),
                    "trainers",
                )
            },
        ),
        (
            _("What is provided"),
            {
                "fields": (
                    "provides_lodging",
                    "provides_meals",
                    "provides_transport",
                    "provides_coffee_breaks",
                    "provides_materials",
                    "travel_at_own_cost",
                )
            },
        ),
    )

    readonly_fields = ["ends_on"]

    def get_queryset(self, request):
        return with_seats(super().get_queryset(request))

    def save_model(self, request, obj, form, change):
        """Through the services, as the staff pages save (``event_create``/``event_update``)."""
        fields = {name: form.cleaned_data[name] for name in services.EVENT_FIELDS}
        try:
            if change:
                saved = services.event_update(event=obj, actor=request.user, **fields)
            else:
                saved = services.event_create(actor=request.user, **fields)
        except ValidationError as exc:  # a registration came between the form and the save
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return
        obj.pk = saved.pk
        obj.refresh_from_db()

    @admin.display(description=_("seats taken"))
    def seats_taken(self, obj):
        return obj.seats_taken

    @admin.display(description=_("waiting"))
    def waiting_count(self, obj):
        return obj.waiting_count


class ParticipantInline(admin.TabularInline):
    model = Participant
    extra = 0
    fields = ["person", "answer", "removed_at", "link_revoked_at", "attended", "materials_received"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Registration)
class RegistrationAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = ["partnership", "event", "status", "seats", "created_at", "introduced_at"]
    list_filter = ["status", "event__kind", "event"]
    search_fields = ["partnership__name", "event__title"]
    list_select_related = ["partnership", "event"]
    inlines = [ParticipantInline]


@admin.register(Participant)
class AttendanceAdmin(NoDeleteMixin, SimpleHistoryAdmin):
    """Attendance and materials handed out, per person (§2.5.3–4)."""

    list_display = [
        "person",
        "partnership",
        "event",
        "attended",
        "materials_received",
        "attendance_marked_at",
    ]
    list_filter = ["event__kind", "event", "attended", "materials_received"]
    search_fields = ["person__last_name", "person__email", "registration__partnership__name"]
    list_select_related = ["person", "registration__partnership", "event"]
    list_editable = ["attended", "materials_received"]
    fields = [
        "event",
        "registration",
        "person",
        "attended",
        "materials_received",
        "attendance_marked_at",
        "attendance_marked_by",
    ]
    readonly_fields = [
        "event",
        "registration",
        "person",
        "attendance_marked_at",
        "attendance_marked_by",
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(removed_at__isnull=True, registration__status=RegistrationStatus.REGISTERED)
        )

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("partnership"))
    def partnership(self, obj):
        return obj.registration.partnership

    def save_model(self, request, obj, form, change):
        """Through the service: it checks the event has started and stamps who marked it."""
        try:
            services.attendance_mark(
                event=obj.event,
                actor=request.user,
                marks={obj.pk: (obj.attended, obj.materials_received)},
            )
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
