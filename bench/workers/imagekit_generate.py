"""Generation throughput and peak memory with django-imagekit 6.1.1 (pilkit on Pillow).

Runs in bench/.envs/imagekit, the comparison environment, through django-imagekit's
documented API: an ``ImageSpec`` subclass given a source file, ``generate()``.

    python imagekit_generate.py throughput WORKLOAD ROUNDS OUT IMAGE...
    python imagekit_generate.py rss WORKLOAD IMAGE SCRATCH
"""

from __future__ import annotations

import sys
from pathlib import Path

import django
from django.conf import settings

settings.configure(SECRET_KEY="bench", INSTALLED_APPS=["imagekit"], USE_TZ=True)
django.setup()

from _bench import FORMAT, WORKLOADS, answer, peak_rss, save_options, throughput  # noqa: E402

from imagekit import ImageSpec  # noqa: E402  (needs the settings above)
from imagekit import processors as ik_processors  # noqa: E402


def generator(workload: str, output_format: str = FORMAT):
    name, arguments = WORKLOADS[workload]

    class Spec(ImageSpec):
        processors = [getattr(ik_processors, name)(*arguments)]
        format = output_format
        options = save_options(output_format)

    def generate(path: str) -> bytes:
        with open(path, "rb") as source:
            return Spec(source=source).generate().read()

    return generate


def main(argv: list[str]) -> None:
    command, workload = argv[0], argv[1]
    generate = generator(workload)
    if command == "throughput":
        rounds, out, images = int(argv[2]), argv[3], argv[4:]
        answer(throughput(generate, images, rounds, out, generator(workload, "PNG")))
    elif command == "rss":
        answer(peak_rss(generate, argv[2], Path(argv[3])))
    else:
        raise SystemExit(f"unknown command {command!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
