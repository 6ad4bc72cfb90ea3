#!/usr/bin/env bash
# packaging/test-deb.sh — install the amd64 package on this machine, use it as an operator
# would, and purge it again. Needs root on Debian 12 (the CI machine); systemd need not be PID 1:
# the daemon is started directly with the installed unit's own ExecStart= line, as its user.
#
#   bash packaging/test-deb.sh target/deb/edgeverify_0.1.0_amd64.deb
#
# Checks (each prints "ok - …"): dpkg -i; the accounts and directories; `policy check` on the
# installed policy; `systemd-analyze verify` on the units (no output allowed); the daemon with the
# installed config and socket: answers, socket permissions for clients and non-clients, a policy
# edit applied by reload, verdict cache across a restart, audit log, clean SIGTERM; the exec gate
# drop-in's command; reinstall (idempotent postinst, edited conffile kept); remove; purge leaves
# nothing but the two accounts (Debian practice, see packaging/debian/postrm); then the same
# install without systemd-sysusers/systemd-tmpfiles (the adduser fallback). Ends with
# "N passed, M failed"; exit 1 if any failed.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DEB=$(realpath "${1:?usage: packaging/test-deb.sh PACKAGE.deb}")
[ "$(id -u)" = 0 ] || { echo "run as root (it installs a package)" >&2; exit 2; }
if dpkg-query -W -f='${db:Status-Abbrev}' edgeverify 2>/dev/null | grep -q '^[ic]'; then
  echo "edgeverify is already installed here; this test installs and purges it: remove it first" >&2
  exit 2
fi
command -v systemd-analyze >/dev/null || {
  DEBIAN_FRONTEND=noninteractive apt-get -q -o DPkg::Lock::Timeout=300 install -y --no-install-recommends systemd >&2
}

SOCK=/run/edgeverify/edgeverify.sock
POLICY=/etc/edgeverify/policy.toml
AUDIT=/var/log/edgeverify/serve/audit.log
CACHE=/var/lib/edgeverify/cache/verdicts.cbor
UNIT=/lib/systemd/system/edgeverify.service
DROPIN=/usr/share/edgeverify/edgecore.service.d/edgeverify-gate.conf
DEMO=/opt/edgeverify-package-test
ARTIFACT=$root/examples/artifacts/binary-linux-amd64
tmp=$(mktemp -d)
serve_pid=
accounts_before_test=$(getent passwd _edgeverify || true)

passed=0
failed=0
ok() { echo "ok - $*"; passed=$((passed + 1)); }
bad() { echo "FAILED - $*"; failed=$((failed + 1)); }
check() { # DESCRIPTION COMMAND...: ok when the command succeeds
  local d=$1; shift
  if "$@"; then ok "$d"; else bad "$d"; fi
}
# Debian's python3: the package test also runs the client as other users, who cannot reach a
# python under /root (pyenv).
PY=/usr/bin/python3
[ -x "$PY" ] || { DEBIAN_FRONTEND=noninteractive apt-get -q -o DPkg::Lock::Timeout=300 install -y --no-install-recommends python3 >&2; }
query() { "$PY" "$root/packaging/query.py" "$@"; }
field() { "$PY" -c 'import json,sys; print(json.loads(sys.stdin.readline()).get(sys.argv[1]))' "$1"; }

stop_serve() {
  if [ -n "$serve_pid" ] && kill -0 "$serve_pid" 2>/dev/null; then
    kill -TERM "$serve_pid"
    local rc=0
    wait "$serve_pid" || rc=$?
    serve_pid=
    return "$rc"
  fi
  serve_pid=
}
cleanup() {
  stop_serve || true
  if dpkg-query -W -f='${db:Status-Abbrev}' edgeverify 2>/dev/null | grep -q '^[ic]'; then
    dpkg --purge edgeverify >/dev/null 2>&1 || true
  fi
  rm -rf "$tmp" "$DEMO"
  # The machine as it was: the accounts go again if this test made them.
  if [ -z "$accounts_before_test" ]; then
    userdel _edgeverify 2>/dev/null || true
    groupdel edgeverify-clients 2>/dev/null || true
  fi
}
trap cleanup EXIT

# What the file system looks like, for the purge check: every path with its mode and owner
# (contents and times are not compared; /etc/passwd & co. are compared line by line below).
# /usr/src and /usr/include (sources and headers: tens of thousands of entries) cannot hold
# anything of this package.
snapshot() {
  find /etc /usr /var /run/edgeverify -xdev \
    \( -path /var/lib/dpkg -o -path /var/lib/apt -o -path /var/cache -o -path /var/log/apt \
       -o -path /var/tmp -o -path /usr/src -o -path /usr/include \) -prune \
    -o -printf '%p %M %u %g\n' 2>/dev/null | LC_ALL=C sort || true
}
ACCOUNT_FILES=(/etc/passwd /etc/group /etc/shadow /etc/gshadow)
snapshot > "$tmp/before.list"
for f in "${ACCOUNT_FILES[@]}"; do cp -p "$f" "$tmp/$(basename "$f").before"; done

# Starts the daemon exactly as the unit would: its ExecStart= words, as User=/Group= with the
# supplementary groups of that user (SupplementaryGroups=), UMask=0077, in the RuntimeDirectory=.
start_serve() {
  local line
  line=$(sed -n '/^ExecStart=/,/[^\\]$/p' "$UNIT" | sed 's/\\$//' | tr -d '\n' | sed 's/^ExecStart=//')
  case "$line" in *\"* | *\'* | *\$*) echo "ExecStart= has quoting this test does not parse" >&2; return 1 ;; esac
  local -a cmd
  read -ra cmd <<< "$line"
  install -d -m 0755 -o _edgeverify -g _edgeverify /run/edgeverify
  (umask 077; exec setpriv --reuid=_edgeverify --regid=_edgeverify --init-groups --no-new-privs \
    --inh-caps=-all --bounding-set=-all "${cmd[@]}") 2>>"$tmp/serve.err" &
  serve_pid=$!
  local _
  for _ in $(seq 100); do
    [ -S "$SOCK" ] && return 0
    kill -0 "$serve_pid" 2>/dev/null || break
    sleep 0.1
  done
  cat "$tmp/serve.err" >&2
  return 1
}
# The unit's reload: ExecReload= runs `policy check` (as the service user) and only then SIGHUP.
reload_serve() {
  setpriv --reuid=_edgeverify --regid=_edgeverify --init-groups edgeverify policy check "$POLICY" >/dev/null &&
    kill -HUP "$serve_pid" || return 1
  local _
  for _ in $(seq 100); do
    [ "$(grep -c '"event":"reload"' "$AUDIT" 2>/dev/null)" -ge "${1:-1}" ] && return 0
    sleep 0.1
  done
  return 1
}

echo "== install"
check "dpkg -i installs the package" dpkg -i "$DEB"
system_account() { # a system id (below 1000), no login, home /var/lib/edgeverify (not created)
  local uid gecos home shell
  IFS=: read -r _ _ uid _ gecos home shell <<< "$(getent passwd _edgeverify)"
  [ "$uid" -lt 1000 ] && [ "${gecos%,,,}" = "edgeverify daemon" ] && [ "$home" = /var/lib/edgeverify ] &&
    [ "$shell" = /usr/sbin/nologin ]
}
check "the daemon's account _edgeverify is a system account without login" system_account
check "_edgeverify is in edgeverify-clients (it gives the socket to that group)" \
  sh -c 'id -nG _edgeverify | tr " " "\n" | grep -qx edgeverify-clients'
dirs_ok() {
  [ "$(stat -c '%a %U %G' /var/lib/edgeverify)" = "755 root root" ] &&
    [ "$(stat -c '%a %U %G' /var/lib/edgeverify/bundles)" = "755 root root" ] &&
    [ "$(stat -c '%a %U %G' /var/lib/edgeverify/cache)" = "700 _edgeverify _edgeverify" ] &&
    [ "$(stat -c '%a %U %G' /var/log/edgeverify/serve)" = "750 _edgeverify _edgeverify" ] &&
    [ "$(stat -c '%a %U %G' /var/log/edgeverify/exec)" = "750 root root" ]
}
check "state and log directories exist with their owners (cache/ and log/serve/ only are the daemon's)" dirs_ok
check "/etc/edgeverify/policy.toml is a conffile" \
  sh -c 'dpkg-query -W -f="\${Conffiles}" edgeverify | grep -q "^ /etc/edgeverify/policy.toml "'
check "the unit is enabled for multi-user.target (deb-systemd-helper)" \
  test -L /etc/systemd/system/multi-user.target.wants/edgeverify.service
check "edgeverify --version runs" edgeverify --version
check "edgeverify policy check accepts the installed policy" edgeverify policy check "$POLICY"

echo "== systemd-analyze verify"
analyze() { # UNIT: passes only with no output at all (unknown keys are warnings with exit 0)
  local out
  if out=$(systemd-analyze verify --man=no "$1" 2>&1) && [ -z "$out" ]; then return 0; fi
  echo "$out" >&2
  return 1
}
check "systemd-analyze verify edgeverify.service: no errors, no warnings" analyze "$UNIT"
# keadm's edgecore.service (keadm/cmd/keadm/app/cmd/util: ExecStart=/usr/local/bin/edgecore),
# with the drop-in beside it; without the drop-in's `ExecStart=` reset, verify fails on two
# ExecStart= lines, and on /usr/local/bin/edgecore not existing here.
mkdir -p "$tmp/units/edgecore.service.d"
printf '[Unit]\nDescription=edgecore.service\n\n[Service]\nType=simple\nExecStart=/usr/local/bin/edgecore\nRestart=always\nRestartSec=10\n\n[Install]\nWantedBy=multi-user.target\n' \
  > "$tmp/units/edgecore.service"
cp "$DROPIN" "$tmp/units/edgecore.service.d/"
check "systemd-analyze verify edgecore.service + the edgeverify-gate drop-in: no errors, no warnings" \
  analyze "$tmp/units/edgecore.service"

echo "== the daemon, started directly with the installed unit's command line"
check "serve starts as _edgeverify and creates $SOCK" start_serve
check "the socket is 0660 _edgeverify:edgeverify-clients" \
  test "$(stat -c '%a %U %G' "$SOCK")" = "660 _edgeverify edgeverify-clients"
rc=0; query "$SOCK" /usr/bin/edgeverify > "$tmp/a" || rc=$?
check "a program no rule matches is denied (exit 1, no rule)" \
  test "$rc:$(field allow < "$tmp/a"):$(field rule < "$tmp/a")" = "1:False:None"
rc=0; query "$SOCK" /usr/local/bin/edgecore > "$tmp/a" || rc=$?
check "edgecore without its evidence is denied" test "$rc:$(field allow < "$tmp/a")" = "1:False"

# The operator's workflow: put a program and its provenance in place, add a rule, reload.
install -d -m 0755 "$DEMO"
install -m 0755 "$ARTIFACT" "$DEMO/hello"
install -m 0644 "$ARTIFACT.intoto.jsonl" "$DEMO/hello.intoto.jsonl"
cp -p "$DEMO/hello" "$DEMO/tampered"
"$PY" -c 'import sys; b = bytearray(open(sys.argv[1], "rb").read()); b[4096] ^= 1; open(sys.argv[1], "wb").write(b)' "$DEMO/tampered"
cp "$DEMO/hello.intoto.jsonl" "$DEMO/tampered.intoto.jsonl"
install -m 0644 "$root/packaging/query.py" "$DEMO/query.py" # readable by the unprivileged clients
cat >> "$POLICY" <<EOF

[[rule]]
name = "package-test"
paths = ["$DEMO/*"]
source_uri = "github.com/slsa-framework/example-package"
EOF
check "reload (policy check, then SIGHUP) applies the edited policy" reload_serve 1
rc=0; query "$SOCK" "$DEMO/hello" > "$tmp/a" || rc=$?
check "the program with valid provenance is allowed by the new rule" \
  test "$rc:$(field allow < "$tmp/a"):$(field rule < "$tmp/a"):$(field cached < "$tmp/a")" = "0:True:package-test:False"
rc=0; query "$SOCK" "$DEMO/tampered" > "$tmp/a" || rc=$?
check "the same program with one byte changed is denied by that rule" \
  test "$rc:$(field allow < "$tmp/a"):$(field rule < "$tmp/a")" = "1:False:package-test"
rc=0; setpriv --reuid=nobody --regid=nogroup --groups="$(getent group edgeverify-clients | cut -d: -f3)" \
  "$PY" "$DEMO/query.py" "$SOCK" "$DEMO/hello" > "$tmp/a" || rc=$?
check "a member of edgeverify-clients may ask (and gets the cached verdict)" \
  test "$rc:$(field allow < "$tmp/a"):$(field cached < "$tmp/a")" = "0:True:True"
rc=0; setpriv --reuid=nobody --regid=nogroup --clear-groups \
  "$PY" "$DEMO/query.py" "$SOCK" "$DEMO/hello" > "$tmp/err" 2>&1 || rc=$?
check "anyone else cannot connect (exit 2, permission denied)" \
  test "$rc:$(grep -c 'Permission denied' "$tmp/err")" = "2:1"
printf 'rule = [\n' >> "$POLICY"
rc=0; setpriv --reuid=_edgeverify --regid=_edgeverify --init-groups edgeverify policy check "$POLICY" 2>/dev/null || rc=$?
check "a broken policy is refused by the reload's check (exit 2), so no SIGHUP would be sent" test "$rc" = 2
sed -i '$d' "$POLICY"
rc=0; stop_serve || rc=$?
check "SIGTERM: the daemon exits 0 and removes its socket" test "$rc:$(test -e "$SOCK" && echo present)" = "0:"
check "the verdict cache was written, 0600 _edgeverify" test "$(stat -c '%a %U' "$CACHE" 2>/dev/null)" = "600 _edgeverify"
audit_ok() {
  "$PY" - "$AUDIT" "$DEMO/hello" <<'EOF'
import json, sys
events = [json.loads(l) for l in open(sys.argv[1])]
kinds = [e["event"] for e in events]
allowed = [e for e in events if e["event"] == "decision" and e["path"] == sys.argv[2] and e["verdict"] == "allow"]
assert kinds[0] == "start" and "reload" in kinds and kinds[-1] == "stop", kinds
assert allowed and allowed[0]["rule"] == "package-test" and allowed[0]["peer"]["uid"] == 0, allowed
assert any(e.get("verdict") == "deny" for e in events), "no deny recorded"
EOF
}
check "the audit log has start, decisions (allow and deny, with the peer), reload and stop" audit_ok
cached_after_restart() {
  start_serve || return 1
  local rc=0
  query "$SOCK" "$DEMO/hello" > "$tmp/a" || rc=$?
  stop_serve || rc=$?
  test "$rc:$(field cached < "$tmp/a")" = "0:True"
}
check "after a restart, the verdict comes from the persisted cache" cached_after_restart

echo "== the exec gate drop-in's command"
gate_line=$(grep '^ExecStart=.' "$DROPIN" | sed 's/^ExecStart=//')
read -ra gate <<< "${gate_line% -- *}"
rc=0; out=$("${gate[@]}" -- "$DEMO/hello" 2>&1) || rc=$?
check "the gate runs an allowed program (its own output and exit status)" \
  test "$rc:$(grep -c 'Hello world' <<< "$out")" = "0:1"
rc=0; out=$("${gate[@]}" -- "$DEMO/tampered" 2>&1) || rc=$?
check "the gate refuses a tampered program (exit 1, not run)" \
  test "$rc:$(grep -c 'Hello world' <<< "$out")" = "1:0"
check "the gate's audit log (root's) records both" \
  test "$(grep -c '"path"' /var/log/edgeverify/exec/audit.log 2>/dev/null)" = 2

echo "== reinstall, remove, purge"
account=$(getent passwd _edgeverify)
check "dpkg -i again (postinst is idempotent)" dpkg -i "$DEB"
check "the edited conffile was kept" grep -q 'name = "package-test"' "$POLICY"
check "the account is unchanged" test "$(getent passwd _edgeverify)" = "$account"
check "dpkg -r removes the package" dpkg -r edgeverify
check "remove keeps configuration and state, removes program and unit" \
  test "$(ls -d "$POLICY" "$CACHE" /usr/bin/edgeverify "$UNIT" 2>/dev/null | tr '\n' ' ')" = "$POLICY $CACHE "
check "dpkg --purge purges it" dpkg --purge edgeverify
rm -rf "$DEMO"
snapshot > "$tmp/after.list"
check "after purge, no file or directory is left or changed (mode, owner)" \
  diff -u "$tmp/before.list" "$tmp/after.list"
accounts_only() { # the only new lines in the account files are the two accounts
  local f
  for f in "${ACCOUNT_FILES[@]}"; do
    diff "$tmp/$(basename "$f").before" "$f" | grep '^[<>]' | grep -Ev '^> (_edgeverify|edgeverify-clients):' && return 1
  done
  return 0
}
check "the accounts _edgeverify and edgeverify-clients are all that stays (kept on purge, as Debian does)" accounts_only

echo "== install without systemd-sysusers and systemd-tmpfiles (adduser fallback)"
if [ -z "$accounts_before_test" ]; then
  # Only accounts this test created are deleted, so that the fallback has to create them.
  userdel _edgeverify
  groupdel edgeverify-clients
  fallback() {
    unshare -m sh -c 'for t in systemd-sysusers systemd-tmpfiles; do mount --bind /dev/null "$(command -v $t)"; done
                      dpkg -i "$1"' sh "$DEB" >/dev/null
  }
  check "dpkg -i with systemd-sysusers and systemd-tmpfiles unavailable" fallback
  check "adduser created the same kind of account" system_account
  check "…in the group edgeverify-clients" sh -c 'id -nG _edgeverify | tr " " "\n" | grep -qx edgeverify-clients'
  check "the directories are the same as systemd-tmpfiles makes them" dirs_ok
  check "dpkg --purge" dpkg --purge edgeverify
  snapshot > "$tmp/after2.list"
  check "after purge, nothing is left (fallback install)" diff -u "$tmp/before.list" "$tmp/after2.list"
else
  echo "(skipped: the accounts existed before this test, so it does not delete them)"
fi

echo
echo "deb: $passed passed, $failed failed"
[ "$failed" = 0 ]
