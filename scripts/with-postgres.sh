#!/usr/bin/env bash
# Run a command against a throw-away PostgreSQL cluster: initdb into a temporary folder, start it on
# a free local port, export DATABASE_URL, run the command, stop the cluster and remove the folder.
# initdb refuses to run as root, so as root the cluster belongs to the 'postgres' user.
set -euo pipefail

find_bindir() {
  if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then pg_config --bindir; return; fi
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && { echo "$dir"; return; }
  done
  command -v initdb >/dev/null 2>&1 && dirname "$(readlink -f "$(command -v initdb)")"
}

bindir=$(find_bindir || true)
if [ -z "$bindir" ]; then
  echo "SKIPPED: the PostgreSQL run of the suite: no PostgreSQL server binaries (initdb, pg_ctl) on this machine." >&2
  echo "         Install them (Debian: apt-get install postgresql) to run it; CI does." >&2
  exit 0
fi

workdir=$(mktemp -d /tmp/minga-pg.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
as_owner() { "$@"; }
if [ "$(id -u)" = "0" ]; then
  id postgres >/dev/null 2>&1 || useradd --system --home-dir "$workdir" postgres
  chown postgres "$workdir"
  chmod 755 "$workdir"
  as_owner() { runuser -u postgres -- "$@"; }
fi

cleanup() {
  as_owner "$bindir/pg_ctl" -D "$workdir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$workdir"
}
trap cleanup EXIT

as_owner "$bindir/initdb" -D "$workdir/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >/dev/null
as_owner "$bindir/pg_ctl" -D "$workdir/data" -l "$workdir/server.log" -w \
  -o "-p $port -k $workdir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null

export DATABASE_URL="postgres://postgres@127.0.0.1:$port/minga"
echo "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') throw-away cluster on port $port"
"$@"
