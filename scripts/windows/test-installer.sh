#!/usr/bin/env bash
# Usage: test-installer.sh build/Comunidad-Setup-X.Y.Z.exe
# Under Wine, in the WINEPREFIX test-windows.sh prepared: a silent install
# (/S) as an ordinary user, the shortcuts and the "Aplicaciones instaladas"
# entry, the shortcut's target started with --smoke (first frame), a silent
# uninstall that removes the program and keeps the user's data folder.
set -euo pipefail
setup=${1:?usage: test-installer.sh build/Comunidad-Setup-X.exe}
cd "$(dirname "$0")/../.."
wine=${WINE:-/usr/lib/wine/wine64}
: "${WINEPREFIX:?run from test-windows.sh}"
fail() { echo "test-installer: FALLÓ: $*" >&2; exit 1; }
id=$(sed -n 's/^ID *= *"\(.*\)"/\1/p' FyneApp.toml)
name=$(sed -n 's/^Name *= *"\(.*\)"/\1/p' FyneApp.toml)
version=$(sed -n 's/^Version *= *"\(.*\)"/\1/p' FyneApp.toml)
# Wine names the Windows user after the Unix one.
user=$(id -un)
profile=$WINEPREFIX/drive_c/users/$user
appdata=$profile/AppData/Roaming
instdir=$profile/AppData/Local/Programs/$name
key="HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\$id"

echo "instalador: $(stat -c %s "$setup") bytes"
s=$(date +%s%N)
"$wine" "$setup" /S || fail "la instalación silenciosa salió con $?"
"$(dirname "$wine")/wineserver" -w
echo "instalación silenciosa: $(( ($(date +%s%N) - s) / 1000000 )) ms"
[ -f "$instdir/$name.exe" ] || fail "no quedó $instdir/$name.exe"
[ -f "$instdir/Desinstalar.exe" ] || fail "no quedó el desinstalador"

menu="$appdata/Microsoft/Windows/Start Menu/Programs/$name.lnk"
# Wine links the profile's Desktop to a Unix folder: the path is followed.
desk="$profile/Desktop/$name.lnk"
[ -f "$menu" ] || fail "no hay acceso directo en el menú Inicio ($menu)"
[ -f "$desk" ] || fail "no hay acceso directo en el escritorio ($desk)"
for lnk in "$menu" "$desk"; do
	target=$(python3 scripts/windows/lnk-target.py "$lnk") || fail "no se pudo leer $lnk"
	case $target in
	*'\AppData\Local\Programs\'"$name\\$name.exe") ;;
	*) fail "$lnk apunta a «$target»" ;;
	esac
done
echo "accesos directos: menú Inicio y escritorio -> $target"

reg=$("$wine" reg query "$key" 2>/dev/null | tr -d '\r')
for want in "DisplayName    REG_SZ    $name" "DisplayVersion    REG_SZ    $version" "Publisher    REG_SZ    " "UninstallString    REG_SZ" "QuietUninstallString    REG_SZ" "DisplayIcon    REG_SZ"; do
	grep -qF "$want" <<<"$reg" || fail "la entrada de Aplicaciones instaladas no tiene «$want»:
$reg"
done
echo "Aplicaciones instaladas: $(grep -E 'DisplayName|DisplayVersion|Publisher' <<<"$reg" | sed 's/ \{2,\}/ /g' | tr '\n' ';')"

# The shortcut's target, as a double-click starts it: a fresh data folder
# under %APPDATA%, the first frame.
out=$("$wine" "$target" --smoke 2>&1; echo "código de salida: $?")
out=$(tr -d '\r' <<<"$out")
code=$(sed -n 's/^código de salida: //p' <<<"$out" | tail -1)
[ "$code" = 0 ] || fail "el programa instalado no abrió su ventana (salió con $code): $out"
grep -q '^smoke: primera ventana' <<<"$out" || fail "el programa instalado no dibujó su ventana: $out"
echo "programa instalado: $(grep '^smoke:' <<<"$out")"
db=$appdata/fyne/$id/comunidad.db
[ -s "$db" ] || fail "el programa instalado no creó su base de datos en %APPDATA% ($db)"

# Silent uninstall (the entry's QuietUninstallString): the program goes,
# the data stays.
"$wine" "$instdir/Desinstalar.exe" /S || fail "la desinstalación silenciosa salió con $?"
"$(dirname "$wine")/wineserver" -w
for _ in $(seq 50); do [ -e "$instdir/$name.exe" ] || break; sleep 0.2; done
[ ! -e "$instdir/$name.exe" ] || fail "la desinstalación dejó $instdir/$name.exe"
[ ! -e "$menu" ] || fail "la desinstalación dejó el acceso directo del menú Inicio"
[ ! -e "$desk" ] || fail "la desinstalación dejó el acceso directo del escritorio"
if "$wine" reg query "$key" >/dev/null 2>&1; then fail "la desinstalación dejó la entrada en Aplicaciones instaladas"; fi
[ -s "$db" ] || fail "la desinstalación borró los datos del usuario ($db)"
echo "desinstalación silenciosa: programa, accesos y entrada borrados; datos conservados ($db)"
echo "test-installer: OK"
