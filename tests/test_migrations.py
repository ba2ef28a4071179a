"""The models and the migrations agree: nobody forgot to run makemigrations."""

import io

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_missing_migrations():
    out = io.StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exit_:  # --check exits with 1 when a migration is missing
        pytest.fail(f"Missing migrations (exit {exit_.code}); run makemigrations:\n{out.getvalue()}")
    assert "No changes detected" in out.getvalue()
