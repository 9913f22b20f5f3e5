#!/usr/bin/env bash
# Usage: screenshot-windows.sh build/Comunidad.exe OUT.png [ARGS...]
# The Windows exe's real window under Wine, in a 1280x800 Xvfb display, on a
# fresh prefix and the demo community (ARGS, --demo by default); saves the
# screen as OUT.png.
set -euo pipefail
exe=$(realpath "${1:?usage: screenshot-windows.sh EXE OUT.png [ARGS...]}")
out=$(realpath -m "${2:?usage: screenshot-windows.sh EXE OUT.png [ARGS...]}")
shift 2
[ $# -gt 0 ] || set -- --demo
cd "$(dirname "$0")/.."
go=${GO:-go}
cc=${CC_WINDOWS:-x86_64-w64-mingw32-gcc}
wine=${WINE:-/usr/lib/wine/wine64}
export LANG=${LANG:-es_CL.UTF-8}
fail() { echo "screenshot-windows: FALLÓ: $*" >&2; exit 1; }
if [ -z "${DISPLAY:-}" ]; then
	exec xvfb-run -a -s "-screen 0 ${SCREEN:-1280x800}x24" "$0" "$exe" "$out" "$@"
fi
. scripts/windows/prefix.sh
"$wine" "$exe" "$@" &
pid=$!
sleep "${SCREENSHOT_WAIT:-15}"
import -window root "$out"
kill "$pid" 2>/dev/null || true
echo "captura guardada en $out"
