// Words of a text as the page-context lexicon sees them: lower case, Latin diacritics folded
// (`Église` → `eglise`, `Straße` → `strasse`), split on anything that is not a letter or digit.
// Shared by the crate and by build.rs (through `include!`), so a lexicon term and page text are
// cut the same way; kept free of `crate::` paths for that reason.

/// Appends the folded form of `c` to `out`; returns false for separators.
fn fold_char(c: char, out: &mut String) -> bool {
    if c.is_ascii_alphanumeric() {
        out.push(c.to_ascii_lowercase());
        return true;
    }
    if c.is_ascii() || !c.is_alphanumeric() {
        return false;
    }
    let folded = match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => "a",
        'ç' | 'Ç' => "c",
        'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' | 'Ê' | 'Ë' => "e",
        'ì' | 'í' | 'î' | 'ï' | 'Ì' | 'Í' | 'Î' | 'Ï' => "i",
        'ñ' | 'Ñ' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' => "o",
        'ù' | 'ú' | 'û' | 'ü' | 'Ù' | 'Ú' | 'Û' | 'Ü' => "u",
        'ý' | 'ÿ' | 'Ý' => "y",
        'ß' => "ss",
        'æ' | 'Æ' => "ae",
        'œ' | 'Œ' => "oe",
        _ => {
            out.extend(c.to_lowercase());
            return true;
        }
    };
    out.push_str(folded);
    true
}

/// Calls `word` with each folded word of `text`, in order, until it returns false. `buf` is
/// scratch space reused between words (no allocation per word).
pub fn for_each_word(text: &str, buf: &mut String, mut word: impl FnMut(&str) -> bool) {
    buf.clear();
    for c in text.chars() {
        if !fold_char(c, buf) && !buf.is_empty() {
            if !word(buf) {
                return;
            }
            buf.clear();
        }
    }
    if !buf.is_empty() {
        word(buf);
    }
}

/// Eight bytes of `bytes` from `at`, little-endian; past the end, zero bytes (separators).
#[inline(always)]
fn chunk_at(bytes: &[u8], at: usize) -> u64 {
    match bytes.get(at..at + 8) {
        Some(eight) => u64::from_le_bytes(eight.try_into().unwrap_or_default()),
        None => {
            let mut last = [0u8; 8];
            let rest = bytes.get(at..).unwrap_or_default();
            last[..rest.len()].copy_from_slice(rest);
            u64::from_le_bytes(last)
        }
    }
}

const HIGH: u64 = 0x8080_8080_8080_8080;

const fn splat(b: u8) -> u64 {
    u64::from_le_bytes([b; 8])
}

/// The top bit of each byte of `chunk` that is an ASCII letter or digit, eight bytes at once.
/// For a byte x below 0x80, x + (0x80 - lo) reaches the top bit exactly when x >= lo, and no
/// byte carries into the next (x + 0x80 - lo <= 0xff); bit 5 set makes letters lower case.
#[inline(always)]
fn alphanumeric(chunk: u64) -> u64 {
    let ascii = !chunk & HIGH;
    let x = chunk & !HIGH;
    let lower = x | splat(0x20);
    let at_least = |v: u64, lo: u8| (v + splat(0x80 - lo)) & HIGH;
    let above = |v: u64, hi: u8| (v + splat(0x7f - hi)) & HIGH;
    let letters = at_least(lower, b'a') & !above(lower, b'z');
    let digits = at_least(x, b'0') & !above(x, b'9');
    (letters | digits) & ascii
}

/// The top bit of each byte of `chunk` that is an ASCII control (below 0x20, or 0x7f).
#[inline(always)]
pub fn ascii_controls(chunk: u64) -> u64 {
    let x = chunk & !HIGH;
    let below_space = !(x + splat(0x60)) & HIGH;
    let delete = (x + splat(0x01)) & HIGH;
    (below_space | delete) & !chunk & HIGH
}

/// The top bit of each byte of `chunk` that equals `byte`.
#[inline(always)]
pub fn bytes_equal(chunk: u64, byte: u8) -> u64 {
    let t = chunk ^ splat(byte);
    !(((t & !HIGH) + !HIGH) | t) & HIGH
}

/// Each byte with its top bit set in `lanes` replaced by `byte`.
#[inline(always)]
pub fn replace_bytes(chunk: u64, lanes: u64, byte: u8) -> u64 {
    let whole = (lanes >> 7) * 0xff;
    (chunk & !whole) | (splat(byte) & whole)
}

/// The [`word_hash`] of each word of `text`, the same words [`for_each_word`] yields, in order,
/// into `hashes`. ASCII words are found eight bytes at a time and hashed where they sit,
/// uncopied: page text is tens of kilobytes and nearly all ASCII, and in wasm a loop per byte
/// costs more than the hash. Words with other letters are folded first, into `folded` (scratch
/// space kept between calls).
pub fn word_hashes(text: &str, folded: &mut String, hashes: &mut Vec<u64>) {
    hashes.clear();
    let bytes = text.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        let start = at;
        if bytes[at].is_ascii_alphanumeric() {
            // An ASCII word, hashed as its end is found, eight bytes at a time.
            let mut hash = SEED;
            loop {
                let chunk = chunk_at(bytes, at);
                let end = !alphanumeric(chunk) & HIGH;
                if end == 0 {
                    hash = mix(hash, chunk | LOWER);
                    at += 8;
                    continue;
                }
                let take = (end.trailing_zeros() / 8) as usize;
                if take > 0 {
                    hash = mix(hash, (chunk | LOWER) & low_bytes(take));
                    at += take;
                }
                break;
            }
            if bytes.get(at).is_none_or(|&b| b < 0x80) {
                hashes.push(hash);
                continue;
            }
        } else if bytes[at] < 0x80 {
            // ASCII separators: one, as between most words, or a run, eight bytes at a time.
            at += 1;
            while bytes.get(at).is_some_and(|&b| b < 0x80 && !b.is_ascii_alphanumeric()) {
                let chunk = chunk_at(bytes, at);
                let stop = alphanumeric(chunk) | (chunk & HIGH);
                at += if stop == 0 { 8 } else { (stop.trailing_zeros() / 8) as usize };
            }
            continue;
        }
        // A word with a letter beyond ASCII (or a separator beyond ASCII): fold it from its start.
        folded.clear();
        at = start;
        for c in text[start..].chars() {
            at += c.len_utf8();
            if !fold_char(c, folded) {
                break;
            }
        }
        if !folded.is_empty() {
            hashes.push(word_hash(folded.as_bytes(), false));
        }
    }
}

/// The hash of one folded word, eight bytes per step: a multiply per chunk and no final mix.
/// The index takes its slot from the top bits of the hash, which depend on every bit before
/// them; a word has no zero byte, so its chunks (the last one zero-padded) spell it alone, and
/// a word of up to eight bytes gets a hash of its own (multiplying by an odd number is a
/// bijection). The lexicon is compiled with this function; page text is hashed the same way by
/// [`word_hashes`], in place.
pub fn word_hash(bytes: &[u8], ascii_text: bool) -> u64 {
    let lower = if ascii_text { LOWER } else { 0 };
    let mut hash = SEED;
    for chunk in bytes.chunks(8) {
        hash = mix(hash, (chunk_at(chunk, 0) | lower) & low_bytes(chunk.len()));
    }
    hash
}

/// Setting bit 5 of an ASCII letter or digit lower-cases it (digits have it already), so an
/// ASCII word is hashed where it sits, uncopied, and "HIV" hashes as "hiv" does. The fold
/// buffer's bytes (lower case already, UTF-8 beyond ASCII) are hashed as they are.
const LOWER: u64 = splat(0x20);

#[inline(always)]
fn mix(hash: u64, chunk: u64) -> u64 {
    (hash ^ chunk).wrapping_mul(MULTIPLIER)
}

/// The low `n` bytes (1 to 8) of a chunk.
#[inline(always)]
fn low_bytes(n: usize) -> u64 {
    u64::MAX >> (8 * (8 - n))
}

/// The hash of a phrase: the hash of its first words, then one more word. Not symmetric, so
/// "a b" and "b a" differ.
pub fn phrase_hash(words_before: u64, word: u64) -> u64 {
    finish(words_before.wrapping_mul(MULTIPLIER) ^ word)
}

const SEED: u64 = 0x243f_6a88_85a3_08d3; // the digits of pi, as in many hash seeds
const MULTIPLIER: u64 = 0x9e37_79b9_7f4a_7c15; // 2^64 / the golden ratio

/// A final mix (MurmurHash3's 64-bit finaliser), so the table's slot bits depend on every byte.
fn finish(mut hash: u64) -> u64 {
    hash ^= hash >> 33;
    hash = hash.wrapping_mul(0xff51_afd7_ed55_8ccd);
    hash ^= hash >> 33;
    hash = hash.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    hash ^ (hash >> 33)
}

/// One bit per ASCII letter or digit (anything else shares the top bit): a word can be inside a
/// host label only if the label's bits cover the word's, a test far cheaper than a substring search.
pub fn letter_bit(b: u8) -> u64 {
    match b {
        b'a'..=b'z' => 1 << (b - b'a'),
        b'0'..=b'9' => 1 << (26 + b - b'0'),
        _ => 1 << 63,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hashes(text: &str) -> Vec<u64> {
        let (mut folded, mut hashes) = (String::new(), Vec::new());
        word_hashes(text, &mut folded, &mut hashes);
        hashes
    }

    /// What the lexicon's compiler computes: each folded word, copied, hashed as it is.
    fn compiled(text: &str) -> Vec<u64> {
        let mut out = Vec::new();
        for_each_word(text, &mut String::new(), |w| {
            out.push(word_hash(w.as_bytes(), false));
            true
        });
        out
    }

    #[test]
    fn page_words_hash_as_the_compiled_lexicon_does() {
        for text in [
            "OraQuick HIV Self-Test | Pharmacy",
            "Église Saint-Étienne, STRAßE, Œuvre, naïve café",
            "a ab abcdefg abcdefgh ABCDEFGHI abcdefghijklmnop abcdefghijklmnopq 2024",
            "Москва — Déjà vu…stra\u{df}e\u{85}end",
            "exactly8 exactly8. longer-than-eight-bytes,and\0nul\tTAB\r\nZz09 end7bytes 12345678x",
            "",
            "   ...   ",
        ] {
            assert_eq!(hashes(text), compiled(text), "{text:?}");
        }
    }

    #[test]
    fn mixed_texts_of_every_length_hash_as_compiled() {
        // A fixed pseudo-random walk over letters, digits, separators and folded letters.
        let alphabet: Vec<char> = "aZ9 .-\n\0éßœЖ—…\u{85}".chars().collect();
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for len in 0..200 {
            let text: String = (0..len)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    alphabet[(state % alphabet.len() as u64) as usize]
                })
                .collect();
            assert_eq!(hashes(&text), compiled(&text), "{text:?}");
        }
    }

    #[test]
    fn eight_bytes_at_a_time_answers_as_the_byte_tests_do() {
        for b in 0..=255u8 {
            for lane in 0..8 {
                let mut bytes = [b'a'; 8];
                bytes[lane] = b' ';
                let spaced = u64::from_le_bytes(bytes);
                bytes[lane] = b;
                let chunk = u64::from_le_bytes(bytes);
                let bit = |yes: bool| if yes { 0x80u64 << (8 * lane) } else { 0 };
                let others = alphanumeric(chunk) & !bit(true);
                assert_eq!(alphanumeric(chunk) & bit(true), bit(b.is_ascii_alphanumeric()), "{b:#x} lane {lane}");
                assert_eq!(others, !bit(true) & HIGH, "the other lanes are letters");
                assert_eq!(ascii_controls(chunk), bit(b.is_ascii_control()), "control {b:#x} lane {lane}");
                assert_eq!(bytes_equal(chunk, 0xc2), bit(b == 0xc2), "c2 {b:#x} lane {lane}");
                let replaced = if b.is_ascii_control() { spaced } else { chunk };
                assert_eq!(replace_bytes(chunk, ascii_controls(chunk), b' '), replaced);
            }
        }
    }

    #[test]
    fn different_words_and_phrases_hash_differently() {
        let words = ["a", "b", "ab", "ba", "abcdefgh", "abcdefgha", "abcdefgh0", "hiv", "hi"];
        let mut seen: Vec<u64> = words.iter().map(|w| word_hash(w.as_bytes(), false)).collect();
        let (a, b) = (word_hash(b"a", false), word_hash(b"b", false));
        seen.extend([phrase_hash(a, b), phrase_hash(b, a), phrase_hash(phrase_hash(a, b), a)]);
        let mut unique = seen.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), seen.len());
        assert_eq!(word_hash(b"HiV", true), word_hash(b"hiv", false));
    }
}
