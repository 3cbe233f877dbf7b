from django.urls import path

from muster.emergencies import views

app_name = "emergencies"
urlpatterns = [
    path("", views.emergencies, name="list"),
    path("<int:pk>/", views.emergency, name="detail"),
    path("retention/", views.retention_page, name="retention"),
    path("purge/", views.purge, name="purge"),
    path("purge/<int:pk>/", views.purge_report, name="purge_report"),
    path("access/", views.access_review, name="access"),
    path("corrections/", views.corrections, name="corrections"),
    path("me/", views.mydata, name="mydata"),
    path("me/<int:person_id>.json", views.mydata_json, name="mydata_json"),
    path("me/<int:person_id>.pdf", views.mydata_pdf, name="mydata_pdf"),
]
