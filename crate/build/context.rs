// Compiles the page-context lexicon (`data/context/lexicon-*.tsv`) and the schema.org type table
// (`data/context/schema-org.tsv`) into static tables for `src/context/`, the way build.rs compiles
// the tracker knowledge base: nothing parses the data at start-up.
//
// A lexicon line is `label<TAB>weight<TAB>term`: the label is a sensitive category
// (`health`, …) or a topic (`topic:sports`, …); the weight an integer from -9 to 9 (negative
// weights speak against the label, e.g. "pet health"); the term one to three words, cut and
// folded by the same code as page text (`src/context/words.rs`). Terms are indexed by the hash
// of their folded words (`word_hash`, joined by `phrase_hash`); every shorter leading part of a
// longer term is indexed too, flagged as a prefix, so matching extends a phrase only when it can
// still become a term. An unknown label fails to compile against the `Sensitive` and `Topic` enums,
// which define the vocabulary once.
//
// Included by build.rs as one item, `mod context`, with `include!`.
mod context {
    use std::collections::BTreeMap;
    use std::fmt::Write as _;
    use std::{env, fs, path::Path};

    // The page scanner's parts of words.rs (spans, letter masks) are unused here.
    #[allow(dead_code)]
    mod words {
        include!("../src/context/words.rs");
    }
    use words::{for_each_word, letter_bit, phrase_hash, word_hash};

    const LANGUAGES: [&str; 4] = ["en", "de", "fr", "es"];
    const SCHEMA: &str = "data/context/schema-org.tsv";

    struct Term {
        text: String,
        target: String,
        weight: i8,
        lang: &'static str,
    }

    fn target(file: &str, line: usize, label: &str) -> String {
        let ok = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase() || b == b'_');
        let camel = |s: &str| -> String {
            s.split('_')
                .map(|w| {
                    let mut c = w.chars();
                    c.next().map(|f| f.to_ascii_uppercase().to_string() + c.as_str()).unwrap_or_default()
                })
                .collect()
        };
        match label.strip_prefix("topic:") {
            Some(topic) if ok(topic) => format!("Target::Topic(Topic::{})", camel(topic)),
            None if ok(label) => format!("Target::Sensitive(Sensitive::{})", camel(label)),
            _ => panic!("{file}:{line}: label {label:?} is not snake_case"),
        }
    }

    fn weight(file: &str, line: usize, text: &str) -> i8 {
        match text.trim().parse::<i8>() {
            Ok(w) if (-9..=9).contains(&w) && w != 0 => w,
            _ => panic!("{file}:{line}: weight {text:?} is not an integer from -9 to 9 (not 0)"),
        }
    }

    fn folded_words(text: &str) -> Vec<String> {
        let mut words = Vec::new();
        let mut buf = String::new();
        for_each_word(text, &mut buf, |w| {
            words.push(w.to_owned());
            true
        });
        words
    }

    pub fn compile() {
        let mut terms: Vec<Term> = Vec::new();
        for lang in LANGUAGES {
            let file = format!("data/context/lexicon-{lang}.tsv");
            println!("cargo:rerun-if-changed={file}");
            let text = fs::read_to_string(&file).unwrap_or_else(|e| panic!("{file}: {e}"));
            for (n, raw) in text.lines().enumerate() {
                let line = n + 1;
                if raw.trim().is_empty() || raw.starts_with('#') {
                    continue;
                }
                let fields: Vec<&str> = raw.split('\t').collect();
                let [label, w, term] = fields[..] else {
                    panic!("{file}:{line}: expected label<TAB>weight<TAB>term, got {raw:?}")
                };
                let words = folded_words(term);
                assert!(
                    (1..=3).contains(&words.len()),
                    "{file}:{line}: term {term:?} must have one to three words"
                );
                terms.push(Term {
                    text: term.trim().to_owned(),
                    target: target(&file, line, label.trim()),
                    weight: weight(&file, line, w),
                    lang,
                });
            }
        }

        // hash → (folded key, term indices, is a prefix of a longer term)
        let mut index: BTreeMap<u64, (String, Vec<usize>, bool)> = BTreeMap::new();
        for (i, term) in terms.iter().enumerate() {
            let words = folded_words(&term.text);
            let mut hash = 0;
            let mut key = String::new();
            for (k, word) in words.iter().enumerate() {
                let word_hash = word_hash(word.as_bytes(), false);
                if k == 0 {
                    hash = word_hash;
                } else {
                    hash = phrase_hash(hash, word_hash);
                    key.push(' ');
                }
                key.push_str(word);
                let entry = index.entry(hash).or_insert_with(|| (key.clone(), Vec::new(), false));
                assert_eq!(entry.0, key, "lexicon: hash collision between {:?} and {key:?}", entry.0);
                if k + 1 == words.len() {
                    // Words shared by languages ("diabetes", "dépression" = "depression" folded)
                    // count once per label: the first file's weight is kept.
                    if entry.1.iter().any(|&j| terms[j].target == term.target) {
                        continue;
                    }
                    entry.1.push(i);
                } else {
                    entry.2 = true;
                }
            }
        }

        let mut out = String::from("// Generated by build/context.rs from data/context/. Do not edit.\n");
        out.push_str("pub(super) static TERMS: &[Term] = &[\n");
        let mut order = Vec::new();
        for (_, ids, _) in index.values() {
            order.extend(ids.iter().copied());
        }
        let mut position = vec![0usize; terms.len()];
        for (at, &i) in order.iter().enumerate() {
            position[i] = at;
            let t = &terms[i];
            writeln!(out, "    Term {{ text: {:?}, target: {}, weight: {}, lang: {:?} }},", t.text, t.target, t.weight, t.lang).unwrap();
        }
        out.push_str("];\n\npub(super) static INDEX: &[IndexEntry] = &[\n");
        let mut next = 0usize;
        for (hash, (_, ids, prefix)) in &index {
            writeln!(out, "    IndexEntry {{ hash: {hash:#x}, first: {next}, count: {}, prefix: {prefix} }},", ids.len()).unwrap();
            next += ids.len();
        }
        // Open addressing over the index, so a page word costs one or two probes instead of a
        // binary search: slot = top bits of the hash, linear probing, 0 = empty, else entry + 1.
        // Load stays under a twelfth: most page words are not in the lexicon, and at that load a
        // missing word nearly always meets an empty slot at once (a branch the CPU predicts).
        let bits = (index.len() * 12).next_power_of_two().trailing_zeros().max(4);
        let mut slots = vec![0u16; 1 << bits];
        for (at, hash) in index.keys().enumerate() {
            let mut slot = (hash >> (64 - bits)) as usize;
            while slots[slot] != 0 {
                slot = (slot + 1) & (slots.len() - 1);
            }
            slots[slot] = u16::try_from(at + 1).expect("lexicon index fits in u16");
        }
        writeln!(out, "];\n\nconst SLOT_BITS: u32 = {bits};\npub(super) static SLOTS: [u16; {}] = {slots:?};", slots.len()).unwrap();
        out.push('\n');
        // Terms to look for glued inside host labels: one word of four letters or more
        // ("gaysexhookup"), or a phrase written without its spaces, of eight or more
        // ("plannedparenthood"). Whether it is a phrase is the last field.
        out.push_str("pub(super) static HOST_TERMS: &[(&str, u16, u64, bool)] = &[\n");
        for &i in &order {
            let words = folded_words(&terms[i].text);
            let glued = words.concat();
            let phrase = words.len() > 1;
            if glued.is_ascii() && glued.len() >= if phrase { 8 } else { 4 } {
                let letters = glued.bytes().fold(0u64, |mask, b| mask | letter_bit(b));
                writeln!(out, "    ({glued:?}, {}, {letters:#x}, {phrase}),", position[i]).unwrap();
            }
        }
        out.push_str("];\n\n");

        println!("cargo:rerun-if-changed={SCHEMA}");
        let text = fs::read_to_string(SCHEMA).unwrap_or_else(|e| panic!("{SCHEMA}: {e}"));
        let mut types = BTreeMap::new();
        for (n, raw) in text.lines().enumerate() {
            if raw.trim().is_empty() || raw.starts_with('#') {
                continue;
            }
            let fields: Vec<&str> = raw.split('\t').collect();
            let [name, label, w] = fields[..] else {
                panic!("{SCHEMA}:{}: expected Type<TAB>label<TAB>weight, got {raw:?}", n + 1)
            };
            assert!(
                name.bytes().all(|b| b.is_ascii_alphanumeric()) && name.starts_with(|c: char| c.is_ascii_uppercase()),
                "{SCHEMA}:{}: {name:?} is not a schema.org type name",
                n + 1
            );
            let value = (target(SCHEMA, n + 1, label.trim()), weight(SCHEMA, n + 1, w));
            assert!(types.insert(name.to_owned(), value).is_none(), "{SCHEMA}: {name} is listed twice");
        }
        out.push_str("pub(super) static SCHEMA_TYPES: &[(&str, Target, i8)] = &[\n");
        for (name, (target, weight)) in &types {
            writeln!(out, "    ({name:?}, {target}, {weight}),").unwrap();
        }
        out.push_str("];\n");
        let dest = Path::new(&env::var("OUT_DIR").unwrap()).join("context_lexicon.rs");
        fs::write(dest, out).unwrap();
    }
}
