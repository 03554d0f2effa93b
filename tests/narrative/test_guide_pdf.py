"""``minga guide-pdf``: the printable guide printed by Chromium."""

import shutil

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(not shutil.which("chromium"), reason="Chromium is not installed")
def test_guide_pdf_writes_a_pdf_of_the_languages_guide(tmp_path):
    target = tmp_path / "guide-pt.pdf"
    call_command("guide_pdf", "pt", str(target))
    content = target.read_bytes()
    assert content.startswith(b"%PDF-")
    assert len(content) > 20_000


def test_guide_pdf_says_so_when_the_browser_cannot_run(tmp_path):
    with pytest.raises(CommandError, match=r"Chromium could not print the guide: .*No such file"):
        call_command("guide_pdf", "es", str(tmp_path / "x.pdf"), "--browser", str(tmp_path / "no-browser"))
    assert not (tmp_path / "x.pdf").exists()
