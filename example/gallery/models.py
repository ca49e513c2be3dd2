from django.core.files.base import ContentFile
from django.db import models
from ik_host.registry import resolve
from imagekit.models import ImageSpecField, ProcessedImageField
from imagekit.processors import ResizeToFill, ResizeToFit

# Sepia is not part of this project or of imagekit: it comes from the ik-example-sepia plugin
# (examples/ik-example-sepia) and is found by its registered name. If the plugin is not
# installed, this line says so and lists the processors that are.
Sepia = resolve("processor", "Sepia")


class Photo(models.Model):
    title = models.CharField(max_length=100, unique=True)
    # The photo as it was uploaded (the upload form has already capped it at 2048 px).
    original = models.ImageField(
        upload_to="photos", width_field="original_width", height_field="original_height"
    )
    original_width = models.PositiveIntegerField(editable=False, null=True)
    original_height = models.PositiveIntegerField(editable=False, null=True)

    # Virtual fields: no columns. Each is made from `original` when first needed (or ahead of
    # time by `manage.py generateimages`) and kept under CACHE/images/.
    thumbnail = ImageSpecField(
        source="original",
        processors=[ResizeToFill(200, 200)],
        format="JPEG",
        options={"quality": 80},
    )
    display = ImageSpecField(
        source="original",
        processors=[ResizeToFit(1024, 1024, upscale=False)],
        format="JPEG",
        options={"quality": 85, "progressive": True},
    )
    sepia = ImageSpecField(
        source="original",
        processors=[ResizeToFit(480, 480, upscale=False), Sepia(strength=0.9)],
        format="JPEG",
        options={"quality": 85},
    )

    # A real column: processed once, when the photo is saved, and stored as the result only.
    # 1200x630 is the size link previews (Open Graph) ask for.
    share_card = ProcessedImageField(
        upload_to="cards",
        processors=[ResizeToFill(1200, 630)],
        format="JPEG",
        options={"quality": 82},
        blank=True,
    )

    uploaded = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded", "-id"]

    def __str__(self) -> str:
        return self.title

    def attach_image(self, filename: str, data: bytes) -> None:
        """Make ``data`` (an encoded image) this photo's original, and its share card from it.

        Nothing is saved to the database; the two files are written to the storage.
        """
        self.original.save(filename, ContentFile(data, name=filename), save=False)
        self.share_card.save(filename, ContentFile(data, name=filename), save=False)
