"""API tokens moved to django-rest-knox (kept as digests): the former table of DRF's authtoken
held every token in plain text. It is dropped, so no backup made from now on carries them."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("committees", "0003_year_openings_accounts")]

    operations = [
        migrations.RunSQL(
            [
                "DROP TABLE IF EXISTS authtoken_token",
                "DELETE FROM django_migrations WHERE app = 'authtoken'",
            ],
            reverse_sql=migrations.RunSQL.noop,
        )
    ]
