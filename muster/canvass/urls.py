from django.urls import path

from muster.canvass import views

app_name = "canvass"
urlpatterns = [
    path("", views.campaigns, name="campaigns"),
    path("c/<int:pk>/", views.campaign, name="campaign"),
    path("c/<int:pk>/answers/", views.answers, name="answers"),
    path("c/<int:pk>/export.xlsx", views.export, name="export"),
    path("c/<int:pk>/cut/", views.cut, name="cut"),
    path("c/<int:pk>/assign/", views.assign, name="assign"),
    path("c/<int:pk>/move/", views.move, name="move"),
    path("visits/<int:pk>/resolve/", views.resolve, name="resolve"),
    path("findings/<int:pk>/act/", views.act, name="act"),
    path("mine/", views.mine, name="mine"),
    path("c/<int:pk>/teams/", views.teams, name="teams"),
    path("c/<int:pk>/followups/", views.followups, name="followups"),
    path("followups/mine/", views.my_followups, name="my_followups"),
    path("followups/<int:pk>/check/", views.followup_check, name="followup_check"),
    path("followups/<int:pk>/close/", views.followup_close, name="followup_close"),
    path("l/<int:pk>/", views.walk, name="walk"),
    path("l/<int:pk>/sheet.pdf", views.sheet, name="sheet"),
]
