#!/bin/sh
# `make run`: migrate, load the demo, then serve the web app and the task worker until Ctrl-C.
set -e
PORT="${PORT:-8000}"
# QR codes and links on notices and certificates point here: the demo's own address unless set.
export ONEWINDOW_PUBLIC_URL="${ONEWINDOW_PUBLIC_URL:-http://127.0.0.1:$PORT}"
export DEBUG="${DEBUG:-1}"
OW=.venv/bin/onewindow
$OW migrate --noinput
$OW createcachetable
$OW demo setup
$OW db_worker &
WORKER=$!
# Hourly housekeeping (production: systemd timers in deploy/): default ratings, overdue complaints, deemed
# acceptance and lapsed 容缺 supplements, abandoned hall tickets, an audit anchor.
( while true; do $OW ratings sweep; $OW cases_daily; $OW hall sweep; $OW audit anchor; sleep 3600; done ) &
SWEEP=$!
# Every minute: the waiting warning opens (and later closes) standby windows.
( while true; do $OW hall standby >/dev/null; sleep 60; done ) &
STANDBY=$!
trap 'kill $WORKER $SWEEP $STANDBY 2>/dev/null' EXIT INT TERM
echo
echo "OneWindow is at http://127.0.0.1:$PORT/  (workbench /workbench/, admin /admin/, API /api/v1/docs)"
echo "Demo logins (password onewindow-demo): staff clerk, chief, reviewer, leader, supervisor, admin at /accounts/login/;"
echo "applicant: mobile 13800000000 at /signin/"
echo
$OW runserver "127.0.0.1:$PORT" --noreload
