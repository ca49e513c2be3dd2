"""Models for the tag, admin and generateimages tests.

Their ImageSpecFields get the automatic ids ``tagapp:<model>:<field>``, which the
generateimages tests select by id and by glob.
"""

from django.db import models

from imagekit.models import ImageSpecField
from imagekit.processors import ResizeToFill, ResizeToFit


class TagPhoto(models.Model):
    """A plain source for the template tags."""

    title = models.CharField(max_length=100, blank=True)
    original = models.ImageField(upload_to="tagphotos")


class AdminPhoto(models.Model):
    title = models.CharField(max_length=100)
    original = models.ImageField(upload_to="adminphotos", blank=True)
    thumbnail = ImageSpecField(
        source="original", processors=[ResizeToFill(50, 40)], format="JPEG"
    )

    def __str__(self):
        return self.title


class GenPhoto(models.Model):
    original = models.ImageField(upload_to="genphotos")
    small = ImageSpecField(source="original", processors=[ResizeToFill(20, 20)], format="PNG")
    large = ImageSpecField(source="original", processors=[ResizeToFit(60, 60)], format="JPEG")


class GenOther(models.Model):
    image = models.ImageField(upload_to="genother")
    thumb = ImageSpecField(source="image", processors=[ResizeToFill(10, 10)], format="PNG")
