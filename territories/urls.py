from django.urls import path

from . import views

app_name = "territories"
urlpatterns = [
    path("territories/", views.national, name="home"),
    path("territories/regions/<int:pk>/", views.region_detail, name="region"),
    path("territories/districts/<int:pk>/", views.district_detail, name="district"),
    path("territories/mahallas/<int:pk>/", views.mahalla_detail, name="mahalla"),
    path("my-mahallas/", views.my_mahallas, name="mine"),
]
