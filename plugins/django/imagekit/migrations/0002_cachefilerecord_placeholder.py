from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("imagekit", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="cachefilerecord",
            name="placeholder",
            field=models.TextField(blank=True, default=""),
        ),
    ]
