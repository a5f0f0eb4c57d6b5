//! The learned model for names the table and the hand-written clues do not settle: softmax
//! (multinomial logistic) regression over CookieBlock-style features that need no value history:
//! the words, vendor prefix and letter trigrams of the name, its shape and length, the lifetime,
//! the purposes of the cookie's domain in the tracker knowledge base, first or third party, and
//! what the table says of the closest name of the same family, of the domain's other cookies and
//! of the keywords in the name. Trained by `scripts/kb/train-cookie-model.mjs` on the training
//! part of the Open Cookie Database split, never on the rows the evaluation holds out, with its
//! two confidence thresholds chosen by cross-validation inside the training part; compiled by
//! `build/cookies.rs` into a sorted table: a prediction is a few binary searches.

use super::*;
use crate::knowledge::DomainRecord;

include!(concat!(env!("OUT_DIR"), "/cookie_model.rs"));

pub(super) struct Prediction {
    pub(super) purpose: CookiePurpose,
    pub(super) confidence: f64,
    /// At or above the threshold for its side: only then is it a verdict.
    pub(super) confident: bool,
    /// The features that weighed most for this purpose over the other side's likeliest.
    pub(super) evidence: Vec<&'static str>,
}

/// What the model reads besides the name and lifetime.
#[derive(Default, Clone, Copy)]
pub(super) struct Context<'a> {
    pub(super) tracker: Option<&'a DomainRecord>,
    pub(super) third_party: bool,
    /// The purpose of the closest name of the same family in the table.
    pub(super) similar: Option<CookiePurpose>,
    /// What the table's other cookies on the domain are mostly for.
    pub(super) profile: Option<CookiePurpose>,
}

fn lifetime_feature(lifetime: Lifetime) -> &'static str {
    const WEEK: i64 = 7 * DAY;
    match lifetime {
        Lifetime::Session => "l:session",
        Lifetime::Seconds(s) if s < DAY => "l:hours",
        Lifetime::Seconds(s) if s <= WEEK => "l:week",
        Lifetime::Seconds(s) if s <= 31 * DAY => "l:month",
        Lifetime::Seconds(s) if s <= LONG_LIVED => "l:quarter",
        Lifetime::Seconds(s) if s <= 400 * DAY => "l:year",
        Lifetime::Seconds(_) | Lifetime::UntilCleared => "l:long",
    }
}

/// The name's words, each also split between letters and digits (`rlas3` → `rlas`, `3`).
fn model_words(words: &[String]) -> impl Iterator<Item = &str> {
    words.iter().flat_map(|word| {
        let mut start = 0;
        let bytes = word.as_bytes();
        std::iter::from_fn(move || {
            if start >= bytes.len() {
                return None;
            }
            let digit = bytes[start].is_ascii_digit();
            let end =
                bytes[start..].iter().position(|b| b.is_ascii_digit() != digit).map_or(bytes.len(), |n| start + n);
            let part = &word[start..end];
            start = end;
            Some(part)
        })
    })
}

/// Calls `emit(kind, value)` for each feature of a cookie (`kind:value`, possibly repeated), as
/// `features` in the training script computes them.
fn each_feature(name: &str, lifetime: Lifetime, context: Context<'_>, mut emit: impl FnMut(&str, &str)) {
    let text: Vec<u8> = std::iter::once(b'^')
        .chain(name.bytes().map(|b| if b.is_ascii_alphanumeric() { b.to_ascii_lowercase() } else { b'_' }))
        .chain(std::iter::once(b'$'))
        .collect();
    for gram in text.windows(3) {
        // ASCII only: every other byte became `_`.
        emit("g", std::str::from_utf8(gram).unwrap_or("___"));
    }
    let words = name_words(name);
    for word in model_words(&words) {
        emit("w", if word.bytes().all(|b| b.is_ascii_digit()) { "#" } else { word });
    }
    let lead = &name[..name.len() - name.trim_start_matches('_').len()];
    if let Some(first) = words.first() {
        emit("p", &format!("{lead}{first}"));
    }
    if !lead.is_empty() {
        emit("u", "_");
    }
    if name.bytes().any(|b| b.is_ascii_uppercase()) && !name.bytes().any(|b| b.is_ascii_lowercase()) {
        emit("c", "upper");
    }
    if name.bytes().any(|b| b.is_ascii_digit()) {
        emit("c", "digit");
    }
    // Length in UTF-16 units, as JavaScript's `length` in the training script.
    emit(
        "n",
        match name.encode_utf16().count() {
            0..=3 => "3",
            4..=8 => "8",
            9..=16 => "16",
            _ => "long",
        },
    );
    let (kind, band) = lifetime_feature(lifetime).split_once(':').unwrap_or_default();
    emit(kind, band);
    for category in context.tracker.map_or(&[][..], |r| r.categories) {
        emit("t", category.as_str());
    }
    emit("f", if context.third_party { "3p" } else { "1p" });
    if let Some(purpose) = context.similar {
        emit("s", purpose.as_str());
    }
    if let Some(purpose) = context.profile {
        emit("d", purpose.as_str());
    }
    if let Some((purpose, _)) = keyword_in(&words) {
        emit("k", purpose.as_str());
    }
}

/// The features of a cookie, sorted and once each, as the training script computes them.
#[cfg(test)]
pub(super) fn features(name: &str, lifetime: Lifetime, context: Context<'_>) -> Vec<String> {
    let mut out = Vec::new();
    each_feature(name, lifetime, context, |kind, value| out.push(format!("{kind}:{value}")));
    out.sort_unstable();
    out.dedup();
    out
}

/// The features of a cookie that the model knows, once each, with their weights. One scratch
/// buffer for the look-ups: this runs for every cookie the table does not know.
fn known_features(
    name: &str,
    lifetime: Lifetime,
    context: Context<'_>,
) -> Vec<(&'static str, &'static [i32; MODEL_CLASS_COUNT])> {
    let mut known = Vec::with_capacity(32);
    let mut scratch = String::with_capacity(64);
    each_feature(name, lifetime, context, |kind, value| {
        scratch.clear();
        scratch.push_str(kind);
        scratch.push(':');
        scratch.push_str(value);
        if let Some(hit) = weights(&scratch) {
            known.push(hit);
        }
    });
    known.sort_unstable_by_key(|(f, _)| f.as_ptr() as usize);
    known.dedup_by_key(|(f, _)| f.as_ptr() as usize);
    known
}

fn weights(feature: &str) -> Option<(&'static str, &'static [i32; MODEL_CLASS_COUNT])> {
    MODEL_FEATURES
        .binary_search_by(|(f, _)| (*f).cmp(feature))
        .ok()
        .map(|i| (MODEL_FEATURES[i].0, &MODEL_FEATURES[i].1))
}

/// A feature in words, for the verdict's reason; `similar` and `profile` are the table's clues
/// behind `s:` and `d:`.
pub(super) fn describe(feature: &str, similar: Option<&TableMatch>, profile: Option<&DomainProfile>) -> String {
    match feature {
        "u:_" => "a leading underscore".to_owned(),
        "c:upper" => "an all-capitals name".to_owned(),
        "c:digit" => "a digit in the name".to_owned(),
        "n:3" => "a name of three characters or fewer".to_owned(),
        "n:8" => "a short name".to_owned(),
        "n:16" => "a name of 9 to 16 characters".to_owned(),
        "n:long" => "a long name".to_owned(),
        "l:session" => "a session lifetime".to_owned(),
        "l:hours" => "a lifetime under a day".to_owned(),
        "l:week" => "a lifetime of up to a week".to_owned(),
        "l:month" => "a lifetime of up to a month".to_owned(),
        "l:quarter" => "a lifetime of up to 90 days".to_owned(),
        "l:year" => "a lifetime of up to 400 days".to_owned(),
        "l:long" => "a lifetime over 400 days".to_owned(),
        "f:3p" => "a third-party domain".to_owned(),
        "f:1p" => "the site's own domain".to_owned(),
        "w:#" => "a number in the name".to_owned(),
        _ => match feature.split_once(':') {
            Some(("t", category)) => format!("a domain used for {}", category.replace('_', " ")),
            Some(("g", letters)) => format!("the letters `{}`", letters.trim_matches(['^', '$'])),
            Some(("p", lead)) => format!("the prefix `{lead}`"),
            Some(("s", purpose)) => match similar {
                Some(m) => format!("a name of the same family in the table ({}, {purpose})", m.describe()),
                None => format!("a name of the same family that is {purpose}"),
            },
            Some(("d", purpose)) => match profile {
                Some(p) => format!("the table's {} other cookies on {} ({purpose})", p.rows, p.domain),
                None => format!("the table's other cookies on its domain ({purpose})"),
            },
            Some(("k", purpose)) => format!("a {purpose} word in the name"),
            Some((_, word)) => format!("the word `{word}`"),
            None => feature.to_owned(),
        },
    }
}

/// The model's purpose for a cookie, when the name itself carries evidence (a lifetime or a
/// domain alone is not a reason to call a cookie anything); a verdict only if `confident`. The
/// confidence is the probability of the verdict's side, the tracking purposes together or the
/// others together; the thresholds were chosen by cross-validation (`decide` and `threshold` in
/// the training script), a tracking verdict needing more.
pub(super) fn predict(name: &str, lifetime: Lifetime, context: Context<'_>) -> Option<Prediction> {
    let known = known_features(name, lifetime, context);
    let from_name = |f: &str| f.starts_with("g:") || f.starts_with("p:") || (f.starts_with("w:") && f != "w:#");
    if !known.iter().any(|(f, _)| from_name(f)) {
        return None;
    }
    let mut scores = MODEL_BIAS.map(f64::from);
    for (_, w) in &known {
        for (score, weight) in scores.iter_mut().zip(w.iter()) {
            *score += f64::from(*weight);
        }
    }
    // Softmax over thousandths; then the side (tracking or not) with most probability, and that
    // side's likeliest purpose against the other side's.
    let top = scores.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let weights: Vec<f64> = scores.iter().map(|s| ((s - top) / 1000.0).exp()).collect();
    let total: f64 = weights.iter().sum();
    let tracking: f64 =
        weights.iter().zip(MODEL_CLASSES).filter(|(_, c)| c.is_tracking()).map(|(w, _)| w / total).sum();
    let side = tracking >= 0.5;
    let likeliest = |tracking_side: bool| {
        (0..MODEL_CLASS_COUNT)
            .filter(|&j| MODEL_CLASSES[j].is_tracking() == tracking_side)
            .max_by(|&a, &b| scores[a].total_cmp(&scores[b]))
    };
    let best = likeliest(side)?;
    let confidence = if side { tracking } else { 1.0 - tracking };
    let purpose = MODEL_CLASSES[best];
    let threshold = if side { MODEL_MIN_TRACKING } else { MODEL_MIN_OTHER };
    let confident = confidence * 1000.0 >= f64::from(threshold);
    let evidence = match likeliest(!side).filter(|_| confident) {
        Some(other) => {
            let mut margins: Vec<(i32, &'static str)> =
                known.iter().map(|(f, w)| (w[best] - w[other], *f)).filter(|(m, _)| *m > 0).collect();
            margins.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
            margins.iter().take(3).map(|(_, f)| *f).collect()
        }
        None => Vec::new(),
    };
    Some(Prediction { purpose, confidence, confident, evidence })
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

    /// The lists below are what `features` in scripts/kb/train-cookie-model.mjs gives for the
    /// same cookies (printed by Node and pasted here).
    #[test]
    fn features_match_the_training_script() {
        let list = |text: &str| text.split(' ').map(str::to_owned).collect::<Vec<_>>();
        let f = features("_fooVisitorId_2", Lifetime::Seconds(400 * DAY), Context::default());
        let expected = "c:digit f:1p g:^_f g:_2$ g:_fo g:d_2 g:foo g:id_ g:isi g:ito g:oov g:ori g:ovi g:rid g:sit \
                        g:tor g:vis l:year n:16 p:_foo u:_ w:# w:foo w:id w:visitor";
        assert_eq!(f, list(expected));
        let f = features("rlas3_csrfToken", Lifetime::Seconds(5 * DAY), Context::default());
        let expected = "c:digit f:1p g:3_c g:^rl g:_cs g:as3 g:csr g:en$ g:fto g:ken g:las g:oke g:rft g:rla g:s3_ \
                        g:srf g:tok k:security l:week n:16 p:rlas3 w:# w:csrf w:rlas w:token";
        assert_eq!(f, list(expected));
        let context = Context {
            third_party: true,
            similar: Some(CookiePurpose::Necessary),
            profile: Some(CookiePurpose::Advertising),
            ..Context::default()
        };
        assert_eq!(
            features("x", Lifetime::Session, context),
            list("d:advertising f:3p g:^x$ l:session n:3 p:x s:necessary w:x")
        );
    }

    #[test]
    fn a_lifetime_alone_predicts_nothing() {
        assert!(predict("", Lifetime::Seconds(400 * DAY), Context::default()).is_none());
        assert!(predict("qqzzxv", Lifetime::Seconds(400 * DAY), Context::default()).is_none());
    }

    #[test]
    fn a_sign_in_word_reads_necessary_and_visitor_words_tracking() {
        let login = predict("acme_login_state", Lifetime::Session, Context::default()).unwrap();
        assert_eq!((login.purpose, login.confident), (CookiePurpose::Necessary, true));
        // Campaign and visitor words, kept two years: tracking, and the evidence says why.
        let ga = predict("utm_visitor_id", Lifetime::Seconds(730 * DAY), Context::default()).unwrap();
        assert!(ga.purpose.is_tracking() && ga.confident, "{:?} {} {:?}", ga.purpose, ga.confidence, ga.evidence);
        assert!(!ga.evidence.is_empty());
    }
}
