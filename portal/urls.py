from django.urls import path

from portal import views

urlpatterns = [
    path("deklaracja-dostepnosci/", views.accessibility_statement, name="accessibility_statement"),
    path("ochrona-danych/", views.privacy_notice, name="privacy_notice"),
    path("kontakt/", views.contact, name="contact"),
    path(
        "powiadomienia/wypisz/<str:token>/",
        views.reminder_unsubscribe,
        name="reminder_unsubscribe",
    ),
    path("szukaj/", views.search, name="search"),
    path("poczta/", views.outbox_list, name="outbox_list"),
    path("poczta/<int:pk>/", views.outbox_detail, name="outbox_detail"),
    path("poczta/<int:pk>/wyslij-ponownie/", views.outbox_resend, name="outbox_resend"),
]
