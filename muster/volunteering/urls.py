from django.urls import path

from muster.volunteering import views

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
    path("manage/s/<int:pk>/attendance/", views.session_attendance, name="session_attendance"),
    path("manage/signups/<int:pk>/decide/", views.decide, name="decide"),
    path("manage/teams/<int:pk>/", views.team, name="team"),
]
