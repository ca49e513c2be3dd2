"""Generators of this app beyond its model fields; found by imagekit's autodiscovery.

``gallery:medium`` is the small candidate of the gallery's responsive ``<img srcset>`` (the large
one is ``Photo.display``). Its source group makes ``generateimages`` make it ahead of time and
the JustInTime strategy keep it fresh when a photo changes, as a model field's spec would be.
"""

from imagekit import ImageSpec, register
from imagekit.processors import ResizeToFit
from imagekit.specs.sourcegroups import ImageFieldSourceGroup

from gallery.models import Photo


class Medium(ImageSpec):
    processors = [ResizeToFit(512, 512, upscale=False)]
    format = "JPEG"
    options = {"quality": 82}


register.generator("gallery:medium", Medium)
register.source_group("gallery:medium", ImageFieldSourceGroup(Photo, "original"))
