"""`minga backup` and `minga restore`: a round trip gives back exactly the rows and files backed up,
and a bad archive changes nothing."""

import io
import json
import tarfile
from datetime import UTC, date, datetime

import pytest
from django.core.management import CommandError, call_command

from minga.accounts.models import User
from minga.capacity.models import KitResource
from minga.capacity.services import ResourceInput, resource_add
from minga.portfolio.models import Project
from minga.reference.models import Organisation
from minga.site.backup import serialise_rows
from tests import office_files as files

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "projects" / "1").mkdir(parents=True)
    (settings.MEDIA_ROOT / "projects" / "1" / "plan.pdf").write_bytes(b"%PDF-1.4 the plan\n")
    return settings.MEDIA_ROOT


def test_a_restore_gives_back_exactly_the_rows_and_files_of_the_backup(media, tmp_path):
    before, counts = serialise_rows()
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", output=archive, stdout=io.StringIO())

    project = Project.all_objects.order_by("pk").first()
    Project.all_objects.filter(pk=project.pk).update(budget_amount=1)
    Organisation.all_objects.create(name="Added after the backup", iati_identifier="XM-TEST-ADDED", organisation_type="22")
    Organisation.all_objects.filter(pk=Organisation.all_objects.order_by("pk").first().pk).update(name="changed")
    (media / "projects" / "1" / "plan.pdf").write_bytes(b"overwritten")
    (media / "stray.txt").write_text("added after the backup")
    assert serialise_rows()[0] != before

    out = io.StringIO()
    call_command("restore", archive, yes=True, stdout=out)

    after, restored_counts = serialise_rows()
    assert after == before
    assert restored_counts == counts
    assert counts["portfolio.Project"] == Project.all_objects.count() > 0
    assert (media / "projects" / "1" / "plan.pdf").read_bytes() == b"%PDF-1.4 the plan\n"
    assert not (media / "stray.txt").exists()
    assert f"restored {sum(counts.values())} rows in {len(counts)} tables and 1 files" in out.getvalue()


def test_new_rows_after_a_restore_take_fresh_keys(media, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", output=archive, stdout=io.StringIO())
    call_command("restore", archive, yes=True, stdout=io.StringIO())
    highest = Organisation.all_objects.order_by("-pk").first()
    created = Organisation.all_objects.create(name="After the restore", iati_identifier="XM-TEST-AFTER", organisation_type="22")
    assert created.pk > highest.pk


def _rewrite(archive, tmp_path, change):
    """A copy of the archive with its manifest changed by ``change``."""
    copy = tmp_path / "changed.tar.gz"
    with tarfile.open(archive, "r:gz") as source, tarfile.open(copy, "w:gz") as target:
        for member in source:
            content = source.extractfile(member).read()
            if member.name == "manifest.json":
                manifest = json.loads(content)
                change(manifest)
                content = json.dumps(manifest).encode()
            member.size = len(content)
            target.addfile(member, io.BytesIO(content))
    return copy


@pytest.mark.parametrize(("change", "message"), [
    (lambda m: m["migrations"].pop(), "The backup was made at another migration state than this database's"),
    (lambda m: m.update(format="other/9"), "is a backup of format 'other/9'; this Minga reads minga-backup/1."),
    (lambda m: m["files"].update({"projects/1/plan.pdf": "0" * 64}), "The file projects/1/plan.pdf in the archive is missing or damaged."),
    (lambda m: m["rows"].update({"portfolio.Project": 1}), "The archive's rows do not match its manifest"),
])
def test_a_bad_archive_is_refused_and_nothing_changes(media, tmp_path, change, message):
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", output=archive, stdout=io.StringIO())
    bad = _rewrite(archive, tmp_path, change)
    Organisation.all_objects.filter(pk=Organisation.all_objects.order_by("pk").first().pk).update(name="kept")
    before = serialise_rows()[0]

    with pytest.raises(CommandError) as refused:
        call_command("restore", bad, yes=True, stdout=io.StringIO())

    assert message in str(refused.value)
    assert str(refused.value).endswith("Nothing was changed.")
    assert serialise_rows()[0] == before
    assert (media / "projects" / "1" / "plan.pdf").read_bytes() == b"%PDF-1.4 the plan\n"


def test_something_that_is_not_an_archive_is_refused(media, tmp_path):
    junk = tmp_path / "junk.tar.gz"
    junk.write_text("not a backup")
    with pytest.raises(CommandError, match="is not a Minga backup"):
        call_command("restore", junk, yes=True, stdout=io.StringIO())


def test_an_archive_reaching_outside_the_media_folder_is_refused(media, tmp_path):
    evil = tmp_path / "evil.tar.gz"
    with tarfile.open(evil, "w:gz") as archive:
        info = tarfile.TarInfo("media/../../escaped.txt")
        info.size = 3
        archive.addfile(info, io.BytesIO(b"bad"))
    with pytest.raises(CommandError, match="points outside the media folder"):
        call_command("restore", evil, yes=True, stdout=io.StringIO())
    assert not (tmp_path / "escaped.txt").exists()


def test_times_come_back_to_the_microsecond(media, tmp_path):
    """Django's JSON serialiser keeps milliseconds only: 12:00:00.000456 came back as 12:00:00."""
    first = Organisation.all_objects.order_by("pk").first()
    exact = datetime(2026, 11, 29, 12, 0, 0, 456, tzinfo=UTC)
    Organisation.all_objects.filter(pk=first.pk).update(created_at=exact)
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", output=archive, stdout=io.StringIO())
    Organisation.all_objects.filter(pk=first.pk).update(created_at=datetime(2000, 1, 1, tzinfo=UTC))
    call_command("restore", archive, yes=True, stdout=io.StringIO())
    assert Organisation.all_objects.get(pk=first.pk).created_at == exact


def test_an_uploaded_kit_resource_comes_back_with_its_file(media, tmp_path):
    """Issue 13: the kit's uploads live under MEDIA_ROOT, so the backup carries them with their rows."""
    resource = resource_add(user=User.objects.get(username="secretaria"), data=ResourceInput(
        series="first-response", title="Módulo 1", kind="module", language="es", audience="front_line", edition=3,
        published_on=date(2026, 1, 10), upload=files.upload("modulo.docx", files.docx_bytes())))
    stored = media / "capacity" / "kit" / "modulo.docx"
    assert stored.read_bytes() == files.docx_bytes()
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", output=archive, stdout=io.StringIO())
    with tarfile.open(archive) as opened:
        assert "media/capacity/kit/modulo.docx" in opened.getnames()

    stored.unlink()
    KitResource.all_objects.filter(pk=resource.pk).delete()
    call_command("restore", archive, yes=True, stdout=io.StringIO())

    back = KitResource.objects.get(pk=resource.pk)
    assert back.file.name == "capacity/kit/modulo.docx"
    assert stored.read_bytes() == files.docx_bytes()
    with back.file.open("rb") as handle:
        assert handle.read() == files.docx_bytes()
