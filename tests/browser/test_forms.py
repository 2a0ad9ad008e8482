"""Forms in a real browser: a refused form keeps what was typed, the transition form offers the
moves of the signed-in user, a citation is added by searching its source, and the docs pages
load with no console error and no request leaving the machine."""

import json
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from claims.models import Citation, Claim, Status
from tests.browser.conftest import console_errors, screenshot, sign_in
from tests.factories import ArticleFactory, ClaimFactory, SourceFactory

pytestmark = pytest.mark.django_db(transaction=True)

WAIT_SECONDS = 15


def wait(page):
    return WebDriverWait(page, WAIT_SECONDS)


def visible(selector):
    return EC.visibility_of_element_located((By.CSS_SELECTOR, selector))


def css(page, selector):
    return page.find_element(By.CSS_SELECTOR, selector)


def html_form_tab(page, form_name: str):
    """DRF's page shows the raw-data tab or the HTML form tab: open the HTML form."""
    form = css(page, f'[data-form="{form_name}"]')
    if not form.is_displayed():
        pane = form.find_element(By.XPATH, "./ancestor::div[contains(@class,'tab-pane')]")
        css(page, f'a[href="#{pane.get_attribute("id")}"]').click()
    wait(page).until(lambda _: form.is_displayed())
    return form


def value_of(form, name: str) -> str:
    return form.find_element(By.CSS_SELECTOR, f'[data-field="{name}"] [name="{name}"]').get_attribute("value")


@pytest.fixture
def signed_in_researcher(page, working_groups, researcher):
    sign_in(page, researcher)
    return page


def test_a_refused_claim_form_keeps_what_was_typed(signed_in_researcher):
    page = signed_in_researcher
    article = ArticleFactory()
    page.get(page.base_url + "/api/v1/claims/")
    form = html_form_tab(page, "post")
    typed = {
        "article": str(article.pk),
        "statement": "Twenty rockets hit the compound.",
        "quote": "words the article never says",
        "claimant": "A spokesman",
    }
    for name, value in typed.items():
        form.find_element(By.CSS_SELECTOR, f'[data-field="{name}"] [name="{name}"]').send_keys(value)
    form.find_element(By.XPATH, "./ancestor::form").find_element(
        By.CSS_SELECTOR, ".form-actions button"
    ).click()
    error = wait(page).until(
        EC.visibility_of_element_located((By.CSS_SELECTOR, '[data-field-error="quote"]'))
    )
    assert error.text
    form = css(page, '[data-form="post"]')
    for name, value in typed.items():
        assert value_of(form, name) == value
    assert not Claim.objects.exists()
    assert script_errors(page) == []


def script_errors(page) -> list[dict]:
    """Console errors but the browser's note that the page itself answered 400 (a refusal)."""
    return [e for e in console_errors(page) if "status of 400" not in e["message"]]


def offered_statuses(page) -> list[str]:
    select = Select(css(page, '[data-form="post"] [data-field="status"] select'))
    return [option.get_attribute("value") for option in select.options if option.get_attribute("value")]


def test_researcher_moves_a_claim_into_review_from_its_transition_form(signed_in_researcher):
    page = signed_in_researcher
    claim = ClaimFactory()
    page.get(page.base_url + f"/api/v1/claims/{claim.pk}/transition/")
    html_form_tab(page, "post")
    assert offered_statuses(page) == [Status.IN_REVIEW]
    Select(css(page, '[data-field="status"] select')).select_by_value(Status.IN_REVIEW)
    css(page, '[data-form="post"]').find_element(By.XPATH, "./ancestor::form").submit()
    wait(page).until(lambda _: Claim.objects.get(pk=claim.pk).status == Status.IN_REVIEW)
    assert console_errors(page) == []


def test_reviewer_sees_the_verdicts_and_what_each_needs(page, working_groups, reviewer):
    sign_in(page, reviewer)
    claim = ClaimFactory(status=Status.IN_REVIEW)
    page.get(page.base_url + f"/api/v1/claims/{claim.pk}/transition/")
    html_form_tab(page, "post")
    assert set(offered_statuses(page)) == {Status.UNVERIFIED, *Status.verdicts()}
    status_help = css(page, '[data-form="post"] [data-field="status"]').text
    assert "Verified: Needs at least one citation whose stance is “Supports”" in status_help
    assert css(page, '[data-field="rationale"] textarea').is_displayed()
    screenshot(page, "transition-reviewer")


def test_researcher_cites_a_source_found_by_typing(signed_in_researcher):
    page = signed_in_researcher
    claim = ClaimFactory()
    SourceFactory(title="Pentagon statement on the rocket attack")
    wanted = SourceFactory(title="Embassy security cable about rockets")
    page.get(page.base_url + f"/api/v1/claims/{claim.pk}/")
    panel = css(page, '[data-panel="cite"]')
    panel.find_element(By.CSS_SELECTOR, '[data-lookup-search="source"]').send_keys("embassy cable")
    result = wait(page).until(
        EC.element_to_be_clickable(
            (By.CSS_SELECTOR, f'[data-panel="cite"] [data-lookup-result="{wanted.pk}"]')
        )
    )
    assert "Embassy security cable" in result.text
    assert len(panel.find_elements(By.CSS_SELECTOR, "[data-lookup-result]")) == 1
    shot = screenshot(page, "claim-page")
    result.click()
    assert panel.find_element(By.CSS_SELECTOR, '[name="source"]').get_attribute("value") == str(wanted.pk)
    Select(panel.find_element(By.CSS_SELECTOR, '[name="role"]')).select_by_value(Citation.Role.EVIDENCE)
    panel.find_element(By.CSS_SELECTOR, '[data-action="cite"]').click()
    # Stance was left unchosen: refused beside it, the source chosen is kept.
    error = wait(page).until(visible('[data-panel="cite"] [data-field-error="stance"]'))
    assert error.text
    assert panel.find_element(By.CSS_SELECTOR, '[name="source"]').get_attribute("value") == str(wanted.pk)
    Select(panel.find_element(By.CSS_SELECTOR, '[name="stance"]')).select_by_value(Citation.Stance.SUPPORTS)
    panel.find_element(By.CSS_SELECTOR, '[data-action="cite"]').click()
    wait(page).until(lambda _: Citation.objects.filter(claim=claim, source=wanted).exists())
    wait(page).until(EC.staleness_of(panel))
    assert "Embassy security cable" in css(page, ".response-info").text
    assert script_errors(page) == []
    # The README shows the claim page as a newcomer first meets its source search.
    docs_copy = Path(settings.BASE_DIR) / "docs" / "screenshots"
    docs_copy.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(shot, docs_copy / "claim-page.png")


def requested_urls(page) -> list[str]:
    urls = []
    for entry in page.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


@pytest.mark.parametrize(
    ("path", "ready"),
    [("/api/docs/", ".swagger-ui .info"), ("/api/redoc/", "[role=navigation], .menu-content")],
)
def test_docs_pages_load_offline_with_no_console_error(page, path, ready):
    page.get(page.base_url + path)
    wait(page).until(EC.presence_of_element_located((By.CSS_SELECTOR, ready)))
    wait(page).until(lambda p: "Claimtrack API" in p.find_element(By.TAG_NAME, "body").text)
    screenshot(page, path.strip("/").replace("/", "-"))
    urls = requested_urls(page)
    assert urls
    server = urlsplit(page.base_url).netloc
    leaving = [
        url for url in urls if urlsplit(url).scheme in ("http", "https") and urlsplit(url).netloc != server
    ]
    assert leaving == []
    assert console_errors(page) == []


def test_researcher_changes_similar_query_by_its_form_and_opens_the_match_form(signed_in_researcher):
    page = signed_in_researcher
    claim = ClaimFactory(statement="Twenty rockets hit the embassy compound in Baghdad.")
    for n in range(3):
        ClaimFactory(statement=f"Rockets hit the embassy compound in Baghdad, attack number {n}.")
    page.get(page.base_url + f"/api/v1/claims/{claim.pk}/similar/")
    assert page.title == f"Claims like #{claim.pk} \N{EN DASH} Claimtrack"
    panel = css(page, '[data-panel="similar"]')
    limit = panel.find_element(By.CSS_SELECTOR, '[name="limit"]')
    limit.clear()
    limit.send_keys("1")
    panel.find_element(By.CSS_SELECTOR, '[data-action="similar"]').click()
    wait(page).until(lambda p: "limit=1" in p.current_url)
    shown = json.loads(css(page, ".response-info pre").text.split("\n\n", 1)[1])
    assert len(shown["results"]) == 1
    assert value_of(css(page, '[data-form="similar"]'), "limit") == "1"
    # Out of range: the page answers 400 with the error beside the field, the value kept.
    limit = css(page, '[data-panel="similar"] [name="limit"]')
    limit.clear()
    limit.send_keys("500")
    css(page, '[data-panel="similar"] [data-action="similar"]').click()
    error = wait(page).until(visible('[data-panel="similar"] [data-field-error="limit"]'))
    assert error.text
    assert value_of(css(page, '[data-form="similar"]'), "limit") == "500"

    page.get(page.base_url + "/api/v1/claims/match/")
    assert css(page, ".page-header").text == "Match a text against the claims"
    form = html_form_tab(page, "post")
    form.find_element(By.CSS_SELECTOR, '[name="text"]').send_keys("rockets hit the embassy")
    html_form = form.find_element(By.XPATH, "./ancestor::form")
    html_form.find_element(By.CSS_SELECTOR, ".form-actions button").click()
    wait(page).until(lambda p: "results" in css(p, ".response-info").text)
    assert "HTTP 200" in css(page, ".response-info").text
    assert value_of(css(page, '[data-form="post"]'), "text") == "rockets hit the embassy"
    assert script_errors(page) == []
