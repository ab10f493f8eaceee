import json

from question_bank.models import Question, Status
from tests.base import make_question


def _form_data(**overrides):
    return {
        "type": "single_choice",
        "language": "zh-hans",
        "difficulty": 2,
        "levels_choice": [4],
        "work_content": _content_pk("l4-quality-check"),
        "tags_text": "缺失值, 清洗",
        "stem": "订单表中“金额”列有少量缺失，最稳妥的第一步是？",
        "payload": json.dumps(
            {"options": ["先统计缺失比例", "直接删除整列", "全部填 0"], "answer": 0}
        ),
        "explanation": "先了解缺失的规模和分布，才能选择填补或删除。",
        "reference": "业务数据质量检验",
        **overrides,
    }


def _content_pk(code):
    from question_bank.models import WorkContent

    return WorkContent.objects.get(code=code).pk


def test_an_instructor_writes_a_question_that_starts_as_a_draft(cast, client_for):
    response = client_for(cast.instructor).post("/bank/new/", _form_data())
    question = Question.objects.get()
    assert response.status_code == 302
    assert (question.status, question.center, question.author) == (
        Status.DRAFT,
        cast.center,
        cast.instructor,
    )
    assert question.function.code == "l4-data"
    assert sorted(t.name for t in question.tags.all()) == ["清洗", "缺失值"]
    assert question.latest_version.payload["answer"] == 0


def test_a_payload_problem_names_the_field(cast, client_for):
    response = client_for(cast.instructor).post(
        "/bank/new/", _form_data(payload=json.dumps({"options": ["只有一个"], "answer": 3}))
    )
    assert response.status_code == 200
    assert "options" in response.content.decode()
    assert not Question.objects.exists()


def test_broken_json_is_explained_with_its_line(cast, client_for):
    response = client_for(cast.instructor).post("/bank/new/", _form_data(payload='{"options": ['))
    assert "not valid JSON (line 1" in response.content.decode()


def test_editing_a_published_question_makes_a_new_version_and_keeps_serving_the_old(
    cast, client_for
):
    question = make_question(center=cast.center, author=cast.instructor)
    first = question.published_version
    client_for(cast.instructor).post(
        f"/bank/{question.pk}/edit/", _form_data(explanation="更清楚的解析。")
    )
    question.refresh_from_db()
    assert question.latest_version.number == 2
    assert question.published_version == first
    assert question.status == Status.REVIEW
    first.refresh_from_db()
    assert first.explanation != "更清楚的解析。"


def test_editing_a_draft_changes_it_in_place(cast, client_for):
    question = make_question(center=cast.center, author=cast.instructor, status="draft")
    client_for(cast.instructor).post(f"/bank/{question.pk}/edit/", _form_data(explanation="新"))
    question.refresh_from_db()
    assert question.versions.count() == 1
    assert question.latest_version.explanation == "新"


def test_nobody_publishes_their_own_question(cast, client_for):
    question = make_question(center=cast.center, author=cast.instructor, status="review")
    client_for(cast.instructor).post(f"/bank/{question.pk}/status/", {"action": "publish"})
    question.refresh_from_db()
    assert question.status == Status.REVIEW
    client_for(cast.center_admin).post(f"/bank/{question.pk}/status/", {"action": "publish"})
    question.refresh_from_db()
    assert question.status == Status.PUBLISHED
    assert question.published_version.frozen


def test_bulk_actions_change_only_the_centers_questions(cast, client_for):
    mine = make_question(center=cast.center, author=cast.instructor, status="draft")
    theirs = make_question(center=cast.other_center, status="draft")
    client_for(cast.instructor).post(
        "/bank/bulk/", {"action": "submit", "selected": [mine.pk, theirs.pk]}
    )
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.status == Status.DRAFT  # the whole form is refused: one choice was not allowed
    client_for(cast.instructor).post("/bank/bulk/", {"action": "submit", "selected": [mine.pk]})
    mine.refresh_from_db()
    assert mine.status == Status.REVIEW
    assert theirs.status == Status.DRAFT


def test_another_centers_question_is_a_404(cast, client_for):
    theirs = make_question(center=cast.other_center)
    client = client_for(cast.instructor)
    assert client.get(f"/bank/{theirs.pk}/").status_code == 404
    assert client.get(f"/bank/{theirs.pk}/edit/").status_code == 404


def test_the_platform_bank_is_visible_but_not_editable(cast, client_for):
    shared = make_question()
    client = client_for(cast.instructor)
    assert client.get(f"/bank/{shared.pk}/").status_code == 200
    assert client.get(f"/bank/{shared.pk}/edit/").status_code == 404


def test_the_preview_shows_the_learner_view_and_the_right_answer(cast, client_for):
    question = make_question(center=cast.center)
    page = client_for(cast.instructor).get(f"/bank/{question.pk}/").content.decode()
    assert "均值填补" in page
    assert "option-right" in page


def test_the_bank_list_filters_and_counts(cast, client_for):
    make_question(center=cast.center, type="true_false", payload={"answer": False})
    make_question(center=cast.center)
    page = client_for(cast.instructor).get("/bank/?type=true_false").content.decode()
    assert "1 question" in page


def test_the_bank_list_runs_a_constant_number_of_queries(
    cast, client_for, django_assert_max_num_queries
):
    for _ in range(30):
        make_question(center=cast.center, author=cast.instructor)
    client = client_for(cast.instructor)
    # session, user, counts, page count, page rows, functions
    with django_assert_max_num_queries(8):
        assert client.get("/bank/?level=4").status_code == 200


def test_learners_cannot_open_the_bank(cast, client_for):
    assert client_for(cast.learner).get("/bank/").status_code == 403


def test_an_upload_is_checked_and_its_problems_listed_before_anything_is_saved(cast, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    bank = {
        "format": "aitrainer-bank",
        "version": 1,
        "questions": [
            {
                "key": "up-1",
                "type": "true_false",
                "levels": [4],
                "function": "l4-data",
                "work_content": "l4-quality-check",
                "difficulty": 2,
                "content": {
                    "zh-Hans": {"stem": "缺失值一定要删除。", "payload": {"answer": False}}
                },
            },
            {
                "key": "up-2",
                "type": "true_false",
                "levels": [4],
                "function": "l4-data",
                "work_content": "l4-quality-check",
                "difficulty": 7,
                "content": {"zh-Hans": {"stem": "重复行应保留。", "payload": {"answer": False}}},
            },
        ],
    }
    client = client_for(cast.instructor)
    upload = SimpleUploadedFile("bank.json", json.dumps(bank, ensure_ascii=False).encode())
    response = client.post("/bank/import/", {"file": upload, "language": "zh-hans"})
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "question 2" in page and "Difficulty" in page
    assert not Question.objects.exists()

    client.post(response.url, {"only_valid": "1"})
    assert list(Question.objects.values_list("key", flat=True)) == ["up-1"]


def test_an_upload_of_the_wrong_type_is_refused_with_a_message(cast, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client_for(cast.instructor).post(
        "/bank/import/", {"file": SimpleUploadedFile("bank.pdf", b"%PDF"), "language": "en"}
    )
    assert "cannot be imported" in response.content.decode()


def test_someone_elses_pending_import_is_a_404(cast, client_for):
    from question_bank.models import PendingImport

    pending = PendingImport.objects.create(
        owner=cast.outsider_instructor, filename="x.json", data=b"[]", options={}
    )
    assert client_for(cast.instructor).get(f"/bank/import/{pending.pk}/").status_code == 404


def test_pictures_are_served_only_to_those_who_may_see_them(cast, client_for):
    from question_bank.models import QuestionAsset

    image = QuestionAsset.objects.create(
        center=cast.other_center,
        name="a.png",
        content_type="image/png",
        data=b"x",
        sha1="abc123",
        width=1,
        height=1,
    )
    assert client_for(cast.instructor).get(f"/bank/images/{image.sha1}/").status_code == 404
    assert client_for(cast.outsider).get(f"/bank/images/{image.sha1}/").status_code == 200
    assert client_for(None).get(f"/bank/images/{image.sha1}/").status_code == 404


def test_the_bank_exports_as_excel_csv_and_moodle_xml_and_reads_back(cast, client_for):
    from question_bank.importing import plan_import, read_bank_file

    make_question(center=cast.center, stem="=1+1 是否会被当作公式？")
    make_question(center=cast.other_center)
    client = client_for(cast.instructor)
    for file_format in ["xlsx", "csv", "xml", "json"]:
        response = client.get(f"/bank/export/?format={file_format}&language=zh-hans")
        assert response.status_code == 200
        assert response["Content-Disposition"].endswith(f'.{file_format}"')
        parsed = read_bank_file(f"bank.{file_format}", response.content)
        assert parsed.problems == [], file_format
        assert len(parsed.entries) == 1, file_format
        assert plan_import(parsed, center=cast.center).count("unchanged") >= 0
    csv_text = client.get("/bank/export/?format=csv&language=zh-hans").content.decode("utf-8-sig")
    assert "'=1+1" in csv_text  # a formula-looking cell is defused


def test_an_unknown_export_format_is_a_400(cast, client_for):
    response = client_for(cast.instructor).get("/bank/export/?format=pdf")
    assert response.status_code == 400


def test_the_spreadsheet_templates_download_in_both_languages(cast, client_for):
    from question_bank.importing import read_bank_file

    client = client_for(cast.instructor)
    for language in ["zh-hans", "en"]:
        for file_format in ["xlsx", "csv"]:
            response = client.get(
                f"/bank/import/template/?language={language}&format={file_format}"
            )
            assert response.status_code == 200
            parsed = read_bank_file(f"t.{file_format}", response.content, language=language)
            assert parsed.problems == [] and len(parsed.entries) == 2
