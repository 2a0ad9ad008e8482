"""The change log behind the sync feed (``GET /api/v1/changes/``), and how it is read.

Database triggers (``core.models.change_log_trigger``, declared by each logged model, calling
``claimtrack_log_change`` of ``core/sql/change_log.sql``) append one :class:`Change` row for
every insert, update and delete of publishers, sources, source reliance links, articles,
claims, citations, status changes and same-claim links, whatever the door (API, admin,
command, ``QuerySet.update()``, raw SQL). An update that changes nothing is not a change. Rows
are never updated or deleted.

Why the feed is ordered by transaction, and where it stops
-----------------------------------------------------------
An id (or a timestamp) is handed out when a row is written, not when its transaction commits:
a transaction that took id 10 may commit after the one that took id 11. A reader that saw 11
and moved its cursor past it would miss 10 for ever. So each row also records ``txid``, the
(64-bit, never wrapping) id of the transaction that wrote it, and the feed

1. is ordered by the position ``(txid, id)``;
2. returns only rows below a *horizon* ``H`` computed from two snapshots of the database, ``S``
   and then ``S2``, with the server's sessions (``pg_stat_activity``) read in between:
   ``H`` is the smallest of ``xmax(S)`` (every transaction id from it up is unassigned or still
   running), the ids in ``xip(S)`` (transactions running when ``S`` was taken) that are still
   in ``xip(S2)``, except those seen to belong to a session connected to *another database* of
   the same server (they cannot write to our tables), and the reading transaction's own id if
   it has one;
3. resumes strictly after the position given as ``since``.

Only transactions running at both snapshots can matter: one that ended before ``S2`` is final in
every later snapshot, the page's included. And each of those was running while the sessions
were read, so whether it belongs to another database is known. (With one snapshot, a
transaction of another database that ended between the snapshot and the read of the sessions
was counted as ours: it held the feed back for that read, and could even pull ``H`` below a
position already handed out, which was then refused. Parallel test runs, one database per
worker on one server, hit that often.)

Guarantee: every change that is or will ever be committed is returned exactly once, in the same
order to every reader. Proof. Take a row with ``txid = t < H``. As ``t < xmax(S)``, the
transaction ``t`` was either finished when ``S`` was taken (not in ``xip(S)``, not our own),
finished when ``S2`` was taken (not in ``xip(S2)``), or running in another database (then it
wrote no row here), because every other case puts ``H <= t``. A finished transaction either
committed (its rows are visible in ``S2`` and in every later snapshot) or aborted (its rows are
never visible). So the set of rows below ``H`` is final: no row with ``txid < H`` can appear
later. A page returns the rows below ``H`` after ``since`` in
position order and hands out the position of its last row ``p``, which is below ``H``; any row
at or before ``p`` was therefore already visible and, by induction over the pages, returned
once. Rows after ``p`` come with later pages (``(txid, id) > p``): none is repeated. A
transaction that commits later always has a ``txid`` at or above the horizon of every page read
before it committed, so it sorts after every position handed out so far. ∎

The price: a transaction that stays open holds back every change made after it started
writing (an idle-in-transaction session, a long import), until it ends. The feed never skips it;
it waits for it. Transactions in other databases of the same server do not hold it back when
``pg_stat_activity`` shows whom they belong to (same role, a superuser, or ``pg_read_all_stats``);
when it does not, they are counted as ours, which only delays the feed.

The horizon never moves back on one server, so the feed reads from the primary (a replica's
snapshot lags it): a position it handed out is always below the current horizon, and one that is
not (or that names no row of the log) is refused, which also tells a client that its position
comes from a restored or another database, and that it must start again.
"""

import base64
import binascii
import re
from dataclasses import dataclass

import pgtrigger
from django.db import connections, migrations, models
from django.db.models.expressions import RawSQL
from django.db.models.functions import Now

from core.errors import InvalidInput

PRIMARY = "default"


class ChangeType(models.TextChoices):
    PUBLISHER = "publisher", "Publisher"
    SOURCE = "source", "Source"
    SOURCE_RELIANCE = "source_reliance", "Source reliance link"
    ARTICLE = "article", "Article"
    CLAIM = "claim", "Claim"
    CITATION = "citation", "Citation"
    STATUS_CHANGE = "status_change", "Status change"
    SAME_CLAIM_LINK = "same_claim_link", "Same-claim link"


class ChangeOperation(models.TextChoices):
    CREATED = "created", "Created"
    CHANGED = "changed", "Changed"
    TRASHED = "trashed", "Moved to the trash"
    RESTORED = "restored", "Restored from the trash"
    DELETED = "deleted", "Deleted for good"


class TransactionIdField(models.Field):
    """A PostgreSQL ``xid8``: a 64-bit transaction id that never wraps around; read as an int."""

    description = "PostgreSQL 64-bit transaction id"

    def db_type(self, connection) -> str:
        return "xid8"

    def from_db_value(self, value, expression, connection):
        return None if value is None else int(value)

    def to_python(self, value):
        return None if value is None else int(value)

    def get_prep_value(self, value):
        # xid8 has no cast from integers; its text form is the way in.
        return None if value is None else str(int(value))


class Change(models.Model):
    """One insert, update or delete of a tracked record, written by a database trigger."""

    txid = TransactionIdField(
        db_default=RawSQL("pg_current_xact_id()", (), output_field=TransactionIdField()),
        editable=False,
        help_text="The transaction that made the change.",
    )
    type = models.CharField(max_length=20, choices=ChangeType.choices, help_text="What kind of record.")
    object_id = models.BigIntegerField(help_text="The record's id.")
    operation = models.CharField(max_length=10, choices=ChangeOperation.choices, help_text="What happened.")
    changed_at = models.DateTimeField(db_default=Now(), help_text="When the change was written.")

    class Meta:
        indexes = [models.Index(fields=["txid", "id"], name="change_position")]
        constraints = [
            models.CheckConstraint(condition=models.Q(type__in=ChangeType.values), name="change_type_valid"),
            models.CheckConstraint(
                condition=models.Q(operation__in=ChangeOperation.values), name="change_operation_valid"
            ),
        ]
        triggers = [
            pgtrigger.Protect(name="change_append_only", operation=pgtrigger.Update | pgtrigger.Delete)
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.object_id} {self.operation}"

    @property
    def position(self) -> "Position":
        return Position(self.txid, self.id)


def replace_hand_installed_triggers(tables: list[tuple[str, str, bool]]) -> migrations.RunSQL:
    """Drops the change-log triggers that migrations 0004_change_log and 0005 installed by hand
    on ``tables`` (``(table, change type, whether it has a trash)``), for the migration that
    adds the declared ones in their place; on the way down they come back as they were."""
    drop = tuple(f"DROP TRIGGER IF EXISTS claimtrack_change_log ON {table};" for table, _, _ in tables)
    recreate = tuple(
        f"CREATE TRIGGER claimtrack_change_log AFTER INSERT OR UPDATE OR DELETE ON {table} FOR EACH ROW "
        f"EXECUTE FUNCTION claimtrack_log_change('{name}', '{'trash' if trash else 'none'}');"
        for table, name, trash in tables
    )
    return migrations.RunSQL(drop, recreate)


# Positions --------------------------------------------------------------------------------

_MAX_INT8 = 2**63 - 1
_POSITION_TEXT = re.compile(r"(0|[1-9][0-9]{0,18})\.(0|[1-9][0-9]{0,18})")
_MAX_CURSOR_LENGTH = 64


@dataclass(frozen=True, order=True)
class Position:
    """A place in the feed: the ``(txid, id)`` of the last change seen."""

    txid: int
    id: int

    def encode(self) -> str:
        """Opaque to clients: URL-safe base64 without padding."""
        return base64.urlsafe_b64encode(f"{self.txid}.{self.id}".encode()).rstrip(b"=").decode()

    @classmethod
    def decode(cls, raw: str) -> "Position":
        """The position a cursor names; ``ValueError`` unless it is exactly what
        :meth:`encode` gives for some position."""
        if not raw or len(raw) > _MAX_CURSOR_LENGTH or not raw.isascii():
            raise ValueError("malformed")
        try:
            text = base64.b64decode(raw + "=" * (-len(raw) % 4), altchars=b"-_", validate=True).decode(
                "ascii"
            )
        except (binascii.Error, UnicodeDecodeError) as exc:
            raise ValueError("malformed") from exc
        match = _POSITION_TEXT.fullmatch(text)
        if match is None:
            raise ValueError("malformed")
        position = cls(int(match[1]), int(match[2]))
        if max(position.txid, position.id) > _MAX_INT8 or position.encode() != raw:
            raise ValueError("malformed")
        return position


START = Position(0, 0)


# Reading ----------------------------------------------------------------------------------

# The horizon (see the module docstring) in two statements, so two snapshots. The first: the
# snapshot's xmax, and the transactions running in it that are not seen to be in another
# database (the sessions are read after the statement's snapshot is taken).
RUNNING_SQL = """
WITH snapshot AS (SELECT pg_current_snapshot() AS s)
SELECT
    pg_snapshot_xmax(s)::text,
    ARRAY(
        SELECT running::text
        FROM pg_snapshot_xip(s) AS running
        WHERE NOT EXISTS (
            SELECT 1 FROM pg_stat_activity AS session
            WHERE session.backend_xid = running::xid
              AND session.datid IS NOT NULL
              AND session.datid <> (SELECT oid FROM pg_database WHERE datname = current_database())
        )
    )
FROM snapshot
"""
# The second: the horizon, keeping of those only the ones still running in a new snapshot, and
# whether ``since`` names a change below it.
HORIZON_SQL = """
WITH horizon AS (
    SELECT LEAST(
        %(xmax)s::xid8,
        pg_current_xact_id_if_assigned(),
        (
            SELECT min(running)
            FROM pg_snapshot_xip(pg_current_snapshot()) AS running
            WHERE running = ANY(%(running)s::text[]::xid8[])
        )
    ) AS h
)
SELECT
    h::text,
    %(txid)s::xid8 < h AND EXISTS (SELECT 1 FROM core_change WHERE txid = %(txid)s::xid8 AND id = %(id)s)
FROM horizon
"""


def running_transactions() -> tuple[str, list[str]]:
    """The first look of :func:`change_horizon`: ``xmax`` of a snapshot, and the transactions
    running in it that may be writing to this database."""
    with connections[PRIMARY].cursor() as cursor:
        cursor.execute(RUNNING_SQL)
        xmax, running = cursor.fetchone()
    return xmax, list(running)


@dataclass(frozen=True)
class ChangePage:
    changes: list[Change]
    has_more: bool
    next_position: Position


def change_horizon(*, since: Position) -> tuple[int, bool]:
    """The feed's horizon on the primary, and whether ``since`` is a position below it."""
    xmax, running = running_transactions()
    with connections[PRIMARY].cursor() as cursor:
        cursor.execute(
            HORIZON_SQL, {"xmax": xmax, "running": running, "txid": str(since.txid), "id": since.id}
        )
        horizon, known = cursor.fetchone()
    return int(horizon), bool(known)


def change_page(*, since: Position, limit: int) -> ChangePage:
    """Up to ``limit`` changes after ``since`` that are certainly final, in feed order.

    Refuses (400 naming ``since``) a position that this feed did not hand out: one that names
    no change, or one beyond the horizon."""
    horizon, known = change_horizon(since=since)
    if since != START and not known:
        raise InvalidInput(
            "Not a position this feed handed out (it names no change, or one not yet final); "
            "start again without `since`.",
            field="since",
            code="unknown_position",
        )
    changes = list(
        Change.objects.using(PRIMARY)
        .filter(
            RawSQL("txid < %s::xid8", (str(horizon),), output_field=models.BooleanField()),
            RawSQL(
                "(txid, id) > (%s::xid8, %s)", (str(since.txid), since.id), output_field=models.BooleanField()
            ),
        )
        .order_by("txid", "id")[: limit + 1]
    )
    has_more = len(changes) > limit
    changes = changes[:limit]
    return ChangePage(
        changes=changes, has_more=has_more, next_position=changes[-1].position if changes else since
    )
