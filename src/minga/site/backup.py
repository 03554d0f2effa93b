"""Backup and restore of a whole Minga: every table's rows and every stored file, in one archive.

The archive is a gzipped tar holding ``manifest.json`` (format, date, database vendor, the migration
state, rows per model, a SHA-256 of every file), ``data.json`` (Django's serialised rows, the same on SQLite and
PostgreSQL) and ``media/`` (the uploaded documents). Rows keep their own keys, so that a restore gives back the very same state.

A restore is all or nothing: the archive is read and checked completely before the database is touched,
the rows are replaced inside one transaction, and the files are unpacked beside MEDIA_ROOT and swapped
in only once the rows are in.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import tarfile
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, time
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import management, serializers
from django.core.serializers.json import Serializer as JSONSerializer
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from minga.common.cache import DOMAINS, bump

FORMAT = "minga-backup/1"
# Rows that migrate recreates, or that belong to a running server rather than to the platform's record.
# Sessions belong to a running server, not to the platform's record. Content types and permissions are
# kept with their own keys: a restore needs the same migration state, so they are the same set.
LEFT_OUT = ("sessions.Session", "site.TaskWorker")  # sessions; the job workers' heartbeats (of processes, not data)
MAX_MEMBER_BYTES = 4 * 1024**3  # a single file larger than this is not one of ours


class BackupRefused(Exception):
    """The archive cannot be restored here; the message says why. Nothing was changed."""


@dataclass
class BackupReport:
    rows: dict[str, int] = field(default_factory=dict)
    files: int = 0

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


def _models():
    left_out = {label.lower() for label in LEFT_OUT}
    for model in apps.get_models():
        if model._meta.label_lower in left_out or not model._meta.managed or model._meta.proxy:
            continue
        yield model


def _migration_state(using: str) -> list[list[str]]:
    recorder = MigrationRecorder(connections[using])
    return sorted([app, name] for app, name in recorder.applied_migrations())


def _media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    if not root.exists():
        return []
    return sorted(path for path in root.rglob("*") if path.is_file())


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _add_bytes(archive: tarfile.TarFile, name: str, content: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(content)
    info.mtime = int(timezone.now().timestamp())
    archive.addfile(info, io.BytesIO(content))


class ExactJSONSerializer(JSONSerializer):
    """Django's JSON serialiser keeps milliseconds only (its encoder cuts microseconds): a row written at
    12:00:00.000456 would come back at 12:00:00. Times and datetimes are written here in full."""

    def _value_from_field(self, obj, field):
        value = field.value_from_object(obj)
        if isinstance(value, datetime | time):
            return value.isoformat()
        return super()._value_from_field(obj, field)


def serialise_rows(using: str = DEFAULT_DB_ALIAS) -> tuple[bytes, dict[str, int]]:
    """Every row of every model as JSON, in primary-key order, and the count per model."""
    rows: dict[str, int] = {}
    objects = []
    for model in _models():
        queryset = model._base_manager.using(using).order_by(model._meta.pk.name)
        rows[model._meta.label] = queryset.count()
        objects.append(queryset.iterator(chunk_size=2000))

    def all_objects():
        for chunk in objects:
            yield from chunk

    stream = io.StringIO()
    ExactJSONSerializer().serialize(all_objects(), stream=stream)
    return stream.getvalue().encode(), rows


def make_backup(output: Path, *, using: str = DEFAULT_DB_ALIAS) -> BackupReport:
    """Write the archive to ``output`` (through a temporary file, so a half-written archive never exists)."""
    output = Path(output)
    data, rows = serialise_rows(using)
    root = Path(settings.MEDIA_ROOT)
    files = _media_files()
    manifest = {
        "format": FORMAT,
        "created": timezone.now().isoformat(),
        "database_vendor": connections[using].vendor,
        "migrations": _migration_state(using),
        "rows": rows,
        "files": {path.relative_to(root).as_posix(): _sha256(path) for path in files},
    }
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=output.parent, prefix=".backup-", delete=False) as handle:
        temporary = Path(handle.name)
    try:
        with tarfile.open(temporary, "w:gz") as archive:
            _add_bytes(archive, "manifest.json", json.dumps(manifest, indent=1, sort_keys=True).encode())
            _add_bytes(archive, "data.json", data)
            for path in files:
                archive.add(path, arcname="media/" + path.relative_to(root).as_posix(), recursive=False)
        temporary.replace(output)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return BackupReport(rows=rows, files=len(files))


def _read_archive(path: Path, media_target: Path) -> tuple[dict, bytes]:
    """The manifest and rows of the archive; its files unpacked under ``media_target``, each checked."""
    try:
        manifest, data = _unpack(path, media_target)
    except (OSError, EOFError, tarfile.TarError, ValueError) as error:
        raise BackupRefused(f"{path} is not a Minga backup (not a readable .tar.gz: {error}).") from error
    if manifest is None or data is None:
        raise BackupRefused(f"{path} has no manifest.json or data.json: not a Minga backup.")
    if manifest.get("format") != FORMAT:
        raise BackupRefused(f"{path} is a backup of format {manifest.get('format')!r}; this Minga reads {FORMAT}.")
    for name, digest in manifest.get("files", {}).items():
        unpacked = media_target / name
        if not unpacked.exists() or _sha256(unpacked) != digest:
            raise BackupRefused(f"The file {name} in the archive is missing or damaged.")
    return manifest, data


def _unpack(path: Path, media_target: Path) -> tuple[dict | None, bytes | None]:
    manifest = data = None
    with tarfile.open(path, "r:gz") as archive:
        for member in archive:
            if member.size > MAX_MEMBER_BYTES:
                raise BackupRefused(f"{member.name} is larger than any file Minga stores.")
            if member.name == "manifest.json":
                manifest = json.loads(archive.extractfile(member).read())
            elif member.name == "data.json":
                data = archive.extractfile(member).read()
            elif member.name.startswith("media/") and member.isfile():
                relative = Path(member.name[len("media/"):])
                if relative.is_absolute() or ".." in relative.parts:
                    raise BackupRefused(f"{member.name} points outside the media folder.")
                target = media_target / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                with archive.extractfile(member) as source, target.open("wb") as sink:
                    shutil.copyfileobj(source, sink)
            else:
                raise BackupRefused(f"{member.name} is not part of a Minga backup.")
    return manifest, data


def restore_backup(path: Path, *, using: str = DEFAULT_DB_ALIAS) -> BackupReport:
    """Replace every row and stored file with the archive's. Refused, with nothing changed, if the archive
    was made at another migration state or is damaged."""
    media_root = Path(settings.MEDIA_ROOT)
    media_root.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=media_root.parent, prefix=".restore-"))
    try:
        manifest, data = _read_archive(Path(path), staging)
        here = _migration_state(using)
        if manifest["migrations"] != here:
            missing = {tuple(m) for m in manifest["migrations"]} ^ {tuple(m) for m in here}
            first = ", ".join(".".join(m) for m in sorted(missing)[:3])
            raise BackupRefused(
                "The backup was made at another migration state than this database's (differing: "
                f"{first}…). Run `minga setup` on the same Minga version the backup was made with.")
        with transaction.atomic(using=using):
            _empty_tables(using)
            objects = list(serializers.deserialize("json", data, using=using, handle_forward_references=True))
            for item in objects:
                item.save(using=using)
            for item in objects:
                if item.deferred_fields:
                    item.save_deferred_fields(using=using)
            _reset_sequences(using)
            restored = {label: apps.get_model(label)._base_manager.using(using).count()
                        for label in manifest["rows"]}
            if restored != manifest["rows"]:
                raise BackupRefused("The archive's rows do not match its manifest; nothing was restored.")
        previous = media_root.with_name(media_root.name + ".before-restore")
        shutil.rmtree(previous, ignore_errors=True)
        if media_root.exists():
            media_root.rename(previous)
        staging.rename(media_root)
        shutil.rmtree(previous, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    _forget_cached_pages()
    return BackupReport(rows=restored, files=len(manifest.get("files", {})))


def _empty_tables(using: str) -> None:
    connection = connections[using]
    tables = [model._meta.db_table for model in _models()]
    tables += [field.remote_field.through._meta.db_table for model in _models()
               for field in model._meta.local_many_to_many if field.remote_field.through._meta.auto_created]
    statements = connection.ops.sql_flush(management.color.no_style(), tables, reset_sequences=False,
                                          allow_cascade=False)
    if connection.vendor == "postgresql":
        # TRUNCATE refuses a table with deferred checks pending in this transaction: run them first,
        # then defer again for the load, whose rows refer to each other in any order.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            connection.ops.execute_sql_flush(statements)
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    else:
        connection.ops.execute_sql_flush(statements)


def _reset_sequences(using: str) -> None:
    connection = connections[using]
    statements = connection.ops.sequence_reset_sql(management.color.no_style(), list(_models()))
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def _forget_cached_pages() -> None:
    bump(*DOMAINS)
