from django.urls import path

from support import views

app_name = "support"

urlpatterns = [
    path("", views.partnership_list, name="partnership_list"),
    path("partnerstwa/<int:pk>/", views.timeline, name="timeline"),
    path("partnerstwa/<int:pk>/kontakty/nowy/", views.contact_log, name="contact_log"),
    path("partnerstwa/<int:pk>/kontakty/nowy/<slug:kind>/", views.session_log, name="session_log"),
    path(
        "partnerstwa/<int:pk>/kontakty/<int:session_pk>/edycja/",
        views.session_edit,
        name="session_edit",
    ),
    path(
        "partnerstwa/<int:pk>/kontakty/<int:session_pk>/wycofanie/",
        views.session_withdraw,
        name="session_withdraw",
    ),
    path(
        "partnerstwa/<int:pk>/relacje/<int:partner_pk>/",
        views.partner_report_edit,
        name="partner_report_edit",
    ),
    path("partnerstwa/<int:pk>/materialy/dodaj/", views.materials_add, name="materials_add"),
    path(
        "partnerstwa/<int:pk>/materialy/<int:dispatch_pk>/plik/",
        views.materials_file,
        name="materials_file",
    ),
    path("materialy/", views.materials_list, name="materials_list"),
    path(
        "brakujace-sektory/",
        views.missing_sector_list,
        name="missing_sector_list",
    ),
]

# The development plan (§2.1.4) and the meetings' summary.
urlpatterns += [
    path("partnerstwa/<int:pk>/plan/", views.plan_detail, name="plan_detail"),
    path("partnerstwa/<int:pk>/plan/rozpocznij/", views.plan_start, name="plan_start"),
    path("partnerstwa/<int:pk>/plan/edycja/", views.plan_edit, name="plan_edit"),
    path("partnerstwa/<int:pk>/plan/akceptacja/", views.plan_agree, name="plan_agree"),
    path(
        "partnerstwa/<int:pk>/plan/dzialania/nowe/", views.plan_action_add, name="plan_action_add"
    ),
    path(
        "partnerstwa/<int:pk>/plan/dzialania/<int:action_pk>/edycja/",
        views.plan_action_edit,
        name="plan_action_edit",
    ),
    path(
        "partnerstwa/<int:pk>/plan/dzialania/<int:action_pk>/usuniecie/",
        views.plan_action_remove,
        name="plan_action_remove",
    ),
    path("partnerstwa/<int:pk>/plan/wersje/", views.plan_version_list, name="plan_version_list"),
    path(
        "partnerstwa/<int:pk>/plan/wersje/<int:number>/",
        views.plan_version_detail,
        name="plan_version_detail",
    ),
    path(
        "partnerstwa/<int:pk>/plan/wersje/<int:number>/pdf/",
        views.plan_version_pdf,
        name="plan_version_pdf",
    ),
    path(
        "partnerstwa/<int:pk>/podsumowanie-spotkan/pdf/",
        views.meetings_summary_pdf,
        name="meetings_summary_pdf",
    ),
]

# Potential partners (§1.2, §2.1.1).
urlpatterns += [
    path(
        "partnerstwa/<int:pk>/potencjalni-partnerzy/",
        views.potential_partner_list,
        name="potential_partner_list",
    ),
    path(
        "partnerstwa/<int:pk>/potencjalni-partnerzy/nowy/",
        views.potential_partner_add,
        name="potential_partner_add",
    ),
    path(
        "partnerstwa/<int:pk>/potencjalni-partnerzy/<int:candidate_pk>/edycja/",
        views.potential_partner_edit,
        name="potential_partner_edit",
    ),
    path(
        "partnerstwa/<int:pk>/potencjalni-partnerzy/<int:candidate_pk>/dolaczenie/",
        views.potential_partner_join,
        name="potential_partner_join",
    ),
]
