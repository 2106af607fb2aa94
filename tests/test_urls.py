"""Kept links: the same links Flask builds, for whichever prefix the site is served under."""

from __future__ import annotations

import pytest
from flask import url_for
from werkzeug.routing import BuildError


def test_kept_links_are_the_links_flask_builds(app):
    with app.test_request_context("/"):
        first = url_for("site.article", slug="cancel-an-order", s=7, pos=1)
        again = url_for("site.article", slug="cancel-an-order", s=7, pos=1)
        other = url_for("site.article", slug="cancel-an-order", s=7, pos=True)
        search = url_for("site.search", q="refund status", journey=None)
    assert first == again == "/articles/cancel-an-order?s=7&pos=1"
    assert other == "/articles/cancel-an-order?s=7&pos=True"
    assert search == "/search?q=refund+status"


def test_a_site_served_under_a_prefix_gets_its_own_links(app):
    with app.test_request_context("/"):
        plain = url_for("site.home")
    with app.test_request_context("/", base_url="http://localhost/help/"):
        prefixed = url_for("site.home")
        external = url_for("site.home", _external=True)
    assert (plain, prefixed) == ("/", "/help/")
    assert external.endswith("/help/") and external.startswith("http")


def test_an_unknown_endpoint_still_fails_every_time(app):
    with app.test_request_context("/"):
        for _ in range(2):
            with pytest.raises(BuildError):
                url_for("site.nowhere")
