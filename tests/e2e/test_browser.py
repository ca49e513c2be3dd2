"""The demo site in headless Chromium: the gallery, the upload form, the admin."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from playwright.sync_api import Page

from tests.e2e.conftest import ADMIN_PASSWORD, ADMIN_USER, DemoSite

# Every <img> as the browser has it once the page has loaded.
IMAGES_JS = """
els => els.map(el => ({
    cls: el.className, alt: el.alt, src: el.getAttribute('src'), current: el.currentSrc,
    srcset: el.getAttribute('srcset') || '', complete: el.complete,
    naturalWidth: el.naturalWidth, naturalHeight: el.naturalHeight,
}))
"""

# Load URLs as images in the page and report each one's natural size (0x0 when it failed).
LOAD_JS = """
urls => Promise.all(urls.map(url => new Promise(resolve => {
    const img = new Image();
    img.onload = () => resolve([url, img.naturalWidth, img.naturalHeight]);
    img.onerror = () => resolve([url, 0, 0]);
    img.src = url;
})))
"""


def fit(size: tuple[int, int], box: int) -> tuple[int, int]:
    """What ResizeToFit(box, box, upscale=False) promises for a ``size`` original."""
    width, height = size
    if max(width, height) <= box:
        return size
    ratio = box / max(width, height)
    return round(width * ratio), round(height * ratio)


def fill(size: tuple[int, int], box: tuple[int, int]) -> tuple[int, int]:
    """What the thumbnail tag's crop-to-fill promises for a ``size`` original: exactly ``box``,
    unless that would mean enlarging it; then it is only cropped, to at most ``box``."""
    ratio = max(box[0] / size[0], box[1] / size[1])
    if ratio <= 1:
        return box
    return min(size[0], box[0]), min(size[1], box[1])


def assert_size(actual: tuple[int, int], promised: tuple[int, int], what: str) -> None:
    # One pixel of rounding either way is the resampler's business, not a broken promise.
    assert all(abs(a - p) <= 1 for a, p in zip(actual, promised, strict=True)), (
        f"{what}: {actual[0]}x{actual[1]}, the spec promises {promised[0]}x{promised[1]}"
    )


def srcset_candidates(srcset: str) -> list[tuple[str, str]]:
    """``[(url, descriptor), ...]`` of a srcset attribute (``"2x"``, ``"1024w"``)."""
    return [tuple(item.split()) for item in srcset.split(",") if item.strip()]


def loaded_images(page: Page) -> list[dict[str, Any]]:
    images = page.eval_on_selector_all("img", IMAGES_JS)
    assert images, f"no <img> on {page.url}"
    broken = [img["src"] for img in images if not (img["complete"] and img["naturalWidth"] > 0)]
    assert not broken, f"images that did not load on {page.url}: {broken}"
    return images


def natural_sizes(page: Page, urls: list[str]) -> dict[str, tuple[int, int]]:
    sizes = {url: (width, height) for url, width, height in page.evaluate(LOAD_JS, urls)}
    failed = [url for url, size in sizes.items() if size == (0, 0)]
    assert not failed, f"these images do not load: {failed}"
    return sizes


def check_responsive(page: Page, img: dict[str, Any], original: tuple[int, int]) -> None:
    """A ``generateimage`` pair: gallery:medium fits 512 px, Photo.display fits 1024 px, and
    the srcset's width descriptors tell the truth."""
    candidates = srcset_candidates(img["srcset"]) or [(img["src"], "")]
    sizes = natural_sizes(page, [url for url, _ in candidates])
    boxes = (512, 1024)
    for (url, descriptor), box in zip(candidates, boxes, strict=False):
        assert_size(sizes[url], fit(original, box), f"{img['alt']} at {box} ({url})")
        if descriptor:
            assert descriptor == f"{sizes[url][0]}w", f"srcset says {descriptor} for {url}"
    chosen = next(size for url, size in sizes.items() if img["current"].endswith(url))
    assert (img["naturalWidth"], img["naturalHeight"]) == chosen


def check_thumbnail_tag(page: Page, img: dict[str, Any], original: tuple[int, int]) -> None:
    """``{% thumbnail '200x200' ... srcset="2" %}``: a 200x200 crop at 1x, 400x400 at 2x
    (never enlarged: a 451x300 original gives 400x300 at 2x)."""
    candidates = dict(srcset_candidates(img["srcset"]))
    # django-imagekit's markup writes the scales as given: "1x" for the src, "2.0x" for srcset="2".
    assert {float(d[:-1]) for d in candidates.values()} == {1.0, 2.0}, img["srcset"]
    sizes = natural_sizes(page, list(candidates))
    for url, density in candidates.items():
        side = round(200 * float(density[:-1]))
        promised = fill(original, (side, side))
        assert sizes[url] == promised, f"{img['alt']} at {density}: {sizes[url]}, not {promised}"
    assert (img["naturalWidth"], img["naturalHeight"]) == fill(original, (200, 200)), img


def test_every_gallery_image_loads_at_the_size_its_spec_promises(
    page: Page, demo_site: DemoSite, artifacts: Path
) -> None:
    originals = demo_site.original_sizes()
    assert len(originals) >= 4, "the demo command added no sample photos"
    page.goto(demo_site.url + "/")
    page.screenshot(path=artifacts / "gallery.png", full_page=True)
    images = loaded_images(page)
    kinds = {img["cls"] for img in images}
    assert kinds == {"responsive", "thumb"}, kinds
    for img in images:
        if img["cls"] == "thumb":
            check_thumbnail_tag(page, img, originals[img["alt"]])
        else:
            check_responsive(page, img, originals[img["alt"]])
    # Every photo is on the page: the newest one featured, each of the others as a thumbnail.
    assert sorted(img["alt"] for img in images) == sorted(originals)


def photo_bytes(size: tuple[int, int]) -> bytes:
    """A cold blue-green picture with a light band: sepia toning will be plain to see."""
    img = Image.new("RGB", size, (20, 110, 160))
    img.paste((200, 230, 240), (0, size[1] // 3, size[0], size[1] // 2))
    buffer = io.BytesIO()
    img.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def test_uploading_a_photo_shows_its_processed_versions(
    page: Page, demo_site: DemoSite, artifacts: Path, tmp_path: Path
) -> None:
    upload = tmp_path / "harbour.jpg"
    upload.write_bytes(photo_bytes((2400, 1600)))
    page.goto(demo_site.url + "/upload/")
    page.fill("input[name=title]", "Harbour at noon")
    page.set_input_files("input[name=image]", str(upload))
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/photos/\d+/$"))
    page.wait_for_load_state("load")
    page.screenshot(path=artifacts / "uploaded.png", full_page=True)

    assert "was uploaded" in page.inner_text(".messages")
    # The form capped the upload at 2048 px before anything else saw it.
    assert demo_site.original_sizes()["Harbour at noon"] == (2048, 1365)
    images = {img["cls"]: img for img in loaded_images(page)}
    assert set(images) == {"responsive", "sepia", "square", "card"}
    check_responsive(page, images["responsive"], (2048, 1365))
    assert_size(
        (images["sepia"]["naturalWidth"], images["sepia"]["naturalHeight"]),
        (480, 320),
        "Photo.sepia",
    )
    assert (images["square"]["naturalWidth"], images["square"]["naturalHeight"]) == (200, 200)
    assert (images["card"]["naturalWidth"], images["card"]["naturalHeight"]) == (1200, 630)

    # The sepia version really went through the plugin's processor: the blue is now brown.
    response = page.request.get(images["sepia"]["current"])
    assert response.ok
    with Image.open(io.BytesIO(response.body())) as sepia:
        red, green, blue = sepia.convert("RGB").getpixel((10, 10))
    assert red > green > blue, (red, green, blue)


def test_uploading_a_text_file_shows_the_form_error(
    page: Page, demo_site: DemoSite, artifacts: Path, tmp_path: Path
) -> None:
    before = demo_site.query("SELECT count(*) FROM gallery_photo")[0][0]
    notes = tmp_path / "notes.txt"
    notes.write_text("This is not a photograph.\n" * 20)
    page.goto(demo_site.url + "/upload/")
    page.fill("input[name=title]", "Not a photo")
    page.set_input_files("input[name=image]", str(notes))
    with page.expect_response(lambda response: response.request.method == "POST") as posted:
        page.click("button[type=submit]")
    assert posted.value.status == 400
    page.wait_for_load_state("load")
    page.screenshot(path=artifacts / "upload-error.png", full_page=True)

    error = page.inner_text(".field.has-error .errorlist")
    assert "Upload a valid image" in error and "notes.txt" in error, error
    assert page.input_value("input[name=title]") == "Not a photo"  # what was typed is kept
    assert demo_site.query("SELECT count(*) FROM gallery_photo")[0][0] == before


def test_admin_change_list_shows_thumbnails_after_logging_in(
    page: Page, demo_site: DemoSite, artifacts: Path
) -> None:
    page.goto(demo_site.url + "/admin/gallery/photo/")
    assert "/admin/login/" in page.url  # not logged in yet
    page.fill("input[name=username]", ADMIN_USER)
    page.fill("input[name=password]", ADMIN_PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(r"/admin/gallery/photo/$"))
    page.wait_for_load_state("load")
    page.screenshot(path=artifacts / "admin-changelist.png", full_page=True)

    rows = page.locator("#result_list tbody tr").count()
    assert rows == len(demo_site.original_sizes())
    thumbnails = page.eval_on_selector_all("#result_list a.imagekit-admin-thumbnail img", IMAGES_JS)
    assert len(thumbnails) == rows, "a row without its thumbnail"
    for img in thumbnails:
        assert img["complete"] and (img["naturalWidth"], img["naturalHeight"]) == (200, 200), img


@pytest.mark.parametrize("path", ["/", "/upload/"])
def test_pages_answer_without_server_errors(page: Page, demo_site: DemoSite, path: str) -> None:
    response = page.goto(demo_site.url + path)
    assert response is not None and response.status == 200
