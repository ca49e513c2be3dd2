"""django-imagekit 2.x arguments, refused with what to write instead.

They fail loudly at field construction: silently ignoring ``image_field=`` or ``cache_to=``
would give a field that looks configured and is not.
"""

from __future__ import annotations

from typing import Any

RETIRED_ARGUMENTS = {
    "image_field": "name the source field with source= (e.g. source='avatar')",
    "image_cache_backend": (
        "use cachefile_backend= for how files are generated and cachefile_strategy= for when "
        "(IMAGEKIT_DEFAULT_CACHEFILE_BACKEND / IMAGEKIT_DEFAULT_CACHEFILE_STRATEGY for all specs)"
    ),
    "cache_to": (
        "override the spec's cachefile_name or set IMAGEKIT_SPEC_CACHEFILE_NAMER to a namer"
    ),
}


def reject_retired_arguments(owner: str, kwargs: dict[str, Any]) -> None:
    """A TypeError for the first 2.x argument in ``kwargs``, or for any other unknown one."""
    for name in kwargs:
        if name in RETIRED_ARGUMENTS:
            raise TypeError(
                f"{owner} no longer takes {name}= (django-imagekit 2.x); "
                f"{RETIRED_ARGUMENTS[name]}"
            )
    if kwargs:
        raise TypeError(f"{owner} got unexpected keyword arguments: {', '.join(sorted(kwargs))}")


def reject_callable_processors(owner: str, processors: Any) -> None:
    if callable(processors) and not isinstance(processors, (list, tuple)):
        raise TypeError(
            f"{owner} no longer takes a callable processors= (django-imagekit 2.x); to choose "
            "processors from the model, define a custom spec (see Specs That Change) whose "
            "processors property uses imagekit.utils.get_field_info(self.source), register it "
            "and pass its id="
        )
