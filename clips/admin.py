"""Staff see and correct the clip data here. Nothing is deleted (selections are withdrawn,
overrides set back to "as the data says"); every change keeps its history."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from simple_history.admin import SimpleHistoryAdmin

from clips import services
from clips.models import (
    ClipCall,
    EligibilityOverride,
    NoticeCall,
    Production,
    Scenario,
    ScenarioTemplate,
    Score,
    Selection,
)
from clips.selectors import committee_choices
from portal.web import add_service_errors


class NoDeleteMixin:
    def has_delete_permission(self, request, obj=None):
        return False


class NoAddMixin:
    """Written through the portal's services, which check the rules (limits, eligibility)."""

    def has_add_permission(self, request, obj=None):
        return False


class ClipCallAdminForm(forms.ModelForm):
    """The staff pages' rules of a call, shown next to their fields; the committee offers
    those who may sit on one (§2.4.5). ``ClipCallAdmin.save_model`` saves through the
    services, which check again under the call's lock."""

    class Meta:
        model = ClipCall
        fields = [*services.CALL_FIELDS, "committee"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = committee_choices()

    def clean(self):
        data = super().clean()
        if not self.errors:
            try:
                if self.instance.pk:
                    services.call_change_check(call=self.instance, fields=data)
                else:
                    services.clips_count_reason_validate(
                        clips_count=data.get("clips_count"),
                        reason=data.get("clips_count_reason", ""),
                    )
            except ValidationError as exc:
                add_service_errors(self, exc)
        return data


@admin.register(ClipCall)
class ClipCallAdmin(NoDeleteMixin, SimpleHistoryAdmin):
    form = ClipCallAdminForm
    list_display = ["title", "status", "round", "clips_count", "scoring_deadline", "announced_at"]
    list_filter = ["status", "round"]
    search_fields = ["title"]
    filter_horizontal = ["committee"]
    readonly_fields = ["status", "announced_at"]

    def save_model(self, request, obj, form, change):
        """Through ``call_create``/``call_update``, as the staff pages save (the committee
        too: ``save_related`` leaves it to the service)."""
        fields = {name: form.cleaned_data[name] for name in services.CALL_FIELDS}
        committee = form.cleaned_data["committee"]
        try:
            if change:
                saved = services.call_update(
                    call=obj, actor=request.user, committee=committee, **fields
                )
            else:
                saved = services.call_create(actor=request.user, committee=committee, **fields)
        except ValidationError as exc:  # a selection came between the form and the save
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return
        obj.pk = saved.pk
        obj.refresh_from_db()

    def save_related(self, request, form, formsets, change):
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


@admin.register(EligibilityOverride)
class EligibilityOverrideAdmin(NoDeleteMixin, NoAddMixin, SimpleHistoryAdmin):
    list_display = ["partnership", "call", "decision", "decided_by", "decided_at"]
    list_filter = ["decision", "call"]
    list_select_related = ["partnership", "call", "decided_by"]
    search_fields = ["partnership__name", "reason"]
    readonly_fields = ["call", "partnership", "decision", "decided_by", "decided_at"]


@admin.register(Score)
class ScoreAdmin(NoDeleteMixin, NoAddMixin, SimpleHistoryAdmin):
    list_display = ["partnership", "member", "call", "progress", "creativity", "updated_at"]
    list_filter = ["call"]
    list_select_related = ["partnership", "member", "call"]
    search_fields = ["partnership__name", "member__email", "member__last_name"]
    readonly_fields = ["call", "member", "partnership", "progress", "creativity"]


@admin.register(Selection)
class SelectionAdmin(NoDeleteMixin, NoAddMixin, SimpleHistoryAdmin):
    list_display = ["partnership", "call", "status", "selected_by", "selected_at", "withdrawn_at"]
    list_filter = ["status", "call"]
    list_select_related = ["partnership", "call", "selected_by"]
    search_fields = ["partnership__name"]
    readonly_fields = [
        "call",
        "partnership",
        "status",
        "selected_by",
        "selected_at",
        "withdrawn_by",
        "withdrawn_at",
        "withdrawn_reason",
        "leader_emailed_at",
        "leader_emailed_by",
    ]


@admin.register(NoticeCall)
class NoticeCallAdmin(NoDeleteMixin, NoAddMixin, SimpleHistoryAdmin):
    list_display = ["selection", "called_at", "called_by", "person_reached"]
    list_select_related = ["selection__partnership", "selection__call", "called_by"]
    readonly_fields = ["selection", "called_by"]


@admin.register(ScenarioTemplate)
class ScenarioTemplateAdmin(NoDeleteMixin, NoAddMixin, SimpleHistoryAdmin):
    list_display = ["call", "updated_at", "updated_by"]
    list_select_related = ["call", "updated_by"]
    readonly_fields = ["call", "updated_by"]


@admin.register(Scenario)
class ScenarioAdmin(NoDeleteMixin, NoAddMixin, SimpleHistoryAdmin):
    list_display = ["selection", "updated_at", "updated_by"]
    list_select_related = ["selection__partnership", "selection__call", "updated_by"]
    readonly_fields = ["selection", "updated_by"]


@admin.register(Production)
class ProductionAdmin(NoDeleteMixin, NoAddMixin, SimpleHistoryAdmin):
    list_display = ["selection", "first_day", "last_day", "videographer_name", "introduced_at"]
    list_select_related = ["selection__partnership", "selection__call"]
    # Shooting days are checked against weekends and holidays in the portal only.
    readonly_fields = [
        "selection",
        "first_day",
        "last_day",
        "introduced_at",
        "introduced_by",
        "updated_by",
    ]
