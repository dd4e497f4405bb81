#!/usr/bin/env bash
# A throw-away PostgreSQL server on loopback for the conformance tests (tests/pg/).
#
#   .ci/postgres.sh start   installs Debian's postgresql when no initdb exists, creates a
#                           cluster in a temporary directory, starts it on 127.0.0.1:$PGPORT
#                           and prints the DSN to export as DOCLINT_TEST_PG
#   .ci/postgres.sh stop    stops that server and removes its directory
#
# The server refuses to run as root, so the cluster belongs to the `postgres` OS user.
set -euo pipefail

PGPORT="${DOCLINT_PG_PORT:-55432}"
STATE="${DOCLINT_PG_STATE:-/tmp/doclint-pg}"
DATA="$STATE/data"
RUN_AS=postgres

find_bin() {
    local name="$1" found
    found="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
    if [ -n "$found" ] && [ -x "$found/$name" ]; then
        echo "$found/$name"
    elif command -v "$name" >/dev/null 2>&1; then
        command -v "$name"
    fi
}

as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        if command -v runuser >/dev/null 2>&1; then
            runuser -u "$RUN_AS" -- "$@"
        else
            su "$RUN_AS" -s /bin/sh -c "$(printf '%q ' "$@")"
        fi
    else
        "$@"
    fi
}

start() {
    if [ -z "$(find_bin initdb)" ]; then
        echo "postgres.sh: no initdb found; installing Debian's postgresql" >&2
        apt-get update
        DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql
    fi
    local initdb pg_ctl pg_isready
    initdb="$(find_bin initdb)"
    pg_ctl="$(find_bin pg_ctl)"
    pg_isready="$(find_bin pg_isready)"
    if [ "$(id -u)" -eq 0 ]; then
        id "$RUN_AS" >/dev/null 2>&1 || useradd --system --home-dir "$STATE" "$RUN_AS"
    else
        RUN_AS="$(id -un)"
    fi
    if [ -f "$DATA/postmaster.pid" ]; then
        echo "postgres.sh: a server already runs from $DATA; stopping it first" >&2
        stop
    fi
    rm -rf "$STATE"
    mkdir -p "$STATE"
    chown "$RUN_AS" "$STATE"
    as_owner "$initdb" -D "$DATA" -U postgres --auth=trust --encoding=UTF8 --no-locale >"$STATE/initdb.log"
    as_owner "$pg_ctl" -D "$DATA" -l "$STATE/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $STATE -c fsync=off" start >/dev/null
    for _ in $(seq 1 60); do
        if "$pg_isready" -h 127.0.0.1 -p "$PGPORT" -q; then
            echo "host=127.0.0.1 port=$PGPORT user=postgres dbname=postgres"
            return 0
        fi
        sleep 0.5
    done
    echo "postgres.sh: the server did not become ready; see $STATE/server.log" >&2
    return 1
}

stop() {
    local pg_ctl
    pg_ctl="$(find_bin pg_ctl)"
    if [ -n "$pg_ctl" ] && [ -f "$DATA/postmaster.pid" ]; then
        local owner
        owner="$(stat -c %U "$DATA")"
        if [ "$(id -u)" -eq 0 ]; then
            RUN_AS="$owner"
        fi
        as_owner "$pg_ctl" -D "$DATA" -m fast -w stop >/dev/null || true
    fi
    rm -rf "$STATE"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    *)
        echo "usage: $0 start|stop" >&2
        exit 2
        ;;
esac
