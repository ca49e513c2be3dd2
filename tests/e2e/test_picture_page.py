"""The demo's pictures page ({% picture %}) in headless Chromium: the browser picks the AVIF
rendition at the width its viewport asks for, every rendition is what its descriptor says,
nothing moves when the images arrive, and the placeholder is there before them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from tests.e2e.conftest import DemoSite

# Every rendition a <picture> offers: (MIME type, URL, width descriptor).
CANDIDATES_JS = """
() => [...document.querySelectorAll('picture')].flatMap(picture =>
    [...picture.querySelectorAll('source, img')].flatMap(el =>
        el.getAttribute('srcset').split(', ').map(entry => {
            const [url, width] = entry.trim().split(' ');
            return [el.getAttribute('type') || 'image/jpeg', url, parseInt(width)];
        })))
"""

# Fetch each URL from the page: its Content-Type and its decoded pixel size.
FETCH_JS = """
urls => Promise.all(urls.map(async url => {
    const response = await fetch(url);
    const bitmap = await createImageBitmap(await response.blob());
    return [url, response.status, response.headers.get('content-type'),
            bitmap.width, bitmap.height];
}))
"""

# Each picture's <img>: its laid-out box and the background painted behind it.
BOXES_JS = """
() => [...document.querySelectorAll('picture img')].map(img => {
    const box = img.getBoundingClientRect(), style = getComputedStyle(img);
    return {width: box.width, height: box.height, complete: img.complete,
            natural: img.naturalWidth, background: style.backgroundImage,
            colour: style.backgroundColor, attrs: [img.getAttribute('width'),
            img.getAttribute('height')]};
})
"""

# The layout shifts the page has had, summed (the Layout Instability API).
SHIFT_JS = """
() => new Promise(resolve => new PerformanceObserver((list, observer) => {
    observer.disconnect();
    resolve(list.getEntries().reduce((sum, entry) => sum + entry.value, 0));
}).observe({type: 'layout-shift', buffered: true}))
"""
SHIFT_FALLBACK_MS = 1000


@contextmanager
def opened(browser: Browser, width: int) -> Iterator[Page]:
    """A page in a fresh context (nothing cached) ``width`` CSS pixels wide, at one device
    pixel per CSS pixel."""
    context = browser.new_context(viewport={"width": width, "height": 900}, device_scale_factor=1)
    context.set_default_timeout(60_000)  # the first visit makes every AVIF
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def narrow(browser: Browser) -> Iterator[Page]:
    with opened(browser, 800) as page:
        yield page


def first_picture(page: Page) -> dict[str, Any]:
    img = page.locator("picture img").first
    img.evaluate("img => img.complete || new Promise(r => img.addEventListener('load', r))")
    return img.evaluate(
        "img => ({current: img.currentSrc, width: img.naturalWidth,"
        " avif: img.parentElement.querySelector('source[type=\"image/avif\"]').srcset})"
    )


@pytest.mark.parametrize("viewport", [800, 1200])
def test_the_browser_picks_the_avif_the_viewport_asks_for(
    demo_site: DemoSite, browser: Browser, viewport: int
) -> None:
    with opened(browser, viewport) as page:
        page.goto(demo_site.url + "/pictures/")
        shown = first_picture(page)
    asked = viewport // 2  # sizes="50vw", one device pixel per CSS pixel

    assert shown["current"].endswith(".avif"), shown
    offered = dict(entry.split(" ")[::-1] for entry in shown["avif"].split(", "))
    assert shown["current"].endswith(offered[f"{asked}w"]), (asked, shown)
    assert shown["width"] == asked


def test_every_candidate_loads_with_its_type_and_size(demo_site: DemoSite, narrow: Page) -> None:
    narrow.goto(demo_site.url + "/pictures/")
    candidates = narrow.evaluate(CANDIDATES_JS)
    assert {mime for mime, _, _ in candidates} == {"image/avif", "image/webp", "image/jpeg"}
    fetched = {url: rest for url, *rest in narrow.evaluate(FETCH_JS, [c[1] for c in candidates])}

    for mime, url, width in candidates:
        status, content_type, actual_width, actual_height = fetched[url]
        assert (status, content_type) == (200, mime), url
        assert actual_width == width, url
        assert actual_height == round(width * 3 / 4), url  # '400x300': each width that shape


def test_the_placeholder_shows_first_and_nothing_moves(
    demo_site: DemoSite, browser: Browser, narrow: Page
) -> None:
    # Images never arrive on this page: what shows is the box and the placeholder alone.
    narrow.route("**/media/**", lambda route: route.abort())
    narrow.goto(demo_site.url + "/pictures/")
    before = narrow.evaluate(BOXES_JS)
    assert before and not any(img["natural"] for img in before)
    assert before[0]["attrs"] == ["400", "300"]
    for img in before:
        assert all(int(size) > 0 for size in img["attrs"])  # a small source: its own size
        assert img["background"].startswith('url("data:image/'), img

    # The same page with its images, every one scrolled into view and loaded.
    with opened(browser, 800) as page:
        page.goto(demo_site.url + "/pictures/")
        for img in page.locator("picture img").all():
            img.scroll_into_view_if_needed()
            img.evaluate("i => i.complete || new Promise(r => i.addEventListener('load', r))")
        after = page.evaluate(BOXES_JS)
        shift = page.evaluate(
            f"() => Promise.race([({SHIFT_JS})(), new Promise(r => setTimeout(() => r(0), "
            f"{SHIFT_FALLBACK_MS}))])"
        )
    assert all(img["natural"] for img in after)
    sizes = [(img["width"], img["height"]) for img in after]
    assert sizes == [(img["width"], img["height"]) for img in before]
    assert sizes[0] == (400, 300)
    assert shift == 0
