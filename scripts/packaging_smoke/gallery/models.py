from django.db import models

from imagekit.models import ImageSpecField
from imagekit.processors import ResizeToFill


class Photo(models.Model):
    title = models.CharField(max_length=100)
    original = models.ImageField(upload_to="photos")
    thumbnail = ImageSpecField(
        source="original",
        processors=[ResizeToFill(100, 50)],
        format="JPEG",
        options={"quality": 80},
    )

    def __str__(self) -> str:
        return self.title
