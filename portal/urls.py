from django.urls import path

from portal import views

urlpatterns = [
    path("deklaracja-dostepnosci/", views.accessibility_statement, name="accessibility_statement"),
    path("ochrona-danych/", views.privacy_notice, name="privacy_notice"),
    path("kontakt/", views.contact, name="contact"),
]
