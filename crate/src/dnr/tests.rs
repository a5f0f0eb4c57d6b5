use super::*;
use crate::filters::parse_list;
use serde_json::{json, Value};

fn filters(list: &str) -> Vec<NetworkFilter> {
    parse_list("test", list, 0).0
}

/// Compiles a list alone, one rule per filter.
fn rules_of(list: &str) -> DnrOutput {
    let filters = filters(list);
    let options = DnrOptions { merge_host_filters: false, ..DnrOptions::DYNAMIC };
    compile(&filters, &options)
}

/// The one rule a single filter becomes, as JSON.
fn one(line: &str) -> Value {
    let out = rules_of(line);
    assert_eq!(out.rules.len(), 1, "{line}: {:?}", out.report);
    serde_json::to_value(&out.rules[0]).unwrap()
}

fn skipped(line: &str) -> String {
    let out = rules_of(line);
    assert!(out.rules.is_empty(), "{line} became {:?}", out.rules);
    out.report.examples[0].reason.clone()
}

fn all_types() -> Value {
    json!([
        "main_frame",
        "sub_frame",
        "stylesheet",
        "script",
        "image",
        "font",
        "object",
        "xmlhttprequest",
        "ping",
        "csp_report",
        "media",
        "websocket",
        "webtransport",
        "webbundle",
        "other"
    ])
}

#[test]
fn host_and_path_filters_keep_their_url_filter() {
    assert_eq!(
        one("||tracker.example/pixel^$third-party"),
        json!({
            "id": 1, "priority": 1, "action": {"type": "block"},
            "condition": {"urlFilter": "||tracker.example/pixel^", "isUrlFilterCaseSensitive": false,
                          "domainType": "thirdParty"}
        })
    );
    assert_eq!(
        one("|https://ads.*/banner*.gif|"),
        json!({
            "id": 1, "priority": 1, "action": {"type": "block"},
            "condition": {"urlFilter": "|https://ads.*/banner*.gif|", "isUrlFilterCaseSensitive": false}
        })
    );
    // A plain host filter also blocks visits to the host, as in the engine.
    assert_eq!(
        one("||tracker.example^"),
        json!({
            "id": 1, "priority": 1, "action": {"type": "block"},
            "condition": {"urlFilter": "||tracker.example^", "isUrlFilterCaseSensitive": false,
                          "resourceTypes": all_types()}
        })
    );
    assert_eq!(one("/collect?tid=")["condition"]["urlFilter"], "/collect?tid=");
}

#[test]
fn options_become_condition_fields() {
    assert_eq!(
        one("/beacon.js$script,image,~third-party,domain=news.example|~sport.news.example"),
        json!({
            "id": 1, "priority": 1, "action": {"type": "block"},
            "condition": {
                "urlFilter": "/beacon.js", "isUrlFilterCaseSensitive": false,
                "initiatorDomains": ["news.example"], "excludedInitiatorDomains": ["sport.news.example"],
                "resourceTypes": ["script", "image"], "domainType": "firstParty"
            }
        })
    );
    // Excluded types: the shorter list; main_frame is named because an explicit list
    // replaces Chrome's default.
    assert_eq!(
        one("/ads/*$~xmlhttprequest,~ping")["condition"]["excludedResourceTypes"],
        json!(["main_frame", "xmlhttprequest", "ping"])
    );
    assert_eq!(
        one("/x.js$other")["condition"]["resourceTypes"],
        json!(["csp_report", "webtransport", "webbundle", "other"])
    );
    assert_eq!(one("||phish.example^$document")["condition"]["resourceTypes"], json!(["main_frame"]));
    assert_eq!(
        one("/Track.js$match-case")["condition"],
        json!({"urlFilter": "/Track.js", "isUrlFilterCaseSensitive": true})
    );
    assert_eq!(one("$ping,third-party")["condition"], json!({"resourceTypes": ["ping"], "domainType": "thirdParty"}));
}

#[test]
fn exceptions_outrank_blocks_and_important_outranks_exceptions() {
    let out = rules_of("||ads.example^\n@@||ads.example/ok.js\n||tracker.example^$important");
    let by_filter: Vec<(u32, ActionType, Option<&str>)> =
        out.rules.iter().map(|r| (r.priority, r.action.kind, r.condition.url_filter.as_deref())).collect();
    assert_eq!(
        by_filter,
        [
            (3, ActionType::Block, Some("||tracker.example^")),
            (2, ActionType::Allow, Some("||ads.example/ok.js")),
            (1, ActionType::Block, Some("||ads.example^")),
        ]
    );
    assert_eq!(serde_json::to_value(&out.rules[1]).unwrap()["action"], json!({"type": "allow"}));
    const { assert!(PRIORITY_EXCEPTION > PRIORITY_BLOCK && PRIORITY_IMPORTANT > PRIORITY_EXCEPTION) };
    let ids: Vec<u32> = out.rules.iter().map(|r| r.id).collect();
    assert_eq!(ids, [1, 2, 3]);
}

/// The conditions of every category, as `protection.rs` asks for them: what it refuses is `Err`.
fn category_rules(categories: &[Category]) -> Vec<RuleCondition> {
    categories.iter().flat_map(|&c| category_conditions(c).unwrap()).collect()
}

#[test]
fn an_entity_condition_lists_all_its_domains_and_spares_its_own_sites() {
    let conditions = entity_conditions("Meta").unwrap();
    assert_eq!(conditions.len(), 1);
    let condition = &conditions[0];
    let meta: Vec<&str> = knowledge::domains().iter().filter(|d| d.entity().name == "Meta").map(|d| d.domain).collect();
    assert!(meta.len() >= 10 && meta.contains(&"facebook.com") && meta.contains(&"fbcdn.net"));
    assert_eq!(condition.request_domains, meta);
    assert_eq!(condition.domain_type, Some(DomainType::ThirdParty));
    // Meta's own sites (and its homepage's, meta.com) may load Meta's domains.
    let spared = &condition.excluded_initiator_domains;
    assert!(meta.iter().all(|d| spared.contains(&d.to_string())) && spared.contains(&"meta.com".to_owned()));
    // No resource types: visiting facebook.com (main_frame) is never blocked.
    assert!(condition.resource_types.is_empty() && condition.excluded_resource_types.is_empty());
    // Names are matched as the settings store them, whatever their case and spaces.
    assert_eq!(entity_conditions(" meta "), Some(conditions));
    assert_eq!(entity_conditions("No Such Company"), None);
}

#[test]
fn an_entity_excludes_subdomains_the_knowledge_base_gives_elsewhere() {
    // Google's gstatic.com is content delivery but csi.gstatic.com analytics: blocking
    // analytics takes csi.gstatic.com alone.
    let analytics = category_rules(&[Category::Analytics]);
    assert!(analytics.iter().any(|c| c.request_domains.contains(&"csi.gstatic.com".to_owned())));
    assert!(analytics.iter().all(|c| !c.request_domains.contains(&"gstatic.com".to_owned())));
    // LinkedIn's social linkedin.com holds advertising ads.linkedin.com: blocking social
    // takes linkedin.com but excludes the subdomain the knowledge base files elsewhere.
    let social = category_rules(&[Category::Social]);
    let linkedin = social.iter().find(|c| c.request_domains.contains(&"linkedin.com".to_owned())).unwrap();
    assert!(linkedin.excluded_request_domains.contains(&"ads.linkedin.com".to_owned()));
}

#[test]
fn a_category_never_includes_cdn() {
    let tracking: Vec<Category> = Category::ALL.into_iter().filter(|c| c.is_tracking()).collect();
    let conditions = category_rules(&tracking);
    assert!(!conditions.is_empty());
    let blocked: Vec<&String> = conditions.iter().flat_map(|c| &c.request_domains).collect();
    for domain in &blocked {
        let record = knowledge::lookup(domain).unwrap();
        assert!(!record.categories.contains(&Category::Cdn), "{domain} is cdn");
        assert!(!record.categories.contains(&Category::Consent), "{domain}: consent was not asked for");
    }
    // A cdn entry under a blocked domain is excluded from it, so requests there still go.
    for cdn in knowledge::domains().iter().filter(|d| d.categories == [Category::Cdn]) {
        let covering = conditions
            .iter()
            .filter(|c| c.request_domains.iter().any(|d| d == cdn.domain || is_subdomain(cdn.domain, d)));
        for condition in covering {
            assert!(condition.excluded_request_domains.iter().any(|d| d == cdn.domain), "{}", cdn.domain);
        }
    }
    assert!(blocked.contains(&&"hotjar.com".to_owned()) && blocked.contains(&&"doubleclick.net".to_owned()));

    assert_eq!(category_conditions(Category::Cdn), Err(CATEGORY_CDN));
    let consent = category_rules(&[Category::Consent]);
    assert!(consent.iter().any(|c| c.request_domains.contains(&"cookielaw.org".to_owned())));
}

#[test]
fn looking_only_at_a_company_s_domains_changes_no_condition() {
    // The indexed walk (a company's domains and the entries under them) against the walk over
    // the whole knowledge base it replaced, for every company and every category's choice.
    let all = || 0..knowledge::domains().len();
    for entity in knowledge::entities() {
        let own = |r: &DomainRecord| r.entity().name == entity.name;
        assert_eq!(domain_layers(entity_candidates(entity.name), own), domain_layers(all(), own), "{}", entity.name);
        // Only the categories the company has: any other chooses nothing on both walks.
        let mut categories: Vec<Category> =
            knowledge::domains().iter().filter(|r| own(r)).flat_map(|r| r.categories.iter().copied()).collect();
        categories.sort_by_key(|c| c.as_str());
        categories.dedup();
        for category in categories {
            let chosen = |r: &DomainRecord| own(r) && r.categories.contains(&category);
            assert_eq!(
                domain_layers(entity_candidates(entity.name), chosen),
                domain_layers(all(), chosen),
                "{} {category:?}",
                entity.name
            );
        }
    }
}

#[test]
fn a_site_is_its_registrable_domain() {
    assert_eq!(site_domain("www.news.example"), Ok("news.example".to_owned()));
    assert_eq!(site_domain(" https://shop.example.co.uk/cart "), Ok("example.co.uk".to_owned()));
    assert_eq!(site_domain("[::1]"), Err(SITE_IPV6));
    assert_eq!(site_domain("bad host name"), Err(SITE_INVALID));
}

#[test]
fn host_filters_merge_into_request_domains() {
    let filters = filters(
        "||a.example^\n||b.example^$third-party\n||x.a.example^\n||c.example^\n||d.example^$third-party\n\
         ||a.example/path\n||e.example^$match-case",
    );
    let out = compile(&filters, &DnrOptions::DYNAMIC);
    let json: Vec<Value> = out.rules.iter().map(|r| serde_json::to_value(r).unwrap()).collect();
    assert_eq!(
        json[0]["condition"],
        json!({"requestDomains": ["a.example", "c.example"], "resourceTypes": all_types()})
    );
    assert_eq!(
        json[1]["condition"],
        json!({"requestDomains": ["b.example", "d.example"], "resourceTypes": all_types(), "domainType": "thirdParty"})
    );
    assert_eq!(json[2]["condition"]["urlFilter"], "||a.example/path");
    assert_eq!(json[3]["condition"]["urlFilter"], "||e.example^");
    assert_eq!(out.rules.len(), 4);
    assert_eq!(out.report.converted, 7);
}

#[test]
fn regex_filters_become_regex_rules_when_re2_can_take_them() {
    assert_eq!(
        one("/^https?:\\/\\/[a-z]+\\.example\\/ad[0-9]+\\.gif/$image"),
        json!({
            "id": 1, "priority": 1, "action": {"type": "block"},
            "condition": {"regexFilter": "^https?:\\/\\/[a-z]+\\.example\\/ad[0-9]+\\.gif",
                          "isUrlFilterCaseSensitive": false, "resourceTypes": ["image"]}
        })
    );
    assert_eq!(skipped("/[0-9a-f]{64}\\.js/"), REGEX_TOO_LARGE);
    assert_eq!(skipped("/a{2000}/"), REGEX_REPEAT);
    assert_eq!(skipped("/[a-z&&[^x]]+\\.js/"), REGEX_CLASS);
    assert_eq!(skipped("/(?x) ads /"), REGEX_FLAG);
    assert_eq!(skipped("/\\bads\\b{end}/"), REGEX_ESCAPE);
    assert_eq!(skipped("/\\u0041ds/"), REGEX_ESCAPE);
    assert!(check_regex("(?i:ad)[[:digit:]]+\\d{2}(?:a|b|c)", false).is_ok());
    assert!(check_regex("(?=x)", false).is_err() && check_regex("(?<!x)a", false).is_err());
}

#[test]
fn unexpressible_filters_are_counted_with_a_reason() {
    let list = "||*.tracker.example/x\n/ads.js$domain=google.*\n||trácker.example/x\n\
                /x.js$domain=~example.com|shop.example.com\n||ok.example/x\n/a|b.js\n/y.js$domain=~[::1]";
    let out = rules_of(list);
    assert_eq!(out.rules.len(), 2);
    assert_eq!(out.rules[1].condition.excluded_initiator_domains, ["[::1]"]);
    let reasons = &out.report.skipped_by_reason;
    assert_eq!(reasons[URL_HOST_WILDCARD], 1);
    assert_eq!(reasons[DOMAIN_ENTITY], 1);
    assert_eq!(reasons[URL_NOT_ASCII], 1);
    assert_eq!(reasons[DOMAIN_NESTED], 1);
    // `|` alone never reaches the converter: the list parser refuses it.
    assert_eq!(reasons[URL_INNER_PIPE], 1);
    assert_eq!(out.report.examples[0].line, Some(1));
    assert_eq!(out.report.examples[0].text, "||*.tracker.example/x");
    let skipped: usize = reasons.values().sum();
    assert_eq!(out.report.filters_in, out.report.converted + skipped + out.report.filters_dropped_for_limit);
}

#[test]
fn the_regex_limit_is_respected_and_reported() {
    let list: String = (0..1005).map(|i| format!("/ad{i}[0-9]+\\.gif/\n")).collect();
    let out = rules_of(&list);
    let regex_rules = out.rules.iter().filter(|r| r.condition.regex_filter.is_some()).count();
    assert_eq!(regex_rules, MAX_REGEX_RULES);
    assert_eq!(out.report.skipped_by_reason[REGEX_LIMIT], 5);
}

#[test]
fn the_rule_limit_is_respected_and_reported() {
    let list: String = (0..120).map(|i| format!("/path{i}/pixel.gif\n")).collect();
    let filters = filters(&format!("@@/path7/pixel.gif$domain=ok.example\n{list}"));
    let out = compile(&filters, &DnrOptions::with_limit(50));
    assert_eq!(out.rules.len(), 50);
    assert_eq!(out.report.dropped_for_limit, 121 - 50);
    assert_eq!(out.report.filters_dropped_for_limit, 121 - 50);
    // What survives: the exception first, then blocks in list order.
    assert_eq!(out.rules[0].action.kind, ActionType::Allow);
    assert_eq!(out.rules[1].condition.url_filter.as_deref(), Some("/path0/pixel.gif"));
    let ids: Vec<u32> = out.rules.iter().map(|r| r.id).collect();
    assert_eq!(ids, (1..=50).collect::<Vec<u32>>());
    assert_eq!(out.report.filters_in, out.report.converted + out.report.filters_dropped_for_limit);
    assert_eq!(DnrOptions::SESSION.max_rules, 5_000);
    assert_eq!(DnrOptions::STATIC.max_rules, 30_000);
}

#[test]
fn output_is_deterministic_and_duplicates_share_a_rule() {
    let list = "||b.example^\n/x.js$script\n||a.example^\n/x.js$script\n@@/ok.js";
    let first = rules_of(list);
    assert_eq!(first, rules_of(list));
    assert_eq!(first.rules.len(), 4);
    assert_eq!(first.report.converted, 5);
    let filters = filters(list);
    let merged = compile(&filters, &DnrOptions::DYNAMIC);
    assert_eq!(merged, compile(&filters, &DnrOptions::DYNAMIC));
    let json = serde_json::to_string(&merged.rules).unwrap();
    let back: Vec<Rule> = serde_json::from_str(&json).unwrap();
    assert_eq!(back, merged.rules);
}

#[test]
fn hostile_filters_never_panic() {
    let lines = [
        "/(/",
        "/[/",
        "/\\/",
        "/a{99999}/",
        "/[z-a]/",
        "/(?P<n/",
        "/\\x{110000}/",
        "/[[:bogus:]]/",
        "/\\Q/",
        "/a{,3}/",
        "/\\xZZ/",
        "/(?/",
        "|",
        "||",
        "*",
        "$domain=[::1]",
        "@@",
        "||^",
        "/[]/",
        "/[^]/",
    ];
    for line in lines {
        let _ = rules_of(line);
    }
    for source in ["(", "[", "\\", "a{", "a{2", "a{2,", "(?P<x", "[[:", "[a-", "\\x{", "(?i", "[\\"] {
        assert!(check_regex(source, false).is_err(), "{source}");
    }
}

/// Lines in the style of EasyPrivacy: host filters, paths with options, exceptions,
/// cosmetic lines (not network filters) and a regex.
#[test]
fn converts_easyprivacy_like_lines() {
    let list = "[Adblock Plus 2.0]\n! Title: EasyPrivacy sample\n\
        ||google-analytics.com^\n||hotjar.com^$third-party\n||doubleclick.net^\n\
        /analytics.js$script,domain=~news.example\n&utm_source=*&utm_medium=$image,ping\n\
        ||facebook.com/tr^$third-party\n||stats.example.com^$~third-party,xmlhttprequest\n\
        @@||google-analytics.com/analytics.js$script,domain=shop.example\n\
        @@||cdn.example.com/ga.js|\n/^https?:\\/\\/[a-z0-9]{8}\\.example\\.net\\/t\\.gif/$image\n\
        example.com##.tracking-pixel\n||pixel.example^$popup\n";
    let filters = filters(list);
    assert_eq!(filters.len(), 10);
    let out = compile(&filters, &DnrOptions::DYNAMIC);
    assert_eq!(out.report.converted, 10);
    assert!(out.report.skipped_by_reason.is_empty());
    let json = serde_json::to_value(&out.rules).unwrap();
    assert_eq!(
        json,
        json!([
            {"id": 1, "priority": 2, "action": {"type": "allow"},
             "condition": {"urlFilter": "||google-analytics.com/analytics.js", "isUrlFilterCaseSensitive": false,
                           "initiatorDomains": ["shop.example"], "resourceTypes": ["script"]}},
            {"id": 2, "priority": 2, "action": {"type": "allow"},
             "condition": {"urlFilter": "||cdn.example.com/ga.js|", "isUrlFilterCaseSensitive": false}},
            {"id": 3, "priority": 1, "action": {"type": "block"},
             "condition": {"requestDomains": ["doubleclick.net", "google-analytics.com"],
                           "resourceTypes": all_types()}},
            {"id": 4, "priority": 1, "action": {"type": "block"},
             "condition": {"requestDomains": ["hotjar.com"], "resourceTypes": all_types(),
                           "domainType": "thirdParty"}},
            {"id": 5, "priority": 1, "action": {"type": "block"},
             "condition": {"urlFilter": "/analytics.js", "isUrlFilterCaseSensitive": false,
                           "excludedInitiatorDomains": ["news.example"], "resourceTypes": ["script"]}},
            {"id": 6, "priority": 1, "action": {"type": "block"},
             "condition": {"urlFilter": "&utm_source=*&utm_medium=", "isUrlFilterCaseSensitive": false,
                           "resourceTypes": ["image", "ping"]}},
            {"id": 7, "priority": 1, "action": {"type": "block"},
             "condition": {"urlFilter": "||facebook.com/tr^", "isUrlFilterCaseSensitive": false,
                           "domainType": "thirdParty"}},
            {"id": 8, "priority": 1, "action": {"type": "block"},
             "condition": {"requestDomains": ["stats.example.com"], "resourceTypes": ["xmlhttprequest"],
                           "domainType": "firstParty"}},
            {"id": 9, "priority": 1, "action": {"type": "block"},
             "condition": {"regexFilter": "^https?:\\/\\/[a-z0-9]{8}\\.example\\.net\\/t\\.gif",
                           "isUrlFilterCaseSensitive": false, "resourceTypes": ["image"]}}
        ])
    );
}
