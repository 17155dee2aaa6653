"""Ship the GB/T 2260 region table and make the audit log append-only in the database itself."""

from django.db import migrations


def load(apps, schema_editor):
    from workerhub.core.regions import load_regions, read_regions

    load_regions(apps.get_model("core", "Region"), read_regions())


GUARD = {
    "postgresql": [
        """CREATE OR REPLACE FUNCTION core_audit_append_only() RETURNS trigger AS $$
           BEGIN RAISE EXCEPTION 'audit entries are append-only'; END; $$ LANGUAGE plpgsql""",
        """CREATE TRIGGER core_audit_no_update BEFORE UPDATE OR DELETE ON core_auditentry
           FOR EACH ROW EXECUTE FUNCTION core_audit_append_only()""",
    ],
    "sqlite": [
        """CREATE TRIGGER core_audit_no_update BEFORE UPDATE ON core_auditentry
           BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END""",
        """CREATE TRIGGER core_audit_no_delete BEFORE DELETE ON core_auditentry
           BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END""",
    ],
}


def guard(apps, schema_editor):
    for sql in GUARD.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [
        migrations.RunPython(load, migrations.RunPython.noop),
        migrations.RunPython(guard, migrations.RunPython.noop),
    ]
