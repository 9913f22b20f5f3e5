#!/usr/bin/env bash
# Usage: installer-windows.sh build/Comunidad.exe
# Builds build/<Name>-Setup-<Version>.exe with NSIS (makensis) around the
# packaged Windows executable: a per-user installer (no administrator
# rights) with Start menu and desktop shortcuts, an "Aplicaciones instaladas"
# entry and a silent mode (/S). Name, ID, version and website come from the
# root FyneApp.toml; the installer's icon is the app's, converted to .ico.
set -euo pipefail
exe=${1:?usage: installer-windows.sh build/Comunidad.exe}
cd "$(dirname "$0")/.."
command -v makensis >/dev/null || { echo "installer-windows.sh: makensis not found (Debian: nsis)" >&2; exit 1; }
command -v convert >/dev/null || { echo "installer-windows.sh: convert not found (Debian: imagemagick)" >&2; exit 1; }
field() { sed -n "s/^$1 *= *\"\{0,1\}\([^\"]*\)\"\{0,1\}/\1/p" FyneApp.toml | head -n1; }
name=$(field Name) id=$(field ID) version=$(field Version) build=$(field Build) website=$(field Website)
[ -n "$name" ] && [ -n "$id" ] && [ -n "$version" ] || { echo "installer-windows.sh: FyneApp.toml lacks Name, ID or Version" >&2; exit 1; }
# NSIS wants four numbers in VIProductVersion: x.y.z.build.
case $version in *.*.*) ;; *.*) version=$version.0 ;; *) version=$version.0.0 ;; esac
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
convert assets/icon.png -background none -define icon:auto-resize=256,64,48,32,16 "$work/app.ico"
out=$PWD/build/$name-Setup-$version.exe
makensis -V2 -INPUTCHARSET UTF8 \
	-DNAME="$name" -DAPPID="$id" -DVERSION="$version" -DBUILD="${build:-0}" \
	-DPUBLISHER="$name" -DWEBSITE="$website" \
	-DEXE="$(realpath "$exe")" -DICON="$work/app.ico" -DOUTFILE="$out" \
	scripts/windows/installer.nsi
ls -l "$out"
