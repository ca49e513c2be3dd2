"""Real images for the tests, made with Pillow: two colour halves so crops are visible."""

import io
import os

from django.core.files.base import ContentFile
from PIL import Image


def make_image(size=(200, 120), mode="RGB"):
    img = Image.new("RGB", size, (220, 30, 30))
    img.paste((30, 30, 220), (size[0] // 2, 0, size[0], size[1]))
    return img.convert(mode)


def image_bytes(size=(200, 120), format="JPEG", mode="RGB"):
    buffer = io.BytesIO()
    make_image(size, mode).save(buffer, format)
    return buffer.getvalue()


def image_content(name="photo.jpg", size=(200, 120), format="JPEG"):
    """A Django ContentFile holding a real image, for FieldFile.save()."""
    return ContentFile(image_bytes(size, format), name=name)


def open_fds():
    """How many file descriptors this process has open."""
    return len(os.listdir("/proc/self/fd"))
