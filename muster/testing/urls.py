from django.urls import path

from muster.testing.views import campaigns, desk, lab, planning, residents, teams

app_name = "testing"
urlpatterns = [
    path("", campaigns.campaigns, name="campaigns"),
    path("new/", campaigns.campaign_new, name="campaign_new"),
    path("<int:pk>/", campaigns.campaign, name="campaign"),
    path("<int:pk>/board/", campaigns.campaign_board, name="board"),
    path("<int:pk>/status/", campaigns.campaign_status, name="campaign_status"),
    path("<int:pk>/points/add/", campaigns.point_add, name="point_add"),
    path("<int:pk>/planning/", planning.planning, name="planning"),
    path("<int:pk>/planning/apply/", planning.planning_apply, name="planning_apply"),
    path("<int:pk>/unsampled/", campaigns.unsampled, name="unsampled"),
    path("<int:pk>/recalls/", campaigns.recalls, name="recalls"),
    path("<int:pk>/recalls/export.xlsx", campaigns.recalls_export, name="recalls_export"),
    path("recall-items/<int:item_id>/contact/", campaigns.recall_contact, name="recall_contact"),
    path("points/<int:point_id>/team/", teams.team, name="team"),
    path("points/<int:point_id>/team/<int:member_id>/remove/", teams.team_remove, name="team_remove"),
    path("points/<int:point_id>/roll/", teams.roll, name="roll"),
    path("flags/", teams.flags, name="flags"),
    path("flags/add/", teams.flag_add, name="flag_add"),
    path("flags/import/", teams.flags_import, name="flags_import"),
    path("flags/<int:flag_id>/lift/", teams.flag_lift, name="flag_lift"),
    path("desk/", desk.desks, name="desks"),
    path("desk/<int:point_id>/", desk.desk, name="desk"),
    path("desk/<int:point_id>/boxes/", desk.boxes, name="boxes"),
    path("desk/<int:point_id>/boxes/<int:box_id>/", desk.box, name="box"),
    path("lab/", lab.labs, name="labs"),
    path("lab/<int:lab_id>/", lab.lab, name="lab"),
    path("lab/<int:lab_id>/runs/<int:run_id>/", lab.run, name="run"),
    path("c/<int:pk>/register/", residents.preregister, name="preregister"),
    path("c/<int:pk>/code/<str:code>/", residents.my_code, name="my_code"),
    path("result/", residents.lookup, name="lookup"),
    path("result/mine/", residents.my_results, name="my_results"),
    path("result/report/<int:sample_id>.pdf", residents.report_pdf, name="report_pdf"),
    path("verify/<str:token>/", residents.verify, name="verify"),
]
