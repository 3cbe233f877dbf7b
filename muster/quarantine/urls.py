from django.urls import path

from muster.quarantine import views

app_name = "quarantine"
urlpatterns = [
    path("", views.cases, name="cases"),
    path("new/", views.case_new, name="case_new"),
    path("<int:pk>/", views.case, name="case"),
    path("<int:pk>/notice.pdf", views.notice_pdf, name="notice_pdf"),
    path("hotel/<int:site_id>/release/", views.hotel_release, name="hotel_release"),
    path("hotel/<int:site_id>/notices.pdf", views.hotel_notices, name="hotel_notices"),
    path("verify/<str:token>/", views.verify, name="verify"),
]
