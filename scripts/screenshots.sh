#!/usr/bin/env bash
# Usage: screenshots.sh BINARY OUTDIR [ARGS...]
# The real window under Xvfb at 1024x768 and 1366x768, light and dark: the
# units tab, the Herramientas modal of the first row and the send dialog of
# the first unit, each saved as OUTDIR/<view>-<size>-<theme>.png. Drives the
# window with xdotool (clicks at the places the layout puts those controls).
set -euo pipefail
bin=$1 out=$2
shift 2
mkdir -p "$out"
export LANG=${LANG:-es_CL.UTF-8}
export SHOTS_BIN=$bin SHOTS_OUT=$out SHOTS_WAIT=${SHOTS_WAIT:-6}
for size in 1024x768 1366x768; do
	for theme in light dark; do
		FYNE_THEME=$theme SHOTS_NAME="$size-$theme" xvfb-run -a -s "-screen 0 ${size}x24" bash -c '
			"$SHOTS_BIN" "$@" &
			pid=$!
			sleep "$SHOTS_WAIT"
			shot() { import -window root "$SHOTS_OUT/$1-$SHOTS_NAME.png"; }
			click() { xdotool mousemove "$1" "$2" click 1; sleep 1.5; }
			shot tab
			click 268 322                 # the first row'"'"'s Herramientas
			shot modal
			xdotool key Escape; sleep 1
			click 22 322                  # select the first row'"'"'s unit
			click 85 128                  # Carta de bienvenida
			click 60 203                  # … Enviar
			shot send
			kill "$pid" 2>/dev/null || true
			wait "$pid" 2>/dev/null || true
		' shots "$@"
	done
done
echo "capturas en $out"
