from django.urls import path

from . import territory_views as views

# The namespace names the pages (territories), whichever app serves them.
app_name = "mahallas"
urlpatterns = [
    path("territories/", views.national, name="home"),
    path("territories/regions/<int:pk>/", views.region_detail, name="region"),
    path("territories/districts/<int:pk>/", views.district_detail, name="district"),
    path("territories/mahallas/<int:pk>/", views.mahalla_detail, name="mahalla"),
    path("my-mahallas/", views.my_mahallas, name="mine"),
]
