#!/usr/bin/env bash
# Weekly refresh for cron: fetch what is stale, then run runs/weekly.yaml on what the store
# holds. Everything goes to a dated log; a non-zero exit is reported to syslog and, if
# SDG17_MAIL_TO is set and `mail` exists, by mail. See deploy/README.md.
#
# Environment (all optional):
#   SDG17_REPO      the checkout (default: two folders above this script)
#   SDG17_BIN       the sdg17 command (default: $SDG17_REPO/.venv/bin/sdg17)
#   SDG17_LOG_DIR   where the dated logs go (default: $SDG17_REPO/outputs/logs)
#   SDG17_MAIL_TO   address for failure mail
#   SDG17_JOBS      notebooks at once (default: the runner's, the number of CPUs)
#   SDG17_KEEP_LOGS_DAYS  delete older logs (default 90)
#
# Exit codes: those of the step that decided the outcome (sdg17: 0 ok, 1 some notebooks
# failed or some series could not be fetched, 2 bad config or usage, 130/143 interrupted),
# 75 if another weekly run still holds the lock.
set -uo pipefail

REPO="${SDG17_REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
SDG17="${SDG17_BIN:-$REPO/.venv/bin/sdg17}"
LOG_DIR="${SDG17_LOG_DIR:-$REPO/outputs/logs}"
MAIL_TO="${SDG17_MAIL_TO:-}"
JOBS="${SDG17_JOBS:-}"

mkdir -p "$LOG_DIR"
LOG="$LOG_DIR/weekly-$(date -u +%Y%m%dT%H%M%SZ).log"
cd "$REPO" || { echo "sdg17-weekly: no repository at $REPO" >&2; exit 1; }

notify() {
    local subject="sdg17 weekly on $(hostname): $1"
    echo "== $subject" >>"$LOG"
    logger -t sdg17-weekly -p user.err "$subject (log: $LOG)" 2>/dev/null || true
    if [ -n "$MAIL_TO" ] && command -v mail >/dev/null 2>&1; then
        tail -n 200 "$LOG" | mail -s "$subject" "$MAIL_TO" || true
    fi
}

# One weekly run at a time: a slow week must not overlap the next one.
exec 9>"$LOG_DIR/.weekly.lock"
if ! flock -n 9; then
    notify "skipped, the previous weekly run is still going"
    exit 75
fi

# Run one step in the background so a SIGTERM/SIGINT to this script (cron stop, shutdown)
# reaches sdg17, which then stops its notebooks cleanly and marks the run interrupted.
child=0
trap '[ "$child" -gt 0 ] && kill -TERM "$child" 2>/dev/null' TERM
trap '[ "$child" -gt 0 ] && kill -INT "$child" 2>/dev/null' INT
step() {
    echo "== $(date -u +%FT%TZ) $*" >>"$LOG"
    "$@" >>"$LOG" 2>&1 &
    child=$!
    wait "$child"
    local rc=$?
    while kill -0 "$child" 2>/dev/null; do  # a trapped signal ended the wait early
        wait "$child"
        rc=$?
    done
    child=0
    echo "== $(date -u +%FT%TZ) exit $rc" >>"$LOG"
    return "$rc"
}

step "$SDG17" fetch
fetch_rc=$?
case "$fetch_rc" in
    0) ;;
    1) notify "some series could not be fetched; running on what the store holds" ;;
    *) notify "fetch failed (exit $fetch_rc); notebooks not run"
       exit "$fetch_rc" ;;
esac

step "$SDG17" run --config runs/weekly.yaml --data offline ${JOBS:+--jobs "$JOBS"}
run_rc=$?
case "$run_rc" in
    0) echo "== report: $REPO/outputs/latest/index.html" >>"$LOG" ;;
    1) notify "some notebooks failed; see outputs/latest/index.html" ;;
    2) notify "the run config or options are invalid; nothing was run" ;;
    *) notify "the run was interrupted or crashed (exit $run_rc)" ;;
esac

find "$LOG_DIR" -maxdepth 1 -name 'weekly-*.log' -mtime +"${SDG17_KEEP_LOGS_DAYS:-90}" -delete \
    2>/dev/null || true

if [ "$run_rc" -eq 0 ] && [ "$fetch_rc" -ne 0 ]; then
    exit "$fetch_rc"
fi
exit "$run_rc"
