"""URL patterns of committees: the reporting years (included from committees/urls.py)."""

from django.urls import path

from committees import views_years

urlpatterns = [
    path("to-chuc/<int:pk>/mo-nam/", views_years.year_open, name="year_open"),
    path("mo-nam/<int:pk>/", views_years.year_opening, name="year_opening"),
    path("mo-nam/<int:pk>/thu-lai/", views_years.year_opening_retry, name="year_opening_retry"),
]
