import io

import pytest
from pypdf import PdfReader

from pledges.services.plans import plan_save


@pytest.fixture
def planned(world):
    """Plans for 2024 on the bloc, so every organization below has a plan to report on."""
    return plan_save(organization=world.bloc, year=2024)


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def pdf_pages(content: bytes) -> int:
    return len(PdfReader(io.BytesIO(content)).pages)
