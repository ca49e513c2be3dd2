"""Cache-file backends and storages the tests configure by dotted path."""

from django.core.files.storage import FileSystemStorage

from imagekit.cachefiles.backends import CachedFileBackend


class DoNothingBackend(CachedFileBackend):
    """Stands in for an asynchronous backend whose worker has not run yet."""

    def generate(self, file, force=False):
        pass


class RenamingStorage(FileSystemStorage):
    """A storage that never keeps the name it is given (like one adding content hashes)."""

    def get_available_name(self, name, max_length=None):
        root, ext = name.rsplit('.', 1)
        return super().get_available_name(f'{root}-renamed.{ext}', max_length)
