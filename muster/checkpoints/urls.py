from django.urls import path

from muster.checkpoints import views

app_name = "checkpoints"
urlpatterns = [
    path("", views.index, name="index"),
    path("register/", views.register, name="register"),
    path("register.xlsx", views.export, name="export"),
    path("alerts/", views.alerts, name="alerts"),
    path("alerts/<int:pk>/close/", views.alert_close, name="alert_close"),
    path("<int:pk>/entry/", views.entry, name="entry"),
    path("<int:pk>/hourly/", views.hourly, name="hourly"),
]
