from django.urls import path

from committees import views

app_name = "committees"

urlpatterns = [
    path("vai-tro/<int:assignment_id>/", views.role_switch, name="role_switch"),
    path("to-chuc/", views.organization_list, name="organization_list"),
    path("to-chuc/<int:pk>/", views.organization_detail, name="organization_detail"),
    path("to-chuc/<int:pk>/ca-nhan/them/", views.person_create, name="person_create"),
    path("ca-nhan/tim/", views.people_search, name="people_search"),
    path("ca-nhan/<int:pk>/", views.person_detail, name="person_detail"),
    path("ca-nhan/<int:pk>/sua/", views.person_update, name="person_update"),
]

# The download log (committees/views_audit.py).
from committees import views_audit  # noqa: E402

urlpatterns += [
    path("to-chuc/<int:pk>/nhat-ky-tai-du-lieu/", views_audit.download_log, name="download_log"),
]

# Each area of the committees app keeps its URLs in a module of its own.
from committees import urls_accounts, urls_tree, urls_years  # noqa: E402

urlpatterns += urls_years.urlpatterns + urls_tree.urlpatterns + urls_accounts.urlpatterns

# The user's own API tokens (committees/views_tokens.py).
from committees import views_tokens  # noqa: E402

urlpatterns += [
    path("khoa-truy-cap-api/", views_tokens.api_tokens_page, name="api_tokens"),
    path("khoa-truy-cap-api/thu-hoi/", views_tokens.api_token_revoke, name="api_token_revoke"),
]
