#!/bin/sh
# Called by the Maven build (exec-maven-plugin): builds jremoted-ipc-helper into $1.
# Without a C compiler or libqb's headers the daemon still builds and runs, but local cluster
# tools will not work on the node; say so loudly instead of failing the whole build. A compile
# error with both present does fail the build.
out=${1:?usage: build-helper.sh OUTPUT_DIR}
here=$(cd "$(dirname "$0")" && pwd -P)
cc=${CC:-cc}
if ! command -v "$cc" >/dev/null 2>&1 || ! command -v make >/dev/null 2>&1; then
    echo "[WARNING] jremoted-ipc-helper not built: no C compiler/make (apt-get install build-essential libqb-dev);" \
         "local cluster tools (crm_attribute, crm_master, crm_mon) will not work with this build" >&2
    exit 0
fi
if [ ! -f /usr/include/qb/qbipcs.h ] && ! pkg-config --exists libqb 2>/dev/null; then
    echo "[WARNING] jremoted-ipc-helper not built: libqb headers missing (apt-get install libqb-dev);" \
         "local cluster tools (crm_attribute, crm_master, crm_mon) will not work with this build" >&2
    exit 0
fi
exec make -s -C "$here" OUT="$out"
