#!/usr/bin/env bash
# Usage: package.sh linux|windows
# Builds the desktop bundle with the fyne tool into build/:
#   linux:   build/<Name>.tar.xz (binary, icon, desktop entry, Makefile to install)
#   windows: build/<Name>.exe (icon, version resource, no console window),
#            cross-built with mingw-w64 (CC, default x86_64-w64-mingw32-gcc)
# Name, app ID, version and build number come from the root FyneApp.toml.
#
# The fyne tool writes files beside the main package while it works
# (FyneApp.toml, a metadata init file, fyne.syso for Windows). It runs on a
# copy of the working tree in build/pkgsrc-<os>, so those never appear in
# cmd/comunidad, where they would leak into builds and tests run meanwhile.
set -euo pipefail
os=${1:?usage: package.sh linux|windows}
cd "$(dirname "$0")/.."
root=$PWD
go=${GO:-go}
fyne=${FYNE:-$($go env GOPATH)/bin/fyne}
name=$(sed -n 's/^Name *= *"\(.*\)"/\1/p' FyneApp.toml)
[ -n "$name" ] || { echo "package.sh: FyneApp.toml has no Name" >&2; exit 1; }

src=build/pkgsrc-$os
rm -rf "$src"
mkdir -p "$src"
trap 'rm -rf "$root/$src"' EXIT
tar --exclude=./build --exclude=./.git --exclude='*.db' --exclude='*.db-wal' --exclude='*.db-shm' \
	--exclude=./cmd/comunidad/FyneApp.toml -cf - . | tar -xf - -C "$src"
# The tool reads FyneApp.toml beside the main package; the icon path in the
# root file is relative to the root.
sed 's#^Icon = "assets/#Icon = "../../assets/#' FyneApp.toml >"$src/cmd/comunidad/FyneApp.toml"

cd "$src/cmd/comunidad"
case $os in
linux)
	"$fyne" package --os linux --release --tags migrated_fynedo
	mv "$name.tar.xz" "$root/build/"
	out=$root/build/$name.tar.xz
	;;
windows)
	export CC=${CC_WINDOWS:-x86_64-w64-mingw32-gcc}
	command -v "$CC" >/dev/null || { echo "package.sh: $CC not found (Debian: gcc-mingw-w64-x86-64)" >&2; exit 1; }
	GOARCH=amd64 "$fyne" package --os windows --release --tags migrated_fynedo
	mv "$name.exe" "$root/build/"
	out=$root/build/$name.exe
	;;
*)
	echo "package.sh: unknown target $os (linux or windows)" >&2
	exit 1
	;;
esac
ls -l "$out"
