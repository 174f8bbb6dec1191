from django.urls import path

from clips import feeds, views

app_name = "clips"

urlpatterns = [
    path("", views.call_list, name="call_list"),
    path("nabor/nowy/", views.call_create, name="call_create"),
    path("nabor/<int:pk>/", views.call_detail, name="call_detail"),
    path("nabor/<int:pk>/edycja/", views.call_edit, name="call_edit"),
    path("nabor/<int:pk>/otwarcie/", views.call_open, name="call_open"),
    path("nabor/<int:pk>/ogloszenie/", views.call_announce, name="call_announce"),
    path(
        "nabor/<int:pk>/szablon-scenariusza/",
        views.scenario_template_edit,
        name="scenario_template_edit",
    ),
    path("nabor/<int:pk>/kandydaci/", views.candidate_list, name="candidate_list"),
    path(
        "nabor/<int:pk>/kandydaci/<int:partnership_pk>/decyzja/",
        views.override_edit,
        name="override_edit",
    ),
    path("nabor/<int:pk>/ocena/", views.score_list, name="score_list"),
    path("nabor/<int:pk>/ocena/<int:partnership_pk>/", views.score_edit, name="score_edit"),
    path("nabor/<int:pk>/ranking/", views.ranking, name="ranking"),
    path(
        "nabor/<int:pk>/wybor/<int:partnership_pk>/",
        views.selection_create,
        name="selection_create",
    ),
    path("wybor/<int:pk>/", views.selection_detail, name="selection_detail"),
    path("wybor/<int:pk>/wycofanie/", views.selection_withdraw, name="selection_withdraw"),
    path("wybor/<int:pk>/telefon/", views.notice_call_add, name="notice_call_add"),
    path("wybor/<int:pk>/powiadomienie/", views.selection_notify, name="selection_notify"),
    path("wybor/<int:pk>/scenariusz/", views.scenario_edit, name="scenario_edit"),
    path("wybor/<int:pk>/scenariusz.pdf", views.scenario_pdf, name="scenario_pdf"),
    path("wybor/<int:pk>/produkcja/", views.production_edit, name="production_edit"),
    path(
        "wybor/<int:pk>/przedstawienie/",
        views.production_introduce,
        name="production_introduce",
    ),
    path("ogloszenia/", views.announcement_list, name="announcement_list"),
    path("ogloszenia/atom.xml", feeds.AnnouncementFeed(), name="announcement_feed"),
]
