"""Synthetic data for the benchmark, loaded with PostgreSQL COPY.

Proportions for N claims (the figures at N = 1,000,000):

- articles: about N / 10 (5 to 15 claims each), over the two years before the load;
- publishers: N / 500 (2,000), between 20 and 2,000; sources: N / 20 (50,000), between 50 and
  50,000, of every kind, a few without a publisher; some sources are cited far more than others;
- citations: 1 to 5 per claim, 3 on average, unique per claim, source and role; roles and stances
  mixed; a claim with a verdict cites what the verdict needs (a supporting source for
  verified, a contradicting one for refuted);
- statuses: 45% unverified, 30% in review, the rest verdicts, each with its ``StatusChange`` rows;
  every version is 1;
- users: a fixed team of researchers and reviewers who created the records.

The load runs with ``session_replication_role = replica``: the history and version triggers (and
the foreign-key checks) do not fire, so synthetic rows leave no history events. The data is
consistent by construction instead, except for what only triggers keep: the claims'
``independent_support`` and ``independent_contradiction`` stay at their default, 0. Only the
columns listed in ``COLUMNS`` are written; columns that PostgreSQL computes (``search_vector``,
``quote_end``) or fills with its own default are left to it.

A big load (at least ``REBUILD_FROM`` claims, and at least as many as are there) drops the
secondary indexes of the article, claim, citation and status-change tables first and builds them
again at the end; each batch of claims is one transaction.
"""

import queue
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TextIO

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User
from django.db import connection, transaction

from benchmarks import textgen
from claims.matching import rebuild_term_statistics
from claims.models import Article, Citation, Claim, Status, StatusChange
from core.roles import RESEARCHERS, REVIEWERS
from sources.models import Publisher, PublisherKind, Source, SourceKind

SPAN = timedelta(days=730)
BATCH_CLAIMS = 20_000
REBUILD_FROM = 50_000

# The columns each COPY writes, in order. Anything else is PostgreSQL's to fill.
COLUMNS = {
    Publisher: ["id", "name", "kind", "country", "url", "created_at", "updated_at", "version"],
    Source: [
        "id", "kind", "title", "publisher_id", "authors", "url", "archived_url", "published_on",
        "accessed_on", "identifier", "language", "summary", "created_at", "updated_at", "version",
    ],
    Article: [
        "id", "title", "url", "byline", "publisher_id", "published_on", "language", "body",
        "created_by_id", "created_at", "updated_at", "version",
    ],
    Claim: [
        "id", "article_id", "statement", "quote", "quote_start", "claimant", "claim_date",
        "status", "created_by_id", "created_at", "updated_at", "version",
        "independent_support", "independent_contradiction",
    ],
    Citation: [
        "id", "claim_id", "source_id", "role", "stance", "quote", "locator", "note", "added_by_id",
        "added_at", "updated_at", "version",
    ],
    StatusChange: ["id", "claim_id", "from_status", "to_status", "rationale", "changed_by_id", "changed_at"],
}  # fmt: skip

STATUS_WEIGHTS = {
    Status.UNVERIFIED: 45,
    Status.IN_REVIEW: 30,
    Status.VERIFIED: 8,
    Status.PARTLY_VERIFIED: 5,
    Status.DISPUTED: 5,
    Status.REFUTED: 4,
    Status.UNVERIFIABLE: 3,
}
CITATIONS_PER_CLAIM = {1: 10, 2: 20, 3: 40, 4: 20, 5: 10}
STANCE_WEIGHTS = {Citation.Stance.SUPPORTS: 60, Citation.Stance.CONTRADICTS: 15, Citation.Stance.CONTEXT: 25}
ROLE_WEIGHTS = {Citation.Role.ATTRIBUTION: 55, Citation.Role.EVIDENCE: 45}
SOURCE_KIND_WEIGHTS = {
    SourceKind.NEWS_REPORT: 35,
    SourceKind.OFFICIAL_STATEMENT: 15,
    SourceKind.PRESS_RELEASE: 10,
    SourceKind.GOVERNMENT_DESIGNATION: 3,
    SourceKind.REPORT: 12,
    SourceKind.SOCIAL_MEDIA_POST: 12,
    SourceKind.VIDEO: 6,
    SourceKind.INTERVIEW: 4,
    SourceKind.OTHER: 3,
}
PUBLISHER_KIND_WEIGHTS = {
    PublisherKind.NEWS_MEDIA: 50,
    PublisherKind.GOVERNMENT: 15,
    PublisherKind.MILITARY: 8,
    PublisherKind.NGO: 15,
    PublisherKind.COMPANY: 5,
    PublisherKind.PERSON: 5,
    PublisherKind.OTHER: 2,
}
SOURCE_TITLES = {
    SourceKind.NEWS_REPORT: "{event}",
    SourceKind.OFFICIAL_STATEMENT: "Statement on the situation in {place}",
    SourceKind.PRESS_RELEASE: "Press release: operations near {place}",
    SourceKind.GOVERNMENT_DESIGNATION: "Designation of {group} as a terrorist organisation",
    SourceKind.REPORT: "Situation update: {place}, {month} {year}",
    SourceKind.SOCIAL_MEDIA_POST: "Post by @{handle} about {place}",
    SourceKind.VIDEO: "Video of the aftermath in {place}",
    SourceKind.INTERVIEW: "Interview with a {role} in {place}",
    SourceKind.OTHER: "Satellite imagery of {place}, {month} {year}",
}
PAPERS = [
    "Herald", "Times", "Observer", "Post", "Tribune", "Gazette", "Chronicle", "Daily", "Courier",
    "Monitor", "Express", "Journal", "Independent", "Mirror", "Star", "Dispatch", "Sentinel", "Review",
    "Bulletin", "Telegraph",
]  # fmt: skip
MINISTRIES = ["Defence", "Interior", "Health", "Foreign Affairs", "Information", "Justice", "Energy"]
NGO_NAMES = ["Watch", "Network", "Foundation", "Monitor", "Alliance", "Initiative", "Relief", "Project"]
NGO_THEMES = ["Civilian Harm", "Conflict", "Human Rights", "Open Source", "Humanitarian", "Peace", "Justice"]
RESEARCHER_NAMES = 24
REVIEWER_NAMES = 6


BULK_TABLES = (Article, Claim, Citation, StatusChange)

# Plain strings in the hot loop (enum members are slower to compare and to hand to COPY).
UNVERIFIED, IN_REVIEW = Status.UNVERIFIED.value, Status.IN_REVIEW.value
EVIDENCE = Citation.Role.EVIDENCE.value
# A verdict rests on what it needs: support for (partly) verified, contradiction for refuted.
NEEDED_STANCE = {
    Status.VERIFIED.value: Citation.Stance.SUPPORTS.value,
    Status.PARTLY_VERIFIED.value: Citation.Stance.SUPPORTS.value,
    Status.REFUTED.value: Citation.Stance.CONTRADICTS.value,
}


def _weighted(weights: dict) -> tuple[list, list[int]]:
    values = [value.value if hasattr(value, "value") else value for value in weights]
    total, cumulative = 0, []
    for value in values:
        total += weights[value]
        cumulative.append(total)
    return values, cumulative


@dataclass
class Summary:
    publishers: int = 0
    sources: int = 0
    articles: int = 0
    claims: int = 0
    citations: int = 0
    status_changes: int = 0
    words: dict[str, int] = field(default_factory=dict)


def targets(claims: int) -> tuple[int, int]:
    """Publishers and sources for ``claims`` claims."""
    return min(max(claims // 500, 20), 2_000), min(max(claims // 20, 50), 50_000)


def _next_id(model) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {model._meta.db_table}")
        return cursor.fetchone()[0]


def _extra_columns(model) -> list[tuple[str, object]]:
    """Columns outside ``COLUMNS`` that PostgreSQL cannot fill: NOT NULL, no database default,
    not generated. They get the model field's default (a field added later with a Python-side
    default only); a column without one stops the load naming it."""
    listed = set(COLUMNS[model])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
            "AND table_name = %s AND is_nullable = 'NO' AND column_default IS NULL "
            "AND is_generated = 'NEVER' AND is_identity = 'NO'",
            [model._meta.db_table],
        )
        missing = [name for (name,) in cursor.fetchall() if name not in listed]
    by_column = {f.column: f for f in model._meta.concrete_fields}
    extra = []
    for name in missing:
        model_field = by_column.get(name)
        if model_field is None or not model_field.has_default():
            raise RuntimeError(
                f"{model._meta.db_table}.{name} is NOT NULL with no default: teach "
                "benchmarks/generate.py what to write there."
            )
        extra.append((name, model_field.get_default()))
    return extra


def _copy(model, rows: list[tuple], extra: list[tuple[str, object]]) -> None:
    if not rows:
        return
    columns = COLUMNS[model] + [name for name, _ in extra]
    tail = tuple(value for _, value in extra)
    statement = f"COPY {model._meta.db_table} ({', '.join(columns)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row + tail if tail else row)


def _reset_sequence(model) -> None:
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"GREATEST((SELECT MAX(id) FROM {table}), 1))"
        )


class Generator:
    """Adds claims (with their articles, citations and status history) until there are
    ``claims``, and the publishers and sources that many claims call for."""

    def __init__(
        self,
        *,
        claims: int,
        seed: int,
        out: TextIO | None = None,
        batch: int = BATCH_CLAIMS,
        rebuild_indexes: bool | None = None,
    ):
        self.claims = claims
        self.rebuild_indexes = rebuild_indexes
        self.seed = seed
        self.out = out
        self.batch = batch
        self.now = datetime.now(UTC).replace(microsecond=0)
        self.start = self.now - SPAN
        self.summary = Summary(words=dict.fromkeys(textgen.SEARCH_WORDS.values(), 0))

    def say(self, text: str) -> None:
        if self.out is not None:
            self.out.write(text + "\n")
            self.out.flush()

    def run(self) -> Summary:
        existing = Claim.objects.count()
        if existing >= self.claims:
            self.say(f"{existing:,} claims already there ({self.claims:,} asked): nothing to do.")
            return self.summary
        if existing:
            self.say(f"{existing:,} claims already there: adding {self.claims - existing:,} more.")
        self.rng = textgen.FastRandom(self.seed * 1_000_003 + existing)
        todo = self.claims - existing
        rebuild = (
            self.rebuild_indexes if self.rebuild_indexes is not None else todo >= max(REBUILD_FROM, existing)
        )
        dropped: list[tuple[str, str]] = []
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
            cursor.execute("SET synchronous_commit = off")
        try:
            self.extra = {model: _extra_columns(model) for model in COLUMNS}
            self._users()
            self._publishers()
            self._sources()
            if rebuild:
                dropped = self._drop_indexes()
            self._claims(first_index=existing)
            for model in COLUMNS:
                _reset_sequence(model)
        finally:
            if dropped:
                self._recreate_indexes(dropped)
            with connection.cursor() as cursor:
                cursor.execute("SET session_replication_role = DEFAULT")
                cursor.execute("SET synchronous_commit = DEFAULT")
        # The load bypassed the triggers that keep matching's term statistics: count them afresh.
        self.say("term statistics ...")
        rebuild_term_statistics()
        # VACUUM also sets the visibility map (index-only scans) and hint bits, as autovacuum
        # would have on a live database; it cannot run inside a transaction (tests), ANALYZE can.
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
        self.say(f"{command} ...")
        with connection.cursor() as cursor:
            for model in COLUMNS:
                cursor.execute(f"{command} {model._meta.db_table}")
        return self.summary

    def _drop_indexes(self) -> list[tuple[str, str]]:
        """Drop the secondary indexes of the big tables for the load (building a GIN index at
        the end is many times faster than growing it row by row); ``_recreate_indexes`` puts
        them back, also when the load fails."""
        dropped = []
        with connection.cursor() as cursor:
            for model in BULK_TABLES:
                cursor.execute(
                    "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
                    "JOIN pg_class i ON i.oid = x.indexrelid "
                    "WHERE x.indrelid = %s::regclass AND NOT x.indisunique AND NOT x.indisprimary "
                    "ORDER BY i.relname",
                    [model._meta.db_table],
                )
                dropped += cursor.fetchall()
            self.say(
                f"Dropping {len(dropped)} secondary indexes for the load (rebuilt after it): "
                + ", ".join(name for name, _ in dropped)
            )
            for name, _ in dropped:
                cursor.execute(f'DROP INDEX "{name}"')
        return dropped

    def _recreate_indexes(self, dropped: list[tuple[str, str]]) -> None:
        self.say(f"Rebuilding {len(dropped)} indexes ...")
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '512MB'")
            for name, definition in dropped:
                began = time.monotonic()
                cursor.execute(definition)
                self.say(f"  {name}: {time.monotonic() - began:.1f} s")
            cursor.execute("SET maintenance_work_mem = DEFAULT")

    # Users, publishers, sources -----------------------------------------------------

    def _users(self) -> None:
        """The team that "wrote" the data: researchers and reviewers, without passwords."""
        names = {}
        for n in range(RESEARCHER_NAMES + REVIEWER_NAMES):
            first = textgen.FIRST_NAMES[n % len(textgen.FIRST_NAMES)]
            last = textgen.LAST_NAMES[(n * 7) % len(textgen.LAST_NAMES)]
            names[f"{first}.{last}".lower()] = (
                first,
                last,
                REVIEWERS if n >= RESEARCHER_NAMES else RESEARCHERS,
            )
        existing = dict(User.objects.filter(username__in=names).values_list("username", "id"))
        missing = [name for name in names if name not in existing]
        if missing:
            User.objects.bulk_create(
                User(
                    username=name,
                    first_name=names[name][0],
                    last_name=names[name][1],
                    is_staff=names[name][2] == REVIEWERS,
                    password=make_password(None),
                )
                for name in missing
            )
            created = dict(User.objects.filter(username__in=missing).values_list("username", "id"))
            groups = dict(Group.objects.filter(name__in=[RESEARCHERS, REVIEWERS]).values_list("name", "id"))
            User.groups.through.objects.bulk_create(
                User.groups.through(user_id=user_id, group_id=groups[names[name][2]])
                for name, user_id in created.items()
            )
            existing.update(created)
        self.researchers = [existing[name] for name in names if names[name][2] == RESEARCHERS]
        self.reviewers = [existing[name] for name in names if names[name][2] == REVIEWERS]

    def _publishers(self) -> None:
        wanted, _ = targets(self.claims)
        have = Publisher.objects.count()
        taken = {name.lower() for name in Publisher.objects.values_list("name", flat=True)}
        rng, rows, next_id = self.rng, [], _next_id(Publisher)
        kinds, weights = _weighted(PUBLISHER_KIND_WEIGHTS)
        attempts = 0
        while have + len(rows) < wanted:
            attempts += 1
            kind = rng.weighted((kinds, weights))
            place = rng.choice(textgen.PLACES)
            country, code = rng.choice(textgen.COUNTRIES)
            if kind == PublisherKind.NEWS_MEDIA:
                name = f"The {place} {rng.choice(PAPERS)}"
            elif kind == PublisherKind.GOVERNMENT:
                name = f"Ministry of {rng.choice(MINISTRIES)} of {country}"
            elif kind == PublisherKind.MILITARY:
                name = f"{country} Armed Forces {rng.choice(['General Staff', 'Press Service', 'Command'])}"
            elif kind == PublisherKind.NGO:
                name = f"{rng.choice(NGO_THEMES)} {rng.choice(NGO_NAMES)} {place}"
            elif kind == PublisherKind.COMPANY:
                name = f"{rng.choice(textgen.LAST_NAMES)} {rng.choice(['Imaging', 'Analytics', 'Media'])}"
            else:
                name = textgen.person(rng)
            if attempts > 50 * wanted:
                name = f"{name} {attempts}"
            if name.lower() in taken:
                continue
            taken.add(name.lower())
            slug = "".join(ch for ch in name.lower() if ch.isalnum())[:40]
            stamp = self.start - timedelta(days=rng.randint(1, 365))
            pid = next_id + len(rows)
            url = f"https://{slug}.example.org" if kind != PublisherKind.PERSON else ""
            rows.append((pid, name, kind, code if rng.random() < 0.9 else "", url, stamp, stamp, 1))
        with transaction.atomic():
            _copy(Publisher, rows, self.extra[Publisher])
        self.summary.publishers = len(rows)
        self.publisher_ids = list(Publisher.objects.values_list("id", flat=True))
        self.say(f"publishers: {len(rows):,} added, {len(self.publisher_ids):,} in all")

    def _sources(self) -> None:
        _, wanted = targets(self.claims)
        have = Source.objects.count()
        rng, rows, next_id = self.rng, [], _next_id(Source)
        kinds, weights = _weighted(SOURCE_KIND_WEIGHTS)
        span_days = SPAN.days
        for n in range(max(0, wanted - have)):
            sid = next_id + n
            kind = rng.weighted((kinds, weights))
            place = rng.choice(textgen.PLACES)
            published = (self.start + timedelta(days=rng.randint(0, span_days))).date()
            title = SOURCE_TITLES[kind].format(
                place=place,
                group=rng.choice(textgen.GROUPS),
                month=textgen.MONTHS[published.month - 1],
                year=published.year,
                handle=textgen.person(rng).replace(" ", "_").lower(),
                role=rng.choice(["doctor", "commander", "resident", "official", "aid worker"]),
                event=textgen.capitalise(
                    textgen.event(rng, place=place, day=published, common=False, rare=False)
                ),
            )
            publisher = rng.choice(self.publisher_ids) if rng.random() < 0.92 else None
            stamp = datetime(published.year, published.month, published.day, tzinfo=UTC) + timedelta(
                hours=rng.randint(1, 72)
            )
            stamp = min(stamp, self.now)
            rows.append(
                (
                    sid, kind, title[:500], publisher, textgen.person(rng) if rng.random() < 0.5 else "",
                    f"https://sources.example.org/{kind.replace('_', '-')}/{sid}",
                    f"https://web.archive.example.org/{sid}" if rng.random() < 0.3 else "",
                    published, published + timedelta(days=rng.randint(0, 30)),
                    f"Ref. {sid}" if kind == SourceKind.GOVERNMENT_DESIGNATION else "",
                    "en" if rng.random() < 0.8 else rng.choice(["ar", "fr", "uk", "ru", "fa"]),
                    "", stamp, stamp, 1,
                )
            )  # fmt: skip
        with transaction.atomic():
            _copy(Source, rows, self.extra[Source])
        self.summary.sources = len(rows)
        self.source_ids = list(Source.objects.order_by("id").values_list("id", flat=True))
        # Synthetic sources rely on nothing, so each is its own origin: counted by publisher.
        self.origin_of = {
            sid: publisher or f"source-{sid}"
            for sid, publisher in Source.objects.values_list("id", "publisher_id")
        }
        self.say(f"sources: {len(rows):,} added, {len(self.source_ids):,} in all")

    # Articles, claims, citations, status changes -------------------------------------

    def _claims(self, *, first_index: int) -> None:
        """Make the batches in a second thread while this one COPYs the previous batch: Python
        making text and PostgreSQL storing it then use both cores."""
        todo = self.claims - first_index
        self.statuses = _weighted(STATUS_WEIGHTS)
        self.citation_counts = _weighted(CITATIONS_PER_CLAIM)
        self.stances = _weighted(STANCE_WEIGHTS)
        self.roles = _weighted(ROLE_WEIGHTS)
        ids = {model: _next_id(model) for model in BULK_TABLES}
        ready: queue.Queue = queue.Queue(maxsize=2)
        stop = threading.Event()

        def hand_over(item) -> None:
            while not stop.is_set():
                try:
                    ready.put(item, timeout=0.5)
                    return
                except queue.Full:
                    continue

        def produce() -> None:
            try:
                for batch in self._batches(ids, first_index=first_index, todo=todo):
                    if stop.is_set():
                        return
                    hand_over(batch)
                hand_over(None)
            except BaseException as exc:  # handed to the loading thread, which raises it
                hand_over(exc)

        maker = threading.Thread(target=produce, name="bench-data", daemon=True)
        maker.start()
        done = 0
        try:
            while (batch := ready.get()) is not None:
                if isinstance(batch, BaseException):
                    raise batch
                with transaction.atomic():
                    for model, rows in batch.items():
                        _copy(model, rows, self.extra[model])
                done += len(batch[Claim])
                self.summary.articles += len(batch[Article])
                self.summary.claims += len(batch[Claim])
                self.summary.citations += len(batch[Citation])
                self.summary.status_changes += len(batch[StatusChange])
                self.say(f"claims: {done:,} / {todo:,}")
        finally:
            stop.set()
            maker.join()

    def _batches(self, ids: dict, *, first_index: int, todo: int):
        expected_articles = max(1, todo // 10)
        done = article_number = 0
        while done < todo:
            batch = {model: [] for model in BULK_TABLES}
            size = min(self.batch, todo - done)
            made = 0
            while made < size:
                count = min(self.rng.randint(5, 15), size - made)
                # Articles come in time order, so ids grow with created_at as in real use.
                position = min(article_number / expected_articles, 1.0)
                created = self.start + SPAN * position + timedelta(seconds=self.rng.randint(0, 3600))
                self._article(batch, ids, created=min(created, self.now), claims=count, index=first_index)
                article_number += 1
                made += count
                first_index += count
            done += size
            yield batch

    def _article(self, batch: dict, ids: dict, *, created: datetime, claims: int, index: int) -> None:
        rng = self.rng
        article_id = ids[Article]
        ids[Article] += 1
        place = rng.choice(textgen.PLACES)
        published = created.date() - timedelta(days=rng.randint(0, 2))
        author = rng.choice(self.researchers)
        pieces: list[str] = []
        length = 0

        def add(text: str) -> int:
            nonlocal length
            start = length
            pieces.append(text)
            length += len(text)
            return start

        add(textgen.filler(rng, place=place))
        anchored = []
        for n in range(claims):
            add("\n\n" if n % 3 == 0 else " ")
            claim_place = place if rng.random() < 0.7 else rng.choice(textgen.PLACES)
            day = published - timedelta(days=rng.randint(0, 3))
            quote, statement, claimant = textgen.claim_text(rng, index=index + n, place=claim_place, day=day)
            start = add(quote)
            for word in self.summary.words:
                if word in statement:
                    self.summary.words[word] += 1
            anchored.append((quote, start, statement, claimant, day, claim_place))
            for _ in range(rng.randint(0, 2)):
                add(" ")
                add(textgen.filler(rng, place=claim_place))
        body = "".join(pieces)
        batch[Article].append(
            (
                article_id, textgen.title(rng, place=place, day=published),
                f"https://news.example.org/{published.year}/{published.month:02d}/{article_id}",
                textgen.person(rng), rng.choice(self.publisher_ids), published, "en", body, author,
                created, created, 1,
            )
        )  # fmt: skip
        for quote, start, statement, claimant, day, claim_place in anchored:
            self._claim(
                batch,
                ids,
                article_id=article_id,
                quote=quote,
                start=start,
                statement=statement,
                claimant=claimant,
                day=day,
                place=claim_place,
                created=min(created + timedelta(minutes=rng.randint(0, 4320)), self.now),
            )

    def _claim(
        self, batch: dict, ids: dict, *, article_id, quote, start, statement, claimant, day, place, created
    ):
        rng = self.rng
        claim_id = ids[Claim]
        ids[Claim] += 1
        status = rng.weighted(self.statuses)
        creator = rng.choice(self.researchers)
        updated = created
        needed = NEEDED_STANCE.get(status)
        count = rng.weighted(self.citation_counts)
        seen = set()
        origins = {"supports": set(), "contradicts": set()}
        sources = self.source_ids
        for n in range(count):
            role = rng.weighted(self.roles)
            # Skewed: a few sources are cited far more often than most.
            source = sources[int(len(sources) * rng.random() ** 2.5)]
            if (source, role) in seen:
                continue
            seen.add((source, role))
            stance = needed if n == 0 and needed else rng.weighted(self.stances)
            if stance in origins:
                origins[stance].add(self.origin_of[source])
            added = min(created + timedelta(minutes=rng.randint(0, 2880)), self.now)
            updated = max(updated, added)
            evidence = role == EVIDENCE
            where = rng.random()
            locator = (
                ""
                if where < 0.4
                else f"p. {rng.randint(1, 40)}"
                if where < 0.6
                else f"para. {rng.randint(1, 30)}"
                if where < 0.8
                else f"{rng.randint(0, 12):02d}:{rng.randint(0, 59):02d}"
            )
            batch[Citation].append(
                (
                    ids[Citation], claim_id, source, role, stance,
                    textgen.citation_quote(rng, place=place) if evidence or rng.random() < 0.3 else "",
                    locator,
                    "Found while checking the casualty figures." if evidence and rng.random() < 0.2 else "",
                    rng.choice(self.researchers), added, added, 1,
                )
            )  # fmt: skip
            ids[Citation] += 1
        if status != UNVERIFIED:
            at = min(updated + timedelta(minutes=rng.randint(5, 600)), self.now)
            batch[StatusChange].append((ids[StatusChange], claim_id, UNVERIFIED, IN_REVIEW, "", creator, at))
            ids[StatusChange] += 1
            updated = at
            if status != IN_REVIEW:
                at = min(at + timedelta(minutes=rng.randint(30, 4320)), self.now)
                batch[StatusChange].append(
                    (
                        ids[StatusChange], claim_id, IN_REVIEW, status, textgen.rationale(rng),
                        rng.choice(self.reviewers), at,
                    )
                )  # fmt: skip
                ids[StatusChange] += 1
                updated = at
        batch[Claim].append(
            (
                claim_id, article_id, statement, quote, start, claimant, day, status,
                creator, created, updated, 1, len(origins["supports"]), len(origins["contradicts"]),
            )
        )  # fmt: skip


def generate(
    *,
    claims: int,
    seed: int = 1,
    out: TextIO | None = None,
    batch: int = BATCH_CLAIMS,
    rebuild_indexes: bool | None = None,
) -> Summary:
    """Top the data up to ``claims`` claims. ``rebuild_indexes`` (default: when adding at least
    ``REBUILD_FROM`` claims and at least as many as there are) drops the big tables' secondary
    indexes for the load and builds them again after it."""
    return Generator(claims=claims, seed=seed, out=out, batch=batch, rebuild_indexes=rebuild_indexes).run()
