"""The cache-file storage of the async models: atomic, and able to hang in mid-write once.

It is ik-defaults' local storage (a temporary file renamed into place, so a file appears only
whole) at MEDIA_ROOT. A test *arms* it by creating ``.slow-save`` in MEDIA_ROOT: the next save,
in whichever process, writes half the file, says so in ``.slow-save-started`` (holding the
temporary file's path) and sleeps, so the test can kill the worker in mid-write.
"""

import os
import tempfile
import time

from django.conf import settings

from ik_defaults.filesystem_storage import FileSystemStorage

ARM = ".slow-save"
STARTED = ".slow-save-started"
HANG_SECONDS = 60


def _read_all(content):
    if hasattr(content, "seek"):
        content.seek(0)
    return content.read()


class ArmableStorage(FileSystemStorage):
    def __init__(self):
        super().__init__(settings.MEDIA_ROOT, settings.MEDIA_URL)

    def save(self, name, content, max_length=None):
        try:
            os.remove(os.path.join(self.location, ARM))  # only one save can claim the arming
        except FileNotFoundError:
            return super().save(name, content, max_length)
        data = _read_all(content)
        path = self.path(name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        fd, temp_path = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".ik-", suffix=".part")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data[: len(data) // 2])
            handle.flush()
            with open(os.path.join(self.location, STARTED), "w") as started:
                started.write(temp_path)
            time.sleep(HANG_SECONDS)
            handle.write(data[len(data) // 2 :])
        os.replace(temp_path, path)
        return name
