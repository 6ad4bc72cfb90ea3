#!/usr/bin/env bash
# Cross: core, ffi and agent test suites for aarch64 and armv7 under qemu-user, built with
# Debian's rustc-web (rustup cannot download targets on CI), and a static musl build of the
# `edgeverify` binary, run natively on the host.
#
# Filtered under qemu (runs natively in the main test step):
#   every_shipped_offline_row_gives_the_production_verdict_through_the_cli  (agent/tests/slsa_cli.rs)
#     2,014 `edgeverify` processes, each started through qemu: minutes per target. The same
#     2,216 manifest rows run in-process under qemu (core/tests/slsa_manifest.rs), and the CLI
#     path is exercised under qemu by the conformance CLI tests (140 processes).
set -euo pipefail
cd "$(dirname "$0")/../.."
t0=$SECONDS
eval "$(bash tools/cross/setup.sh)"
echo "cross toolchain ready in $((SECONDS - t0)) s"

t1=$SECONDS
CROSS_SKIP_SETUP=1 bash tools/cross/test.sh -- --profile qemu \
  -p edgeverify-core -p edgeverify-ffi -p edgeverify-agent --locked \
  -- --skip every_shipped_offline_row_gives_the_production_verdict_through_the_cli
echo "qemu tests (aarch64 + armv7) took $((SECONDS - t1)) s"

# musl: Debian has no prebuilt musl std for rustc-web, so std is built from rust-web-src and
# linked with musl-tools' musl-gcc (static, self-contained CRT objects not needed).
t2=$SECONDS
T=x86_64-unknown-linux-musl
RUSTC="$CROSS_RUSTC" RUSTC_BOOTSTRAP=1 \
  CARGO_TARGET_X86_64_UNKNOWN_LINUX_MUSL_LINKER=musl-gcc \
  "$CROSS_CARGO" build --locked --profile dist -p edgeverify-agent --target "$T" \
  --target-dir target/cross/musl -Z build-std=std,panic_abort
bin=target/cross/musl/$T/dist/edgeverify
if readelf -l "$bin" | grep -q "program interpreter"; then echo "musl binary is not static" >&2; exit 1; fi
"$bin" verify-bundle --bundle examples/artifacts/binary-linux-amd64.intoto.jsonl \
  --certificate-identity https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@refs/tags/v2.1.0 \
  --certificate-oidc-issuer https://token.actions.githubusercontent.com \
  examples/artifacts/binary-linux-amd64
echo "musl build ($(stat -c %s "$bin") bytes, static) and run took $((SECONDS - t2)) s"
echo "cross step took $((SECONDS - t0)) s"
