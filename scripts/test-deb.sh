#!/usr/bin/env bash
# Usage: test-deb.sh build/comunidad_X.Y.Z_amd64.deb
# Installs the .deb with apt-get (which brings its dependencies), checks the
# files it put in place, starts the installed binary under Xvfb on a fresh
# data folder (--smoke: its first frame), and removes the package.
set -euo pipefail
deb=$(realpath "${1:?usage: test-deb.sh build/comunidad_X.Y.Z_amd64.deb}")
cd "$(dirname "$0")/.."
fail() { echo "test-deb: FALLÓ: $*" >&2; exit 1; }
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
pkg=$(dpkg-deb -f "$deb" Package)
version=$(dpkg-deb -f "$deb" Version)
id=$(sed -n 's/^ID *= *"\(.*\)"/\1/p' FyneApp.toml)
echo "paquete: $pkg $version, $(stat -c %s "$deb") bytes; depende de: $(dpkg-deb -f "$deb" Depends)"
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$deb" >/dev/null || fail "apt-get install $deb"
trap 'DEBIAN_FRONTEND=noninteractive $sudo apt-get remove -y -qq "$pkg" >/dev/null 2>&1 || true' EXIT
[ "$(dpkg-query -W -f='${Status}' "$pkg")" = "install ok installed" ] || fail "dpkg no lo ve instalado"
for f in /usr/bin/$pkg /usr/share/applications/$id.desktop /usr/share/icons/hicolor/512x512/apps/$id.png; do
	[ -e "$f" ] || fail "falta $f"
done
desktop-file-validate /usr/share/applications/$id.desktop 2>/dev/null || true
"/usr/bin/$pkg" --version | grep -q "$version" || fail "la versión instalada no es $version"
tmp=$(mktemp -d)
out=$(HOME=$tmp XDG_CONFIG_HOME=$tmp/.config xvfb-run -a -s "-screen 0 1280x800x24" "/usr/bin/$pkg" --smoke 2>&1) || fail "--smoke: $out"
grep -q '^smoke: primera ventana' <<<"$out" || fail "--smoke no dibujó la ventana: $out"
[ -s "$tmp/.config/fyne/$id/comunidad.db" ] || fail "no creó la base de datos en la carpeta de datos"
rm -rf "$tmp"
echo "instalado: $(grep '^smoke:' <<<"$out")"
DEBIAN_FRONTEND=noninteractive $sudo apt-get remove -y -qq "$pkg" >/dev/null || fail "apt-get remove"
trap - EXIT
[ ! -e "/usr/bin/$pkg" ] || fail "apt-get remove dejó /usr/bin/$pkg"
echo "test-deb: OK (instalado y desinstalado con apt-get)"
