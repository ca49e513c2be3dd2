"""Each processor hashes as the pilkit 3.0 processor of the same name and arguments.

django-imagekit names cache files after a pickle of the spec's processors, pilkit objects: a
global reference to the class (``pilkit.processors.resize.ResizeToFill``) and the ``__dict__``
pilkit's ``__init__`` leaves, raw arguments and all (an anchor list stays a list, a default
colour is pilkit's own tuple). Our classes validate and normalise their arguments, so they
cannot simply be pickled. Instead their constructors remember the arguments they were given,
and ``__ik_hash_state__`` (docs/hooks.md) rebuilds pilkit's ``__dict__`` from them.

A processor whose attributes were changed after construction no longer matches what its
arguments make; it then hashes with its attributes as they are, so its hash still changes with
what it does. A subclass hashes as itself (its own class name), with pilkit's state plus the
attributes it adds, as a subclass of pilkit's class would.
"""

from __future__ import annotations

import functools
import inspect
import sys
from collections.abc import Callable
from typing import Any

from ik_processors_pilkit import pilkit_base, pilkit_crop, pilkit_overlay, pilkit_resize

ARGUMENTS = "_ik_arguments"
_EMPTY = inspect.Parameter.empty

# pilkit's own default values, one object each, as in pilkit: a hash writes an object met a
# second time as a reference to the first, so which defaults are the same object matters.
_TRANSPARENT_WHITE = (255, 255, 255, 0)
_WHITE = (255, 255, 255)
_REFLECTION_BACKGROUND = "#FFFFFF"
_AUTO = "auto"


def _signature(*names: str, **defaults: Any) -> inspect.Signature:
    """pilkit's ``__init__`` signature: ``names`` positional-or-keyword, ``*name`` varargs."""
    parameters = []
    for name in names:
        if name.startswith("*"):
            kind, name = inspect.Parameter.VAR_POSITIONAL, name[1:]
        else:
            kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
        parameters.append(inspect.Parameter(name, kind, default=defaults.get(name, _EMPTY)))
    return inspect.Signature(parameters)


def _as_given(arguments: dict[str, Any]) -> dict[str, Any]:
    return dict(arguments)


def _resize_canvas(a: dict[str, Any]) -> dict[str, Any]:
    state = {"width": a["width"], "height": a["height"], "color": a["color"] or _TRANSPARENT_WHITE}
    if a["x"] is not None or a["y"] is not None:
        return {**state, "x": a["x"] or 0, "y": a["y"] or 0, "anchor": None}
    return {**state, "anchor": a["anchor"] or pilkit_base.Anchor.CENTER, "x": None, "y": None}


def _add_border(a: dict[str, Any]) -> dict[str, Any]:
    thickness = a["thickness"]
    sides = (thickness,) * 4 if isinstance(thickness, int) else thickness
    top, right, bottom, left = sides
    return {"color": a["color"], "top": top, "right": right, "bottom": bottom, "left": left}


def _thumbnail(a: dict[str, Any]) -> dict[str, Any]:
    anchor, crop_ = a["anchor"], a["crop"]
    if anchor:
        crop_ = True
    elif crop_ is None:
        crop_ = a["width"] is not None and a["height"] is not None
        if crop_ and anchor is None:
            anchor = _AUTO
    return {
        "width": a["width"],
        "height": a["height"],
        "upscale": a["upscale"],
        "crop": crop_,
        "anchor": anchor,
    }


def _transpose(a: dict[str, Any]) -> dict[str, Any]:
    # With no arguments pilkit keeps its class-level default: nothing in __dict__.
    return {"methods": a["args"]} if a["args"] else {}


_Identity = tuple[str, inspect.Signature, Callable[[dict[str, Any]], dict[str, Any]]]

# Our class -> (pilkit's dotted class name, pilkit's __init__ signature, its __dict__ from that).
PILKIT: dict[type, _Identity] = {
    pilkit_base.Adjust: (
        "pilkit.processors.base.Adjust",
        _signature(
            "color",
            "brightness",
            "contrast",
            "sharpness",
            color=1.0,
            brightness=1.0,
            contrast=1.0,
            sharpness=1.0,
        ),
        _as_given,
    ),
    pilkit_base.Reflection: (
        "pilkit.processors.base.Reflection",
        _signature(
            "background_color",
            "size",
            "opacity",
            background_color=_REFLECTION_BACKGROUND,
            size=0.0,
            opacity=0.6,
        ),
        _as_given,
    ),
    pilkit_base.Transpose: ("pilkit.processors.base.Transpose", _signature("*args"), _transpose),
    pilkit_base.MakeOpaque: (
        "pilkit.processors.base.MakeOpaque",
        _signature("background_color", background_color=_WHITE),
        _as_given,
    ),
    pilkit_base.Convert: ("pilkit.processors.convert.Convert", _signature("mode"), _as_given),
    pilkit_base.GaussianBlur: (
        "pilkit.processors.filter.GaussianBlur",
        _signature("radius"),
        _as_given,
    ),
    pilkit_crop.TrimBorderColor: (
        "pilkit.processors.crop.TrimBorderColor",
        _signature(
            "color", "tolerance", "sides", color=None, tolerance=0.3, sides=pilkit_crop.Side.ALL
        ),
        _as_given,
    ),
    pilkit_crop.Crop: (
        "pilkit.processors.crop.Crop",
        _signature(
            "width",
            "height",
            "anchor",
            "x",
            "y",
            width=None,
            height=None,
            anchor=None,
            x=None,
            y=None,
        ),
        _as_given,
    ),
    pilkit_crop.SmartCrop: (
        "pilkit.processors.crop.SmartCrop",
        _signature("width", "height", width=None, height=None),
        _as_given,
    ),
    pilkit_overlay.ColorOverlay: (
        "pilkit.processors.overlay.ColorOverlay",
        _signature("color", "overlay_opacity", overlay_opacity=0.5),
        _as_given,
    ),
    pilkit_resize.Resize: (
        "pilkit.processors.resize.Resize",
        _signature("width", "height", "upscale", upscale=True),
        _as_given,
    ),
    pilkit_resize.ResizeToCover: (
        "pilkit.processors.resize.ResizeToCover",
        _signature("width", "height", "upscale", upscale=True),
        _as_given,
    ),
    pilkit_resize.ResizeToFill: (
        "pilkit.processors.resize.ResizeToFill",
        _signature(
            "width",
            "height",
            "anchor",
            "upscale",
            width=None,
            height=None,
            anchor=None,
            upscale=True,
        ),
        _as_given,
    ),
    pilkit_resize.SmartResize: (
        "pilkit.processors.resize.SmartResize",
        _signature("width", "height", "upscale", upscale=True),
        _as_given,
    ),
    pilkit_resize.ResizeCanvas: (
        "pilkit.processors.resize.ResizeCanvas",
        _signature(
            "width", "height", "color", "anchor", "x", "y", color=None, anchor=None, x=None, y=None
        ),
        _resize_canvas,
    ),
    pilkit_resize.AddBorder: (
        "pilkit.processors.resize.AddBorder",
        _signature("thickness", "color", color=None),
        _add_border,
    ),
    pilkit_resize.ResizeToFit: (
        "pilkit.processors.resize.ResizeToFit",
        _signature(
            "width",
            "height",
            "upscale",
            "mat_color",
            "anchor",
            width=None,
            height=None,
            upscale=True,
            mat_color=None,
            anchor=pilkit_base.Anchor.CENTER,
        ),
        _as_given,
    ),
    pilkit_resize.Thumbnail: (
        "pilkit.processors.resize.Thumbnail",
        _signature(
            "width",
            "height",
            "anchor",
            "crop",
            "upscale",
            width=None,
            height=None,
            anchor=None,
            crop=None,
            upscale=None,
        ),
        _thumbnail,
    ),
}

PIPELINE_NAME = "pilkit.processors.base.ProcessorPipeline"


def _same(a: Any, b: Any) -> bool:
    try:
        return a is b or (type(a) is type(b) and bool(a == b))
    except Exception:  # an == that refuses to give a truth value
        return False


def _builtin(cls: type) -> type:
    return next(klass for klass in cls.__mro__ if klass in PILKIT)


def _pilkit_state(obj: Any, cls: type, own: dict[str, Any]) -> dict[str, Any] | None:
    """pilkit's ``__dict__`` for ``obj`` from its remembered arguments, or None when its
    attributes are no longer what those arguments make."""
    remembered = vars(obj).get(ARGUMENTS)
    if remembered is None:
        return None
    args, kwargs = remembered
    try:
        fresh = {k: v for k, v in vars(cls(*args, **kwargs)).items() if k != ARGUMENTS}
        bound = PILKIT[cls][1].bind(*args, **kwargs)
    except (TypeError, ValueError):
        return None
    if not all(name in own and _same(own[name], value) for name, value in fresh.items()):
        return None
    bound.apply_defaults()
    state = PILKIT[cls][2](bound.arguments)
    state.update((name, value) for name, value in own.items() if name not in fresh)
    return {sys.intern(name): value for name, value in state.items()}


def hash_state(obj: Any) -> tuple[str | type, dict[str, Any]]:
    """``obj`` as django-imagekit pickles the pilkit processor of the same arguments."""
    cls = _builtin(type(obj))
    own = {name: value for name, value in vars(obj).items() if name != ARGUMENTS}
    state = _pilkit_state(obj, cls, own)
    name = PILKIT[cls][0] if type(obj) is cls else type(obj)
    return name, own if state is None else state


def pipeline_hash_state(obj: list[Any]) -> tuple[str | type, dict[str, Any], list[Any]]:
    """A ``ProcessorPipeline`` as pickle writes pilkit's: a list subclass holding its items."""
    cls = type(obj)
    return (
        (PIPELINE_NAME if cls is pilkit_base.ProcessorPipeline else cls),
        dict(vars(obj)),
        list(obj),
    )


def _remembering(init: Callable[..., None]) -> Callable[..., None]:
    @functools.wraps(init)
    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        init(self, *args, **kwargs)
        # Set after the constructor runs, so when one built-in constructor calls another the
        # outermost call's arguments are the ones kept.
        setattr(self, ARGUMENTS, (args, kwargs))

    return __init__


def install() -> None:
    """Give every built-in processor its pilkit hash identity (once; idempotent)."""
    for cls in PILKIT:
        # A class without its own constructor remembers through the one it inherits.
        init = cls.__dict__.get("__init__")
        if init is not None and not getattr(init, "_ik_remembers", False):
            wrapped = _remembering(init)
            wrapped._ik_remembers = True  # type: ignore[attr-defined]
            cls.__init__ = wrapped  # type: ignore[misc]
        cls.__ik_hash_state__ = hash_state  # type: ignore[attr-defined]
    pilkit_base.ProcessorPipeline.__ik_hash_state__ = pipeline_hash_state  # type: ignore[attr-defined]


install()
