"""Name the caller of each sweep index in the database itself (PostgreSQL; SQLite has no comments)."""

from django.db import migrations

COMMENTS = {
    "nudge_due_idx": (
        "Read by connections.nudges.tasks.sweep_due_nudges (every minute): "
        "SELECT ... WHERE next_nudge_at <= now ORDER BY next_nudge_at FOR UPDATE SKIP LOCKED."
    ),
    "nudge_unfinished_idx": (
        "Read by connections.nudges.tasks.sweep_due_nudges: deliveries left pending or sending, "
        "to re-enqueue or to record as interrupted."
    ),
}


def comment_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, comment in COMMENTS.items():
        schema_editor.execute(f"COMMENT ON INDEX {schema_editor.quote_name(name)} IS {schema_editor.quote_value(comment)}")


def uncomment_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in COMMENTS:
        schema_editor.execute(f"COMMENT ON INDEX {schema_editor.quote_name(name)} IS NULL")


class Migration(migrations.Migration):
    dependencies = [("nudges", "0001_initial")]

    operations = [migrations.RunPython(comment_indexes, uncomment_indexes)]
