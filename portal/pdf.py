"""Rendering HTML templates to PDF with WeasyPrint, for every app.

Fonts that carry Polish letters (DejaVu Sans) ship in ``static/fonts/`` and are referenced by
``@font-face`` in ``templates/pdf/_base.html`` as ``static:fonts/…``. The URL fetcher serves
only our own static files and refuses everything else, so a template, or data rendered into
it, can never make the server fetch a remote address or read an arbitrary local file.

Each thread keeps one WeasyPrint ``FontConfiguration`` for all its renders. A new one per
render (WeasyPrint's default) loads Fontconfig's system font list and our ``@font-face`` fonts
again every time, and the memory of the old ones is not all given back: measured on the
development plan, a process grew by about 0.25 MB per render, without limit. Reused, the fonts
load once (the ``@font-face`` files are kept under a key of their descriptors) and memory stays
flat after the first renders (``manage.py bench_plan_pdf``). One per thread, because Pango's
font map is not shared safely between threads."""

import atexit
import functools
import logging
import mimetypes
import threading
import weakref
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

STATIC_SCHEME = "static:"


class RefusedURL(ValueError):
    pass


def static_path(url: str) -> Path:
    """The file behind ``static:<path>`` or ``<STATIC_URL><path>``; ``RefusedURL`` otherwise."""
    if url.startswith(STATIC_SCHEME):
        relative = url[len(STATIC_SCHEME) :].lstrip("/")
    else:
        prefix = "/" + settings.STATIC_URL.strip("/") + "/"
        if not url.startswith(prefix):
            raise RefusedURL(f"PDF rendering only loads the portal's static files, not {url!r}")
        relative = url[len(prefix) :]
    relative = relative.split("?")[0].split("#")[0]
    if not relative or ".." in Path(relative).parts:
        raise RefusedURL(f"refused path {url!r}")
    found = finders.find(relative)
    if not found:
        raise RefusedURL(f"no static file {relative!r}")
    return Path(found)


@functools.cache
def _weasyprint():
    """Imported on first use: WeasyPrint is heavy and logs its start-up at INFO, which would
    otherwise show in every management command."""
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    from weasyprint import HTML  # noqa: PLC0415 -- heavy, and logs at import (docstring)
    from weasyprint.urls import URLFetcher, URLFetcherResponse  # noqa: PLC0415 -- as above

    class StaticOnlyFetcher(URLFetcher):
        """WeasyPrint's fetcher, narrowed to our static files: no network, no other files."""

        def fetch(self, url, headers=None):
            path = static_path(url)
            mime_type, _encoding = mimetypes.guess_type(path.name)
            return URLFetcherResponse(
                url,
                body=path.read_bytes(),
                headers={"Content-Type": mime_type or "application/octet-stream"},
            )

    return HTML, StaticOnlyFetcher


_local = threading.local()
_configs = weakref.WeakSet()


@atexit.register
def _remove_font_folders():
    """Remove the configurations' font folders while the interpreter still can (at exit,
    WeasyPrint's own clean-up would run after its module is torn down)."""
    for config in list(_configs):
        config.__del__()
        config._folder = None  # noqa: SLF001 -- __del__ removed it; a second call must not fail


def font_configuration():
    """This thread's WeasyPrint font configuration, made on first use."""
    config = getattr(_local, "font_config", None)
    if config is None:
        _weasyprint()  # configures WeasyPrint's logging before its first import
        from weasyprint.text.fonts import FontConfiguration  # noqa: PLC0415 -- after _weasyprint()

        config = _local.font_config = FontConfiguration()
        _configs.add(config)
    return config


def static_only_fetcher():
    return _weasyprint()[1]()


def render_pdf(template_name: str, context: dict) -> bytes:
    """Render ``template_name`` (a template under ``templates/pdf/``) to PDF bytes.

    Every PDF is PDF/UA-1 (accessible): tagged with the HTML's structure (headings, tables
    with their header cells, paragraphs), its language from ``<html lang>`` and its title
    from ``<title>``, which a reader shows instead of the file name."""
    html_class, fetcher_class = _weasyprint()
    html = render_to_string(template_name, context)
    return html_class(string=html, url_fetcher=fetcher_class()).write_pdf(
        font_config=font_configuration(), pdf_variant="pdf/ua-1"
    )
