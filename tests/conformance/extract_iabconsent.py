#!/usr/bin/env python3
"""Reads LiveRamp/iabconsent's TCF v2 fixtures (v2_parsed_consent_fixture_test.go, a bare git
mirror) and writes each string with the values the fixture asserts: tests/conformance/iabconsent.json.

    python3 tests/conformance/extract_iabconsent.py /path/to/iabconsent.git > tests/conformance/iabconsent.json
"""
import json, re, sys
from mirror import Mirror, ranges

mirror = Mirror(sys.argv[1])
commit = mirror.commit()
PATH = "v2_parsed_consent_fixture_test.go"
text = mirror.show(PATH)

def block(s, start):
    """The text between the brace at `start` and its match."""
    depth = 0
    for i in range(start, len(s)):
        if s[i] == "{": depth += 1
        elif s[i] == "}":
            depth -= 1
            if depth == 0: return s[start + 1:i]
    raise ValueError

def top_fields(body):
    """Field name -> raw value, for the fields at depth 0 of a struct literal."""
    out = {}; i = 0
    while i < len(body):
        m = re.compile(r"\s*(\w+):\s*").match(body, i)
        if not m:
            i += 1; continue
        name = m.group(1); j = m.end()
        k = j
        while k < len(body) and body[k] not in "{,\n": k += 1
        if k < len(body) and body[k] == "{":
            inner = block(body, k); end = k + len(inner) + 2
            out[name] = body[j:end]; i = end
        else:
            out[name] = body[j:k].strip(); i = k + 1
    return out


def id_map(raw): return [int(k) for k, v in re.findall(r"(\d+):\s*(true|false)", raw) if v == "true"]
def range_list(raw):
    out = []
    for a, b in re.findall(r"StartVendorID:\s*(\d+),\s*EndVendorID:\s*(\d+)", raw): out.extend(range(int(a), int(b) + 1))
    return out

KINDS = {"PurposeFlatlyNotAllowed": "not_allowed", "RequireConsent": "require_consent", "RequireLegitimateInterest": "require_legitimate_interest"}
cases = []
for m in re.finditer(r'\n\t"([A-Za-z0-9_.-]+)": \{', text):
    line = text[:m.start()].count("\n") + 2
    f = top_fields(block(text, m.end() - 1))
    checks = []
    simple = {"Version": "/version", "CMPID": "/cmp_id", "CMPVersion": "/cmp_version", "ConsentScreen": "/consent_screen",
              "ConsentLanguage": "/consent_language", "VendorListVersion": "/vendor_list_version", "TCFPolicyVersion": "/tcf_policy_version",
              "IsServiceSpecific": "/is_service_specific", "UseNonStandardStacks": "/use_non_standard_texts",
              "PurposeOneTreatment": "/purpose_one_treatment", "PublisherCC": "/publisher_country",
              "MaxConsentVendorID": "/vendor_consents/max_vendor_id", "MaxInterestsVendorID": "/vendor_legitimate_interests/max_vendor_id"}
    for name, at in simple.items():
        if name in f: checks.append({"at": at, "is": json.loads(f[name])})
    for name, at in {"SpecialFeaturesOptIn": "/special_feature_opt_ins", "PurposesConsent": "/purposes_consent", "PurposesLITransparency": "/purposes_legitimate_interest"}.items():
        if name in f: checks.append({"at": at, "is": sorted(id_map(f[name]))})
    for prefix, at in (("Consent", "/vendor_consents/ids/ranges"), ("Interests", "/vendor_legitimate_interests/ids/ranges")):
        is_range = f.get(f"Is{prefix}RangeEncoding") == "true"
        raw = f.get("ConsentedVendorsRange" if prefix == "Consent" else "InterestsVendorsRange", "") if is_range else f.get("ConsentedVendors" if prefix == "Consent" else "InterestsVendors", "")
        ids = range_list(raw) if is_range else id_map(raw)
        checks.append({"at": at, "is": ranges(ids)})
    restrictions = re.split(r"PurposeID:", f.get("PubRestrictionEntries", ""))[1:]
    for index, r in enumerate(restrictions):
        purpose = int(re.match(r"\s*(\d+)", r).group(1))
        kind = KINDS[re.search(r"RestrictionType:\s*iabconsent\.(\w+)", r).group(1)]
        checks.append({"at": f"/publisher_restrictions/{index}/purpose", "is": purpose})
        checks.append({"at": f"/publisher_restrictions/{index}/restriction", "is": kind})
        checks.append({"at": f"/publisher_restrictions/{index}/vendors/ranges", "is": ranges(range_list(r))})
    cases.append({"string": m.group(1), "source": f"{PATH}:{line}", "decoder": "tcf2", "error": False, "checks": checks})

json.dump({"suite": "LiveRamp/iabconsent", "origin": f"https://github.com/LiveRamp/iabconsent at {commit}, {PATH}",
           "licence": "MIT", "cases": cases}, sys.stdout, indent=1)
print()
