#!/usr/bin/env python3
"""Scores `lifecert extract --json` output against the sample generator's ground truth.

usage: score-extraction.py TRUTH_DIR RESULT.jsonl [LABEL]
Prints a Markdown table: per field the share read exactly right and the share read wrong
(a wrong value is worse than a missing one), for all scans, the clean half and the damaged half,
plus document-kind accuracy and non-certificates taken for certificates.
"""
import json, os, sys
from collections import defaultdict

FIELDS = ["name", "name_latin", "sex", "birth_date", "appeared_on", "issued_on", "certificate_no", "ids"]

def load_results(path):
    by_file = defaultdict(list)
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line:
                o = json.loads(line)
                by_file[os.path.basename(o["file"]).replace(".txt", "")].append(o)
    return by_file

def pick(docs, truth_kind):
    if not docs:
        return None
    certs = [d for d in docs if d.get("kind") not in (None, "none")]
    if truth_kind != "none" and certs:
        return certs[0]
    return certs[0] if certs else docs[0]

def check_digit_ok(kind, n):
    """True/False where the type has a check digit, None where it has none (pattern-only types)."""
    n = (n or "").upper()
    if kind in ("CN_RIC", "RESIDENCE_PERMIT") and len(n) == 18 and n[:17].isdigit():
        w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        return "10X98765432"[sum(int(c) * x for c, x in zip(n[:17], w)) % 11] == n[17]
    if kind == "HK_ID" and 8 <= len(n) <= 9:
        body, check = n[:-1], n[-1]
        letters = body[:-6]
        vals = ([36] if len(letters) == 1 else []) + [ord(c) - 55 for c in letters] + [int(c) for c in body[-6:] if c.isdigit()]
        if len(vals) != 8:
            return False
        r = (11 - sum(v * (9 - i) for i, v in enumerate(vals)) % 11) % 11
        return check == ("A" if r == 10 else str(r))
    if kind == "TW_ID" and len(n) == 10 and n[1:].isdigit():
        table = dict(zip("ABCDEFGHJKLMNPQRSTUVXYWZIO", range(10, 36)))
        if n[0] not in table:
            return False
        v = table[n[0]]
        total = v // 10 + (v % 10) * 9 + sum(int(n[i]) * (9 - i) for i in range(1, 9)) + int(n[9])
        return total % 10 == 0
    if kind in ("CN_RIC", "RESIDENCE_PERMIT", "HK_ID", "TW_ID"):
        return False
    return None

def norm(v):
    return None if v is None else str(v).replace(" ", "").upper()

def main():
    truth_dir, results_path = sys.argv[1], sys.argv[2]
    label = sys.argv[3] if len(sys.argv) > 3 else "lifecert"
    results = load_results(results_path)
    stats = {g: defaultdict(lambda: [0, 0, 0]) for g in ("all", "clean", "damaged")}  # right, wrong, total
    silent = {g: [0, 0] for g in ("all", "clean", "damaged")}  # wrong ids that pass a check digit, ids with one
    kind = {g: [0, 0] for g in ("all", "clean", "damaged")}
    false_cert = {g: [0, 0] for g in ("all", "clean", "damaged")}
    for name in sorted(os.listdir(truth_dir)):
        truth = json.load(open(os.path.join(truth_dir, name), encoding="utf-8"))
        scan = truth["file"]
        groups = ("all", "damaged" if truth["damaged"] else "clean")
        doc = pick(results.get(scan, []), truth["kind"])
        got_kind = doc.get("kind") if doc else None
        for g in groups:
            kind[g][1] += 1
            kind[g][0] += got_kind == truth["kind"]
            if truth["kind"] == "none":
                false_cert[g][1] += 1
                false_cert[g][0] += got_kind not in (None, "none")
        if truth["kind"] == "none":
            continue
        tf = truth["fields"]
        gf = (doc or {}).get("fields") or {}
        for field in FIELDS:
            if field == "ids":
                got = {(i["type"], norm(i["number"])) for i in (gf.get("ids") or [])}
                got_types = defaultdict(set)
                for t, n in got:
                    got_types[t].add(n)
                for i in tf["ids"]:
                    key = (i["type"], norm(i["number"]))
                    right = key in got
                    wrong = not right and bool(got_types.get(i["type"]))
                    has_check = check_digit_ok(i["type"], i["number"]) is not None
                    passes = wrong and any(check_digit_ok(i["type"], n) for n in got_types.get(i["type"], ()))
                    for g in groups:
                        s = stats[g]["ids"]
                        s[0] += right; s[1] += wrong; s[2] += 1
                        if has_check:
                            silent[g][1] += 1
                            silent[g][0] += passes
                continue
            want = tf.get(field)
            if want is None:
                continue
            have = gf.get(field)
            right = norm(have) == norm(want)
            wrong = have is not None and not right
            for g in groups:
                s = stats[g][field]
                s[0] += right; s[1] += wrong; s[2] += 1
    def pct(a, b):
        return "–" if b == 0 else f"{100.0 * a / b:.1f}%"
    print(f"#### {label}\n")
    print("| field | all: right | all: wrong | clean: right | damaged: right | damaged: wrong | n (damaged) |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for field in FIELDS:
        a, c, d = stats["all"][field], stats["clean"][field], stats["damaged"][field]
        print(f"| {field} | {pct(a[0], a[2])} | {pct(a[1], a[2])} | {pct(c[0], c[2])} | {pct(d[0], d[2])} | {pct(d[1], d[2])} | {d[2]} |")
    print(f"| ids with a check digit read wrong *and* passing it (a silent error; the rest are flagged) | {pct(*silent['all'])} | | {pct(*silent['clean'])} | {pct(*silent['damaged'])} | | {silent['damaged'][1]} |")
    print(f"| document kind | {pct(*kind['all'])} | | {pct(*kind['clean'])} | {pct(*kind['damaged'])} | | {kind['damaged'][1]} |")
    print(f"| non-certificates taken for certificates | {false_cert['all'][0]} of {false_cert['all'][1]} | | | {false_cert['damaged'][0]} of {false_cert['damaged'][1]} | | |")
    print()

main()
