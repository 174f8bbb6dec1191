"""Uploaded files: limited in size and checked by their content, not by their name.

Files live under MEDIA_ROOT (``var/media``), outside the static root, and no URL serves that
folder: each app serves a file through a view that first checks who may see its record."""

import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# extension -> test of the first bytes (and, for Office/ODF files, of the zip's content)
_PDF, _PNG, _JPEG, _ZIP = b"%PDF-", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"PK\x03\x04"


def _zip_has(upload, member: str) -> bool:
    try:
        with zipfile.ZipFile(upload) as archive:
            return member in archive.namelist()
    except zipfile.BadZipFile:
        return False
    finally:
        upload.seek(0)


def _is_ooxml(upload):
    return _zip_has(upload, "[Content_Types].xml")


def _is_odf(upload):
    return _zip_has(upload, "mimetype")


KINDS = {
    "pdf": lambda head, f: head.startswith(_PDF),
    "png": lambda head, f: head.startswith(_PNG),
    "jpg": lambda head, f: head.startswith(_JPEG),
    "jpeg": lambda head, f: head.startswith(_JPEG),
    "docx": lambda head, f: head.startswith(_ZIP) and _is_ooxml(f),
    "xlsx": lambda head, f: head.startswith(_ZIP) and _is_ooxml(f),
    "pptx": lambda head, f: head.startswith(_ZIP) and _is_ooxml(f),
    "odt": lambda head, f: head.startswith(_ZIP) and _is_odf(f),
    "ods": lambda head, f: head.startswith(_ZIP) and _is_odf(f),
}


def validate_document(upload) -> None:
    """Refuse a file that is too large or whose content is not what its extension says."""
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("The file is too large (%(size)s); the limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
        )
    extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    check = KINDS.get(extension)
    allowed = ", ".join(sorted(KINDS))
    if check is None:
        raise ValidationError(_("Allowed files: %(allowed)s.") % {"allowed": allowed})
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not check(head, upload):
        raise ValidationError(
            _("The file's content is not a %(kind)s file. Allowed files: %(allowed)s.")
            % {"kind": extension.upper(), "allowed": allowed}
        )
