from django.urls import path

from muster.testing import views

app_name = "testing"
urlpatterns = [
    path("", views.campaigns, name="campaigns"),
    path("new/", views.campaign_new, name="campaign_new"),
    path("<int:pk>/", views.campaign, name="campaign"),
    path("<int:pk>/board/", views.campaign_board, name="board"),
    path("<int:pk>/status/", views.campaign_status, name="campaign_status"),
    path("<int:pk>/points/add/", views.point_add, name="point_add"),
    path("<int:pk>/planning/", views.planning, name="planning"),
    path("<int:pk>/unsampled/", views.unsampled, name="unsampled"),
    path("<int:pk>/recalls/", views.recalls, name="recalls"),
    path("recall-items/<int:item_id>/contact/", views.recall_contact, name="recall_contact"),
    path("desk/", views.desks, name="desks"),
    path("desk/<int:point_id>/", views.desk, name="desk"),
    path("desk/<int:point_id>/open", views.desk_open, name="desk_open"),
    path("desk/<int:point_id>/scan", views.desk_scan, name="desk_scan"),
    path("desk/<int:point_id>/close", views.desk_close, name="desk_close"),
    path("desk/<int:point_id>/walkin", views.desk_walkin, name="desk_walkin"),
    path("desk/<int:point_id>/boxes/", views.boxes, name="boxes"),
    path("desk/<int:point_id>/boxes/<int:box_id>/", views.box, name="box"),
    path("lab/", views.labs, name="labs"),
    path("lab/<int:lab_id>/", views.lab, name="lab"),
    path("lab/<int:lab_id>/runs/<int:run_id>/", views.run, name="run"),
    path("c/<int:pk>/register/", views.preregister, name="preregister"),
    path("c/<int:pk>/my-code/", views.my_code, name="my_code"),
    path("result/", views.lookup, name="lookup"),
    path("result/mine/", views.my_results, name="my_results"),
    path("result/report/<int:sample_id>.pdf", views.report_pdf, name="report_pdf"),
    path("verify/<str:token>/", views.verify, name="verify"),
]
