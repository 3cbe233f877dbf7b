from django.urls import path

from muster.situation import views

app_name = "situation"
urlpatterns = [
    path("", views.page, name="page"),
]
