"""The built site that both site tests read (see pages.py)."""

import pytest
from pages import SITE


@pytest.fixture(scope="session")
def built_site():
    """The site's folder; a missing build fails the test (``make test-site`` builds it first)."""
    if not (SITE / "index.html").is_file():
        pytest.fail(
            f"no built site in {SITE}: run `make book-smoke` first (or set INVOLUTION_SITE)"
        )
    return SITE
