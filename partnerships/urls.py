from django.urls import path

from partnerships import import_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("personel/", views.staff_home, name="staff_home"),
    path("partnerstwa/", views.partnership_list, name="partnership_list"),
    path("partnerstwa/napisz/", views.partnership_message, name="partnership_message"),
    path("partnerstwa/import/", import_views.programme_import, name="programme_import"),
    path(
        "partnerstwa/import/zatwierdz/",
        import_views.programme_import_confirm,
        name="programme_import_confirm",
    ),
    path(
        "partnerstwa/import/wzor.xlsx",
        import_views.programme_import_template,
        name="programme_import_template",
    ),
    path("partnerstwa/<int:pk>/", views.partnership_detail, name="partnership_detail"),
    path("partnerstwa/<int:pk>/edycja/", views.partnership_edit, name="partnership_edit"),
    path("partnerstwa/<int:pk>/animator/", views.animator_assign, name="animator_assign"),
    path("partnerstwa/<int:pk>/partnerzy/dodaj/", views.partner_add, name="partner_add"),
    path(
        "partnerstwa/<int:pk>/partnerzy/<int:partner_pk>/edycja/",
        views.partner_edit,
        name="partner_edit",
    ),
    path(
        "partnerstwa/<int:pk>/partnerzy/<int:partner_pk>/odejscie/",
        views.partner_leave,
        name="partner_leave",
    ),
    path("partnerstwa/<int:pk>/osoby/dodaj/", views.person_add, name="person_add"),
    path(
        "partnerstwa/<int:pk>/osoby/<int:person_pk>/edycja/", views.person_edit, name="person_edit"
    ),
    path(
        "partnerstwa/<int:pk>/osoby/<int:person_pk>/usun/",
        views.person_archive,
        name="person_archive",
    ),
    path("zaproszenia/", views.invitation_list, name="invitation_list"),
    path("zaproszenie/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("konto/drugi-krok/", views.otp_verify, name="otp_verify"),
    path("konto/weryfikacja-dwuetapowa/", views.otp_setup, name="otp_setup"),
    path("konto/weryfikacja-dwuetapowa/wylacz/", views.otp_remove, name="otp_remove"),
    path("kalendarz/", views.calendar_settings, name="calendar_settings"),
    path("powiadomienia/", views.reminder_settings, name="reminder_settings"),
    path("kalendarz/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("nabor/", views.application_call_list, name="application_call_list"),
    path("nabor/<int:call_pk>/wniosek/", views.application_start, name="application_start"),
    path("nabor/wniosek/<str:token>/", views.application_edit, name="application_edit"),
    path("zgloszenia/", views.application_review_list, name="application_review_list"),
    path(
        "zgloszenia/nabory/",
        views.application_call_manage_list,
        name="application_call_manage_list",
    ),
    path("zgloszenia/nabory/nowy/", views.application_call_create, name="application_call_create"),
    path(
        "zgloszenia/nabory/<int:pk>/edycja/",
        views.application_call_edit,
        name="application_call_edit",
    ),
    path("zgloszenia/<int:pk>/", views.application_review, name="application_review"),
]
