from django.urls import path

from muster.people import views

app_name = "people"
urlpatterns = [
    path("", views.directory, name="directory"),
    path("export.xlsx", views.export, name="export"),
    path("new/", views.new, name="new"),
    path("import/", views.import_people, name="import"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/reveal-id/", views.reveal_id, name="reveal_id"),
]
