from django.urls import path

from muster.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("person/<int:person_id>/", views.of_person, name="person"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/count/", views.inbox_count, name="inbox_count"),
    path("inbox/open/", views.inbox_open, name="inbox_open"),
    path("inbox/read/", views.inbox_read, name="inbox_read"),
]
