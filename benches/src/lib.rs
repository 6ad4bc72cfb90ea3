//! Benchmark support for edgeverify (the harness and figures come with issue 8).
