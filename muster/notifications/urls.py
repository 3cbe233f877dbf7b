from django.urls import path

from muster.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("person/<int:person_id>/", views.of_person, name="person"),
]
