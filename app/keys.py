"""Keys and the public files exchanged once between a village and its township.

A village has one Ed25519 key (made at ``cunwu init``) that signs its bundles
and certificates. A township has an Ed25519 key that signs receipts and an
X25519 key that bundles are encrypted to. Private keys are PEM files readable
by the owner only and never written anywhere else; the public halves travel
as small JSON files whose fingerprint is read aloud over the phone to check
that the file that arrived is the one that was sent.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from app.errors import UserError
from app.i18n import _

KEY_DIR = "keys"
VILLAGE_KEY = "village-ed25519.pem"
TRUSTED_TOWNSHIP = "township.json"
TOWNSHIP_SIGNING_KEY = "township-ed25519.pem"
TOWNSHIP_BOX_KEY = "township-x25519.pem"

IDENTITY_FORMAT = "cunwu-village-identity"
TOWNSHIP_FORMAT = "cunwu-township-key"
PUBLIC_FILE_VERSION = 1
MAX_PUBLIC_FILE = 64 * 1024


class KeyFileError(UserError):
    """A key or key file cannot be used; the message says what to do."""


def raw_public(key: Ed25519PublicKey | X25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str, length: int) -> bytes:
    try:
        data = base64.b64decode(text, validate=True)
    except (ValueError, TypeError) as exc:
        raise ValueError("not base64") from exc
    if len(data) != length:
        raise ValueError("wrong length")
    return data


def fingerprint(*public_keys: bytes) -> str:
    """Six groups of four digits: easy to read over the phone and to compare on paper."""
    digest = hashlib.sha256(b"cunwu-fingerprint-v1" + b"".join(public_keys)).digest()
    digits = f"{int.from_bytes(digest[:16], 'big') % 10**24:024d}"
    return " ".join(digits[i:i + 4] for i in range(0, 24, 4))


def _now() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def _private_dir(base: Path) -> Path:
    d = base / KEY_DIR
    d.mkdir(parents=True, exist_ok=True)
    try:
        os.chmod(d, 0o700)
    except OSError:  # some file systems have no permission bits; the file mode below still applies where it can
        pass
    return d


def _write_private(path: Path, pem: bytes) -> None:
    """Create the key file owner-only from the first byte; never overwrite an existing key. A disk that is
    full or read-only gives the one plain message (app.files.WriteFailed) and leaves no key file behind."""
    from app.files import write_failed

    tmp = path.with_name(path.name + ".tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            if os.write(fd, pem) != len(pem):
                raise OSError(28, os.strerror(28))  # a short write: the disk filled up
            os.fsync(fd)
        finally:
            os.close(fd)
        os.chmod(tmp, 0o600)
        os.link(tmp, path)  # fails if a key appeared meanwhile: an existing key is never replaced
    except FileExistsError:
        raise
    except OSError as exc:
        raise write_failed(exc, path) from exc
    finally:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass


def _pem(key: Ed25519PrivateKey | X25519PrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def _load_private(path: Path) -> Any:
    try:
        return serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError) as exc:
        raise KeyFileError(_("密钥文件 {path} 无法读取或已损坏。请从备份恢复整个数据目录,或联系乡镇重新登记。").format(
            path=path)) from exc


# ---------------------------------------------------------------- the village


def village_key_path(data_dir: Path) -> Path:
    return data_dir / KEY_DIR / VILLAGE_KEY


def ensure_village_key(data_dir: Path) -> Ed25519PrivateKey:
    """The village's signing key, made on first use (``cunwu init``, the set-up wizard, the demo)."""
    path = village_key_path(data_dir)
    if path.exists():
        return load_village_key(data_dir)
    _private_dir(data_dir)
    key = Ed25519PrivateKey.generate()
    try:
        _write_private(path, _pem(key))
    except FileExistsError:
        return load_village_key(data_dir)
    return key


def load_village_key(data_dir: Path) -> Ed25519PrivateKey:
    path = village_key_path(data_dir)
    if not path.exists():
        raise KeyFileError(_("本村还没有密钥。请先运行 cunwu init 建立本村资料(会同时生成密钥)。"))
    key = _load_private(path)
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFileError(_("密钥文件 {path} 不是本程序生成的村密钥。").format(path=path))
    return key


def village_fingerprint(data_dir: Path) -> str:
    return fingerprint(raw_public(load_village_key(data_dir).public_key()))


@dataclass(frozen=True)
class VillageIdentity:
    code: str
    name: str
    township: str
    public_key: bytes  # raw Ed25519

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public_key)

    def verifier(self) -> Ed25519PublicKey:
        return Ed25519PublicKey.from_public_bytes(self.public_key)


def write_identity_file(data_dir: Path, path: Path, *, code: str, name: str, township: str) -> VillageIdentity:
    pub = raw_public(load_village_key(data_dir).public_key())
    ident = VillageIdentity(code=code, name=name, township=township, public_key=pub)
    doc = {"format": IDENTITY_FORMAT, "version": PUBLIC_FILE_VERSION, "village_code": code,
           "village_name": name, "township": township, "ed25519": b64(pub),
           "fingerprint": ident.fingerprint, "created": _now()}
    _write_public(path, doc)
    return ident


def read_identity_file(path: Path) -> VillageIdentity:
    doc = _read_public(path, IDENTITY_FORMAT, _("村身份文件"))
    try:
        pub = unb64(doc["ed25519"], 32)
        ident = VillageIdentity(code=str(doc["village_code"]), name=str(doc["village_name"]),
                                township=str(doc.get("township", "")), public_key=pub)
    except (KeyError, ValueError, TypeError) as exc:
        raise KeyFileError(_("{path} 里的村身份信息不完整或已损坏。请让村里重新导出(cunwu keys export-public)。").format(
            path=path)) from exc
    if doc.get("fingerprint") != ident.fingerprint:
        raise KeyFileError(_("{path} 的指纹与其中的公钥不符,文件已损坏或被改动。请让村里重新导出。").format(path=path))
    return ident


# ---------------------------------------------------------------- the township


@dataclass(frozen=True)
class TownshipKey:
    name: str
    signing_public: bytes  # raw Ed25519: verifies receipts
    box_public: bytes      # raw X25519: bundles are encrypted to it

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.signing_public, self.box_public)

    def verifier(self) -> Ed25519PublicKey:
        return Ed25519PublicKey.from_public_bytes(self.signing_public)

    def box(self) -> X25519PublicKey:
        return X25519PublicKey.from_public_bytes(self.box_public)


@dataclass
class TownshipSecrets:
    name: str
    signing: Ed25519PrivateKey
    box: X25519PrivateKey

    @property
    def public(self) -> TownshipKey:
        return TownshipKey(self.name, raw_public(self.signing.public_key()), raw_public(self.box.public_key()))


def create_township_keys(hub_dir: Path, name: str) -> TownshipSecrets:
    d = _private_dir(hub_dir)
    if (d / TOWNSHIP_SIGNING_KEY).exists() or (d / TOWNSHIP_BOX_KEY).exists():
        raise KeyFileError(_("这个目录里已经有乡镇密钥,不会覆盖。"))
    secrets = TownshipSecrets(name, Ed25519PrivateKey.generate(), X25519PrivateKey.generate())
    _write_private(d / TOWNSHIP_SIGNING_KEY, _pem(secrets.signing))
    _write_private(d / TOWNSHIP_BOX_KEY, _pem(secrets.box))
    return secrets


def load_township_keys(hub_dir: Path, name: str) -> TownshipSecrets:
    d = hub_dir / KEY_DIR
    signing, box = _load_private(d / TOWNSHIP_SIGNING_KEY), _load_private(d / TOWNSHIP_BOX_KEY)
    if not isinstance(signing, Ed25519PrivateKey) or not isinstance(box, X25519PrivateKey):
        raise KeyFileError(_("乡镇密钥文件不是本程序生成的。"))
    return TownshipSecrets(name, signing, box)


def write_township_file(key: TownshipKey, path: Path) -> None:
    _write_public(path, {"format": TOWNSHIP_FORMAT, "version": PUBLIC_FILE_VERSION, "township": key.name,
                         "ed25519": b64(key.signing_public), "x25519": b64(key.box_public),
                         "fingerprint": key.fingerprint, "created": _now()})


def read_township_file(path: Path) -> TownshipKey:
    doc = _read_public(path, TOWNSHIP_FORMAT, _("乡镇公钥文件"))
    try:
        key = TownshipKey(str(doc["township"]), unb64(doc["ed25519"], 32), unb64(doc["x25519"], 32))
    except (KeyError, ValueError, TypeError) as exc:
        raise KeyFileError(_("{path} 里的乡镇公钥不完整或已损坏。请向乡镇重新索取(cunwu hub key export)。").format(
            path=path)) from exc
    if doc.get("fingerprint") != key.fingerprint:
        raise KeyFileError(_("{path} 的指纹与其中的公钥不符,文件已损坏或被改动。请向乡镇重新索取。").format(path=path))
    return key


def trust_township(data_dir: Path, source: Path) -> TownshipKey:
    """Install the township's public key file in the village (replacing an older one)."""
    key = read_township_file(source)
    _private_dir(data_dir)
    _write_public(data_dir / KEY_DIR / TRUSTED_TOWNSHIP, {
        "format": TOWNSHIP_FORMAT, "version": PUBLIC_FILE_VERSION, "township": key.name,
        "ed25519": b64(key.signing_public), "x25519": b64(key.box_public), "fingerprint": key.fingerprint,
        "created": _now()})
    return key


def trusted_township(data_dir: Path) -> TownshipKey | None:
    path = data_dir / KEY_DIR / TRUSTED_TOWNSHIP
    return read_township_file(path) if path.exists() else None


# ---------------------------------------------------------------- public files


def _write_public(path: Path, doc: dict[str, Any]) -> None:
    from app.files import write_atomic

    from app.files import write_failed

    try:
        write_atomic(path, (json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8"))
    except OSError as exc:  # the one plain message for a file that could not be written
        raise KeyFileError(str(write_failed(exc, path))) from exc


def _read_public(path: Path, expected: str, what: str) -> dict[str, Any]:
    from app.files import read_small_json

    try:
        doc = read_small_json(path, MAX_PUBLIC_FILE)
        if not isinstance(doc, dict):
            raise ValueError("not an object")
    except OSError as exc:
        raise KeyFileError(_("无法读取 {path}({reason})。").format(path=path, reason=exc.strerror or exc)) from exc
    except ValueError as exc:
        raise KeyFileError(_("{path} 不是{what}。请确认选对了文件。").format(path=path, what=what)) from exc
    if doc.get("format") != expected:
        raise KeyFileError(_("{path} 不是{what}。请确认选对了文件。").format(path=path, what=what))
    if doc.get("version") != PUBLIC_FILE_VERSION:
        raise KeyFileError(_("{path} 的版本({version})本程序不认识。请升级村务软件。").format(
            path=path, version=str(doc.get("version"))[:20]))
    return doc
