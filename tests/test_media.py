"""Editor tools: image upload into content/_media/ and the live preview."""

from __future__ import annotations

import io
import struct
import zlib

from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from app.content.media import MediaError, image_type, save_image
from tests.conftest import BROWSER, csrf_token, post, sign_in


def png_bytes(width: int = 2, height: int = 2) -> bytes:
    """A real, decodable PNG image."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2,
                                                               0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def upload(client, data: bytes, name: str, alt: str = "A screen", json: bool = True):
    headers = {**BROWSER, "Accept": "application/json"} if json else BROWSER
    return client.post("/editor/media", data={
        "csrf_token": csrf_token(client, "/editor/new"), "alt": alt,
        "image": (io.BytesIO(data), name)}, headers=headers, content_type="multipart/form-data")


def test_uploaded_image_is_stored_served_and_usable_in_an_article(editor_app):
    app, content = editor_app
    client, _ = sign_in(app, "editor@pronto.test")
    image = png_bytes()
    response = upload(client, image, "Booking Screen.PNG", alt="The booking screen")
    assert response.status_code == 201, response.get_data(as_text=True)
    answer = response.get_json()
    assert answer["name"] == "booking-screen.png"
    assert answer["markdown"] == "![The booking screen](/media/booking-screen.png)"
    assert (content / "_media" / "booking-screen.png").read_bytes() == image
    served = app.test_client().get("/media/booking-screen.png", headers=BROWSER)
    assert served.status_code == 200 and served.data == image
    served.close()

    second = upload(client, image, "booking screen.png").get_json()
    assert second["name"] == "booking-screen-2.png"  # never overwrites

    article = post(client, "/editor/new", {
        "slug": "booking-screen-tour", "title": "A tour of the booking screen",
        "summary": "What each part of the booking screen does.", "journey": "before-you-buy",
        "body": f"Here it is:\n\n{answer['markdown']}\n", "action": "publish"})
    assert article.status_code == 302
    page = app.test_client().get("/articles/booking-screen-tour", headers=BROWSER)
    assert 'src="/media/booking-screen.png"' in page.get_data(as_text=True)


def test_an_image_without_alt_text_is_refused_and_not_stored(editor_app):
    app, content = editor_app
    client, _ = sign_in(app, "editor@pronto.test")
    for alt in ("", "  ", "[]"):
        refused = upload(client, png_bytes(), "step.png", alt=alt)
        assert refused.status_code == 400
        assert refused.get_json()["error"] == "Describe the image for people who cannot see it."
    assert not (content / "_media" / "step.png").exists()
    page = upload(client, png_bytes(), "step.png", alt="", json=False)
    assert page.status_code == 400
    assert "Describe the image" in page.get_data(as_text=True)


def test_upload_refuses_what_is_not_an_allowed_image(editor_app):
    app, content = editor_app
    client, _ = sign_in(app, "editor@pronto.test")
    before = sorted(p.name for p in (content / "_media").iterdir())
    fake = upload(client, b"<html><script>alert(1)</script></html>", "cat.png")
    assert fake.status_code == 400
    assert "Only PNG, JPEG, GIF and WebP" in fake.get_json()["error"]
    svg = upload(client, b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>', "a.svg")
    assert svg.status_code == 400
    renamed = upload(client, png_bytes(), "photo.jpg")
    assert renamed.status_code == 400 and "named .jpg" in renamed.get_json()["error"]
    app.config["KB_MAX_IMAGE_BYTES"] = 100
    big = upload(client, png_bytes(40, 40), "big.png", json=False)
    assert big.status_code == 400 and "the limit is 100 bytes" in big.get_data(as_text=True)
    assert sorted(p.name for p in (content / "_media").iterdir()) == before


def test_upload_without_script_shows_the_markdown_to_copy(editor_app):
    app, _ = editor_app
    client, _ = sign_in(app, "editor@pronto.test")
    response = upload(client, png_bytes(), "step 2.png", alt="Step two", json=False)
    assert response.status_code == 201
    assert "![Step two](/media/step-2.png)" in response.get_data(as_text=True)


def test_image_types_are_told_by_their_bytes(tmp_path):
    assert image_type(png_bytes()) == "png"
    assert image_type(b"\xff\xd8\xff\xe0rest") == "jpg"
    assert image_type(b"GIF89a...") == "gif"
    assert image_type(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == "webp"
    assert image_type(b"%PDF-1.7") is None
    try:
        save_image(tmp_path, "empty.png", b"", 1000)
    except MediaError as error:
        assert "Choose an image" in str(error)
    else:
        raise AssertionError("an empty upload was stored")


def test_live_preview_uses_the_public_renderer_and_sanitizer(editor_app):
    app, _ = editor_app
    client, _ = sign_in(app, "editor@pronto.test")
    token = csrf_token(client, "/editor/new")
    response = client.post("/editor/preview", headers={**BROWSER, "Accept": "application/json"},
                           data={"csrf_token": token,
                                 "body": "**Bold** <script>alert(1)</script>\n\n!!! note \"Tip\"\n"
                                         "    Works offline."})
    assert response.status_code == 200
    html = response.get_json()["html"]
    assert "<strong>Bold</strong>" in html and "<script" not in html
    assert "Works offline." in html and "admonition" in html
    without_token = client.post("/editor/preview", data={"body": "x"}, headers=BROWSER)
    assert without_token.status_code == 400


def test_an_upload_over_the_request_limit_answers_json_the_page_can_show(editor_app):
    app, content = editor_app
    client, _ = sign_in(app, "editor@pronto.test")
    huge = b"\x89PNG\r\n\x1a\n" + b"0" * app.config["MAX_CONTENT_LENGTH"]
    boundary, body = encode_multipart({"csrf_token": csrf_token(client, "/editor/new"),
                                       "image": FileStorage(io.BytesIO(huge), "huge.png")})
    response = client.post("/editor/media", data=body,
                           content_type=f"multipart/form-data; boundary={boundary}",
                           headers={**BROWSER, "Accept": "application/json"})
    assert response.status_code == 413
    assert "more than this site accepts" in response.get_json()["error"]["message"]


def test_alt_text_cannot_break_the_markdown(editor_app):
    app, _ = editor_app
    client, _ = sign_in(app, "editor@pronto.test")
    answer = upload(client, png_bytes(), "a.png", alt="Step [2]\n of 3 \\").get_json()
    assert answer["markdown"] == "![Step 2 of 3](/media/a.png)"
