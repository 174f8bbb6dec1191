import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from portal.uploads import validate_document

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "name, content",
    [("plan.pdf", PDF), ("zdjecie.PNG", b"\x89PNG\r\n\x1a\n" + b"0" * 20), ("opis.docx", _docx())],
)
def test_validate_document_accepts_files_whose_content_matches(name, content):
    validate_document(SimpleUploadedFile(name, content))


def test_validate_document_refuses_a_renamed_executable():
    with pytest.raises(ValidationError, match="PDF"):
        validate_document(SimpleUploadedFile("faktura.pdf", b"MZ\x90\x00" + b"0" * 40))


def test_validate_document_refuses_a_zip_posing_as_docx():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.sh", "rm -rf /")
    with pytest.raises(ValidationError):
        validate_document(SimpleUploadedFile("opis.docx", buffer.getvalue()))


def test_validate_document_refuses_unknown_extensions():
    with pytest.raises(ValidationError):
        validate_document(SimpleUploadedFile("skrypt.html", b"<script>alert(1)</script>"))


def test_validate_document_refuses_files_over_the_limit(settings):
    settings.UPLOAD_MAX_BYTES = 10
    with pytest.raises(ValidationError):
        validate_document(SimpleUploadedFile("plan.pdf", PDF))
