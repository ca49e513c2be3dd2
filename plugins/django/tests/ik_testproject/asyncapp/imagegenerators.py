"""A generator over the JPEGs of a directory, for running ``generateimages`` in a subprocess.

When ``IK_TEST_SOURCE_DIR`` is set, ``asyncapp:dirthumb`` gets a source group yielding each
``*.jpg`` there (opened, as the docs' ``JpegsInADirectory`` does), named ``dir/<file>``. Its
spec sleeps ``IK_TEST_SLOW_SECONDS`` per image, so a test can interrupt a run midway.
"""

import os
import time

from django.core.files import File

from imagekit import ImageSpec, register
from imagekit.processors import ResizeToFit


class SlowDown:
    def process(self, img):
        time.sleep(float(os.environ.get("IK_TEST_SLOW_SECONDS", "0")))
        return img


class DirectoryThumbnail(ImageSpec):
    processors = [SlowDown(), ResizeToFit(64, 64)]
    format = "JPEG"


class JpegsInADirectory:
    def __init__(self, directory):
        self.directory = directory

    def files(self):
        for name in sorted(os.listdir(self.directory)):
            if name.endswith(".jpg"):
                path = os.path.join(self.directory, name)
                yield File(open(path, "rb"), name=f"dir/{name}")


register.generator("asyncapp:dirthumb", DirectoryThumbnail)
if os.environ.get("IK_TEST_SOURCE_DIR"):
    register.source_group("asyncapp:dirthumb", JpegsInADirectory(os.environ["IK_TEST_SOURCE_DIR"]))
