import io

import pytest
from pypdf import PdfReader

from portal.pdf import RefusedURL, render_pdf, static_only_fetcher


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org/font.ttf",
        "https://169.254.169.254/latest/meta-data/",
        "file:///etc/passwd",
        "static:../config/settings.py",
        "/static/../../config/settings.py",
        "static:fonts/missing.ttf",
        "data:text/plain,hello",
    ],
)
def test_static_only_fetcher_refuses_anything_but_our_static_files(url):
    with pytest.raises(RefusedURL):
        static_only_fetcher().fetch(url)


@pytest.mark.parametrize("url", ["static:fonts/DejaVuSans.ttf", "/static/fonts/DejaVuSans.ttf"])
def test_static_only_fetcher_serves_shipped_font(url):
    response = static_only_fetcher().fetch(url)
    assert response.read()[:4] == b"\x00\x01\x00\x00"  # a TrueType font


def test_render_pdf_keeps_polish_letters(settings, tmp_path):
    template = tmp_path / "pdf"
    template.mkdir()
    (template / "probe.html").write_text(
        '{% extends "pdf/_base.html" %}{% block body %}<h1>{{ text }}</h1>'
        '<img src="http://example.org/x.png">{% endblock %}',
        encoding="utf-8",
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    pdf = render_pdf("pdf/probe.html", {"text": "Zażółć gęślą jaźń ŻÓŁĆ"})
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Zażółć gęślą jaźń ŻÓŁĆ" in text


def test_font_configuration_reused_in_thread_and_separate_per_thread():
    import threading

    from portal.pdf import font_configuration

    mine = font_configuration()
    assert font_configuration() is mine
    other = []
    thread = threading.Thread(target=lambda: other.append(font_configuration()))
    thread.start()
    thread.join()
    assert other[0] is not mine
