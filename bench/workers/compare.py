"""Mean absolute difference between two directories of generated images, file by file.

    python compare.py REFERENCE_DIR OTHER_DIR

Both directories hold one output per source, same file names. Sizes must be equal; the MAD is
averaged over every pixel and band, in grey levels (0..255), of the images as seen: RGB, an
image with alpha first composited onto white (so colours under fully transparent pixels, which
resamplers leave as they please, do not count; partial transparency does).
"""

from __future__ import annotations

import sys
from pathlib import Path

from _bench import answer
from PIL import Image, ImageChops, ImageStat


def as_seen(img: Image.Image) -> Image.Image:
    if "A" not in img.getbands() and "transparency" not in img.info:
        return img.convert("RGB")
    rgba = img.convert("RGBA")
    return Image.alpha_composite(Image.new("RGBA", rgba.size, "white"), rgba).convert("RGB")


def mad(first: Image.Image, second: Image.Image) -> float:
    stat = ImageStat.Stat(ImageChops.difference(as_seen(first), as_seen(second)))
    return sum(stat.mean) / len(stat.mean)


def main(reference: Path, other: Path) -> None:
    images = {}
    for path in sorted(reference.iterdir()):
        with Image.open(path) as theirs, Image.open(other / path.name) as ours:
            entry = {"reference_size": theirs.size, "size": ours.size}
            entry["same_size"] = theirs.size == ours.size
            if entry["same_size"]:
                entry["mad"] = mad(theirs, ours)
            images[path.name] = entry
    mads = [entry["mad"] for entry in images.values() if "mad" in entry]
    answer(
        {
            "images": images,
            "size_mismatches": sum(not entry["same_size"] for entry in images.values()),
            "max_mad": max(mads, default=None),
            "mean_mad": sum(mads) / len(mads) if mads else None,
        }
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
