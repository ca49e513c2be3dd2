"""Models of the test app: the documentation's examples, then the cases around them.

Examples whose class name repeats in the docs (three ``Profile``s) are renamed here, since one
app cannot hold two models of one name; their bodies are as documented.
"""

from django.db import models

from imagekit import ImageSpec, register
from imagekit.models import ImageSpecField, ProcessedImageField
from imagekit.processors import ResizeToFill
from imagekit.utils import get_field_info


# "Defining Specs In Models", as documented.
class Profile(models.Model):
    avatar = models.ImageField(upload_to='avatars')
    avatar_thumbnail = ImageSpecField(source='avatar',
                                      processors=[ResizeToFill(100, 50)],
                                      format='JPEG',
                                      options={'quality': 60})


# The ProcessedImageField example (the docs call this model Profile too).
class ProcessedProfile(models.Model):
    avatar_thumbnail = ProcessedImageField(upload_to='avatars',
                                           processors=[ResizeToFill(100, 50)],
                                           format='JPEG',
                                           options={'quality': 60})


# "Specs That Change", as documented except for one typo in the docs: they write
# `thumbnail.avatar_height`, which names nothing; the model's field is `thumbnail_height`.
class AvatarThumbnail(ImageSpec):
    format = 'JPEG'
    options = {'quality': 60}

    @property
    def processors(self):
        model, field_name = get_field_info(self.source)  # noqa: RUF059  (as documented)
        return [ResizeToFill(model.thumbnail_width, model.thumbnail_height)]


register.generator('myapp:profile:avatar_thumbnail', AvatarThumbnail)


class SizedProfile(models.Model):  # the docs' Profile of "Specs That Change"
    avatar = models.ImageField(upload_to='avatars')
    avatar_thumbnail = ImageSpecField(source='avatar',
                                      id='myapp:profile:avatar_thumbnail')
    thumbnail_width = models.PositiveIntegerField()
    thumbnail_height = models.PositiveIntegerField()


class PlainPhoto(models.Model):
    """A plain ImageField, to compare queries with."""

    image = models.ImageField(upload_to='plain')


class Article(models.Model):
    """No source=: the model's only ImageField is the source."""

    image = models.ImageField(upload_to='articles', blank=True)
    thumb = ImageSpecField(processors=[ResizeToFill(30, 20)], format='PNG')


class FeatureArticle(Article):
    """A multi-table child: its image lives in Article's table."""

    headline = models.CharField(max_length=50, blank=True)


class AbstractPhoto(models.Model):
    original = models.ImageField(upload_to='photos')
    small = ImageSpecField(source='original', processors=[ResizeToFill(16, 12)], format='PNG')

    class Meta:
        abstract = True


class Landscape(AbstractPhoto):
    place = models.CharField(max_length=50, blank=True)


class Portrait(AbstractPhoto):
    sitter = models.CharField(max_length=50, blank=True)


class OptimisticPhoto(models.Model):
    image = models.ImageField(upload_to='optimistic')
    thumb = ImageSpecField(source='image', processors=[ResizeToFill(40, 30)], format='JPEG',
                           cachefile_strategy='optimistic')
    other_thumb = ImageSpecField(source='image', processors=[ResizeToFill(10, 10)],
                                 format='PNG', cachefile_strategy='optimistic')
