from django.urls import path

from . import views

app_name = "leaflet"

urlpatterns = [
    path("", views.home, name="home"),
]
