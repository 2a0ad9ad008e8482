"""A reviewer settles a demo claim from its evidence page in the Django admin."""

import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from claims.demo.loader import load_demo
from claims.models import Claim, Status, StatusChange
from tests.browser.conftest import console_errors, screenshot, sign_in
from tests.factories import ReviewerFactory

pytestmark = pytest.mark.django_db(transaction=True)

README_SCREENSHOT = Path(settings.BASE_DIR) / "docs" / "screenshots" / "evidence-page.png"


@pytest.fixture
def demo_reviewer(working_groups):
    reviewer = ReviewerFactory(username="reviewer")
    load_demo(user=reviewer)
    return reviewer


def words(text: str) -> str:
    return " ".join(text.split())


def test_reviewer_gives_a_verdict_from_the_evidence_page(page, demo_reviewer):
    claim = Claim.objects.get(claimant="The Wall Street Journal", status=Status.IN_REVIEW)
    sign_in(page, demo_reviewer)
    page.set_window_size(1280, 2400)  # the whole evidence page in one screenshot
    page.get(page.base_url + reverse("admin:claims_claim_change", args=[claim.pk]))

    evidence = page.find_element(By.CSS_SELECTOR, "[data-evidence-page]")
    assert evidence.get_attribute("data-claim-status") == "in_review"
    quote = evidence.find_element(By.CSS_SELECTOR, "[data-evidence-paragraph] mark[data-evidence-quote]")
    assert words(quote.text) == words(claim.quote)
    paragraph = evidence.find_element(By.CSS_SELECTOR, "[data-evidence-paragraph]").text
    assert len(words(paragraph)) > len(words(claim.quote))  # the rest of its paragraph around it
    cited = [
        row.text
        for row in evidence.find_elements(By.CSS_SELECTOR, "[data-evidence-citations] tr[data-citation-id]")
    ]
    assert len(cited) == claim.citations.count() == 1
    assert "Supports" in cited[0]
    provenance = evidence.find_element(By.CSS_SELECTOR, "[data-evidence-provenance]").text
    assert "Independent origins supporting: 1" in provenance
    radios = evidence.find_elements(By.CSS_SELECTOR, "[data-status-form] input[type=radio]")
    assert [radio.get_attribute("value") for radio in radios] == [
        "unverified", "verified", "partly_verified", "disputed", "refuted", "unverifiable",
    ]  # fmt: skip
    assert not any(radio.is_selected() for radio in radios)  # nothing chosen for the reviewer
    verified_rule = evidence.find_element(
        By.CSS_SELECTOR, '[data-status-option="verified"] [data-status-rule]'
    )
    assert "Supports" in verified_rule.text
    assert "This claim has 1." in verified_rule.text
    shot = screenshot(page, "evidence-page")
    README_SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(shot, README_SCREENSHOT)

    page.find_element(By.CSS_SELECTOR, 'label[for="status_verified"]').click()
    page.find_element(By.CSS_SELECTOR, "[data-status-form] textarea[name=rationale]").send_keys(
        "The Journal's figure matches CENTCOM's after-action review."
    )
    page.find_element(By.CSS_SELECTOR, "[data-status-submit]").click()

    WebDriverWait(page, 10).until(
        expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "[data-verdict-readonly]"))
    )
    assert "The claim is now Verified." in page.find_element(By.CSS_SELECTOR, ".messagelist").text
    badge = page.find_element(By.CSS_SELECTOR, "[data-evidence-claim] [data-evidence-status-badge]")
    assert badge.text == "Verified"
    assert page.find_element(By.CSS_SELECTOR, "[data-reopen]").get_attribute("value") == "Reopen"
    assert page.find_elements(By.CSS_SELECTOR, "[data-status-form]") == []
    assert page.find_elements(By.CSS_SELECTOR, "textarea[name=statement]") == []  # read-only now
    latest = page.find_element(By.CSS_SELECTOR, "[data-evidence-history] tr[data-history-kind]")
    assert latest.get_attribute("data-history-kind") == "status_change"
    assert "The Journal's figure matches" in latest.text
    screenshot(page, "evidence-page-verdict")
    change = StatusChange.objects.filter(claim=claim).order_by("-changed_at").first()
    assert (change.to_status, change.changed_by) == (Status.VERIFIED, demo_reviewer)
    assert console_errors(page) == []
