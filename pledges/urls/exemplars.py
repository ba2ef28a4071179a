from django.urls import path

from pledges.views import exemplars as views

urlpatterns = [
    path("to-chuc/<int:pk>/nam/<int:year>/mo-hinh/", views.exemplar_list, name="exemplar_list"),
    path("to-chuc/<int:pk>/mo-hinh/them/", views.exemplar_create, name="exemplar_create"),
    path("mo-hinh/<int:pk>/", views.exemplar_detail, name="exemplar_detail"),
    path("mo-hinh/<int:pk>/sua/", views.exemplar_update, name="exemplar_update"),
]
