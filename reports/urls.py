from django.urls import path

from reports import views
from reports.enums import ExportFormat

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("do-zrobienia/", views.worklist, name="worklist"),
    path("partnerstwa/<int:pk>/napisz-do-lidera/", views.leader_message, name="leader_message"),
    path("udzial/", views.participation, name="participation"),
    path("eksport/<slug:name>.<slug:fmt>", views.export, name="export"),
    path(
        "eksport/dane/<slug:name>.csv",
        views.export,
        {"fmt": ExportFormat.DATA_CSV.value},
        name="export_data",
    ),
    path("raport-dla-grantodawcy/", views.funder_report, name="funder_report"),
    path(
        "raport-dla-grantodawcy/runda-<int:round_number>.pdf",
        views.funder_report_pdf,
        name="funder_report_pdf",
    ),
    path(
        "raport-dla-grantodawcy/runda-<int:round_number>.xlsx",
        views.funder_report_xlsx,
        name="funder_report_xlsx",
    ),
    path("osoby/", views.person_list, name="person_list"),
    path("osoby/<int:pk>/dane.json", views.person_data_export, name="person_data"),
    path("osoby/<int:pk>/anonimizacja/", views.person_anonymise, name="person_anonymise"),
    path("osoby/<int:pk>/historia/", views.person_history, name="person_history"),
    path("partnerstwa/<int:pk>/historia/", views.partnership_history, name="partnership_history"),
]
