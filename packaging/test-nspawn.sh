#!/usr/bin/env bash
# packaging/test-nspawn.sh — the amd64 package under a real systemd: a Debian 12 container booted
# with systemd-nspawn (systemd as PID 1), in which the package is installed, used, upgraded,
# removed and purged through systemctl. This checks what packaging/test-deb.sh cannot on a
# machine without systemd as PID 1: that the hardened unit really runs (sandbox, syscall
# filter, user, directories), that `systemctl reload` applies a good policy and refuses a bad
# one, that the edgecore drop-in gates edgecore.service, and that the maintainer scripts start,
# restart and stop the service.
#
#   bash packaging/test-nspawn.sh target/deb/edgeverify_0.1.0_amd64.deb
#
# Not run by CI: the container's file system comes from debootstrap (about 5 minutes and 300 MB
# from Debian's mirror the first time; kept in $EDGEVERIFY_NSPAWN_ROOT, default
# /var/tmp/edgeverify-nspawn-root, and each run boots a throw-away copy of it). Needs root,
# debootstrap and systemd-container (installed if missing). Ends with "N passed, M failed".
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DEB=$(realpath "${1:?usage: packaging/test-nspawn.sh PACKAGE_amd64.deb}")
ROOTFS=${EDGEVERIFY_NSPAWN_ROOT:-/var/tmp/edgeverify-nspawn-root}
[ "$(id -u)" = 0 ] || { echo "run as root" >&2; exit 2; }
for tool in debootstrap systemd-nspawn; do
  command -v "$tool" >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get -q -o DPkg::Lock::Timeout=300 \
    install -y --no-install-recommends debootstrap systemd-container >&2
done
if [ ! -x "$ROOTFS/lib/systemd/systemd" ]; then
  # The package's dependencies (libc6, libgcc-s1, adduser) and what the test uses (python3).
  debootstrap --variant=minbase --include=systemd,systemd-sysv,dbus,adduser,python3 \
    bookworm "$ROOTFS" http://deb.debian.org/debian >&2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/pkg" "$work/results"
cp "$DEB" "$work/pkg/edgeverify.deb"
cp "$root/packaging/query.py" "$root/examples/artifacts/binary-linux-amd64" \
  "$root/examples/artifacts/binary-linux-amd64.intoto.jsonl" "$work/pkg/"

# The test, run inside the container by a oneshot unit once the system is up.
cat > "$work/pkg/inside.sh" <<'INSIDE'
#!/bin/bash
exec > /results/log 2>&1
passed=0; failed=0
ok() { echo "ok - $*"; passed=$((passed + 1)); }
bad() { echo "FAILED - $*"; failed=$((failed + 1)); }
check() { local d=$1; shift; if "$@"; then ok "$d"; else bad "$d"; fi; }
SOCK=/run/edgeverify/edgeverify.sock
POLICY=/etc/edgeverify/policy.toml
install -d -m 0755 /opt/demo
install -m 0755 /pkg/binary-linux-amd64 /opt/demo/hello
install -m 0644 /pkg/binary-linux-amd64.intoto.jsonl /opt/demo/hello.intoto.jsonl
install -m 0644 /pkg/query.py /opt/demo/query.py
q() { python3 /opt/demo/query.py "$SOCK" "$1" | python3 -c 'import json,sys; a=json.load(sys.stdin); print(a["allow"], a["rule"], a["cached"])'; }
mainpid() { systemctl show -p MainPID --value edgeverify.service; }

check "dpkg -i under systemd" dpkg -i /pkg/edgeverify.deb
check "postinst enabled and started edgeverify.service" \
  test "$(systemctl is-enabled edgeverify.service):$(systemctl is-active edgeverify.service)" = "enabled:active"
check "it runs as _edgeverify with edgeverify-clients" \
  test "$(systemctl show -p User --value edgeverify):$(stat -c '%a %G' "$SOCK")" = "_edgeverify:660 edgeverify-clients"
check "a program no rule matches is denied" test "$(q /usr/bin/ls)" = "False None False"
{ printf '[[rule]]\nname = "demo"\npaths = ["/opt/demo/*", "/usr/local/bin/edgecore"]\n'
  printf 'source_uri = "github.com/slsa-framework/example-package"\n\n'; cat "$POLICY"; } > /tmp/policy
cat /tmp/policy > "$POLICY"
check "systemctl reload applies an edited policy" systemctl reload edgeverify
check "…so the program with valid provenance is allowed" test "$(q /opt/demo/hello)" = "True demo False"
echo 'rule = [' >> "$POLICY"
check "systemctl reload fails on a broken policy" sh -c '! systemctl reload edgeverify 2>/dev/null'
check "…and the daemon keeps running with the previous policy" \
  test "$(systemctl is-active edgeverify):$(q /opt/demo/hello)" = "active:True demo True"
sed -i '$d' "$POLICY"
check "a member of edgeverify-clients may ask" \
  setpriv --reuid=nobody --regid=nogroup --groups="$(getent group edgeverify-clients | cut -d: -f3)" \
  python3 /opt/demo/query.py "$SOCK" /opt/demo/hello
pid=$(mainpid)
check "systemctl restart: the verdict survives in the cache" \
  test "$(systemctl restart edgeverify && q /opt/demo/hello)" = "True demo True"
check "…in a new process" test "$(mainpid)" != "$pid"
exposure=$(systemd-analyze security edgeverify.service --no-pager | sed -n 's/.*Overall exposure level for edgeverify.service: \([0-9.]*\).*/\1/p')
echo "systemd-analyze security: exposure $exposure"
check "systemd-analyze security rates the unit at most 1.0 (of 10)" awk -v e="$exposure" 'BEGIN { exit !(e != "" && e <= 1.0) }'

# keadm's edgecore.service, gated by the drop-in the package ships.
install -m 0755 /opt/demo/hello /usr/local/bin/edgecore
cp /opt/demo/hello.intoto.jsonl /usr/local/bin/edgecore.intoto.jsonl
printf '[Unit]\nDescription=edgecore.service\n\n[Service]\nType=simple\nExecStart=/usr/local/bin/edgecore\n\n[Install]\nWantedBy=multi-user.target\n' \
  > /etc/systemd/system/edgecore.service
install -D -m 0644 /usr/share/edgeverify/edgecore.service.d/edgeverify-gate.conf \
  /etc/systemd/system/edgecore.service.d/edgeverify-gate.conf
systemctl daemon-reload
systemctl start edgecore; sleep 1
check "the gated edgecore.service runs an allowed edgecore (exit 0, its output in the journal)" \
  sh -c 'test "$(systemctl show -p ExecMainStatus --value edgecore)" = 0 && journalctl -u edgecore -o cat | grep -q "Hello world"'
python3 -c 'import sys; b = bytearray(open(sys.argv[1], "rb").read()); b[5000] ^= 1; open(sys.argv[1], "wb").write(b)' /usr/local/bin/edgecore
systemctl start edgecore; sleep 1
check "…and refuses a tampered one (exit 1, the reason in the journal)" \
  sh -c 'test "$(systemctl show -p ExecMainStatus --value edgecore)" = 1 && journalctl -u edgecore -o cat | grep -q "denied by rule \"demo\""'
check "the gate's decisions are in /var/log/edgeverify/exec/audit.log" \
  test "$(grep -c '"event":"decision"' /var/log/edgeverify/exec/audit.log)" = 2

pid=$(mainpid)
check "dpkg -i again (upgrade) under systemd" dpkg -i /pkg/edgeverify.deb
check "…restarted the daemon" test "$(systemctl is-active edgeverify):$(test "$(mainpid)" != "$pid" && echo new)" = "active:new"
check "dpkg -r stops the daemon and removes the unit" \
  sh -c 'dpkg -r edgeverify >/dev/null && ! systemctl is-active -q edgeverify && [ ! -e /lib/systemd/system/edgeverify.service ]'
check "dpkg --purge removes configuration, state and logs, keeps the accounts" \
  sh -c 'dpkg --purge edgeverify >/dev/null && [ ! -e /etc/edgeverify ] && [ ! -e /var/lib/edgeverify ] && [ ! -e /var/log/edgeverify ] && getent passwd _edgeverify >/dev/null'
echo
echo "nspawn: $passed passed, $failed failed"
systemctl poweroff
INSIDE
chmod 0755 "$work/pkg/inside.sh"
cat > "$work/pkg/edgeverify-nspawn-test.service" <<'UNIT'
[Unit]
Description=edgeverify package test
After=multi-user.target
[Service]
Type=oneshot
ExecStart=/pkg/inside.sh
[Install]
WantedBy=multi-user.target
UNIT

# A throw-away copy of the root file system, with the test unit enabled.
copy=$work/root
cp -a "$ROOTFS" "$copy"
cp "$work/pkg/edgeverify-nspawn-test.service" "$copy/etc/systemd/system/"
ln -s /etc/systemd/system/edgeverify-nspawn-test.service \
  "$copy/etc/systemd/system/multi-user.target.wants/edgeverify-nspawn-test.service"
# --register=no/--keep-unit: the host has no systemd to register a machine or a scope with.
timeout 600 systemd-nspawn -q -D "$copy" --register=no --keep-unit --boot \
  --bind-ro="$work/pkg:/pkg" --bind="$work/results:/results" > "$work/console.log" 2>&1 || true
if [ ! -s "$work/results/log" ]; then
  echo "the container produced no result; its console:" >&2
  cat "$work/console.log" >&2
  exit 1
fi
cat "$work/results/log"
grep -q "^nspawn: [0-9]* passed, 0 failed$" "$work/results/log"
