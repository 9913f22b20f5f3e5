#!/usr/bin/env bash
# Usage: package-deb.sh build/Comunidad.tar.xz
# Builds build/comunidad_<version>_amd64.deb from the Linux bundle's release
# binary: /usr/bin/comunidad, the desktop entry and the icon, with the
# shared libraries it links declared as dependencies (dpkg-shlibdeps).
# Name, ID and version come from the root FyneApp.toml.
set -euo pipefail
tarball=${1:?usage: package-deb.sh build/Comunidad.tar.xz}
cd "$(dirname "$0")/.."
field() { sed -n "s/^$1 *= *\"\{0,1\}\([^\"]*\)\"\{0,1\}/\1/p" FyneApp.toml | head -n1; }
name=$(field Name) id=$(field ID) version=$(field Version) website=$(field Website)
pkg=$(tr '[:upper:]' '[:lower:]' <<<"$name")
arch=$(dpkg --print-architecture)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bundle"
tar -xJf "$tarball" -C "$work/bundle"
bin=$(find "$work/bundle" -path '*/bin/*' -type f -perm -u+x | head -n1)
[ -n "$bin" ] || { echo "package-deb.sh: $tarball has no binary" >&2; exit 1; }

root=$work/root
install -Dm755 "$bin" "$root/usr/bin/$pkg"
install -Dm644 assets/icon.png "$root/usr/share/icons/hicolor/512x512/apps/$id.png"
install -d "$root/usr/share/applications" "$root/DEBIAN" "$root/usr/share/doc/$pkg"
cat >"$root/usr/share/applications/$id.desktop" <<DESKTOP
[Desktop Entry]
Type=Application
Name=$name
GenericName=Usuarios y cartas de bienvenida
Comment=Usuarios del portal y cartas de bienvenida de su comunidad, sincronizados con Kastor
Exec=$pkg
Icon=$id
Terminal=false
Categories=Office;
StartupWMClass=$name
DESKTOP
cat >"$root/usr/share/doc/$pkg/copyright" <<COPY
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: $name
Source: $website
COPY

# The libraries the binary links (OpenGL, X11), as package dependencies.
mkdir -p "$work/src/debian"
printf 'Source: %s\n\nPackage: %s\nArchitecture: any\n' "$pkg" "$pkg" >"$work/src/debian/control"
depends=$(cd "$work/src" && dpkg-shlibdeps -O "$root/usr/bin/$pkg" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
[ -n "$depends" ] || { echo "package-deb.sh: dpkg-shlibdeps found no dependencies" >&2; exit 1; }
size=$(du -sk "$root/usr" | cut -f1)
cat >"$root/DEBIAN/control" <<CONTROL
Package: $pkg
Version: $version
Architecture: $arch
Maintainer: $name <soporte@comunidad.cl>
Installed-Size: $size
Depends: $depends
Recommends: cups-client
Section: misc
Priority: optional
Homepage: $website
Description: usuarios del portal y cartas de bienvenida de su comunidad
 Comunidad mantiene las unidades y los usuarios de una comunidad
 sincronizados con Kastor, agrega usuarios por unidad, genera el archivo de
 carga masiva de usuarios del portal y prepara cartas de bienvenida en PDF o
 por correo.
CONTROL
out=build/${pkg}_${version}_${arch}.deb
dpkg-deb --root-owner-group --build "$root" "$out" >/dev/null
ls -l "$out"
