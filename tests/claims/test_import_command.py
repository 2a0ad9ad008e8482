"""manage.py import_claims FILE: the same importer as POST /api/v1/import/, from a file."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.core.serializers.json import DjangoJSONEncoder

from claims.models import Article, Claim
from tests.claims.test_import import BODY, CSV_TEXT, demo_document, document, snapshot
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def run(*args, **options) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_claims", *args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def json_file(tmp_path):
    path = tmp_path / "claims.json"
    path.write_text(json.dumps(document(), cls=DjangoJSONEncoder), encoding="utf-8")
    return path


def test_a_json_file_is_imported_and_again_changes_nothing(json_file, researcher):
    out, _err = run(str(json_file), user=researcher.username)

    assert "Imported claims.json" in out
    assert "claims: 2 created, 0 updated, 0 unchanged" in out
    assert Claim.objects.count() == 2
    assert Claim.objects.first().created_by == researcher
    before = snapshot()

    out, _err = run(str(json_file), user=researcher.username)

    assert "claims: 0 created, 0 updated, 2 unchanged" in out
    assert snapshot() == before


def test_history_records_the_command_door(json_file, researcher):
    run(str(json_file), user=researcher.username)
    event = Claim.pgh_event_model.objects.first()
    metadata = event.pgh_context.metadata
    assert (metadata["door"], metadata["command"]) == ("command", "import_claims")


def test_the_demo_document_imports(tmp_path, researcher):
    path = tmp_path / "demo.json"
    path.write_text(json.dumps(demo_document(), cls=DjangoJSONEncoder), encoding="utf-8")
    out, _err = run(str(path), user=researcher.username)
    assert "articles: 1 created" in out
    assert Article.objects.get().claims.count() == len(demo_document()["claims"])


def test_a_csv_file_needs_its_article(tmp_path, researcher):
    article = ArticleFactory(url="https://news.example/csv", body=BODY)
    path = tmp_path / "claims.csv"
    path.write_text(CSV_TEXT, encoding="utf-8")

    with pytest.raises(CommandError, match="--article"):
        run(str(path), user=researcher.username)
    out, _err = run(str(path), user=researcher.username, article="https://news.example/csv")

    assert "claims: 2 created" in out
    assert article.claims.count() == 2


def test_a_dry_run_writes_nothing(json_file, researcher):
    before = snapshot()
    out, _err = run(str(json_file), user=researcher.username, dry_run=True)
    assert "Would import claims.json" in out
    assert "claims: 2 created" in out
    assert snapshot() == before


def test_a_refused_file_lists_every_problem_and_writes_nothing(tmp_path, researcher):
    doc = document()
    doc["claims"][1]["quote"] = "Nobody said this"
    doc["citations"][1]["role"] = "gossip"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    before = snapshot()
    err = StringIO()

    with pytest.raises(CommandError, match="2 problems found") as refused:
        call_command("import_claims", str(path), user=researcher.username, stdout=StringIO(), stderr=err)

    assert refused.value.returncode == 1
    assert "claims[2].quote: The quote does not occur" in err.getvalue()
    assert "citations[2].role:" in err.getvalue()
    assert snapshot() == before


@pytest.mark.parametrize(
    ("name", "content", "options", "message"),
    [
        ("claims.txt", b"{}", {}, "Cannot tell the format"),
        ("claims.json", b"{", {}, "Not valid JSON"),
        ("claims.json", b"", {}, "empty"),
        ("claims.json", b'{"claims": []}', {"article": "1"}, "--article applies only"),
        ("claims.csv", b"statement,quote\n", {"article": "999999"}, "No article"),
    ],
)
def test_bad_files_and_options_are_refused(tmp_path, researcher, name, content, options, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        run(str(path), user=researcher.username, **options)
    assert not Claim.objects.exists()


def test_an_unknown_user_or_missing_file_is_refused(json_file, tmp_path, researcher):
    with pytest.raises(CommandError, match="No user named"):
        run(str(json_file), user="nobody")
    with pytest.raises(CommandError, match="Cannot read"):
        run(str(tmp_path / "missing.json"), user=researcher.username)
