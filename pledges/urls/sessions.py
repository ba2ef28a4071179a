from django.urls import path

from pledges.views import sessions as views

urlpatterns = [
    path("to-chuc/<int:pk>/nam/<int:year>/hoc-tap/", views.session_list, name="session_list"),
    path("to-chuc/<int:pk>/hoc-tap/them/", views.session_create, name="session_create"),
    path("hoc-tap/<int:pk>/", views.session_detail, name="session_detail"),
    path("hoc-tap/<int:pk>/sua/", views.session_update, name="session_update"),
]
