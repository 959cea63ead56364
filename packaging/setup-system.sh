#!/bin/sh
# The cluster user and group, and the directories the daemon and the cluster tools expect, as the
# Pacemaker packages create them. Run by the .deb's postinst and the .rpm's %post (installed as
# <libdir>/jremoted/setup-system); safe to run again. Existing users and directories are kept.
set -e

if ! getent group haclient >/dev/null; then
    if command -v addgroup >/dev/null 2>&1; then
        addgroup --system haclient >/dev/null
    else
        groupadd --system haclient
    fi
fi
if ! getent passwd hacluster >/dev/null; then
    if command -v adduser >/dev/null 2>&1; then
        adduser --system --ingroup haclient --home /var/lib/pacemaker --no-create-home \
            --shell /usr/sbin/nologin hacluster >/dev/null
    else
        useradd --system --gid haclient --home-dir /var/lib/pacemaker --no-create-home \
            --shell /sbin/nologin --comment "cluster user" hacluster
    fi
fi
for spec in \
    root:haclient:0750:/etc/pacemaker \
    hacluster:haclient:0750:/var/lib/pacemaker \
    hacluster:haclient:0750:/var/lib/pacemaker/cores \
    hacluster:haclient:0750:/var/lib/pacemaker/blackbox \
    hacluster:haclient:0770:/var/log/pacemaker \
    ; do
    owner=${spec%%:*}; rest=${spec#*:}
    group=${rest%%:*}; rest=${rest#*:}
    mode=${rest%%:*}; dir=${rest#*:}
    if [ ! -d "$dir" ]; then
        mkdir -p "$dir"
        chown "$owner:$group" "$dir"
        chmod "$mode" "$dir"
    fi
done
