//! Classification: the table first, then the heuristics, with the evidence in one sentence.

use super::*;

/// Classifies a cookie seen on `page_url`, with the whole table.
pub fn classify_cookie(cookie: &Cookie<'_>, page_url: &str) -> CookieVerdict {
    classify_cookie_with(TableSet::All, cookie, page_url)
}

/// Classifies a localStorage or sessionStorage key written by `page_url`.
pub fn classify_storage(area: StorageArea, key: &str, value: &str, page_url: &str) -> CookieVerdict {
    let lifetime = match area {
        StorageArea::Local => Lifetime::UntilCleared,
        StorageArea::Session => Lifetime::Session,
    };
    let page_host = page_host(page_url);
    classify(TableSet::All, key, value, &page_host, lifetime, &page_host)
}

/// [`classify_cookie`] with a choice of table entries (for the evaluation).
pub fn classify_cookie_with(set: TableSet, cookie: &Cookie<'_>, page_url: &str) -> CookieVerdict {
    let page_host = page_host(page_url);
    let domain = cookie.domain.trim().trim_start_matches('.').trim_end_matches('.');
    let domain = if domain.is_empty() { Cow::Borrowed(page_host.as_str()) } else { lower(domain) };
    let lifetime = cookie.expires_in.map_or(Lifetime::Session, Lifetime::Seconds);
    classify(set, &cookie.name, &cookie.value, &domain, lifetime, &page_host)
}

pub(super) fn lower(text: &str) -> Cow<'_, str> {
    if text.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(text.to_ascii_lowercase())
    } else {
        Cow::Borrowed(text)
    }
}

pub(super) fn page_host(page_url: &str) -> String {
    NetworkUrl::parse(page_url).map(|u| u.host).unwrap_or_default()
}

pub(super) fn site(host: &str) -> &str {
    crate::public_suffix::domain(host).unwrap_or(host)
}

pub(super) fn classify(
    set: TableSet,
    name: &str,
    value: &str,
    domain: &str,
    lifetime: Lifetime,
    page_host: &str,
) -> CookieVerdict {
    let third_party = !domain.is_empty() && !page_host.is_empty() && site(domain) != site(page_host);
    let tracker = if domain.is_empty() { None } else { knowledge::lookup(domain) };
    let domain_entity = tracker.map(|record| record.entity());
    // `__Host-` and `__Secure-` only ask the browser for stricter rules; the rest is the name.
    let matched = lookup(name, domain, set).or_else(|| {
        let bare = name.strip_prefix("__Host-").or_else(|| name.strip_prefix("__Secure-"))?;
        lookup(bare, domain, set)
    });
    let shape = value_shape(value);
    let mut heuristics = Vec::new();

    if let Some(found) = matched {
        let entity = found.entity.or(domain_entity);
        let vendor = found.vendor.or(entity.map(|e| e.name));
        let source = match found.source {
            TableSource::OpenCookieDatabase => "the Open Cookie Database",
            TableSource::Tracklens => "TrackLens's vendor notes",
        };
        let whose = vendor.map_or(String::new(), |v| format!("{v}'s "));
        let mut reason = format!("`{name}` matches {} in {source}, {whose}{} cookie", found.describe(), found.purpose);
        // The table says what the name is used for; the value may still say this instance is
        // not (an opt-out marker), or is (a long-lived random value the table did not flag).
        let mut identifier = found.identifier;
        if found.identifier && !value.is_empty() && shape.is_none() && value.len() < 8 {
            identifier = false;
            reason.push_str(", which holds an identifier, but this value is too short to identify anyone");
        } else if found.identifier {
            reason.push_str(" that holds a persistent identifier");
        } else if let Some(shape) = shape.filter(|_| lifetime.long_lived()) {
            identifier = true;
            heuristics.extend([shape, Heuristic::LongLived]);
            reason.push_str(&format!(
                "; {} and {}, so it is likely an identifier",
                shape_words(shape),
                lifetime.describe()
            ));
        }
        reason.push('.');
        return CookieVerdict {
            name: name.to_owned(),
            purpose: found.purpose,
            vendor,
            entity,
            identifier,
            third_party,
            matched: Some(found),
            heuristics,
            reason,
        };
    }

    // Unknown name. A security, consent, sign-in or preference word in the name settles it (a
    // tracker's own login cookie is a login cookie). Otherwise the learned model weighs the
    // name's words and letters with what the table says of names of the same family and of the
    // domain's other cookies, the domain owner's purposes and the lifetime, and answers only
    // when cross-validation says it is usually right at that confidence. When it does not, other
    // words in the name (on a domain the knowledge base gives no purpose); else unknown.
    let keyword = keyword_purpose(name);
    let strong = keyword.filter(|&(purpose, word)| {
        matches!(purpose, CookiePurpose::Security | CookiePurpose::Necessary | CookiePurpose::Preferences)
            && word_is_strong(word)
    });
    let from_domain = tracker.and_then(|record| category_purpose(record.categories));
    let mut clauses: Vec<String> = Vec::new();
    let mut vendor = domain_entity.map(|e| e.name);
    let mut entity = domain_entity;
    // The table's clues for the model, looked up only when the name does not settle it.
    let similar = strong.is_none().then(|| similar_name(name, domain, set)).flatten();
    let profile = (strong.is_none() && !domain.is_empty()).then(|| domain_profile(domain, set)).flatten();
    let context = model::Context {
        tracker,
        third_party,
        similar: similar.as_ref().map(|(_, m)| m.purpose),
        profile: profile.map(|p| p.purpose),
    };
    let prediction = if strong.is_some() { None } else { model::predict(name, lifetime, context) };
    if let Some(unsure) = prediction.as_ref().filter(|p| !p.confident) {
        clauses.push(format!(
            "a model learned from the Open Cookie Database leans to {} but is only {:.0}% sure, too little to \
             tell",
            unsure.purpose,
            unsure.confidence * 100.0
        ));
    }
    let purpose = if let Some((purpose, word)) = strong {
        heuristics.push(Heuristic::NameKeyword);
        clauses.push(format!("its name contains `{word}`, so {purpose}"));
        purpose
    } else if let Some(prediction) = prediction.filter(|p| p.confident) {
        heuristics.push(Heuristic::LearnedModel);
        let evidence: Vec<String> =
            prediction.evidence.iter().map(|f| model::describe(f, similar.as_ref().map(|(_, m)| m), profile)).collect();
        clauses.push(format!(
            "a model learned from the Open Cookie Database reads {} as {} ({:.0}% sure)",
            join_words(&evidence),
            prediction.purpose,
            prediction.confidence * 100.0
        ));
        // The vendor of the table entry the verdict agrees with: the name's family, else the domain's.
        if let Some((_, m)) = similar.as_ref().filter(|(_, m)| m.purpose == prediction.purpose) {
            heuristics.push(Heuristic::SimilarName);
            vendor = m.vendor.or(vendor);
            entity = m.entity.or(entity);
        } else if let Some(p) = profile.filter(|p| p.purpose == prediction.purpose) {
            heuristics.push(Heuristic::CookieDomainProfile);
            let owner = VENDORS.get(p.vendor);
            vendor = owner.map(|v| v.name).or(vendor);
            entity = owner.and_then(|v| v.entity).map(|i| &knowledge::entities()[i]).or(entity);
        }
        prediction.purpose
    } else if let Some((purpose, word)) = keyword.filter(|_| from_domain.is_none()) {
        heuristics.push(Heuristic::NameKeyword);
        clauses.push(format!("its name contains `{word}`, so {purpose}"));
        purpose
    } else {
        // The domain's owner alone does not tell: in cross-validation on the training part, a
        // tracker domain's purpose was right about tracking for only 99 of the 166 cookies the
        // model was unsure of (its logins, load balancers, opt-outs), so the cookie's company is
        // named but its purpose is not guessed.
        if let Some(record) = tracker.filter(|_| from_domain.is_some()) {
            clauses.push(format!(
                "it is set on {}, a domain of {} used for {}, but that alone does not tell this cookie's purpose",
                record.domain,
                record.entity().name,
                record.categories.iter().map(|c| c.as_str().replace('_', " ")).collect::<Vec<_>>().join(" and ")
            ));
        }
        CookiePurpose::Unknown
    };
    if tracker.is_some() && !heuristics.contains(&Heuristic::KnownTrackerDomain) {
        heuristics.push(Heuristic::KnownTrackerDomain);
    }
    let tracking_domain = tracker.is_some_and(|r| r.categories.iter().any(|c| c.is_tracking()));
    let identifier = match shape {
        Some(shape) => {
            let persistent = lifetime.long_lived() || (tracking_domain && lifetime.at_least_a_day());
            heuristics.push(shape);
            if lifetime.long_lived() {
                heuristics.push(Heuristic::LongLived);
            }
            let verdict = if persistent { "so it is likely a persistent identifier" } else { "but it is short-lived" };
            clauses.push(format!("{} and {}, {verdict}", shape_words(shape), lifetime.describe()));
            persistent
        }
        None if value.is_empty() && tracking_domain && lifetime.long_lived() => {
            heuristics.push(Heuristic::LongLived);
            clauses.push(format!(
                "its value was not seen, but {} on a tracker's domain, so it is likely a persistent identifier",
                lifetime.describe()
            ));
            true
        }
        None => {
            if lifetime.long_lived() {
                heuristics.push(Heuristic::LongLived);
            }
            if !value.is_empty() {
                clauses.push(format!("its value does not look like an identifier and {}", lifetime.describe()));
            }
            false
        }
    };
    let reason = if clauses.is_empty() {
        format!("`{name}` is not in the cookie table and nothing in its name, domain or value tells its purpose.")
    } else {
        format!("`{name}` is not in the cookie table; {}.", clauses.join("; "))
    };
    CookieVerdict {
        name: name.to_owned(),
        purpose,
        vendor,
        entity,
        identifier,
        third_party,
        matched: None,
        heuristics,
        reason,
    }
}

/// Security, consent and preference words that outweigh what the domain's owner does in general
/// (a tracker's own CSRF token is still a CSRF token, its sign-in cookie a sign-in, its language
/// cookie a language setting); session and cart words do not (analytics scripts count "sessions").
pub(super) fn word_is_strong(word: &str) -> bool {
    !matches!(word, "sess" | "session" | "sessid" | "sessionid" | "cart" | "basket" | "checkout" | "bot")
}

/// "a, b and c".
fn join_words(items: &[String]) -> String {
    match items {
        [] => "its features".to_owned(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}
