import imagekit.models.fields
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    # Only the real columns: the ImageSpecFields (thumbnail, display, sepia) are virtual, and
    # the ProcessedImageField migrates as a plain image column (its processors live in code).
    operations = [
        migrations.CreateModel(
            name="Photo",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("title", models.CharField(max_length=100, unique=True)),
                (
                    "original",
                    models.ImageField(
                        height_field="original_height",
                        upload_to="photos",
                        width_field="original_width",
                    ),
                ),
                ("original_width", models.PositiveIntegerField(editable=False, null=True)),
                ("original_height", models.PositiveIntegerField(editable=False, null=True)),
                (
                    "share_card",
                    imagekit.models.fields.ProcessedImageField(blank=True, upload_to="cards"),
                ),
                ("uploaded", models.DateTimeField(auto_now_add=True)),
            ],
            options={"ordering": ["-uploaded", "-id"]},
        ),
    ]
