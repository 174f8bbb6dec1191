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


def _structure(node, found):
    """The structure types (H1, Table, TH, …) under a tagged PDF's structure node."""
    node = node.get_object()
    if "/S" in node:
        found.add(str(node["/S"])[1:])
    kids = node.get("/K")
    for kid in kids if isinstance(kids, list) else [kids]:
        kid = kid.get_object() if hasattr(kid, "get_object") else kid
        if isinstance(kid, dict):
            _structure(kid, found)
    return found


PDF_URLS = [
    "events:participant_pdf",
    "reports:funder_report_pdf",
    "support:plan_version_pdf",
    "support:meetings_summary_pdf",
    "clips:scenario_pdf",
]


@pytest.mark.django_db
@pytest.mark.parametrize("name", PDF_URLS)
def test_every_pdf_is_tagged_with_its_language_title_headings_and_table_headers(
    client, world, name
):
    from django.urls import reverse

    from tests.partnerships.test_access import CASES, _objects

    client.force_login(world.staff)
    response = client.get(reverse(name, kwargs=CASES[name][0](world, _objects(world))))
    reader = PdfReader(io.BytesIO(response.content))
    catalog = reader.trailer["/Root"]
    assert catalog["/MarkInfo"]["/Marked"]  # pdfinfo: "Tagged: yes"
    assert catalog["/Lang"] == "pl"
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"]
    assert (
        reader.metadata.title
        and 'pdfuaid:part="1"' in reader.xmp_metadata.stream.get_data().decode()
    )
    tags = _structure(catalog["/StructTreeRoot"], set())
    assert "H1" in tags
    if name != "clips:scenario_pdf":  # the scenario is a heading and its text
        assert {"Table", "TH"} <= tags
