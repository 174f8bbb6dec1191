from django.urls import path

from portal import views

urlpatterns = [
    path(
        "powiadomienia/wypisz/<str:token>/",
        views.reminder_unsubscribe,
        name="reminder_unsubscribe",
    ),
]
