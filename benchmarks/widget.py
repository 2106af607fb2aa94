"""The help widget: size of widget.js, API p95 per widget endpoint, and the time from a click
on the help button to the first suggestions in Chromium. Printed, not asserted.

Run: .venv/bin/python -m benchmarks.widget [--runs 10] [--requests 200]
The shop page is served from another origin (a second port) listed in KB_ALLOWED_ORIGINS,
as a customer's page would be. Without Chromium or playwright the click figure is skipped.
"""

from __future__ import annotations

import argparse
import gzip
import os
import shutil
import statistics
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from flask_migrate import upgrade
from werkzeug.serving import make_server

from app import create_app
from app.config import PROJECT_ROOT

BROWSER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0"}
CHROMIUM = os.environ.get("KB_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[94]


def serve_page(html: bytes, port: int) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(html)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def api_figures(app, requests: int, shop: str) -> None:
    client = app.test_client()
    started = client.post("/api/v1/widget/session", json={"context": "checkout"},
                          headers={**BROWSER, "Origin": shop})
    headers = {**BROWSER, "Origin": shop, "X-Help-Session": started.get_json()["token"]}
    calls = {
        "POST /widget/session": lambda: client.post(
            "/api/v1/widget/session", json={"context": "checkout"},
            headers={**BROWSER, "Origin": shop}),
        "GET /contexts/checkout": lambda: client.get("/api/v1/contexts/checkout?lang=en",
                                                     headers=headers),
        "GET /suggest": lambda: client.get("/api/v1/suggest?q=refu&lang=en", headers=headers),
        "GET /search": lambda: client.get("/api/v1/search?q=refund&lang=en", headers=headers),
        "GET /articles/<slug>": lambda: client.get("/api/v1/articles/payment-declined",
                                                   headers=headers),
    }
    print(f"API through the test client, {requests} requests each (ms):")
    for name, call in calls.items():
        samples = []
        for _ in range(requests):
            begun = time.perf_counter()
            assert call().status_code < 300
            samples.append((time.perf_counter() - begun) * 1000)
        print(f"  {name:24} p50 {statistics.median(samples):6.2f}   p95 {p95(samples):6.2f}")


def click_figures(help_url: str, shop_port: int, runs: int) -> None:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("click to first suggestions: skipped (playwright is not installed)")
        return
    if not os.path.exists(CHROMIUM):
        print(f"click to first suggestions: skipped (no Chromium at {CHROMIUM})")
        return
    html = (f'<!doctype html><html lang="en"><body><h1>Checkout</h1>'
            f'<script src="{help_url}/widget.js" data-context="checkout" async></script>'
            f"</body></html>").encode()
    shop = serve_page(html, shop_port)
    samples = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM,
                                             args=["--no-sandbox", "--disable-gpu"])
        for _ in range(runs):
            context = browser.new_context(user_agent=BROWSER["User-Agent"])
            page = context.new_page()
            page.goto(f"http://127.0.0.1:{shop_port}/")
            page.get_by_role("button", name="Help", exact=True).wait_for()
            samples.append(page.evaluate("""() => new Promise(resolve => {
                const root = document.querySelector('[data-help-widget]').shadowRoot;
                const begun = performance.now();
                const seen = () => root.querySelector('.suggested .item')
                    ? resolve(performance.now() - begun) : requestAnimationFrame(seen);
                root.querySelector('.launch').click();
                seen();
            })"""))
            context.close()
        browser.close()
    shop.shutdown()
    print(f"click to first suggestions in Chromium, {runs} fresh visits (ms): "
          f"median {statistics.median(samples):.1f}, max {max(samples):.1f} "
          "(widget session + context request, new preflights each visit)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    shop_port = free_port()
    shop = f"http://127.0.0.1:{shop_port}"
    with tempfile.TemporaryDirectory() as work:
        app = create_app({"KB_CONTENT_DIR": str(PROJECT_ROOT / "content"),
                          "KB_INDEX_DIR": str(Path(work) / "index"),
                          "DATABASE_URL": f"sqlite:///{work}/bench.db",
                          "SECRET_KEY": "bench", "KB_ALLOWED_ORIGINS": shop,
                          "KB_RATELIMIT_ENABLED": "off", "KB_TICKET_DELIVERY": "inline"})
        with app.app_context():
            upgrade(directory=str(PROJECT_ROOT / "migrations"))
            app.extensions["helpcenter"].rebuild_index()
        script = app.test_client().get("/widget.js").get_data()
        print(f"widget.js: {len(script):,} bytes raw, {len(gzip.compress(script, 9)):,} bytes "
              "gzipped (limit 15,360)")
        api_figures(app, args.requests, shop)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            click_figures(f"http://127.0.0.1:{server.server_port}", shop_port, args.runs)
        finally:
            server.shutdown()


if __name__ == "__main__":
    main()
