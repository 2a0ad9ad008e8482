"""Browser tests: Debian's Chromium driven by Selenium against pytest-django's live server.

Run by ``make test-browser`` (which sets ``CLAIMTRACK_BROWSER_TESTS=1``); ``make test`` leaves
this folder out because it needs Chromium and its driver (``apt-get install -y chromium
chromium-driver``). Screenshots go to ``var/screenshots/``.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")


def _chrome_options():
    from selenium.webdriver.chrome.options import Options

    options = Options()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        # This machine's network is closed: without these Chromium keeps calling home.
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,1000",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    return options


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the whole run; each test gets it with cookies cleared."""
    if not (shutil.which(CHROMIUM) and shutil.which(CHROMEDRIVER)):
        pytest.fail(f"Chromium and its driver are needed: {CHROMIUM}, {CHROMEDRIVER} (see README).")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=_chrome_options())
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


@pytest.fixture
def page(browser, live_server):
    """The browser, signed out, with its console log emptied, pointed at the live server."""
    browser.get(live_server.url + "/api/v1/")
    browser.delete_all_cookies()
    browser.get_log("browser")
    browser.get_log("performance")
    browser.base_url = live_server.url
    return browser


def sign_in(browser, user) -> None:
    """Give the browser a session of ``user`` (as after the login form) without typing."""
    client = Client()
    client.force_login(user)
    browser.add_cookie(
        {"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value}
    )


def console_errors(browser) -> list[dict]:
    return [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]


def screenshot(browser, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    browser.save_screenshot(str(path))
    return path
