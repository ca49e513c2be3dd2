"""Source groups: which source files a generator is used with, and when one changes.

``ImageFieldSourceGroup(Profile, 'avatar')`` stands for the ``avatar`` image of every Profile
(and of every model inheriting it, abstract parents included). It sends ``source_saved`` when a
saved instance's image is new or changed (with ``replaced=True`` when a new file took the old
one's name, as storages that overwrite do), and ``files()`` yields every instance's image, for
``generateimages``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from django.apps import apps
from django.core.files import File
from django.db import models
from django.db.models.fields.files import FieldFile
from django.db.models.signals import (
    class_prepared,
    post_delete,
    post_init,
    post_save,
    pre_save,
)

from imagekit.signals import source_deleted, source_saved
from imagekit.utils import get_nonabstract_descendants

_DEFERRED: Any = object()

# Told ``(group, instance)`` of every row loaded with an image, as it is loaded: the page
# prefetch (``imagekit.cachefiles.page_states``) batches the states of their cache files.
loaded_listeners: list[Callable[[Any, models.Model], None]] = []


def _file_name(value: Any) -> str | None:
    """The stored name of a file field's raw value (a name, a File or a FieldFile)."""
    if value is None or isinstance(value, str):
        return value or None
    return getattr(value, "name", None) or None


class ImageFieldSourceGroup:
    """The image in ``image_field_name`` of every instance of ``model_class``."""

    def __init__(self, model_class: type[models.Model], image_field_name: str) -> None:
        self.model_class = model_class
        self.image_field = image_field_name
        # post_init remembers the image's name here; post_save compares with it.
        self._memo = f"_ik_source_name_{image_field_name}"
        # ...and the raw value it was loaded as; pre_save notes here whether a new file came.
        self._loaded = f"_ik_source_loaded_{image_field_name}"
        self._written = f"_ik_source_written_{image_field_name}"
        self._connected: set[type] = set()
        # Signals are sent with the concrete class as sender, so each inheriting model (abstract
        # parent, multi-table child, proxy) is connected as it appears.
        for model in get_nonabstract_descendants(model_class):
            self._connect(model)
        class_prepared.connect(self._class_prepared, weak=False)

    def _class_prepared(self, sender: type, **kwargs: Any) -> None:
        if issubclass(sender, self.model_class):
            self._connect(sender)

    def _connect(self, model: type) -> None:
        if getattr(model, "_meta", None) is None or model._meta.abstract:
            return
        if model in self._connected:
            return
        self._connected.add(model)
        post_init.connect(self._remember, sender=model, weak=False)
        pre_save.connect(self._note_new_file, sender=model, weak=False)
        post_save.connect(self._compare, sender=model, weak=False)
        post_delete.connect(self._deleted, sender=model, weak=False)

    def _remember(self, instance: models.Model, **kwargs: Any) -> None:
        value = instance.__dict__.get(self.image_field, _DEFERRED)
        if value is not _DEFERRED:  # a deferred field is not read: that would be a query
            name = instance.__dict__[self._memo] = _file_name(value)
            instance.__dict__[self._loaded] = value
            if name:
                for listener in loaded_listeners:
                    listener(self, instance)

    def _note_new_file(self, instance: models.Model, raw: bool = False, **kwargs: Any) -> None:
        """Whether a new file is being saved as the image: an upload not yet stored, or one
        ``FieldFile.save`` stored (it sets the field to the name it got, a new string)."""
        value = instance.__dict__.get(self.image_field, _DEFERRED)
        if raw or value is _DEFERRED:
            return
        if isinstance(value, FieldFile):
            written = not value._committed
        elif isinstance(value, File):
            written = True
        else:  # a name: the one loaded (the same object) or one a storage just gave
            loaded = instance.__dict__.get(self._loaded)
            written = isinstance(value, str) and value is not getattr(loaded, "name", loaded)
        instance.__dict__[self._written] = written

    def _compare(
        self, instance: models.Model, created: bool = False, raw: bool = False, **kwargs: Any
    ) -> None:
        value = instance.__dict__.get(self.image_field, _DEFERRED)
        if raw or value is _DEFERRED:
            # Fixtures load rows as they are (their files may not even exist yet); a deferred
            # field was not loaded, so there is nothing to compare.
            return
        name = _file_name(value)
        previous = instance.__dict__.get(self._memo)
        written = instance.__dict__.pop(self._written, False)
        instance.__dict__[self._memo] = name
        instance.__dict__[self._loaded] = instance.__dict__.get(self.image_field)
        if name and (created or name != previous):
            source_saved.send(sender=self, source=getattr(instance, self.image_field))
        elif name and written:
            # The same name, new bytes: the cache files named after it are out of date.
            source_saved.send(
                sender=self, source=getattr(instance, self.image_field), replaced=True
            )

    def _deleted(self, instance: models.Model, **kwargs: Any) -> None:
        value = instance.__dict__.get(self.image_field, _DEFERRED)
        if value is not _DEFERRED and _file_name(value):
            source_deleted.send(sender=self, source=getattr(instance, self.image_field))

    def models(self) -> list[type[models.Model]]:
        """The models whose tables hold this group's rows, each table once."""
        if not self.model_class._meta.abstract:
            return [self.model_class]
        found = [
            model
            for model in apps.get_models()
            if issubclass(model, self.model_class) and not model._meta.proxy
        ]
        # A multi-table child's rows are already in its parent's table.
        return [
            model
            for model in found
            if not any(parent in found for parent in model._meta.get_parent_list())
        ]

    def files(self) -> Iterator[Any]:
        """Every instance's image file (empty fields skipped)."""
        for model in self.models():
            for instance in model._default_manager.order_by("pk").iterator():
                file = getattr(instance, self.image_field)
                if file:
                    yield file

    def __repr__(self) -> str:
        meta = self.model_class._meta
        return f"<ImageFieldSourceGroup {meta.app_label}.{meta.object_name}.{self.image_field}>"


_shared: dict[tuple[type, str], ImageFieldSourceGroup] = {}


def source_group_for(
    model_class: type[models.Model], image_field_name: str
) -> ImageFieldSourceGroup:
    """The one group of a model's image field, shared by every spec field using it, so a save
    sends ``source_saved`` once."""
    key = (model_class, image_field_name)
    if key not in _shared:
        _shared[key] = ImageFieldSourceGroup(model_class, image_field_name)
    return _shared[key]


__all__ = ["ImageFieldSourceGroup", "source_group_for"]
