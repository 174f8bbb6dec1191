from django.urls import path

from support import views

app_name = "support"

urlpatterns = [
    path("", views.partnership_list, name="partnership_list"),
    path("partnerstwa/<int:pk>/", views.timeline, name="timeline"),
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
    path("materialy/", views.materials_list, name="materials_list"),
]
