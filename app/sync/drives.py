"""Find the USB sticks plugged into this computer, so the clerk picks one from a list.

Nothing here may fail the screen that asks: a source that cannot be read
(no /proc, a card reader without a card, a dead stick) is skipped and the
rest is still listed. Every place looked at is a parameter, so tests hand in
a fake tree instead of the machine's own.

Linux (Debian, UOS, Kylin): desktop automounters put sticks under
/media/<user>/<label> (udisks2 on Debian and its derivatives),
/run/media/<user>/<label> (udisks2 elsewhere) or /media/<label> (older
setups); a stick mounted by hand anywhere else is found through /proc/mounts
when its disk says it is removable in /sys/block or is on the USB bus
(/dev/disk/by-id/usb-*; USB hard disks often report removable = 0).
Windows: every drive letter whose type is DRIVE_REMOVABLE.
"""

from __future__ import annotations

import getpass
import logging
import os
import re
import shutil
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.files import human_size as size_text  # the name the sync screen and its tests use
from app.i18n import _

log = logging.getLogger(__name__)

DRIVE_REMOVABLE = 2  # GetDriveTypeW
SEM_FAILCRITICALERRORS = 0x0001
SEM_NOOPENFILEERRORBOX = 0x8000
# system mount points are never offered even when they sit on a USB disk (a system booted from a stick)
_SYSTEM_MOUNTS = ("/", "/boot", "/boot/efi", "/efi", "/home", "/usr", "/var", "/opt", "/tmp")
_OCTAL = re.compile(r"\\([0-7]{3})")


@dataclass(frozen=True)
class Drive:
    path: Path
    label: str
    free: int | None   # bytes; None when the drive cannot be asked
    total: int | None




def drive_text(drive: Drive) -> str:
    """One line for a list of drives: label, where it is, and how much room is left."""
    if drive.free is None:
        return _("{label}({path})").format(label=drive.label, path=drive.path)
    return _("{label}({path}),剩余 {free}").format(label=drive.label, path=drive.path, free=size_text(drive.free))


def list_removable(*, system: str | None = None, user: str | None = None,
                   media_roots: Iterable[Path] | None = None, mounts: Path = Path("/proc/mounts"),
                   sys_block: Path = Path("/sys/block"), disk_dir: Path = Path("/dev/disk"),
                   is_mount: Callable[[Path], bool] = os.path.ismount,
                   usage: Callable[[Path], tuple[int, int] | None] | None = None,
                   kernel32: Any = None) -> list[Drive]:
    """The removable drives mounted now, sorted by where they are; never raises."""
    system = system or sys.platform
    usage = usage or _usage
    try:
        if system.startswith("win"):
            return _windows(kernel32, usage)
        if system.startswith("linux"):
            return _linux(user, media_roots, mounts, sys_block, disk_dir, is_mount, usage)
    except Exception:  # noqa: BLE001 - a list of sticks is a convenience: "none found" beats an error
        log.warning("listing removable drives failed", exc_info=True)
    return []


def _usage(path: Path) -> tuple[int, int] | None:
    try:
        u = shutil.disk_usage(path)
    except OSError:
        return None
    return u.free, u.total


def _drive(path: Path, label: str, usage: Callable[[Path], tuple[int, int] | None]) -> Drive:
    try:
        room = usage(path)
    except Exception:  # noqa: BLE001 - see list_removable
        room = None
    free, total = room if room else (None, None)
    return Drive(path=path, label=label or _("U盘"), free=free, total=total)


# ---------------------------------------------------------------- Linux


@dataclass(frozen=True)
class Mount:
    device: str
    point: Path
    fstype: str


def parse_mounts(text: str) -> list[Mount]:
    """The lines of /proc/mounts; spaces and other bytes in names are octal escapes (\\040)."""
    found = []
    for line in text.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        device, point, fstype = (_unescape(f) for f in fields[:3])
        found.append(Mount(device, Path(point), fstype))
    return found


def _unescape(field: str) -> str:
    if "\\" not in field:
        return field
    raw = _OCTAL.sub(lambda m: chr(int(m.group(1), 8)), field)
    # the kernel escapes single bytes: put UTF-8 names (中文卷标) back together
    try:
        return raw.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return raw


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="surrogateescape")
    except OSError:
        return ""


def _children(folder: Path) -> list[Path]:
    try:
        return sorted(p for p in folder.iterdir() if p.is_dir())
    except OSError:
        return []


def _device_name(device: str) -> str:
    """sdb1 for /dev/sdb1 or for a /dev/disk/by-uuid/... link that points at it."""
    try:
        return Path(os.path.realpath(device)).name
    except (OSError, ValueError):
        return Path(device).name


def _disk_of(name: str, sys_block: Path) -> str:
    """The whole disk a partition belongs to (sdb for sdb1, nvme0n1 for nvme0n1p1), or the name itself."""
    if (sys_block / name).exists():
        return name
    for disk in _children(sys_block):
        if (disk / name).is_dir():
            return disk.name
    return name


def _usb_devices(disk_dir: Path) -> set[str]:
    names: set[str] = set()
    try:
        links = list((disk_dir / "by-id").iterdir())
    except OSError:
        return names
    for link in links:
        if link.name.startswith("usb-"):
            names.add(_device_name(str(link)))
    return names


def _labels(disk_dir: Path) -> dict[str, str]:
    """Device name -> volume label, from /dev/disk/by-label (udev escapes spaces there as \\x20)."""
    labels: dict[str, str] = {}
    try:
        links = list((disk_dir / "by-label").iterdir())
    except OSError:
        return labels
    for link in links:
        label = re.sub(r"\\x([0-9a-fA-F]{2})", lambda m: chr(int(m.group(1), 16)), link.name)
        try:
            label = label.encode("latin-1").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            pass
        labels[_device_name(str(link))] = label
    return labels


def _removable_disk(name: str, sys_block: Path, usb: set[str]) -> bool:
    disk = _disk_of(name, sys_block)
    if name in usb or disk in usb:
        return True
    return _read_text(sys_block / disk / "removable").strip() == "1"


def _linux(user: str | None, media_roots: Iterable[Path] | None, mounts: Path, sys_block: Path, disk_dir: Path,
           is_mount: Callable[[Path], bool], usage: Callable[[Path], tuple[int, int] | None]) -> list[Drive]:
    if media_roots is None:
        try:
            user = user or getpass.getuser()
        except Exception:  # noqa: BLE001 - no user name (odd environments): the shared /media still counts
            user = ""
        roots = [Path("/media") / user, Path("/run/media") / user] if user else []
        roots.append(Path("/media"))
    else:
        roots = list(media_roots)
    table = parse_mounts(_read_text(mounts))
    by_point = {m.point: m for m in table}
    usb = _usb_devices(disk_dir)
    labels = _labels(disk_dir)

    found: dict[Path, str] = {}
    for root in roots:
        for child in _children(root):
            if child in roots:  # /media/<user> is a folder of mounts, not a mount itself
                continue
            if child in by_point or _safe(is_mount, child):
                mount = by_point.get(child)
                label = labels.get(_device_name(mount.device)) if mount and mount.device.startswith("/dev/") else None
                found.setdefault(child, label or child.name)
    for m in table:
        if m.point in found or not m.device.startswith("/dev/") or str(m.point) in _SYSTEM_MOUNTS:
            continue
        name = _device_name(m.device)
        if name.startswith(("loop", "ram", "zram", "dm-", "sr")):
            continue
        if _removable_disk(name, sys_block, usb):
            found[m.point] = labels.get(name) or m.point.name
    return [_drive(point, label, usage) for point, label in sorted(found.items())]


def _safe(check: Callable[[Path], bool], path: Path) -> bool:
    try:
        return bool(check(path))
    except (OSError, ValueError):
        return False


# ---------------------------------------------------------------- Windows


def _windows(kernel32: Any, usage: Callable[[Path], tuple[int, int] | None]) -> list[Drive]:
    import ctypes

    if kernel32 is None:
        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    # a card reader without a card would otherwise pop up "请将磁盘插入驱动器" for every query
    old_mode = kernel32.SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOOPENFILEERRORBOX)
    try:
        mask = int(kernel32.GetLogicalDrives())
        drives = []
        for i in range(26):
            if not mask & (1 << i):
                continue
            root = "{letter}:\\".format(letter=chr(ord("A") + i))
            try:
                if int(kernel32.GetDriveTypeW(root)) != DRIVE_REMOVABLE:
                    continue
                name = ctypes.create_unicode_buffer(261)
                if not kernel32.GetVolumeInformationW(root, name, 261, None, None, None, None, 0):
                    continue  # no medium in the drive: nothing to write to
                drives.append(_drive(Path(root), name.value, usage))
            except Exception:  # noqa: BLE001 - one bad drive letter does not hide the others
                log.warning("could not read drive %s", root, exc_info=True)
        return drives
    finally:
        kernel32.SetErrorMode(old_mode)
