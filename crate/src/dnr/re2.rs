//! Whether a regex filter fits Chrome's `regexFilter`: RE2 syntax and an estimate of the
//! compiled program's size, which Chrome caps.

use super::{
    REGEX_CLASS, REGEX_ESCAPE, REGEX_FLAG, REGEX_LOOKAROUND, REGEX_MALFORMED, REGEX_NOT_ASCII, REGEX_REPEAT,
    REGEX_TOO_LARGE,
};

/// Largest RE2 program Chrome accepts for a `regexFilter`, in instructions. Chrome compiles each
/// one with RE2 under a 2 KB memory limit (`kRegexMaxMemKb`), which RE2 turns into a ceiling on
/// program instructions. Measured with `declarativeNetRequest.isRegexSupported` on Chromium 156:
/// `a{112}` is the longest run of `a` accepted, that is 112 + Fail + Match + the `.*?` loop.
/// On 32 families of patterns (`[0-9a-f]{n}`, `.{n}`, `\w{n}`, `(ab|cd){n}`, `x{1,n}`, …)
/// `Re2Estimate` found the same largest `n` as Chrome for 28 and a smaller one (the safe side)
/// for 4; on the 27 regex filters of EasyList and EasyPrivacy it agreed with Chrome on all. The
/// estimate matters: Chrome refuses a whole `updateDynamicRules` call when one rule is invalid.
const MAX_REGEX_PROGRAM: usize = 116;
/// RE2's largest counted repetition (`{n,m}`).
const MAX_REPEAT: usize = 1_000;
/// Deeper group nesting is refused before the estimate recurses (lists come from the network).
const MAX_REGEX_NESTING: usize = 50;

/// Whether Chrome can take `source` as a `regexFilter`: RE2 syntax, and a compiled program
/// likely within Chrome's limit. The engine has already compiled it with the `regex` crate,
/// so only what that crate accepts and RE2 does not (or reads differently) is checked.
pub(super) fn check_regex(source: &str, match_case: bool) -> Result<(), &'static str> {
    if !source.is_ascii() {
        return Err(REGEX_NOT_ASCII);
    }
    let mut estimate = Re2Estimate { src: source.as_bytes(), at: 0, fold: !match_case, top_alternation: false };
    let body = estimate.alternation(0)?;
    if estimate.at < estimate.src.len() {
        return Err(REGEX_MALFORMED);
    }
    // Every program has a Fail and a Match instruction; an unanchored one also a `.*?` loop.
    let anchored = source.starts_with('^') && !estimate.top_alternation;
    let total = body.cost.saturating_add(if anchored { 2 } else { 4 });
    if total > MAX_REGEX_PROGRAM {
        return Err(REGEX_TOO_LARGE);
    }
    Ok(())
}

/// The bytes one regex atom can match (Chrome compiles regexes in RE2's Latin-1 mode).
#[derive(Clone, Copy)]
struct ByteSet([u64; 4]);

impl ByteSet {
    const EMPTY: ByteSet = ByteSet([0; 4]);

    fn has(&self, b: u8) -> bool {
        self.0[usize::from(b >> 6)] & (1 << (b & 63)) != 0
    }

    fn set(&mut self, b: u8) {
        self.0[usize::from(b >> 6)] |= 1 << (b & 63);
    }

    /// Adds `lo..=hi`, with the other case of each letter when matching ignores case.
    fn add(&mut self, lo: u8, hi: u8, fold: bool) {
        for b in lo..=hi {
            self.set(b);
            if fold && b.is_ascii_alphabetic() {
                self.set(b ^ 0x20);
            }
        }
    }

    fn union(&mut self, other: &ByteSet) {
        for (word, o) in self.0.iter_mut().zip(other.0) {
            *word |= o;
        }
    }

    fn negate(&mut self) {
        for word in &mut self.0 {
            *word = !*word;
        }
    }

    /// RE2 instructions for a class: one byte range per run of bytes, and one alternation
    /// between consecutive ranges. A run of capitals and the same run of small letters share
    /// one case-folding range.
    fn cost(&self) -> usize {
        let mut runs: Vec<(u8, u8)> = Vec::new();
        for b in 0..=255u8 {
            if !self.has(b) {
                continue;
            }
            match runs.last_mut() {
                Some(run) if run.1.checked_add(1) == Some(b) => run.1 = b,
                _ => runs.push((b, b)),
            }
        }
        let shared = runs
            .iter()
            .filter(|&&(lo, hi)| lo.is_ascii_uppercase() && hi.is_ascii_uppercase())
            .filter(|&&(lo, hi)| runs.contains(&(lo + 32, hi + 32)))
            .count();
        match runs.len() - shared {
            0 => 1,
            ranges => 2 * ranges - 1,
        }
    }
}

/// An estimate of a regex part's RE2 program size; `set` when it is one single-byte class,
/// which RE2 folds into a class when alternated with others like it (`a|b|c` is `[a-c]`).
struct Piece {
    cost: usize,
    set: Option<ByteSet>,
}

/// A recursive-descent reading of a regex that prices each construct as RE2 compiles it and
/// refuses syntax RE2 lacks. Counted repetitions are unrolled, as RE2 does, which is what makes
/// `[0-9a-f]{40}` too large while long literal paths fit.
struct Re2Estimate<'a> {
    src: &'a [u8],
    at: usize,
    fold: bool,
    top_alternation: bool,
}

impl Re2Estimate<'_> {
    fn peek(&self) -> Option<u8> {
        self.src.get(self.at).copied()
    }

    fn peek_at(&self, ahead: usize) -> Option<u8> {
        self.src.get(self.at + ahead).copied()
    }

    fn next(&mut self) -> Result<u8, &'static str> {
        let b = self.peek().ok_or(REGEX_MALFORMED)?;
        self.at += 1;
        Ok(b)
    }

    fn alternation(&mut self, depth: usize) -> Result<Piece, &'static str> {
        if depth > MAX_REGEX_NESTING {
            return Err(REGEX_TOO_LARGE);
        }
        let mut branches = vec![self.sequence(depth)?];
        while self.peek() == Some(b'|') {
            self.at += 1;
            branches.push(self.sequence(depth)?);
        }
        if branches.len() == 1 {
            return Ok(branches.remove(0));
        }
        if depth == 0 {
            self.top_alternation = true;
        }
        if branches.iter().all(|b| b.set.is_some()) {
            let mut union = ByteSet::EMPTY;
            for set in branches.iter().filter_map(|b| b.set.as_ref()) {
                union.union(set);
            }
            return Ok(Piece { cost: union.cost(), set: Some(union) });
        }
        let cost = branches.iter().fold(branches.len() - 1, |sum, b| sum.saturating_add(b.cost));
        Ok(Piece { cost, set: None })
    }

    fn sequence(&mut self, depth: usize) -> Result<Piece, &'static str> {
        let (mut cost, mut count, mut last) = (0usize, 0, None);
        while let Some(b) = self.peek() {
            if b == b'|' || b == b')' {
                break;
            }
            let piece = self.repetition(depth)?;
            cost = cost.saturating_add(piece.cost);
            count += 1;
            last = piece.set;
        }
        Ok(Piece { cost, set: if count == 1 { last } else { None } })
    }

    fn repetition(&mut self, depth: usize) -> Result<Piece, &'static str> {
        let atom = self.atom(depth)?;
        let cost = match self.peek() {
            Some(b'*' | b'+' | b'?') => {
                self.at += 1;
                atom.cost.saturating_add(1)
            }
            Some(b'{') => {
                let (min, max) = self.counted()?;
                match max {
                    // `x{n,}`: n copies, then one alternation for the loop.
                    None => atom.cost.saturating_mul(min.max(1)).saturating_add(1),
                    // `x{n,m}`: m copies, the last m - n optional.
                    Some(max) => atom.cost.saturating_mul(max).saturating_add(max - min),
                }
            }
            _ => return Ok(atom),
        };
        if self.peek() == Some(b'?') {
            self.at += 1; // non-greedy: same program size
        }
        Ok(Piece { cost, set: None })
    }

    /// `{n}`, `{n,}` or `{n,m}`, after an atom.
    fn counted(&mut self) -> Result<(usize, Option<usize>), &'static str> {
        self.at += 1; // `{`
        let number = |this: &mut Self| {
            let start = this.at;
            while this.peek().is_some_and(|b| b.is_ascii_digit()) {
                this.at += 1;
            }
            std::str::from_utf8(&this.src[start..this.at]).ok().and_then(|s| s.parse::<usize>().ok())
        };
        let min = number(self).ok_or(REGEX_REPEAT)?;
        let max = if self.peek() == Some(b',') {
            self.at += 1;
            if self.peek() == Some(b'}') {
                None
            } else {
                Some(number(self).ok_or(REGEX_MALFORMED)?)
            }
        } else {
            Some(min)
        };
        if self.next()? != b'}' {
            return Err(REGEX_MALFORMED);
        }
        if min > MAX_REPEAT || max.is_some_and(|max| max > MAX_REPEAT || max < min) {
            return Err(REGEX_REPEAT);
        }
        Ok((min, max))
    }

    fn atom(&mut self, depth: usize) -> Result<Piece, &'static str> {
        match self.next()? {
            b'(' => self.group(depth),
            b'[' => {
                let set = self.class()?;
                Ok(Piece { cost: set.cost(), set: Some(set) })
            }
            b'\\' => self.escape(),
            b'.' => {
                let mut set = ByteSet::EMPTY;
                set.add(0, b'\n' - 1, false);
                set.add(b'\n' + 1, 255, false);
                Ok(Piece { cost: set.cost(), set: Some(set) })
            }
            b'^' | b'$' => Ok(Piece { cost: 1, set: None }),
            literal => Ok(self.literal(literal)),
        }
    }

    fn literal(&self, b: u8) -> Piece {
        let mut set = ByteSet::EMPTY;
        set.add(b, b, self.fold);
        Piece { cost: 1, set: Some(set) }
    }

    /// After `(`: a group, possibly with a prefix (`?:`, `?P<name>`, `?<name>`, flags).
    fn group(&mut self, depth: usize) -> Result<Piece, &'static str> {
        if self.peek() == Some(b'?') {
            self.at += 1;
            match (self.peek(), self.peek_at(1)) {
                (Some(b'=' | b'!'), _) | (Some(b'<'), Some(b'=' | b'!')) => return Err(REGEX_LOOKAROUND),
                (Some(b'P'), Some(b'=' | b'>')) => return Err(REGEX_LOOKAROUND),
                (Some(b'P' | b'<'), _) => while self.next()? != b'>' {},
                _ => loop {
                    match self.next()? {
                        b':' => break,
                        // Flags alone, such as `(?i)`: they set flags and match nothing.
                        b')' => return Ok(Piece { cost: 0, set: None }),
                        b'i' | b'm' | b's' | b'U' | b'-' => {}
                        _ => return Err(REGEX_FLAG),
                    }
                },
            }
        }
        let inner = self.alternation(depth + 1)?;
        if self.next()? != b')' {
            return Err(REGEX_MALFORMED);
        }
        Ok(inner) // Chrome compiles without captures: a group costs nothing
    }

    /// After `\` outside a class.
    fn escape(&mut self) -> Result<Piece, &'static str> {
        let b = self.next()?;
        if let Some(set) = self.perl_class(b) {
            return Ok(Piece { cost: set.cost(), set: Some(set) });
        }
        match b {
            b'b' if self.peek() == Some(b'{') => Err(REGEX_ESCAPE), // the regex crate's `\b{start}`
            b'b' | b'B' | b'A' | b'z' => Ok(Piece { cost: 1, set: None }),
            b'Q' => {
                // `\Q…\E`: literal text.
                let mut cost = 0usize;
                while self.at < self.src.len() && !self.src[self.at..].starts_with(b"\\E") {
                    self.at += 1;
                    cost += 1;
                }
                self.at = (self.at + 2).min(self.src.len());
                Ok(Piece { cost, set: None })
            }
            _ => {
                let byte = self.escaped_byte(b)?;
                Ok(self.literal(byte))
            }
        }
    }

    /// The byte an escape that stands for one byte means; an error for escapes RE2 lacks
    /// (`\u`, `\<`, `\Z`, `\1`, …) or that cannot be Latin-1 (`\x{100}`).
    fn escaped_byte(&mut self, b: u8) -> Result<u8, &'static str> {
        Ok(match b {
            b'n' => b'\n',
            b'r' => b'\r',
            b't' => b'\t',
            b'f' => 0x0c,
            b'v' => 0x0b,
            b'a' => 0x07,
            b'x' => {
                let digits = if self.peek() == Some(b'{') {
                    self.at += 1;
                    let start = self.at;
                    while self.next()? != b'}' {}
                    &self.src[start..self.at - 1]
                } else {
                    let start = self.at;
                    self.at = (self.at + 2).min(self.src.len());
                    &self.src[start..self.at]
                };
                let value = std::str::from_utf8(digits).ok().and_then(|d| u32::from_str_radix(d, 16).ok());
                match value {
                    Some(value) => u8::try_from(value).map_err(|_| REGEX_ESCAPE)?,
                    None => return Err(REGEX_MALFORMED),
                }
            }
            b'<' | b'>' => return Err(REGEX_ESCAPE),
            punctuation if punctuation.is_ascii_punctuation() => punctuation,
            _ => return Err(REGEX_ESCAPE),
        })
    }

    /// `\d`, `\w`, `\s` and their negations.
    fn perl_class(&self, b: u8) -> Option<ByteSet> {
        let mut set = ByteSet::EMPTY;
        match b.to_ascii_lowercase() {
            b'd' => set.add(b'0', b'9', false),
            b'w' => {
                set.add(b'0', b'9', false);
                set.add(b'A', b'Z', false);
                set.add(b'a', b'z', false);
                set.add(b'_', b'_', false);
            }
            b's' => {
                set.add(b'\t', b'\n', false);
                set.add(0x0c, b'\r', false);
                set.add(b' ', b' ', false);
            }
            _ => return None,
        }
        if b.is_ascii_uppercase() {
            set.negate();
        }
        Some(set)
    }

    /// After `[`: a bracketed class. In RE2 a `[` inside a class is a literal (unless it opens
    /// `[:alpha:]`); in the `regex` crate it opens a nested class, as do `&&`, `--` and `~~`
    /// operators, so those are refused rather than read two ways.
    fn class(&mut self) -> Result<ByteSet, &'static str> {
        let mut set = ByteSet::EMPTY;
        let negated = self.peek() == Some(b'^');
        if negated {
            self.at += 1;
        }
        let mut first = true;
        loop {
            let b = self.next()?;
            match b {
                b']' if !first => break,
                b'[' if self.peek() == Some(b':') => {
                    let posix = self.posix_class()?;
                    set.union(&posix);
                }
                b'[' => return Err(REGEX_CLASS),
                b'&' | b'-' | b'~' if self.peek() == Some(b) => return Err(REGEX_CLASS),
                _ => {
                    let lo = if b == b'\\' {
                        let e = self.next()?;
                        if let Some(perl) = self.perl_class(e) {
                            set.union(&perl);
                            first = false;
                            continue;
                        }
                        self.escaped_byte(e)?
                    } else {
                        b
                    };
                    let hi = if self.peek() == Some(b'-') && self.peek_at(1).is_some_and(|n| n != b']') {
                        self.at += 1;
                        match self.next()? {
                            b'\\' => {
                                let e = self.next()?;
                                self.escaped_byte(e)?
                            }
                            b'[' => return Err(REGEX_CLASS),
                            hi => hi,
                        }
                    } else {
                        lo
                    };
                    if hi < lo {
                        return Err(REGEX_MALFORMED);
                    }
                    set.add(lo, hi, self.fold);
                }
            }
            first = false;
        }
        if negated {
            set.negate();
        }
        Ok(set)
    }

    /// After `[` and before `:`: `[:name:]` or `[:^name:]`.
    fn posix_class(&mut self) -> Result<ByteSet, &'static str> {
        self.at += 1; // `:`
        let negated = self.peek() == Some(b'^');
        if negated {
            self.at += 1;
        }
        let start = self.at;
        while self.peek().is_some_and(|b| b.is_ascii_lowercase()) {
            self.at += 1;
        }
        let name = &self.src[start..self.at];
        if self.next()? != b':' || self.next()? != b']' {
            return Err(REGEX_MALFORMED);
        }
        let ranges: &[(u8, u8)] = match name {
            b"alnum" => &[(b'0', b'9'), (b'A', b'Z'), (b'a', b'z')],
            b"alpha" => &[(b'A', b'Z'), (b'a', b'z')],
            b"ascii" => &[(0, 0x7f)],
            b"blank" => &[(b'\t', b'\t'), (b' ', b' ')],
            b"cntrl" => &[(0, 0x1f), (0x7f, 0x7f)],
            b"digit" => &[(b'0', b'9')],
            b"graph" => &[(b'!', b'~')],
            b"lower" => &[(b'a', b'z')],
            b"print" => &[(b' ', b'~')],
            b"punct" => &[(b'!', b'/'), (b':', b'@'), (b'[', b'`'), (b'{', b'~')],
            b"space" => &[(b'\t', b'\r'), (b' ', b' ')],
            b"upper" => &[(b'A', b'Z')],
            b"word" => &[(b'0', b'9'), (b'A', b'Z'), (b'a', b'z'), (b'_', b'_')],
            b"xdigit" => &[(b'0', b'9'), (b'A', b'F'), (b'a', b'f')],
            _ => return Err(REGEX_MALFORMED),
        };
        let mut set = ByteSet::EMPTY;
        for &(lo, hi) in ranges {
            set.add(lo, hi, self.fold);
        }
        if negated {
            set.negate();
        }
        Ok(set)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_program_estimate_prices_what_re2_unrolls() {
        let size = |source: &str| {
            let mut e = Re2Estimate { src: source.as_bytes(), at: 0, fold: true, top_alternation: false };
            e.alternation(0).unwrap().cost
        };
        assert_eq!(size("abc"), 3);
        assert_eq!(size("a{3}"), 3);
        assert_eq!(size("a{2,4}"), 6);
        assert_eq!(size("a+"), 2);
        assert_eq!(size("[a-z]"), 1); // both cases share one folding range
        assert_eq!(size("[0-9a-f]"), 3); // 0-9 and a-f/A-F
        assert_eq!(size("."), 3);
        assert_eq!(size("a|b|c"), 1); // folded into one class
        assert_eq!(size("ab|cd"), 5);
        // The limits measured on Chromium 156 (see MAX_REGEX_PROGRAM).
        assert!(check_regex(&"a".repeat(112), false).is_ok() && check_regex(&"a".repeat(113), false).is_err());
        assert!(check_regex("[0-9a-f]{37}", false).is_ok() && check_regex("[0-9a-f]{38}", false).is_err());
        assert!(check_regex("x{1,56}", false).is_ok() && check_regex("x{1,57}", false).is_err());
        // Hostile nesting is refused, not recursed into.
        assert!(check_regex(&format!("{}a{}", "(".repeat(500), ")".repeat(500)), false).is_err());
    }
}
