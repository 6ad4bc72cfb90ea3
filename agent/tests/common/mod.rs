//! Shared by the CLI test files.

use std::process::Command;

/// The `edgeverify` binary under test. When `EDGEVERIFY_TEST_RUNNER` is set (the cross tests
/// set it to `qemu-aarch64` or `qemu-arm -L …`), the binary runs through it: without
/// binfmt_misc the host kernel cannot start a foreign-architecture binary by itself.
pub(crate) fn edgeverify_command() -> Command {
    let bin = env!("CARGO_BIN_EXE_edgeverify");
    match std::env::var("EDGEVERIFY_TEST_RUNNER") {
        Ok(runner) if !runner.trim().is_empty() => {
            let mut words = runner.split_whitespace();
            let mut cmd = Command::new(words.next().unwrap_or_default());
            cmd.args(words).arg(bin);
            cmd
        }
        _ => Command::new(bin),
    }
}
