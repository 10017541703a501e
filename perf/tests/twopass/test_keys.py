from django.utils import autoreload, translation

from perf.twopass.keys import page_key, template_version


def test_query_order_and_analytics_tags_do_not_change_the_key(rf):
    assert page_key(rf.get("/c/tea/?sort=price&page=2")) == page_key(
        rf.get("/c/tea/?page=2&utm_source=newsletter&sort=price&fbclid=x")
    )


def test_path_query_values_and_host_change_the_key(rf):
    keys = {
        page_key(rf.get("/c/tea/?page=2")),
        page_key(rf.get("/c/tea/?page=3")),
        page_key(rf.get("/c/coffee/?page=2")),
        page_key(rf.get("/c/tea/?page=2", HTTP_HOST="localhost")),
        page_key(rf.get("/c/tea/?page=2", secure=True)),
    }

    assert len(keys) == 5


def test_the_language_changes_the_key(rf):
    with translation.override("en"):
        english = page_key(rf.get("/"))
    with translation.override("fr"):
        french = page_key(rf.get("/"))

    assert english != french


def test_the_page_version_setting_and_the_view_version_change_the_key(rf, settings):
    before = page_key(rf.get("/"))
    assert page_key(rf.get("/"), view_version="2") != before

    settings.PERF = {**settings.PERF, "PAGE_VERSION": "release-42"}

    assert page_key(rf.get("/")) != before


def test_editing_a_template_changes_the_template_version(settings, tmp_path):
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    template = tmp_path / "page.html"
    template.write_text("<h1>{{ item }}</h1>")
    before = template_version()
    assert template_version() == before

    template.write_text("<h2>{{ item }}</h2>")
    autoreload.file_changed.send(sender=None, file_path=template)

    assert template_version() != before
