//! The learned model for names the table and the hand-written clues do not settle: multinomial
//! naive Bayes over the words of the name, its letter trigrams, a leading underscore, the lifetime
//! and the purpose of the cookie's domain in the tracker knowledge base (CookieBlock's features
//! that need no value history). Trained by `scripts/kb/train-cookie-model.mjs` on the training part of the Open
//! Cookie Database split, never on the rows the evaluation holds out, and compiled by
//! `build/cookies.rs` into a sorted table: a prediction is a few binary searches, no floats
//! stored.

use super::*;
use crate::knowledge::DomainRecord;

include!(concat!(env!("OUT_DIR"), "/cookie_model.rs"));

/// Below this probability the model says nothing and the cookie stays unknown.
const MIN_CONFIDENCE: f64 = 0.7;

pub(super) struct Prediction {
    pub(super) purpose: CookiePurpose,
    pub(super) confidence: f64,
    /// The features that weighed most for this purpose over the next best, in words.
    pub(super) evidence: Vec<String>,
}

fn lifetime_feature(lifetime: Lifetime) -> &'static str {
    match lifetime {
        Lifetime::Session => "l:session",
        Lifetime::Seconds(s) if s < DAY => "l:hours",
        Lifetime::Seconds(s) if s <= LONG_LIVED => "l:days",
        Lifetime::Seconds(_) | Lifetime::UntilCleared => "l:long",
    }
}

/// The letter trigrams of the lower-case name between `^` and `$`, other characters as `_`
/// (`trigrams` in the training script).
fn trigrams(name: &str) -> Vec<String> {
    let text: Vec<u8> = std::iter::once(b'^')
        .chain(name.bytes().map(|b| if b.is_ascii_alphanumeric() { b.to_ascii_lowercase() } else { b'_' }))
        .chain(std::iter::once(b'$'))
        .collect();
    text.windows(3).map(|w| format!("g:{}", String::from_utf8_lossy(w))).collect()
}

/// The features of a cookie, as the training script computes them.
pub(super) fn features(name: &str, lifetime: Lifetime, tracker: Option<&DomainRecord>) -> Vec<String> {
    let mut out: Vec<String> = name_words(name)
        .into_iter()
        .map(|w| if w.bytes().all(|b| b.is_ascii_digit()) { "w:#".to_owned() } else { format!("w:{w}") })
        .chain(trigrams(name))
        .collect();
    if name.starts_with('_') {
        out.push("u:_".to_owned());
    }
    out.push(lifetime_feature(lifetime).to_owned());
    if let Some(category) = tracker.and_then(|r| r.categories.first()) {
        out.push(format!("t:{}", category.as_str()));
    }
    out.sort_unstable();
    out.dedup();
    out
}

fn weights(feature: &str) -> Option<&'static [i32; MODEL_CLASS_COUNT]> {
    MODEL_FEATURES.binary_search_by(|(f, _)| (*f).cmp(feature)).ok().map(|i| &MODEL_FEATURES[i].1)
}

fn describe(feature: &str) -> String {
    match feature {
        "u:_" => "a leading underscore".to_owned(),
        "l:session" => "a session lifetime".to_owned(),
        "l:hours" => "a lifetime under a day".to_owned(),
        "l:days" => "a lifetime of up to 90 days".to_owned(),
        "l:long" => "a lifetime over 90 days".to_owned(),
        "w:#" => "a number in the name".to_owned(),
        _ => match feature.split_once(':') {
            Some(("t", category)) => format!("a domain used for {}", category.replace('_', " ")),
            Some(("g", letters)) => format!("the letters `{}`", letters.trim_matches(['^', '$'])),
            Some((_, word)) => format!("the word `{word}`"),
            None => feature.to_owned(),
        },
    }
}

/// The model's purpose for a cookie, when it is confident and the name itself carries evidence
/// (a lifetime alone says nothing about what a cookie is for). The trigrams' log-probabilities
/// are averaged: together they weigh as much as one word, not one word per letter.
pub(super) fn predict(name: &str, lifetime: Lifetime, tracker: Option<&DomainRecord>) -> Option<Prediction> {
    let known: Vec<(String, &[i32; MODEL_CLASS_COUNT])> =
        features(name, lifetime, tracker).into_iter().filter_map(|f| weights(&f).map(|w| (f, w))).collect();
    if !known.iter().any(|(f, _)| f.starts_with("w:") || f.starts_with("g:")) {
        return None;
    }
    let grams = known.iter().filter(|(f, _)| f.starts_with("g:")).count().max(1) as f64;
    let scale = |f: &str| if f.starts_with("g:") { 1.0 / grams } else { 1.0 };
    let mut scores = MODEL_PRIOR.map(f64::from);
    for (f, w) in &known {
        for (score, weight) in scores.iter_mut().zip(w.iter()) {
            *score += f64::from(*weight) * scale(f);
        }
    }
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|a, b| scores[*b].total_cmp(&scores[*a]));
    let (best, second) = (order[0], order[1]);
    // Softmax over thousandths of a nat.
    let total: f64 = scores.iter().map(|s| ((s - scores[best]) / 1000.0).exp()).sum();
    let confidence = 1.0 / total;
    if confidence < MIN_CONFIDENCE {
        return None;
    }
    let mut margins: Vec<(f64, &str)> = known
        .iter()
        .map(|(f, w)| (f64::from(w[best] - w[second]) * scale(f), f.as_str()))
        .filter(|(m, _)| *m > 0.0)
        .collect();
    margins.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    let evidence = margins.iter().take(3).map(|(_, f)| describe(f)).collect();
    Some(Prediction { purpose: MODEL_CLASSES[best], confidence, evidence })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_and_every_class_is_a_purpose() {
        assert!(MODEL_FEATURES.windows(2).all(|p| p[0].0 < p[1].0));
        assert!(
            MODEL_CLASSES.contains(&CookiePurpose::Necessary) && MODEL_CLASSES.contains(&CookiePurpose::Advertising)
        );
    }

    #[test]
    fn features_match_the_training_script() {
        let f = features("_fooVisitorId_2", Lifetime::Seconds(400 * DAY), None);
        // `^_foovisitorid_2$` in letter trigrams, as `trigrams` in the training script cuts it.
        let grams = "^_f _2$ _fo d_2 foo id_ isi ito oov ori ovi rid sit tor vis".split(' ').map(|g| format!("g:{g}"));
        let words = ["l:long", "u:_", "w:#", "w:foo", "w:id", "w:visitor"].map(str::to_owned);
        assert_eq!(f, grams.chain(words).collect::<Vec<_>>());
        assert_eq!(features("x", Lifetime::Session, None), ["g:^x$", "l:session", "w:x"]);
    }

    #[test]
    fn a_lifetime_alone_predicts_nothing() {
        assert!(predict("", Lifetime::Seconds(400 * DAY), None).is_none());
        assert!(predict("qqzzxv", Lifetime::Seconds(400 * DAY), None).is_none());
    }
}
