from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="CacheFileRecord",
            fields=[
                (
                    "key",
                    models.CharField(
                        editable=False, max_length=40, primary_key=True, serialize=False
                    ),
                ),
                ("name", models.TextField()),
                ("state", models.CharField(max_length=16)),
                ("width", models.PositiveIntegerField(blank=True, null=True)),
                ("height", models.PositiveIntegerField(blank=True, null=True)),
                ("format", models.CharField(blank=True, max_length=16)),
                ("size", models.BigIntegerField(blank=True, null=True, verbose_name="bytes")),
                ("generator_id", models.CharField(blank=True, db_index=True, max_length=255)),
                ("source_name", models.TextField(blank=True)),
                ("source_key", models.CharField(blank=True, db_index=True, max_length=40)),
                ("made_at", models.DateTimeField(blank=True, null=True)),
                ("failed_at", models.DateTimeField(blank=True, null=True)),
                ("error", models.TextField(blank=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
            ],
            options={
                "verbose_name": "cache file",
                "db_table": "imagekit_cachefile",
            },
        ),
    ]
