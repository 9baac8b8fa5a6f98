import pytest

from tests.report.browser import chromium_binary


@pytest.fixture(scope="session")
def chromium() -> str:
    binary = chromium_binary()
    if binary is None:
        pytest.fail("chromium is not installed: `make test` installs Debian's chromium package "
                    "(or set SOLVENT_CHROMIUM to a Chromium binary)")
    return binary
