"""The REST API under /api/v1/, and its OpenAPI schema and documentation page."""

from django.contrib.auth.views import redirect_to_login
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.exceptions import NotAuthenticated
from rest_framework.routers import APIRootView, DefaultRouter

from committees.api.common import ApiDefaults
from committees.api.views import OrganizationViewSet, PersonViewSet, TokenView
from pledges.api.pledges import PledgeViewSet
from pledges.api.records import CommendationViewSet, ExemplarViewSet, StudySessionViewSet
from reports.api import RenderViewSet, ReportViewSet, StatisticsView


class ApiRoot(ApiDefaults, APIRootView):
    """Các tài nguyên của API phiên bản 1."""


class SignInRequired(NotAuthenticated):
    """Signed out, on a page read by people: answered with the sign-in page, not a 401/403."""


class SignInFirst:
    """The schema and its documentation page are read by people first: signed out, they lead
    to the sign-in page and back, like every page. A program that sends credentials (the
    Authorization header) gets the API's own answers, a refusal included."""

    def permission_denied(self, request, message=None, code=None):
        if request.successful_authenticator is None and "HTTP_AUTHORIZATION" not in request.META:
            raise SignInRequired
        super().permission_denied(request, message=message, code=code)

    def handle_exception(self, exc):
        if isinstance(exc, SignInRequired):
            return redirect_to_login(self.request.get_full_path())
        return super().handle_exception(exc)


class SchemaView(SignInFirst, SpectacularAPIView):
    pass


class DocsView(SignInFirst, SpectacularSwaggerSplitView):
    pass


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
    path("schema/", SchemaView.as_view(), name="api-schema"),
    # The split view serves its start-up script as a file and our template its style as a file:
    # nothing inline, so the page needs no exception to the Content-Security-Policy.
    path(
        "docs/",
        DocsView.as_view(url_name="api-schema", template_name="api/swagger_ui.html"),
        name="api-docs",
    ),
]
