#!/bin/sh
# A Java runtime trimmed to the modules jremoted uses, for the jremoted-jlink package
# (docs/install.md, "Which package"). Called by the Maven build with -Pjlink; by hand:
#   packaging/jlink-runtime.sh BUILD_DIR      (writes BUILD_DIR/runtime)
# The modules are what `jdeps --ignore-missing-deps --multi-release 17 --list-deps jremoted.jar`
# lists, without the two that only unused code needs: java.desktop (JNA's AWT helpers, Pack200 in
# commons-compress) and java.sql (BouncyCastle's LDAP certificate store; picocli probes it and
# does without). Rerun jdeps after adding a dependency; it takes ~20 s, too long for every build.
set -eu
build=${1:?usage: jlink-runtime.sh BUILD_DIR}
modules=java.base,java.logging,java.naming,java.security.jgss,java.security.sasl,java.smartcardio,java.xml,java.xml.crypto,jdk.crypto.cryptoki,jdk.crypto.ec,jdk.jfr,jdk.net,jdk.security.auth,jdk.security.jgss,jdk.unsupported
jlink=${JAVA_HOME:+$JAVA_HOME/bin/}jlink
command -v "$jlink" >/dev/null || jlink=$(dirname "$(readlink -f "$(command -v javac)")")/jlink
rm -rf "$build/runtime"
# No debug symbols, headers or man pages, and no class-data archive of its own: bin/jremoted
# makes one with jremoted's classes and the JDK's it uses at installation (22 MiB less to ship).
"$jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
    --output "$build/runtime"
echo "runtime: $(du -sk "$build/runtime" | cut -f1) KiB in $build/runtime"
