"""Found by autodiscovery in ImagekitConfig.ready()."""

from imagekit import ImageSpec, register
from imagekit.processors import ResizeToFit


class Square(ImageSpec):
    processors = [ResizeToFit(32, 32)]
    format = 'PNG'


register.generator('testapp:square', Square)
