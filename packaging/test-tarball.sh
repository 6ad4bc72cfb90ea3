#!/usr/bin/env bash
# packaging/test-tarball.sh — check the static tarball as a user of a non-Debian device would use
# it: its contents, the static binary, `DESTDIR=… ./install.sh`, then a real `./install.sh` on
# this machine (root; systemd need not run), `systemd-analyze verify` on the installed unit,
# `./install.sh --uninstall` and INSTALL.md's removal command, after which nothing but the two
# accounts may be left. Ends with "N passed, M failed"; exit 1 if any failed.
#
#   bash packaging/test-tarball.sh target/dist-tarball/edgeverify-0.1.0-x86_64-linux-musl.tar.gz
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TARBALL=$(realpath "${1:?usage: packaging/test-tarball.sh TARBALL}")
[ "$(id -u)" = 0 ] || { echo "run as root (it installs into /usr/local, /etc and /var)" >&2; exit 2; }
for p in /usr/local/bin/edgeverify /etc/edgeverify /etc/systemd/system/edgeverify.service /var/lib/edgeverify; do
  [ -e "$p" ] && { echo "$p exists: this test installs and removes edgeverify, remove it first" >&2; exit 2; }
done
tmp=$(mktemp -d)
accounts_before_test=$(getent passwd _edgeverify || true)
cleanup() {
  rm -rf "$tmp"
  # The machine as it was: the accounts go again if this test made them.
  if [ -z "$accounts_before_test" ]; then
    userdel _edgeverify 2>/dev/null || true
    groupdel edgeverify-clients 2>/dev/null || true
  fi
}
trap cleanup EXIT

passed=0
failed=0
ok() { echo "ok - $*"; passed=$((passed + 1)); }
bad() { echo "FAILED - $*"; failed=$((failed + 1)); }
check() { local d=$1; shift; if "$@"; then ok "$d"; else bad "$d"; fi; }
snapshot() {
  find /etc /usr /var /run/edgeverify -xdev \
    \( -path /var/lib/dpkg -o -path /var/lib/apt -o -path /var/cache -o -path /var/log/apt -o -path /var/tmp \
       -o -path /usr/src -o -path /usr/include \) -prune \
    -o -printf '%p %M %u %g\n' 2>/dev/null | LC_ALL=C sort || true
}

name=$(basename "$TARBALL" .tar.gz)
tar -C "$tmp" -xzf "$TARBALL"
d=$tmp/$name
expected="INSTALL.md
bin/edgeverify
doc/LICENSE
doc/README.md
doc/SECURITY.md
doc/agent/README.md
doc/copyright
doc/examples/policy.toml
install.sh
man/edgeverify.1
policy.toml
systemd/edgecore.service.d/edgeverify-gate.conf
systemd/edgeverify.service
systemd/sysusers.d/edgeverify.conf
systemd/tmpfiles.d/edgeverify.conf"
check "the tarball holds one directory $name with exactly the expected files" \
  test "$(cd "$d" && find . -type f | sed 's#^\./##' | LC_ALL=C sort)" = "$expected"
check "bin/edgeverify is static (no program interpreter)" \
  sh -c "! readelf -l '$d/bin/edgeverify' | grep -q 'program interpreter'"
check "doc/copyright names musl libc and LLVM libunwind" \
  test "$(grep -c -e '^Files: (static musl binary)' "$d/doc/copyright")" = 2
check "the static binary verifies the README's example artifact" \
  "$d/bin/edgeverify" verify-bundle --bundle "$root/examples/artifacts/binary-linux-amd64.intoto.jsonl" \
  --certificate-identity https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@refs/tags/v2.1.0 \
  --certificate-oidc-issuer https://token.actions.githubusercontent.com "$root/examples/artifacts/binary-linux-amd64"

echo "== DESTDIR=… ./install.sh"
check "install.sh into a staging directory" env DESTDIR="$tmp/stage" sh "$d/install.sh"
check "the staged unit runs /usr/local/bin/edgeverify and points at /usr/local/share/doc" \
  sh -c "grep -q '^ExecStart=/usr/local/bin/edgeverify serve' '$tmp/stage/etc/systemd/system/edgeverify.service' &&
         grep -q 'file:///usr/local/share/doc/edgeverify/README.md' '$tmp/stage/etc/systemd/system/edgeverify.service' &&
         ! grep -rq -e '/usr/bin/edgeverify' -e '/usr/share/' '$tmp/stage/etc' '$tmp/stage/usr/local/share/edgeverify'"

echo "== ./install.sh on this machine"
snapshot > "$tmp/before.list"
cp -p /etc/passwd /etc/group "$tmp/"
check "./install.sh installs (and checks the policy)" sh "$d/install.sh"
check "the program runs from /usr/local/bin" /usr/local/bin/edgeverify policy check /etc/edgeverify/policy.toml
check "the accounts exist" sh -c 'getent passwd _edgeverify >/dev/null && id -nG _edgeverify | tr " " "\n" | grep -qx edgeverify-clients'
check "the directories exist with their owners" \
  test "$(stat -c '%a %U' /var/lib/edgeverify/cache /var/log/edgeverify/serve /var/log/edgeverify/exec | tr '\n' ' ')" \
  = "700 _edgeverify 750 _edgeverify 750 root "
out=$(systemd-analyze verify --man=no /etc/systemd/system/edgeverify.service 2>&1) || out="$out (exit $?)"
check "systemd-analyze verify on the installed unit: no errors, no warnings" test -z "$out"
[ -z "$out" ] || echo "$out"
check "man finds the manual page" sh -c 'MANPATH=/usr/local/share/man man -w edgeverify >/dev/null 2>&1 || [ -f /usr/local/share/man/man1/edgeverify.1 ]'
printf '# edited\n' >> /etc/edgeverify/policy.toml
check "a second ./install.sh keeps the edited policy (and offers policy.toml.new)" \
  sh -c "sh '$d/install.sh' >/dev/null && grep -q '^# edited' /etc/edgeverify/policy.toml && [ -f /etc/edgeverify/policy.toml.new ]"
check "./install.sh --uninstall" sh "$d/install.sh" --uninstall
check "--uninstall keeps the policy and the state" test -f /etc/edgeverify/policy.toml -a -d /var/lib/edgeverify/cache
rm -rf /etc/edgeverify /var/lib/edgeverify /var/log/edgeverify # INSTALL.md's removal command
snapshot > "$tmp/after.list"
check "after uninstall and INSTALL.md's rm, nothing is left or changed (mode, owner)" \
  diff -u "$tmp/before.list" "$tmp/after.list"
accounts_only() {
  local f
  for f in passwd group; do
    diff "$tmp/$f" "/etc/$f" | grep '^[<>]' | grep -Ev '^> (_edgeverify|edgeverify-clients):' && return 1
  done
  return 0
}
check "…but the accounts, if install.sh made them" accounts_only

echo
echo "tarball: $passed passed, $failed failed"
[ "$failed" = 0 ]
