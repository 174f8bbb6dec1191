from django.urls import path

from evaluations import views

app_name = "evaluations"

urlpatterns = [
    path("", views.result_list, name="result_list"),
    path("wydarzenie/<int:pk>/", views.event_results, name="event_results"),
    path("ankieta/<str:token>/", views.survey, name="survey"),
]
