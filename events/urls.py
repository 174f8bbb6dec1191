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
        "partnerstwo/<int:pk>/",
        views.partnership_registration_list,
        name="partnership_registration_list",
    ),
]
