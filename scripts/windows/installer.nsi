; Comunidad's Windows installer (NSIS 3, Modern UI 2), built by
; scripts/installer-windows.sh:
;   makensis -DNAME=Comunidad -DAPPID=cl.comunidad.app -DVERSION=0.1.0
;            -DBUILD=1 -DPUBLISHER=... -DWEBSITE=... -DEXE=path\Comunidad.exe
;            -DICON=path\comunidad.ico -DOUTFILE=path\Comunidad-Setup-0.1.0.exe
;            installer.nsi
;
; Per user, without administrator rights: the program goes to
; %LOCALAPPDATA%\Programs\Comunidad, the shortcuts to the user's Start menu
; and desktop, the "Aplicaciones instaladas" entry to HKCU. The uninstaller
; removes the program, its shortcuts and that entry, and leaves the user's
; data folder (%APPDATA%\fyne\<APPID>: the database, its backups) in place.
; /S installs and uninstalls silently, for offices that deploy it.

; A 64-bit installer for a 64-bit program: Comunidad.exe is amd64 only, and
; a 32-bit stub would need Windows' WOW64 (which Wine's wine64 alone lacks).
Target amd64-unicode
SetCompressor /SOLID lzma
RequestExecutionLevel user
ManifestDPIAware true

!include "MUI2.nsh"
!include "FileFunc.nsh"

!define UNINSTKEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APPID}"

Name "${NAME}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\${NAME}"
InstallDirRegKey HKCU "Software\${NAME}" "InstallDir"
BrandingText "${NAME} ${VERSION}"

VIProductVersion "${VERSION}.${BUILD}"
VIAddVersionKey /LANG=1034 "ProductName" "${NAME}"
VIAddVersionKey /LANG=1034 "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=1034 "FileDescription" "Instalador de ${NAME}"
VIAddVersionKey /LANG=1034 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=1034 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=1034 "LegalCopyright" "${PUBLISHER}"

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\${NAME}.exe"
!define MUI_FINISHPAGE_RUN_TEXT "Abrir ${NAME}"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "Spanish"

Section "Comunidad" SecMain
	SectionIn RO
	SetShellVarContext current
	SetOutPath "$INSTDIR"
	; A running copy holds the exe open: say so instead of a half update.
	ClearErrors
	File "/oname=${NAME}.exe" "${EXE}"
	IfErrors 0 +3
		MessageBox MB_ICONSTOP "No se pudo reemplazar ${NAME}.exe: cierre ${NAME} y vuelva a ejecutar el instalador." /SD IDOK
		Abort
	WriteUninstaller "$INSTDIR\Desinstalar.exe"

	CreateShortCut "$SMPROGRAMS\${NAME}.lnk" "$INSTDIR\${NAME}.exe" "" "$INSTDIR\${NAME}.exe" 0 SW_SHOWNORMAL "" "Usuarios y cartas de bienvenida de su comunidad"
	CreateShortCut "$DESKTOP\${NAME}.lnk" "$INSTDIR\${NAME}.exe" "" "$INSTDIR\${NAME}.exe" 0 SW_SHOWNORMAL "" "Usuarios y cartas de bienvenida de su comunidad"

	WriteRegStr HKCU "Software\${NAME}" "InstallDir" "$INSTDIR"
	WriteRegStr HKCU "${UNINSTKEY}" "DisplayName" "${NAME}"
	WriteRegStr HKCU "${UNINSTKEY}" "DisplayVersion" "${VERSION}"
	WriteRegStr HKCU "${UNINSTKEY}" "Publisher" "${PUBLISHER}"
	WriteRegStr HKCU "${UNINSTKEY}" "URLInfoAbout" "${WEBSITE}"
	WriteRegStr HKCU "${UNINSTKEY}" "DisplayIcon" "$INSTDIR\${NAME}.exe,0"
	WriteRegStr HKCU "${UNINSTKEY}" "InstallLocation" "$INSTDIR"
	WriteRegStr HKCU "${UNINSTKEY}" "UninstallString" '"$INSTDIR\Desinstalar.exe"'
	WriteRegStr HKCU "${UNINSTKEY}" "QuietUninstallString" '"$INSTDIR\Desinstalar.exe" /S'
	WriteRegDWORD HKCU "${UNINSTKEY}" "NoModify" 1
	WriteRegDWORD HKCU "${UNINSTKEY}" "NoRepair" 1
	${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
	WriteRegDWORD HKCU "${UNINSTKEY}" "EstimatedSize" $0
SectionEnd

Section "Uninstall"
	SetShellVarContext current
	Delete "$INSTDIR\${NAME}.exe"
	Delete "$INSTDIR\Desinstalar.exe"
	RMDir "$INSTDIR"
	Delete "$SMPROGRAMS\${NAME}.lnk"
	Delete "$DESKTOP\${NAME}.lnk"
	DeleteRegKey HKCU "${UNINSTKEY}"
	DeleteRegKey HKCU "Software\${NAME}"
	; The user's data (%APPDATA%\fyne\${APPID}) stays: the database and its
	; backups are the office's records, not part of the program.
SectionEnd
