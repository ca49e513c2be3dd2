"""A storage without local files, as S3's: bytes in a dict, and ``path()`` unsupported."""

from django.core.files.base import ContentFile
from django.core.files.storage import Storage


class RemoteStorage(Storage):
    def __init__(self):
        self.files = {}

    def _open(self, name, mode="rb"):
        return ContentFile(self.files[name], name=name)

    def _save(self, name, content):
        content.seek(0)
        self.files[name] = content.read()
        return name

    def exists(self, name):
        return name in self.files

    def delete(self, name):
        self.files.pop(name, None)

    def size(self, name):
        return len(self.files[name])

    def url(self, name):
        return f"https://remote.example/{name}"
