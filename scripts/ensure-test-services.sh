#!/usr/bin/env bash
# Brings up what the test suite needs on this kind of machine (Debian, root): a running PostgreSQL on
# 127.0.0.1:5432 and Debian's Chromium at /usr/bin/chromium (installed with apt-get when missing, saying
# so and showing apt's output; FAIRWAY_NO_INSTALL=1 installs nothing). Says exactly what is missing when
# it can't.
set -u
missing=()

# apt-get waits up to 5 minutes for another apt-get or dpkg (an unattended upgrade, a parallel install)
# instead of failing at once: `install` for the dpkg lock (DPkg::Lock::Timeout); `update` for the package
# lists' lock, which that option does not cover (apt 2.6 fails at once), by trying again every 5 s.
APT_WAIT=(-o DPkg::Lock::Timeout=300)
apt_update() {
  local deadline=$((SECONDS + 300)) output
  while true; do
    output=$(apt-get "${APT_WAIT[@]}" update 2>&1) && { printf '%s\n' "$output"; return 0; }
    printf '%s\n' "$output"
    if [[ $output != *"Could not get lock"* ]] || ((SECONDS >= deadline)); then return 1; fi
    echo "ensure-test-services: another apt-get holds the package lists' lock; trying again in 5 s" >&2
    sleep 5
  done
}

if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
    echo "ensure-test-services: PostgreSQL is not answering on 127.0.0.1:5432; starting its cluster (pg_ctlcluster)" >&2
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start >/dev/null 2>&1 || true
  fi
  for _ in $(seq 1 50); do pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null && break; sleep 0.2; done
  pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null ||
    missing+=("PostgreSQL on 127.0.0.1:5432 with trust auth and a database named 'test' (apt-get install postgresql)")
fi

if [ ! -x /usr/bin/chromium ]; then
  if [ "${FAIRWAY_NO_INSTALL:-}" != "1" ] && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    # Said, not hidden: this changes the machine (a system package, about 100 MB to download).
    echo "ensure-test-services: /usr/bin/chromium is missing; the dashboard tests (test/e2e) drive a real" >&2
    echo "  browser. Installing Debian's chromium package with apt-get, as root (set FAIRWAY_NO_INSTALL=1 to" >&2
    echo "  skip installing and only list what is missing):" >&2
    { apt_update && DEBIAN_FRONTEND=noninteractive apt-get "${APT_WAIT[@]}" install -y --no-install-recommends chromium; } >&2 ||
      echo "ensure-test-services: installing chromium failed (output above)" >&2
  fi
  [ -x /usr/bin/chromium ] || missing+=("Chromium at /usr/bin/chromium (as root: apt-get install -y chromium)")
fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "The tests need, and could not start or install:" >&2
  for item in "${missing[@]}"; do echo "  - $item" >&2; done
  exit 1
fi
