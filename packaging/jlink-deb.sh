#!/bin/sh
# Builds the second Debian package, jremoted-jlink, from the jremoted .deb jdeb made: the same
# files plus a Java runtime trimmed with jlink to the modules jremoted uses (jlink-runtime.sh) in
# /usr/lib/jremoted/runtime, where bin/jremoted looks first; no dependency on a JRE.
# docs/install.md, "Which package", has the sizes and why jremoted stays the default.
# Called by the Maven build with -Pjlink (package phase, after jdeb):
#   jlink-deb.sh BUILD_DIR VERSION
set -eu
build=${1:?usage: jlink-deb.sh BUILD_DIR VERSION}
version=${2:?usage: jlink-deb.sh BUILD_DIR VERSION}
here=$(cd "$(dirname "$0")" && pwd -P)
debversion=$(echo "$version" | sed 's/-SNAPSHOT$/~SNAPSHOT/')
deb=$(ls "$build"/jremoted_*_amd64.deb 2>/dev/null | head -1)
[ -f "$deb" ] || { echo "jlink-deb.sh: no $build/jremoted_*_amd64.deb (jdeb skipped?)" >&2; exit 1; }
sh "$here/jlink-runtime.sh" "$build"
work=$build/jlink-deb
rm -rf "$work"
dpkg-deb -R "$deb" "$work"
mkdir -p "$work/usr/lib/jremoted"
cp -a "$build/runtime" "$work/usr/lib/jremoted/runtime"
# The runtime's own libraries need these (ldd of its bin/java and lib/*.so); libpcsclite only
# when smart cards are used, which jremoted never does.
sed -i -e 's/^Package: jremoted$/Package: jremoted-jlink/' \
    -e 's/^Depends: [^,]*, /Depends: libgcc-s1, libstdc++6, zlib1g, /' \
    -e 's/^Conflicts: /Conflicts: jremoted, /' -e 's/^Replaces: /Replaces: jremoted, /' \
    -e 's/^Provides: /Provides: jremoted (= '"$debversion"'), /' \
    -e 's/^\(Description: .*\)$/\1, own Java runtime/' \
    -e '/^Installed-Size:/d' "$work/DEBIAN/control"
echo "Installed-Size: $(du -sk --exclude=DEBIAN "$work" | cut -f1)" >> "$work/DEBIAN/control"
(cd "$work" && find . -path ./DEBIAN -prune -o -type f -print | sed 's|^\./||' | LC_ALL=C sort \
    | xargs -d '\n' md5sum > DEBIAN/md5sums)
out=$build/jremoted-jlink_${debversion}_amd64.deb
dpkg-deb --root-owner-group -Zgzip --build "$work" "$out" >/dev/null
rm -rf "$work"
echo "jlink-deb.sh: $out ($(du -k "$out" | cut -f1) KiB)"
