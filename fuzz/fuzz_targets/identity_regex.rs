//! Identity regexes (`AnchoredRegex`, used by `--certificate-identity-regexp`, policy rules, the
//! C API and Go): a pattern is accepted only if it is a valid regular expression by itself, and
//! then matches a value exactly when the value *as a whole* matches the pattern. The whole-value
//! answer is computed another way, by regex-automata itself: the pattern compiled alone, searched
//! anchored at the start with `MatchKind::All` (which reports the longest match), must have a
//! match ending at the end of the value; and, where the textual wrapping `\A(?:…)\z` of the
//! validated pattern compiles, it must agree too.
//!
//! Input: pattern, a 0 byte, value (both UTF-8).
#![no_main]

use edgeverify_core::{limits, AnchoredRegex, Matcher};
use libfuzzer_sys::fuzz_target;
use regex_automata::nfa::thompson::{self, pikevm::PikeVM};
use regex_automata::util::syntax;
use regex_automata::{Anchored, Input, MatchKind};

fn syntax_config() -> syntax::Config {
    syntax::Config::new().unicode(false).utf8(false)
}

fn pike(pattern: &str, kind: MatchKind) -> Option<PikeVM> {
    PikeVM::builder()
        .syntax(syntax_config())
        .thompson(thompson::Config::new().nfa_size_limit(Some(limits::MAX_REGEX_SIZE_BYTES)))
        .configure(PikeVM::config().match_kind(kind))
        .build(pattern)
        .ok()
}

fuzz_target!(|data: &[u8]| {
    let Some(split) = data.iter().position(|&b| b == 0) else {
        return;
    };
    let (Ok(pattern), Ok(value)) = (
        std::str::from_utf8(&data[..split]),
        std::str::from_utf8(&data[split + 1..]),
    ) else {
        return;
    };
    let alone = syntax::parse_with(pattern, &syntax_config());
    let Ok(ours) = AnchoredRegex::compile(pattern) else {
        // Refused: not a regex by itself, or empty, too long or too big.
        return;
    };
    assert!(
        alone.is_ok(),
        "accepted a pattern that is not a regex by itself: {pattern:?}"
    );
    let got = Matcher::Regex(ours).matches(value);

    // Reference 1: longest anchored match of the pattern alone reaches the end.
    if let Some(re) = pike(pattern, MatchKind::All) {
        let mut cache = re.create_cache();
        let longest = re.find(&mut cache, Input::new(value).anchored(Anchored::Yes));
        let expected = longest.is_some_and(|m| m.end() == value.len());
        assert_eq!(
            got, expected,
            "{pattern:?} on {value:?} (longest match {longest:?})"
        );
    }
    // Reference 2: the textual wrapping, where it still compiles (a `(?x)` comment can swallow
    // the wrapper's closing parenthesis, which is one reason it is not how we anchor).
    if let Some(re) = pike(&format!(r"\A(?:{pattern})\z"), MatchKind::LeftmostFirst) {
        let mut cache = re.create_cache();
        assert_eq!(
            got,
            re.is_match(&mut cache, Input::new(value)),
            "{pattern:?} on {value:?} (wrapped)"
        );
    }
});
