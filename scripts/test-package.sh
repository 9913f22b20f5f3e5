#!/usr/bin/env bash
# Usage: test-package.sh build/Comunidad.tar.xz
# Smoke test of the packaged Linux build, as an office user would meet it:
#   1. unpack the bundle; it holds the binary, the desktop entry and the icon;
#   2. the binary's version is FyneApp.toml's;
#   3. under Xvfb, on a fresh data folder (HOME and XDG_CONFIG_HOME in a
#      temporary directory), `comunidad --smoke` opens its window, which
#      paints its first frame, and exits 0; the database is created in the
#      data folder;
#   4. with a first window open on that database, a second launch is
#      refused with a clear message (exit 1) instead of writing alongside;
#   5. a preferences file cut by a window killed while Fyne saved it is put
#      back from its last good copy before the window reads it.
# Prints the sizes of the bundles and the time to the first window.
set -euo pipefail
tarball=${1:?usage: test-package.sh build/Comunidad.tar.xz}
cd "$(dirname "$0")/.."
export LANG=${LANG:-es_CL.UTF-8}
fail() { echo "test-package: FALLÓ: $*" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/pkg" "$tmp/home"
tar -xJf "$tarball" -C "$tmp/pkg" || fail "no se pudo desempaquetar $tarball"

id=$(sed -n 's/^ID *= *"\(.*\)"/\1/p' FyneApp.toml)
name=$(sed -n 's/^Name *= *"\(.*\)"/\1/p' FyneApp.toml)
version=$(sed -n 's/^Version *= *"\(.*\)"/\1/p' FyneApp.toml)
bin=$(find "$tmp/pkg" -path '*/bin/*' -type f -perm -u+x | head -n1)
desktop=$(find "$tmp/pkg" -name '*.desktop' | head -n1)
icon=$(find "$tmp/pkg" -path '*/share/*' -name '*.png' | head -n1)
[ -n "$bin" ] || fail "el paquete no trae el ejecutable"
[ -n "$desktop" ] || fail "el paquete no trae la entrada de escritorio (.desktop)"
[ -n "$icon" ] || fail "el paquete no trae el icono"
grep -q "^Name=$name\$" "$desktop" || fail "$desktop no dice Name=$name"
grep -q '^Exec=' "$desktop" || fail "$desktop no tiene Exec="
grep -q '^Icon=' "$desktop" || fail "$desktop no tiene Icon="
"$bin" --version | grep -q "$name $version" || fail "la versión no es la de FyneApp.toml ($version): $("$bin" --version)"

export HOME=$tmp/home XDG_CONFIG_HOME=$tmp/home/.config XDG_DATA_HOME=$tmp/home/.local/share XDG_CACHE_HOME=$tmp/home/.cache
export SMOKE_BIN=$bin SMOKE_DB=$XDG_CONFIG_HOME/fyne/$id/comunidad.db SMOKE_PREFS=$XDG_CONFIG_HOME/fyne/$id/preferences.json SMOKE_OUT=$tmp
xvfb-run -a -s "-screen 0 1280x800x24" bash -c '
	set -u
	fail() { echo "test-package: FALLÓ: $*" >&2; exit 1; }
	t0=$(date +%s%N)
	"$SMOKE_BIN" --smoke >"$SMOKE_OUT/first.out" 2>"$SMOKE_OUT/first.err"
	rc=$?
	t1=$(date +%s%N)
	[ $rc -eq 0 ] || fail "--smoke salió con $rc: $(cat "$SMOKE_OUT/first.err")"
	grep -q "^smoke: primera ventana" "$SMOKE_OUT/first.out" || fail "la ventana no se dibujó: $(cat "$SMOKE_OUT/first.out" "$SMOKE_OUT/first.err")"
	[ -s "$SMOKE_DB" ] || fail "no se creó la base de datos en la carpeta de datos ($SMOKE_DB)"
	echo "$(cat "$SMOKE_OUT/first.out"); proceso completo (hasta salir) $(( (t1 - t0) / 1000000 )) ms"

	# A first window stays open on the database; a second launch is refused.
	"$SMOKE_BIN" >"$SMOKE_OUT/open.out" 2>&1 &
	first=$!
	# The lock file outlives each run; it names the process holding it.
	holder() { cut -d" " -f1 "$SMOKE_DB.lock" 2>/dev/null; }
	for _ in $(seq 300); do
		[ "$(holder)" = "$first" ] && break
		sleep 0.1
	done
	[ "$(holder)" = "$first" ] || { kill $first; fail "la primera ventana no tomó la base de datos"; }
	"$SMOKE_BIN" --smoke >"$SMOKE_OUT/second.out" 2>"$SMOKE_OUT/second.err"
	rc=$?
	kill $first 2>/dev/null
	wait $first 2>/dev/null
	[ $rc -eq 1 ] || fail "la segunda instancia salió con $rc, se esperaba 1"
	grep -q "ya está abierta con esta base de datos" "$SMOKE_OUT/second.err" || fail "la segunda instancia no lo dijo: $(cat "$SMOKE_OUT/second.err")"
	echo "segunda instancia rechazada: $(cat "$SMOKE_OUT/second.err")"

	# The preferences, cut as a kill while Fyne writes them leaves them
	# (even --smoke, which exits as soon as the window is drawn, was seen
	# to leave them empty).
	printf "{\"comunidad.prueba\":\"preferencia guardada\"}" >"$SMOKE_PREFS"
	"$SMOKE_BIN" --smoke >/dev/null 2>&1 || fail "--smoke con preferencias salió con $?"
	[ -s "$SMOKE_PREFS.bueno" ] || fail "no se guardó una copia buena de las preferencias ($SMOKE_PREFS.bueno)"
	: >"$SMOKE_PREFS"
	"$SMOKE_BIN" --smoke >"$SMOKE_OUT/third.out" 2>"$SMOKE_OUT/third.err"
	rc=$?
	[ $rc -eq 0 ] || fail "--smoke con las preferencias vacías salió con $rc: $(cat "$SMOKE_OUT/third.err")"
	grep -q "se repuso su última copia buena" "$SMOKE_OUT/third.err" || fail "las preferencias vacías no se repusieron: $(cat "$SMOKE_OUT/third.err")"
	if grep -q "Preferences load error" "$SMOKE_OUT/third.err"; then fail "Fyne no pudo leer las preferencias: $(cat "$SMOKE_OUT/third.err")"; fi
	[ -s "$SMOKE_PREFS" ] || fail "las preferencias siguen vacías"
	echo "preferencias dañadas repuestas: $(grep "se repuso" "$SMOKE_OUT/third.err")"
'

size() { printf "%s: %s bytes (%s)\n" "$1" "$(stat -c %s "$1")" "$(du -h "$1" | cut -f1)"; }
echo "Tamaños:"
size "$tarball"
size "$bin"
exe=$(dirname "$tarball")/$name.exe
[ -f "$exe" ] && size "$exe"
echo "test-package: OK"
