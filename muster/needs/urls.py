from django.urls import path

from muster.needs.views import board, checkin, dispatch, members, needs

app_name = "needs"

urlpatterns = [
    path("", members.index, name="index"),
    path("open/", members.open_needs, name="open"),
    path("mine/", members.mine, name="mine"),
    path("board/", board.board, name="board"),
    path("board/export.xlsx", board.export, name="export"),
    path("new/", needs.new, name="new"),
    path("<int:pk>/", needs.detail, name="detail"),
    path("<int:pk>/edit/", needs.edit, name="edit"),
    path("<int:pk>/report/", members.report, name="report"),
    path("<int:pk>/add/", needs.add_person, name="add_person"),
    path("<int:pk>/suggestions/", needs.suggestions, name="suggestions"),
    path("<int:pk>/qr/", needs.qr_sheet, name="qr"),
    path("<int:pk>/<str:verb>/", needs.need_status, name="status"),
    path("reports/<int:pk>/withdraw/", members.withdraw, name="withdraw"),
    path("reports/<int:pk>/<str:verb>/", needs.report_decide, name="decide"),
    path("checkin/", checkin.checkin, name="checkin"),
    path("c/<str:code>/", checkin.scan, name="scan"),
    path("dispatch/", dispatch.dispatch, name="dispatch"),
    path("dispatch/<int:pk>/", dispatch.run, name="run"),
    path("dispatch/export.xlsx", dispatch.runs_export, name="runs_export"),
    path("dispatch/<int:pk>/<str:verb>/", dispatch.run_decide, name="run_decide"),
    path("deployments/", dispatch.deployments, name="deployments"),
    path("deployments/<int:pk>/", dispatch.deployment, name="deployment"),
]
