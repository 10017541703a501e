"""
The change both deploys ship, as SQL on the big table ``cart_orderline``.

Order lines get a public id (a uuid, for links in return e-mails) and their ``sku`` column becomes
``variant_sku``. Checkout writes order lines and order pages read them, so any lock on the table
that outlasts a moment stops the shop.

The safe way is a series of short steps, each under a ``lock_timeout`` with retries (what
``safe_migrate`` does for migrations): columns added without a rewrite, a trigger that keeps the
old and new names in step while both releases run, a batched backfill, an index built
concurrently, a ``CHECK`` added ``NOT VALID`` then validated, and, a release after the code
stopped using it, the old column dropped. The naive way is one migration: a column with a
volatile default (the table rewritten under ``ACCESS EXCLUSIVE``), a plain ``CREATE INDEX`` and a
rename the running release still reads.

Both are applied by the demo directly, not as shop migrations: the naive one would (rightly) fail
``check_migrations``, and the shop's own schema stays as its migrations say.
"""

import time

import psycopg

TABLE = "cart_orderline"
LOCK_TIMEOUT = "2s"
ATTEMPTS = 6
BATCH = 5000
# The backfill rests after each batch for as long as the batch took, times this: on two cores
# shared with the shop, a backfill at full speed takes a core the shop needs.
REST = 1.0

# Release 1 inserts ``sku`` only, release 2 ``variant_sku`` only: each row gets both. An update
# fires it only when the two differ, so the backfill (which makes them equal) pays nothing for it.
SYNC_TRIGGER = """
CREATE FUNCTION cart_orderline_sync_sku() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        NEW.variant_sku := coalesce(NEW.variant_sku, NEW.sku);
        NEW.sku := coalesce(NEW.sku, NEW.variant_sku);
    ELSIF NEW.sku IS DISTINCT FROM OLD.sku THEN
        NEW.variant_sku := NEW.sku;
    ELSE
        NEW.sku := NEW.variant_sku;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER cart_orderline_sync_sku_insert BEFORE INSERT ON cart_orderline
    FOR EACH ROW EXECUTE FUNCTION cart_orderline_sync_sku();
CREATE TRIGGER cart_orderline_sync_sku_update BEFORE UPDATE ON cart_orderline
    FOR EACH ROW WHEN (NEW.sku IS DISTINCT FROM NEW.variant_sku)
    EXECUTE FUNCTION cart_orderline_sync_sku();
"""

EXPAND = [
    # No default, so no rewrite; the default set afterwards applies to new rows only.
    "ALTER TABLE cart_orderline ADD COLUMN public_id uuid",
    "ALTER TABLE cart_orderline ALTER COLUMN public_id SET DEFAULT gen_random_uuid()",
    "ALTER TABLE cart_orderline ADD COLUMN variant_sku varchar(64)",
    SYNC_TRIGGER,
]
BACKFILL = """
UPDATE cart_orderline SET public_id = coalesce(public_id, gen_random_uuid()), variant_sku = sku
 WHERE id >= %s AND id < %s AND (public_id IS NULL OR variant_sku IS NULL)
"""
BUILD_INDEX = (
    "CREATE UNIQUE INDEX CONCURRENTLY cart_orderline_public_id ON cart_orderline (public_id)"
)
ADD_CONSTRAINT = (
    "ALTER TABLE cart_orderline ADD CONSTRAINT cart_orderline_variant_sku_not_null "
    "CHECK (variant_sku IS NOT NULL) NOT VALID"
)
VALIDATE_CONSTRAINT = (
    "ALTER TABLE cart_orderline VALIDATE CONSTRAINT cart_orderline_variant_sku_not_null"
)
DROP_TRIGGERS = [
    "DROP TRIGGER IF EXISTS cart_orderline_sync_sku_insert ON cart_orderline",
    "DROP TRIGGER IF EXISTS cart_orderline_sync_sku_update ON cart_orderline",
    "DROP FUNCTION IF EXISTS cart_orderline_sync_sku()",
]
CONTRACT = [
    *DROP_TRIGGERS,
    "ALTER TABLE cart_orderline DROP COLUMN sku",
]

# What ``makemigrations`` writes for the same change, run as ``migrate`` runs it: one transaction.
NAIVE = [
    "ALTER TABLE cart_orderline ADD COLUMN public_id uuid NOT NULL DEFAULT gen_random_uuid()",
    "CREATE UNIQUE INDEX cart_orderline_public_id ON cart_orderline (public_id)",
    "ALTER TABLE cart_orderline RENAME COLUMN sku TO variant_sku",
]


# The strongest lock each step takes on the table, and for how long: what the report shows.
LOCKS = {
    "expand": "ACCESS EXCLUSIVE, catalog only",
    "backfill": "ROW EXCLUSIVE, rows of one batch",
    "build_index": "SHARE UPDATE EXCLUSIVE",
    "add_constraint": "ACCESS EXCLUSIVE, catalog only",
    "validate_constraint": "SHARE UPDATE EXCLUSIVE",
    "switch_release": "none",
    "contract": "ACCESS EXCLUSIVE, catalog only",
    "naive_migration": "ACCESS EXCLUSIVE, whole step",
}


def columns(connection: psycopg.Connection) -> set[str]:
    rows = connection.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s", [TABLE]
    )
    return {name for (name,) in rows}


def reset(connection: psycopg.Connection) -> None:
    """Bring the table back to what the shop's migrations say, from any point of either deploy,
    without a rewrite (catalog changes only; a dropped column's space is reused by later writes)."""
    found = columns(connection)
    with connection.transaction():
        for statement in DROP_TRIGGERS:
            connection.execute(statement)
        connection.execute("DROP INDEX IF EXISTS cart_orderline_public_id")
        connection.execute("ALTER TABLE cart_orderline DROP COLUMN IF EXISTS public_id")
        if "variant_sku" in found and "sku" in found:
            connection.execute("ALTER TABLE cart_orderline DROP COLUMN variant_sku")
        elif "variant_sku" in found:
            connection.execute("ALTER TABLE cart_orderline RENAME COLUMN variant_sku TO sku")
            # The validated CHECK proves it, so SET NOT NULL does not scan the table.
            connection.execute("ALTER TABLE cart_orderline ALTER COLUMN sku SET NOT NULL")
        connection.execute(
            "ALTER TABLE cart_orderline "
            "DROP CONSTRAINT IF EXISTS cart_orderline_variant_sku_not_null"
        )


def with_lock_timeout(
    connection: psycopg.Connection,
    statements: list[str],
    *,
    lock_timeout: str = LOCK_TIMEOUT,
    attempts: int = ATTEMPTS,
) -> int:
    """Run ``statements`` in one transaction that waits at most ``lock_timeout`` for each lock,
    retried with backoff as ``safe_migrate`` does; return the attempts it took."""
    for attempt in range(1, attempts + 1):
        try:
            with connection.transaction():
                connection.execute("SELECT set_config('lock_timeout', %s, true)", [lock_timeout])
                for statement in statements:
                    connection.execute(statement)
            return attempt
        except psycopg.errors.LockNotAvailable:
            if attempt == attempts:
                raise
            time.sleep(min(2 ** (attempt - 1), 30))
    raise AssertionError("unreachable")


def expand(connection: psycopg.Connection) -> None:
    with_lock_timeout(connection, EXPAND)


def backfill(connection: psycopg.Connection, *, batch: int = BATCH, rest: float = REST) -> int:
    """Fill the new columns of existing rows in primary-key ranges, one short transaction each
    (row locks on ``batch`` rows at a time), resting ``rest`` times as long as each batch took;
    return the rows updated."""
    low, high = connection.execute(f"SELECT min(id), max(id) FROM {TABLE}").fetchone()
    updated = 0
    for start in range(low or 0, (high or 0) + 1, batch):
        began = time.monotonic()
        with connection.transaction():
            updated += connection.execute(BACKFILL, [start, start + batch]).rowcount
        time.sleep(rest * (time.monotonic() - began))
    return updated


def build_index(connection: psycopg.Connection) -> None:
    """``CONCURRENTLY`` cannot run in a transaction: the connection must be in autocommit. An
    interrupted build leaves an INVALID index, dropped before building again."""
    connection.execute("SELECT set_config('lock_timeout', %s, false)", [LOCK_TIMEOUT])
    connection.execute("DROP INDEX CONCURRENTLY IF EXISTS cart_orderline_public_id")
    connection.execute(BUILD_INDEX)
    connection.execute("RESET lock_timeout")


def add_constraint(connection: psycopg.Connection) -> None:
    with_lock_timeout(connection, [ADD_CONSTRAINT])


def validate_constraint(connection: psycopg.Connection) -> None:
    """Scans the table under ``SHARE UPDATE EXCLUSIVE``: reads and writes go on."""
    with_lock_timeout(connection, [VALIDATE_CONSTRAINT])


def contract(connection: psycopg.Connection) -> None:
    with_lock_timeout(connection, CONTRACT)


def naive_migration(connection: psycopg.Connection) -> None:
    with connection.transaction():
        for statement in NAIVE:
            connection.execute(statement)
