from django.urls import path

from . import views

app_name = "roadmaps"
urlpatterns = [
    path("roadmaps/", views.roadmap_list, name="list"),
    path("roadmaps/new/", views.roadmap_create, name="create"),
    path("roadmaps/approvals/", views.approvals, name="approvals"),
    path("roadmaps/progress/", views.rollup, name="rollup"),
    path("roadmaps/many-mahallas/", views.bulk_add, name="bulk"),
    path("roadmaps/from-template/", views.from_template, name="from_template"),
    path("roadmaps/panel/<str:level>/<int:pk>/", views.territory_panel, name="panel"),
    path("roadmaps/import-template.xlsx", views.import_template, name="import_template"),
    path("roadmaps/<int:pk>/", views.roadmap_detail, name="detail"),
    path("roadmaps/<int:pk>/details/", views.roadmap_settings, name="settings"),
    path("roadmaps/<int:pk>/submit/", views.roadmap_submit, name="submit"),
    path("roadmaps/<int:pk>/approve/", views.roadmap_approve, name="approve"),
    path("roadmaps/<int:pk>/return/", views.roadmap_return, name="return"),
    path("roadmaps/<int:pk>/revise/", views.roadmap_revise, name="revise"),
    path("roadmaps/<int:pk>/reviews/", views.review_add, name="review_add"),
    path("roadmaps/<int:pk>/progress/", views.roadmap_progress_fragment, name="progress"),
    path("roadmaps/<int:pk>/history/", views.roadmap_history, name="history"),
    path("roadmaps/<int:pk>/items/new/", views.item_add, name="item_add"),
    path("roadmaps/<int:pk>/export.xlsx", views.roadmap_export, name="export"),
    path("roadmaps/<int:pk>/print/", views.roadmap_print, name="print"),
    path("roadmaps/<int:pk>/import/", views.roadmap_import, name="import"),
    path("roadmaps/items/<int:pk>/", views.item_detail, name="item"),
    path("roadmaps/items/<int:pk>/row/", views.item_row, name="item_row"),
    path("roadmaps/items/<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("roadmaps/items/<int:pk>/move/", views.item_move, name="item_move"),
    path("roadmaps/items/<int:pk>/duplicate/", views.item_duplicate, name="item_duplicate"),
    path("roadmaps/items/<int:pk>/delete/", views.item_delete, name="item_delete"),
    path("roadmaps/items/<int:pk>/kpis/", views.kpi_add, name="kpi_add"),
    path("roadmaps/items/<int:pk>/evidence/", views.evidence_add, name="evidence_add"),
    path("roadmaps/kpis/<int:pk>/values/", views.kpi_record, name="kpi_record"),
    path("roadmaps/evidence/<int:pk>/file/", views.evidence_file, name="evidence_file"),
]
