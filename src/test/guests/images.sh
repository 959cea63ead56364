# Guest images of the guests suite (sourced by run.sh, never run directly): one cached Debian 12
# root with everything jremoted's .deb depends on, a kernel and systemd; per run the .deb is
# installed into a throw-away overlay of it, from which come the container image (podman import)
# and the virtual machine's disk (mkfs.ext4 -d). The cached root itself never holds jremoted.

GUEST_CACHE=${GUEST_CACHE:-/var/cache/jremoted-test/guests}
GUEST_ROOT=$GUEST_CACHE/bookworm-root
GUEST_MIRROR=${GUEST_MIRROR:-http://deb.debian.org/debian}
# What the root gets besides minbase: a kernel and systemd for the virtual machine (systemd-sysv,
# udev, linux-image-amd64 with its initramfs, the guest agent the suite uses to reach inside), the
# runtime the .deb pulls in (default-jre-headless, adduser, libqb100 for the IPC helper), tini for the container's PID 1, and
# the agents the resources inside run (ocf:pacemaker:Dummy).
GUEST_PKGS=(systemd-sysv udev dbus linux-image-amd64 initramfs-tools qemu-guest-agent iproute2 procps
            tini default-jre-headless adduser libqb100 resource-agents pacemaker-resource-agents)
# Bump when GUEST_PKGS or the preparation below changes: an older cached root is rebuilt.
GUEST_ROOT_VERSION=2

# ensure_guest_root: build $GUEST_ROOT once (debootstrap + apt-get, a few minutes, needs the
# Debian mirror). Serialised by a lock in the cache directory; later runs only check the marker.
ensure_guest_root() {
    mkdir -p "$GUEST_CACHE" || return 1
    (
        flock -w 1800 8 || { log "timed out waiting for another build of $GUEST_ROOT"; exit 1; }
        [ "$(cat "$GUEST_ROOT/.jremoted-guest-root" 2>/dev/null)" = "$GUEST_ROOT_VERSION" ] && exit 0
        build_guest_root
    ) 8>"$GUEST_CACHE/.root.lock"
}

build_guest_root() {
    local tmp=$GUEST_ROOT.tmp blog=$GUEST_CACHE/build-root.log
    log "building $GUEST_ROOT (Debian 12 + JRE + kernel; once, several minutes; log: $blog)"
    rm -rf "$tmp" "$GUEST_ROOT"
    command -v debootstrap >/dev/null || apt-get install -y -q debootstrap >>"$blog" 2>&1 || return 1
    debootstrap --variant=minbase bookworm "$tmp" "$GUEST_MIRROR" >"$blog" 2>&1 || {
        log "debootstrap failed: $blog"; return 1; }
    # The packages, from inside (postinst scripts such as the JRE's need /proc), in a private
    # mount namespace so nothing stays mounted. No service may start in the chroot.
    printf '#!/bin/sh\nexit 101\n' > "$tmp/usr/sbin/policy-rc.d" && chmod 755 "$tmp/usr/sbin/policy-rc.d"
    unshare -m --propagation private sh -c '
        mount -t proc proc "$1/proc" && mount --rbind /sys "$1/sys" && mount --rbind /dev "$1/dev" &&
        shift && chroot "$0" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
            -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "$@"' \
        "$tmp" "$tmp" "${GUEST_PKGS[@]}" >>"$blog" 2>&1 || { log "apt-get in the guest root failed: $blog"; return 1; }
    chroot "$tmp" apt-get clean >>"$blog" 2>&1
    rm -f "$tmp/usr/sbin/policy-rc.d"
    ls "$tmp"/boot/vmlinuz-* "$tmp"/boot/initrd.img-* >/dev/null 2>&1 || { log "no kernel/initramfs in $tmp/boot"; return 1; }
    echo "$GUEST_ROOT_VERSION" > "$tmp/.jremoted-guest-root"
    mv "$tmp" "$GUEST_ROOT"
}

# ------------------------------------------------------------------ per run
# The tree of this run: an overlay of the cached root, mounted in the cluster node's private mount
# namespace (it goes away with the node), with the .deb installed by apt-get as an administrator
# would install it. Its upper layer ($RESULTS/tree/upper) holds exactly what the run changed.
TREE=
guest_tree_build() {
    local deb=$1 want_bundle=$2 want_vm=$3 t=$RESULTS/tree
    local ilog=$RESULTS/images.log
    TREE=$t/merged
    mkdir -p "$t/upper" "$t/work" "$TREE" || return 1
    cl mount -t overlay jrgu-tree -o "lowerdir=$GUEST_ROOT,upperdir=$t/upper,workdir=$t/work" "$TREE" || return 1
    cl mount -t proc proc "$TREE/proc" || return 1
    # (The merged tree exists in the node's mount namespace only: every access goes through cl.)
    cl cp "$deb" "$TREE/tmp/jremoted.deb" || return 1
    cl sh -c 'printf "#!/bin/sh\nexit 101\n" > "$1" && chmod 755 "$1"' policy "$TREE/usr/sbin/policy-rc.d" || return 1
    # Every dependency is in the cached root already: nothing is downloaded.
    cl chroot "$TREE" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
        /tmp/jremoted.deb >"$ilog" 2>&1 || { log "apt-get install of the .deb failed: $ilog"; return 1; }
    cl rm -f "$TREE/tmp/jremoted.deb" "$TREE/usr/sbin/policy-rc.d"
    cl chroot "$TREE" dpkg-query -W -f='installed: ${Package} ${Version}\n' jremoted >>"$ilog" 2>&1
    cl umount "$TREE/proc" || return 1
    if [ "$want_bundle" = 1 ]; then bundle_image "$deb" >>"$ilog" 2>&1 || return 1; fi
    if [ "$want_vm" = 1 ]; then vm_disk >>"$ilog" 2>&1 || return 1; fi
}
