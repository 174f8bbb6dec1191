from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from partnerships import selectors, services
from partnerships.enums import SectorCoverage
from partnerships.models import (
    Application,
    ApplicationCall,
    Institution,
    Invitation,
    Partner,
    Partnership,
    Person,
    User,
)
from portal.web import add_service_errors


class ArchiveNotDeleteMixin:
    """Business records are archived, never deleted, so the admin offers no delete."""

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "roles", "is_active", "last_login"]
    list_filter = ["groups", "is_staff", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal data"), {"fields": ("first_name", "last_name", "phone")}),
        (
            _("Roles and permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups")},
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    filter_horizontal = ["groups"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=_("roles"))
    def roles(self, obj):
        return ", ".join(sorted(g.name for g in obj.groups.all()))


@admin.register(Institution)
class InstitutionAdmin(ArchiveNotDeleteMixin, SimpleHistoryAdmin):
    list_display = ["name", "sector", "kind", "commune", "voivodeship"]
    list_filter = ["sector", "kind", "voivodeship"]
    search_fields = ["name", "commune", "email"]


class PartnerInline(admin.TabularInline):
    model = Partner
    extra = 0
    autocomplete_fields = ["institution"]
    fields = ["institution", "contribution", "benefit", "joined_on", "left_on"]

    def has_delete_permission(self, request, obj=None):
        return False


class PersonInline(admin.TabularInline):
    model = Person
    extra = 0
    autocomplete_fields = ["institution", "user"]
    fields = [
        "first_name",
        "last_name",
        "institution",
        "email",
        "phone",
        "consent_given_at",
        "archived_at",
    ]

    def has_delete_permission(self, request, obj=None):
        return False


class SectorCoverageFilter(admin.SimpleListFilter):
    title = _("sector coverage")
    parameter_name = "coverage"

    def lookups(self, request, model_admin):
        return SectorCoverage.choices

    def queryset(self, request, queryset):
        if self.value() in SectorCoverage.values:
            return selectors.filter_by_coverage(queryset, self.value())
        return queryset


class AnimatorFilter(admin.SimpleListFilter):
    title = _("animator")
    parameter_name = "animator"

    def lookups(self, request, model_admin):
        rows = (
            User.objects.filter(animated_partnerships__isnull=False)
            .annotate(n=Count("animated_partnerships"))
            .order_by("last_name", "first_name")
        )
        return [(u.pk, f"{u} ({u.n})") for u in rows]

    def queryset(self, request, queryset):
        if self.value():
            try:
                return queryset.filter(animator_id=int(self.value()))
            except ValueError:
                return queryset.none()
        return queryset


ANIMATOR_FIELDS = ("animator", "animator_assigned_on")


class PartnershipAdminForm(forms.ModelForm):
    """Checks a change of animator by the service's rules, to show them next to the field;
    ``PartnershipAdmin.save_model`` then assigns through the service."""

    class Meta:
        model = Partnership
        fields = [
            "name",
            "lead_library",
            "round",
            "leader",
            "animator",
            "animator_assigned_on",
            "common_goal",
            "status",
        ]

    def clean(self):
        data = super().clean()
        if self.errors or not set(ANIMATOR_FIELDS) & set(self.changed_data):
            return data
        saved = Partnership.objects.filter(pk=self.instance.pk).first()
        try:
            services.animator_assignment_check(
                partnership=saved or Partnership(),
                animator=data.get("animator"),
                assigned_on=data.get("animator_assigned_on"),
            )
        except ValidationError as exc:
            add_service_errors(self, exc)
        return data


@admin.register(Partnership)
class PartnershipAdmin(ArchiveNotDeleteMixin, SimpleHistoryAdmin):
    form = PartnershipAdminForm
    list_display = ["name", "lead_library", "round", "status", "sectors", "animator", "leader"]
    list_filter = [
        "round",
        "status",
        SectorCoverageFilter,
        ("lead_library__voivodeship", admin.ChoicesFieldListFilter),
        AnimatorFilter,
        ("animator", admin.EmptyFieldListFilter),
    ]
    list_select_related = ["lead_library", "animator", "leader"]
    search_fields = ["name", "lead_library__name", "lead_library__commune"]
    autocomplete_fields = ["lead_library", "leader", "animator"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [PartnerInline, PersonInline]
    list_per_page = 50

    def get_queryset(self, request):
        return selectors.with_sector_coverage(super().get_queryset(request))

    def save_model(self, request, obj, form, change):
        """A change of animator goes through ``partnership_assign_animator`` (the portal's
        assignment page calls it too): the rest is saved first, the animator as it was."""
        if not set(ANIMATOR_FIELDS) & set(form.changed_data):
            super().save_model(request, obj, form, change)
            return
        animator, assigned_on = obj.animator, obj.animator_assigned_on
        saved = Partnership.objects.filter(pk=obj.pk).first()
        obj.animator = saved.animator if saved else None
        obj.animator_assigned_on = saved.animator_assigned_on if saved else None
        super().save_model(request, obj, form, change)
        try:
            services.partnership_assign_animator(
                partnership=obj, actor=request.user, animator=animator, assigned_on=assigned_on
            )
        except ValidationError as exc:  # changed by someone else between the form and the save
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
        obj.refresh_from_db()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if "leader" in form.changed_data:
            # §2.3.3: a change of leader moves the link to the new leader's person (after the
            # inline people are saved, so one added here with the login e-mail is found).
            # An active account has accepted its invitation to lead; an inactive one gets
            # its person on accepting (``invitation_accept``).
            leader = form.instance.leader
            services.leader_person_sync(
                partnership=form.instance,
                consent_given_at=timezone.now() if leader and leader.is_active else None,
            )

    @admin.display(description=_("sectors"))
    def sectors(self, obj):
        marks = [
            (_("public"), obj.has_public, "P"),
            (_("social"), obj.has_social, "S"),
            (_("business"), obj.has_business, "B"),
        ]
        return format_html_join(
            " ",
            '<span title="{}" style="color:{}">{}</span>',
            ((label, "green" if ok else "#c60", mark if ok else "–") for label, ok, mark in marks),
        )


@admin.register(Partner)
class PartnerAdmin(ArchiveNotDeleteMixin, SimpleHistoryAdmin):
    list_display = ["institution", "partnership", "joined_on", "left_on"]
    list_filter = ["institution__sector", "left_on"]
    list_select_related = ["institution", "partnership"]
    search_fields = ["institution__name", "partnership__name"]
    autocomplete_fields = ["institution", "partnership"]


@admin.register(Person)
class PersonAdmin(ArchiveNotDeleteMixin, SimpleHistoryAdmin):
    list_display = ["__str__", "email", "institution", "partnership", "archived_at"]
    list_filter = ["institution__kind"]
    list_select_related = ["institution", "partnership"]
    search_fields = ["first_name", "last_name", "email", "partnership__name"]
    autocomplete_fields = ["institution", "partnership", "user"]


class ApplicationCallAdminForm(forms.ModelForm):
    """The service's rules of a call, shown next to their fields (``save_model`` saves through
    the service, which checks them again under the call's lock)."""

    class Meta:
        model = ApplicationCall
        fields = list(services.APPLICATION_CALL_FIELDS)

    def clean(self):
        data = super().clean()
        if not self.errors:
            try:
                services.application_call_check(call=self.instance, fields=data)
            except ValidationError as exc:
                add_service_errors(self, exc)
        return data


@admin.register(ApplicationCall)
class ApplicationCallAdmin(ArchiveNotDeleteMixin, SimpleHistoryAdmin):
    form = ApplicationCallAdminForm
    list_display = ["title", "round", "opens_at", "deadline", "application_count"]

    def save_model(self, request, obj, form, change):
        """Through the services the staff pages use."""
        fields = {name: form.cleaned_data[name] for name in services.APPLICATION_CALL_FIELDS}
        try:
            if change:
                saved = services.application_call_update(call=obj, actor=request.user, **fields)
            else:
                saved = services.application_call_create(actor=request.user, **fields)
        except ValidationError as exc:  # changed by someone else between the form and the save
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return
        obj.pk = saved.pk
        obj.refresh_from_db()

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n=Count("applications"))

    @admin.display(description=_("applications"), ordering="n")
    def application_count(self, obj):
        return obj.n


@admin.register(Application)
class ApplicationAdmin(ArchiveNotDeleteMixin, SimpleHistoryAdmin):
    list_display = ["library_name", "partnership_name", "call", "status", "submitted_at"]
    list_filter = ["status", "call", "library_voivodeship"]
    list_select_related = ["call"]
    search_fields = ["library_name", "partnership_name", "contact_email"]
    readonly_fields = ["status", "submitted_at", "decided_at", "decided_by", "partnership"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "invited_by", "created_at", "expires_at", "accepted_at"]
    list_filter = ["role"]
    list_select_related = ["user", "invited_by"]
    search_fields = ["user__email"]
    readonly_fields = [f.name for f in Invitation._meta.fields]

    def has_add_permission(self, request):
        return False  # invitations go out from the portal's invitation page
