from django.urls import path

from muster.rosters import views

app_name = "rosters"
urlpatterns = [
    path("", views.posts, name="posts"),
    path("new/", views.post_new, name="post_new"),
    path("mine/", views.mine, name="mine"),
    path("mine/calendar/", views.feed_new, name="feed_new"),
    path("missed/", views.missed, name="missed"),
    path("ical/<str:token>.ics", views.ical, name="ical"),
    path("checkin/<str:token>/", views.checkin_qr, name="checkin_qr"),
    path("<int:pk>/", views.post_detail, name="post"),
    path("<int:pk>/cover/", views.cover, name="cover"),
    path("<int:pk>/exceptions/", views.exception_add, name="exception_add"),
    path("<int:pk>/rules/", views.rules, name="rules"),
    path("<int:pk>/team/", views.team, name="team"),
    path("<int:pk>/team/<int:member_id>/", views.member, name="member"),
    path("<int:pk>/solve/", views.solve, name="solve"),
    path("<int:pk>/week/<str:date>/", views.week, name="week"),
    path("<int:pk>/week/<str:date>.pdf", views.week_pdf, name="week_pdf"),
    path("<int:pk>/duty/", views.duty, name="duty"),
    path("<int:pk>/duty/checkin/", views.checkin_tap, name="checkin_tap"),
    path("<int:pk>/qr.svg", views.post_qr, name="qr"),
    path("<int:pk>/hours/", views.hours, name="hours"),
    path("<int:pk>/hours/export.xlsx", views.hours_export, name="hours_export"),
    path("hours/export.xlsx", views.hours_export_all, name="hours_export_all"),
    path("roster/<int:pk>/", views.roster, name="roster"),
    path("roster/<int:pk>/publish/", views.roster_publish, name="publish"),
    path("roster/<int:pk>/discard/", views.roster_discard, name="discard"),
    path("shift/<int:assignment_id>/swap/", views.swap_new, name="swap_new"),
    path("shift/<int:assignment_id>/standin/", views.standin, name="standin"),
    path("swap/<int:pk>/decide/", views.swap_decide, name="swap_decide"),
]
