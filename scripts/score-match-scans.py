#!/usr/bin/env python3
"""Scores `lifecert intake --json` matching on the generated scan set against its ground truth.

usage: score-match-scans.py TRUTH_DIR INTAKE.jsonl REGISTRY.csv

Prints Markdown: the confusion table of decisions (auto / review / none) for holders in the
registry and holders absent from it; automatic links right and wrong; the share of certificates
printing a valid identity number registered for their holder that were linked automatically;
the right person first among the candidates; and every planted fraud case with whether its flag
was raised. Standard library only.
"""
import csv, glob, json, os, sys
from collections import Counter


def main():
    truth_dir, intake, registry = sys.argv[1:4]
    reg = {}
    with open(registry, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            reg[row["ssn"]] = row["id_number"].replace("(", "").replace(")", "").upper()
    out = {}
    for line in open(intake, encoding="utf-8"):
        line = line.strip()
        if not line:
            continue
        o = json.loads(line)
        if o.get("kind") in (None, "none"):
            continue
        out.setdefault(os.path.basename(o["file"]), o)
    c = Counter()
    frauds = []
    for path in sorted(glob.glob(os.path.join(truth_dir, "*.json"))):
        t = json.load(open(path, encoding="utf-8"))
        if t.get("kind") in (None, "none"):
            continue
        name = t["file"]
        o = out.get(name)
        m = (o or {}).get("match") or {}
        decision = m.get("decision", "missing")
        cands = [x["ssn"] for x in m.get("candidates", [])]
        ssn = t.get("ssn")
        flags = {f["code"] for f in (o or {}).get("flags", [])}
        if ssn:
            c["in"] += 1
            c[f"in_{decision}"] += 1
            if decision == "auto":
                c["auto_right" if m.get("ssn") == ssn else "auto_wrong"] += 1
            if cands and cands[0] == ssn:
                c["first"] += 1
            registered = reg.get(ssn)
            prints = any(i["number"].replace("(", "").replace(")", "").upper() == registered for i in t["fields"]["ids"])
            if prints:
                c["prints"] += 1
                if decision == "auto" and m.get("ssn") == ssn:
                    c["prints_auto"] += 1
        else:
            c["out"] += 1
            c[f"out_{decision}"] += 1
            if decision == "auto":
                c["auto_wrong"] += 1
        if t.get("fraud"):
            # An issuer that could not be read is flagged for the reviewer to check (issuer_unverified).
            ok = t["fraud"] in flags or (t["fraud"] == "issuer_not_recognised" and "issuer_unverified" in flags)
            frauds.append((name, t["fraud"], ok, decision))
    pct = lambda a, b: f"{100 * a / b:.1f}%" if b else "–"
    print("| holder | certificates | auto | review | none |")
    print("|---|---:|---:|---:|---:|")
    print(f"| in the registry | {c['in']} | {c['in_auto']} | {c['in_review']} | {c['in_none']} |")
    print(f"| not in the registry | {c['out']} | {c['out_auto']} | {c['out_review']} | {c['out_none']} |")
    print()
    print("| measure | value | target |")
    print("|---|---:|---|")
    print(f"| automatic links to the wrong person | {c['auto_wrong']} | 0 |")
    print(f"| automatic links, right | {c['auto_right']} | |")
    print(f"| printing a valid registered ID: linked automatically | {c['prints_auto']} of {c['prints']} ({pct(c['prints_auto'], c['prints'])}) | ≥ 95% |")
    print(f"| holder in the registry: right person first among the candidates | {c['first']} of {c['in']} ({pct(c['first'], c['in'])}) | ≥ 99% |")
    print(f"| holder not in the registry: \"no match\" | {c['out_none']} of {c['out']} | all |")
    flagged = sum(1 for f in frauds if f[2])
    print(f"| planted fraud cases flagged | {flagged} of {len(frauds)} | all |")
    print()
    print("| scan | planted | flagged | decision |")
    print("|---|---|---|---|")
    for name, kind, ok, decision in frauds:
        print(f"| {name} | {kind} | {'yes' if ok else '**no**'} | {decision} |")


main()
