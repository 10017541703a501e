"""
The rules of data migrations, of reversibility and of reviewed exceptions.
"""

from .rule import DOCS, EXCEPTIONS_ATTRIBUTE, Rule

DATA_RULES = (
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
            "Use it in every query: Model.objects.using(alias)... (or backfill(..., using=alias)).",
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
