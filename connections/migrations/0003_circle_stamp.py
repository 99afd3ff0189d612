"""The circle stamp and the PostgreSQL triggers that change it (see connections.models.CircleStamp).

Other databases (SQLite for `make run`) get the table but no triggers; Reach out never caches there.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# A new random number for the writer's stamp, if they have one (the cache creates it on first read).
TRIGGERS = """
CREATE FUNCTION held_circle_changed(writer bigint) RETURNS void LANGUAGE sql AS $$
    UPDATE connections_circlestamp SET version = (random() * 9e18)::bigint WHERE owner_id = writer
$$;

CREATE FUNCTION held_person_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM held_circle_changed(OLD.owner_id);
    ELSE
        PERFORM held_circle_changed(NEW.owner_id);
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION held_person_link_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    person bigint;
BEGIN
    IF TG_OP = 'DELETE' THEN person := OLD.person_id; ELSE person := NEW.person_id; END IF;
    PERFORM held_circle_changed(owner_id) FROM connections_person WHERE id = person;
    IF TG_OP = 'UPDATE' AND OLD.person_id <> NEW.person_id THEN
        PERFORM held_circle_changed(owner_id) FROM connections_person WHERE id = OLD.person_id;
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION held_tag_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM held_circle_changed(OLD.owner_id);
    RETURN NULL;
END $$;

CREATE TRIGGER held_circle_person AFTER INSERT OR UPDATE OR DELETE ON connections_person
    FOR EACH ROW EXECUTE FUNCTION held_person_changed();
CREATE TRIGGER held_circle_topics AFTER INSERT OR UPDATE OR DELETE ON connections_person_topics
    FOR EACH ROW EXECUTE FUNCTION held_person_link_changed();
CREATE TRIGGER held_circle_help_people AFTER INSERT OR UPDATE OR DELETE ON connections_safetyplan_help_people
    FOR EACH ROW EXECUTE FUNCTION held_person_link_changed();
CREATE TRIGGER held_circle_professionals AFTER INSERT OR UPDATE OR DELETE ON connections_safetyplan_professionals
    FOR EACH ROW EXECUTE FUNCTION held_person_link_changed();
CREATE TRIGGER held_circle_tag AFTER UPDATE OF name OR DELETE ON journal_tag
    FOR EACH ROW EXECUTE FUNCTION held_tag_changed();
"""

DROP_TRIGGERS = """
DROP TRIGGER IF EXISTS held_circle_tag ON journal_tag;
DROP TRIGGER IF EXISTS held_circle_professionals ON connections_safetyplan_professionals;
DROP TRIGGER IF EXISTS held_circle_help_people ON connections_safetyplan_help_people;
DROP TRIGGER IF EXISTS held_circle_topics ON connections_person_topics;
DROP TRIGGER IF EXISTS held_circle_person ON connections_person;
DROP FUNCTION IF EXISTS held_tag_changed();
DROP FUNCTION IF EXISTS held_person_link_changed();
DROP FUNCTION IF EXISTS held_person_changed();
DROP FUNCTION IF EXISTS held_circle_changed(bigint);
"""


def install_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGERS)


def remove_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_TRIGGERS)


class Migration(migrations.Migration):
    dependencies = [
        ("connections", "0002_circle_rules_and_safety_plan"),
        ("journal", "0002_search_token_covering_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="CircleStamp",
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
