"""Trigram indexes for `q` on PostgreSQL: the title and summary that `icontains` reads
upper-cased, and the folded name keys that `contains` reads with a leading wildcard.

A B-tree cannot serve `LIKE '%…%'`; pg_trgm's GIN indexes can. SQLite has no such
index: there these operations do nothing (its `q` stays a scan of the columns)."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

NAMED_TABLES = [
    "operations_person",
    "operations_personalias",
    "operations_organisation",
    "operations_organisationalias",
    "operations_place",
    "operations_placename",
]

# (index name, table, indexed expression), each read by a lookup of operations.models.
TRIGRAM_INDEXES = [
    ("operation_title_trgm", "operations_operation", "UPPER(title)"),
    ("operation_summary_trgm", "operations_operation", "UPPER(summary)"),
] + [
    (f"{table.removeprefix('operations_')}_{key}_trgm", table, key)
    for table in NAMED_TABLES
    for key in ("search_key", "skeleton_key")
]


class PostgreSQLOnly(migrations.RunSQL):
    """Raw SQL that runs on PostgreSQL and is skipped elsewhere."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [
        ("operations", "0004_history_indexed_by_id_and_parent"),
    ]

    operations = [
        TrigramExtension(),
        *(
            PostgreSQLOnly(
                sql=f'CREATE INDEX "{name}" ON "{table}" USING gin ({expression} gin_trgm_ops)',
                reverse_sql=f'DROP INDEX "{name}"',
            )
            for name, table, expression in TRIGRAM_INDEXES
        ),
    ]
