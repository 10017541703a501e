"""
The rules that keep a migration's locks short: no table rewrite or full scan under a lock that
blocks the shop.
"""

from .rule import Rule

LOCK_RULES = (
    Rule(
        code="add-not-null-column",
        title="A new column is nullable or has a database default",
        why=(
            "default= is applied by Django, not by the database: the release still running "
            "during the deploy inserts rows without the new column and they fail with a "
            "NOT NULL violation (and a Python default is computed once, not per row)."
        ),
        steps=(
            "Add the column with db_default=... (PostgreSQL 11+ adds it without a rewrite), "
            "or add it with null=True.",
            "If it was added nullable: backfill it in a separate, batched data migration.",
            "Then constrain it in a later migration (see set-not-null).",
        ),
    ),
    Rule(
        code="set-not-null",
        title="NOT NULL is set only after a validated CHECK proves it",
        why=(
            "ALTER COLUMN ... SET NOT NULL scans the whole table under an ACCESS EXCLUSIVE "
            "lock, and with a default Django also runs UPDATE ... WHERE column IS NULL under "
            "that lock; every query on the table waits meanwhile."
        ),
        steps=(
            "Backfill the column in a separate, batched data migration.",
            "AddConstraintNotValid(model_name, CheckConstraint(condition=Q(<field>__isnull="
            "False), name=...)) from django.contrib.postgres.operations.",
            "ValidateConstraint(model_name, name) in the next migration (it takes a lock that "
            "lets reads and writes go on).",
            "Then AlterField to null=False without a default: PostgreSQL 12+ trusts the "
            "validated CHECK and skips the scan; drop the CHECK in the same migration.",
        ),
    ),
    Rule(
        code="index-not-concurrent",
        title="Indexes on existing tables are built and dropped concurrently",
        why=(
            "CREATE INDEX blocks every write to the table for as long as the build takes "
            "(minutes on a large table), and DROP INDEX takes an ACCESS EXCLUSIVE lock that "
            "queues every query behind the slowest running one."
        ),
        steps=(
            "Declare the index in Meta.indexes (a field's db_index=True cannot be built "
            "concurrently) and generate the migration.",
            "Replace AddIndex with AddIndexConcurrently (perf.migration_rules.postgres_only."
            "AddIndexConcurrentlyOnPostgres also runs on SQLite) and RemoveIndex with "
            "RemoveIndexConcurrently, alone in a migration with atomic = False.",
            "For a unique constraint: CREATE UNIQUE INDEX CONCURRENTLY, then ALTER TABLE ... "
            "ADD CONSTRAINT ... UNIQUE USING INDEX, in RunSQL wrapped in "
            "SeparateDatabaseAndState.",
        ),
    ),
    Rule(
        code="concurrent-in-atomic",
        title="Concurrent index operations sit in a migration with atomic = False",
        why=(
            "CREATE INDEX CONCURRENTLY cannot run inside a transaction: the migration fails "
            "on PostgreSQL (and the SQLite test run does not notice)."
        ),
        steps=(
            "Set atomic = False on the Migration class.",
            "Keep the concurrent operation alone in that migration: without a transaction, "
            "whatever ran before a failure stays applied.",
        ),
    ),
    Rule(
        code="constraint-not-valid",
        title="CHECK and FOREIGN KEY constraints are added NOT VALID, then validated",
        why=(
            "Adding a validated constraint scans the whole table while holding a lock that "
            "blocks writes (ACCESS EXCLUSIVE for CHECK; SHARE ROW EXCLUSIVE on both tables "
            "for a foreign key)."
        ),
        steps=(
            "CHECK: AddConstraintNotValid(model_name, constraint) from "
            "django.contrib.postgres.operations.",
            "Foreign key on an existing table: add the field with db_constraint=False and "
            "db_index=False, build its index concurrently, then RunSQL 'ALTER TABLE ... ADD "
            "CONSTRAINT ... FOREIGN KEY ... NOT VALID' in SeparateDatabaseAndState.",
            "In the next migration: ValidateConstraint(model_name, name) (or RunSQL 'ALTER "
            "TABLE ... VALIDATE CONSTRAINT ...'); it lets reads and writes go on.",
        ),
    ),
    Rule(
        code="type-change",
        title="Column types only widen, and only where PostgreSQL needs no rewrite",
        why=(
            "Any other type change rewrites the table (or checks every row) under an ACCESS "
            "EXCLUSIVE lock, and a narrower type rejects values the running release still "
            "writes."
        ),
        steps=(
            "Allowed in place: a longer varchar, varchar to text, more digits for a "
            "decimal with the same decimal places.",
            "Anything else (integer to bigint, text to integer, shorter varchar, new "
            "decimal places): add a new column with the new type, write both, backfill in "
            "batches, switch reads, drop the old column a release later.",
        ),
    ),
    Rule(
        code="volatile-default",
        title="A new column's database default is constant, or stable",
        why=(
            "PostgreSQL 11+ adds a column with a constant or STABLE default (now(), which "
            "Django's Now() emits as statement_timestamp()) by storing the value once. A "
            "VOLATILE default (random(), gen_random_uuid(), clock_timestamp(), an identity or "
            "serial column's nextval()) needs a value per row: the whole table is rewritten "
            "under an ACCESS EXCLUSIVE lock."
        ),
        steps=(
            "Add the column nullable, without the volatile db_default.",
            "Set the default for new rows in the next migration: AlterField with the "
            "db_default (ALTER COLUMN ... SET DEFAULT rewrites nothing).",
            "Backfill the existing rows in a separate, batched data migration; constrain "
            "later (see set-not-null).",
        ),
    ),
    Rule(
        code="stored-generated-column",
        title="Stored generated columns are not added to existing tables",
        why=(
            "GeneratedField(db_persist=True) on PostgreSQL is a STORED column: adding it "
            "computes and writes it for every row while holding an ACCESS EXCLUSIVE lock."
        ),
        steps=(
            "Compute the value in queries instead (annotate() with the same expression), or",
            "add a plain nullable column, fill it on write (save(), or a trigger added in "
            "RunSQL), backfill it in a separate, batched data migration.",
        ),
    ),
    Rule(
        code="foreign-key-recreated",
        title="A foreign key's constraint is not re-created in place",
        why=(
            "Django drops and re-adds a field's FOREIGN KEY for any database-side change of "
            "the field (to_field, null, db_index, unique, the target), and adds it validated: a "
            "scan of the table under a SHARE ROW EXCLUSIVE lock on both tables, which blocks "
            "their writes. (on_delete, related_name and the like are Python-only: no SQL.)"
        ),
        steps=(
            "Do the database part yourself in SeparateDatabaseAndState, with the AlterField as "
            "the state operation: RunSQL for just the column change (e.g. ALTER COLUMN ... "
            "DROP NOT NULL), leaving the constraint alone.",
            "To point the key elsewhere: RunSQL ADD CONSTRAINT ... FOREIGN KEY ... NOT VALID "
            "under a new name, VALIDATE CONSTRAINT in the next migration, then drop the old "
            "constraint.",
        ),
    ),
)
