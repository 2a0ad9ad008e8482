"""The local demo: its accounts and the article it loads."""

import datetime
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from claims.demo.loader import article_body
from claims.management.commands import demo_accounts
from claims.models import Article, Citation, Claim, Status, StatusChange
from core.roles import RESEARCHERS, REVIEWERS
from sources.models import Publisher, Source, SourceReliance

pytestmark = pytest.mark.django_db

DEMO_MODELS = (Publisher, Source, SourceReliance, Article, Claim, Citation, StatusChange)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in DEMO_MODELS}


@pytest.fixture
def demo(researcher) -> Article:
    out = StringIO()
    call_command("load_demo", user=researcher.username, stdout=out)
    assert "Demo data loaded" in out.getvalue()
    return Article.objects.get()


def test_demo_article_is_the_article_text(demo, researcher):
    assert demo.body == article_body()
    assert demo.title == "Iran’s Role in Attacking the U.S. Embassy in Iraq"  # noqa: RUF001
    assert demo.byline == "Shahriar Kia"
    assert demo.created_by == researcher


def test_demo_claims_are_anchored_on_their_exact_quotes(demo, researcher):
    claims = list(Claim.objects.filter(article=demo))

    assert len(claims) >= 10
    for claim in claims:
        assert demo.body[claim.quote_start : claim.quote_end] == claim.quote
        assert demo.body.count(claim.quote) == 1, claim.quote
        assert claim.created_by == researcher


def test_demo_statuses_are_never_verdicts(demo, researcher):
    statuses = set(Claim.objects.values_list("status", flat=True))
    assert statuses == {Status.UNVERIFIED, Status.IN_REVIEW}
    # Each claim put in review has its history row, written by the loading user.
    in_review = Claim.objects.filter(status=Status.IN_REVIEW)
    changes = StatusChange.objects.filter(claim__in=in_review)
    assert changes.count() == in_review.count()
    assert {(c.from_status, c.to_status, c.changed_by) for c in changes} == {
        (Status.UNVERIFIED, Status.IN_REVIEW, researcher)
    }


def test_wall_street_journal_report_relies_on_centcom_after_action_review(demo):
    report = Source.objects.get(publisher__name="The Wall Street Journal", kind=Source.Kind.NEWS_REPORT)

    review = report.relies_on.get()
    assert review.publisher.name == "U.S. Central Command"
    assert "after-action review" in review.title
    assert review.kind == Source.Kind.REPORT
    assert report.published_on == datetime.date(2020, 12, 23)


def test_centcom_statement_exists(demo):
    statement = Source.objects.get(
        publisher__name="U.S. Central Command",
        kind=Source.Kind.OFFICIAL_STATEMENT,
        title__contains="statement",
    )
    assert statement.published_on == datetime.date(2020, 12, 23)
    assert statement.citations.get().claim.claimant == "U.S. Central Command"


def test_state_department_designation_names_the_executive_order(demo):
    designation = Source.objects.get(identifier="Executive Order 13224")

    assert designation.kind == Source.Kind.GOVERNMENT_DESIGNATION
    assert designation.publisher.name == "U.S. Department of State"
    assert designation.published_on == datetime.date(2020, 10, 22)


def test_ncri_report_and_zarif_interview_are_dated(demo):
    ncri = Source.objects.get(publisher__name="National Council of Resistance of Iran")
    zarif = Source.objects.get(kind=Source.Kind.INTERVIEW)

    assert (ncri.kind, ncri.published_on) == (Source.Kind.REPORT, datetime.date(2019, 11, 15))
    assert zarif.published_on == datetime.date(2019, 9, 2)
    assert "Zarif" in zarif.authors


def test_social_media_post_shows_three_rockets(demo):
    post = Source.objects.get(kind=Source.Kind.SOCIAL_MEDIA_POST)

    assert "three rockets" in post.title
    assert post.citations.get().claim.quote == "Guess where they were from:\xa0Iran."


def test_claims_the_article_makes_without_a_source_have_no_citation(demo):
    ghaani = Claim.objects.get(statement__contains="Ghaani")

    assert ghaani.citations.count() == 0
    assert Claim.objects.filter(citations__isnull=True).count() >= 2
    assert Claim.objects.filter(citations__isnull=False).exists()


def test_loading_the_demo_twice_changes_nothing(demo, researcher):
    before = counts()
    out = StringIO()

    call_command("load_demo", user=researcher.username, stdout=out)

    assert counts() == before
    assert "nothing to do" in out.getvalue()
    assert before["Claim"] >= 10


def test_load_demo_refuses_an_unknown_user(researcher):
    with pytest.raises(CommandError, match="No user named 'nobody'"):
        call_command("load_demo", user="nobody")

    assert set(counts().values()) == {0}


@pytest.fixture
def demo_password(monkeypatch, tmp_path):
    """A fixed password from the environment; the file under var/ must not be touched."""
    monkeypatch.setenv("DEMO_PASSWORD", "demo-password-for-tests")
    monkeypatch.setattr(demo_accounts, "PASSWORD_FILE", tmp_path / "demo-password")
    return "demo-password-for-tests"


def test_demo_accounts_are_refused_with_debug_off(settings, demo_password, tmp_path):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG"):
        call_command("demo_accounts", stdout=StringIO())

    assert not User.objects.exists()
    assert not (tmp_path / "demo-password").exists()


def test_demo_accounts_with_debug_on(settings, demo_password, tmp_path):
    settings.DEBUG = True
    out = StringIO()

    call_command("demo_accounts", stdout=out)

    researcher = User.objects.get(username="researcher")
    reviewer = User.objects.get(username="reviewer")
    assert list(researcher.groups.values_list("name", flat=True)) == [RESEARCHERS]
    assert list(reviewer.groups.values_list("name", flat=True)) == [REVIEWERS]
    assert (researcher.is_staff, reviewer.is_staff) == (False, True)
    assert not researcher.is_superuser
    assert not reviewer.is_superuser
    assert researcher.check_password(demo_password)
    assert reviewer.check_password(demo_password)
    assert demo_password in out.getvalue()
    assert not (tmp_path / "demo-password").exists()


def test_demo_accounts_twice_keeps_two_accounts(settings, demo_password):
    settings.DEBUG = True
    call_command("demo_accounts", stdout=StringIO())

    call_command("demo_accounts", stdout=StringIO())

    assert sorted(User.objects.values_list("username", flat=True)) == ["researcher", "reviewer"]
    assert User.objects.get(username="reviewer").groups.count() == 1
