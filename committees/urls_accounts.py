"""URL patterns of committees: accounts and roles (included from committees/urls.py).

The password reset pages are Django's own views under their standard names (config/urls.py).
"""

from django.urls import path

from committees import views_accounts as views

ACCOUNT = "to-chuc/<int:pk>/tai-khoan/<int:user_id>/"

urlpatterns: list = [
    path("to-chuc/<int:pk>/tai-khoan/", views.account_list, name="account_list"),
    path("to-chuc/<int:pk>/tai-khoan/them/", views.account_create, name="account_create"),
    path(ACCOUNT, views.account_detail, name="account_detail"),
    path(ACCOUNT + "phan-quyen/", views.role_grant, name="role_grant"),
    path(ACCOUNT + "thu-hoi/<int:assignment_id>/", views.role_revoke, name="role_revoke"),
    path(ACCOUNT + "khoa/", views.account_deactivate, name="account_deactivate"),
    path(ACCOUNT + "mo-khoa/", views.account_reactivate, name="account_reactivate"),
    path("to-chuc/<int:pk>/nhat-ky-phan-quyen/", views.role_log, name="role_log"),
    path("dat-mat-khau-moi/", views.password_set, name="password_set"),
]
