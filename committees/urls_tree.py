"""URL patterns of committees: tree (included from committees/urls.py)."""

from django.urls import path

from committees import views_tree

urlpatterns: list = [
    path("to-chuc/<int:pk>/truc-thuoc/them/", views_tree.organization_create, name="organization_create"),
    path("to-chuc/<int:pk>/doi-ten/", views_tree.organization_rename, name="organization_rename"),
    path("to-chuc/<int:pk>/chuyen-truc-thuoc/", views_tree.organization_move, name="organization_move"),
    path("to-chuc/<int:pk>/sap-nhap/", views_tree.organization_merge, name="organization_merge"),
    path("to-chuc/<int:pk>/giai-the/", views_tree.organization_dissolve, name="organization_dissolve"),
]
