from django.urls import path

from minga.process import roadmap_views, views

app_name = "process"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("meetings/<slug:code>/", views.meeting_detail, name="meeting_detail"),
    path("documents/", views.document_list, name="document_list"),
    path("documents/<slug:code>/", views.document_detail, name="document_detail"),
    path("roadmap/", roadmap_views.roadmap_table, name="roadmap"),
    path("roadmap/timeline/", roadmap_views.roadmap_timeline, name="roadmap_timeline"),
    path("roadmap/board/", roadmap_views.roadmap_board, name="roadmap_board"),
    path("roadmap/export.csv", roadmap_views.roadmap_export, {"fmt": "csv"}, name="roadmap_csv"),
    path("roadmap/export.xlsx", roadmap_views.roadmap_export, {"fmt": "xlsx"}, name="roadmap_xlsx"),
    path("roadmap/report-<str:language>.pdf", roadmap_views.roadmap_report, name="roadmap_report"),
    path("roadmap/<slug:code>/", roadmap_views.roadmap_action, name="roadmap_action"),
    path("roadmap/<slug:code>/evidence/", roadmap_views.roadmap_evidence, name="roadmap_evidence"),
    path("roadmap/<slug:code>/evidence/<int:pk>/file/", roadmap_views.evidence_file, name="evidence_file"),
    path("roadmap/<slug:code>/links/", roadmap_views.roadmap_links, name="roadmap_links"),
    path("roadmap/<slug:code>/progress/", roadmap_views.roadmap_progress, name="roadmap_progress"),
]
