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

/// FNV-1a, 64 bits: streaming, so the hash of "a b" continues from the hash of "a".
pub const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

pub fn fnv_extend(mut hash: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(FNV_PRIME);
    }
    hash
}
