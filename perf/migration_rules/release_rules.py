"""
The rules that keep the release still running during a deploy working: nothing it uses is
dropped or renamed under it, and contract steps wait until it is gone (``phases``).
"""

from .rule import Rule

RELEASE_RULES = (
    Rule(
        code="drop-column",
        title="A column is dropped only by a contract migration",
        why=(
            "An expand migration runs while the previous release still selects and inserts the "
            "column; Django selects every field of a model, so every query of that model fails."
        ),
        steps=(
            "Release N: make the column nullable (or give it a db_default) and remove the "
            "field from the model with SeparateDatabaseAndState(state_operations=[RemoveField"
            "(...)]), so the column stays in the database.",
            "Release N+1: drop the column with RunSQL('ALTER TABLE ... DROP COLUMN ...', "
            "reverse_sql='ALTER TABLE ... ADD COLUMN ... NULL') in a migration marked "
            'phase = "contract"; it runs with safe_migrate --phase contract, once release N+1 '
            "serves alone.",
        ),
    ),
    Rule(
        code="drop-table",
        title="A table is dropped only by a contract migration",
        why=(
            "An expand migration runs while the previous release still queries the table, "
            "which then fails."
        ),
        steps=(
            "Release N: remove the model from the code with SeparateDatabaseAndState("
            "state_operations=[DeleteModel(...)]).",
            "Release N+1: drop the table with RunSQL('DROP TABLE ...', reverse_sql=<its CREATE "
            'TABLE>) in a migration marked phase = "contract".',
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
        code="contract-in-expand",
        title="Steps that constrain what the previous release writes are contract steps",
        why=(
            "An expand migration runs before the new code, while the previous release serves: "
            "a NOT NULL (or a CHECK (column IS NOT NULL), even NOT VALID: new rows are checked "
            "at once) rejects the rows that release inserts without the column."
        ),
        steps=(
            'Put the step in its own migration with phase = "contract" on the Migration '
            "class (docs/migration-rules.md#deploy-phases).",
            "Deploy: safe_migrate --phase expand, roll the new code out, then, once no process "
            "of the previous release serves, safe_migrate --phase contract (make "
            "migrate-contract).",
        ),
    ),
    Rule(
        code="contract-same-release",
        title="A contract migration drops only what the previous release no longer knows",
        why=(
            "The release still running during the deploy (the code at --since REF, or, "
            "without --since, the code of the migration just before) still has the field or "
            "model: if the deploy has to be rolled back after the contract phase, that code "
            "finds its column gone, and any of its processes still serving fail at once."
        ),
        steps=(
            "Release N: remove the field or model from the code only, with "
            "SeparateDatabaseAndState(state_operations=[...]).",
            "Release N+1 (a later deploy, so a later --since REF): the contract migration "
            "that drops the column or table.",
        ),
    ),
    Rule(
        code="invalid-phase",
        title="A migration's phase is expand or contract",
        why=(
            "safe_migrate reads any other value as expand, so a misspelt contract step would "
            "run before the old code is gone."
        ),
        steps=('Write phase = "contract" (or leave phase out for an expand migration).',),
    ),
)
