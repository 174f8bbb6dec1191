"""Staff edit each kind's questions here until the first answer to them exists; then the
questionnaire is read-only (an answer keeps the meaning of its question). Responses are not
in the admin: staff read them on the results page, which never names a person."""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from evaluations import selectors, services
from evaluations.defaults import questionnaires_ensure
from evaluations.models import Question, Questionnaire


class QuestionInline(admin.TabularInline):
    model = Question
    fields = ("position", "kind", "text", "required")
    extra = 1

    def has_add_permission(self, request, obj=None):
        return selectors.can_edit_questionnaire(request.user, obj)

    def has_change_permission(self, request, obj=None):
        return selectors.can_edit_questionnaire(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return selectors.can_edit_questionnaire(request.user, obj)


@admin.register(Questionnaire)
class QuestionnaireAdmin(SimpleHistoryAdmin):
    list_display = ("kind", "question_count", "updated_at")
    fields = ("kind", "introduction")
    readonly_fields = ("kind",)
    inlines = [QuestionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(question_total=Count("questions"))

    @admin.display(description=_("questions"), ordering="question_total")
    def question_count(self, obj):
        return obj.question_total

    def changelist_view(self, request, extra_context=None):
        questionnaires_ensure()
        return super().changelist_view(request, extra_context)

    def has_add_permission(self, request):
        return False  # one per kind of event, made on first use

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return selectors.can_edit_questionnaire(request.user, obj)

    def save_model(self, request, obj, form, change):
        services.questionnaire_save(questionnaire=obj, actor=request.user)

    def save_formset(self, request, form, formset, change):
        for question in formset.save(commit=False):
            services.question_save(question=question, actor=request.user)
        for question in formset.deleted_objects:
            services.question_delete(question=question, actor=request.user)
