# Sourced by test-windows.sh and screenshot-windows.sh: a fresh WINEPREFIX
# in a temporary folder (removed on exit), with its own HOME, and the
# bcryptprimitives shim Go 1.26's runtime needs under Wine 8
# (bcryptprimitives.c). Expects $go, $cc, $wine and fail().
wine_tmp=$(mktemp -d /tmp/comunidad-wine.XXXXXX)
# Go's caches stay where they are; Wine gets its own HOME, so the prefix's
# Desktop and Documents do not link into the real user's folders.
export GOCACHE="$($go env GOCACHE)" GOMODCACHE="$($go env GOMODCACHE)" GOPATH="$($go env GOPATH)"
export HOME=$wine_tmp/home WINEPREFIX=$wine_tmp/prefix WINEARCH=win64 WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
mkdir -p "$HOME"
wineserver=$(dirname "$wine")/wineserver
wine_cleanup() {
	"$wineserver" -k 2>/dev/null || true
	rm -rf "$wine_tmp"
}
trap wine_cleanup EXIT
"$wine" wineboot -i >/dev/null 2>&1 || true
"$wineserver" -w
[ -d "$WINEPREFIX/drive_c/windows/system32" ] || fail "wineboot no creó el prefijo en $WINEPREFIX"
"$cc" -shared -O2 -o "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" \
	scripts/windows/bcryptprimitives.c scripts/windows/bcryptprimitives.def -lbcrypt \
	|| fail "no se pudo compilar bcryptprimitives.dll con $cc"
