"""URL patterns of committees: tree (included from committees/urls.py)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
