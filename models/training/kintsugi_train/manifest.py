"""Read-modify-write of models/manifest.json, shared by every export so entries merge by id.

The manifest is the contract between training and the app (see ../shared/DESIGN.md, "Model contract").
Writes are atomic (temp file + fsync + rename) and serialised with a lock file, because the inpainting
and detector exports may run at the same time.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
from pathlib import Path

MODELS_DIR = Path(__file__).resolve().parents[2]
MANIFEST = MODELS_DIR / "manifest.json"


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def load(manifest: Path = MANIFEST) -> dict:
    if manifest.exists():
        return json.loads(manifest.read_text())
    return {"version": 1, "defaults": {}, "models": []}


def upsert(entry: dict, *, make_default: bool = False, manifest: Path = MANIFEST) -> dict:
    """Insert or replace the entry with the same id; optionally make it the default for its task."""
    def change(data: dict) -> None:
        models = [m for m in data.get("models", []) if m.get("id") != entry["id"]]
        models.append(entry)
        models.sort(key=lambda m: (m.get("task", ""), m.get("id", "")))
        data["models"] = models
        data.setdefault("defaults", {})
        if make_default or entry["task"] not in data["defaults"]:
            data["defaults"][entry["task"]] = entry["id"]
    return _update(manifest, change)


def set_prints(owner_id: str, prints_id: str, *, manifest: Path = MANIFEST) -> dict:
    """Make `prints_id` the detector for old prints of detect-damage model `owner_id` (its entry's `prints`)."""
    def change(data: dict) -> None:
        owner = next((m for m in data.get("models", []) if m.get("id") == owner_id), None)
        if owner is None or owner.get("task") != "detect-damage":
            raise ValueError(f"no detect-damage model {owner_id!r} in {manifest}")
        owner["prints"] = prints_id
    return _update(manifest, change)


def _update(manifest: Path, change) -> dict:
    """Read, change and atomically rewrite the manifest under an exclusive lock."""
    lock_path = manifest.with_suffix(".lock")
    with open(lock_path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        data = load(manifest)
        change(data)
        tmp = manifest.with_suffix(".json.tmp")
        with open(tmp, "w") as f:
            json.dump(data, f, indent=2)
            f.write("\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, manifest)
    return data
