"""Finding USB sticks: fake /media trees, /proc/mounts text, /sys/block flags and a fake Windows kernel32."""

from __future__ import annotations

from pathlib import Path

from app.sync.drives import Drive, drive_text, list_removable, parse_mounts, size_text

GB = 1024 ** 3


class FakeLinux:
    """A machine's worth of /media, /proc/mounts, /sys/block and /dev/disk under one temporary folder."""

    def __init__(self, root: Path, user: str = "alice") -> None:
        self.root = root
        self.user = user
        self.media = root / "media"
        self.run_media = root / "run" / "media"
        self.sys_block = root / "sys" / "block"
        self.disk_dir = root / "dev" / "disk"
        for d in (self.media / user, self.run_media / user, self.sys_block, self.disk_dir / "by-id",
                  self.disk_dir / "by-label"):
            d.mkdir(parents=True)
        self.mount_lines: list[str] = ["proc /proc proc rw 0 0", "tmpfs /run tmpfs rw 0 0"]
        self.mounts = root / "proc-mounts"

    def folder(self, path: Path) -> Path:
        path.mkdir(parents=True, exist_ok=True)
        return path

    def mount(self, device: str, point: Path | str, fstype: str = "vfat") -> None:
        escaped = str(point).replace(" ", "\\040")
        self.mount_lines.append(f"{device} {escaped} {fstype} rw,nosuid,nodev 0 0")

    def disk(self, name: str, *, removable: bool, partitions: tuple[str, ...] = ()) -> None:
        d = self.sys_block / name
        d.mkdir()
        (d / "removable").write_text("1\n" if removable else "0\n")
        for p in partitions:
            (d / p).mkdir()

    def link(self, kind: str, name: str, device: str) -> None:
        (self.disk_dir / kind / name).symlink_to(f"../../{device}")

    def drives(self, **kw) -> list[Drive]:
        self.mounts.write_text("\n".join(self.mount_lines) + "\n")
        args = dict(system="linux", user=self.user,
                    media_roots=[self.media / self.user, self.run_media / self.user, self.media],
                    mounts=self.mounts, sys_block=self.sys_block, disk_dir=self.disk_dir,
                    is_mount=lambda _p: False, usage=lambda _p: (3 * GB, 8 * GB))
        args.update(kw)
        return list_removable(**args)


def test_a_stick_the_desktop_mounted_under_media_user_is_listed_with_its_label_and_room(tmp_path):
    fake = FakeLinux(tmp_path)
    stick = fake.folder(fake.media / "alice" / "KINGSTON")
    fake.folder(fake.media / "alice" / "old-unmounted-folder")
    fake.mount("/dev/sdb1", stick)
    fake.disk("sdb", removable=True, partitions=("sdb1",))
    assert fake.drives() == [Drive(stick, "KINGSTON", 3 * GB, 8 * GB)]


def test_the_volume_label_comes_from_by_label_even_when_the_folder_is_named_otherwise(tmp_path):
    fake = FakeLinux(tmp_path)
    stick = fake.folder(fake.media / "alice" / "4A1B-22C3")
    fake.mount("/dev/sdb1", stick)
    fake.link("by-label", "\\xe6\\x9d\\x91\\xe5\\x8a\\xa1\\x20U", "sdb1")  # udev's escaping of "村务 U"
    assert [d.label for d in fake.drives()] == ["村务 U"]


def test_run_media_and_plain_media_mount_points_count_and_other_folders_do_not(tmp_path):
    fake = FakeLinux(tmp_path)
    fedora_style = fake.folder(fake.run_media / "alice" / "TOSHIBA")
    old_style = fake.folder(fake.media / "usb0")
    fake.folder(fake.media / "cdrom-folder")
    fake.folder(fake.media / "bob")  # another user's folder of mounts
    mounted = {fedora_style, old_style}
    drives = fake.drives(is_mount=lambda p: p in mounted)
    assert sorted(d.path for d in drives) == sorted(mounted)
    assert {d.label for d in drives} == {"TOSHIBA", "usb0"}


def test_a_stick_mounted_by_hand_is_found_through_proc_mounts_and_sys_block(tmp_path):
    fake = FakeLinux(tmp_path)
    fake.disk("sda", removable=False, partitions=("sda1", "sda2"))
    fake.disk("sdc", removable=True, partitions=("sdc1",))
    fake.disk("loop0", removable=False)
    fake.mount("/dev/sda1", "/", "ext4")
    fake.mount("/dev/sda2", "/data", "ext4")
    fake.mount("/dev/sdc1", "/mnt/u pan")
    fake.mount("/dev/loop0", "/snap/core/1", "squashfs")
    fake.mount("tmpfs", "/mnt/ram", "tmpfs")
    paths = [d.path for d in fake.drives()]
    assert paths == [Path("/mnt/u pan")]


def test_a_usb_hard_disk_that_says_it_is_not_removable_is_found_by_its_usb_id(tmp_path):
    fake = FakeLinux(tmp_path)
    fake.disk("sdd", removable=False, partitions=("sdd1",))
    fake.link("by-id", "usb-WD_Elements_25A2-0:0-part1", "sdd1")
    fake.link("by-id", "ata-Samsung_SSD_870-part1", "sda1")
    fake.disk("sda", removable=False, partitions=("sda1",))
    fake.mount("/dev/sdd1", "/mnt/backup", "ntfs")
    fake.mount("/dev/sda1", "/srv", "ext4")
    assert [d.path for d in fake.drives()] == [Path("/mnt/backup")]


def test_a_system_booted_from_a_stick_does_not_offer_its_own_root(tmp_path):
    fake = FakeLinux(tmp_path)
    fake.disk("sdb", removable=True, partitions=("sdb1", "sdb2"))
    fake.mount("/dev/sdb1", "/", "ext4")
    fake.mount("/dev/sdb2", "/boot/efi", "vfat")
    assert fake.drives() == []


def test_nothing_readable_gives_an_empty_list_instead_of_an_error(tmp_path):
    missing = tmp_path / "nothing-here"
    drives = list_removable(system="linux", user="alice", media_roots=[missing / "media"], mounts=missing / "mounts",
                            sys_block=missing / "block", disk_dir=missing / "disk")
    assert drives == []


def test_a_stick_that_cannot_say_how_full_it_is_is_still_listed(tmp_path):
    fake = FakeLinux(tmp_path)
    stick = fake.folder(fake.media / "alice" / "OLD")
    fake.mount("/dev/sdb1", stick)

    def broken(_path: Path) -> tuple[int, int]:
        raise OSError(5, "Input/output error")

    (drive,) = fake.drives(usage=broken)
    assert (drive.path, drive.free, drive.total) == (stick, None, None)
    assert drive_text(drive) == f"OLD({stick})"


def test_proc_mounts_escapes_are_undone_including_chinese_names():
    text = "/dev/sdb1 /media/li/\\346\\235\\221\\345\\212\\241\\040\\345\\244\\207\\344\\273\\275 vfat rw 0 0\n"
    (mount,) = parse_mounts(text)
    assert mount.point == Path("/media/li/村务 备份")
    assert (mount.device, mount.fstype) == ("/dev/sdb1", "vfat")


# ---------------------------------------------------------------- Windows


class FakeKernel32:
    """GetLogicalDrives, GetDriveTypeW and GetVolumeInformationW as Windows answers them."""

    def __init__(self, drives: dict[str, tuple[int, str | None]]) -> None:
        self.drives = drives  # letter -> (drive type, volume label or None for "no medium")
        self.error_modes: list[int] = []

    def SetErrorMode(self, mode: int) -> int:  # noqa: N802 - the Windows name
        self.error_modes.append(mode)
        return 0 if len(self.error_modes) == 1 else self.error_modes[-2]

    def GetLogicalDrives(self) -> int:  # noqa: N802
        return sum(1 << (ord(letter) - ord("A")) for letter in self.drives)

    def GetDriveTypeW(self, root: str) -> int:  # noqa: N802
        return self.drives[root[0]][0]

    def GetVolumeInformationW(self, root, name_buffer, size, *rest) -> int:  # noqa: N802
        label = self.drives[root[0]][1]
        if label is None:
            return 0
        name_buffer.value = label
        return 1


def test_windows_lists_removable_drive_letters_with_their_labels():
    kernel = FakeKernel32({"C": (3, "系统"), "D": (5, "DVD"), "E": (2, "KINGSTON"), "F": (2, ""), "G": (2, None)})
    drives = list_removable(system="win32", kernel32=kernel, usage=lambda p: (1 * GB, 16 * GB))
    assert [(str(d.path)[:2], d.label) for d in drives] == [("E:", "KINGSTON"), ("F:", "U盘")]
    assert drives[0].free == GB
    assert kernel.error_modes[-1] == 0  # the error mode is given back


def test_windows_failure_gives_an_empty_list():
    class Broken(FakeKernel32):
        def GetLogicalDrives(self) -> int:  # noqa: N802
            raise OSError("access denied")

    assert list_removable(system="win32", kernel32=Broken({})) == []


def test_sizes_read_naturally():
    assert size_text(512) == "512 B"
    assert size_text(1536) == "1.5 KB"
    assert size_text(int(14.6 * GB)) == "14.6 GB"
