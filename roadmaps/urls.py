from django.urls import path

from .views import bulk, import_export, item_page, items, lists, roadmap

app_name = "roadmaps"
urlpatterns = [
    path("roadmaps/", lists.roadmap_list, name="list"),
    path("roadmaps/new/", lists.roadmap_create, name="create"),
    path("roadmaps/approvals/", lists.approvals, name="approvals"),
    path("roadmaps/progress/", lists.rollup, name="rollup"),
    path("roadmaps/many-mahallas/", bulk.bulk_add, name="bulk"),
    path("roadmaps/from-template/", bulk.from_template, name="from_template"),
    path("roadmaps/panel/<str:level>/<int:pk>/", lists.territory_panel, name="panel"),
    path("roadmaps/import-template.xlsx", import_export.import_template, name="import_template"),
    path("roadmaps/<int:pk>/", roadmap.roadmap_detail, name="detail"),
    path("roadmaps/<int:pk>/details/", roadmap.roadmap_settings, name="settings"),
    path("roadmaps/<int:pk>/submit/", roadmap.roadmap_submit, name="submit"),
    path("roadmaps/<int:pk>/approve/", roadmap.roadmap_approve, name="approve"),
    path("roadmaps/<int:pk>/return/", roadmap.roadmap_return, name="return"),
    path("roadmaps/<int:pk>/revise/", roadmap.roadmap_revise, name="revise"),
    path("roadmaps/<int:pk>/reviews/", roadmap.review_add, name="review_add"),
    path("roadmaps/<int:pk>/progress/", roadmap.roadmap_progress_fragment, name="progress"),
    path("roadmaps/<int:pk>/history/", roadmap.roadmap_history, name="history"),
    path("roadmaps/<int:pk>/items/new/", items.item_add, name="item_add"),
    path("roadmaps/<int:pk>/export.xlsx", import_export.roadmap_export, name="export"),
    path("roadmaps/<int:pk>/print/", import_export.roadmap_print, name="print"),
    path("roadmaps/<int:pk>/import/", import_export.roadmap_import, name="import"),
    path("roadmaps/items/<int:pk>/", item_page.item_detail, name="item"),
    path("roadmaps/items/<int:pk>/row/", items.item_row, name="item_row"),
    path("roadmaps/items/<int:pk>/edit/", items.item_edit, name="item_edit"),
    path("roadmaps/items/<int:pk>/move/", items.item_move, name="item_move"),
    path("roadmaps/items/<int:pk>/duplicate/", items.item_duplicate, name="item_duplicate"),
    path("roadmaps/items/<int:pk>/delete/", items.item_delete, name="item_delete"),
    path("roadmaps/items/<int:pk>/kpis/", item_page.kpi_add, name="kpi_add"),
    path("roadmaps/items/<int:pk>/evidence/", item_page.evidence_add, name="evidence_add"),
    path("roadmaps/kpis/<int:pk>/values/", item_page.kpi_record, name="kpi_record"),
    path("roadmaps/evidence/<int:pk>/file/", item_page.evidence_file, name="evidence_file"),
]
