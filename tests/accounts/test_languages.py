import polib
from django.utils import translation

from config import i18n


def test_a_chinese_browser_gets_the_home_page_in_chinese(db, client_for):
    response = client_for(None, language="zh-CN,zh;q=0.9").get("/")
    assert response.headers["Content-Language"] == "zh-hans"
    assert "免费注册" in response.content.decode()


def test_an_english_browser_gets_the_home_page_in_english(db, client_for):
    response = client_for(None, language="en-US,en;q=0.9").get("/")
    assert response.headers["Content-Language"] == "en"
    assert "Create a free account" in response.content.decode()


def test_the_switcher_overrides_the_browser_and_is_remembered_in_the_profile(cast, client_for):
    client = client_for(cast.learner, language="en")
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    cast.learner.refresh_from_db()
    assert cast.learner.preferred_language == "zh-hans"
    assert client.get("/accounts/profile/").headers["Content-Language"] == "zh-hans"


def test_the_profile_language_wins_on_a_new_device(cast, client_for):
    cast.learner.preferred_language = "en"
    cast.learner.save()
    response = client_for(cast.learner, language="zh-CN").get("/accounts/profile/")
    assert response.headers["Content-Language"] == "en"


def test_anonymous_visitors_can_switch_too(db, client_for):
    client = client_for(None, language="en")
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "免费注册" in client.get("/").content.decode()


def test_every_message_in_code_and_templates_has_a_chinese_translation():
    missing = i18n.untranslated()
    assert missing == [], "Untranslated (run python -m config.i18n update, then translate):\n" + (
        "\n".join(f"{where}: {msgid}" for msgid, where in missing)
    )


def test_the_committed_catalogue_is_compiled_from_the_po_file():
    po = polib.pofile(str(i18n.PO_PATH))
    mo = polib.mofile(str(i18n.PO_PATH.with_suffix(".mo")))
    compiled = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural.get(0) for e in mo}
    for entry in po.translated_entries():
        expected = entry.msgstr or entry.msgstr_plural.get(0)
        assert compiled.get((entry.msgctxt, entry.msgid)) == expected, (
            f"{entry.msgid!r} differs: run python -m config.i18n compile"
        )


def test_model_names_are_translated():
    from accounts.models import Cohort

    with translation.override("zh-hans"):
        assert str(Cohort._meta.verbose_name) == "班级"


def test_the_error_pages_exist_in_both_languages(db, client_for):
    for language, text in [("en", "Page not found"), ("zh-hans", "页面不存在")]:
        response = client_for(None, language=language).get("/no-such-page/")
        assert response.status_code == 404
        assert text in response.content.decode()
