#!/usr/bin/env bash
# Makes sure the locale given (es_CL.UTF-8) is there, generating it when
# missing (Debian's «locales» package has its sources). Wine takes the
# Windows code page from it: without it, Windows programs under Wine cannot
# name a file «José Pérez» ("File not found").
set -euo pipefail
want=$1
norm=$(printf '%s' "$want" | tr 'A-Z' 'a-z' | sed 's/utf-8$/utf8/')
if locale -a 2>/dev/null | tr 'A-Z' 'a-z' | grep -qx "$norm"; then
	exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "Generando la configuración regional $want"
$sudo localedef -i "${want%%.*}" -f "${want#*.}" "$want"
