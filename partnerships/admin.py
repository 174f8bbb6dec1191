from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
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


@admin.register(Partnership)
class PartnershipAdmin(ArchiveNotDeleteMixin, SimpleHistoryAdmin):
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


@admin.register(ApplicationCall)
class ApplicationCallAdmin(admin.ModelAdmin):
    list_display = ["title", "round", "opens_at", "deadline", "application_count"]

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
