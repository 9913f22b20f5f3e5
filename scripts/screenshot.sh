#!/usr/bin/env bash
# Usage: screenshot.sh BINARY OUT.png [ARGS...]
# Starts BINARY ARGS in an Xvfb display (SCREENSHOT_SIZE, 1280x800 unless
# set; FYNE_THEME=light or dark picks the theme), waits for its window, saves
# the screen as OUT.png and stops the program.
set -euo pipefail
bin=$1 out=$2
shift 2
export LANG=${LANG:-es_CL.UTF-8}
export SCREENSHOT_BIN=$bin SCREENSHOT_OUT=$out SCREENSHOT_WAIT=${SCREENSHOT_WAIT:-6}
size=${SCREENSHOT_SIZE:-1280x800}
xvfb-run -a -s "-screen 0 ${size}x24" bash -c '
	"$SCREENSHOT_BIN" "$@" &
	pid=$!
	sleep "$SCREENSHOT_WAIT"
	import -window root "$SCREENSHOT_OUT"
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
' screenshot "$@"
echo "captura guardada en $out"
