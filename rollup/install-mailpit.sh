#!/bin/sh
# Installs Mailpit, the real SMTP server that rollup's integration tests send
# to, into $(go env GOBIN) or $(go env GOPATH)/bin. Idempotent: does nothing
# when that version is already there. CI runs it before `go test ./rollup/`.
set -eu
version=v1.33.1
bindir="$(go env GOBIN)"
[ -n "$bindir" ] || bindir="$(go env GOPATH)/bin"
bin="$bindir/mailpit"
if [ -x "$bin" ] && go version -m "$bin" 2>/dev/null | grep -Eq "^[[:space:]]+mod[[:space:]]+github.com/axllent/mailpit[[:space:]]+$version([[:space:]]|\$)"; then
	echo "mailpit $version already in $bin"
	exit 0
fi
# Outside the module, so baton's go.mod is neither read nor changed.
cd "$(mktemp -d)"
GOFLAGS=-mod=mod go install "github.com/axllent/mailpit@$version"
echo "installed mailpit $version in $bin"
