"""Staff see and correct all of the support data here. Nothing is deleted (sessions are
withdrawn in the portal); every change keeps its history with the actor."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from simple_history.admin import SimpleHistoryAdmin

from support import services
from support.forms import HourBudgetAdminForm, MaterialsDispatchAdminForm
from support.models import (
    DevelopmentPlan,
    DiagnosisRecord,
    HourBudget,
    MaterialsDispatch,
    Meeting1Record,
    Meeting2Record,
    PartnerReport,
    PlanAction,
    PlannedMeeting,
    PlanVersion,
    PotentialPartner,
    SupportSession,
)


class NoDeleteMixin:
    def has_delete_permission(self, request, obj=None):
        return False


class RecordInlineMixin:
    extra = 0
    can_delete = False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request, obj=None):
        return False  # records are written with their session, in the portal


class DiagnosisInline(RecordInlineMixin, admin.StackedInline):
    model = DiagnosisRecord


class Meeting1Inline(RecordInlineMixin, admin.StackedInline):
    model = Meeting1Record


class Meeting2Inline(RecordInlineMixin, admin.StackedInline):
    model = Meeting2Record


@admin.register(SupportSession)
class SupportSessionAdmin(NoDeleteMixin, SimpleHistoryAdmin):
    list_display = [
        "held_on",
        "partnership",
        "kind",
        "channel",
        "duration_minutes",
        "animator",
        "withdrawn_at",
    ]
    list_filter = ["kind", "channel", ("withdrawn_at", admin.EmptyFieldListFilter)]
    search_fields = ["partnership__name", "animator__email", "animator__last_name", "notes"]
    list_select_related = ["partnership", "animator"]
    date_hierarchy = "held_on"
    autocomplete_fields = ["partnership"]
    # Date, duration and withdrawal change in the portal, where the order and the budget are
    # checked under a lock; here only the notes and the records are corrected.
    readonly_fields = [
        "partnership",
        "animator",
        "kind",
        "channel",
        "held_on",
        "duration_minutes",
        "created_at",
        "withdrawn_at",
        "withdrawn_reason",
        "withdrawn_by",
    ]
    inlines = [DiagnosisInline, Meeting1Inline, Meeting2Inline]

    def has_add_permission(self, request):
        # Logging goes through the portal, where the order and the budget are checked.
        return False


@admin.register(HourBudget)
class HourBudgetAdmin(NoDeleteMixin, SimpleHistoryAdmin):
    form = HourBudgetAdminForm
    list_display = ["partnership", "minutes", "reason", "updated_at"]
    search_fields = ["partnership__name"]
    list_select_related = ["partnership"]
    autocomplete_fields = ["partnership"]

    def get_readonly_fields(self, request, obj=None):
        return ["partnership"] if obj else []

    def save_model(self, request, obj, form, change):
        """Through the service, which locks the budget row and checks the logged time again
        under the lock (the form checked it without one, to show the message in place)."""
        try:
            saved = services.hour_budget_set(
                partnership=obj.partnership,
                actor=request.user,
                minutes=form.cleaned_data["minutes"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:  # a contact logged between the form and the save
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return
        obj.pk = saved.pk
        obj.refresh_from_db()


@admin.register(PlannedMeeting)
class PlannedMeetingAdmin(NoDeleteMixin, SimpleHistoryAdmin):
    list_display = [
        "planned_on",
        "starts_at",
        "partnership",
        "place",
        "held_session",
        "cancelled_at",
    ]
    list_select_related = ["partnership", "held_session__partnership"]
    search_fields = ["partnership__name", "place"]
    readonly_fields = ["partnership", "planned_by_session", "held_session"]
    date_hierarchy = "planned_on"

    def has_add_permission(self, request):
        return False


@admin.register(PartnerReport)
class PartnerReportAdmin(NoDeleteMixin, SimpleHistoryAdmin):
    list_display = ["partner", "partnership", "reported_on", "recorded_by"]
    list_select_related = ["partner__institution", "partnership", "recorded_by"]
    search_fields = ["partnership__name", "partner__institution__name"]
    readonly_fields = ["partner", "partnership", "recorded_by"]

    def has_add_permission(self, request):
        return False


@admin.register(MaterialsDispatch)
class MaterialsDispatchAdmin(NoDeleteMixin, SimpleHistoryAdmin):
    form = MaterialsDispatchAdminForm
    list_display = ["sent_on", "partnership", "channel", "sent_by"]
    list_filter = ["channel"]
    list_select_related = ["partnership", "sent_by"]
    search_fields = ["partnership__name", "what"]
    autocomplete_fields = ["partnership"]
    date_hierarchy = "sent_on"

    def get_readonly_fields(self, request, obj=None):
        # Once recorded, only what, when and how are corrected (``materials_dispatch_update``).
        return ["sent_by", "partnership", "attachment"] if obj else ["sent_by"]

    def save_model(self, request, obj, form, change):
        fields = {
            name: form.cleaned_data[name]
            for name in ("what", "sent_on", "channel", "after_support_confirmed")
        }
        if change:
            services.materials_dispatch_update(dispatch=obj, actor=request.user, **fields)
        else:
            saved = services.materials_dispatch_record(
                partnership=form.cleaned_data["partnership"],
                actor=request.user,
                attachment=form.cleaned_data.get("attachment"),
                **fields,
            )
            obj.pk = saved.pk
            obj.refresh_from_db()


for model in (DiagnosisRecord, Meeting1Record, Meeting2Record):
    admin.site.register(
        model,
        type(
            f"{model.__name__}Admin",
            (NoDeleteMixin, SimpleHistoryAdmin),
            {
                "list_select_related": ["session__partnership"],
                "readonly_fields": ["session"],
                "search_fields": ["session__partnership__name"],
                "has_add_permission": lambda self, request: False,
            },
        ),
    )


# The development plan is read here only: it is written in the portal (staff too), where the
# text's version is checked and any change resets the agreements.


class ReadOnlyMixin(NoDeleteMixin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class PlanActionInline(ReadOnlyMixin, admin.TabularInline):
    model = PlanAction
    extra = 0
    fields = ["what", "partner", "starts_on", "ends_on", "resources"]


@admin.register(DevelopmentPlan)
class DevelopmentPlanAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = ["partnership", "status", "version", "updated_at", "updated_by"]
    list_filter = ["status"]
    list_select_related = ["partnership", "updated_by"]
    search_fields = ["partnership__name"]
    inlines = [PlanActionInline]


@admin.register(PlanVersion)
class PlanVersionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["plan", "number", "agreed_at", "agreed_by_leader", "agreed_by_animator"]
    list_select_related = ["plan__partnership", "agreed_by_leader", "agreed_by_animator"]
    search_fields = ["plan__partnership__name"]
    date_hierarchy = "agreed_at"


@admin.register(PotentialPartner)
class PotentialPartnerAdmin(NoDeleteMixin, SimpleHistoryAdmin):
    """Read only: the leader and the animator keep them on the partnership's pages."""

    list_display = ["name", "partnership", "sector", "status", "contacted_on", "contacted_by"]
    list_filter = ["sector", "status"]
    list_select_related = ["partnership"]
    search_fields = ["name", "partnership__name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
