"""Runs every processor case of ``parity_cases`` through pilkit 3.0, in the upstream venv.

Reads ``{"outdir": path}`` as JSON on stdin; writes each output's raw pixels to
``<outdir>/<case id>.raw`` and answers JSON ``{case id: meta}`` on stdout, where meta is
``parity_cases.encode``'s, or ``{"error": "<exception>"}`` when pilkit raised.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pilkit.processors
from parity_cases import build, cases, encode, make_image


def main() -> None:
    request = json.load(sys.stdin)
    outdir = Path(request["outdir"])
    answers = {}
    for case_id, (spec, image_id) in cases().items():
        try:
            result = build(spec, lambda name: getattr(pilkit.processors, name))
            output = result.process(make_image(image_id))
            meta, raw = encode(output)
        except Exception as exc:  # each failure is an answer, not the end of the run
            answers[case_id] = {"error": f"{type(exc).__name__}: {exc}"}
            continue
        (outdir / f"{case_id}.raw").write_bytes(raw)
        answers[case_id] = meta
    json.dump(answers, sys.stdout)


if __name__ == "__main__":
    main()
