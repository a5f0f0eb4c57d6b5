//! Dates as web recorders and servers write them, read without a date library: ISO 8601 (HAR's
//! `startedDateTime`, devtools' cookie `expires`) and the cookie-date of `Set-Cookie` `Expires`
//! and the `Date` header (RFC 6265 §5.1.1, which reads RFC 1123, RFC 850 and asctime dates alike).
//!
//! Both return Unix seconds; anything that is not a date returns `None`, never panics.

/// Unix seconds of an ISO 8601 date-time (`2026-11-25T12:00:00.123Z`, `…+01:00`, `…+0100`, or
/// without a zone, taken as UTC); fractions of a second are dropped.
pub fn iso8601(text: &str) -> Option<i64> {
    let text = text.trim();
    let bytes = text.as_bytes();
    let number = |range: std::ops::Range<usize>| -> Option<i64> {
        let digits = bytes.get(range)?;
        digits.iter().all(u8::is_ascii_digit).then(|| digits.iter().fold(0, |n, d| n * 10 + i64::from(d - b'0')))
    };
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    if bytes.get(4) != Some(&b'-') || bytes.get(7) != Some(&b'-') || !matches!(bytes.get(10), Some(b'T' | b't' | b' '))
    {
        return None;
    }
    let (hour, minute) = (number(11..13)?, number(14..16)?);
    let second = if bytes.get(16) == Some(&b':') { number(17..19)? } else { 0 };
    let rest = &bytes[if bytes.get(16) == Some(&b':') { 19 } else { 16 }..];
    let zone_at = rest.iter().position(|b| !(*b == b'.' || b.is_ascii_digit())).unwrap_or(rest.len());
    let offset = match &rest[zone_at..] {
        [] | [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), zone @ ..] => {
            let digits: Vec<i64> =
                zone.iter().filter(|b| **b != b':').map(|b| i64::from(b.wrapping_sub(b'0'))).collect();
            if digits.len() != 4 || digits.iter().any(|d| *d > 9) {
                return None;
            }
            let seconds = (digits[0] * 10 + digits[1]) * 3600 + (digits[2] * 10 + digits[3]) * 60;
            if *sign == b'+' {
                seconds
            } else {
                -seconds
            }
        }
        _ => return None,
    };
    valid(year, month, day, hour, minute, second)?;
    Some(days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offset)
}

/// Unix seconds of a cookie-date (`Wed, 21 Oct 2015 07:28:00 GMT`, `Wednesday, 21-Oct-15
/// 07:28:00 GMT`, `Wed Oct 21 07:28:00 2015`), by the algorithm of RFC 6265 §5.1.1: the first
/// time, day, month and year tokens found, in any order. Always UTC.
pub fn cookie_date(text: &str) -> Option<i64> {
    let (mut time, mut day, mut month, mut year) = (None, None, None, None);
    let delimiter = |b: u8| matches!(b, 0x09 | 0x20..=0x2f | 0x3b..=0x40 | 0x5b..=0x60 | 0x7b..=0x7e);
    for token in text.as_bytes().split(|b| delimiter(*b)).filter(|t| !t.is_empty()) {
        if time.is_none() {
            if let Some(parsed) = time_token(token) {
                time = Some(parsed);
                continue;
            }
        }
        if day.is_none() {
            if let Some(parsed) = leading_digits(token, 1, 2) {
                day = Some(parsed);
                continue;
            }
        }
        if month.is_none() {
            if let Some(parsed) = month_token(token) {
                month = Some(parsed);
                continue;
            }
        }
        if year.is_none() {
            if let Some(parsed) = leading_digits(token, 2, 4) {
                year = Some(match parsed {
                    70..=99 => parsed + 1900,
                    0..=69 => parsed + 2000,
                    _ => parsed,
                });
            }
        }
    }
    let ((hour, minute, second), day, month, year) = (time?, day?, month?, year?);
    if year < 1601 {
        return None;
    }
    valid(year, month, day, hour, minute, second)?;
    Some(days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second)
}

fn valid(year: i64, month: i64, day: i64, hour: i64, minute: i64, second: i64) -> Option<()> {
    // Leap seconds (60) are allowed as ISO 8601 and RFC 6265 allow them.
    let ok = (1..=9999).contains(&year)
        && (1..=12).contains(&month)
        && (1..=31).contains(&day)
        && hour <= 23
        && minute <= 59
        && second <= 60;
    ok.then_some(())
}

/// `min..=max` digits at the start of `token`, followed by anything but a digit.
fn leading_digits(token: &[u8], min: usize, max: usize) -> Option<i64> {
    let count = token.iter().take_while(|b| b.is_ascii_digit()).count();
    ((min..=max).contains(&count)).then(|| token[..count].iter().fold(0, |n, d| n * 10 + i64::from(d - b'0')))
}

/// `h:m:s` with one or two digits each, followed by anything but a digit.
fn time_token(token: &[u8]) -> Option<(i64, i64, i64)> {
    let mut parts = token.splitn(3, |b| *b == b':');
    let hour = parts.next().filter(|p| p.len() <= 2)?;
    let minute = parts.next().filter(|p| p.len() <= 2)?;
    let rest = parts.next()?;
    let whole = |digits: &[u8]| leading_digits(digits, 1, 2).filter(|_| digits.len() <= 2);
    Some((whole(hour)?, whole(minute)?, leading_digits(rest, 1, 2)?))
}

fn month_token(token: &[u8]) -> Option<i64> {
    const MONTHS: [&[u8; 3]; 12] =
        [b"jan", b"feb", b"mar", b"apr", b"may", b"jun", b"jul", b"aug", b"sep", b"oct", b"nov", b"dec"];
    let prefix = token.get(..3)?.to_ascii_lowercase();
    MONTHS.iter().position(|m| m[..] == prefix[..]).map(|i| i as i64 + 1)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates_as_recorders_write_them() {
        assert_eq!(iso8601("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(iso8601("2026-11-25T12:00:00.123Z"), Some(1_795_608_000));
        assert_eq!(iso8601("2026-11-25T13:00:00+01:00"), Some(1_795_608_000));
        assert_eq!(iso8601("2026-11-25T07:00:00.5-0500"), Some(1_795_608_000));
        // Firefox 43 and WebPageTest write a zone offset; some tools none at all (UTC).
        assert_eq!(iso8601("2026-11-25T12:00:00"), Some(1_795_608_000));
        assert_eq!(iso8601("2026-11-25T12:00Z"), Some(1_795_608_000));
        for bad in
            ["yesterday", "", "2026-13-01T00:00:00Z", "2026-11-25T12:00:00+1", "2026-11-25T12:00:00Zulu", "٢٠٢٦-١١"]
        {
            assert_eq!(iso8601(bad), None, "{bad}");
        }
    }

    #[test]
    fn cookie_dates_in_every_format_servers_send() {
        let at = Some(1_445_412_480);
        assert_eq!(cookie_date("Wed, 21 Oct 2015 07:28:00 GMT"), at);
        assert_eq!(cookie_date("Wednesday, 21-Oct-15 07:28:00 GMT"), at);
        assert_eq!(cookie_date("Wed Oct 21 07:28:00 2015"), at);
        assert_eq!(cookie_date("Wed, 21-Oct-2015 07:28:00 GMT"), at);
        assert_eq!(cookie_date("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0));
        for bad in [
            "",
            "never",
            "Wed, 32 Oct 2015 07:28:00 GMT",
            "Wed, 21 Oct 2015",
            "21 Foo 2015 07:28:00",
            "1 Jan 1500 0:0:0",
        ] {
            assert_eq!(cookie_date(bad), None, "{bad}");
        }
    }
}
