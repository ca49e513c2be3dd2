"""A picture set as HTML (``picture_markup``) and as JSON (``picture_json``), from plain data:
what every framework's tag and API field give."""

from __future__ import annotations

import json
from types import SimpleNamespace

from ik_host.placeholder_values import Placeholder
from ik_pictures.picture_json import PICTURE_SCHEMA, cachefile_json, picture_json
from ik_pictures.picture_markup import picture_html
from ik_pictures.pictures import Candidate, PictureSet


def candidate(width: int, mime: str, ext: str) -> Candidate:
    return Candidate(f"/c/{width}.{ext}", width, width * 3 // 4, mime)


def pictures(placeholder: Placeholder | None = None) -> PictureSet:
    img = [candidate(400, "image/jpeg", "jpg"), candidate(800, "image/jpeg", "jpg")]
    sources = {
        "image/avif": [candidate(400, "image/avif", "avif"), candidate(800, "image/avif", "avif")],
        "image/webp": [],  # none made yet: left out of the markup
    }
    return PictureSet(sources, img[0], img, "400px", placeholder)


def test_the_markup_has_a_source_per_made_type_then_the_lazy_img() -> None:
    html = picture_html(pictures(Placeholder("color", "#336699")), {"alt": "Sea"})
    assert html == (
        '<picture><source type="image/avif" srcset="/c/400.avif 400w, /c/800.avif 800w" '
        'sizes="auto, 400px" width="400" height="300">'
        '<img src="/c/400.jpg" srcset="/c/400.jpg 400w, /c/800.jpg 800w" '
        'sizes="auto, 400px" width="400" height="300" loading="lazy" alt="Sea" '
        'style="background: #336699"></picture>'
    )


def test_a_high_priority_img_is_not_lazy_and_keeps_its_own_style_after_the_placeholder() -> None:
    html = picture_html(
        pictures(Placeholder("color", "#336699")), {"fetchpriority": "high", "style": "x: y"}
    )
    assert 'loading="lazy"' not in html and 'sizes="400px"' in html
    assert 'style="background: #336699; x: y"' in html


def test_every_attribute_is_escaped() -> None:
    html = picture_html(pictures(), {"alt": '"><script>', "data-x<": 1})
    assert "<script>" not in html
    assert 'alt="&quot;&gt;&lt;script&gt;"' in html and 'data-x&lt;="1"' in html


def test_the_json_lists_the_img_family_among_the_sources_with_absolute_urls() -> None:
    data = picture_json(pictures(), absolute=lambda url: "https://cdn.test" + url)
    assert data == {
        "url": "https://cdn.test/c/400.jpg",
        "width": 400,
        "height": 300,
        "placeholder": None,
        "sources": {
            "image/avif": [
                {"url": "https://cdn.test/c/400.avif", "width": 400},
                {"url": "https://cdn.test/c/800.avif", "width": 800},
            ],
            "image/webp": [],
            "image/jpeg": [
                {"url": "https://cdn.test/c/400.jpg", "width": 400},
                {"url": "https://cdn.test/c/800.jpg", "width": 800},
            ],
        },
    }
    assert set(data) == set(PICTURE_SCHEMA["required"])
    json.dumps(data)  # plain JSON types only


def test_one_cache_file_is_one_source_of_its_own_type() -> None:
    file = SimpleNamespace(
        url="/c/a.webp", name="CACHE/a.webp", placeholder=Placeholder("color", "#000000")
    )
    data = cachefile_json(file, (120, 90))
    assert data["sources"] == {"image/webp": [{"url": "/c/a.webp", "width": 120}]}
    assert data["placeholder"] == {"kind": "color", "value": "#000000", "css": "#000000"}
    unknown = SimpleNamespace(url="/c/a.xyz", name="CACHE/a.xyz")
    assert list(cachefile_json(unknown, (1, 1))["sources"]) == ["application/octet-stream"]
