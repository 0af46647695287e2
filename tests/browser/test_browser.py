"""Every built page in a real browser: Debian chromium driven by Playwright, offline.

MathJax is answered from the npm package (``$MATHJAX_DIR``, installed by ``make browser-deps``);
every other request outside the local server is refused, as on a machine without internet.
Screenshots of each page's first screen land in ``<build>/screenshots`` for a human to look at.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from booktools import ROOT, build_dir, toc_files

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
MATHJAX_DIR = Path(os.environ.get("MATHJAX_DIR", ROOT / ".cache/npm/node_modules/mathjax")).resolve()
MATHJAX_CDN = "https://cdn.jsdelivr.net/npm/mathjax@3/"
# sphinx-thebe inlines its config script twice on every Jupyter Book 1.0.4 page, even with thebe off.
KNOWN_JS_ERRORS = ("Identifier 'THEBE_JS_URL' has already been declared",)
PAGES = toc_files()


@pytest.fixture(scope="module")
def server(html_dir) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(html_dir))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep pytest's output readable
        pass


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is needed: `apt-get install chromium` (make browser-deps does it)")
    if not (MATHJAX_DIR / "es5" / "tex-mml-chtml.js").exists():
        pytest.fail(f"MathJax 3 not found in {MATHJAX_DIR}; run `make browser-deps`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        yield browser
        browser.close()


def _route(server: str, route) -> None:
    url = route.request.url
    if url.startswith(server):
        route.continue_()
    elif url.startswith(MATHJAX_CDN):
        local = MATHJAX_DIR / url[len(MATHJAX_CDN):].split("?")[0]
        if local.is_file():
            route.fulfill(path=str(local))
        else:
            route.fulfill(status=404, body="not in the local MathJax copy")
    else:
        route.abort()


@pytest.mark.parametrize("entry", PAGES)
def test_page_renders_math_images_and_no_js_errors(browser, server, entry):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    local_failures: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("requestfailed", lambda req: local_failures.append(req.url) if req.url.startswith(server) else None)
    page.on("response", lambda r: local_failures.append(f"{r.status} {r.url}")
            if r.url.startswith(server) and r.status >= 400 else None)
    page.route("**/*", lambda route: _route(server, route))
    page.goto(f"{server}{entry}.html", wait_until="load")

    has_math = page.evaluate("() => document.querySelectorAll('.math').length")
    if has_math:
        page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise",
                               timeout=20_000)
        page.evaluate("() => MathJax.startup.promise")
    rendered = page.evaluate("() => document.querySelectorAll('mjx-container').length")
    assert rendered >= has_math, f"{entry}: {has_math} math elements but {rendered} rendered by MathJax"
    merrors = page.evaluate(
        "() => [...document.querySelectorAll('mjx-merror, mjx-mtext[style*=\"color: red\"]')]"
        ".map(e => e.textContent)")
    assert not merrors, f"{entry}: MathJax could not typeset: {merrors}"

    broken_images = page.evaluate(
        """async () => {
            const imgs = [...document.images];
            imgs.forEach(i => { i.loading = 'eager'; });
            const bad = await Promise.all(imgs.map(i => i.decode().then(() => null, () => i.src)));
            return bad.filter(Boolean).concat(imgs.filter(i => i.complete && i.naturalWidth === 0).map(i => i.src));
        }""")
    assert not broken_images, f"{entry}: images that did not load: {sorted(set(broken_images))}"

    unexpected = [e for e in errors if not any(k in e for k in KNOWN_JS_ERRORS)]
    assert not unexpected, f"{entry}: JavaScript errors: {unexpected}"
    assert not local_failures, f"{entry}: local resources that failed to load: {local_failures}"

    shots = build_dir() / "screenshots"
    shots.mkdir(exist_ok=True)
    page.screenshot(path=str(shots / f"{entry.replace('/', '__')}.png"))
    context.close()
