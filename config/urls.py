from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from committees import views as committee_views
from committees import views_accounts
from config import views as config_views

admin.site.site_header = _("Làm theo Bác – Quản trị")
admin.site.site_title = _("Làm theo Bác")
admin.site.index_title = _("Quản trị hệ thống")

urlpatterns = [
    path("", committee_views.home, name="home"),
    path("suc-khoe/", config_views.health, name="health"),
    path("dang-nhap/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("doi-mat-khau/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("doi-mat-khau/xong/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    # Password reset by e-mail (also the link of a new account's invitation): docs/permissions.md.
    path("quen-mat-khau/", views_accounts.PasswordResetView.as_view(), name="password_reset"),
    path("quen-mat-khau/da-gui/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "dat-lai-mat-khau/<uidb64>/<token>/",
        views_accounts.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("dat-lai-mat-khau/xong/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("", include("committees.urls")),
    path("", include("pledges.urls")),
    path("", include("reports.urls")),
    path("", include("transfers.urls")),
    path("api/", include("config.api_urls")),
    path("quan-tri/", admin.site.urls),
]

handler403 = "committees.views.permission_denied_view"
