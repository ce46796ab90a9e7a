"""The table of the database cache (CACHE_URL=db://…, the default): allauth's rate limits and used second-factor
codes are kept there, shared by every process. Made by `migrate`, so every path that migrates (make run, the
docker-compose migrate job, CI, the test databases) has it; createcachetable does nothing when it exists."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0008_api_tokens")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop, elidable=True)]
