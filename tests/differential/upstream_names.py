"""Names every case of ``name_cases`` with django-imagekit 6.1.1, in the upstream venv.

Reads ``{"cachefile_dir": ...}`` as JSON on stdin; answers JSON ``{case id: {"get_hash": ...,
"hash": ..., "source_name_as_path": ..., "source_name_dot_hash": ...}}`` on stdout, a failure
given as ``"error: <exception class>"``; for a ``{% thumbnail %}`` tag case, the name the
rendered tag gives.
"""

from __future__ import annotations

import json
import sys

import django
from django.conf import settings
from django.template import engines
from name_cases import (
    Source,
    cases,
    escaping_cases,
    names,
    spec_attributes,
    tag_cases,
    tag_template,
)


def _error(exc: Exception) -> str:
    return f"error: {type(exc).__name__}"


def main() -> None:
    request = json.load(sys.stdin)
    settings.configure(
        INSTALLED_APPS=["imagekit"],
        IMAGEKIT_CACHEFILE_DIR=request["cachefile_dir"],
        TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates"}],
        USE_TZ=True,
    )
    django.setup()

    # imagekit reads its settings when imported: only now can it be.
    import imagekit.processors  # noqa: PLC0415
    from imagekit.cachefiles import namers  # noqa: PLC0415
    from imagekit.registry import generator_registry  # noqa: PLC0415
    from imagekit.specs import ImageSpec, SpecHost  # noqa: PLC0415

    answers = {}
    for case in cases() + escaping_cases():
        source = Source(case["source"])
        if "generator" in case:
            generator = generator_registry.get(case["generator"], source=source, **case["kwargs"])
        elif "field" in case:
            attrs = spec_attributes(case, imagekit.processors)
            generator = SpecHost(**attrs)._original_spec(source)
        else:
            attrs = spec_attributes(case, imagekit.processors)
            generator = type("CaseSpec", (ImageSpec,), attrs)(source)
        answers[case["id"]] = names(generator, namers, _error)
    for case in tag_cases():
        template = engines["django"].from_string(tag_template(case["tag"]))
        answers[case["id"]] = template.render({"src": Source(case["source"])})
    json.dump(answers, sys.stdout)


if __name__ == "__main__":
    main()
