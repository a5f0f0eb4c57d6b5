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

/// A folded word of a text, as [`word_spans`] finds it: its FNV-1a hash and where its folded
/// bytes are (in the text itself when it is plain ASCII, else in the fold buffer).
#[derive(Clone, Copy)]
pub struct WordSpan {
    pub hash: u64,
    pub start: u32,
    pub end: u32,
    pub folded: bool,
}

impl WordSpan {
    /// The word's bytes; ASCII upper case may remain (text words are not copied), so hash them
    /// with [`fnv_extend_lower`].
    pub fn bytes<'a>(&self, text: &'a str, folded: &'a str) -> &'a [u8] {
        let from = if self.folded { folded } else { text };
        &from.as_bytes()[self.start as usize..self.end as usize]
    }
}

/// The words of `text` with their hashes, the same words [`for_each_word`] yields, without
/// copying the ASCII ones: page text is tens of kilobytes and nearly all ASCII, and in wasm a
/// copy per byte costs more than the hash. Words with other letters are folded into `folded`.
pub fn word_spans(text: &str, folded: &mut String, spans: &mut Vec<WordSpan>) {
    folded.clear();
    spans.clear();
    let bytes = text.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        let b = bytes[at];
        let start = at;
        if b.is_ascii_alphanumeric() {
            let mut hash = FNV_OFFSET;
            while at < bytes.len() && bytes[at].is_ascii_alphanumeric() {
                hash = fnv_byte(hash, bytes[at].to_ascii_lowercase());
                at += 1;
            }
            if at == bytes.len() || bytes[at].is_ascii() {
                spans.push(WordSpan { hash, start: start as u32, end: at as u32, folded: false });
                continue;
            }
        } else if b.is_ascii() {
            at += 1;
            continue;
        }
        // A word with a letter beyond ASCII (or a separator beyond ASCII): fold it from its start.
        let from = folded.len();
        let mut rest = text[start..].chars();
        at = start;
        for c in rest.by_ref() {
            if !fold_char(c, folded) {
                at += c.len_utf8();
                break;
            }
            at += c.len_utf8();
        }
        if folded.len() > from {
            let hash = fnv_extend(FNV_OFFSET, &folded.as_bytes()[from..]);
            spans.push(WordSpan { hash, start: from as u32, end: folded.len() as u32, folded: true });
        }
    }
}

/// FNV-1a, 64 bits: streaming, so the hash of "a b" continues from the hash of "a".
pub const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

pub fn fnv_extend(mut hash: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        hash = fnv_byte(hash, b);
    }
    hash
}

/// [`fnv_extend`] over the bytes with ASCII upper case folded to lower.
pub fn fnv_extend_lower(mut hash: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        hash = fnv_byte(hash, b.to_ascii_lowercase());
    }
    hash
}

#[inline]
fn fnv_byte(hash: u64, b: u8) -> u64 {
    (hash ^ u64::from(b)).wrapping_mul(FNV_PRIME)
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
