@echo off
rem Opens a file cunwu associates (installer/windows/cunwu.nsi): a sync bundle (.cunwu-sync) is imported into
rem the township hub, with its receipt written beside it (on the stick); a receipt (.cunwu-receipt) into the
rem village. The window stays until a key is pressed, so the clerk reads what happened.
if /i "%~x1"==".cunwu-sync" (
  "%~dp0cunwu.exe" hub import "%~1" --receipts "%~dp1."
) else (
  "%~dp0cunwu.exe" receipt import "%~1"
)
pause
