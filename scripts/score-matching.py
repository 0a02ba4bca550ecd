#!/usr/bin/env python3
"""Scores certificate-to-registry links against the test certificates' truth.

usage: score-matching.py TRUTH_CERTS.jsonl RESULT.jsonl [LABEL]

TRUTH_CERTS.jsonl: the generator's lines ({"id", "truth_ssn": ssn or null, ...}).
RESULT.jsonl: one line per certificate {"id", "ssn": linked ssn or null, optional "decision":
"auto" | "review" | "none", optional "candidates": [{"ssn", ...}, ...] best first}. A certificate
with no result line counts as not linked.

Prints a Markdown table (standard library only): holders in the registry linked to the right
person / to a wrong one / not linked; holders absent from the registry linked (wrong) / not linked
(right); the share whose right person is first (and anywhere) among the candidates; the precision
of the links; and, when results carry "decision", what was linked automatically (right / wrong)
and what was sent to review.
"""
import json
import sys


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if line:
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as e:
                    sys.exit(f"{path}:{n}: {e}")


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit("usage: score-matching.py TRUTH_CERTS.jsonl RESULT.jsonl [LABEL]")
    truth = {o["id"]: o.get("truth_ssn") for o in read_jsonl(sys.argv[1])}
    label = sys.argv[3] if len(sys.argv) == 4 else sys.argv[2]
    results, unknown = {}, 0
    for o in read_jsonl(sys.argv[2]):
        if o.get("id") in truth:
            results[o["id"]] = o
        else:
            unknown += 1

    c = dict.fromkeys(["in", "in_right", "in_wrong", "in_none", "out", "out_linked", "out_none",
                       "first", "among", "with_cands", "missing", "has_decision",
                       "auto", "auto_right", "auto_wrong", "auto_out", "review", "review_first", "review_in",
                       "none_decision", "none_in"], 0)
    for cid, t in truth.items():
        r = results.get(cid)
        if r is None:
            c["missing"] += 1
            r = {}
        ssn = r.get("ssn")
        cands = [x.get("ssn") for x in (r.get("candidates") or []) if isinstance(x, dict)]
        decision = r.get("decision")
        if t is not None:
            c["in"] += 1
            if ssn is None:
                c["in_none"] += 1
            elif ssn == t:
                c["in_right"] += 1
            else:
                c["in_wrong"] += 1
            if "candidates" in r:
                c["with_cands"] += 1
            if cands[:1] == [t]:
                c["first"] += 1
            if t in cands:
                c["among"] += 1
        else:
            c["out"] += 1
            if ssn is None:
                c["out_none"] += 1
            else:
                c["out_linked"] += 1
        if decision is not None:
            c["has_decision"] += 1
            if decision == "auto":
                c["auto"] += 1
                if t is None:
                    c["auto_out"] += 1
                elif ssn == t:
                    c["auto_right"] += 1
                else:
                    c["auto_wrong"] += 1
            elif decision == "review":
                c["review"] += 1
                if t is not None:
                    c["review_in"] += 1
                    if cands[:1] == [t] or (not cands and ssn == t):
                        c["review_first"] += 1
            else:
                c["none_decision"] += 1
                if t is not None:
                    c["none_in"] += 1

    def pct(a, b):
        return f"{100 * a / b:.2f} %" if b else "–"

    total = len(truth)
    linked = c["in_right"] + c["in_wrong"] + c["out_linked"]
    print(f"### {label}")
    print()
    print(f"{total} certificates: {c['in']} holders in the registry, {c['out']} not in it"
          + (f"; {c['missing']} without a result line (counted as not linked)" if c["missing"] else "")
          + (f"; {unknown} result lines for unknown ids ignored" if unknown else "") + ".")
    print()
    print("| outcome | certificates | share |")
    print("|---|---:|---:|")
    print(f"| holder in registry, linked to the right person | {c['in_right']} | {pct(c['in_right'], c['in'])} |")
    print(f"| holder in registry, linked to a wrong person | {c['in_wrong']} | {pct(c['in_wrong'], c['in'])} |")
    print(f"| holder in registry, not linked | {c['in_none']} | {pct(c['in_none'], c['in'])} |")
    print(f"| holder not in registry, linked (wrong) | {c['out_linked']} | {pct(c['out_linked'], c['out'])} |")
    print(f"| holder not in registry, not linked (right) | {c['out_none']} | {pct(c['out_none'], c['out'])} |")
    print(f"| right person first among candidates (holders in registry) | {c['first']} | {pct(c['first'], c['in'])} |")
    print(f"| right person anywhere among candidates (holders in registry) | {c['among']} | {pct(c['among'], c['in'])} |")
    print(f"| links that are right (precision) | {c['in_right']} of {linked} | {pct(c['in_right'], linked)} |")
    if c["has_decision"]:
        auto_wrong = c["auto_wrong"] + c["auto_out"]
        print(f"| decision auto: linked right | {c['auto_right']} | {pct(c['auto_right'], c['auto'])} of auto |")
        print(f"| decision auto: linked wrong (wrong person or holder not in registry) | {auto_wrong} | {pct(auto_wrong, c['auto'])} of auto |")
        print(f"| decision auto, share of holders in registry linked right automatically | {c['auto_right']} | {pct(c['auto_right'], c['in'])} |")
        print(f"| decision review: certificates | {c['review']} | {pct(c['review'], total)} of all |")
        print(f"| decision review: holder in registry, right person first | {c['review_first']} of {c['review_in']} | {pct(c['review_first'], c['review_in'])} |")
        print(f"| decision none: certificates (of them holders in registry) | {c['none_decision']} ({c['none_in']}) | {pct(c['none_decision'], total)} of all |")
        if c["has_decision"] < total:
            print(f"| certificates without a decision | {total - c['has_decision']} | {pct(total - c['has_decision'], total)} |")


if __name__ == "__main__":
    main()
