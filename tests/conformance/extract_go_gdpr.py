#!/usr/bin/env python3
"""Reads prebid/go-gdpr's vendorconsent tests (a bare git mirror) and writes the strings they
decode with the values they assert, as data: tests/conformance/go-gdpr.json.

    python3 tests/conformance/extract_go_gdpr.py /path/to/go-gdpr.git > tests/conformance/go-gdpr.json
"""
import json, re, sys
from mirror import Mirror, ranges

mirror = Mirror(sys.argv[1])
show = mirror.show
commit = mirror.commit()
files = mirror.files("vendorconsent")
MONTHS = {m: i + 1 for i, m in enumerate("January February March April May June July August September October November December".split())}


cases = []
for path in files:
    if not path.endswith("_test.go") or "benchmark" in path: continue
    v1 = "/tcf1/" in path or path.endswith("consent_test.go") and "/" not in path.split("vendorconsent/")[1]
    text = show(path)
    lines = text.split("\n")
    case = None; maps = {}; date = {}
    def close():
        global case
        if case and (case["checks"] or case.get("error") is not None):
            cases.append(case)
        case = None
    for no, line in enumerate(lines, 1):
        # An assertion commented out asserts nothing (tcf2/rangesection_test.go keeps one on
        # purposes its encoder could not set).
        if line.lstrip().startswith("//"): continue
        m = re.search(r'assertInvalid(20)?\(t, "([^"]+)"', line)
        if m:
            close()
            decoder = "tcf2" if m.group(1) or "/tcf2/" in path else ("tcf1" if "/tcf1/" in path else "tcf1")
            cases.append({"string": m.group(2), "source": f"{path}:{no}", "decoder": decoder, "error": True, "checks": []})
            continue
        m = re.search(r'Parse(?:String)?\((?:decode\(t, )?"([^"]+)"', line)
        if m:
            close()
            decoder = "tcf2" if "/tcf2/" in path or "20" in path else ("tcf1" if "/tcf1/" in path else "any")
            case = {"string": m.group(1), "source": f"{path}:{no}", "decoder": decoder, "checks": []}
            maps = {}; date = {}
            continue
        if case is None: continue
        if re.match(r"^func ", line): close(); continue
        if "assertError(t, err)" in line: case["error"] = True; continue
        if "assertNilError(t, err)" in line: case["error"] = False; continue
        m = re.search(r'(\w+) := buildMap\(([\d, ]*)\)', line)
        if m: maps[m.group(1)] = [int(x) for x in m.group(2).replace(" ", "").split(",") if x]; continue
        m = re.search(r'_, (?:expected|ok) := (\w+)\[uint\(i\)\]', line)
        if m: maps["_current"] = maps.get(m.group(1)); continue
        m = re.search(r'(?:actual := |ok, )\w+\.(VendorConsent|VendorLegitInterest|PurposeAllowed|PurposeLITransparency)\(', line)
        if m and maps.get("_current") is not None:
            ids = maps.pop("_current")
            if "!ok" in line:
                # assertBoolsEqual(t, !ok, ...): the map lists the ids *without* the flag
                # (tcf1/rangesection_test.go's vendorsLackingConsent), up to MaxVendorID.
                top = next(c["is"] for c in case["checks"] if c.get("at") == "/vendor_consents/max_vendor_id")
                ids = [i for i in range(1, top + 1) if i not in ids]
            at = {"VendorConsent": "/vendor_consents/ids/ranges", "VendorLegitInterest": "/vendor_legitimate_interests/ids/ranges"}.get(m.group(1))
            if at:
                case["checks"].append({"at": at, "is": ranges(ids)})
            else:
                at = "/purposes_legitimate_interest" if m.group(1) == "PurposeLITransparency" else ("/purposes_allowed" if case["decoder"] == "tcf1" else "/purposes_consent")
                case["checks"].append({"at": at, "is": sorted(ids)})
            continue
        m = re.search(r'(\w+) := \w+\.(Created|LastUpdated)\(\)', line)
        if m: date = {"var": m.group(1), "field": "/created" if m.group(2) == "Created" else "/last_updated"}; continue
        m = re.search(r'assertIntsEqual\(t, (\d+), \w+\.(Hour|Minute|Second)\(\)\)', line) or \
            re.search(r'assertIntsEqual\(t, (?:int\(time\.(\w+)\)|(\d+)), (?:int\()?(year|month|day)\)?\)', line)
        if m and date and m.lastindex == 2:
            date[m.group(2)] = int(m.group(1)); m = None
            if all(k in date for k in ("year", "month", "day", "Hour", "Minute", "Second")):
                iso = f'{date["year"]:04}-{date["month"]:02}-{date["day"]:02}T{date["Hour"]:02}:{date["Minute"]:02}:{date["Second"]:02}Z'
                case["checks"].append({"at": date["field"], "is": iso}); date = {}
            continue
        if m and date:
            value = MONTHS[m.group(1)] if m.group(1) else int(m.group(2))
            date[m.group(3)] = value
            if all(k in date for k in ("year", "month", "day", "Hour", "Minute", "Second")):
                iso = f'{date["year"]:04}-{date["month"]:02}-{date["day"]:02}T{date["Hour"]:02}:{date["Minute"]:02}:{date["Second"]:02}Z'
                case["checks"].append({"at": date["field"], "is": iso}); date = {}
            continue
        m = re.search(r'assertIntsEqual\(t, (\d+), (\w+)\.(Hour|Minute|Second)\(\)\)', line)
        if m and date: date[m.group(3)] = int(m.group(1)); 
        m = re.search(r'assert(?:UInt8s|UInt16s|Strings|Bools|Ints)Equal\(t, ("?[\w]+"?), \w+\.(\w+)\(([^)]*)\)\)', line)
        if not m: continue
        raw, method, args = m.groups()
        value = json.loads(raw) if raw.startswith('"') else (raw == "true" if raw in ("true", "false") else int(raw) if raw.isdigit() else None)
        if value is None: continue
        simple = {"Version": "/version", "CmpID": "/cmp_id", "CmpVersion": "/cmp_version", "ConsentScreen": "/consent_screen",
                  "ConsentLanguage": "/consent_language", "VendorListVersion": "/vendor_list_version",
                  "TCFPolicyVersion": "/tcf_policy_version", "MaxVendorID": "/vendor_consents/max_vendor_id",
                  "PurposeOneTreatment": "/purpose_one_treatment"}
        sets = {"PurposeAllowed": "/purposes_allowed" if case["decoder"] == "tcf1" else "/purposes_consent",
                "PurposeLITransparency": "/purposes_legitimate_interest", "VendorConsent": "/vendor_consents/ids",
                "VendorLegitInterest": "/vendor_legitimate_interests/ids", "SpecialFeatureOptIn": "/special_feature_opt_ins"}
        arg = re.sub(r"^[\w.]+\((\d+)\)$", r"\1", args.strip())
        if method in simple and not args:
            case["checks"].append({"at": simple[method], "is": value})
        elif method in sets and arg.isdigit():
            case["checks"].append({"has": sets[method], "id": int(arg), "is": value})
        elif method == "CheckPubRestriction":
            p, t, v = [int(x) for x in re.findall(r"\d+", args)]
            case["checks"].append({"restriction": [p, t, v], "is": value})
    close()

json.dump({"suite": "prebid/go-gdpr", "origin": f"https://github.com/prebid/go-gdpr at {commit}, vendorconsent/**/*_test.go",
           "licence": "Apache-2.0", "cases": cases}, sys.stdout, indent=1)
print()
