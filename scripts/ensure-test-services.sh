#!/usr/bin/env bash
# Brings up what the test suite needs on this kind of machine (Debian, root): a running PostgreSQL on
# 127.0.0.1:5432 and Debian's Chromium at /usr/bin/chromium. Says exactly what is missing when it can't.
set -u
missing=()

if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start >/dev/null 2>&1 || true
  fi
  for _ in $(seq 1 50); do pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null && break; sleep 0.2; done
  pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null ||
    missing+=("PostgreSQL on 127.0.0.1:5432 with trust auth and a database named 'test' (apt-get install postgresql)")
fi

if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null 2>&1 || true
  fi
  [ -x /usr/bin/chromium ] || missing+=("Chromium at /usr/bin/chromium (as root: apt-get install -y chromium)")
fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "The tests need, and could not start or install:" >&2
  for item in "${missing[@]}"; do echo "  - $item" >&2; done
  exit 1
fi
