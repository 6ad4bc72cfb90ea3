//! Time as the evidence states it. The crate never reads a clock: every time comes from a
//! signed source (a Rekor SET, an RFC 3161 timestamp) or from the caller.

use core::fmt;

/// A point in time, in milliseconds since the Unix epoch (UTC).
///
/// Millisecond precision because trust-root windows end at `…T23:59:59.999Z` and SCTs carry
/// milliseconds; Rekor integrated times are whole seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UnixTime {
    millis: u64,
}

impl UnixTime {
    /// A time from whole seconds since the epoch.
    pub const fn from_secs(secs: u64) -> Self {
        Self {
            millis: secs.saturating_mul(1000),
        }
    }

    /// A time from milliseconds since the epoch.
    pub const fn from_millis(millis: u64) -> Self {
        Self { millis }
    }

    /// Milliseconds since the epoch.
    pub const fn as_millis(self) -> u64 {
        self.millis
    }

    /// Whole seconds since the epoch (rounded down).
    pub const fn as_secs(self) -> u64 {
        self.millis / 1000
    }

    /// Parses an RFC 3339 time as proto3 JSON `Timestamp`s write it (`2021-01-12T11:53:27Z`,
    /// optional fraction of up to nine digits, `Z` or `±hh:mm`). Times before 1970 are
    /// rejected; nothing we verify predates Sigstore.
    pub fn parse_rfc3339(text: &str) -> Option<Self> {
        DateTime::parse(text)
            .filter(|t| t.fraction_digits <= 9)
            .and_then(|t| t.to_unix())
    }
}

/// An RFC 3339 `date-time` as written — `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±hh:mm)` — with every
/// field range- and calendar-checked, not yet converted. The crate's one RFC 3339 parser:
/// [`UnixTime::parse_rfc3339`] converts what it reads, and the SLSA policy applies Go's
/// stricter acceptance to it ([`DateTime::is_go_rfc3339`]).
///
/// It reads the union of what both accept (lower-case `t`/`z`, a leap second, any number of
/// fraction digits) and records what the two disagree on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct DateTime {
    year: u64,
    month: u64,
    day: u64,
    hour: u64,
    minute: u64,
    second: u64,
    /// The fraction of a second, truncated to milliseconds.
    millis: u64,
    fraction_digits: usize,
    /// Seconds east of UTC.
    offset_secs: i64,
    /// The `T` separator or the `Z` zone was written in lower case (RFC 3339 §5.6 allows it).
    lower_case: bool,
}

impl DateTime {
    pub(crate) fn parse(text: &str) -> Option<Self> {
        let b = text.as_bytes();
        let num = |range: core::ops::Range<usize>| -> Option<u64> {
            let digits = b.get(range)?;
            if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
                return None;
            }
            Some(
                digits
                    .iter()
                    .fold(0u64, |acc, d| acc * 10 + u64::from(d - b'0')),
            )
        };
        let sep = |i: usize, allowed: &[u8]| b.get(i).is_some_and(|c| allowed.contains(c));
        if !(sep(4, b"-") && sep(7, b"-") && sep(10, b"Tt") && sep(13, b":") && sep(16, b":")) {
            return None;
        }
        let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
        let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
        let mut lower_case = sep(10, b"t");
        let mut i = 19;
        let mut millis = 0u64;
        let mut fraction_digits = 0;
        if sep(i, b".") {
            let start = i + 1;
            let mut end = start;
            while b.get(end).is_some_and(u8::is_ascii_digit) {
                end += 1;
            }
            if end == start {
                return None;
            }
            // Keep milliseconds; finer digits are truncated.
            let mut scale = 100;
            for d in b.get(start..end.min(start + 3))? {
                millis += u64::from(d - b'0') * scale;
                scale /= 10;
            }
            fraction_digits = end - start;
            i = end;
        }
        let offset_secs: i64 = match b.get(i)? {
            zone @ (b'Z' | b'z') if i + 1 == b.len() => {
                lower_case |= *zone == b'z';
                0
            }
            sign @ (b'+' | b'-') if i + 6 == b.len() && sep(i + 3, b":") => {
                let h = i64::try_from(num(i + 1..i + 3)?).ok()?;
                let m = i64::try_from(num(i + 4..i + 6)?).ok()?;
                if h > 23 || m > 59 {
                    return None;
                }
                let total = h * 3600 + m * 60;
                if *sign == b'+' {
                    total
                } else {
                    -total
                }
            }
            _ => return None,
        };
        if !(1..=12).contains(&month) || hour > 23 || minute > 59 || second > 60 {
            return None;
        }
        if day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Self {
            year,
            month,
            day,
            hour,
            minute,
            second,
            millis,
            fraction_digits,
            offset_secs,
            lower_case,
        })
    }

    /// Whether Go's `time.parseRFC3339` fast path (what `encoding/json` uses for `time.Time`)
    /// accepts the text too: it wants upper-case `T` and `Z` and knows no leap second.
    pub(crate) fn is_go_rfc3339(&self) -> bool {
        !self.lower_case && self.second <= 59
    }

    /// The instant, or `None` before 1970 (or beyond `u64` milliseconds).
    fn to_unix(self) -> Option<UnixTime> {
        let days = days_from_civil(self.year, self.month, self.day)?;
        let time_of_day = i64::try_from(self.hour * 3600 + self.minute * 60 + self.second).ok()?;
        let local = days * 86_400 + time_of_day;
        let utc = u64::try_from(local.checked_sub(self.offset_secs)?).ok()?;
        Some(UnixTime {
            millis: utc.checked_mul(1000)?.checked_add(self.millis)?,
        })
    }
}

impl fmt::Display for UnixTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.as_secs())
    }
}

/// A closed validity window `[start, end]`; `end == None` is open-ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimeRange {
    /// First instant of validity.
    pub start: UnixTime,
    /// Last instant of validity, if any.
    pub end: Option<UnixTime>,
}

impl TimeRange {
    /// Whether `t` lies inside the window, both ends included.
    pub fn contains(&self, t: UnixTime) -> bool {
        self.start <= t && self.end.is_none_or(|end| t <= end)
    }
}

fn is_leap(year: u64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: u64, month: u64) -> u64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(year: u64, month: u64, day: u64) -> Option<i64> {
    let y = i64::try_from(year).ok()? - i64::from(month <= 2);
    let m = i64::try_from(month).ok()?;
    let d = i64::try_from(day).ok()?;
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_trust_root_times() {
        let t = UnixTime::parse_rfc3339("2021-01-12T11:53:27Z").map(UnixTime::as_secs);
        assert_eq!(t, Some(1_610_452_407));
        let end = UnixTime::parse_rfc3339("2022-10-31T23:59:59.999Z").map(UnixTime::as_millis);
        assert_eq!(end, Some(1_667_260_799_999));
        let off = UnixTime::parse_rfc3339("2021-01-12T12:53:27+01:00").map(UnixTime::as_secs);
        assert_eq!(off, Some(1_610_452_407));
        assert_eq!(
            UnixTime::parse_rfc3339("1970-01-01T00:00:00Z"),
            Some(UnixTime::from_secs(0))
        );
    }

    #[test]
    fn rejects_malformed_times() {
        for bad in [
            "",
            "2021-01-12",
            "2021-01-12T11:53:27",
            "2021-13-01T00:00:00Z",
            "2021-02-29T00:00:00Z",
            "2021-01-12T24:00:00Z",
            "2021-01-12T11:53:27.Z",
            "1969-12-31T23:59:59Z",
            "2021-01-12T11:53:27Zjunk",
            "２021-01-12T11:53:27Z",
        ] {
            assert_eq!(UnixTime::parse_rfc3339(bad), None, "{bad}");
        }
    }

    #[test]
    fn one_grammar_two_acceptance_rules() {
        // Proto3 timestamps: lower case, leap seconds and nanoseconds are fine; more than nine
        // fraction digits and pre-1970 times are not.
        for ok in [
            "2021-01-12t11:53:27z",
            "2016-12-31T23:59:60Z",
            "2021-01-12T11:53:27.123456789Z",
        ] {
            assert!(UnixTime::parse_rfc3339(ok).is_some(), "{ok}");
        }
        for bad in ["2021-01-12T11:53:27.1234567891Z", "0000-01-01T00:00:00Z"] {
            assert_eq!(UnixTime::parse_rfc3339(bad), None, "{bad}");
        }
        // Go's fast path: upper case only, no leap second, any fraction, any year.
        let go = |t: &str| DateTime::parse(t).is_some_and(|t| t.is_go_rfc3339());
        for ok in [
            "2021-01-12T11:53:27.1234567891Z",
            "0000-01-01T00:00:00-00:00",
        ] {
            assert!(go(ok), "{ok}");
        }
        for bad in [
            "2021-01-12t11:53:27Z",
            "2021-01-12T11:53:27z",
            "2016-12-31T23:59:60Z",
        ] {
            assert!(DateTime::parse(bad).is_some() && !go(bad), "{bad}");
        }
    }

    #[test]
    fn ranges_are_closed() {
        let r = TimeRange {
            start: UnixTime::from_secs(10),
            end: Some(UnixTime::from_secs(20)),
        };
        assert!(r.contains(UnixTime::from_secs(10)));
        assert!(r.contains(UnixTime::from_secs(20)));
        assert!(!r.contains(UnixTime::from_millis(20_001)));
        assert!(!r.contains(UnixTime::from_millis(9_999)));
    }
}
