"""``ProcessedImageField``: an ImageField whose uploads are processed once, when saved.

::

    class Profile(models.Model):
        avatar_thumbnail = ProcessedImageField(upload_to='avatars',
                                               processors=[ResizeToFill(100, 50)],
                                               format='JPEG', options={'quality': 60})

The processed image replaces the upload (its extension follows ``format``); the column is a
plain ImageField's, and migrations see a plain ImageField's arguments: the processors live in
code, not in migration files.
"""

from __future__ import annotations

import os
from typing import Any

from django.core.files import File
from django.db import models
from django.db.models.fields.files import ImageFieldFile

from ik_host.formats import suggest_extension
from imagekit.specs import SpecHost

MIGRATION_PATH = "imagekit.models.fields.ProcessedImageField"


def processed_name(name: str, format: str | None) -> str:
    """``name`` with the extension of ``format`` (unchanged when there is no format)."""
    if not format:
        return name
    return os.path.splitext(name)[0] + suggest_extension(name, format)


class ProcessedImageFieldFile(ImageFieldFile):
    def save(self, name: str, content: Any, save: bool = True) -> None:
        spec = self.field.get_spec(source=content)
        processed = spec.generate()
        name = processed_name(name, spec.format)
        super().save(name, File(processed, name=name), save)


class ProcessedImageField(SpecHost, models.ImageField):
    attr_class = ProcessedImageFieldFile

    def __init__(
        self,
        processors: Any = None,
        format: str | None = None,
        options: dict[str, Any] | None = None,
        verbose_name: str | None = None,
        name: str | None = None,
        width_field: str | None = None,
        height_field: str | None = None,
        autoconvert: bool | None = None,
        spec: Any = None,
        spec_id: str | None = None,
        limits: Any = None,
        **kwargs: Any,
    ) -> None:
        # Unlike ImageSpecField, the spec is registered only under an explicit spec_id:
        # migrations rebuild this field without processors and must not claim an id.
        SpecHost.__init__(
            self,
            processors=processors,
            format=format,
            options=options,
            autoconvert=autoconvert,
            spec=spec,
            spec_id=spec_id,
            limits=limits,
        )
        models.ImageField.__init__(
            self, verbose_name, name, width_field, height_field, **kwargs
        )

    def deconstruct(self) -> tuple[str, str, list[Any], dict[str, Any]]:
        name, path, args, kwargs = super().deconstruct()
        if type(self) is ProcessedImageField:
            path = MIGRATION_PATH  # the path existing django-imagekit migrations import
        return name, path, args, kwargs
