"""``manage.py loadsamples``: add the sample photos that are not in the gallery yet."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from gallery.models import Photo
from gallery.samples import have_skimage, samples, to_jpeg


class Command(BaseCommand):
    help = (
        "Add the sample photos (from scikit-image's bundled data, or drawn with Pillow when "
        "scikit-image is not installed). Photos already there, by title, are left alone."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if not have_skimage():
            self.stdout.write(
                "scikit-image is not installed: drawing a few pictures with Pillow instead "
                "(`pip install scikit-image` for real photographs)."
            )
        added = []
        for sample in samples():
            if Photo.objects.filter(title=sample.title).exists():
                continue
            photo = Photo(title=sample.title)
            photo.attach_image(sample.filename, to_jpeg(sample.image))
            photo.save()
            added.append(f"{sample.title} ({photo.original_width}x{photo.original_height})")
        if added:
            self.stdout.write(f"added {len(added)} photo(s): {', '.join(added)}")
        else:
            self.stdout.write("the sample photos are all there already")
