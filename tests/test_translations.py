"""The compiled Polish catalogue in git matches its .po file, so users see the translations
the .po promises (run `make messages` after editing the .po)."""

import gettext
from pathlib import Path

import polib
from django.conf import settings

PO = Path(settings.BASE_DIR) / "locale" / "pl" / "LC_MESSAGES" / "django.po"


def test_polish_mo_is_compiled_from_the_current_po():
    po = polib.pofile(str(PO))
    with PO.with_suffix(".mo").open("rb") as handle:
        mo = gettext.GNUTranslations(handle)
    stale = [
        entry.msgid
        for entry in po.translated_entries()
        if not entry.msgid_plural and not entry.msgctxt and mo.gettext(entry.msgid) != entry.msgstr
    ]
    assert not stale, stale[:5]


def test_polish_po_has_no_untranslated_or_fuzzy_entries():
    po = polib.pofile(str(PO))
    assert not po.untranslated_entries()
    assert not po.fuzzy_entries()
