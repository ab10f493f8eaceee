"""The question form's editors: the picture of a box task, and the pages the editors need.

Wang (instructor at Pujiang) uploads the picture of a box-labeling task; Hu, who teaches
across town at Harbour, must not be able to see it.
"""

import hashlib
import io
import json
import os
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from question_bank.models import Question, QuestionAsset
from tests.base import make_question

GOLD = [{"class": "饮料瓶", "x": 10, "y": 20, "w": 50, "h": 100}]
BOX = {"class": "纸盒", "x": 100, "y": 10, "w": 40, "h": 40}


def _png(width=320, height=200, colour="teal", name="shelf.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def _content_pk(code):
    from question_bank.models import WorkContent

    return WorkContent.objects.get(code=code).pk


def _box_form(payload=None, **overrides):
    payload = payload or {"classes": ["饮料瓶", "纸盒"], "gold": GOLD}
    return {
        "type": "bounding_box",
        "language": "zh-hans",
        "difficulty": 2,
        "levels_choice": [5],
        "work_content": _content_pk("l5-cleaning-labeling"),
        "tags_text": "",
        "stem": "框出货架上的每个饮料瓶。",
        "payload": json.dumps(payload, ensure_ascii=False),
        "explanation": "",
        "reference": "",
        **overrides,
    }


def _errors(response):
    return response.context["form"].errors


def test_an_uploaded_picture_is_stored_for_the_center_and_sizes_the_task(cast, client_for):
    upload = _png()
    sha1 = hashlib.sha1(upload.read()).hexdigest()
    upload.seek(0)
    # What the JSON says about the picture does not count: the picture does.
    payload = {
        "image": "nonsense",
        "width": 999,
        "height": 999,
        "classes": ["饮料瓶"],
        "gold": GOLD,
    }
    response = client_for(cast.instructor).post("/bank/new/", _box_form(payload, image=upload))
    assert response.status_code == 302
    asset = QuestionAsset.objects.get()
    assert (asset.center, asset.sha1, asset.width, asset.height) == (cast.center, sha1, 320, 200)
    assert asset.content_type == "image/png"
    saved = Question.objects.get().latest_version.payload
    assert (saved["image"], saved["width"], saved["height"]) == (sha1, 320, 200)
    assert saved["gold"] == GOLD


def test_the_same_picture_twice_is_stored_once(cast, client_for):
    client = client_for(cast.instructor)
    client.post("/bank/new/", _box_form(image=_png()))
    client.post("/bank/new/", _box_form(image=_png(name="again.png")))
    assert Question.objects.count() == 2
    assert QuestionAsset.objects.count() == 1


def test_a_file_that_is_not_an_image_is_refused_and_nothing_saved(cast, client_for):
    upload = SimpleUploadedFile("shelf.png", b"%PDF-1.4 not a picture", content_type="image/png")
    response = client_for(cast.instructor).post("/bank/new/", _box_form(image=upload))
    assert response.status_code == 200
    assert _errors(response)["image"] == ["The file is not a readable image."]
    assert "payload" not in _errors(response)  # no second message about the same picture
    assert not Question.objects.exists() and not QuestionAsset.objects.exists()


def test_an_image_over_two_megabytes_is_refused(cast, client_for):
    # Noise does not compress: about 3 MB of PNG.
    noise = Image.frombytes("RGB", (1000, 1000), os.urandom(3_000_000))
    buffer = io.BytesIO()
    noise.save(buffer, "PNG", compress_level=0)
    upload = SimpleUploadedFile("noise.png", buffer.getvalue(), content_type="image/png")
    response = client_for(cast.instructor).post("/bank/new/", _box_form(image=upload))
    assert _errors(response)["image"] == ["The image is larger than 2 MB."]
    assert not Question.objects.exists() and not QuestionAsset.objects.exists()


def test_an_image_wider_than_the_limit_is_refused(cast, client_for):
    response = client_for(cast.instructor).post(
        "/bank/new/", _box_form(image=_png(width=4097, height=8))
    )
    assert _errors(response)["image"] == [
        "The image is 4097×8 pixels; the limit is 4096 on each side."
    ]
    assert not Question.objects.exists() and not QuestionAsset.objects.exists()


def test_a_new_box_task_needs_a_picture(cast, client_for):
    payload = {"image": "abc123", "width": 640, "height": 480, "classes": ["饮料瓶"], "gold": GOLD}
    response = client_for(cast.instructor).post("/bank/new/", _box_form(payload))
    assert _errors(response)["image"] == ["Upload the picture to label."]
    assert not Question.objects.exists()


def test_a_box_task_may_name_a_picture_its_center_already_has(cast, client_for):
    client = client_for(cast.instructor)
    client.post("/bank/new/", _box_form(image=_png()))
    sha1 = QuestionAsset.objects.get().sha1
    payload = {"image": sha1, "width": 320, "height": 200, "classes": ["纸盒"], "gold": [BOX]}
    assert client.post("/bank/new/", _box_form(payload)).status_code == 302
    # Hu's center does not have it.
    response = client_for(cast.outsider_instructor).post("/bank/new/", _box_form(payload))
    assert _errors(response)["image"] == ["Upload the picture to label."]


def test_editing_without_a_new_file_keeps_the_picture(cast, client_for):
    client = client_for(cast.instructor)
    client.post("/bank/new/", _box_form(image=_png()))
    question = Question.objects.get()
    before = question.latest_version.payload
    page = client.get(f"/bank/{question.pk}/edit/").content.decode()
    assert "Leave this empty to keep the picture" in page

    # As the form sends it: the JSON as shown, with one more gold box.
    boxes = [*GOLD, BOX]
    response = client.post(f"/bank/{question.pk}/edit/", _box_form({**before, "gold": boxes}))
    assert response.status_code == 302
    question.refresh_from_db()
    after = question.latest_version.payload
    assert (after["image"], after["width"], after["height"]) == (before["image"], 320, 200)
    assert after["gold"] == boxes

    # JSON that leaves the picture out keeps it too.
    client.post(f"/bank/{question.pk}/edit/", _box_form({"classes": ["纸盒"], "gold": [BOX]}))
    question.refresh_from_db()
    assert question.latest_version.payload["image"] == before["image"]
    assert QuestionAsset.objects.count() == 1


def test_editing_with_a_new_file_replaces_the_picture(cast, client_for):
    client = client_for(cast.instructor)
    client.post("/bank/new/", _box_form(image=_png()))
    question = Question.objects.get()
    payload = question.latest_version.payload
    client.post(
        f"/bank/{question.pk}/edit/",
        _box_form(payload, image=_png(width=640, height=480, colour="navy")),
    )
    question.refresh_from_db()
    after = question.latest_version.payload
    assert after["image"] != payload["image"]
    assert (after["width"], after["height"]) == (640, 480)
    assert QuestionAsset.objects.count() == 2


def test_the_picture_is_served_to_its_center_only(cast, client_for):
    client_for(cast.instructor).post("/bank/new/", _box_form(image=_png()))
    url = f"/bank/images/{QuestionAsset.objects.get().sha1}/"
    response = client_for(cast.instructor).get(url)
    assert (response.status_code, response["Content-Type"]) == (200, "image/png")
    assert client_for(cast.outsider_instructor).get(url).status_code == 404


def test_only_a_box_task_asks_for_a_picture(cast, client_for):
    page = client_for(cast.instructor).get("/bank/new/?type=single_choice").content.decode()
    assert 'name="image"' not in page
    assert 'enctype="multipart/form-data"' not in page


# The pages the editors run on ------------------------------------------------------------


def _assert_no_inline_code(page):
    # The policy allows our own files only: no inline script, style element or attribute.
    assert not re.search(r"<script(?![^>]*\ssrc=)", page)
    assert "<style" not in page
    assert not re.search(r"\sstyle=", page)


def _editor(page):
    match = re.search(r'<section class="payload-editor[^>]*>', page)
    assert match, "no editor"
    return match.group(0)


def test_the_box_form_has_the_picture_field_and_the_drawing_editor(cast, client_for):
    page = client_for(cast.instructor).get("/bank/new/?type=bounding_box").content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert 'type="file" name="image"' in page
    editor = _editor(page)
    assert 'data-editor="boxes"' in editor and 'data-payload-field="id_payload"' in editor
    assert 'data-image-url="/bank/images/SHA1/"' in page
    assert f'data-max-bytes="{2 * 1024 * 1024}"' in page and 'data-max-side="4096"' in page
    # The box widget in author mode, with a field that is not posted.
    assert '<div class="box-widget" data-author' in page
    assert '<input type="hidden" class="widget-value"' in page
    assert 'name="boxes"' not in page
    assert 'data-role="names" data-key="classes"' in page
    assert "js/author-payload.js" in page and "css/authoring.css" in page
    _assert_no_inline_code(page)


def test_the_span_form_marks_gold_spans_on_the_texts_of_the_json(cast, client_for):
    payload = {
        "entity_types": ["人名", "机构"],
        "texts": [
            {
                "id": "t1",
                "text": "张晓明在浦江中心工作。",
                "gold": [{"start": 0, "end": 3, "type": "人名"}],
            }
        ],
    }
    question = make_question(
        "span_labeling",
        center=cast.center,
        author=cast.instructor,
        payload=payload,
        work_content="l5-cleaning-labeling",
    )
    page = client_for(cast.instructor).get(f"/bank/{question.pk}/edit/").content.decode()
    assert 'data-editor="spans"' in _editor(page)
    assert '<div class="span-widget" data-author' in page
    assert 'data-role="names" data-key="entity_types"' in page
    # The editor reads the texts and their gold spans from the JSON field.
    assert "张晓明在浦江中心工作。" in page and "&quot;start&quot;: 0" in page
    assert 'name="spans"' not in page
    _assert_no_inline_code(page)


def test_the_choice_forms_pick_the_right_options_and_fold_the_json(cast, client_for):
    client = client_for(cast.instructor)
    single = client.get("/bank/new/?type=single_choice").content.decode()
    assert 'data-editor="choice"' in _editor(single)
    assert 'data-role="options"' in single and 'data-multiple="false"' in single
    assert '<details class="payload-details mb-3" open>' in single
    # The answer buttons group in a form of their own, which is never posted.
    assert '<form id="payload-editor-form" hidden></form>' in single
    _assert_no_inline_code(single)

    multiple = client.get("/bank/new/?type=multiple_choice").content.decode()
    assert 'data-multiple="true"' in multiple and 'data-role="partial"' in multiple

    true_false = client.get("/bank/new/?type=true_false").content.decode()
    assert 'data-editor="true_false"' in _editor(true_false)
    assert true_false.count('form="payload-editor-form"') == 2
    _assert_no_inline_code(true_false)


def test_other_types_keep_the_plain_json_form(cast, client_for):
    page = client_for(cast.instructor).get("/bank/new/?type=fill_in").content.decode()
    assert "payload-editor" not in page and "author-payload.js" not in page
    assert 'name="payload"' in page
    _assert_no_inline_code(page)
