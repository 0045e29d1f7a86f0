#!/usr/bin/env bash
# Makes cunwu_<version>_<arch>.deb from the one-folder build (scripts/build.sh) with dpkg-deb, for Debian 12,
# UOS and Kylin. The architecture is this machine's (dpkg --print-architecture): build on an arm64 or
# loongarch64 machine for those.
#   bash scripts/build-deb.sh                                   # dist/cunwu -> dist/cunwu_<version>_<arch>.deb
#   bash scripts/build-deb.sh --build D --out O [--version V]   # the tests: another folder, another version
# The package puts the program in /opt/cunwu, cunwu and cunwu-desktop in /usr/bin, the menu entry 村务
# (Office) with its icon; its scripts never touch the villages' data, and removing it leaves that data.
set -euo pipefail
cd "$(dirname "$0")/.."
build=dist/cunwu
out=dist
version=""
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --version) version=$2; shift 2 ;;
    *) echo "用法:bash scripts/build-deb.sh [--build 文件夹] [--out 文件夹] [--version 版本号]" >&2; exit 2 ;;
  esac
done
if [ ! -x "$build/cunwu-desktop" ] || [ ! -x "$build/cunwu" ]; then
  echo "在 $build 里找不到 cunwu-desktop 和 cunwu。请先运行 bash scripts/build.sh。" >&2
  exit 1
fi
built=$(cat "$build/_internal/resources/VERSION")
version=${version:-$built}
arch=$(dpkg --print-architecture)
mkdir -p "$out"
stage=$(mktemp -d "${TMPDIR:-/tmp}/cunwu-deb.XXXXXX")
trap 'rm -rf "$stage"' EXIT
root="$stage/root"
mkdir -p "$root/opt" "$root/usr/bin" "$root/usr/share/applications" "$root/usr/share/icons/hicolor/256x256/apps" \
         "$root/usr/share/doc/cunwu" "$root/DEBIAN"
cp -a "$build" "$root/opt/cunwu"
# a package built with another version number (a test's upgrade) says so itself
[ "$version" != "$built" ] && echo "$version" > "$root/opt/cunwu/_internal/resources/VERSION"
ln -s /opt/cunwu/cunwu "$root/usr/bin/cunwu"
ln -s /opt/cunwu/cunwu-desktop "$root/usr/bin/cunwu-desktop"
install -m 644 installer/cunwu.desktop "$root/usr/share/applications/cunwu.desktop"
install -m 644 resources/icons/cunwu.png "$root/usr/share/icons/hicolor/256x256/apps/cunwu.png"
install -m 644 resources/licences/GPL-3.0.txt "$root/usr/share/doc/cunwu/copyright"
[ -f CHANGELOG.md ] && install -m 644 CHANGELOG.md "$root/usr/share/doc/cunwu/CHANGELOG.md"
for script in preinst postinst postrm; do
  install -m 755 "installer/debian/$script" "$root/DEBIAN/$script"
done
size=$(du -sk "$root" | cut -f1)
# the newest C library any binary of the build asks for: a system with an older one is refused by apt, not
# left with a program that cannot start (build on the oldest system you support: docs/release.md)
glibc=$(find "$build" -type f -exec sh -c 'head -c4 "$1" | grep -q ELF && objdump -T "$1" 2>/dev/null' _ {} \; \
        | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -1)
glibc=${glibc:-2.28}
# Depends: the system libraries Qt's xcb window system needs, all in Debian 12 (and UOS, Kylin);
# the same list as scripts/setup.sh installs to run the program from source
cat > "$root/DEBIAN/control" <<CONTROL
Package: cunwu
Version: $version
Architecture: $arch
Maintainer: cunwu <cunwu@localhost>
Installed-Size: $size
Section: misc
Priority: optional
Depends: libc6 (>= $glibc), libegl1, libgl1, libxkbcommon0, libxkbcommon-x11-0, libfontconfig1, libfreetype6, libdbus-1-3, libglib2.0-0, libx11-6, libx11-xcb1, libxcb1, libxcb-cursor0, libxcb-icccm4, libxcb-image0, libxcb-keysyms1, libxcb-randr0, libxcb-util1, libxcb-render0, libxcb-render-util0, libxcb-shape0, libxcb-shm0, libxcb-sync1, libxcb-xfixes0, libxcb-xinerama0, libxcb-xkb1, libcups2, libuuid1
Homepage: https://github.com/cunwu/cunwu
Description: 村务 — 村委会的村务公开、会议记录、证明开具与村民信息管理
 离线桌面程序:村民信息和两委班子、村务公开(审核、张贴、财务公开、打印公开栏)、
 证明开具(存根、骑缝编号、可离线核验的二维码)、会议记录和表决、防篡改的操作日志、
 自动备份、用U盘把加密签名的同步包带到乡镇。
 .
 Offline desktop program for Chinese villagers' committees.
CONTROL
deb="$out/cunwu_${version}_${arch}.deb"
# xz for the release; the tests ask for gzip (DEB_COMPRESS=gzip), several times faster to make
dpkg-deb --root-owner-group -Z"${DEB_COMPRESS:-xz}" -z"${DEB_LEVEL:-6}" --build "$root" "$deb" >/dev/null
echo "已生成 $deb($(du -m "$deb" | cut -f1) MB)"
