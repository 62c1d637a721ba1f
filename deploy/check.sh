#!/usr/bin/env bash
# Checks the monitoring files with promtool: the Prometheus config (and the rule files it
# names), the alert rules, and the alerts' unit tests. deploy/install-promtool.sh installs it.
set -euo pipefail
cd "$(dirname "$0")/prometheus"

promtool check config prometheus.yml
promtool check rules alerts.yml
promtool test rules alerts.test.yml
