"""The backup file format: a gzip stream sealed with AES-256-GCM, and its manifest.

A backup is two files side by side (docs/backups.md):
- `NAME.backup`: MAGIC (8 bytes) | format (1 byte) | nonce (12 bytes) | ciphertext | tag (16 bytes);
- `NAME.manifest.json`: when, which database, its schema revision, sizes, and the SHA-256 of
  `NAME.backup`.

Every field of the manifest but the checksum and the sealed size (which describe the result) is
the GCM associated data: changing one of them, or one byte of the backup, fails the tag. The key
comes from the settings and is never written anywhere by this module.
"""

from __future__ import annotations

import hashlib
import json
import os
import zlib
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from oktra.core.errors import ConfigError, OktraError
from oktra.settings import Settings, backup_key_bytes

MAGIC = b"OKTRABAK"
FORMAT_VERSION = 1
HEADER = MAGIC + bytes([FORMAT_VERSION])
NONCE_BYTES = 12
TAG_BYTES = 16
CHUNK = 1024 * 1024
GZIP_WBITS = 31
BACKUP_SUFFIX = ".backup"
MANIFEST_SUFFIX = ".manifest.json"
UNAUTHENTICATED = ("sealed_bytes", "sha256")


class BackupError(OktraError):
    """A backup cannot be made, read or trusted; the message says why in one line."""


@dataclass(frozen=True)
class Manifest:
    """What a backup holds; all but its checksum and sealed size is authenticated by GCM."""

    name: str
    created_at: str
    database: str
    schema_revision: str | None
    snapshot_bytes: int
    format: int = FORMAT_VERSION
    compression: str = "gzip"
    cipher: str = "AES-256-GCM"
    sealed_bytes: int = 0
    sha256: str = ""

    def associated_data(self) -> bytes:
        """The canonical bytes GCM authenticates with the ciphertext."""
        fields = {k: v for k, v in asdict(self).items() if k not in UNAUTHENTICATED}
        return HEADER + json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()

    def to_json(self) -> str:
        """The manifest file's text."""
        return json.dumps(asdict(self), indent=2, sort_keys=True) + "\n"

    @property
    def created(self) -> datetime:
        """When the snapshot was taken (UTC)."""
        return datetime.fromisoformat(self.created_at)

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        """Read a manifest file's text; BackupError when it is not one."""
        try:
            data = json.loads(text)
            manifest = cls(**data)
            manifest.created  # noqa: B018 - parses the date, or raises
        except (ValueError, TypeError) as exc:
            raise BackupError("the manifest is malformed") from exc
        if manifest.format != FORMAT_VERSION:
            raise BackupError(f"backup format {manifest.format} is not readable by this version")
        return manifest


def backup_key(settings: Settings) -> bytes:
    """The AES-256 key from OKTRA_BACKUP_KEY or OKTRA_BACKUP_KEY_FILE; ConfigError without one."""
    text = settings.backup_key.get_secret_value()
    if not text and settings.backup_key_file:
        key_file = Path(settings.backup_key_file)
        if key_file.resolve().is_relative_to(Path(settings.backup_dir).resolve()):
            raise ConfigError("backup_key_file", "the key is never kept in OKTRA_BACKUP_DIR")
        try:
            text = key_file.read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError("backup_key_file", f"cannot read it ({exc.strerror})") from None
        if backup_key_bytes(text) is None:
            raise ConfigError("backup_key_file", "does not hold 32 random bytes in base64")
    if not text:
        raise ConfigError(
            "backup_key", "not set: backups are encrypted (32 random bytes in base64)"
        )
    key = backup_key_bytes(text)
    assert key is not None  # the settings validated it
    return key


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file, in hex."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def seal(plain: Path, sealed: Path, *, key: bytes, manifest: Manifest) -> Manifest:
    """Compress and encrypt `plain` into `sealed`; the manifest with its checksum filled in."""
    nonce = os.urandom(NONCE_BYTES)
    encryptor = Cipher(algorithms.AES(key), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(manifest.associated_data())
    compressor = zlib.compressobj(level=6, wbits=GZIP_WBITS)
    digest = hashlib.sha256()
    with plain.open("rb") as source, sealed.open("xb") as target:

        def emit(data: bytes) -> None:
            target.write(data)
            digest.update(data)

        emit(HEADER + nonce)
        while chunk := source.read(CHUNK):
            emit(encryptor.update(compressor.compress(chunk)))
        emit(encryptor.update(compressor.flush()) + encryptor.finalize() + encryptor.tag)
        target.flush()
        os.fsync(target.fileno())
    return replace(manifest, sealed_bytes=sealed.stat().st_size, sha256=digest.hexdigest())


def unseal(sealed: Path, *, key: bytes, manifest: Manifest, plain: Path | None = None) -> None:
    """Check and decrypt a backup, into `plain` when given; BackupError on any mismatch.

    The plaintext written before the tag is checked is only used once this returns.
    """
    size = sealed.stat().st_size
    if size != manifest.sealed_bytes or file_sha256(sealed) != manifest.sha256:
        raise BackupError(f"{sealed.name}: checksum differs from the manifest (altered or cut)")
    with sealed.open("rb") as source:
        if source.read(len(HEADER)) != HEADER:
            raise BackupError(f"{sealed.name}: not an OKTRA backup of format {FORMAT_VERSION}")
        nonce = source.read(NONCE_BYTES)
        source.seek(size - TAG_BYTES)
        tag = source.read(TAG_BYTES)
        source.seek(len(HEADER) + NONCE_BYTES)
        remaining = size - len(HEADER) - NONCE_BYTES - TAG_BYTES
        decryptor = Cipher(algorithms.AES(key), modes.GCM(nonce, tag)).decryptor()
        decryptor.authenticate_additional_data(manifest.associated_data())
        decompressor = zlib.decompressobj(wbits=GZIP_WBITS)
        written = 0
        with plain.open("xb") if plain else open(os.devnull, "wb") as target:
            try:
                while remaining > 0:
                    chunk = source.read(min(CHUNK, remaining))
                    remaining -= len(chunk)
                    data = decompressor.decompress(decryptor.update(chunk))
                    written += target.write(data)
                decryptor.finalize()
            except (InvalidTag, zlib.error):
                raise BackupError(
                    f"{sealed.name}: authentication failed (wrong key, or the backup or its "
                    "manifest was altered)"
                ) from None
    if not decompressor.eof or written != manifest.snapshot_bytes:
        raise BackupError(f"{sealed.name}: the snapshot's size differs from the manifest")


def manifest_path(backup: Path) -> Path:
    """The manifest beside a backup file."""
    return backup.with_name(backup.name.removesuffix(BACKUP_SUFFIX) + MANIFEST_SUFFIX)


def read_manifest(backup: Path) -> Manifest:
    """The manifest beside a backup; BackupError when missing or malformed."""
    path = manifest_path(backup)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        raise BackupError(f"{path.name}: no manifest beside the backup") from None
    manifest = Manifest.from_json(text)
    if manifest.name != backup.name.removesuffix(BACKUP_SUFFIX):
        raise BackupError(f"{path.name}: the manifest names another backup ({manifest.name})")
    return manifest
