"""Generation throughput and peak memory with this project (ik_host and its plugins).

Runs in bench/.envs/ik, where the project is installed from the checkout: an
``ik_host.specs.ImageSpec`` subclass (with ``ik_processors_pilkit``'s processors, the
README's public API) naming its engine (``pillow`` or ``vips``), given a
source file, ``generate()``. The same workloads as imagekit_generate.py.

    python ik_generate.py throughput ENGINE WORKLOAD ROUNDS OUT IMAGE...
    python ik_generate.py rss ENGINE WORKLOAD IMAGE SCRATCH
"""

from __future__ import annotations

import sys
from pathlib import Path

from _bench import FORMAT, WORKLOADS, answer, peak_rss, save_options, throughput

import ik_processors_pilkit
from ik_host.specs import ImageSpec


def generator(engine: str, workload: str, output_format: str = FORMAT):
    name, arguments = WORKLOADS[workload]
    # The README's public names, which every revision has (bench --before runs old ones too).
    processor = getattr(ik_processors_pilkit, name)

    class Spec(ImageSpec):
        processors = [processor(*arguments)]
        format = output_format
        options = save_options(output_format)

    Spec.engine = engine

    def generate(path: str) -> bytes:
        with open(path, "rb") as source:
            return Spec(source=source).generate().getvalue()

    return generate


def main(argv: list[str]) -> None:
    command, engine, workload = argv[0], argv[1], argv[2]
    generate = generator(engine, workload)
    if command == "throughput":
        rounds, out, images = int(argv[3]), argv[4], argv[5:]
        answer(throughput(generate, images, rounds, out, generator(engine, workload, "PNG")))
    elif command == "rss":
        answer(peak_rss(generate, argv[3], Path(argv[4])))
    else:
        raise SystemExit(f"unknown command {command!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
