//! What a page is about: whether it touches a sensitive category of personal data, and which
//! general interest topics it belongs to, decided from the page's own signals.
//!
//! Personalised advertising becomes intrusion when the page itself reveals something sensitive
//! (an HIV self-test, a debt-relief form, a church, a political party): an ad pixel there tells
//! its company that *you* looked at it. The categories below are the ones the law singles out:
//!
//! | Category | Legal source |
//! |---|---|
//! | health (incl. mental, sexual and reproductive health, addiction, disability) | GDPR Art. 9(1) "data concerning health"; Washington My Health My Data Act (RCW 19.373, "consumer health data", incl. reproductive and gender-affirming care); CCPA §1798.140(ae) "health"; FTC v. GoodRx (2023), FTC v. BetterHelp (2023), FTC v. Flo Health (2021) |
//! | sexual orientation or sex life | GDPR Art. 9(1); CCPA §1798.140(ae) "sex life or sexual orientation" |
//! | religion or belief | GDPR Art. 9(1) "religious or philosophical beliefs"; CCPA §1798.140(ae) |
//! | political opinions | GDPR Art. 9(1) |
//! | ethnic origin | GDPR Art. 9(1) "racial or ethnic origin"; CCPA §1798.140(ae) |
//! | trade-union membership | GDPR Art. 9(1); CCPA §1798.140(ae) "union membership" |
//! | financial distress (debt, loans, gambling) | CCPA §1798.140(ae) "account … and financial" data; FTC Act §5 unfair targeting of distressed borrowers (e.g. FTC v. CompuCredit); EU AI Act/DSA recital on exploiting vulnerabilities |
//! | children as the audience | GDPR Art. 8 and recital 38; COPPA (15 U.S.C. 6501); DSA Art. 28 (no profiling-based ads to minors) |
//! | immigration status / precise location, where the page is about it | CCPA §1798.140(ae) "citizenship or immigration status", "precise geolocation"; Washington MHMDA (geofencing of health facilities) |
//!
//! Topics are the tier-1 names of the IAB Tech Lab Content Taxonomy 3.0 (published under
//! CC BY 3.0), for the profile of interests a company could build.
//!
//! The model is linear and small: each lexicon term (data files under `crate/data/context/`, in
//! English, German, French and Spanish, compiled at build time) adds its weight to a label,
//! multiplied by how telling the place is where it was found (the title says more than a word in
//! the body text). Precision comes first: a page is called sensitive only when the score passes
//! a threshold *and* part of it comes from a signal the page chose to describe itself with
//! (address, title, description, headings or schema.org type), never from body text alone.
//! Every decision carries its evidence.

mod lexicon;
pub mod received;
pub mod signals;
mod words;

use serde::Serialize;

pub use received::{what_companies_received, CompanyRequests, Received, SentRequest};
pub use signals::{PageSignals, MAX_TEXT};

/// A category of sensitive personal data (see the module documentation for the legal sources).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Sensitive {
    Health,
    Sexuality,
    Religion,
    Politics,
    Ethnicity,
    TradeUnion,
    FinancialDistress,
    Children,
    Immigration,
}

impl Sensitive {
    pub const ALL: [Sensitive; 9] = [
        Sensitive::Health,
        Sensitive::Sexuality,
        Sensitive::Religion,
        Sensitive::Politics,
        Sensitive::Ethnicity,
        Sensitive::TradeUnion,
        Sensitive::FinancialDistress,
        Sensitive::Children,
        Sensitive::Immigration,
    ];

    /// The wire name, as in JSON and in the lexicon files.
    pub fn as_str(self) -> &'static str {
        match self {
            Sensitive::Health => "health",
            Sensitive::Sexuality => "sexuality",
            Sensitive::Religion => "religion",
            Sensitive::Politics => "politics",
            Sensitive::Ethnicity => "ethnicity",
            Sensitive::TradeUnion => "trade_union",
            Sensitive::FinancialDistress => "financial_distress",
            Sensitive::Children => "children",
            Sensitive::Immigration => "immigration",
        }
    }

    pub fn from_name(name: &str) -> Option<Sensitive> {
        Sensitive::ALL.into_iter().find(|s| s.as_str() == name)
    }

    /// What the user reads: "a page about health".
    pub fn label(self) -> &'static str {
        match self {
            Sensitive::Health => "health (physical, mental, sexual or reproductive)",
            Sensitive::Sexuality => "sexual orientation or sex life",
            Sensitive::Religion => "religion or belief",
            Sensitive::Politics => "political opinions",
            Sensitive::Ethnicity => "ethnic origin",
            Sensitive::TradeUnion => "trade-union membership",
            Sensitive::FinancialDistress => "financial distress (debt, loans, gambling)",
            Sensitive::Children => "children as the audience",
            Sensitive::Immigration => "immigration status",
        }
    }

    /// The general topic a sensitive page also counts towards.
    fn topic(self) -> Option<Topic> {
        match self {
            Sensitive::Health => Some(Topic::MedicalHealth),
            Sensitive::Religion => Some(Topic::ReligionSpirituality),
            Sensitive::Politics | Sensitive::TradeUnion | Sensitive::Immigration => Some(Topic::NewsPolitics),
            Sensitive::FinancialDistress => Some(Topic::PersonalFinance),
            Sensitive::Sexuality => Some(Topic::FamilyRelationships),
            Sensitive::Children => Some(Topic::FamilyRelationships),
            Sensitive::Ethnicity => None,
        }
    }
}

/// Tier-1 categories of the IAB Tech Lab Content Taxonomy 3.0 (the ones the lexicon knows).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Topic {
    Automotive,
    BooksLiterature,
    BusinessFinance,
    Careers,
    Education,
    FamilyRelationships,
    FineArt,
    FoodDrink,
    HealthyLiving,
    HobbiesInterests,
    HomeGarden,
    MedicalHealth,
    Movies,
    MusicAudio,
    NewsPolitics,
    PersonalFinance,
    Pets,
    RealEstate,
    ReligionSpirituality,
    Science,
    Shopping,
    Sports,
    StyleFashion,
    TechnologyComputing,
    Television,
    Travel,
    VideoGaming,
}

impl Topic {
    /// The IAB tier-1 name, as published.
    pub fn as_str(self) -> &'static str {
        match self {
            Topic::Automotive => "Automotive",
            Topic::BooksLiterature => "Books and Literature",
            Topic::BusinessFinance => "Business and Finance",
            Topic::Careers => "Careers",
            Topic::Education => "Education",
            Topic::FamilyRelationships => "Family and Relationships",
            Topic::FineArt => "Fine Art",
            Topic::FoodDrink => "Food & Drink",
            Topic::HealthyLiving => "Healthy Living",
            Topic::HobbiesInterests => "Hobbies & Interests",
            Topic::HomeGarden => "Home & Garden",
            Topic::MedicalHealth => "Medical Health",
            Topic::Movies => "Movies",
            Topic::MusicAudio => "Music and Audio",
            Topic::NewsPolitics => "News and Politics",
            Topic::PersonalFinance => "Personal Finance",
            Topic::Pets => "Pets",
            Topic::RealEstate => "Real Estate",
            Topic::ReligionSpirituality => "Religion & Spirituality",
            Topic::Science => "Science",
            Topic::Shopping => "Shopping",
            Topic::Sports => "Sports",
            Topic::StyleFashion => "Style & Fashion",
            Topic::TechnologyComputing => "Technology & Computing",
            Topic::Television => "Television",
            Topic::Travel => "Travel",
            Topic::VideoGaming => "Video Gaming",
        }
    }
}

/// What a lexicon term or schema.org type speaks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    Sensitive(Sensitive),
    Topic(Topic),
}

/// Where on the page a signal was found, and how much it says about what the page is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Host,
    Path,
    Title,
    Description,
    Keywords,
    Heading,
    Schema,
    Text,
}

impl Field {
    fn factor(self) -> f32 {
        match self {
            Field::Title => 2.0,
            Field::Host | Field::Description | Field::Heading => 1.5,
            Field::Path | Field::Schema => 1.0,
            Field::Keywords => 0.75,
            Field::Text => 0.5,
        }
    }

    fn phrase(self) -> &'static str {
        match self {
            Field::Host => "site name contains",
            Field::Path => "address contains",
            Field::Title => "title contains",
            Field::Description => "description contains",
            Field::Keywords => "keywords contain",
            Field::Heading => "a heading contains",
            Field::Schema => "schema.org type",
            Field::Text => "page text contains",
        }
    }
}

/// One signal behind a decision: "title contains 'HIV self-test'".
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    pub field: Field,
    /// The lexicon term or schema.org type, as written in the data (compiled in: no copy per find).
    pub term: &'static str,
    /// What it added to the score (negative: spoke against).
    pub weight: f32,
}

impl Evidence {
    pub fn describe(&self) -> String {
        match self.field {
            Field::Schema => format!("schema.org {}", self.term),
            field => format!("{} '{}'", field.phrase(), self.term),
        }
    }
}

/// A sensitive category the page is about.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SensitiveFinding {
    pub category: Sensitive,
    pub score: f32,
    /// Strongest first, at most [`MAX_EVIDENCE`].
    pub evidence: Vec<Evidence>,
}

/// A general topic of the page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TopicFinding {
    pub topic: Topic,
    pub score: f32,
    pub evidence: Vec<Evidence>,
}

/// What the page is about.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PageContext {
    /// Sensitive categories, strongest first; empty for an ordinary page.
    pub sensitive: Vec<SensitiveFinding>,
    /// At most [`MAX_TOPICS`], strongest first.
    pub topics: Vec<TopicFinding>,
}

impl PageContext {
    pub fn is_sensitive(&self) -> bool {
        !self.sensitive.is_empty()
    }

    /// The strongest sensitive category, if any.
    pub fn category(&self) -> Option<Sensitive> {
        self.sensitive.first().map(|f| f.category)
    }

    /// "title contains 'HIV self-test'; schema.org MedicalWebPage" for the strongest category.
    pub fn evidence_line(&self) -> String {
        self.sensitive
            .first()
            .map(|f| f.evidence.iter().map(Evidence::describe).collect::<Vec<_>>().join("; "))
            .unwrap_or_default()
    }
}

/// A sensitive score must reach this, with at least [`SELF_DESCRIBED`] of it from the page's
/// address, title, description, keywords, headings or schema.org type.
pub const SENSITIVE_THRESHOLD: f32 = 7.0;
pub const SELF_DESCRIBED: f32 = 4.0;
/// Body text adds at most this much to one label: a long article that mentions a disease in
/// passing is not a health page.
const TEXT_CAP: f32 = 6.0;
pub const TOPIC_THRESHOLD: f32 = 4.0;
pub const MAX_TOPICS: usize = 3;
pub const MAX_EVIDENCE: usize = 4;

#[derive(Default, Clone)]
struct Score {
    total: f32,
    text: f32,
    evidence: Vec<Evidence>,
}

impl Score {
    fn add(&mut self, field: Field, term: &'static str, weight: f32) {
        if field == Field::Text {
            let room = (TEXT_CAP - self.text).max(0.0);
            let weight = if weight > 0.0 { weight.min(room) } else { weight };
            if weight == 0.0 {
                return;
            }
            self.text += weight;
            self.total += weight;
        } else {
            self.total += weight;
        }
        self.evidence.push(Evidence { field, term, weight });
    }

    fn self_described(&self) -> f32 {
        self.evidence.iter().filter(|e| e.field != Field::Text).map(|e| e.weight).sum()
    }

    /// The strongest signals, each term once (its strongest place), and no term that a kept
    /// longer term already contains ('hiv' beside 'hiv self-test').
    fn top_evidence(mut self) -> Vec<Evidence> {
        self.evidence.retain(|e| e.weight > 0.0);
        self.evidence.sort_by(|a, b| {
            b.weight.total_cmp(&a.weight).then(b.term.len().cmp(&a.term.len())).then(a.field.cmp(&b.field))
        });
        let mut kept: Vec<Evidence> = Vec::new();
        let mut kept_lower: Vec<String> = Vec::new();
        for evidence in self.evidence {
            if kept.len() == MAX_EVIDENCE {
                break;
            }
            let term = evidence.term.to_lowercase();
            if !kept_lower.iter().any(|k| k.contains(&term)) {
                kept_lower.push(term);
                kept.push(evidence);
            }
        }
        kept
    }
}

/// Decides what the page is about from its signals.
///
/// ```
/// use tracklens::context::{classify_page, PageSignals, Sensitive};
/// let page = PageSignals {
///     url: "https://pharmacy.example/products/oraquick-hiv-self-test".into(),
///     title: "OraQuick HIV Self-Test – buy online".into(),
///     ..PageSignals::default()
/// };
/// let context = classify_page(&page);
/// assert_eq!(context.category(), Some(Sensitive::Health));
/// assert!(context.evidence_line().contains("title contains 'hiv self-test'"));
/// ```
pub fn classify_page(page: &PageSignals) -> PageContext {
    let mut sensitive: Vec<(Sensitive, Score)> = Vec::new();
    let mut topics: Vec<(Topic, Score)> = Vec::new();
    lexicon::scan(page, |field, term, target, weight| {
        let weight = weight * field.factor();
        match target {
            Target::Sensitive(s) => slot(&mut sensitive, s).add(field, term, weight),
            Target::Topic(t) => slot(&mut topics, t).add(field, term, weight),
        }
    });

    let mut found: Vec<SensitiveFinding> = Vec::new();
    for (category, score) in sensitive {
        if score.total >= SENSITIVE_THRESHOLD && score.self_described() >= SELF_DESCRIBED {
            found.push(SensitiveFinding { category, score: score.total, evidence: score.clone().top_evidence() });
        }
        // A sensitive page is also evidence for its general topic, sensitive or not.
        if let Some(topic) = category.topic() {
            if score.total > 0.0 {
                let into = slot(&mut topics, topic);
                into.total += score.total;
                into.text += score.text;
                into.evidence.extend(score.evidence);
            }
        }
    }
    found.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.category.cmp(&b.category)));

    let mut topic_found: Vec<TopicFinding> = topics
        .into_iter()
        .filter(|(_, s)| s.total >= TOPIC_THRESHOLD && s.self_described() > 0.0)
        .map(|(topic, score)| TopicFinding { topic, score: score.total, evidence: score.top_evidence() })
        .collect();
    topic_found.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.topic.cmp(&b.topic)));
    topic_found.truncate(MAX_TOPICS);
    PageContext { sensitive: found, topics: topic_found }
}

/// The lexicon's terms as written in the data files (for the benchmark's naive peer).
pub fn lexicon_terms() -> impl Iterator<Item = &'static str> {
    lexicon::terms()
}

fn slot<K: PartialEq + Copy>(scores: &mut Vec<(K, Score)>, key: K) -> &mut Score {
    let at = match scores.iter().position(|(k, _)| *k == key) {
        Some(at) => at,
        None => {
            scores.push((key, Score::default()));
            scores.len() - 1
        }
    };
    &mut scores[at].1
}

#[cfg(test)]
mod tests;
