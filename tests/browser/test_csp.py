"""The browsable API, the admin and the docs work in a real browser under the
Content-Security-Policy: no violation reaches the console, and the pages draw."""

import time

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.wait import WebDriverWait

from tests.browser.conftest import screenshot, sign_in
from tests.factories import ClaimFactory

pytestmark = pytest.mark.django_db(transaction=True)


# Redoc always draws its "powered by" logo from its vendor's CDN; the docs must work offline and
# call no third party, so the policy refuses that one image on purpose (README, Data safety).
BLOCKED_ON_PURPOSE = "Loading the image 'https://cdn.redoc.ly/redoc/logo-mini.svg'"


def violations(browser, entries=None) -> list[dict]:
    entries = browser.get_log("browser") if entries is None else entries
    return [entry for entry in entries if "Content Security Policy" in entry["message"]]


def _drawn(browser, selector: str) -> None:
    WebDriverWait(browser, 20).until(
        expected_conditions.presence_of_element_located((By.CSS_SELECTOR, selector))
    )


@pytest.mark.parametrize(
    ("path", "selector"),
    [
        ("/api/v1/", "[data-brand]"),
        ("/api/v1/claims/", "[data-brand]"),
        ("/api/docs/", ".swagger-ui .info"),
        ("/api/redoc/", "[role='search'], .menu-content"),
        ("/admin/", "#site-name"),
        ("/admin/claims/claim/", "#result_list, #changelist"),
    ],
)
def test_the_page_works_under_the_policy(page, superuser, path, selector):
    ClaimFactory()
    sign_in(page, superuser)
    page.get_log("browser")  # start clean
    page.get(page.base_url + path)
    _drawn(page, selector)
    time.sleep(0.5)  # let late scripts (Redoc's worker) report; no assertion on time
    screenshot(page, "csp" + path.replace("/", "-").rstrip("-"))
    entries = [entry for entry in page.get_log("browser") if BLOCKED_ON_PURPOSE not in entry["message"]]
    assert violations(page, entries) == []
    assert [entry for entry in entries if entry["level"] == "SEVERE"] == []


def test_an_inline_script_is_refused(page, superuser):
    """The policy is really in force: a script injected inline does not run."""
    sign_in(page, superuser)
    page.get(page.base_url + "/api/v1/")
    page.execute_script(
        "const s = document.createElement('script'); s.textContent = 'window.__ran = true';"
        "document.head.appendChild(s);"
    )
    assert page.execute_script("return window.__ran === true") is False
    assert violations(page)
