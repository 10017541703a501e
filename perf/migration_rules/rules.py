"""
The catalogue of migration rules, and the violation report built from it.

Each rule carries its own explanation so that a failing check says, on the spot, what is dangerous,
why, the exact safe steps and how to mark a reviewed exception; docs/migration-rules.md says the
same at length, with an example migration per rule, under a heading named by the rule's code.
"""

from dataclasses import dataclass

DOCS = "docs/migration-rules.md"

# The class attribute of a Migration that lists reviewed, intentional exceptions, for example
#     reviewed_exceptions = {"drop-column": "Contract step: nothing reads legacy_sku since 2.3."}
EXCEPTIONS_ATTRIBUTE = "reviewed_exceptions"


@dataclass(frozen=True)
class Rule:
    code: str
    title: str
    why: str
    steps: tuple[str, ...]


@dataclass(frozen=True)
class Violation:
    """One operation of one migration that breaks one rule."""

    rule: Rule
    migration: str
    operation: str
    detail: str

    def __str__(self) -> str:
        steps = "\n".join(f"    {number}. {step}" for number, step in enumerate(self.rule.steps, 1))
        return (
            f"{self.migration}: {self.operation}\n"
            f"  Dangerous: {self.detail}\n"
            f"  Why: {self.rule.why}\n"
            f"  Safe steps:\n{steps}\n"
            f"  If this is reviewed and intended, say so on the Migration class:\n"
            f'    {EXCEPTIONS_ATTRIBUTE} = {{"{self.rule.code}": "<why it is safe here>"}}\n'
            f"  See {DOCS}#{self.rule.code}"
        )


RULES = {
    rule.code: rule
    for rule in (
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
            code="drop-column",
            title="A column is dropped only a release after the code stopped using it",
            why=(
                "During the deploy the previous release still selects and inserts the column; "
                "Django selects every field of a model, so every query of that model fails."
            ),
            steps=(
                "Release N: make the column nullable (or give it a db_default) and remove the "
                "field from the model with SeparateDatabaseAndState(state_operations=[RemoveField"
                "(...)]), so the column stays in the database.",
                "Release N+1, when no running code knows the field: drop the column with "
                "SeparateDatabaseAndState(database_operations=[RemoveField(...)]) or RunSQL, and "
                "mark that migration as a reviewed exception naming release N.",
            ),
        ),
        Rule(
            code="drop-table",
            title="A table is dropped only a release after the code stopped using it",
            why="The release still running during the deploy queries the table and fails.",
            steps=(
                "Release N: remove the model from the code with SeparateDatabaseAndState("
                "state_operations=[DeleteModel(...)]).",
                "Release N+1: drop the table (database_operations=[DeleteModel(...)] or RunSQL) "
                "and mark that migration as a reviewed exception naming release N.",
            ),
        ),
        Rule(
            code="rename-column",
            title="Columns are never renamed in place",
            why=(
                "The release still running during the deploy uses the old column name; every "
                "query of the model fails until the new code is everywhere."
            ),
            steps=(
                "To rename only in Python, keep the column: set db_column='<old name>' on the "
                "field first, then RenameField (no SQL is run).",
                "To rename in the database: add the new column (expand), write both, backfill in "
                "batches, switch reads, stop writing the old one, then drop it a release later "
                "(contract).",
            ),
        ),
        Rule(
            code="rename-table",
            title="Tables are never renamed in place",
            why="The release still running during the deploy queries the old table name and fails.",
            steps=(
                "To rename the model only, keep the table: set Meta.db_table='<old table>' first, "
                "then RenameModel (no SQL is run).",
                "To move the data: create the new table, write both, backfill in batches, switch "
                "reads, then drop the old table a release later.",
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
                "Replace AddIndex with AddIndexConcurrently (perf.migration_operations."
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
            code="data-with-schema",
            title="Data migrations are kept apart from schema changes",
            why=(
                "In one transaction the data change runs while the schema change holds its "
                "ACCESS EXCLUSIVE lock, so the whole table is blocked for the whole backfill; "
                "and a failure undoes or half-applies both."
            ),
            steps=(
                "Move RunPython (or data RunSQL) into its own migration, after the schema change "
                "it needs and before the one that constrains it.",
            ),
        ),
        Rule(
            code="data-migration-atomic",
            title="Data migrations run in batches, each committed, so they resume",
            why=(
                "An atomic data migration is one long transaction: it holds row locks on every "
                "row it touched until the end, bloats the table and the replicas' lag, and when "
                "it fails all the work is lost."
            ),
            steps=(
                "Set atomic = False on the Migration class, so each batch commits on its own.",
                "Select only the rows still to do (e.g. filter(<field>__isnull=True)) and update "
                "them in primary-key order, a batch at a time: perf.migration_rules.backfill."
                "backfill(queryset, using=schema_editor.connection.alias, ...) does this, so a "
                "rerun resumes where a failure stopped.",
            ),
        ),
        Rule(
            code="data-migration-db-alias",
            title="Data migrations read and write the database being migrated",
            why=(
                "Migrations run on the primary only. A query without .using() goes through the "
                "database router, which may send reads to a replica that lags behind (or has not "
                "replayed the schema change yet)."
            ),
            steps=(
                "Take the alias from the schema editor: alias = schema_editor.connection.alias.",
                "Use it in every query: Model.objects.using(alias)... (or backfill(..., "
                "using=alias)).",
            ),
        ),
        Rule(
            code="historical-models",
            title="Data migrations use the historical models",
            why=(
                "A model imported from the app reflects today's code, not the schema at this "
                "point of the migration history: the migration breaks as soon as the model "
                "changes."
            ),
            steps=('Get each model with apps.get_model("app_label", "ModelName").',),
        ),
        Rule(
            code="irreversible",
            title="Every migration can be reversed",
            why=(
                "Rolling a bad deploy back means migrating back; one irreversible step blocks "
                "the rollback when it is needed most."
            ),
            steps=(
                "Give RunPython a reverse_code (RunPython.noop when there is nothing to undo) "
                "and RunSQL a reverse_sql (RunSQL.noop likewise).",
            ),
        ),
        Rule(
            code="invalid-exception",
            title="Reviewed exceptions name a rule and give a reason",
            why=(
                "An exception that names no known rule, or gives no reason, silences nothing "
                "(or nothing a reviewer can check)."
            ),
            steps=(
                f"Write {EXCEPTIONS_ATTRIBUTE} as a dict from a rule code of {DOCS} to a "
                "sentence saying why the operation is safe here.",
            ),
        ),
    )
}
