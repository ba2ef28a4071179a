"""The REST API under /api/v1/, and its OpenAPI schema and documentation page."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import APIRootView, DefaultRouter

from committees.api.common import ApiDefaults
from committees.api.views import OrganizationViewSet, PersonViewSet, TokenView
from pledges.api.pledges import PledgeViewSet
from pledges.api.records import CommendationViewSet, ExemplarViewSet, StudySessionViewSet
from reports.api import RenderViewSet, ReportViewSet, StatisticsView


class ApiRoot(ApiDefaults, APIRootView):
    """Các tài nguyên của API phiên bản 1."""


router = DefaultRouter()
router.APIRootView = ApiRoot
router.register("organizations", OrganizationViewSet, basename="api-organization")
router.register("people", PersonViewSet, basename="api-person")
router.register("pledges", PledgeViewSet, basename="api-pledge")
router.register("sessions", StudySessionViewSet, basename="api-session")
router.register("exemplars", ExemplarViewSet, basename="api-exemplar")
router.register("commendations", CommendationViewSet, basename="api-commendation")
router.register("reports", ReportViewSet, basename="api-report")
router.register("renders", RenderViewSet, basename="api-render")

urlpatterns: list = [
    # Username and password for a token (django-rest-knox, committees/api_tokens.py).
    path("v1/token/", TokenView.as_view(), name="api-token"),
    path("v1/statistics/", StatisticsView.as_view(), name="api-statistics"),
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its start-up script as a file and our template its style as a file:
    # nothing inline, so the page needs no exception to the Content-Security-Policy.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="api/swagger_ui.html"),
        name="api-docs",
    ),
]
