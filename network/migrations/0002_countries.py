"""Every ISO 3166-1 country with its UN M49 region and programme region (network/data/countries.csv)."""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "countries.csv"


def load_countries(apps, schema_editor):
    Country = apps.get_model("network", "Country")
    with DATA.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    Country.objects.bulk_create([Country(**row) for row in rows], ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("network", "0001_initial")]
    operations = [migrations.RunPython(load_countries, migrations.RunPython.noop)]
