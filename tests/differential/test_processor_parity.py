"""Every processor pilkit 3.0 has, on the same inputs here and in pilkit: the outputs must agree.

``parity_cases`` makes the inputs (every mode, sizes from 1x1 to 640x480) and the specs; the
upstream venv runs them all once per session (``upstream_processors.py``) and hands back each
output's pixels in a temporary directory. A case matches when mode, size and any colour key are
equal and the pixels differ by at most ``TOLERANCE`` grey levels on average (alpha images
premultiplied, so colours nobody can see do not count; palette images as RGBA). Where pilkit
itself raises, ours must still give an image. On the large JPEG (``parity_cases.PHOTO``) ours
runs through the host's pipeline, which decodes it at a reduced scale where that keeps the
output, so its speed tricks are held to pilkit's full decode too. ``ImageOverlay`` and
``SetOpacity`` are ours alone and have no counterpart to compare with.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageChops, ImageMath, ImageStat

import imagekit.processors
from ik_processors_pilkit.pillow_engine import process
from tests.differential import parity_cases
from tests.differential.conftest import run_upstream

HERE = Path(__file__).resolve().parent
CASES = parity_cases.cases()
TOLERANCE = 2.0  # mean absolute difference, in 8-bit grey levels
_PREMULTIPLIED = {"RGBA": "RGBa", "LA": "La"}
_WIDE_GRAY = {"I;16": 257.0, "I": 257.0, "F": 1.0}  # units per 8-bit grey level


class Tally:
    """Counts the outcomes and says them in pytest's terminal summary."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.matched = 0
        self.pilkit_raised = 0

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        compared = self.total - self.pilkit_raised
        terminalreporter.write_line(
            f"processor differential: {self.matched} of {compared} cases matched pilkit 3.0"
            f" ({self.pilkit_raised} more where pilkit raises and we give an image)"
        )


@pytest.fixture(scope="session")
def pilkit_outputs(
    upstream_python: Path, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> tuple[Path, dict[str, Any], Tally]:
    outdir = tmp_path_factory.mktemp("pilkit-outputs")
    answers = run_upstream(
        upstream_python, HERE / "upstream_processors.py", {"outdir": str(outdir)}
    )
    tally = Tally(len(CASES))
    request.config.pluginmanager.register(tally, "processor-parity-tally")
    return outdir, answers, tally


def mean_difference(ours: Image.Image, theirs: Image.Image, mode: str) -> float:
    """Mean absolute difference of two same-mode, same-size images, in 8-bit grey levels."""
    if ours.width * ours.height == 0:
        return 0.0
    if mode in _WIDE_GRAY:
        difference = ImageMath.lambda_eval(
            lambda args: abs(args["a"] - args["b"]), a=ours.convert("F"), b=theirs.convert("F")
        )
        return ImageStat.Stat(difference).mean[0] / _WIDE_GRAY[mode]
    if mode == "1":
        ours, theirs = ours.convert("L"), theirs.convert("L")
    elif ours.mode in _PREMULTIPLIED:
        premultiplied = _PREMULTIPLIED[ours.mode]
        ours, theirs = ours.convert(premultiplied), theirs.convert(premultiplied)
    means = ImageStat.Stat(ImageChops.difference(ours, theirs)).mean
    return sum(means) / len(means)


def ours(case_id: str) -> Image.Image:
    spec, image_id = CASES[case_id]
    processor = parity_cases.build(spec, lambda name: getattr(imagekit.processors, name))
    if image_id == parity_cases.PHOTO:
        generated = process(parity_cases.photo_bytes(), [processor], "PNG")
        with Image.open(io.BytesIO(generated.getvalue())) as img:
            img.load()
            return img
    return processor.process(parity_cases.make_image(image_id))


@pytest.mark.parametrize("case_id", list(CASES))
def test_matches_pilkit(case_id: str, pilkit_outputs: tuple[Path, dict[str, Any], Tally]) -> None:
    outdir, answers, tally = pilkit_outputs
    expected = answers[case_id]
    result = ours(case_id)
    assert isinstance(result, Image.Image)
    if "error" in expected:
        tally.pilkit_raised += 1
        return
    meta, raw = parity_cases.encode(result)
    assert (meta["mode"], meta["size"]) == (expected["mode"], expected["size"])
    assert meta.get("transparency") == expected.get("transparency")
    theirs = parity_cases.decode(expected, (outdir / f"{case_id}.raw").read_bytes())
    difference = mean_difference(parity_cases.decode(meta, raw), theirs, meta["mode"])
    assert difference <= TOLERANCE, f"{difference:.2f} grey levels apart"
    tally.matched += 1
