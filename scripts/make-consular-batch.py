#!/usr/bin/env python3
"""Writes a consular-channel batch file (SPEC.md "Consular-channel batch file") drawn from a
registry extract: real recipients, as the consular channel would send them.

  make-consular-batch.py REGISTRY.csv OUT --count N [--seed S] [--batch-id B] [--first-record K]
                         [--format csv|jsonl] [--gbk] [--strangers-every M]

Record ids run from --first-record, so two files with overlapping ranges overlap. One row in
--strangers-every (default 50) is a person absent from the registry (a valid resident ID made up).
Deterministic for a given seed."""
import argparse, csv, json, random, sys, datetime

MISSIONS = {"CA": "中华人民共和国驻加拿大大使馆", "US": "中华人民共和国驻美国大使馆", "AU": "中华人民共和国驻澳大利亚大使馆",
            "GB": "中华人民共和国驻英国大使馆", "SG": "中华人民共和国驻新加坡大使馆", "JP": "中华人民共和国驻日本大使馆",
            "DE": "中华人民共和国驻德国大使馆", "NZ": "中华人民共和国驻新西兰大使馆"}
WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CHECK = "10X98765432"

def ric(rng, birth, sex):
    body = "%06d%s%03d" % (rng.choice([110105, 310104, 440104, 440106, 320102]), birth.replace("-", ""), rng.randrange(0, 500) * 2 + (1 if sex == "M" else 0))
    return body + CHECK[sum(int(c) * w for c, w in zip(body, WEIGHTS)) % 11]

def main():
    a = argparse.ArgumentParser()
    a.add_argument("registry"); a.add_argument("out")
    a.add_argument("--count", type=int, required=True); a.add_argument("--seed", type=int, default=1)
    a.add_argument("--batch-id", default="MFA-2026-11"); a.add_argument("--first-record", type=int, default=1)
    a.add_argument("--format", choices=["csv", "jsonl"], default="csv"); a.add_argument("--gbk", action="store_true")
    a.add_argument("--strangers-every", type=int, default=50)
    o = a.parse_args()
    rng = random.Random(o.seed)
    with open(o.registry, encoding="utf-8-sig") as f:
        people = [r for r in csv.DictReader(f) if r["benefit_status"] == "NORMAL" and r["eligible"] == "Y" and not r.get("died_on")]
    rng.shuffle(people)
    rows = []
    for i in range(o.count):
        rec = o.first_record + i
        p = people[(rec * 7919) % len(people)]  # a record id always names the same person
        r = random.Random(o.seed * 1_000_003 + rec)
        if o.strangers_every and rec % o.strangers_every == 0:
            sex = r.choice("MF"); birth = "19%02d-%02d-%02d" % (r.randrange(30, 65), r.randrange(1, 13), r.randrange(1, 29))
            p = {"name": "无名氏", "sex": sex, "birth_date": birth, "id_type": "CN_RIC", "id_number": ric(r, birth, sex), "residence": "CA"}
        channel = "CONSULAR_APP" if r.random() < 0.7 else "CONSULATE_CERT"
        day = datetime.date(2026, 11, 20) - datetime.timedelta(days=r.randrange(0, 120))
        rows.append({
            "batch_id": o.batch_id, "record_id": "R%07d" % rec, "channel": channel,
            "mission": MISSIONS.get(p["residence"], "中华人民共和国驻加拿大大使馆"),
            "name": p["name"], "sex": p["sex"], "birth_date": p["birth_date"], "id_type": p["id_type"], "id_number": p["id_number"],
            "passport_number": "", "certified_at": "%sT%02d:%02d:00+08:00" % (day.isoformat(), r.randrange(8, 18), r.randrange(0, 60)),
            "certificate_no": ("(2026)领认字第%06d号" % rec) if channel == "CONSULATE_CERT" else ""})
    cols = list(rows[0].keys()) if rows else []
    if o.format == "jsonl":
        with open(o.out, "w", encoding="utf-8") as f:
            for r in rows: f.write(json.dumps(r, ensure_ascii=False) + "\n")
    else:
        with open(o.out, "w", encoding="gb18030" if o.gbk else "utf-8", newline="") as f:
            w = csv.DictWriter(f, cols, lineterminator="\n"); w.writeheader(); w.writerows(rows)

main()
