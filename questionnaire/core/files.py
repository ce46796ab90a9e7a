"""Stored files follow their rows. Deleting a row that holds a file (a rendered PDF, an evidence upload) deletes
the file from storage once the deletion commits, however the row goes: on its own, or with its assessment,
organisation or account. `orphan_files` finds the files no row points to (`manage.py prune_orphan_files`,
also run by `prune_reports`): left by a crash between writing a file and committing its row, or by older
releases."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.apps import apps
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models.signals import post_delete
from django.utils import timezone

GRACE = dt.timedelta(hours=1)  # a file this new may belong to a row not committed yet


def file_fields(model) -> list[models.FileField]:
    return [f for f in model._meta.get_fields() if isinstance(f, models.FileField)]


def models_with_files() -> list[tuple[type[models.Model], list[models.FileField]]]:
    return [(model, fields) for model in apps.get_models() if (fields := file_fields(model))]


def delete_files_of(sender, instance, **kwargs) -> None:
    for field in file_fields(sender):
        stored = getattr(instance, field.attname)
        if stored and stored.name:
            name, storage = stored.name, stored.storage
            transaction.on_commit(lambda name=name, storage=storage: storage.delete(name))


def connect() -> None:
    """Called from the app's ready(): every model with a file field, in every app."""
    for model, _ in models_with_files():
        post_delete.connect(delete_files_of, sender=model, dispatch_uid=f"delete_files_of_{model._meta.label}")


def _walk(storage, folder: str) -> Iterator[str]:
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{folder}/{name}" if folder else name
    for sub in folders:
        yield from _walk(storage, f"{folder}/{sub}" if folder else sub)


def orphan_files(storage=None) -> list[str]:
    """Files under the folders of our file fields that no row points to (and older than GRACE)."""
    storage = storage or default_storage
    referenced: set[str] = set()
    folders: set[str] = set()
    for model, fields in models_with_files():
        for field in fields:
            folders.add(str(field.upload_to).strip("/").split("/")[0])
            referenced.update(name for name in model._default_manager.exclude(**{field.attname: ""})
                              .values_list(field.attname, flat=True) if name)
    cutoff = timezone.now() - GRACE
    orphans = []
    for folder in sorted(folders):
        for name in _walk(storage, folder):
            if name not in referenced and storage.get_modified_time(name) < cutoff:
                orphans.append(name)
    return orphans
