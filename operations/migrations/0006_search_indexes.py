"""Indexes for the filters that read many operations.

* The operations at some places (a country, a bounding box, q's places), counted
  from one index: no row is fetched to learn that it is visible.
* On PostgreSQL, trigram (pg_trgm GIN) indexes for `q`: on the title and summary
  that `icontains` reads upper-cased, and on the folded name keys that `contains`
  reads with a leading wildcard. A B-tree cannot serve `LIKE '%…%'`. SQLite has no
  such index: there these operations do nothing, and `q` scans the columns.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

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


class OnPostgreSQLOnly:
    """An operation that runs on PostgreSQL and is skipped elsewhere, both ways."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class TrigramExtensionOnPostgreSQL(OnPostgreSQLOnly, TrigramExtension):
    pass


class SQLOnPostgreSQL(OnPostgreSQLOnly, migrations.RunSQL):
    pass


class Migration(migrations.Migration):
    dependencies = [
        ("operations", "0005_data_version"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="operation",
            index=models.Index(
                fields=["place", "status", "deleted_at", "merged_into", "occurred_on"],
                name="operation_place_visible",
            ),
        ),
        TrigramExtensionOnPostgreSQL(),
        *(
            SQLOnPostgreSQL(
                sql=f'CREATE INDEX "{name}" ON "{table}" USING gin ({expression} gin_trgm_ops)',
                reverse_sql=f'DROP INDEX "{name}"',
            )
            for name, table, expression in TRIGRAM_INDEXES
        ),
    ]
