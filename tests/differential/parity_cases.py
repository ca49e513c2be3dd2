"""The inputs and processor specs of the processor differential test, shared by both sides.

Imported by ``test_processor_parity.py`` here and by ``upstream_processors.py`` in the upstream
venv, so it may use only Pillow and the standard library. The images are made from a fixed
seed (gradients, shapes and noise, so crops and entropy have something to choose between), in
every mode; the specs name a processor, its positional and keyword arguments. A case is one
spec on one image; its id is ``<spec id>-<image id>``.
"""

from __future__ import annotations

import io
import random
from collections.abc import Callable
from functools import cache
from typing import Any

from PIL import Image, ImageDraw

SEED = 20240917

# Modes shown at the detail size; RGB (and a few others) at every size.
MODES = ("RGB", "RGBA", "L", "LA", "P", "Ptrns", "CMYK", "I;16", "1", "I", "F")
DETAIL_SIZE = (64, 48)
SIZES = ((1, 1), (7, 5), (300, 200), (200, 300), (640, 480))
EXTRA_IMAGES = ("RGBA-300x200", "P-300x200", "Ptrns-200x300", "L-640x480")
BORDERED_IMAGES = ("RGB-bordered", "RGBA-bordered")
EXIF_IMAGES = tuple(f"exif{orientation}" for orientation in range(2, 9))
# A JPEG large enough that our pipeline decodes it at a reduced DCT scale (a draft), where
# pilkit decodes it in full: the speed trick must not show.
PHOTO = "JPEG-1600x1200"


def _rgb(size: tuple[int, int], seed: int) -> Image.Image:
    rng = random.Random(seed * 7919 + size[0] * 131 + size[1])
    width, height = size
    red = Image.linear_gradient("L").resize(size)
    green = Image.linear_gradient("L").rotate(90).resize(size)
    blue = Image.radial_gradient("L").resize(size)
    img = Image.merge("RGB", (red, green, blue))
    draw = ImageDraw.Draw(img)
    for _ in range(6):
        x0, y0 = rng.randrange(width), rng.randrange(height)
        x1 = x0 + rng.randrange(1, max(2, width // 2))
        y1 = y0 + rng.randrange(1, max(2, height // 2))
        fill = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        if rng.random() < 0.5:
            draw.ellipse((x0, y0, x1, y1), fill=fill)
        else:
            draw.rectangle((x0, y0, x1, y1), fill=fill)
    noise = Image.frombytes("RGB", size, rng.randbytes(width * height * 3))
    return Image.blend(img, noise, 0.15)


def _alpha(size: tuple[int, int], seed: int) -> Image.Image:
    rng = random.Random(seed)
    alpha = Image.linear_gradient("L").rotate(45).resize(size)
    draw = ImageDraw.Draw(alpha)
    width, height = size
    draw.rectangle((0, 0, width // 4, height), fill=0)  # fully transparent strip
    draw.ellipse((width // 2, height // 3, width - 1, height - 1), fill=255)
    for _ in range(3):
        x, y = rng.randrange(width), rng.randrange(height)
        draw.rectangle((x, y, x + width // 6, y + height // 6), fill=rng.randrange(256))
    return alpha


def _in_mode(rgb: Image.Image, mode: str, seed: int) -> Image.Image:
    gray = rgb.convert("L")
    if mode == "RGB":
        return rgb
    if mode in ("RGBA", "LA"):
        img = (rgb if mode == "RGBA" else gray).convert(mode)
        img.putalpha(_alpha(rgb.size, seed))
        return img
    if mode in ("P", "Ptrns"):
        img = rgb.quantize(colors=48, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
        if mode == "Ptrns":
            img.info["transparency"] = img.getpixel((0, 0))
        return img
    if mode == "I;16":
        return gray.convert("I").point(lambda value: value * 257).convert("I;16")
    if mode == "I":
        return gray.convert("I").point(lambda value: value * 257 - 1000)
    if mode == "F":
        return gray.convert("F")
    return (rgb if mode == "CMYK" else gray).convert(mode)


def _bordered(mode: str) -> Image.Image:
    inner = _rgb((40, 30), SEED + 5)
    if mode == "RGBA":
        inner = inner.convert("RGBA")
        inner.putalpha(_alpha(inner.size, SEED + 6).point(lambda a: max(a, 40)))
        canvas = Image.new("RGBA", (64, 48), (255, 255, 255, 0))
    else:
        canvas = Image.new("RGB", (64, 48), (255, 255, 255))
    canvas.paste(inner, (9, 11))
    return canvas


def _exif(orientation: int) -> Image.Image:
    exif = Image.Exif()
    exif[0x0112] = orientation
    data = io.BytesIO()
    _rgb(DETAIL_SIZE, SEED + orientation).save(data, "JPEG", quality=90, exif=exif.tobytes())
    data.seek(0)
    return Image.open(data)


@cache
def photo_bytes() -> bytes:
    """``PHOTO`` as the JPEG file both sides decode."""
    data = io.BytesIO()
    _rgb((1600, 1200), SEED + 9).save(data, "JPEG", quality=90)
    return data.getvalue()


def image_ids() -> list[str]:
    ids = [f"{mode}-{DETAIL_SIZE[0]}x{DETAIL_SIZE[1]}" for mode in MODES]
    ids += [f"RGB-{w}x{h}" for w, h in SIZES]
    return ids + list(EXTRA_IMAGES) + list(BORDERED_IMAGES)


@cache
def _image(image_id: str) -> Image.Image:
    if image_id.startswith("exif"):
        return _exif(int(image_id[4:]))
    mode, _, size = image_id.rpartition("-")
    if size == "bordered":
        return _bordered(mode)
    width, height = (int(n) for n in size.split("x"))
    return _in_mode(_rgb((width, height), SEED), mode, SEED + 1)


def make_image(image_id: str) -> Image.Image:
    """A fresh copy of the input ``image_id`` (processors may not change their input, but a
    copy keeps one case from seeing another's mistake)."""
    if image_id.startswith("exif"):
        return _exif(int(image_id[4:]))  # a copy would lose the EXIF reader
    if image_id == PHOTO:
        return Image.open(io.BytesIO(photo_bytes()))
    img = _image(image_id)
    copy = img.copy()
    copy.info = dict(img.info)
    return copy


# (spec id, processor name, args, kwargs). Names of Transpose methods are strings, looked up
# on each side's Transpose; nested specs make a ProcessorPipeline.
Spec = tuple[str, str, tuple[Any, ...], dict[str, Any]]

SPECS: list[Spec] = [
    ("Resize-100x100", "Resize", (100, 100), {}),
    ("Resize-33x77", "Resize", (33, 77), {}),
    ("Resize-7x5-noup", "Resize", (7, 5), {"upscale": False}),
    ("Resize-1000x20-noup", "Resize", (1000, 20), {"upscale": False}),
    ("Resize-300x150-noup", "Resize", (300, 150), {"upscale": False}),
    ("Resize-640x480", "Resize", (640, 480), {}),
    ("Cover-100x100", "ResizeToCover", (100, 100), {}),
    ("Cover-33x17", "ResizeToCover", (33, 17), {}),
    ("Cover-500x500-noup", "ResizeToCover", (500, 500), {"upscale": False}),
    ("Fill-100x100", "ResizeToFill", (100, 100), {}),
    ("Fill-28x28", "ResizeToFill", (28, 28), {}),
    ("Fill-64x30-tl", "ResizeToFill", (64, 30), {"anchor": "tl"}),
    ("Fill-50x50-br", "ResizeToFill", (50, 50), {"anchor": "br"}),
    ("Fill-40x60-tuple", "ResizeToFill", (40, 60), {"anchor": (0.29, 0.71)}),
    ("Fill-100x100-noup", "ResizeToFill", (100, 100), {"upscale": False}),
    ("Fill-500x500-noup", "ResizeToFill", (500, 500), {"upscale": False}),
    ("Fill-3x3", "ResizeToFill", (3, 3), {}),
    ("Fit-100x100", "ResizeToFit", (100, 100), {}),
    ("Fit-100xNone", "ResizeToFit", (100, None), {}),
    ("Fit-Nonex100", "ResizeToFit", (None, 100), {}),
    ("Fit-75xNone", "ResizeToFit", (75, None), {}),
    ("Fit-100x100-noup", "ResizeToFit", (100, 100), {"upscale": False}),
    ("Fit-1000x1000", "ResizeToFit", (1000, 1000), {}),
    ("Fit-100x100-mat-red", "ResizeToFit", (100, 100), {"mat_color": "#ff0000"}),
    ("Fit-120x90-mat-0", "ResizeToFit", (120, 90), {"mat_color": 0x000000}),
    ("Fit-90x90-mat-tl", "ResizeToFit", (90, 90), {"mat_color": (0, 128, 255), "anchor": "tl"}),
    ("Fit-90x90-mat-tuple", "ResizeToFit", (90, 90),
     {"mat_color": "blue", "anchor": (0.2, 0.8)}),
    ("Fit-80x80-mat-clear", "ResizeToFit", (80, 80), {"mat_color": (0, 0, 0, 0)}),
    ("Smart-100x100", "SmartResize", (100, 100), {}),
    ("Smart-40x60", "SmartResize", (40, 60), {}),
    ("Smart-17x23", "SmartResize", (17, 23), {}),
    ("Smart-500x500-noup", "SmartResize", (500, 500), {"upscale": False}),
    ("Canvas-100x100", "ResizeCanvas", (100, 100), {}),
    ("Canvas-50x30-red", "ResizeCanvas", (50, 30), {"color": "#f00"}),
    ("Canvas-80x80-tl", "ResizeCanvas", (80, 80), {"anchor": "tl"}),
    ("Canvas-80x80-tuple", "ResizeCanvas", (80, 80),
     {"anchor": (0.3, 0.9), "color": (0, 0, 255)}),
    ("Canvas-70x70-xy", "ResizeCanvas", (70, 70), {"x": 5, "y": -3}),
    ("Canvas-20x20-negxy", "ResizeCanvas", (20, 20), {"x": -10, "y": -10, "color": (1, 2, 3, 4)}),
    ("Canvas-640x480-br", "ResizeCanvas", (640, 480), {"anchor": "br"}),
    ("Border-5", "AddBorder", (5,), {}),
    ("Border-1234-green", "AddBorder", ((1, 2, 3, 4), "#00ff00"), {}),
    ("Border-0", "AddBorder", (0,), {}),
    ("Border-3-rgba", "AddBorder", (3,), {"color": (10, 20, 30, 40)}),
    ("Thumb-100x100", "Thumbnail", (100, 100), {}),
    ("Thumb-100x100-c", "Thumbnail", (100, 100), {"anchor": "c"}),
    ("Thumb-100x100-nocrop", "Thumbnail", (100, 100), {"crop": False}),
    ("Thumb-100xNone", "Thumbnail", (100, None), {}),
    ("Thumb-Nonex100", "Thumbnail", (None, 100), {}),
    ("Thumb-100x100-tl-up", "Thumbnail", (100, 100), {"anchor": "tl", "upscale": True}),
    ("Thumb-500x500-up", "Thumbnail", (500, 500), {"upscale": True}),
    ("Thumb-500x500", "Thumbnail", (500, 500), {}),
    ("Thumb-64x48-tuple", "Thumbnail", (64, 48), {"anchor": (0.25, 0.75)}),
    ("Crop-50x50", "Crop", (50, 50), {}),
    ("Crop-30x20-tl", "Crop", (30, 20), {"anchor": "tl"}),
    ("Crop-30x20-br", "Crop", (30, 20), {"anchor": "br"}),
    ("Crop-30x20-tuple", "Crop", (30, 20), {"anchor": (0.1, 0.9)}),
    ("Crop-1000x1000", "Crop", (1000, 1000), {}),
    ("Crop-40x30-xy", "Crop", (40, 30), {"x": 5, "y": 5}),
    ("Crop-40x30-negxy", "Crop", (40, 30), {"x": -5, "y": -7}),
    ("Crop-40x30-x", "Crop", (40, 30), {"x": 10}),
    ("SmartCrop-50x50", "SmartCrop", (50, 50), {}),
    ("SmartCrop-300x100", "SmartCrop", (300, 100), {}),
    ("SmartCrop-10x200", "SmartCrop", (10, 200), {}),
    ("SmartCrop-1000x1000", "SmartCrop", (1000, 1000), {}),
    ("Trim", "TrimBorderColor", (), {}),
    ("Trim-white", "TrimBorderColor", (), {"color": (255, 255, 255, 255)}),
    ("Trim-tol0", "TrimBorderColor", (), {"tolerance": 0}),
    ("Trim-tol1", "TrimBorderColor", (), {"tolerance": 1}),
    ("Trim-tl", "TrimBorderColor", (), {"tolerance": 0.5, "sides": ("t", "l")}),
    ("Adjust", "Adjust", (), {}),
    ("Adjust-color0", "Adjust", (), {"color": 0}),
    ("Adjust-bright", "Adjust", (), {"brightness": 1.5}),
    ("Adjust-contrast", "Adjust", (), {"contrast": 0.5}),
    ("Adjust-sharp", "Adjust", (), {"sharpness": 2}),
    ("Adjust-all", "Adjust", (), {"color": 0.3, "brightness": 0.8, "contrast": 1.2,
                                  "sharpness": 0.5}),
    ("Reflection", "Reflection", (), {}),
    ("Reflection-half", "Reflection", (), {"size": 0.5}),
    ("Reflection-black", "Reflection", (), {"size": 0.3, "opacity": 0.9,
                                            "background_color": "#000000"}),
    ("Reflection-full", "Reflection", (), {"size": 1.0, "opacity": 0}),
    ("Transpose", "Transpose", (), {}),
    ("Transpose-auto", "Transpose", ("AUTO",), {}),
    ("Transpose-fliph", "Transpose", ("FLIP_HORIZONTAL",), {}),
    ("Transpose-flipv", "Transpose", ("FLIP_VERTICAL",), {}),
    ("Transpose-90", "Transpose", ("ROTATE_90",), {}),
    ("Transpose-180", "Transpose", ("ROTATE_180",), {}),
    ("Transpose-270", "Transpose", ("ROTATE_270",), {}),
    ("Transpose-90-fliph", "Transpose", ("ROTATE_90", "FLIP_HORIZONTAL"), {}),
    ("Opaque", "MakeOpaque", (), {}),
    ("Opaque-black", "MakeOpaque", ((0, 0, 0),), {}),
    ("Opaque-magenta", "MakeOpaque", ("#ff00ff",), {}),
    ("Blur-2", "GaussianBlur", (2,), {}),
    ("Blur-0.5", "GaussianBlur", (0.5,), {}),
    ("Blur-7", "GaussianBlur", (7,), {}),
    *[(f"Convert-{mode}", "Convert", (mode,), {})
      for mode in ("L", "RGB", "RGBA", "P", "1", "CMYK", "LA", "I", "F")],
    ("Overlay-cc0000", "ColorOverlay", ("#cc0000",), {}),
    ("Overlay-green-quarter", "ColorOverlay", ((0, 255, 0), 0.25), {}),
    ("Overlay-blue-full", "ColorOverlay", ((0, 0, 255), 1.0), {}),
    ("Overlay-red-none", "ColorOverlay", ("red", 0), {}),
    ("Pipeline-fill-adjust", "ProcessorPipeline",
     (("ResizeToFill", (50, 50), {}), ("Adjust", (), {"contrast": 1.2})), {}),
    ("Pipeline-auto-thumb", "ProcessorPipeline",
     (("Transpose", (), {}), ("Thumbnail", (80, 80), {})), {}),
    ("Pipeline-mat-convert", "ProcessorPipeline",
     (("ResizeToFit", (60, 60), {"mat_color": "#000"}), ("Convert", ("RGB",), {})), {}),
    ("Pipeline-smart-border", "ProcessorPipeline",
     (("SmartCrop", (40, 40), {}), ("AddBorder", (2, "#fff"), {})), {}),
]

# Which images a spec runs on, beyond every image of ``image_ids()``.
_EXIF_SPECS = {"Transpose", "Transpose-auto", "Pipeline-auto-thumb"}
_BORDER_SPECS = {"Trim", "Trim-white", "Trim-tol0", "Trim-tol1", "Trim-tl"}
# Those run on ``PHOTO`` too: the rescaling processors, which our pipeline drafts for.
_PHOTO_SPECS = {
    "Resize-100x100", "Cover-100x100", "Fill-100x100", "Fill-28x28", "Fill-50x50-br",
    "Fill-40x60-tuple", "Fit-100x100", "Fit-75xNone", "Fit-90x90-mat-tl", "Smart-100x100",
    "Smart-40x60", "Thumb-100x100", "Thumb-100x100-c", "Thumb-Nonex100", "Pipeline-auto-thumb",
    "Pipeline-fill-adjust",
}


def cases() -> dict[str, tuple[Spec, str]]:
    """Every case, by id: its spec and its image id."""
    found: dict[str, tuple[Spec, str]] = {}
    for spec in SPECS:
        images = image_ids()
        if spec[0] in _EXIF_SPECS:
            images += list(EXIF_IMAGES)
        if spec[0] not in _BORDER_SPECS:
            images = [image for image in images if not image.endswith("bordered")]
        if spec[0] in _PHOTO_SPECS:
            images.append(PHOTO)
        for image in images:
            found[f"{spec[0]}-{image}"] = (spec, image)
    return found


def build(spec: Spec, namespace: Callable[[str], Any]) -> Any:
    """The processor ``spec`` describes, its classes looked up by ``namespace(name)``."""
    _, name, args, kwargs = spec
    cls = namespace(name)
    if name == "ProcessorPipeline":
        return cls(build(("", *inner), namespace) for inner in args)
    if name == "Transpose":
        args = tuple(getattr(cls, method) for method in args)
    return cls(*args, **kwargs)


def encode(img: Image.Image) -> tuple[dict[str, Any], bytes]:
    """``(meta, raw)`` of a processor's output: mode, size, palette, transparency, pixels."""
    meta: dict[str, Any] = {"mode": img.mode, "size": list(img.size)}
    if img.mode in ("P", "PA"):
        meta["palette_rgba"] = True
        raw = img.convert("RGBA").tobytes()
    else:
        raw = img.tobytes()
    transparency = img.info.get("transparency")
    if transparency is not None:
        meta["transparency"] = repr(transparency if img.mode != "P" else "index")
    return meta, raw


def decode(meta: dict[str, Any], raw: bytes) -> Image.Image:
    """The image ``encode`` described (palette images come back as their RGBA view)."""
    mode = "RGBA" if meta.get("palette_rgba") else meta["mode"]
    return Image.frombytes(mode, tuple(meta["size"]), raw)
