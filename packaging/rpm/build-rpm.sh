#!/bin/sh
# Called by the Maven build (exec-maven-plugin, package phase, after the jar is shaded): builds
# BUILD_DIR/jremoted-VERSION-1.x86_64.rpm with rpmbuild (Debian package "rpm") from jremoted.spec.
#   build-rpm.sh BUILD_DIR VERSION
set -eu
build=${1:?usage: build-rpm.sh BUILD_DIR VERSION}
version=${2:?usage: build-rpm.sh BUILD_DIR VERSION}
here=$(cd "$(dirname "$0")" && pwd -P)
src=$(cd "$here/../.." && pwd -P)
if ! command -v rpmbuild >/dev/null 2>&1; then
    echo "[ERROR] rpmbuild not found: apt-get install rpm (or build without the .rpm: -Drpm.skip=true)" >&2
    exit 1
fi
if [ ! -x "$build/stage/jremoted-ipc-helper" ]; then
    echo "[ERROR] $build/stage/jremoted-ipc-helper missing: the .rpm needs the IPC helper" \
         "(apt-get install build-essential libqb-dev), or -Drpm.skip=true" >&2
    exit 1
fi
# RPM versions cannot hold "-"; "~" sorts before the release as Debian's does.
rpmversion=$(echo "$version" | sed 's/-SNAPSHOT$/~SNAPSHOT/; s/-/./g')
top=$build/rpmbuild
rm -rf "$top"
mkdir -p "$top"
rpmbuild -bb --quiet \
    --define "_topdir $top" \
    --define "_rpmdir $build" \
    --define "_build_name_fmt %%{NAME}-%%{VERSION}-%%{RELEASE}.%%{ARCH}.rpm" \
    --define "jr_build $build" \
    --define "jr_src $src" \
    --define "jr_version $rpmversion" \
    "$here/jremoted.spec"
rm -rf "$top"
ls "$build"/jremoted-*.rpm
