"""Load the shipped occupation catalogue (skills/data/occupations.json); re-running updates rows by name."""

from django.db import migrations


def load(apps, schema_editor):
    from workerhub.skills.rules import load_catalogue

    Occupation = apps.get_model("skills", "Occupation")
    for row in load_catalogue()["occupations"]:
        Occupation.objects.update_or_create(name=row["name"], defaults={
            "code": row.get("code") or "", "parent_name": row.get("parent", ""), "levels": row["levels"],
            "digital": row.get("digital", False), "proposed": row.get("proposed", False),
            "verified": row.get("verified", False), "note": (row.get("note") or row.get("source") or "")[:300],
            "eligibility": row.get("eligibility") or {},
        })


class Migration(migrations.Migration):
    dependencies = [("skills", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
