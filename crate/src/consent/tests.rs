//! Tests of the decoders against strings built from the specifications' field tables.

use super::bits::Bits;
use super::gpp::fibonacci_ranges;
use super::tcf::iso_datetime;
use super::*;

/// The demo site's OneTrust-style banner after "Accept all" and after "Reject all".
const ACCEPT_ALL: &str = "CQIpoVAQIpoVAAKABBENCWFgAP_gAH_gAAYgGMgAAAAAAAAAAAAAAIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAgAAAAAIGMgAAAAAAAAAAAAAAIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAgAAAAAIAA";
const REJECT_ALL: &str = "CQIpoVAQIpoVAAKABBENCWFgAAAAAAAAAAYgAAAAAAAA";

/// Writes fields MSB first and encodes them as base64url, to build test strings from the
/// specification's field tables.
#[derive(Default)]
struct BitWriter {
    bits: Vec<bool>,
}

impl BitWriter {
    fn int(&mut self, value: u64, width: u32) -> &mut Self {
        for shift in (0..width).rev() {
            self.bits.push(value >> shift & 1 == 1);
        }
        self
    }
    fn bit(&mut self, value: bool) -> &mut Self {
        self.bits.push(value);
        self
    }
    fn flags(&mut self, set: &[u16], count: u16) -> &mut Self {
        for id in 1..=count {
            self.bits.push(set.contains(&id));
        }
        self
    }
    fn letters(&mut self, code: &str) -> &mut Self {
        for b in code.bytes() {
            self.int(u64::from(b - b'A'), 6);
        }
        self
    }
    /// Fibonacci code: bits for F(1)=1, F(2)=2, F(3)=3, … then a closing 1.
    fn fibonacci(&mut self, mut value: u64) -> &mut Self {
        let mut fibs = vec![1u64, 2];
        while *fibs.last().unwrap() <= value {
            let n = fibs[fibs.len() - 1] + fibs[fibs.len() - 2];
            fibs.push(n);
        }
        let mut code = vec![false; fibs.len()];
        for i in (0..fibs.len()).rev() {
            if fibs[i] <= value {
                code[i] = true;
                value -= fibs[i];
            }
        }
        while code.last() == Some(&false) {
            code.pop();
        }
        self.bits.extend(code);
        self.bits.push(true);
        self
    }
    fn finish(&self) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        self.bits
            .chunks(6)
            .map(|chunk| {
                let value = (0..6).fold(0, |acc, i| acc << 1 | usize::from(chunk.get(i).copied().unwrap_or(false)));
                ALPHABET[value] as char
            })
            .collect()
    }
}

/// A core segment with the given vendor sections already written by `vendors`.
fn core(purposes: &[u16], vendors: impl FnOnce(&mut BitWriter)) -> String {
    let mut w = BitWriter::default();
    // 2023-11-15T00:00:00Z is 1,700,006,400 s.
    w.int(2, 6).int(17_000_064_000, 36).int(17_000_928_000, 36);
    w.int(28, 12).int(3, 12).int(1, 6).letters("FR").int(150, 12).int(5, 6);
    w.bit(false).bit(false).flags(&[1], 12).flags(purposes, 24).flags(&[2, 7], 24).bit(false).letters("DE");
    vendors(&mut w);
    w.finish()
}

#[test]
fn the_demo_accept_all_string_decodes() {
    let tc = decode_tc_string(ACCEPT_ALL).expect("decodes");
    assert_eq!(tc.header.version, 2);
    assert_eq!(tc.header.cmp_id, 10);
    assert_eq!(tc.header.vendor_list_version, 150);
    assert_eq!(tc.tcf_policy_version, 5);
    assert_eq!(tc.purposes_consent, (1..=11).collect::<Vec<u8>>());
    assert_eq!(tc.vendor_consents.ids.iter().collect::<Vec<_>>(), [91, 755, 793]);
    assert_eq!(tc.vendor_consents.encoding, VendorEncoding::BitField);
    assert!(tc.header.created.starts_with("20"), "{}", tc.header.created);
    assert_eq!(tc.header.consent_language.len(), 2);
    let summary = tc.summary();
    assert!(summary.starts_with("You allowed 3 vendors to store and access information on your device"), "{summary}");
    assert!(summary.contains("build an advertising profile"), "{summary}");
    assert_eq!(decode_consent(ACCEPT_ALL).unwrap(), ConsentSignal::Tcf(Box::new(tc)));
}

#[test]
fn the_demo_reject_all_string_decodes_to_nothing() {
    let tc = decode_tc_string(REJECT_ALL).expect("decodes");
    assert_eq!(
        (tc.header.version, tc.header.cmp_id, tc.header.vendor_list_version, tc.tcf_policy_version),
        (2, 10, 150, 5)
    );
    assert!(tc.purposes_consent.is_empty());
    assert!(tc.purposes_legitimate_interest.is_empty());
    assert!(tc.vendor_consents.ids.is_empty());
    assert!(tc.vendor_legitimate_interests.ids.is_empty());
    assert!(tc.special_feature_opt_ins.is_empty());
    assert_eq!(tc.summary(), "You did not consent to any vendor using your data.");
}

#[test]
fn every_core_field_is_read_from_its_place() {
    let text = core(&[1, 3, 4], |w| {
        w.int(6, 16).bit(false).flags(&[2, 6], 6); // consents: bit field
        w.int(0, 16).bit(false); // no legitimate interests
        w.int(0, 12); // no restrictions
    });
    let tc = decode_tc_string(&text).unwrap();
    assert_eq!(tc.header.created, "2023-11-15T00:00:00Z");
    assert_eq!(tc.header.last_updated, "2023-11-16T00:00:00Z");
    assert_eq!(tc.header.created_deciseconds, 17_000_064_000);
    assert_eq!((tc.header.cmp_id, tc.header.cmp_version, tc.header.consent_screen), (28, 3, 1));
    assert_eq!(tc.header.consent_language, "FR");
    assert_eq!((tc.header.vendor_list_version, tc.tcf_policy_version), (150, 5));
    assert!(!tc.is_service_specific && !tc.use_non_standard_texts && !tc.purpose_one_treatment);
    assert_eq!(tc.special_feature_opt_ins, [1]);
    assert_eq!(tc.purposes_consent, [1, 3, 4]);
    assert_eq!(tc.purposes_legitimate_interest, [2, 7]);
    assert_eq!(tc.publisher_country, "DE");
    assert_eq!(
        tc.vendor_consents,
        VendorSet {
            max_vendor_id: 6,
            encoding: VendorEncoding::BitField,
            ids: IdRanges::from_ranges(vec![(2, 2), (6, 6)])
        }
    );
    assert!(tc.vendor_legitimate_interests.ids.is_empty());
    assert!(tc.publisher_restrictions.is_empty());
    assert_eq!(
        tc.summary(),
        "You allowed 2 vendors to store and access information on your device, build an advertising profile \
         and show you ads based on it. You allowed the use of your precise location."
    );
}

#[test]
fn range_encoding_and_publisher_restrictions() {
    let text = core(&[1], |w| {
        // Consents as ranges: 3-5 and 9, overlapping 4-5 again.
        w.int(9, 16).bit(true).int(3, 12);
        w.bit(true).int(3, 16).int(5, 16).bit(false).int(9, 16).bit(true).int(4, 16).int(5, 16);
        // Legitimate interests as a bit field.
        w.int(3, 16).bit(false).flags(&[1, 3], 3);
        // Two restrictions: purpose 2 not allowed for 7-8, purpose 7 requires consent for 1.
        w.int(2, 12);
        w.int(2, 6).int(0, 2).int(1, 12).bit(true).int(7, 16).int(8, 16);
        w.int(7, 6).int(1, 2).int(1, 12).bit(false).int(1, 16);
    });
    let tc = decode_tc_string(&text).unwrap();
    assert_eq!(tc.vendor_consents.encoding, VendorEncoding::Range);
    assert_eq!(tc.vendor_consents.ids.ranges(), [(3, 5), (9, 9)]);
    assert!(tc.vendor_consents.contains(9) && !tc.vendor_consents.contains(6));
    assert_eq!(tc.vendor_legitimate_interests.ids.ranges(), [(1, 1), (3, 3)]);
    assert_eq!(
        tc.publisher_restrictions,
        [
            PublisherRestriction {
                purpose: 2,
                restriction: RestrictionType::NotAllowed,
                vendors: IdRanges::from_ranges(vec![(7, 8)])
            },
            PublisherRestriction {
                purpose: 7,
                restriction: RestrictionType::RequireConsent,
                vendors: IdRanges::from_ranges(vec![(1, 1)])
            },
        ]
    );
    assert!(tc.summary().contains("2 vendors may still use it for 2 purposes without asking"), "{}", tc.summary());
}

#[test]
fn optional_segments_are_decoded() {
    let text = core(&[1], |w| {
        w.int(0, 16).bit(false).int(0, 16).bit(false).int(0, 12);
    });
    let disclosed = BitWriter::default().int(1, 3).int(4, 16).bit(false).flags(&[1, 4], 4).finish();
    let allowed = BitWriter::default().int(2, 3).int(2, 16).bit(true).int(1, 12).bit(false).int(2, 16).finish();
    let publisher = BitWriter::default()
        .int(3, 3)
        .flags(&[1, 10], 24)
        .flags(&[8], 24)
        .int(2, 6)
        .flags(&[2], 2)
        .flags(&[1], 2)
        .finish();
    let tc = decode_tc_string(&format!("{text}.{disclosed}.{allowed}.{publisher}")).unwrap();
    assert_eq!(tc.disclosed_vendors.unwrap().ids.ranges(), [(1, 1), (4, 4)]);
    assert_eq!(tc.allowed_vendors.unwrap().ids.ranges(), [(2, 2)]);
    assert_eq!(
        tc.publisher_tc,
        Some(PublisherTc {
            purposes_consent: vec![1, 10],
            purposes_legitimate_interest: vec![8],
            custom_purposes_consent: vec![2],
            custom_purposes_legitimate_interest: vec![1],
        })
    );
    let unknown = BitWriter::default().int(5, 3).int(0, 16).finish();
    assert_eq!(decode_tc_string(&format!("{text}.{unknown}")), Err(ConsentError::UnknownSegment { segment_type: 5 }));
    assert_eq!(decode_tc_string(&format!("{text}.")), Err(ConsentError::Empty));
}

#[test]
fn malformed_strings_are_clear_errors() {
    assert_eq!(decode_tc_string(""), Err(ConsentError::Empty));
    assert_eq!(decode_tc_string("CQIp*VAQ"), Err(ConsentError::InvalidCharacter { position: 4, character: '*' }));
    assert_eq!(decode_tc_string("CQIpoVAQ"), Err(ConsentError::Truncated { field: "last updated" }));
    // Version 1 (`B…`) has another layout.
    assert_eq!(
        decode_tc_string("BOEFEAyOEFEAyAHABDENAI4AAAB9vABAASA"),
        Err(ConsentError::UnsupportedVersion { version: 1 })
    );
    // A range past the declared maximum, and a range that ends before it starts.
    let past_max = core(&[], |w| {
        w.int(5, 16).bit(true).int(1, 12).bit(true).int(2, 16).int(6, 16);
    });
    assert_eq!(
        decode_tc_string(&past_max),
        Err(ConsentError::InvalidRange { field: "vendor consents", start: 2, end: 6 })
    );
    let backwards = core(&[], |w| {
        w.int(9, 16).bit(true).int(1, 12).bit(true).int(8, 16).int(3, 16);
    });
    assert_eq!(
        decode_tc_string(&backwards),
        Err(ConsentError::InvalidRange { field: "vendor consents", start: 8, end: 3 })
    );
    let message = decode_tc_string("CQIpoVAQ").unwrap_err().to_string();
    assert_eq!(message, "the string ends before its last updated field");
}

#[test]
fn huge_claimed_ranges_stay_bounded() {
    // 4,095 ranges each claiming all 65,535 vendors: 20 kB of input, one 65,535-id answer.
    let text = core(&[1], |w| {
        w.int(65_535, 16).bit(true).int(4_095, 12);
        for _ in 0..4_095 {
            w.bit(true).int(1, 16).int(65_535, 16);
        }
        w.int(0, 16).bit(false).int(0, 12);
    });
    let tc = decode_tc_string(&text).unwrap();
    assert_eq!(tc.vendor_consents.ids.count(), 65_535);
    assert_eq!(tc.vendor_consents.ids.ranges(), [(1, 65_535)]);
}

#[test]
fn restrictions_stay_ranges_and_serialise_small() {
    // 100 restrictions each claiming every vendor: a few hundred bytes of JSON, not 6.5 M ids.
    let text = core(&[1], |w| {
        w.int(0, 16).bit(false).int(0, 16).bit(false).int(100, 12);
        for purpose in 0..100 {
            w.int(purpose % 11 + 1, 6).int(0, 2).int(1, 12).bit(true).int(1, 16).int(65_535, 16);
        }
    });
    let tc = decode_tc_string(&text).unwrap();
    assert_eq!(tc.publisher_restrictions.len(), 100);
    assert!(tc.publisher_restrictions.iter().all(|r| r.vendors.count() == 65_535));
    let json = serde_json::to_string(&tc).unwrap();
    assert!(json.len() < 16_000, "{} bytes", json.len());
    assert!(json.contains(r#""vendors":{"count":65535,"ranges":"1-65535"}"#), "{json}");
}

#[test]
fn a_bit_field_becomes_merged_ranges() {
    let text = core(&[1], |w| {
        w.int(10, 16).bit(false).flags(&[1, 2, 3, 5, 9, 10], 10);
        w.int(0, 16).bit(false).int(0, 12);
    });
    let ids = decode_tc_string(&text).unwrap().vendor_consents.ids;
    assert_eq!(ids.ranges(), [(1, 3), (5, 5), (9, 10)]);
    assert_eq!(ids.count(), 6);
    assert_eq!(ids.to_string(), "1-3,5,9-10");
    assert!(ids.contains(10) && ids.contains(5) && !ids.contains(4) && !ids.contains(11) && !ids.contains(0));
    assert_eq!(IdRanges::from_ranges(vec![(4, 6), (1, 3), (2, 2), (8, 9)]).ranges(), [(1, 6), (8, 9)]);
}

#[test]
fn every_truncation_of_the_demo_strings_is_an_error_or_a_value_never_a_panic() {
    for text in [ACCEPT_ALL, REJECT_ALL] {
        for end in 0..text.len() {
            let _ = decode_tc_string(&text[..end]);
            let _ = decode_consent(&text[..end]);
        }
    }
    // Cut inside the vendor bit field: an error naming it.
    assert_eq!(decode_tc_string(&ACCEPT_ALL[..40]), Err(ConsentError::Truncated { field: "vendor consents" }));
}

#[test]
fn us_privacy_strings() {
    let usp = decode_us_privacy("1YNN").unwrap();
    assert_eq!(
        usp,
        UsPrivacy { version: 1, notice_given: Some(true), opted_out_of_sale: Some(false), lspa_covered: Some(false) }
    );
    assert!(usp.summary().contains("did not opt out"));
    assert_eq!(decode_us_privacy("1yyn").unwrap().opted_out_of_sale, Some(true));
    assert_eq!(decode_us_privacy("1---").unwrap().opted_out_of_sale, None);
    assert!(decode_us_privacy("1YYY").unwrap().summary().starts_with("You opted out"));
    assert_eq!(decode_us_privacy(""), Err(ConsentError::Empty));
    for bad in ["1YN", "2YNN", "1YXN", "1YNNN", "1ÿN"] {
        assert!(matches!(decode_us_privacy(bad), Err(ConsentError::InvalidUsPrivacy { .. })), "{bad}");
    }
    assert_eq!(decode_consent("1YYN").unwrap(), ConsentSignal::UsPrivacy(decode_us_privacy("1YYN").unwrap()));
}

#[test]
fn gpp_header_section_ids() {
    // The specification's example header `DBACNY` lists sections 2 and 6.
    let gpp = decode_gpp(&format!("DBACNY~{REJECT_ALL}~1YNN")).unwrap();
    assert_eq!(gpp.version, 1);
    assert_eq!(gpp.section_ids.to_string(), "2,6");
    assert_eq!(gpp.sections[0].name, Some("tcfeuv2"));
    assert_eq!(gpp.sections[0].tcf.as_ref().unwrap().header.cmp_id, 10);
    assert_eq!(gpp.sections[1].us_privacy.unwrap().notice_given, Some(true));
    assert!(gpp.summary().contains("did not opt out"), "{}", gpp.summary());

    // Written by hand: ids 2, 3-6 (a range) and 8 → single 2, range +1..+3, single +2.
    let header = BitWriter::default()
        .int(3, 6)
        .int(1, 6)
        .int(3, 12)
        .bit(false)
        .fibonacci(2)
        .bit(true)
        .fibonacci(1)
        .fibonacci(3)
        .bit(false)
        .fibonacci(2)
        .finish();
    let gpp = decode_gpp(&format!("{header}~{ACCEPT_ALL}~x~y~z~w~BAAAAAAA")).unwrap();
    assert_eq!(gpp.section_ids.to_string(), "2-6,8");
    assert!(gpp.sections[4].error.as_deref().unwrap().contains("US Privacy"));
    assert_eq!(gpp.sections[5].name, Some("usca"));
    assert!(matches!(decode_consent(&format!("{header}~a")), Err(ConsentError::InvalidGpp { .. })));
    assert_eq!(decode_gpp("DBAB"), Err(ConsentError::Truncated { field: "GPP section ids" }));
    assert_eq!(decode_gpp("CQIp"), Err(ConsentError::InvalidField { field: "GPP header type", value: 2 }));
}

#[test]
fn fibonacci_codes_from_the_specification_examples() {
    // Range (Fibonacci) examples: {2} → 000000000001 0 011 and {2,3,4,5,6} → … 1 011 1011.
    for (bits, ids) in [("0000000000010011", vec![2u16]), ("00000000000110111011", vec![2, 3, 4, 5, 6])] {
        let mut w = BitWriter::default();
        for c in bits.chars() {
            w.bit(c == '1');
        }
        let mut reader = Bits::from_base64url(&w.finish()).unwrap();
        assert_eq!(fibonacci_ranges(&mut reader, "test").unwrap().iter().collect::<Vec<_>>(), ids);
    }
}

#[test]
fn dates_are_iso_8601_utc() {
    assert_eq!(iso_datetime(0), "1970-01-01T00:00:00Z");
    assert_eq!(iso_datetime(951_782_400), "2000-02-29T00:00:00Z");
    assert_eq!(iso_datetime(1_700_006_400 + 3_661), "2023-11-15T01:01:01Z");
    assert_eq!(iso_datetime((1u64 << 36) / 10), "2187-10-06T10:21:13Z");
}

#[test]
fn tcf_2_2_forbids_legitimate_interest_for_profiles() {
    // Policy version 5 with legitimate interest for purposes 2, 3, 4 and 6 (the builder's `core`
    // writes LI for 2 and 7; this one is written out).
    let mut w = BitWriter::default();
    w.int(2, 6).int(17_000_064_000, 36).int(17_000_928_000, 36);
    w.int(28, 12).int(3, 12).int(1, 6).letters("FR").int(150, 12).int(5, 6);
    w.bit(false).bit(false).flags(&[], 12).flags(&[1], 24).flags(&[2, 3, 4, 6], 24).bit(false).letters("DE");
    w.int(2, 16).bit(false).flags(&[1, 2], 2).int(2, 16).bit(false).flags(&[1, 2], 2);
    w.int(1, 12).int(4, 6).int(2, 2).int(1, 12).bit(false).int(1, 16);
    let tc = decode_tc_string(&w.finish()).unwrap();
    let rules: Vec<&str> = tc.policy_violations.iter().map(|v| v.rule).collect();
    assert_eq!(rules, ["li_personalised_ads", "li_personalised_content", "restriction_requires_forbidden_li"]);
    assert_eq!(
        tc.policy_violations[0].message,
        "this CMP claims legitimate interest for personalised ads (purpose 3 and 4), which TCF 2.2 forbids"
    );
    let summary = tc.summary();
    // Only purpose 2 is a claim the policy allows; the forbidden ones are named as such.
    assert!(summary.contains("2 vendors may still use it for 1 purpose without asking"), "{summary}");
    assert!(summary.contains("Warning: This CMP claims legitimate interest for personalised ads"), "{summary}");

    // The same claims under policy version 2 (TCF 2.0) break no rule.
    let mut old = w.bits.clone();
    for (i, bit) in [false, false, false, false, true, false].iter().enumerate() {
        old[6 + 36 + 36 + 12 + 12 + 6 + 12 + 12 + i] = *bit;
    }
    let tc = decode_tc_string(&BitWriter { bits: old }.finish()).unwrap();
    assert_eq!(tc.tcf_policy_version, 2);
    assert!(tc.policy_violations.is_empty(), "{:?}", tc.policy_violations);
    assert!(tc.summary().contains("for 4 purposes without asking"), "{}", tc.summary());
}

#[test]
fn legitimate_interest_for_purpose_one_is_never_allowed() {
    let mut w = BitWriter::default();
    w.int(2, 6).int(17_000_064_000, 36).int(17_000_928_000, 36);
    w.int(28, 12).int(3, 12).int(1, 6).letters("FR").int(150, 12).int(2, 6);
    w.bit(false).bit(false).flags(&[], 12).flags(&[1], 24).flags(&[1], 24).bit(false).letters("DE");
    w.int(0, 16).bit(false).int(0, 16).bit(false).int(1, 12).int(2, 6).int(3, 2).int(0, 12);
    let tc = decode_tc_string(&w.finish()).unwrap();
    let rules: Vec<&str> = tc.policy_violations.iter().map(|v| v.rule).collect();
    assert_eq!(rules, ["li_device_storage", "undefined_restriction_type"]);
}

#[test]
fn header_only_gpp_strings_decode() {
    let empty = decode_gpp("DBAA").unwrap();
    assert!(empty.header_only && empty.section_ids.is_empty() && empty.sections.is_empty());
    assert_eq!(empty.summary(), "The site stored an empty consent record.");
    let tcf = decode_gpp("DBABM").unwrap();
    assert!(tcf.header_only);
    assert_eq!(tcf.section_ids.to_string(), "2");
    assert_eq!(tcf.summary(), "The site stored a GPP header naming tcfeuv2 but no choice in it.");
    assert_eq!(decode_consent("DBABM").unwrap(), ConsentSignal::Gpp(tcf));
    // A header that lists sections and is followed by a different number is still an error.
    assert!(matches!(decode_gpp("DBABM~a~b"), Err(ConsentError::InvalidGpp { .. })));
}

#[test]
fn tcf_v1_strings_decode_and_are_obsolete() {
    // Written from the v1.1 field table: bit field of 5 vendors, 2 and 5 consented.
    let mut w = BitWriter::default();
    w.int(1, 6).int(15_100_000_000, 36).int(15_100_000_000, 36).int(7, 12).int(2, 12).int(3, 6);
    w.letters("EN").int(8, 12).flags(&[1, 2, 5], 24).int(5, 16).bit(false).flags(&[2, 5], 5);
    let tc = decode_tc_string_v1(&w.finish()).unwrap();
    assert!(tc.obsolete);
    assert_eq!(
        (tc.header.cmp_id, tc.header.cmp_version, tc.header.consent_screen, tc.header.vendor_list_version),
        (7, 2, 3, 8)
    );
    assert_eq!(tc.purposes_allowed, [1, 2, 5]);
    assert_eq!(tc.vendor_consents.ids.to_string(), "2,5");
    assert!(tc.summary().starts_with("This is an obsolete TCF v1 string"), "{}", tc.summary());
    // A range section with DefaultConsent set lists the vendors without consent.
    let mut w = BitWriter::default();
    w.int(1, 6).int(15_100_000_000, 36).int(15_100_000_000, 36).int(7, 12).int(2, 12).int(3, 6);
    w.letters("EN")
        .int(8, 12)
        .flags(&[1], 24)
        .int(10, 16)
        .bit(true)
        .bit(true)
        .int(1, 12)
        .bit(true)
        .int(3, 16)
        .int(4, 16);
    let text = w.finish();
    let ConsentSignal::TcfV1(tc) = decode_consent(&text).unwrap() else { panic!("not v1") };
    assert_eq!(tc.vendor_consents.ids.to_string(), "1-2,5-10");
    assert_eq!(decode_tc_string(&text), Err(ConsentError::UnsupportedVersion { version: 1 }));
}

#[test]
fn each_format_gets_its_own_error() {
    // US Privacy-looking strings get US Privacy errors, never a TC string error.
    for text in ["1YNNN", "1YXN", "1Y", "2YNN"] {
        assert!(matches!(decode_consent(text), Err(ConsentError::InvalidUsPrivacy { .. })), "{text}");
    }
    for text in ["hello", "{\"a\":1}", "true", "ZZZZ", "%7B%7D"] {
        assert_eq!(decode_consent(text), Err(ConsentError::UnknownFormat), "{text}");
    }
    assert_eq!(decode_consent("  "), Err(ConsentError::Empty));
    assert!(decode_consent("nope").unwrap_err().to_string().contains("TC strings start with C"));
}
