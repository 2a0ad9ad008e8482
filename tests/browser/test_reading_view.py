"""The article reading view in a real browser: highlights, tooltips, and recording a claim
by selecting words (offsets in code points, as the API counts them)."""

import pytest
from rest_framework.test import APIClient
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from claims import services
from claims.demo.loader import load_demo
from claims.models import Article, Claim
from tests.browser.conftest import console_errors, screenshot, sign_in
from tests.factories import ArticleFactory, ClaimFactory, ResearcherFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

FILLER = "A paragraph that is only there to make the page long enough to scroll. " * 6
EMOJI_BODY = (
    "Rockets 🚀 were seen first.\n\n"
    + "\n\n".join([FILLER] * 8)
    + "\n\nThen the militia 😀 said 21 rockets were fired at the base."
)

# Selects the first occurrence of `words` in the body's text, as a person's drag would (the
# browser's own Range; its offsets are UTF-16 units, which the page must not send as such).
SELECT_WORDS = """
const [words, nth] = arguments;
const body = document.querySelector('[data-article-body]');
const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
let seen = 0;
for (let node = walker.nextNode(); node; node = walker.nextNode()) {
  const at = node.data.indexOf(words);
  if (at >= 0 && seen++ === nth) {
    node.parentElement.scrollIntoView({block: 'center'});
    const range = document.createRange();
    range.setStart(node, at);
    range.setEnd(node, at + words.length);
    const selection = document.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    return true;
  }
}
return false;
"""


@pytest.fixture
def person(working_groups):
    return ResearcherFactory(username="reader-researcher")


def reading(page, article):
    page.get(f"{page.base_url}/api/v1/articles/{article.pk}/")
    return page.find_element(By.CSS_SELECTOR, "[data-article-body]")


def wait(page, seconds: float = 10) -> WebDriverWait:
    return WebDriverWait(page, seconds)


def select(page, words: str, nth: int = 0) -> None:
    assert page.execute_script(SELECT_WORDS, words, nth), words


def highlight_texts(page) -> dict[int, str]:
    texts: dict[int, str] = {}
    for mark in page.find_elements(By.CSS_SELECTOR, "[data-article-body] [data-claim-id]"):
        claim_id = int(mark.get_attribute("data-claim-id"))
        texts[claim_id] = texts.get(claim_id, "") + mark.get_attribute("textContent")
    return texts


def record_panel(page):
    return page.find_element(By.CSS_SELECTOR, "[data-record-panel]")


def field(page, name: str):
    return page.find_element(By.CSS_SELECTOR, f"[data-record-form] [name='{name}']")


def field_error(page, name: str) -> str:
    return page.find_element(By.CSS_SELECTOR, f"[data-field-error='{name}']").text


def message(page) -> str:
    return page.find_element(By.CSS_SELECTOR, "[data-selection-message]").text


def test_every_demo_claim_is_highlighted_and_hovering_shows_its_claim(page, person):
    load_demo(user=person)
    article = Article.objects.get()
    claims = {claim.pk: claim for claim in Claim.objects.filter(article=article)}
    sign_in(page, person)
    body = reading(page, article)
    assert body.get_attribute("textContent") == article.body
    assert highlight_texts(page) == {pk: claim.quote for pk, claim in claims.items()}
    assert len(page.find_elements(By.CSS_SELECTOR, "[data-claim-item]")) == len(claims)

    first = min(claims.values(), key=lambda claim: claim.quote_start)
    mark = page.find_element(By.CSS_SELECTOR, f"[data-article-body] [data-claim-id='{first.pk}']")
    ActionChains(page).move_to_element(mark).perform()
    tooltip = wait(page).until(EC.visibility_of_element_located((By.CSS_SELECTOR, "[data-claim-tooltip]")))
    assert first.statement in tooltip.text
    assert first.claimant in tooltip.text
    assert "Unverified" in tooltip.text
    cited = first.citations.count()
    assert f"{cited} citation{'s' if cited != 1 else ''}" in tooltip.text
    screenshot(page, "reading-view")

    ActionChains(page).move_by_offset(0, 400).perform()  # away from the highlight
    wait(page).until(EC.invisibility_of_element_located((By.CSS_SELECTOR, "[data-claim-tooltip]")))
    mark.click()
    wait(page).until(EC.url_contains(f"/api/v1/claims/{first.pk}/"))
    assert console_errors(page) == []


def test_keyboard_focus_shows_the_claim_too(page, person):
    claim = ClaimFactory(statement="Focus shows me.")
    sign_in(page, person)
    reading(page, claim.article)
    page.execute_script("document.querySelector('[data-article-body] [data-claim-id]').focus()")
    tooltip = wait(page).until(EC.visibility_of_element_located((By.CSS_SELECTOR, "[data-claim-tooltip]")))
    assert "Focus shows me." in tooltip.text
    assert console_errors(page) == []


def test_selecting_words_after_an_emoji_records_a_claim_the_api_confirms(page, person):
    article = ArticleFactory(body=EMOJI_BODY)
    sign_in(page, person)
    reading(page, article)
    assert not record_panel(page).is_displayed()  # opened by a selection
    select(page, "21 rockets were fired")
    wait(page).until(lambda _: record_panel(page).is_displayed())
    expected_start = EMOJI_BODY.index("21 rockets were fired")
    assert field(page, "quote").get_attribute("value") == "21 rockets were fired"
    assert field(page, "quote_start").get_attribute("value") == str(expected_start)

    field(page, "statement").send_keys("The militia said 21 rockets were fired.")
    field(page, "claimant").send_keys("The militia")
    page.execute_script("arguments[0].value = '2019-12-21'", field(page, "claim_date"))
    screenshot(page, "reading-record-form")
    scrolled = page.execute_script("return window.scrollY")
    assert scrolled > 0
    where = "return document.querySelectorAll('[data-paragraph]')[9].getBoundingClientRect().top"
    on_screen = page.execute_script(where)
    page.find_element(By.CSS_SELECTOR, "[data-record-submit]").click()

    wait(page).until(lambda _: page.find_elements(By.CSS_SELECTOR, "[data-article-body] [data-claim-id]"))
    claim = Claim.objects.get()
    assert highlight_texts(page) == {claim.pk: "21 rockets were fired"}
    assert f"Claim #{claim.pk} recorded" in message(page)
    assert page.execute_script("return window.scrollY") == scrolled
    assert page.execute_script(where) == on_screen
    assert not record_panel(page).is_displayed()

    api = APIClient()
    api.force_authenticate(person)
    data = api.get(f"/api/v1/claims/{claim.pk}/").json()
    assert (data["quote"], data["quote_start"], data["quote_end"]) == (
        "21 rockets were fired",
        expected_start,
        expected_start + len("21 rockets were fired"),
    )
    assert (data["claimant"], data["claim_date"], data["created_by"]) == (
        "The militia",
        "2019-12-21",
        person.username,
    )
    assert console_errors(page) == []


def test_a_refused_claim_keeps_what_was_typed_and_says_why_beside_the_field(page, person):
    article = ArticleFactory(body=EMOJI_BODY)
    sign_in(page, person)
    reading(page, article)
    select(page, "said 21 rockets")
    wait(page).until(lambda _: record_panel(page).is_displayed())
    field(page, "claimant").send_keys("The militia")
    field(page, "statement").send_keys("   ")
    page.find_element(By.CSS_SELECTOR, "[data-record-submit]").click()
    wait(page).until(lambda _: field_error(page, "statement"))
    assert "blank" in field_error(page, "statement")
    assert field(page, "statement").get_attribute("aria-invalid") == "true"
    assert field(page, "claimant").get_attribute("value") == "The militia"
    assert field(page, "quote").get_attribute("value") == "said 21 rockets"

    field(page, "statement").send_keys("A statement.")
    field(page, "quote").send_keys("!")  # no longer the article's words at that offset
    page.find_element(By.CSS_SELECTOR, "[data-record-submit]").click()
    wait(page).until(lambda _: field_error(page, "quote_start"))
    assert "does not contain the quote" in field_error(page, "quote_start")
    assert field_error(page, "statement") == ""
    assert field(page, "statement").get_attribute("value") == "   A statement."
    assert field(page, "quote").get_attribute("value") == "said 21 rockets!"
    assert Claim.objects.count() == 0
    # The browser logs each refusal it was answered; nothing else may be in its console.
    errors = console_errors(page)
    refusals = [e for e in errors if "/api/v1/claims/ - " in e["message"] and "400" in e["message"]]
    assert len(refusals) == 2
    assert [e for e in errors if e not in refusals] == []


def test_a_selection_crossing_a_highlight_or_of_blanks_gets_a_message(page, person):
    claim = ClaimFactory(quote="militia group", statement="A militia did it.")
    sign_in(page, person)
    reading(page, claim.article)
    page.execute_script(
        """const mark = document.querySelector('[data-article-body] [data-claim-id]');
        const before = mark.previousSibling;
        const range = document.createRange();
        range.setStart(before, before.data.length - 3);
        range.setEnd(mark.firstChild, 4);
        document.getSelection().removeAllRanges();
        document.getSelection().addRange(range);"""
    )
    wait(page).until(lambda _: "crosses the highlight" in message(page))
    assert "A militia did it." in message(page)
    assert not record_panel(page).is_displayed()

    select(page, " ", 0)
    wait(page).until(lambda _: "only spaces" in message(page))
    assert not record_panel(page).is_displayed()

    select(page, "militia", 0)  # inside the highlight: a claim nested in another is fine
    wait(page).until(lambda _: record_panel(page).is_displayed())
    assert field(page, "quote").get_attribute("value") == "militia"
    assert console_errors(page) == []


def double_click_word(page, body, word: str) -> None:
    """Double-click ``word`` of the body's first paragraph, as a person's mouse would."""
    paragraph = body.find_element(By.CSS_SELECTOR, "[data-paragraph]")
    box = page.execute_script(
        """const [p, word] = arguments; const node = p.firstChild; const at = node.data.indexOf(word);
        const range = document.createRange(); range.setStart(node, at); range.setEnd(node, at + word.length);
        const r = range.getBoundingClientRect(); const b = p.getBoundingClientRect();
        return {x: r.left - b.left + r.width / 2 - b.width / 2,
                y: r.top - b.top + r.height / 2 - b.height / 2};""",
        paragraph,
        word,
    )
    ActionChains(page).move_to_element_with_offset(
        paragraph, int(box["x"]), int(box["y"])
    ).double_click().perform()


def test_a_person_double_clicking_a_word_gets_the_form(page, person):
    article = ArticleFactory()
    sign_in(page, person)
    body = reading(page, article)
    double_click_word(page, body, "Wednesday")
    wait(page).until(lambda _: record_panel(page).is_displayed())
    assert field(page, "quote").get_attribute("value") == "Wednesday"
    assert field(page, "quote_start").get_attribute("value") == str(article.body.index("Wednesday"))
    assert console_errors(page) == []


ACTIVE = "return document.activeElement"


def test_escape_closes_the_record_form_and_gives_the_focus_back(page, person):
    claim = ClaimFactory()
    sign_in(page, person)
    body = reading(page, claim.article)
    mark = body.find_element(By.CSS_SELECTOR, f"[data-claim-id='{claim.pk}']")
    page.execute_script("arguments[0].focus()", mark)  # a keyboard user on a highlight
    select(page, "rockets")
    wait(page).until(lambda _: record_panel(page).is_displayed())
    assert page.execute_script(ACTIVE) == field(page, "statement")
    field(page, "statement").send_keys("Half typed", Keys.ESCAPE)
    wait(page).until(lambda _: not record_panel(page).is_displayed())
    assert page.execute_script(ACTIVE) == mark

    # A mouse selection: the focus was on no element, and goes back to the article's text.
    double_click_word(page, body, "Wednesday")
    wait(page).until(lambda _: record_panel(page).is_displayed())
    ActionChains(page).send_keys(Keys.ESCAPE).perform()
    wait(page).until(lambda _: not record_panel(page).is_displayed())
    assert page.execute_script(ACTIVE) == body
    ActionChains(page).send_keys(Keys.ESCAPE).perform()  # a closed form stays closed
    assert not record_panel(page).is_displayed()
    assert Claim.objects.count() == 1
    assert console_errors(page) == []


def test_a_reader_who_may_not_record_sees_no_form(page, working_groups):
    article = ClaimFactory().article
    sign_in(page, UserFactory(username="just-reading"))
    reading(page, article)
    assert page.find_elements(By.CSS_SELECTOR, "[data-record-form]") == []
    assert len(highlight_texts(page)) == 1
    select(page, "Wednesday")
    assert page.find_elements(By.CSS_SELECTOR, "[data-record-panel]") == []
    assert console_errors(page) == []


def test_the_status_filter_keeps_the_claims_of_one_status(page, person):
    article = ArticleFactory()
    unverified = ClaimFactory(article=article, statement="Still unverified.")
    in_review = ClaimFactory(article=article, quote="21 rockets were fired", statement="Being reviewed.")
    services.claim_transition(claim=in_review, to="in_review", actor=person)
    sign_in(page, person)
    reading(page, article)
    Select(page.find_element(By.CSS_SELECTOR, "[data-status-filter]")).select_by_value("in_review")
    shown = [item for item in page.find_elements(By.CSS_SELECTOR, "[data-claim-item]") if item.is_displayed()]
    assert [int(item.get_attribute("data-claim-id")) for item in shown] == [in_review.pk]
    dimmed = page.find_element(By.CSS_SELECTOR, f"[data-article-body] [data-claim-id='{unverified.pk}']")
    assert dimmed.get_attribute("data-dimmed") == ""
    Select(page.find_element(By.CSS_SELECTOR, "[data-status-filter]")).select_by_value("")
    assert all(item.is_displayed() for item in page.find_elements(By.CSS_SELECTOR, "[data-claim-item]"))
    assert console_errors(page) == []
