//! The command line, parsed with lexopt (a few KiB where clap's builder and derive output were
//! ~175 KB of the binary, BENCHMARKS.md): each subcommand declares its options and positional
//! arguments in a [`Command`] table; [`Command::parse`] collects them into [`Matches`] and
//! refuses what clap refused (an unknown or repeated argument, a missing value or required
//! argument), and [`Command::help`] writes the help text from the same table. A subcommand's
//! `Args::parse` then takes its values out of the `Matches`, with the conflicts and typed
//! values ([`Matches::conflict`], [`Matches::parsed`]) it needs.

use std::ffi::OsString;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::str::FromStr;

use lexopt::Arg;

/// The program's name in usage lines.
const PROGRAM: &str = "edgeverify";

/// One `--long` option.
pub struct Opt {
    /// Its name, without the dashes.
    pub long: &'static str,
    /// The name of its value (`FILE`), or `None` for a switch.
    pub value: Option<&'static str>,
    /// One paragraph of help.
    pub help: &'static str,
}

/// A positional argument.
pub struct Positional {
    /// Its name in usage lines (`FILE_OR_DIGEST`).
    pub name: &'static str,
    /// One paragraph of help.
    pub help: &'static str,
    /// Whether it must be given.
    pub required: bool,
    /// Whether it takes every remaining value (`ARTIFACT...`).
    pub many: bool,
}

impl Positional {
    /// One required argument.
    pub const fn one(name: &'static str, help: &'static str) -> Self {
        Self {
            name,
            help,
            required: true,
            many: false,
        }
    }

    /// One or more (every remaining value).
    pub const fn many(name: &'static str, help: &'static str) -> Self {
        Self {
            name,
            help,
            required: true,
            many: true,
        }
    }

    /// At most one.
    pub const fn optional(name: &'static str, help: &'static str) -> Self {
        Self {
            name,
            help,
            required: false,
            many: false,
        }
    }
}

/// A (sub)command's arguments.
pub struct Command {
    /// The words after `edgeverify` that select it (`verify-bundle`, `trust-root compile`).
    pub name: &'static str,
    /// What it does, for its help.
    pub about: &'static str,
    /// Its options, in groups (its own, then shared ones such as the signer flags).
    pub options: &'static [&'static [Opt]],
    /// Its positional arguments, in order.
    pub positionals: &'static [Positional],
    /// After the first positional argument, everything is positional (`exec PROGRAM ARGS…`).
    pub trailing: bool,
}

/// Why parsing produced no arguments: help was asked for (stdout, exit 0), or the command
/// line is wrong (stderr, exit 2).
#[derive(Debug)]
pub enum Stop {
    /// The help text to print.
    Help(String),
    /// The whole usage-error message to print.
    Usage(String),
}

impl Stop {
    /// Prints the text where it belongs and says how the process ends (help: success, exit 0;
    /// a usage error: exit 2).
    pub fn finish(self) -> super::Outcome {
        match self {
            Self::Help(text) => {
                print!("{text}");
                super::Outcome::Verified
            }
            Self::Usage(text) => {
                eprint!("{text}");
                super::Outcome::Unusable
            }
        }
    }
}

impl Opt {
    /// `--long <VALUE>` or `--long`, as usage errors name it.
    fn display(&self) -> String {
        match self.value {
            Some(v) => format!("--{} <{v}>", self.long),
            None => format!("--{}", self.long),
        }
    }
}

impl Command {
    fn option(&self, long: &str) -> Option<&'static Opt> {
        self.options
            .iter()
            .flat_map(|group| group.iter())
            .find(|o| o.long == long)
    }

    /// `Usage: edgeverify NAME [OPTIONS] <POSITIONAL>...`.
    fn usage_line(&self) -> String {
        let mut line = format!("Usage: {PROGRAM} {}", self.name);
        if self.options.iter().any(|g| !g.is_empty()) {
            line.push_str(" [OPTIONS]");
        }
        for p in self.positionals {
            let many = if p.many { "..." } else { "" };
            if p.required {
                let _ = write!(line, " <{}>{many}", p.name);
            } else {
                let _ = write!(line, " [{}]{many}", p.name);
            }
        }
        line
    }

    /// The help text: what it does, usage, arguments and options with their help.
    pub fn help(&self) -> String {
        let mut out = format!("{}\n\n{}\n", self.about, self.usage_line());
        let wrap = |out: &mut String, head: String, help: &str| {
            let _ = writeln!(out, "  {head}");
            for line in wrap_text(help, 90) {
                let _ = writeln!(out, "          {line}");
            }
        };
        if !self.positionals.is_empty() {
            out.push_str("\nArguments:\n");
            for p in self.positionals {
                wrap(&mut out, format!("<{}>", p.name), p.help);
            }
        }
        out.push_str("\nOptions:\n");
        for opt in self.options.iter().flat_map(|g| g.iter()) {
            wrap(&mut out, format!("    {}", opt.display()), opt.help);
        }
        wrap(&mut out, "-h, --help".to_string(), "Print help");
        out
    }

    /// A usage error: clap's layout (`error: …`, the usage line, where to find help).
    pub fn usage_error(&self, message: &str) -> Stop {
        Stop::Usage(format!(
            "error: {message}\n\n{}\n\nFor more information, try '--help'.\n",
            self.usage_line()
        ))
    }

    /// Parses `args` (what follows the command's name).
    pub fn parse(&'static self, args: Vec<OsString>) -> Result<Matches, Stop> {
        let mut parser = lexopt::Parser::from_args(args);
        let mut matches = Matches {
            command: self,
            values: Vec::new(),
            positionals: Vec::new(),
        };
        loop {
            let arg = match parser.next() {
                Ok(Some(arg)) => arg,
                Ok(None) => break,
                Err(e) => return Err(self.usage_error(&e.to_string())),
            };
            match arg {
                Arg::Long("help") | Arg::Short('h') => return Err(Stop::Help(self.help())),
                Arg::Long(long) => {
                    let Some(opt) = self.option(long) else {
                        return Err(
                            self.usage_error(&format!("unexpected argument '--{long}' found"))
                        );
                    };
                    if matches.values.iter().any(|(l, _)| *l == opt.long) {
                        return Err(self.usage_error(&format!(
                            "the argument '{}' cannot be used multiple times",
                            opt.display()
                        )));
                    }
                    let value = match opt.value {
                        Some(_) => Some(parser.value().map_err(|_| {
                            self.usage_error(&format!(
                                "a value is required for '{}' but none was supplied",
                                opt.display()
                            ))
                        })?),
                        None => match parser.optional_value() {
                            Some(v) => {
                                return Err(self.usage_error(&format!(
                                    "unexpected value '{}' for '{}' found; no more were expected",
                                    v.to_string_lossy(),
                                    opt.display()
                                )))
                            }
                            None => None,
                        },
                    };
                    matches.values.push((opt.long, value));
                }
                Arg::Short(c) => {
                    return Err(self.usage_error(&format!("unexpected argument '-{c}' found")))
                }
                Arg::Value(value) => {
                    matches.positionals.push(value);
                    if self.trailing {
                        matches.positionals.extend(
                            parser
                                .raw_args()
                                .map_err(|e| self.usage_error(&e.to_string()))?,
                        );
                        break;
                    }
                }
            }
        }
        self.check_positionals(&matches.positionals)?;
        Ok(matches)
    }

    fn check_positionals(&self, given: &[OsString]) -> Result<(), Stop> {
        let takes_all = self.positionals.iter().any(|p| p.many) || self.trailing;
        if !takes_all && given.len() > self.positionals.len() {
            let extra = given
                .get(self.positionals.len())
                .map(|v| v.to_string_lossy());
            return Err(self.usage_error(&format!(
                "unexpected argument '{}' found",
                extra.unwrap_or_default()
            )));
        }
        let missing: Vec<String> = self
            .positionals
            .iter()
            .enumerate()
            .filter(|(i, p)| p.required && given.len() <= *i)
            .map(|(_, p)| format!("<{}>", p.name))
            .collect();
        if missing.is_empty() {
            Ok(())
        } else {
            Err(self.missing(&missing))
        }
    }

    /// clap's message for required arguments that were not given.
    fn missing(&self, what: &[String]) -> Stop {
        let mut message = "the following required arguments were not provided:".to_string();
        for w in what {
            let _ = write!(message, "\n  {w}");
        }
        self.usage_error(&message)
    }
}

/// Lines of at most `width` characters (words are not split).
fn wrap_text(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.len() + 1 + word.len() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// The arguments one command line gave, taken out by the subcommand's `Args::parse`.
pub struct Matches {
    command: &'static Command,
    values: Vec<(&'static str, Option<OsString>)>,
    positionals: Vec<OsString>,
}

impl Matches {
    /// A usage error for this command.
    pub fn error(&self, message: &str) -> Stop {
        self.command.usage_error(message)
    }

    /// Whether `--long` was given.
    pub fn has(&self, long: &str) -> bool {
        self.values.iter().any(|(l, _)| *l == long)
    }

    /// A switch.
    pub fn switch(&self, long: &str) -> bool {
        self.has(long)
    }

    /// The value of `--long`, if given.
    pub fn os_value(&self, long: &str) -> Option<OsString> {
        self.values
            .iter()
            .find(|(l, _)| *l == long)
            .and_then(|(_, v)| v.clone())
    }

    /// A path option.
    pub fn path(&self, long: &str) -> Option<PathBuf> {
        self.os_value(long).map(PathBuf::from)
    }

    /// A text option (UTF-8, as clap required).
    pub fn string(&self, long: &str) -> Result<Option<String>, Stop> {
        self.os_value(long)
            .map(|v| {
                v.into_string().map_err(|v| {
                    self.error(&format!(
                        "invalid UTF-8 was detected in the value '{}' of '--{long}'",
                        v.to_string_lossy()
                    ))
                })
            })
            .transpose()
    }

    /// A path option that must be given.
    pub fn required_path(&self, long: &str) -> Result<PathBuf, Stop> {
        self.path(long).ok_or_else(|| self.required(&[long]))
    }

    /// A text option that must be given.
    pub fn required_string(&self, long: &str) -> Result<String, Stop> {
        self.string(long)?.ok_or_else(|| self.required(&[long]))
    }

    /// clap's message when none of `longs` was given but one is required.
    pub fn required(&self, longs: &[&str]) -> Stop {
        let shown: Vec<String> = longs
            .iter()
            .map(|l| {
                self.command
                    .option(l)
                    .map_or_else(|| format!("--{l}"), Opt::display)
            })
            .collect();
        let what = if shown.len() == 1 {
            shown.concat()
        } else {
            format!("<{}>", shown.join("|"))
        };
        self.command.missing(&[what])
    }

    /// A typed option (`FromStr`), `default` when not given.
    pub fn parsed<T: FromStr>(&self, long: &str, default: T) -> Result<T, Stop>
    where
        T::Err: std::fmt::Display,
    {
        match self.string(long)? {
            None => Ok(default),
            Some(text) => text.parse().map_err(|e| self.invalid(long, &text, &e)),
        }
    }

    /// clap's message for a value its parser refused.
    pub fn invalid(&self, long: &str, value: &str, why: &dyn std::fmt::Display) -> Stop {
        let shown = self
            .command
            .option(long)
            .map_or_else(|| format!("--{long}"), Opt::display);
        self.error(&format!("invalid value '{value}' for '{shown}': {why}"))
    }

    /// Refuses `long` together with any of `others` (clap's `conflicts_with`).
    pub fn conflict(&self, long: &str, others: &[&str]) -> Result<(), Stop> {
        if !self.has(long) {
            return Ok(());
        }
        let display = |l: &str| {
            self.command
                .option(l)
                .map_or_else(|| format!("--{l}"), Opt::display)
        };
        match others.iter().find(|o| self.has(o)) {
            Some(other) => Err(self.error(&format!(
                "the argument '{}' cannot be used with '{}'",
                display(long),
                display(other)
            ))),
            None => Ok(()),
        }
    }

    /// The positional arguments, in order.
    pub fn positionals(&mut self) -> Vec<OsString> {
        std::mem::take(&mut self.positionals)
    }

    /// The first positional argument; a usage error naming `<name>` if there is none.
    pub fn next_positional(&mut self, name: &str) -> Result<OsString, Stop> {
        if self.positionals.is_empty() {
            return Err(self.command.missing(&[format!("<{name}>")]));
        }
        Ok(self.positionals.remove(0))
    }

    /// The first positional argument as text (UTF-8); a usage error naming `<name>` if there
    /// is none.
    pub fn required_positional(&mut self, name: &str) -> Result<String, Stop> {
        let first = self.next_positional(name)?;
        first.into_string().map_err(|v| {
            self.error(&format!(
                "invalid UTF-8 was detected in the value '{}' of <{name}>",
                v.to_string_lossy()
            ))
        })
    }
}

/// A subcommand chosen by the first word, for commands with subcommands (`trust-root`,
/// `policy`) and the program itself.
pub struct Subcommands {
    /// The words before the subcommand (`trust-root`), empty for the program.
    pub name: &'static str,
    /// What the group does.
    pub about: &'static str,
    /// Each subcommand's name and one line about it.
    pub list: &'static [(&'static str, &'static str)],
    /// Text after the list.
    pub after: &'static str,
}

impl Subcommands {
    /// The help text listing the subcommands.
    pub fn help(&self) -> String {
        let prefix = if self.name.is_empty() {
            PROGRAM.to_string()
        } else {
            format!("{PROGRAM} {}", self.name)
        };
        let mut out = format!("{}\n\nUsage: {prefix} <COMMAND>\n\nCommands:\n", self.about);
        let width = self.list.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
        for (name, about) in self.list {
            let mut lines = wrap_text(about, 90).into_iter();
            let _ = writeln!(out, "  {name:width$}  {}", lines.next().unwrap_or_default());
            for line in lines {
                let _ = writeln!(out, "  {:width$}  {line}", "");
            }
        }
        let _ = writeln!(out, "  {:width$}  Print this message", "help");
        out.push_str("\nOptions:\n  -h, --help  Print help\n");
        if self.name.is_empty() {
            out.push_str("  -V, --version  Print version\n");
        }
        if !self.after.is_empty() {
            let _ = write!(out, "\n{}\n", wrap_text(self.after, 96).join("\n"));
        }
        out
    }

    /// Splits `args` into the chosen subcommand's name and its arguments; help, a missing or
    /// an unknown subcommand stop here.
    pub fn choose(&self, mut args: Vec<OsString>) -> Result<(&'static str, Vec<OsString>), Stop> {
        if args.is_empty() {
            return Err(Stop::Usage(format!(
                "error: a subcommand is required but none was supplied\n\n{}",
                self.help()
            )));
        }
        let first = args.remove(0);
        let word = first.to_string_lossy();
        if matches!(word.as_ref(), "-h" | "--help") {
            return Err(Stop::Help(self.help()));
        }
        if word == "help" {
            return match args.first().map(|a| a.to_string_lossy().into_owned()) {
                None => Err(Stop::Help(self.help())),
                Some(sub) => match self.list.iter().find(|(n, _)| *n == sub) {
                    Some((name, _)) => Ok((name, vec![OsString::from("--help")])),
                    None => Err(self.unknown(&sub)),
                },
            };
        }
        match self.list.iter().find(|(n, _)| *n == word) {
            Some((name, _)) => Ok((name, args)),
            None => Err(self.unknown(&word)),
        }
    }

    /// The usage error for a word that names none of these subcommands.
    pub fn unknown(&self, word: &str) -> Stop {
        let prefix = if self.name.is_empty() {
            PROGRAM.to_string()
        } else {
            format!("{PROGRAM} {}", self.name)
        };
        Stop::Usage(format!(
            "error: unrecognized subcommand '{word}'\n\nUsage: {prefix} <COMMAND>\n\nFor more \
             information, try '--help'.\n"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OPTS: &[Opt] = &[
        Opt {
            long: "bundle",
            value: Some("FILE"),
            help: "The bundle.",
        },
        Opt {
            long: "json",
            value: None,
            help: "JSON.",
        },
        Opt {
            long: "other",
            value: Some("X"),
            help: "Another.",
        },
    ];
    static CMD: Command = Command {
        name: "demo",
        about: "A demo.",
        options: &[OPTS],
        positionals: &[Positional {
            name: "FILE",
            help: "A file.",
            required: true,
            many: false,
        }],
        trailing: false,
    };

    fn args(list: &[&str]) -> Vec<OsString> {
        list.iter().map(OsString::from).collect()
    }

    fn usage(result: Result<Matches, Stop>) -> String {
        match result {
            Err(Stop::Usage(text)) => text,
            Err(Stop::Help(_)) => panic!("help, not a usage error"),
            Ok(_) => panic!("parsed"),
        }
    }

    #[test]
    fn values_switches_and_positionals() {
        let mut m = CMD
            .parse(args(&["--bundle=b.json", "--json", "f", "--other", "-x"]))
            .unwrap();
        assert_eq!(m.path("bundle"), Some(PathBuf::from("b.json")));
        assert!(m.switch("json"));
        assert_eq!(m.string("other").unwrap().as_deref(), Some("-x"));
        assert_eq!(m.required_positional("FILE").unwrap(), "f");
        let m = CMD.parse(args(&["--", "--bundle"])).unwrap();
        assert!(!m.has("bundle"), "after --, a value");
    }

    #[test]
    fn usage_errors_name_the_argument() {
        for (line, says) in [
            (&["--nope", "f"][..], "unexpected argument '--nope' found"),
            (&["-x", "f"], "unexpected argument '-x' found"),
            (&["f", "g"], "unexpected argument 'g' found"),
            (
                &["f", "--bundle"],
                "a value is required for '--bundle <FILE>'",
            ),
            (
                &["--json", "--json", "f"],
                "'--json' cannot be used multiple times",
            ),
            (&["--json=yes", "f"], "unexpected value 'yes' for '--json'"),
            (
                &["--json"],
                "the following required arguments were not provided:\n  <FILE>",
            ),
        ] {
            let text = usage(CMD.parse(args(line)));
            assert!(text.starts_with("error: "), "{text}");
            assert!(text.contains(says), "{line:?}: {text}");
            assert!(
                text.contains("Usage: edgeverify demo [OPTIONS] <FILE>"),
                "{text}"
            );
        }
        let m = CMD
            .parse(args(&["--bundle", "b", "--other", "o", "f"]))
            .unwrap();
        let Err(Stop::Usage(text)) = m.conflict("bundle", &["json", "other"]) else {
            panic!("no conflict");
        };
        assert!(text.contains("the argument '--bundle <FILE>' cannot be used with '--other <X>'"));
        let Stop::Usage(text) = m.required(&["json", "other"]) else {
            panic!("help");
        };
        assert!(text.contains("<--json|--other <X>>"), "{text}");
        let Err(Stop::Usage(text)) = m.parsed::<u32>("other", 0) else {
            panic!("parsed");
        };
        assert!(
            text.contains("invalid value 'o' for '--other <X>'"),
            "{text}"
        );
    }

    #[test]
    fn help_lists_every_option_with_its_text() {
        let Err(Stop::Help(text)) = CMD.parse(args(&["f", "--help"])) else {
            panic!("no help");
        };
        for needle in [
            "A demo.",
            "<FILE>",
            "A file.",
            "--bundle <FILE>",
            "The bundle.",
            "--json",
        ] {
            assert!(text.contains(needle), "{needle}: {text}");
        }
    }
}
