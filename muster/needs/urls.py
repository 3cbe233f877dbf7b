from django.urls import path

from muster.needs import views

app_name = "needs"

urlpatterns = [
    path("", views.index, name="index"),
    path("open/", views.open_needs, name="open"),
    path("mine/", views.mine, name="mine"),
    path("board/", views.board, name="board"),
    path("board/export.xlsx", views.export, name="export"),
    path("new/", views.new, name="new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/report/", views.report, name="report"),
    path("<int:pk>/add/", views.add_person, name="add_person"),
    path("<int:pk>/suggestions/", views.suggestions, name="suggestions"),
    path("<int:pk>/qr/", views.qr_sheet, name="qr"),
    path("<int:pk>/<str:verb>/", views.need_status, name="status"),
    path("reports/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("reports/<int:pk>/<str:verb>/", views.report_decide, name="decide"),
    path("checkin/", views.checkin, name="checkin"),
    path("c/<str:code>/", views.scan, name="scan"),
    path("dispatch/", views.dispatch, name="dispatch"),
    path("dispatch/<int:pk>/", views.run, name="run"),
    path("dispatch/<int:pk>/<str:verb>/", views.run_decide, name="run_decide"),
    path("deployments/", views.deployments, name="deployments"),
    path("deployments/<int:pk>/", views.deployment, name="deployment"),
]
