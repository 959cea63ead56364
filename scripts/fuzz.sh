#!/usr/bin/env bash
# Fuzzing campaign over every Jazzer fuzz target of the project (docs/fuzzing.md).
#
#   bash scripts/fuzz.sh SECONDS_PER_TARGET [FILTER...]   fuzz each target (whose Class#method
#                                                         contains a FILTER, if given) in turn
#   bash scripts/fuzz.sh --list                           the targets, one Class#method a line
#   bash scripts/fuzz.sh --seeds                          (re)write the committed seed corpora
#
# The normal test run (`mvn test`) only replays the committed corpus of each target
# (src/test/resources/org/jremoted/<pkg>/<Class>Inputs/<method>/). This script runs the same
# @FuzzTest methods in fuzzing mode with Jazzer's own driver, one after the other, and ends with
#
#   fuzz: N execs, N crashes
#
# N execs is the sum of the executions Jazzer reports per target. Exit status 0 only if no
# target found anything. Findings are written to target/fuzz/findings/<Class#method>/ (see
# docs/fuzzing.md for reproducing one and adding it to the corpus); inputs that grew coverage
# go to target/fuzz/corpus/<Class#method>/ and are reused by the next campaign.
#
# Environment (optional): FUZZ_JVM_OPTS (default -Xmx1g), FUZZ_TIMEOUT (seconds one input may
# take before it counts as a hang, default 30), BUILD_DIR (default <project>/target).
set -uo pipefail
exec </dev/null
cd "$(dirname "$0")/.." || exit 2
ROOT=$PWD
BUILD_DIR=${BUILD_DIR:-$ROOT/target}
FUZZ_JVM_OPTS=${FUZZ_JVM_OPTS:--Xmx1g}
FUZZ_TIMEOUT=${FUZZ_TIMEOUT:-30}
OUT=$BUILD_DIR/fuzz
RESOURCES=$ROOT/src/test/resources

usage() {
    sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 64
}

# Class#method of every @FuzzTest method under src/test/java.
targets() {
    local f cls
    while IFS= read -r f; do
        cls=${f#src/test/java/}
        cls=${cls%.java}
        cls=${cls//\//.}
        awk -v cls="$cls" '
            /@FuzzTest/ { want = 1; next }
            want && match($0, /void [A-Za-z0-9_]+\(/) {
                print cls "#" substr($0, RSTART + 5, RLENGTH - 6); want = 0
            }' "$f"
    done < <(grep -rl --include='*.java' '@FuzzTest' src/test/java | sort)
}

build() {
    echo "fuzz.sh: building test classes" >&2
    mvn -B -q -Dbuild.dir="$BUILD_DIR" test-compile dependency:build-classpath \
        -Dmdep.includeScope=test -Dmdep.outputFile="$BUILD_DIR/fuzz-classpath.txt" >&2 \
        || { echo "fuzz.sh: build failed" >&2; echo "fuzz: 0 execs, 0 crashes"; exit 2; }
    CP="$BUILD_DIR/test-classes:$BUILD_DIR/classes:$(cat "$BUILD_DIR/fuzz-classpath.txt")"
}

# PEM files of every kind GnuTLS accepts, small keys to keep each execution cheap.
pem_seeds() {
    local dir=$RESOURCES/org/jremoted/transport/PemFilesFuzzTestInputs/aPemFileGivesItsObjectsOrAClearError
    local t
    t=$(mktemp -d)
    mkdir -p "$dir"
    (
        cd "$t" || exit 1
        openssl genrsa -traditional -out rsa1.pem 1024 2>/dev/null
        openssl ecparam -name prime256v1 -genkey -noout -out ec.pem
        openssl genpkey -algorithm ed25519 -out ed.pem
        openssl pkcs8 -topk8 -nocrypt -in rsa1.pem -out rsa8.pem
        openssl pkcs8 -topk8 -passout pass:x -in ec.pem -out enc8.pem 2>/dev/null
        openssl req -x509 -new -key ec.pem -subj /CN=ca -days 3650 -out ca.pem 2>/dev/null
        openssl req -new -key rsa1.pem -subj /CN=node1 -out node.csr 2>/dev/null
        openssl x509 -req -in node.csr -CA ca.pem -CAkey ec.pem -CAcreateserial -days 3650 \
            -out node.pem 2>/dev/null
        printf '[ca]\ndefault_ca=c\n[c]\ndatabase=index.txt\ncrlnumber=crlnumber\ndefault_md=sha256\ndefault_crl_days=30\n' > ca.cnf
        : > index.txt; echo 01 > crlnumber
        openssl ca -config ca.cnf -gencrl -keyfile ec.pem -cert ca.pem -out crl.pem 2>/dev/null
        cat node.pem ca.pem > chain.pem
        cat rsa1.pem node.pem > key-and-cert.pem
    ) || { echo "fuzz.sh: openssl failed" >&2; rm -rf "$t"; return 1; }
    local f
    for f in rsa1 ec ed rsa8 enc8 ca node crl chain key-and-cert; do
        cp "$t/$f.pem" "$dir/seed-$f-$(sha1sum < "$t/$f.pem" | cut -c1-12)"
    done
    rm -rf "$t"
}

case "${1:-}" in
    --list) targets; exit 0 ;;
    --seeds)
        build
        java -Djremoted.home="$ROOT" -cp "$CP" org.jremoted.protocol.FuzzSeeds "$ROOT" || exit 1
        pem_seeds || exit 1
        exit 0 ;;
    ''|-*) usage ;;
esac
SECONDS_PER_TARGET=$1
shift
[[ $SECONDS_PER_TARGET =~ ^[0-9]+$ ]] && [ "$SECONDS_PER_TARGET" -gt 0 ] || usage

selected=()
while IFS= read -r t; do
    if [ $# -eq 0 ]; then
        selected+=("$t")
    else
        for filter in "$@"; do
            [[ $t == *"$filter"* ]] && { selected+=("$t"); break; }
        done
    fi
done < <(targets)
[ ${#selected[@]} -gt 0 ] || { echo "fuzz.sh: no target matches: $*" >&2; echo "fuzz: 0 execs, 0 crashes"; exit 64; }

build
mkdir -p "$OUT/logs"
total=0
crashes=0
summary=()
for t in "${selected[@]}"; do
    cls=${t%#*}
    method=${t#*#}
    corpus=$OUT/corpus/$t
    findings=$OUT/findings/$t
    seeds=$RESOURCES/${cls%.*}
    seeds=${seeds//.//}/${cls##*.}Inputs/$method
    mkdir -p "$corpus" "$findings"
    dirs=("$corpus")
    [ -d "$seeds" ] && dirs+=("$seeds")
    log=$OUT/logs/$t.log
    echo "fuzz.sh: $t for ${SECONDS_PER_TARGET}s" >&2
    start=$(date +%s)
    # shellcheck disable=SC2086
    java $FUZZ_JVM_OPTS -Djremoted.home="$ROOT" -cp "$CP" com.code_intelligence.jazzer.Jazzer \
        --target_class="$cls" --target_method="$method" \
        --instrumentation_includes='org.jremoted.**:org.apache.commons.compress.**:org.bouncycastle.**' \
        -max_total_time="$SECONDS_PER_TARGET" -timeout="$FUZZ_TIMEOUT" -rss_limit_mb=4096 \
        -artifact_prefix="$findings/" -print_final_stats=1 "${dirs[@]}" > "$log" 2>&1
    rc=$?
    took=$(( $(date +%s) - start ))
    # "Done N runs" at a normal end; after a finding the last status line "#N ..." counts.
    execs=$(sed -n 's/^Done \([0-9][0-9]*\) runs.*/\1/p' "$log" | tail -1)
    [ -n "$execs" ] || execs=$(sed -n 's/^#\([0-9][0-9]*\)[[:space:]].*/\1/p' "$log" | tail -1)
    execs=${execs:-0}
    result=ok
    if [ "$rc" -ne 0 ]; then
        crashes=$((crashes + 1))
        result="FOUND (exit $rc, log $log; inputs in $findings)"
        grep -m1 -A12 '== Java Exception\|ERROR: libFuzzer' "$log" >&2
    fi
    total=$((total + execs))
    summary+=("$(printf '%-100s %12s execs %6ss  %s' "$t" "$execs" "$took" "$result")")
    printf '%s\n' "${summary[-1]}" >&2
done

printf '%s\n' "${summary[@]}"
echo "fuzz: $total execs, $crashes crashes"
[ "$crashes" -eq 0 ]
