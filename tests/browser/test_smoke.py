"""The browsable API answers a signed-in researcher in a real browser."""

import pytest
from selenium.webdriver.common.by import By

from tests.browser.conftest import console_errors, screenshot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_api_root_in_a_browser_shows_the_signed_in_researcher(page, researcher):
    sign_in(page, researcher)
    page.get(page.base_url + "/api/v1/")
    navbar = page.find_element(By.CSS_SELECTOR, ".navbar").text
    assert researcher.username in navbar
    assert page.find_element(By.CSS_SELECTOR, "[data-brand]").text == "Claimtrack"
    assert "/api/v1/articles/" in page.page_source
    screenshot(page, "api-root")
    assert console_errors(page) == []
