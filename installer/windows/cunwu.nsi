; 村务 cunwu: the Windows installer (NSIS 3, Unicode), in Chinese.
; Paths read while compiling are written with / (makensis takes them on Windows and on Linux alike), relative
; to this folder (makensis works from the folder of the script).
; Made from the one-folder build (scripts/build.sh on Windows: dist\cunwu). docs/release.md says how;
; .github/workflows/windows.yml does the same on a Windows runner.
;   makensis /INPUTCHARSET UTF8 installer\windows\cunwu.nsi       (dist\cunwu -> dist\cunwu-VERSION-windows-x64.exe)
;   makensis /INPUTCHARSET UTF8 /DBUILD_DIR=C:\b\cunwu /DOUT_FILE=C:\b\x.exe installer\windows\cunwu.nsi
; The version is the build's own (BUILD_DIR\_internal\resources\VERSION, from pyproject.toml) unless /DVERSION=
; gives it.
;
; Per-machine: the program goes to Program Files, the shortcuts (start menu, desktop) are everyone's. Each
; user's data stays in %LOCALAPPDATA%\cunwu: neither installing, nor upgrading, nor uninstalling touches it.
; A newer version installs over the older one; the data is brought up to date by the program at its first
; start, after a backup. Double-clicking a sync bundle (.cunwu-sync) imports it into the township's hub (its
; receipt written beside it), a receipt (.cunwu-receipt) into the village: cunwu-open.cmd, in a window that
; says what happened.

Unicode true
ManifestDPIAware true
SetCompressor /SOLID lzma
RequestExecutionLevel admin

!ifndef BUILD_DIR
  !define BUILD_DIR "../../dist/cunwu"
!endif
!ifndef VERSION
  !define /file VERSION "${BUILD_DIR}/_internal/resources/VERSION"
!endif
!ifndef OUT_FILE
  !define OUT_FILE "../../dist/cunwu-${VERSION}-windows-x64.exe"
!endif

!define NAME "村务"
!define KEY "cunwu"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\cunwu"
!define ICON "../../resources/icons/cunwu.ico"

Name "${NAME} ${VERSION}"
OutFile "${OUT_FILE}"
InstallDir "$PROGRAMFILES64\cunwu"
InstallDirRegKey HKLM "${UNINSTALL_KEY}" "InstallLocation"
BrandingText "${NAME} ${VERSION}"

!include "MUI2.nsh"
!include "LogicLib.nsh"
!include "x64.nsh"

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_WELCOMEPAGE_TITLE "安装村务 ${VERSION}"
!define MUI_WELCOMEPAGE_TEXT "村务是给村民委员会用的离线程序:村民信息、村务公开、会议记录、证明开具和同步到乡镇。$\r$\n$\r$\n已经装过旧版本的,直接安装新版本即可:村里的数据都会保留,新版本第一次打开时会先自动备份,再更新数据。$\r$\n$\r$\n安装前请关闭正在运行的村务程序。"
!define MUI_FINISHPAGE_RUN "$INSTDIR\cunwu-desktop.exe"
!define MUI_FINISHPAGE_RUN_TEXT "现在打开村务"
!define MUI_UNCONFIRMPAGE_TEXT_TOP "将从这台电脑上卸载村务程序。村里的数据(在每个用户的 %LOCALAPPDATA%\cunwu 文件夹里,包括备份)不会被删除,以后重新安装即可继续使用。"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_LICENSE "../../resources/licences/GPL-3.0.txt"
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "SimpChinese"

; A running 村务 holds its files open: ask the clerk to close it instead of failing half-way. Windows lets a
; running program's file be renamed but not opened for writing, so writing is what is tried (nothing is written).
!macro WaitUntilClosed UN
Function ${UN}InUse
  ; $R0: a file of the program; $R1 set to 1 if a running program holds it
  StrCpy $R1 0
  ${If} ${FileExists} $R0
    ClearErrors
    FileOpen $R2 $R0 a
    ${If} ${Errors}
      StrCpy $R1 1
    ${Else}
      FileClose $R2
    ${EndIf}
  ${EndIf}
FunctionEnd

Function ${UN}WaitUntilClosed
  ${Do}
    StrCpy $R0 "$INSTDIR\cunwu-desktop.exe"
    Call ${UN}InUse
    ${If} $R1 == 0
      StrCpy $R0 "$INSTDIR\cunwu.exe"
      Call ${UN}InUse
    ${EndIf}
    ${If} $R1 == 0
      ${Break}
    ${EndIf}
    MessageBox MB_RETRYCANCEL|MB_ICONEXCLAMATION "村务程序正在运行。请先关闭所有村务窗口,再点“重试”。$\r$\n点“取消”则不做任何改动。" IDRETRY +2
    Abort "村务程序正在运行,没有做任何改动。"
  ${Loop}
FunctionEnd
!macroend
!insertmacro WaitUntilClosed ""
!insertmacro WaitUntilClosed "un."

Function .onInit
  SetShellVarContext all
  ${If} ${RunningX64}
    SetRegView 64
  ${EndIf}
FunctionEnd

Function un.onInit
  SetShellVarContext all
  ${If} ${RunningX64}
    SetRegView 64
  ${EndIf}
FunctionEnd

Section "村务" SecMain
  SectionIn RO
  Call WaitUntilClosed
  SetOutPath "$INSTDIR"
  ; the older version's program files go first (a file it had and this one has not would stay behind);
  ; nothing outside the program's own folder is removed, and no data lives in it
  RMDir /r "$INSTDIR\_internal"
  File /r "${BUILD_DIR}/*.*"
  File "/oname=cunwu.ico" "${ICON}"
  File "cunwu-open.cmd"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  CreateShortCut "$SMPROGRAMS\村务.lnk" "$INSTDIR\cunwu-desktop.exe" "" "$INSTDIR\cunwu.ico" 0
  CreateShortCut "$DESKTOP\村务.lnk" "$INSTDIR\cunwu-desktop.exe" "" "$INSTDIR\cunwu.ico" 0

  ; file associations: a bundle is imported by the township's hub, a receipt by the village
  WriteRegStr HKCR ".cunwu-sync" "" "cunwu.bundle"
  WriteRegStr HKCR "cunwu.bundle" "" "村务同步包"
  WriteRegStr HKCR "cunwu.bundle\DefaultIcon" "" "$INSTDIR\cunwu.ico,0"
  WriteRegStr HKCR "cunwu.bundle\shell\open" "" "导入乡镇数据中心"
  WriteRegStr HKCR "cunwu.bundle\shell\open\command" "" '"$INSTDIR\cunwu-open.cmd" "%1"'
  WriteRegStr HKCR ".cunwu-receipt" "" "cunwu.receipt"
  WriteRegStr HKCR "cunwu.receipt" "" "村务回执"
  WriteRegStr HKCR "cunwu.receipt\DefaultIcon" "" "$INSTDIR\cunwu.ico,0"
  WriteRegStr HKCR "cunwu.receipt\shell\open" "" "导入回执"
  WriteRegStr HKCR "cunwu.receipt\shell\open\command" "" '"$INSTDIR\cunwu-open.cmd" "%1"'
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'

  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayName" "${NAME}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "Publisher" "村务 cunwu"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\cunwu.ico"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "NoRepair" 1
SectionEnd

Section "Uninstall"
  Call un.WaitUntilClosed
  Delete "$SMPROGRAMS\村务.lnk"
  Delete "$DESKTOP\村务.lnk"
  DeleteRegKey HKCR "cunwu.bundle"
  DeleteRegKey HKCR "cunwu.receipt"
  ReadRegStr $0 HKCR ".cunwu-sync" ""
  ${If} $0 == "cunwu.bundle"
    DeleteRegKey HKCR ".cunwu-sync"
  ${EndIf}
  ReadRegStr $0 HKCR ".cunwu-receipt" ""
  ${If} $0 == "cunwu.receipt"
    DeleteRegKey HKCR ".cunwu-receipt"
  ${EndIf}
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'
  DeleteRegKey HKLM "${UNINSTALL_KEY}"
  ; the program's own files only, by name: the data is in each user's %LOCALAPPDATA%\cunwu and stays
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\cunwu-desktop.exe"
  Delete "$INSTDIR\cunwu.exe"
  Delete "$INSTDIR\cunwu.ico"
  Delete "$INSTDIR\cunwu-open.cmd"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
SectionEnd
