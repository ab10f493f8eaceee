"""Uploaded files: what is taken, and how it is given back.

Wang uploads pictures for box tasks in the question editor and bank files on the import
page. A file is judged by its bytes, never by its name or the type the browser claims: a
web page or an SVG with a script named shelf.png is refused, and what is taken is served
back only by the picture view, with the type the server found. Nothing lands under
MEDIA_ROOT, so no public path can serve it.

Already covered elsewhere: a PDF named .png, an image over 2 MB or 4096 pixels
(tests/question_bank/test_authoring_widgets.py), a bank file of the wrong extension
(tests/question_bank/test_authoring.py), and who may fetch a picture (those two files and
tests/test_role_matrix.py).
"""

import base64
import io
import json

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from question_bank.importing import MAX_FILE_BYTES
from question_bank.models import PendingImport, Question, QuestionAsset
from tests.question_bank.test_authoring_widgets import GOLD, _box_form, _errors, _png

SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="320" height="200" onload="alert(1)">'
    b"<script>alert(document.cookie)</script></svg>"
)
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"


def _picture(kind, name="shelf.png", claimed="image/png"):
    buffer = io.BytesIO()
    Image.new("RGB", (320, 200), "teal").save(buffer, kind)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=claimed)


def _nothing_saved():
    return not Question.objects.exists() and not QuestionAsset.objects.exists()


# Pictures uploaded in the question editor -------------------------------------------------------


def test_an_svg_with_a_script_named_png_is_refused_and_nothing_saved(cast, client_for):
    upload = SimpleUploadedFile("shelf.png", SVG, content_type="image/png")
    response = client_for(cast.instructor).post("/bank/new/", _box_form(image=upload))
    assert response.status_code == 200
    assert _errors(response)["image"] == ["The file is not a readable image."]
    assert _nothing_saved()


def test_a_web_page_named_png_is_refused_and_nothing_saved(cast, client_for):
    upload = SimpleUploadedFile("shelf.png", HTML, content_type="image/png")
    response = client_for(cast.instructor).post("/bank/new/", _box_form(image=upload))
    assert _errors(response)["image"] == ["The file is not a readable image."]
    assert _nothing_saved()


def test_an_image_of_a_kind_we_do_not_serve_is_refused(cast, client_for):
    response = client_for(cast.instructor).post(
        "/bank/new/", _box_form(image=_picture("GIF", name="shelf.gif", claimed="image/gif"))
    )
    assert _errors(response)["image"] == ["Use a PNG, JPEG or WebP image, not GIF."]
    assert _nothing_saved()


def test_a_picture_is_served_as_what_it_is_not_as_what_the_browser_claimed(cast, client_for):
    client = client_for(cast.instructor)
    upload = _picture("JPEG", name="shelf.html", claimed="text/html")
    assert client.post("/bank/new/", _box_form(image=upload)).status_code == 302
    asset = QuestionAsset.objects.get()
    assert asset.content_type == "image/jpeg"

    response = client.get(f"/bank/images/{asset.sha1}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, max-age=86400"
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response.content == bytes(asset.data)


def test_pictures_are_kept_in_the_database_not_under_a_public_path(
    cast, client_for, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client = client_for(cast.instructor)
    client.post("/bank/new/", _box_form(image=_png(name="shelf.png")))
    asset = QuestionAsset.objects.get()
    assert list(tmp_path.iterdir()) == []
    for path in [f"/media/{asset.name}", f"/media/{asset.sha1}", f"/media/{asset.sha1}.png"]:
        assert client.get(path).status_code == 404
    # Only the picture view gives it back.
    assert client.get(f"/bank/images/{asset.sha1}/").status_code == 200


# Bank files ------------------------------------------------------------------------------------


def _import(client, name, data):
    return client.post(
        "/bank/import/",
        {"file": SimpleUploadedFile(name, data, content_type="application/json"), "language": "en"},
    )


def test_a_bank_file_over_ten_megabytes_is_refused_and_nothing_saved(cast, client_for):
    response = _import(client_for(cast.instructor), "bank.json", b" " * (MAX_FILE_BYTES + 1))
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        "The file is larger than 10 MB; split it into smaller files."
    ]
    assert not PendingImport.objects.exists() and not Question.objects.exists()


def test_a_web_page_named_json_is_read_as_no_bank_and_nothing_imported(cast, client_for):
    client = client_for(cast.instructor)
    response = _import(client, "bank.json", HTML)
    assert response.status_code == 302
    page = client.get(response.url)
    assert page.status_code == 200
    assert "This is not valid JSON" in page.content.decode()
    assert b"<script>alert" not in page.content

    client.post(response.url, {"only_valid": "1"})
    assert not Question.objects.exists()
    assert not PendingImport.objects.exists()


def _bank_with_picture(data):
    payload = {
        "image": {"name": "shelf.png", "data": base64.b64encode(data).decode()},
        "width": 320,
        "height": 200,
        "classes": ["饮料瓶"],
        "gold": GOLD,
    }
    return json.dumps(
        {
            "format": "aitrainer-bank",
            "version": 1,
            "questions": [
                {
                    "key": "shelf-boxes",
                    "type": "bounding_box",
                    "levels": [5],
                    "function": "l5-annotation",
                    "work_content": "l5-cleaning-labeling",
                    "difficulty": 2,
                    "content": {"zh-Hans": {"stem": "框出饮料瓶。", "payload": payload}},
                }
            ],
        },
        ensure_ascii=False,
    ).encode()


def test_a_picture_inside_a_bank_file_is_checked_like_an_upload(cast, client_for):
    client = client_for(cast.instructor)
    response = _import(client, "bank.json", _bank_with_picture(SVG))
    page = client.get(response.url).content.decode()
    assert "payload.image: The file is not a readable image." in page
    client.post(response.url, {"only_valid": "1"})
    assert _nothing_saved()


def test_a_good_picture_inside_a_bank_file_becomes_an_asset_of_the_center(cast, client_for):
    client = client_for(cast.instructor)
    response = _import(client, "bank.json", _bank_with_picture(_png().read()))
    client.post(response.url, {"only_valid": "1"})
    asset = QuestionAsset.objects.get()
    assert (asset.center, asset.content_type) == (cast.center, "image/png")
    assert Question.objects.get().latest_version.payload["image"] == asset.sha1
