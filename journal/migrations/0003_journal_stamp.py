"""The journal stamp and the PostgreSQL triggers that change it (see journal.models.JournalStamp).

Other databases (SQLite for `make run`) get the table but no triggers; the insights page never keeps figures there.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# A new random number for the writer's stamp, if they have one (the page creates it on first read).
TRIGGERS = """
CREATE FUNCTION held_journal_changed(writer bigint) RETURNS void LANGUAGE sql AS $$
    UPDATE journal_journalstamp SET version = (random() * 9e18)::bigint WHERE owner_id = writer
$$;

CREATE FUNCTION held_owned_row_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM held_journal_changed(OLD.owner_id);
    ELSE
        PERFORM held_journal_changed(NEW.owner_id);
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION held_entry_tag_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    entry bigint;
BEGIN
    IF TG_OP = 'DELETE' THEN entry := OLD.entry_id; ELSE entry := NEW.entry_id; END IF;
    PERFORM held_journal_changed(owner_id) FROM journal_entry WHERE id = entry;
    RETURN NULL;
END $$;

CREATE TRIGGER held_journal_entry AFTER INSERT OR UPDATE OR DELETE ON journal_entry
    FOR EACH ROW EXECUTE FUNCTION held_owned_row_changed();
CREATE TRIGGER held_journal_entry_tags AFTER INSERT OR UPDATE OR DELETE ON journal_entry_tags
    FOR EACH ROW EXECUTE FUNCTION held_entry_tag_changed();
CREATE TRIGGER held_journal_tag AFTER UPDATE OF name OR DELETE ON journal_tag
    FOR EACH ROW EXECUTE FUNCTION held_owned_row_changed();
CREATE TRIGGER held_journal_contact AFTER INSERT OR UPDATE OR DELETE ON connections_contact
    FOR EACH ROW EXECUTE FUNCTION held_owned_row_changed();
"""

DROP_TRIGGERS = """
DROP TRIGGER IF EXISTS held_journal_contact ON connections_contact;
DROP TRIGGER IF EXISTS held_journal_tag ON journal_tag;
DROP TRIGGER IF EXISTS held_journal_entry_tags ON journal_entry_tags;
DROP TRIGGER IF EXISTS held_journal_entry ON journal_entry;
DROP FUNCTION IF EXISTS held_entry_tag_changed();
DROP FUNCTION IF EXISTS held_owned_row_changed();
DROP FUNCTION IF EXISTS held_journal_changed(bigint);
"""


def install_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGERS)


def remove_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_TRIGGERS)


class Migration(migrations.Migration):
    dependencies = [
        ("journal", "0002_search_token_covering_index"),
        ("connections", "0003_circle_stamp"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="JournalStamp",
            fields=[
                (
                    "owner",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                ("version", models.BigIntegerField()),
            ],
        ),
        migrations.RunPython(install_triggers, remove_triggers),
    ]
