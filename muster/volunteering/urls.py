from django.urls import path

import muster.volunteering.views_teams as views_teams
from muster.volunteering import views, views_proposals, views_records

app_name = "volunteering"
urlpatterns = [
    path("", views.projects, name="projects"),
    path("p/<int:pk>/", views.project, name="project"),
    path("register/", views.register, name="register"),
    path("me/", views.me, name="me"),
    path("attend/", views.attend, name="attend"),
    path("s/<int:pk>/signup/", views.signup, name="signup"),
    path("signups/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("manage/", views.manage, name="manage"),
    path("manage/p/<int:pk>/", views.project_manage, name="project_manage"),
    path("manage/p/<int:pk>/close/", views.project_close, name="project_close"),
    path("manage/s/<int:pk>/attendance/", views.session_attendance, name="session_attendance"),
    path("manage/signups/<int:pk>/decide/", views.decide, name="decide"),
    path("manage/teams/<int:pk>/", views.team, name="team"),
    path("manage/teams/<int:team_pk>/honours/", views_records.honour_add, name="honour_add"),
    path("manage/report/", views_records.report, name="report"),
    path("manage/corrections/", views_records.corrections, name="corrections"),
    path("records/<int:pk>/correct/", views_records.record_correct, name="record_correct"),
    path("certificates/", views_records.certificate_issue, name="certificate_issue"),
    path("certificates/<int:pk>.pdf", views_records.certificate_download, name="certificate_pdf"),
    path("verify/", views_records.verify, name="verify"),
    path("verify/<str:number>/", views_records.verify, name="verify_number"),
    path("manage/needs/<int:pk>/publish/", views_proposals.need_publish, name="need_publish"),
    path("manage/s/<int:pk>/proposals/", views_proposals.session_proposals, name="session_proposals"),
    path("manage/s/<int:pk>/invite/", views_proposals.session_invite, name="session_invite"),
    path("teams/", views_teams.teams_mine, name="teams_mine"),
    path("teams/<int:pk>/join/", views_teams.team_join, name="team_join"),
    path("teams/m/<int:pk>/", views_teams.membership_answer, name="membership_answer"),
    path("manage/teams/<int:pk>/requests/", views_teams.team_requests, name="team_requests"),
    path("insurance/", views_teams.insurance_mine, name="insurance_mine"),
    path("manage/volunteers/<int:person_pk>/insurance/", views_teams.insurance_of, name="insurance_of"),
]
