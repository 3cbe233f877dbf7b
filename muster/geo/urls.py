from django.urls import path

from muster.geo import views

app_name = "geo"
urlpatterns = [
    path("regions/", views.regions, name="regions"),
    path("regions/pick/", views.pick_regions, name="pick_regions"),
    path("regions/<str:code>/", views.region, name="region"),
    path("sites/", views.sites, name="sites"),
    path("sites/new/", views.site_new, name="site_new"),
    path("sites/<int:pk>/", views.site, name="site"),
]
