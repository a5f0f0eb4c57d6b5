#!/usr/bin/env python3
"""Writes the GPP strings of three suites with what they assert about the header and the
sections decoded here (tcfeuv2, uspv1): tests/conformance/{iabgpp-es,go-gpp,iabconsent-gpp}.json.
Assertions on sections we name but do not decode (usnat, usca, ...) are left out and counted.

    python3 tests/conformance/extract_gpp.py MIRROR_DIR tests/conformance
"""
import json, re, sys
from mirror import Mirror, ranges

MIRRORS, OUT = sys.argv[1], sys.argv[2]
def git(repo, *a): return Mirror(f"{MIRRORS}/{repo}/repo").git(*a)
NAMES = {n: i for i, n in enumerate("tcfeuv1 tcfeuv2 header signal_integrity tcfcav1 uspv1 usnat usca usva usco usut usct usfl usmt usor ustx usde usia usne usnh usnj ustn usmn usmd usin usky usri".split(), 1)}
FLAG = {"Y": True, "N": False, "-": None}
TCF = {"Version": "/tcf/version", "CmpId": "/tcf/cmp_id", "CmpVersion": "/tcf/cmp_version", "ConsentScreen": "/tcf/consent_screen",
       "ConsentLanguage": "/tcf/consent_language", "VendorListVersion": "/tcf/vendor_list_version", "PolicyVersion": "/tcf/tcf_policy_version",
       "IsServiceSpecific": "/tcf/is_service_specific", "UseNonStandardStacks": "/tcf/use_non_standard_texts",
       "PurposeOneTreatment": "/tcf/purpose_one_treatment", "PublisherCountryCode": "/tcf/publisher_country"}
USP = {"Notice": "/us_privacy/notice_given", "OptOutSale": "/us_privacy/opted_out_of_sale", "LspaCovered": "/us_privacy/lspa_covered"}

def write(name, suite, origin, licence, cases, skipped):
    with open(f"{OUT}/{name}.json", "w") as f:
        json.dump({"suite": suite, "origin": origin, "licence": licence,
                   "not_compared": f"{skipped} assertions on sections decoded only by name (US state sections)", "cases": cases}, f, indent=1)
        f.write("\n")

# IAB Tech Lab iabgpp-es: GppModel decode tests.
repo = "IABTechLab+iabgpp-es"; path = "modules/cmpapi/test/GppModel.test.ts"
text = git(repo, "show", f"HEAD:{path}"); cases = []; skipped = 0; case = None
for no, line in enumerate(text.split("\n"), 1):
    m = re.search(r'let gppString =\s*"([^"]+)"', line) or re.search(r'new GppModel\("([^"]+)"\)', line)
    if m and "invalid" not in m.group(1):
        case = {"string": m.group(1), "source": f"{path}:{no}", "decoder": "gpp", "error": False, "checks": []}; cases.append(case); continue
    if re.search(r"^\s*it\(", line): case = None; continue
    if case is None: continue
    m = re.search(r'getSectionIds\(\)\)\.to\.eql\(\[([\d, ]*)\]\)', line)
    if m: case["checks"].append({"at": "/section_ids/ranges", "is": ranges(int(x) for x in m.group(1).split(",") if x.strip())}); continue
    m = re.search(r'hasSection\("(\w+)"\)\)\.to\.eql\((true|false)\)', line)
    if m: case["checks"].append({"has": "/section_ids", "id": NAMES[m.group(1)], "is": m.group(2) == "true"}); continue
    m = re.search(r'getFieldValue\("(\w+)", (?:\w+\.)?"?(\w+)"?\)\)\.to\.eql\((.+)\);', line)
    if m:
        section, field, raw = m.groups()
        if section == "tcfeuv2" and field in TCF:
            case["checks"].append({"in_section": 2, "at": TCF[field], "is": json.loads(raw)})
        elif section == "uspv1" and field in USP or section == "uspv1" and field.upper() in ("NOTICE", "OPT_OUT_SALE", "LSPA_COVERED"):
            key = {"NOTICE": "Notice", "OPT_OUT_SALE": "OptOutSale", "LSPA_COVERED": "LspaCovered"}.get(field, field)
            case["checks"].append({"in_section": 6, "at": USP[key], "is": FLAG[json.loads(raw)]})
        else:
            skipped += 1
cases = [c for c in cases if c["checks"]]
write("iabgpp-es", "IABTechLab/iabgpp-es", f"https://github.com/IABTechLab/iabgpp-es at {git(repo, 'rev-parse', 'HEAD').strip()}, {path}", "Apache-2.0", cases, skipped)

# prebid/go-gpp: parse_test.go.
repo = "prebid+go-gpp"; path = "parse_test.go"
text = git(repo, "show", f"HEAD:{path}"); cases = []; skipped = 0
for m in re.finditer(r'gppString:\s*"([^"]+)",(.*?)\n\t\t\},\n', text, re.S):
    body = m.group(2); no = text[:m.start()].count("\n") + 1
    case = {"string": m.group(1), "source": f"{path}:{no}", "decoder": "gpp", "checks": []}
    if "expectedError" in body:
        case["error"] = True
    else:
        case["error"] = False
        ids = re.search(r"SectionTypes:\s*\[\]constants\.SectionID\{([\d, ]*)\}", body)
        if ids: case["checks"].append({"at": "/section_ids/ranges", "is": ranges(int(x) for x in ids.group(1).split(",") if x.strip())})
        for sid, value in re.findall(r"GenericSection\{sectionID: (\d+),\s*value: \"([^\"]+)\"", body):
            if sid == "6":
                for key, ch in zip(("Notice", "OptOutSale", "LspaCovered"), value[1:]):
                    case["checks"].append({"in_section": 6, "at": USP[key], "is": FLAG[ch]})
            elif sid == "2":
                case["checks"].append({"in_section": 2, "at": "/tcf/version", "is": 2})
        skipped += len(re.findall(r"CoreSegment:", body))
    cases.append(case)
write("go-gpp", "prebid/go-gpp", f"https://github.com/prebid/go-gpp at {git(repo, 'rev-parse', 'HEAD').strip()}, {path}", "Apache-2.0", cases, skipped)

# LiveRamp/iabconsent: gpp_parsed_consent_fixture_test.go (which US sections each string holds).
repo = "LiveRamp+iabconsent"; path = "gpp_parsed_consent_fixture_test.go"
text = git(repo, "show", f"HEAD:{path}"); cases = []; skipped = 0
# The section ids are an iota block in the library (`UsNationalSID = iota + 7`, then one a line).
block = re.search(r"(\w+SID) = iota \+ (\d+)\n(.*?)\n\)", git(repo, "show", "HEAD:gpp_parsed_consent.go"), re.S)
names = [block.group(1)] + re.findall(r"^\s*(\w+SID)\s*$", block.group(3), re.M)
SIDS = {name: int(block.group(2)) + i for i, name in enumerate(names)}
for m in re.finditer(r'\n\t"([^"]+)": \{(.*?)\}(?:,\n|\n\t\},)', text, re.S):
    no = text[:m.start()].count("\n") + 2
    keys = re.findall(r"(?:iabconsent\.(\w+SID)|\b(\d+)):\s+mspaConsentFixtures", m.group(2))
    sids = [SIDS[name] if name else int(number) for name, number in keys if not name or name in SIDS]
    if not sids: continue
    skipped += len(sids)
    # The fixture lists the sections iabconsent parses (US ones only: "skip US Privacy until
    # supported"), not every section of the string, so each is checked present, not the set.
    cases.append({"string": m.group(1), "source": f"{path}:{no}", "decoder": "gpp", "error": False,
                  "checks": [{"has": "/section_ids", "id": sid, "is": True} for sid in sids]})
write("iabconsent-gpp", "LiveRamp/iabconsent (GPP)", f"https://github.com/LiveRamp/iabconsent at {git(repo, 'rev-parse', 'HEAD').strip()}, {path}", "MIT", cases, skipped)
