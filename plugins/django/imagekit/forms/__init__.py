"""``imagekit.forms``: ``ProcessedImageField``, the form field that processes uploads."""

from __future__ import annotations

from imagekit.forms.fields import ProcessedImageField

__all__ = ["ProcessedImageField"]
