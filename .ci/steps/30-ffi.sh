#!/usr/bin/env bash
# The C API (ffi/) and its Go package (examples/go): header freshness, C tests under valgrind,
# Go tests. (The same C tests with ASan/UBSan already ran in `cargo test --workspace`.)
set -euo pipefail
cd "$(dirname "$0")/../.."

step() { printf -- '--- %s (%ss)\n' "$1" "$SECONDS"; }

step "tools"
missing=()
command -v cc >/dev/null || missing+=(gcc)
command -v valgrind >/dev/null || missing+=(valgrind)
command -v pkg-config >/dev/null || missing+=(pkg-config)
command -v go >/dev/null || missing+=(golang-go)
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
cbindgen=$(bash .ci/tools.sh path cbindgen)   # pinned there, with the reason
go version

step "header is up to date ($("$cbindgen" --version))"
"$cbindgen" --quiet --config ffi/cbindgen.toml --crate edgeverify-ffi \
  --output ffi/include/edgeverify.h ffi
if ! git diff --exit-code -- ffi/include/edgeverify.h; then
  echo "ffi/include/edgeverify.h is stale: regenerate it (command in ffi/cbindgen.toml)" >&2
  exit 1
fi

step "C tests under valgrind (no errors, no leaks)"
# --workspace (the test target exists in ffi only): the README test command's feature set, so
# cargo reuses that build instead of compiling a second copy of the dependencies.
EV_C_TESTS=valgrind cargo test --workspace --test c_api --locked

step "Go package (cgo, static libedgeverify.a via pkg-config)"
# The static library the test build above made (target/debug/deps/libedgeverify.a), copied to a
# directory of its own: deps/ also holds libedgeverify.so, which the linker would prefer.
go_lib=target/debug/go-static
mkdir -p "$go_lib/pkgconfig"
cp target/debug/deps/libedgeverify.a "$go_lib/"
ffi/pkg-config.sh "$go_lib" > "$go_lib/pkgconfig/edgeverify.pc"
export PKG_CONFIG_PATH="$PWD/$go_lib/pkgconfig"
# Offline and reproducible: no module downloads; the build cache is this checkout's own. Go 1.19
# keys its cache without pkg-config's output, so a cache shared with an earlier build links the
# library path that build saw (the CI failure of stop 20: a stale target/debug/libedgeverify.a).
export GOFLAGS=-mod=readonly GOPROXY=off
export GOCACHE="$PWD/target/go-cache" GOPATH="$PWD/target/go-path"
(
  cd examples/go
  test -z "$(gofmt -l .)" || { gofmt -l .; echo "gofmt: files above need formatting" >&2; exit 1; }
  go vet ./...
  go test -count=1 -race ./...
  CGO_ENABLED=0 go test -count=1 ./...
)
step "done"
