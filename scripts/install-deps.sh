#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages given as arguments that this machine
# lacks; installs nothing (and needs no network) when all are present.
# Uses sudo only when not root.
set -euo pipefail
missing=()
for p in "$@"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null; then
	echo "Faltan paquetes del sistema: ${missing[*]}. Instálelos con el gestor de paquetes de su sistema." >&2
	exit 1
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "Instalando paquetes del sistema: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
