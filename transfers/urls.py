"""URL patterns of the imports from spreadsheets (transfers/views.py)."""

from django.urls import path

from transfers import views

app_name = "transfers"

urlpatterns = [
    path("to-chuc/<int:pk>/nhap-du-lieu/", views.import_page, name="import_page"),
    path("to-chuc/<int:pk>/nhap-du-lieu/mau-<str:kind>.xlsx", views.import_template, name="import_template"),
    path("to-chuc/<int:pk>/nhap-du-lieu/ca-nhan/", views.import_people, name="import_people"),
    path("to-chuc/<int:pk>/nhap-du-lieu/ke-hoach/", views.import_pledges, name="import_pledges"),
    path("to-chuc/<int:pk>/tai-khoan/nhap-excel/", views.account_import, name="account_import"),
    path("to-chuc/<int:pk>/tai-khoan/nhap-excel/tai-len/", views.account_import_upload, name="account_import_upload"),
    path(
        "to-chuc/<int:pk>/tai-khoan/mau-nhap-tai-khoan.xlsx",
        views.account_import_template,
        name="account_import_template",
    ),
]
