from django.urls import path

from . import views

app_name = "zones"
urlpatterns = [
    path("crime-free/", views.crime_free, name="crime-free"),
    path("policy/", views.policy, name="policy"),
]
