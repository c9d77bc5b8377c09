#!/usr/bin/env bash
# Checks the Prometheus alert rules under deploy/prometheus: `promtool check
# rules` and the promtool unit tests (*_test.yml). Installs promtool first if it
# is not on PATH: Debian's prometheus package ships it (fast, as root), else it
# is built with go install. Run it before `go test ./metrics/... ./deploy/...`,
# whose promtool tests fail in CI (CI=true) without it.
# Usage: bash deploy/check.sh
set -euo pipefail
cd "$(dirname "$0")"

install_promtool() {
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		echo "installing promtool (Debian package prometheus)"
		apt-get update -qq
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null
	else
		echo "installing promtool (go install)"
		(cd /tmp && GOFLAGS=-mod=mod go install github.com/prometheus/prometheus/cmd/promtool@v0.316.0)
		export PATH="$(go env GOPATH)/bin:$PATH"
	fi
}

command -v promtool >/dev/null || install_promtool
promtool --version | head -1
promtool check rules prometheus/baton-alerts.yml
promtool test rules prometheus/*_test.yml
