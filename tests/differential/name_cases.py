"""The cache-file name cases, shared by ``test_cachefile_names`` and ``upstream_names``.

Standard library only: the upstream venv imports this module too. A case is JSON: a spec
(``source``, ``processors``, ``format``, ``options``, ``autoconvert``; a key left out is left
at the class default) or a registered generator with its keyword arguments. In processor
arguments ``{"tuple": [...]}`` is a tuple, ``{"attr": "Transpose.ROTATE_90"}`` an attribute of
the processors module, ``{"p": name, "args": [...], "kwargs": {...}}`` a processor and
``{"again": i}`` the i-th processor built before in the same case (the same object again).

Both sides build from the same JSON text, so strings and tuples are new objects in the same
places on both: the hash writes an object met twice as a reference, so that matters.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

CACHE_DIR = "CACHE/images"
NAMERS = ("hash", "source_name_as_path", "source_name_dot_hash")


def T(*items: Any) -> dict[str, Any]:
    return {"tuple": list(items)}


def P(name: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    return {"p": name, "args": list(args), "kwargs": kwargs}


def A(path: str) -> dict[str, Any]:
    return {"attr": path}


PROCESSORS: dict[str, list[Any]] = {
    "ResizeToFill": [
        P("ResizeToFill", 100, 100), P("ResizeToFill", 100, 50, "tl"),
        P("ResizeToFill", width=10, height=20, anchor=T(0, 1)),
        P("ResizeToFill", 30, 40, anchor=[0.25, 0.75]), P("ResizeToFill", 8, 8, upscale=False),
        P("ResizeToFill", 10, 10, "c", False), P("ResizeToFill", 64, 48, anchor=A("Anchor.BOTTOM")),
    ],
    "ResizeToFit": [
        P("ResizeToFit", 100, 100), P("ResizeToFit", 100), P("ResizeToFit", height=80),
        P("ResizeToFit", 50, 50, False), P("ResizeToFit", 60, 40, mat_color=T(255, 0, 0)),
        P("ResizeToFit", 60, 40, True, "#fff", "tl"),
        P("ResizeToFit", width=60, height=40, mat_color=[0, 0, 0, 0], anchor=T(0.2, 0.8)),
    ],
    "ResizeToCover": [
        P("ResizeToCover", 40, 30), P("ResizeToCover", 40, 30, False),
        P("ResizeToCover", width=7, height=9, upscale=True),
    ],
    "Resize": [P("Resize", 10, 20), P("Resize", 10, 20, False), P("Resize", width=3, height=4)],
    "ResizeCanvas": [
        P("ResizeCanvas", 100, 100), P("ResizeCanvas", 100, 100, T(0, 0, 0, 255)),
        P("ResizeCanvas", 90, 80, color="red", anchor="br"), P("ResizeCanvas", 50, 50, x=5, y=10),
        P("ResizeCanvas", 50, 50, x=0), P("ResizeCanvas", 50, 50, y=3),
        P("ResizeCanvas", 70, 70, None, T(0.3, 0.6)), P("ResizeCanvas", 20, 10, [1, 2, 3]),
    ],
    "AddBorder": [
        P("AddBorder", 5), P("AddBorder", T(1, 2, 3, 4)), P("AddBorder", [1, 2, 3, 4]),
        P("AddBorder", 3, "#000"), P("AddBorder", thickness=2, color=T(255, 0, 0)),
    ],
    "SmartResize": [
        P("SmartResize", 10, 10), P("SmartResize", 10, 10, False),
        P("SmartResize", width=12, height=5),
    ],
    "Thumbnail": [
        P("Thumbnail", 100, 100), P("Thumbnail", 100), P("Thumbnail", height=100),
        P("Thumbnail", 100, 100, anchor="tl"), P("Thumbnail", 100, 100, crop=False),
        P("Thumbnail", 100, 100, crop=0), P("Thumbnail", 100, 90, crop=1),
        P("Thumbnail", 100, 100, upscale=True), P("Thumbnail", 100, 100, T(0, 0)),
        P("Thumbnail", 100, 100, "r", True, False),
    ],
    "Crop": [
        P("Crop", 10, 10), P("Crop", 10, 10, "tl"), P("Crop", 10, 10, x=3, y=4),
        P("Crop", width=5, height=6), P("Crop", 10, 10, anchor=T(1, 0.5)),
    ],
    "SmartCrop": [P("SmartCrop", 10, 10), P("SmartCrop", width=5, height=6)],
    "TrimBorderColor": [
        P("TrimBorderColor"), P("TrimBorderColor", color=T(255, 255, 255, 255)),
        P("TrimBorderColor", tolerance=0.1), P("TrimBorderColor", sides=T("t", "b")),
        P("TrimBorderColor", sides=["l"]), P("TrimBorderColor", T(0, 0, 0, 255), 0.5, T("r",)),
        P("TrimBorderColor", sides=A("Side.ALL")),
    ],
    "Adjust": [
        P("Adjust"), P("Adjust", color=0.5), P("Adjust", 1.2, 0.9, 1.1, 2.0),
        P("Adjust", brightness=1), P("Adjust", contrast=1.5, sharpness=0),
    ],
    "Reflection": [
        P("Reflection"), P("Reflection", background_color="#000000"),
        P("Reflection", size=0.5, opacity=0.3), P("Reflection", "#FFF", 0.25, 0.9),
    ],
    "Transpose": [
        P("Transpose"), P("Transpose", A("Transpose.AUTO")),
        P("Transpose", A("Transpose.ROTATE_90")),
        P("Transpose", A("Transpose.FLIP_HORIZONTAL"), A("Transpose.ROTATE_180")),
        P("Transpose", A("Transpose.FLIP_VERTICAL")), P("Transpose", 2),
    ],
    "MakeOpaque": [
        P("MakeOpaque"), P("MakeOpaque", background_color=T(0, 0, 0)), P("MakeOpaque", "#808080"),
    ],
    "GaussianBlur": [P("GaussianBlur", 2), P("GaussianBlur", radius=0.5)],
    "Convert": [P("Convert", "L"), P("Convert", mode="RGBA")],
    "ColorOverlay": [
        P("ColorOverlay", "red"), P("ColorOverlay", T(255, 0, 0), 0.3),
        P("ColorOverlay", color="#00ff00", overlay_opacity=1),
    ],
}

# Lists of processors, where the references between objects matter.
LISTS: dict[str, list[Any]] = {
    "pipeline": [{"pipeline": [P("ResizeToFill", 10, 10), P("Adjust", color=0)]}],
    "pipeline-nested": [
        {"pipeline": [{"pipeline": [P("Crop", 5, 5)]}, P("Convert", "L")]}, P("Resize", 4, 4),
    ],
    "pipeline-empty": [{"pipeline": []}],
    "same-class-twice": [P("ResizeToFill", 10, 10), P("ResizeToFill", 20, 20)],
    "same-object-twice": [P("ResizeToFit", 10, 10), P("Adjust"), {"again": 0}],
    "default-colours-shared": [P("ResizeCanvas", 5, 5), P("ResizeCanvas", 6, 6)],
    "default-sides-shared": [P("TrimBorderColor"), P("TrimBorderColor", tolerance=0.2)],
    "default-background-shared": [P("Reflection"), P("Reflection", size=0.1)],
    "auto-anchor-shared": [P("Thumbnail", 5, 5), P("Thumbnail", 6, 6)],
    "mixed": [
        P("Transpose"), P("ResizeToFill", 300, 200, "t"), P("Adjust", contrast=1.2),
        P("AddBorder", 2, "#ccc"), P("ResizeCanvas", 310, 210),
    ],
    "empty-list": [],
}

# The processors= of an ImageSpecField: the spec class is built from them.
FIELDS: dict[str, Any] = {
    "list": [P("ResizeToFill", 50, 50)],
    "tuple": T(P("ResizeToFill", 50, 50), P("Adjust", sharpness=1.5)),
    "pipeline": {"pipeline": [P("SmartResize", 20, 20)]},
}

FORMATS = [None, "JPEG", "PNG", "WEBP", "GIF", "jpeg"]
OPTIONS: dict[str, Any] = {
    "none": None,
    "empty": {},
    "quality": {"quality": 60},
    "nested": {"quality": 80, "progressive": True, "extra": {"b": [1, 2], "a": None}},
}
SOURCES = [
    "a.jpg", "photos/2024/b.png", "/abs/path/c.jpg", "dir.with.dots/file.name.JPG", "noext",
    "x.jpeg", "notes.txt", "photos/a.tar.gz", "ünï/фото.jpg", "a/../b.jpg", "./a.jpg",
    "photos/.hidden.jpg", "", "deep/er/and/deeper/still/img.webp", "space name/x y.PNG",
]
ESCAPING_SOURCES = ["../x.jpg", "../../etc/passwd", "a/../../b.png"]

# The {% thumbnail %} tag's keyword arguments: the size parsed to ints (or None), the anchor and
# format as plain strings, crop and upscale as the template wrote them.
THUMBNAILS: list[dict[str, Any]] = [
    {"width": 100, "height": 100}, {"width": 100, "height": None},
    {"width": None, "height": 50}, {"width": 300, "height": 200, "anchor": "tl"},
    {"width": 100, "height": 100, "anchor": "c"}, {"width": 100, "height": 100, "crop": 0},
    {"width": 100, "height": 100, "crop": False}, {"width": 100, "height": 90, "crop": 1},
    {"width": 100, "height": 100, "upscale": True}, {"width": 100, "height": 100, "upscale": 1},
    {"width": 80, "height": 60, "format": "WEBP"}, {"width": 80, "height": 60, "format": "png"},
    {"width": 640, "height": 480, "anchor": "br", "upscale": False},
    {"width": 50, "height": 50, "anchor": "t", "crop": True, "format": "JPEG"},
]


# The tag itself, rendered: template string literals are SafeStrings there.
TAGS: list[str] = [
    "'100x100' src", "'100x100' src anchor='tl'", "'100x' src", "'x50' src crop=0",
    "'100x100' src crop=False", "'80x60' src format='WEBP'",
    "'100x100' src anchor='c' upscale=True", "'300x200' src anchor='br' crop=1",
    "'64x64' src format='png' anchor='t'",
    # Equal as dict keys, pickled apart: a memo keyed on them must keep them apart.
    "'90x90' src crop=0", "'90x90' src crop=False", "'90x90' src upscale=1",
    "'90x90' src upscale=True",
]


def tag_template(arguments: str) -> str:
    """A template naming the cache file of ``{% thumbnail <arguments> %}``."""
    return "{% load imagekit %}{% thumbnail " + arguments + " as th %}{{ th.name }}"


def tag_cases() -> list[dict[str, Any]]:
    return [
        {"id": f"tag-{index}-{'abs' if source[0] == '/' else 'rel'}", "tag": arguments,
         "source": source}
        for index, arguments in enumerate(TAGS)
        for source in ("photos/dog.jpg", "/srv/media/cat.PNG")
    ]


def _spec_cases() -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = []
    for name, processors in PROCESSORS.items():
        for index, processor in enumerate(processors):
            cases.append({"id": f"{name}-{index}", "source": "photos/dog.jpg",
                          "processors": [processor]})
    for name, processors in LISTS.items():
        cases.append({"id": f"list-{name}", "source": "photos/dog.jpg", "processors": processors})
    cases.append({"id": "class-defaults", "source": "photos/dog.jpg"})
    for name, processors in FIELDS.items():
        cases.append({"id": f"field-{name}", "field": True, "source": "photos/dog.jpg",
                      "processors": processors, "format": "JPEG", "options": {"quality": 90}})
    one = [P("ResizeToFill", 100, 100)]
    for fmt in FORMATS:
        for options_name, options in OPTIONS.items():
            for autoconvert in (True, False):
                cases.append({
                    "id": f"format-{fmt}-options-{options_name}-autoconvert-{autoconvert}",
                    "source": "photos/dog.jpg", "processors": one, "format": fmt,
                    "options": options, "autoconvert": autoconvert,
                })
    for index, source in enumerate(SOURCES):
        for fmt in (None, "JPEG", "PNG", "WEBP"):
            cases.append({"id": f"source-{index}-{fmt}", "source": source, "processors": one,
                          "format": fmt})
    return cases


def _generator_cases() -> list[dict[str, Any]]:
    cases = []
    for index, kwargs in enumerate(THUMBNAILS):
        for source in ("photos/dog.jpg", "/srv/media/cat.PNG"):
            cases.append({"id": f"thumbnail-{index}-{'abs' if source[0] == '/' else 'rel'}",
                          "generator": "imagekit:thumbnail", "kwargs": kwargs, "source": source})
    return cases


def cases() -> list[dict[str, Any]]:
    """Every case, as decoded from JSON text (as both sides decode it)."""
    return json.loads(json.dumps(_spec_cases() + _generator_cases()))


def escaping_cases() -> list[dict[str, Any]]:
    """Sources whose names would put a cache file outside the cache directory."""
    return json.loads(json.dumps([
        {"id": f"escaping-{index}", "source": source, "processors": [P("Resize", 5, 5)]}
        for index, source in enumerate(ESCAPING_SOURCES)
    ]))


def decode(value: Any, processors: Any, built: list[Any]) -> Any:
    """A case's JSON value as objects, processors from the module ``processors``."""
    if isinstance(value, list):
        return [decode(item, processors, built) for item in value]
    if not isinstance(value, dict):
        return value
    if "tuple" in value:
        return tuple(decode(item, processors, built) for item in value["tuple"])
    if "attr" in value:
        obj = processors
        for part in value["attr"].split("."):
            obj = getattr(obj, part)
        return obj
    if "again" in value:
        return built[value["again"]]
    if "pipeline" in value:
        return processors.ProcessorPipeline(decode(value["pipeline"], processors, built))
    if "p" in value:
        cls = getattr(processors, value["p"])
        args = decode(value["args"], processors, built)
        kwargs = {key: decode(item, processors, built) for key, item in value["kwargs"].items()}
        built.append(cls(*args, **kwargs))
        return built[-1]
    return {key: decode(item, processors, built) for key, item in value.items()}


def spec_attributes(case: dict[str, Any], processors: Any) -> dict[str, Any]:
    """The class attributes of a spec case (for a field case, the field's spec arguments)."""
    attrs: dict[str, Any] = {}
    if "processors" in case:
        attrs["processors"] = decode(case["processors"], processors, [])
    for name in ("format", "options", "autoconvert"):
        if name in case:
            attrs[name] = case[name]
    return attrs


def names(generator: Any, namers: Any, on_error: Callable[[Exception], str]) -> dict[str, str]:
    """The generator's hash and its name by each namer (or ``on_error``'s word for a failure)."""
    answers = {}
    for name in ("get_hash", *NAMERS):
        try:
            answers[name] = generator.get_hash() if name == "get_hash" else getattr(
                namers, name)(generator)
        except Exception as exc:  # each failure is an answer, compared like a name
            answers[name] = on_error(exc)
    return answers


class Source:
    """A source file as the namers see it: only its name."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __bool__(self) -> bool:
        return True
