#!/bin/sh
# Install edgeverify from this unpacked tarball (see INSTALL.md). Run as root.
#
#   ./install.sh                    program, manual, docs, drop-in under $PREFIX (/usr/local);
#                                   units, policy, accounts and directories; starts the daemon
#                                   where systemd runs
#   PREFIX=/opt/edgeverify ./install.sh
#   DESTDIR=/tmp/stage ./install.sh only copy the files below DESTDIR (no accounts, no systemctl)
#   ./install.sh --uninstall        remove what install.sh installed, except the policy, the
#                                   state and the logs (/etc/edgeverify, /var/lib/edgeverify,
#                                   /var/log/edgeverify) and the accounts
#
# The files name /usr/bin/edgeverify and /usr/share/... (the Debian package's paths); they are
# rewritten to $PREFIX here.
set -eu
PREFIX=${PREFIX:-/usr/local}
DESTDIR=${DESTDIR:-}
here=$(cd "$(dirname "$0")" && pwd)
D=$DESTDIR

subst() { sed -e "s#/usr/bin/edgeverify#$PREFIX/bin/edgeverify#g" -e "s#/usr/share/#$PREFIX/share/#g" "$1"; }

# Directories this script creates are listed in the manifest, so that --uninstall removes them
# again (when empty) and no others. It is kept across reinstalls.
MANIFEST=$PREFIX/share/edgeverify/created-directories
created=""
[ -f "$D$MANIFEST" ] && created=$(cat "$D$MANIFEST")
mkparents() { # DIR: create it and its missing ancestors, remembering them
    dir=$1
    while [ "$dir" != / ] && [ ! -d "$D$dir" ]; do
        created="$created
$dir"
        dir=$(dirname "$dir")
    done
    mkdir -p "$D$1"
}
put() { # MODE SOURCE DEST: copy with the paths rewritten
    mkparents "$(dirname "$3")"
    subst "$here/$2" > "$D$3.tmp"
    chmod "$1" "$D$3.tmp"
    mv "$D$3.tmp" "$D$3"
}

FILES="$PREFIX/bin/edgeverify
$PREFIX/share/man/man1/edgeverify.1
$PREFIX/share/edgeverify/edgecore.service.d/edgeverify-gate.conf
$PREFIX/share/doc/edgeverify
/etc/systemd/system/edgeverify.service
/etc/sysusers.d/edgeverify.conf
/etc/tmpfiles.d/edgeverify.conf"

if [ "${1:-}" = --uninstall ]; then
    if [ -z "$D" ] && [ -d /run/systemd/system ]; then
        systemctl disable --now edgeverify.service || true
    fi
    for f in $FILES; do rm -rf "$D$f"; done
    rm -f "$D$MANIFEST"
    # Deepest first; a directory that still holds something (the policy) stays.
    printf '%s\n' "$created" | awk 'NF { print length($0), $0 }' | sort -rn | cut -d' ' -f2- |
        while read -r dir; do rmdir "$D$dir" 2>/dev/null || true; done
    if [ -z "$D" ] && [ -d /run/systemd/system ]; then systemctl daemon-reload; fi
    echo "removed edgeverify; kept /etc/edgeverify, /var/lib/edgeverify, /var/log/edgeverify and the accounts"
    exit 0
fi

mkparents "$PREFIX/bin"
cp "$here/bin/edgeverify" "$D$PREFIX/bin/edgeverify.tmp"
chmod 0755 "$D$PREFIX/bin/edgeverify.tmp"
mv "$D$PREFIX/bin/edgeverify.tmp" "$D$PREFIX/bin/edgeverify"
put 0644 man/edgeverify.1 "$PREFIX/share/man/man1/edgeverify.1"
put 0644 systemd/edgecore.service.d/edgeverify-gate.conf \
    "$PREFIX/share/edgeverify/edgecore.service.d/edgeverify-gate.conf"
for f in README.md SECURITY.md LICENSE copyright agent/README.md examples/policy.toml; do
    put 0644 "doc/$f" "$PREFIX/share/doc/edgeverify/$f"
done
put 0644 systemd/edgeverify.service /etc/systemd/system/edgeverify.service
put 0644 systemd/sysusers.d/edgeverify.conf /etc/sysusers.d/edgeverify.conf
put 0644 systemd/tmpfiles.d/edgeverify.conf /etc/tmpfiles.d/edgeverify.conf
# The policy is the operator's: never overwritten.
if [ -e "$D/etc/edgeverify/policy.toml" ]; then
    put 0644 policy.toml /etc/edgeverify/policy.toml.new
    echo "kept /etc/edgeverify/policy.toml; the shipped one is /etc/edgeverify/policy.toml.new"
else
    put 0644 policy.toml /etc/edgeverify/policy.toml
fi
printf '%s\n' "$created" | awk 'NF && !seen[$0]++' > "$D$MANIFEST"
[ -n "$D" ] && exit 0

# The accounts (sysusers.d/edgeverify.conf): systemd-sysusers, else shadow's useradd, else
# BusyBox's adduser (Alpine).
if command -v systemd-sysusers >/dev/null 2>&1; then
    systemd-sysusers /etc/sysusers.d/edgeverify.conf
elif command -v useradd >/dev/null 2>&1; then
    getent group edgeverify-clients >/dev/null || groupadd --system edgeverify-clients
    getent passwd _edgeverify >/dev/null ||
        useradd --system --user-group --home-dir /var/lib/edgeverify --no-create-home \
            --shell "$(command -v nologin || echo /sbin/nologin)" --comment "edgeverify daemon" _edgeverify
    usermod -a -G edgeverify-clients _edgeverify
else
    getent group edgeverify-clients >/dev/null || addgroup -S edgeverify-clients
    getent group _edgeverify >/dev/null || addgroup -S _edgeverify
    getent passwd _edgeverify >/dev/null ||
        adduser -S -D -H -h /var/lib/edgeverify -s /sbin/nologin -G _edgeverify \
            -g "edgeverify daemon" _edgeverify
    addgroup _edgeverify edgeverify-clients
fi

# The directories (tmpfiles.d/edgeverify.conf).
if command -v systemd-tmpfiles >/dev/null 2>&1; then
    systemd-tmpfiles --create /etc/tmpfiles.d/edgeverify.conf
else
    grep '^d[[:space:]]' /etc/tmpfiles.d/edgeverify.conf |
        while read -r _type path mode owner group _age; do
            mkdir -p "$path"
            chmod "$mode" "$path"
            chown "$owner:$group" "$path"
        done
fi

"$PREFIX/bin/edgeverify" policy check /etc/edgeverify/policy.toml
if [ -d /run/systemd/system ]; then
    systemctl daemon-reload
    systemctl enable --now edgeverify.service
    echo "edgeverify.service is running: systemctl status edgeverify"
else
    echo "no systemd: start the daemon from your init system with the ExecStart= line of"
    echo "/etc/systemd/system/edgeverify.service, as user _edgeverify (see INSTALL.md)"
fi
