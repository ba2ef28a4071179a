"""URL patterns of committees: accounts (included from committees/urls.py)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
