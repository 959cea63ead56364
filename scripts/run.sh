#!/usr/bin/env bash
# Build jremoted (installing the JDK and Maven on a fresh Debian 12 machine if needed) and run the
# daemon in the foreground with the default configuration (port 3121, /etc/pacemaker/authkey).
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
command -v javac >/dev/null 2>&1 || need+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null 2>&1 || need+=(maven)
if [ ${#need[@]} -gt 0 ]; then
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}"
fi
mvn -B -q package -DskipTests
if [ ! -s "${PCMK_authkey_location:-/etc/pacemaker/authkey}" ]; then
    echo "note: no Pacemaker Remote key yet; create one (the same file on every cluster node) with:" >&2
    echo "  mkdir -p /etc/pacemaker && dd if=/dev/urandom of=/etc/pacemaker/authkey bs=4096 count=1 && chmod 640 /etc/pacemaker/authkey" >&2
fi
exec bin/jremoted "$@"
