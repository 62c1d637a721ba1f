#!/usr/bin/env bash
# Installs promtool from Debian's prometheus package when it is missing (CI runs as root).
# The package also ships a Prometheus server; it must not start, so service starts are
# refused while it installs (policy-rc.d) and the unit is disabled where systemd runs.
set -euo pipefail

if command -v promtool >/dev/null; then
    exit 0
fi

policy=/usr/sbin/policy-rc.d
added_policy=false
if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod +x "$policy"
    added_policy=true
fi
trap 'if [ "$added_policy" = true ]; then rm -f "$policy"; fi' EXIT

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends prometheus >/dev/null
if [ -d /run/systemd/system ]; then
    systemctl disable --now prometheus >/dev/null 2>&1 || true
fi
promtool --version | head -n 1
