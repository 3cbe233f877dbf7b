"""The desk's scan as one statement on PostgreSQL: the common case, and a clerk's scan with the permission inside.

Both statements find the person (no single-tube flag, no open recall), claim a place in the
tube and write the sample, all or nothing. They only ever accept; whenever one declines
(no row back) the full path in `desk.py` works out the precise answer.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.db import IntegrityError, connection
from django.utils import timezone
from django.utils.translation import gettext as _

from muster.accounts.models import RoleGrant
from muster.core import context, pii
from muster.core.errors import InvalidInput
from muster.core.models import AuditEvent
from muster.geo.models import Region, Site
from muster.testing.audits import Audit
from muster.testing.models import CollectionPoint, Tube
from muster.testing.parsing import classify
from muster.testing.permissions import DESK_ROLES

# The common case in one statement on PostgreSQL. In autocommit the statement is its own
# transaction: one round trip and one commit per swab. No row back means nothing was written
# (unknown person, tube full or closed, a flag or a recall). A unique violation (already
# sampled, or a resent key) rolls the whole statement back, tube count included.
_FAST_PERSON = {
    "id": "SELECT p.id, p.name FROM people_person p WHERE p.id_type = %(id_type)s AND p.id_hash = %(value)s",
    "code": ("SELECT p.id, p.name FROM testing_registration g JOIN people_person p ON p.id = g.person_id"
             " WHERE g.code = %(value)s AND g.campaign_id = %(campaign)s"),
}
_FAST_SQL = """
WITH p AS ({person}), q AS (
  SELECT p.id, p.name FROM p
  WHERE NOT EXISTS (SELECT 1 FROM testing_singletubeflag f WHERE f.person_id = p.id AND f.active)
    AND NOT EXISTS (SELECT 1 FROM testing_recallitem i JOIN testing_recall r ON r.id = i.recall_id
                    WHERE i.person_id = p.id AND r.campaign_id = %(campaign)s AND r.status = 'open'
                      AND i.resample_id IS NULL)
), t AS (
  UPDATE testing_tube SET count = count + 1,
    status = CASE WHEN count + 1 >= capacity THEN 'closed' ELSE 'open' END,
    closed_at = CASE WHEN count + 1 >= capacity THEN %(now)s ELSE NULL END
  WHERE barcode = %(tube)s AND point_id = %(point)s AND status = 'open' AND count < capacity
    AND EXISTS (SELECT 1 FROM q)
  RETURNING id, count, capacity
), s AS (
  INSERT INTO testing_sample (campaign_id, person_id, tube_id, point_id, registered_at, registered_by_id, client_key, is_resample)
  SELECT %(campaign)s, q.id, t.id, %(point)s, %(now)s, %(actor)s, %(key)s, false FROM q, t
  RETURNING id
)
SELECT s.id, q.name, t.count, t.capacity FROM s, q, t
"""
_FAST = {kind: _FAST_SQL.format(person=sql) for kind, sql in _FAST_PERSON.items()}


REPLAN_EVERY = 500  # executions of the prepared desk statement before PostgreSQL plans it again
REPLAN_SECONDS = 60.0


def _prepared(sql: str, params: dict):
    """Run one statement as a server-side prepared statement; the first row back.

    Django binds parameters on the client, so PostgreSQL parses and plans every statement
    anew: on the desk's hot path planning was half of the database's work. Here psycopg
    prepares the statement once per connection and PostgreSQL reuses its plan. A plan made
    while the tube table was nearly empty would scan it whole once it has grown, so each
    connection drops its prepared statements every REPLAN_EVERY executions or
    REPLAN_SECONDS and plans them again for the tables as they are then.
    """
    import psycopg  # only reached on PostgreSQL

    connection.ensure_connection()
    conn = connection.connection
    if settings.DATABASE_TRANSACTION_POOLING:
        # Behind PgBouncer's transaction pooling the next statement may reach another server
        # connection, where a named statement does not exist: send it unnamed (parsed each time).
        with connection.wrap_database_errors, psycopg.Cursor(conn) as cur:
            cur.execute(sql, params, prepare=False)
            return cur.fetchone()
    state = getattr(conn, "_muster_prepared", None)
    with connection.wrap_database_errors:
        if state is None:
            if conn.prepare_threshold is None:  # Django's default: never prepare on its own
                conn.prepare_threshold = 2**31  # only statements that ask for it (prepare=True)
            state = conn._muster_prepared = [0, time.monotonic()]
        state[0] += 1
        if state[0] > REPLAN_EVERY or time.monotonic() - state[1] > REPLAN_SECONDS:
            conn.execute("DEALLOCATE ALL")  # psycopg sees it and forgets its prepared names too
            state[:] = [1, time.monotonic()]
        # A server-binding cursor: Django makes the connection's default cursor bind on the client,
        # and client-bound statements cannot be prepared.
        with psycopg.Cursor(conn) as cur:
            cur.execute(sql, params, prepare=True)
            return cur.fetchone()


def _accepted(row, tube_barcode: str) -> dict:
    sample_id, name, count, capacity = row
    return {"ok": True, "replayed": False, "sample": sample_id, "person": name, "resample": False,
            "tube": {"barcode": tube_barcode, "count": count, "capacity": capacity,
                     "status": "closed" if count >= capacity else "open"}}


def fast_scan(*, actor, point: CollectionPoint, tube_barcode: str, kind: str, value: str, client_key: str) -> dict | None:
    """The one-statement path (PostgreSQL); None when the full path must decide."""
    params = {"value": value if kind == "code" else pii.lookup_hash(pii.IdType.RESIDENT, value),
              "id_type": pii.IdType.RESIDENT, "campaign": point.campaign_id, "now": timezone.now(),
              "tube": tube_barcode, "point": point.pk, "actor": actor.pk, "key": client_key}
    try:
        row = _prepared(_FAST[kind], params)  # autocommit: the statement commits by itself
    except IntegrityError:  # a resend of a scan that went through, or someone already sampled
        return replay(client_key, actor)
    return None if row is None else _accepted(row, tube_barcode)


# The same statement for a clerk at their own site, with the point, its open campaign and the
# clerk's grant checked inside it: the API's scan needs no query for the user's grants or the
# point first. It only ever accepts (a site grant of a desk role at the point's own site);
# anything else (a manager, a superuser, a closed campaign, a bad key, a refusal) returns no
# row and the API takes the full path, which gives the precise answer.
_DIRECT_GATE = """
WITH a AS (
  SELECT pt.campaign_id, c.pool_size, pt.site_id FROM testing_collectionpoint pt JOIN testing_campaign c ON c.id = pt.campaign_id
  WHERE pt.id = %(point)s AND c.status = 'open'
    AND EXISTS (SELECT 1 FROM accounts_rolegrant g WHERE g.user_id = %(actor)s AND g.site_id = pt.site_id
                AND g.role IN ({roles}){current})
), """


def _gate() -> str:
    """The WITH clause `a` shared by the direct statements: the point of an open campaign where
    the actor holds a desk role on the point's own site (a grant in force today)."""
    # Grants that end (a later field) must be in force today, as Scope reads them.
    has_end = any(f.name == "ends_on" for f in RoleGrant._meta.get_fields())
    return _DIRECT_GATE.format(roles=", ".join(f"'{r}'" for r in sorted(DESK_ROLES)),
                               current=" AND (g.ends_on IS NULL OR g.ends_on >= %(today)s)" if has_end else "")


def _direct_sql(kind: str) -> str:
    sql = _DIRECT.get(kind)
    if sql is None:
        body = _FAST_SQL.format(person=_FAST_PERSON[kind]).replace("%(campaign)s", "(SELECT campaign_id FROM a)")
        body = body.replace("SELECT p.id, p.name FROM p\n  WHERE ", "SELECT p.id, p.name FROM p\n  WHERE EXISTS (SELECT 1 FROM a) AND ", 1)
        assert body.lstrip().startswith("WITH p AS") and "EXISTS (SELECT 1 FROM a)" in body
        sql = _DIRECT[kind] = _gate() + body.lstrip()[len("WITH "):]
    return sql


_DIRECT: dict[str, str] = {}


def desk_scan_direct(*, actor, point_id: int, tube_barcode: str, scan: str, client_key: str) -> dict | None:
    """The desk's scan in one statement, permission included (PostgreSQL, a clerk at their site).

    None whenever the statement declines or cannot decide: the caller then loads the point
    with the user's scope and calls desk_scan, which answers exactly as before (403, 404,
    409, 422, or a replay of a resent key).
    """
    if connection.vendor != "postgresql" or not getattr(actor, "is_authenticated", False) or actor.is_superuser:
        return None
    kind, value = classify(scan)
    tube_kind, tube = classify(tube_barcode)
    key = (client_key or "").strip()
    if kind not in ("code", "id") or tube_kind != "tube" or not key or len(key) > 64:
        return None
    if kind == "id":
        try:
            pii.validate_id(pii.IdType.RESIDENT, value)
        except InvalidInput:
            return None
    params = {"value": value if kind == "code" else pii.lookup_hash(pii.IdType.RESIDENT, value),
              "id_type": pii.IdType.RESIDENT, "now": timezone.now(), "today": timezone.localdate(),
              "tube": tube, "point": point_id, "actor": actor.pk, "key": key}
    sql = _direct_sql(kind)
    if "%(today)s" not in sql:
        del params["today"]
    try:
        row = _prepared(sql, params)  # autocommit: the statement commits by itself
    except IntegrityError:  # a resend, or someone already sampled: the full path answers
        return None
    return None if row is None else _accepted(row, tube)


_REPLAY = """
SELECT s.id, s.registered_by_id, p.name, t.barcode, t.count, t.capacity, t.status
FROM testing_sample s JOIN people_person p ON p.id = s.person_id JOIN testing_tube t ON t.id = s.tube_id
WHERE s.client_key = %s
"""


def replay(client_key: str, actor) -> dict | None:
    """The first answer to a scan sent again with the same idempotency key, or None."""
    with connection.cursor() as cur:
        cur.execute(_REPLAY, [client_key])
        row = cur.fetchone()
    if row is None:
        return None
    sample_id, registered_by, name, barcode, count, capacity, status = row
    if registered_by != getattr(actor, "pk", None):
        raise InvalidInput(_("This idempotency key was used by someone else."), field="client_key")
    return {"ok": True, "replayed": True, "sample": sample_id, "person": name,
            "tube": {"barcode": barcode, "count": count, "capacity": capacity, "status": status}}


# A tube opened by a clerk at their own site, with its audit event, in one statement: one desk
# request in eleven is a tube open, and by the general path it loaded the grants and the point
# and then spent four round trips (BEGIN, tube, audit event, COMMIT). The event carries the
# same fields audit.record writes (test_desk_direct compares the two). A taken barcode (a
# resumed or used tube) writes nothing here and, like any refusal, is answered by the full path.
_OPEN_TAIL = """t AS (
  INSERT INTO {tube} (barcode, campaign_id, point_id, capacity, count, status, opened_at, opened_by_id, result)
  SELECT %(tube)s, a.campaign_id, %(point)s, CASE WHEN %(single)s THEN 1 ELSE a.pool_size END, 0, 'open', %(now)s, %(actor)s, ''
  FROM a ON CONFLICT (barcode) DO NOTHING
  RETURNING id, capacity
), e AS (
  INSERT INTO {event} (at, actor_id, actor_label, kind, action, object_type, object_id, object_repr, region_path, ip,
                       user_agent, via, changes)
  SELECT %(now)s, %(actor)s, %(label)s, %(kind)s, %(action)s, %(object_type)s, t.id::text, %(tube)s,
    (SELECT r.path FROM {site} s JOIN {region} r ON r.id = s.region_id WHERE s.id = a.site_id), %(ip)s, %(ua)s, %(via)s,
    jsonb_build_object('capacity', t.capacity)
  FROM t, a
  RETURNING id
)
SELECT t.id, t.capacity FROM t, e
"""
_OPEN: list[str] = []


def _open_sql() -> str:
    if not _OPEN:
        _OPEN.append(_gate() + _OPEN_TAIL.format(tube=Tube._meta.db_table, event=AuditEvent._meta.db_table,
                                                 site=Site._meta.db_table, region=Region._meta.db_table))
    return _OPEN[0]


def tube_open_direct(*, actor, point_id: int, barcode: str, single: bool = False) -> dict | None:
    """Open a new tube in one statement, audit event included (PostgreSQL, a clerk at their site).

    None whenever the statement declines (no desk grant at the point's site, a closed campaign,
    a barcode already taken, bad input): the caller then takes tube_open's full path, which
    answers exactly as before (resume, 403, 404, 409, 422).
    """
    opened = open_row(actor=actor, point_id=point_id, barcode=barcode, single=single)
    if opened is None:
        return None
    _tube_id, tube, capacity, _at = opened
    return {"barcode": tube, "count": 0, "capacity": capacity, "status": "open"}


def open_row(*, actor, point_id: int, barcode: str, single: bool = False):
    """(tube id, barcode, capacity, opened at) of a tube opened by the one statement, or None."""
    if connection.vendor != "postgresql" or not getattr(actor, "is_authenticated", False) or actor.is_superuser:
        return None
    kind, tube = classify(barcode)
    if kind != "tube":
        return None
    ctx = context.current()
    sql = _open_sql()
    params = {"point": point_id, "actor": actor.pk, "today": timezone.localdate(), "tube": tube, "single": bool(single),
              "now": timezone.now(), "label": actor.get_username()[:150], "kind": AuditEvent.Kind.WRITE.value,
              "action": str(Audit.TUBE_OPEN), "object_type": Tube._meta.label_lower, "ip": ctx.ip,
              "ua": ctx.user_agent, "via": ctx.via}
    if "%(today)s" not in sql:
        del params["today"]
    row = _prepared(sql, params)  # autocommit: tube and audit event commit together
    return None if row is None else (row[0], tube, row[1], params["now"])
