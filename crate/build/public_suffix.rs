// Compiles `data/public_suffix_list.dat` (Mozilla's Public Suffix List, MPL-2.0) into the rules
// text that `src/public_suffix.rs` indexes at first use: one rule a line, comments and blank lines
// dropped, each rule with a Unicode label also in its punycode form (URL hosts arrive as punycode,
// the list writes `公司.cn`). Sorted by reversed labels, so rules of one suffix sit together and
// the text compresses well in the extension's package. Fails the build on a malformed rule.
//
// Included by build.rs as one item, `mod public_suffix`, with `include!`.
mod public_suffix {
    use std::collections::BTreeSet;
    use std::{env, fs, path::Path};

    const LIST: &str = "data/public_suffix_list.dat";

    pub fn compile() {
        println!("cargo:rerun-if-changed={LIST}");
        let text = fs::read_to_string(LIST).unwrap_or_else(|e| panic!("{LIST}: {e}"));
        // Reversed labels -> rule, so the order groups `*.ck`, `!www.ck` and `ck` together.
        let mut rules: BTreeSet<(Vec<String>, String)> = BTreeSet::new();
        for (number, line) in text.lines().enumerate() {
            // The list's format: a rule is the line up to its first white space.
            let Some(rule) = line.split_whitespace().next() else { continue };
            if rule.starts_with("//") {
                continue;
            }
            check(number + 1, rule);
            let (prefix, domain) = split(rule);
            let mut forms = vec![domain.to_string()];
            if !domain.is_ascii() {
                let ascii = idna::domain_to_ascii(domain)
                    .unwrap_or_else(|e| panic!("{LIST}:{}: {rule}: no punycode form: {e:?}", number + 1));
                forms.push(ascii);
            }
            for form in forms {
                let reversed = form.rsplit('.').map(str::to_string).collect();
                rules.insert((reversed, format!("{prefix}{form}")));
            }
        }
        assert!(rules.len() > 5_000, "{LIST}: only {} rules; is it the whole list?", rules.len());
        let mut out = String::new();
        for (_, rule) in &rules {
            out.push_str(rule);
            out.push('\n');
        }
        let dest = Path::new(&env::var("OUT_DIR").unwrap()).join("public_suffix.txt");
        fs::write(&dest, out).unwrap_or_else(|e| panic!("{}: {e}", dest.display()));
    }

    /// `!www.ck` -> ("!", "www.ck"), `*.ck` -> ("*.", "ck"), `co.uk` -> ("", "co.uk").
    fn split(rule: &str) -> (&str, &str) {
        if let Some(domain) = rule.strip_prefix('!') {
            ("!", domain)
        } else if let Some(domain) = rule.strip_prefix("*.") {
            ("*.", domain)
        } else {
            ("", rule)
        }
    }

    /// The lookup relies on these: no empty label, a wildcard only as the whole first label, no
    /// upper case (hosts are compared as lower-case bytes).
    fn check(number: usize, rule: &str) {
        let (prefix, domain) = split(rule);
        let ok = !domain.is_empty()
            && domain.split('.').all(|label| !label.is_empty() && !label.contains(['*', '!']))
            && !domain.chars().any(char::is_uppercase)
            && (prefix != "!" || domain.contains('.'));
        assert!(ok, "{LIST}:{number}: malformed rule {rule:?}");
    }
}
