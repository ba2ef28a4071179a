from django.urls import path

from pledges.views import commendations as views

urlpatterns = [
    path("to-chuc/<int:pk>/nam/<int:year>/khen-thuong/", views.commendation_list, name="commendation_list"),
    path("to-chuc/<int:pk>/khen-thuong/them/", views.commendation_create, name="commendation_create"),
    path("khen-thuong/<int:pk>/", views.commendation_detail, name="commendation_detail"),
    path("khen-thuong/<int:pk>/sua/", views.commendation_update, name="commendation_update"),
]
