"""Load the shipped honour catalogue (talent/data/honours.json) into Honour by code; re-running updates rows."""

from django.db import migrations

FIELDS = ("name", "level", "awarding_body", "subject", "cycle_years", "quotas", "criteria", "eligibility", "benefits",
          "has_nominee_tier", "has_expert_review", "source")


def load(apps, schema_editor):
    from workerhub.talent.rules import load_catalogue

    Honour = apps.get_model("talent", "Honour")
    for row in load_catalogue()["honours"]:
        Honour.objects.update_or_create(code=row["code"], defaults={f: row[f] for f in FIELDS})


class Migration(migrations.Migration):
    dependencies = [("talent", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
