@echo off
rem `phasebook`, the command line of the installed Phasebook extension (see bin/phasebook).
setlocal
if not defined PHASEBOOK_NODE set "PHASEBOOK_NODE=node"
set ELECTRON_RUN_AS_NODE=1
"%PHASEBOOK_NODE%" "%~dp0phasebook.js" %*
