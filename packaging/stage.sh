#!/bin/sh
# Called by the Maven build (exec-maven-plugin, prepare-package): puts the files both packages
# (.deb by jdeb, .rpm by rpm/build-rpm.sh) ship in a form the distributions expect into
# BUILD_DIR/stage: the IPC helper stripped, the man page and changelog compressed, the bash
# completion without the interpreter line a sourced file must not have.
#   stage.sh BUILD_DIR VERSION
set -eu
build=${1:?usage: stage.sh BUILD_DIR VERSION}
version=${2:?usage: stage.sh BUILD_DIR VERSION}
here=$(cd "$(dirname "$0")" && pwd -P)
stage=$build/stage
rm -rf "$stage"
mkdir -p "$stage"

if [ -x "$build/jremoted-ipc-helper" ]; then
    # Debug symbols stay in the build tree's copy only.
    strip --strip-unneeded --remove-section=.comment --remove-section=.note -o "$stage/jremoted-ipc-helper" "$build/jremoted-ipc-helper"
    chmod 755 "$stage/jremoted-ipc-helper"
else
    # The packages cannot be built then (they fail on the missing file); the jar still can.
    echo "[WARNING] no $build/jremoted-ipc-helper to package (apt-get install build-essential libqb-dev," \
         "or build only the jar: -Djdeb.skip=true -Drpm.skip=true)" >&2
fi

gzip -9n < "$build/generated-docs/jremoted.8" > "$stage/jremoted.8.gz"
sed '1{/^#!/d}' "$build/generated-docs/jremoted.bash" > "$stage/jremoted.bash"

# Debian versions sort "~" before anything: 0.1.0-SNAPSHOT becomes 0.1.0~SNAPSHOT (as jdeb does).
debversion=$(echo "$version" | sed 's/-SNAPSHOT$/~SNAPSHOT/')
when=$(git -C "$here" log -1 --format=%cD 2>/dev/null || date -R)
maintainer=$(sed -n 's/^Maintainer: //p' "$here/deb/control/control")
cat > "$stage/changelog" <<CHANGES
jremoted ($debversion) unstable; urgency=medium

  * Built from the jremoted source tree; the changes are in its version history.

 -- $maintainer  $when
CHANGES
gzip -9n < "$stage/changelog" > "$stage/changelog.gz"
