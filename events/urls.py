from django.urls import path

from events import views

app_name = "events"

urlpatterns = [
    path("", views.event_list, name="event_list"),
    path("nowe/", views.event_create, name="event_create"),
    path("<int:pk>/", views.event_detail, name="event_detail"),
    path("<int:pk>/edycja/", views.event_edit, name="event_edit"),
    path("<int:pk>/wydarzenie.ics", views.event_ics, name="event_ics"),
    path(
        "<int:pk>/zgloszenie/<int:partnership_pk>/",
        views.registration_create,
        name="registration_create",
    ),
    path("<int:pk>/uczestnicy/", views.participant_list, name="participant_list"),
    path("<int:pk>/napisz/", views.event_message, name="event_message"),
    path("<int:pk>/uczestnicy.xlsx", views.participant_xlsx, name="participant_xlsx"),
    path("<int:pk>/lista-obecnosci.pdf", views.participant_pdf, name="participant_pdf"),
    path("<int:pk>/obecnosc/", views.attendance_edit, name="attendance_edit"),
    path("zgloszenia/<int:pk>/", views.registration_detail, name="registration_detail"),
    path("zgloszenia/<int:pk>/zmiana/", views.registration_edit, name="registration_edit"),
    path(
        "zgloszenia/<int:pk>/wycofanie/", views.registration_withdraw, name="registration_withdraw"
    ),
    path(
        "zgloszenia/<int:pk>/przyjecie-miejsc/",
        views.registration_accept_offer,
        name="registration_accept_offer",
    ),
    path(
        "zgloszenia/<int:pk>/przedstawienie/",
        views.registration_introduce,
        name="registration_introduce",
    ),
    path(
        "zgloszenia/osoba/<int:pk>/cofniecie-linku/",
        views.participant_link_revoke,
        name="participant_link_revoke",
    ),
    path(
        "zgloszenia/osoba/<int:pk>/nowy-link/",
        views.participant_link_renew,
        name="participant_link_renew",
    ),
    path("moj-udzial/<str:token>/", views.participant_link, name="participant_link"),
    path(
        "moj-udzial/<str:token>/rezygnacja/",
        views.participant_decline,
        name="participant_decline",
    ),
    path("moj-udzial/<str:token>/moje-dane/", views.participant_data, name="participant_data"),
    path("wnioski-o-dane/", views.data_request_list, name="data_request_list"),
    path(
        "wnioski-o-dane/<int:pk>/zalatwiony/",
        views.data_request_close,
        name="data_request_close",
    ),
    path(
        "partnerstwo/<int:pk>/",
        views.partnership_registration_list,
        name="partnership_registration_list",
    ),
]
