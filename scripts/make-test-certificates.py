#!/usr/bin/env python3
"""Makes noisy test certificates (JSON Lines) from a registry extract, for the matcher benchmarks.

usage: make-test-certificates.py REGISTRY.csv N SEED > certs.jsonl

Development stand-in: the recorded benchmark uses the real certificate generator. Samples about
95 % of N registry rows and invents the other ~5 % (people not in the registry: half of them
namesakes of a registry person with another birth date and ID, half made-up names), then copies
the fields onto a certificate of the kind the residence suggests, with OCR-like noise:

  10 %  one Chinese character of the name replaced by a random common one
   3 %  birth date: the day changed            2 %  birth date missing
   5 %  one digit of the registered ID changed 20 %  the registered ID absent
   5 %  sex missing                            5 %  one letter of the Latin name changed
  foreign-notary certificates of people with a registered Latin name carry the Latin name only
  (given-name-first order half the time); Taiwan certificates carry no Latin name.

Each line: {"id", "truth_ssn" (null when invented), "kind", "fields": {name, name_latin, sex,
birth_date, appeared_on, issued_on, issuer, certificate_no, ids: [{type, number}]}}.
Only the standard library; deterministic for a given registry, N and SEED.
"""
import csv
import datetime as dt
import json
import random
import sys
from collections import Counter

RIC_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ISSUERS = {
    "consular": ["中华人民共和国驻悉尼总领事馆", "中华人民共和国驻旧金山总领事馆", "中华人民共和国驻英国大使馆",
                 "中华人民共和国驻新加坡大使馆", "中华人民共和国驻温哥华总领事馆"],
    "hk": ["香港工会联合会", "民政事务总署", "中国委托公证人"],
    "macao": ["市政署", "澳门工会联合总会", "社会保障基金"],
    "taiwan": ["台北地方法院所属民间公证人事务所", "台中地方法院所属民间公证人事务所"],
    "notary": ["Notary Public, State of California", "Notary Public, London", "Notaire, Paris",
               "Notary Public, New South Wales"],
}


def ric_check(body17):
    return "10X98765432"[sum(int(c) * w for c, w in zip(body17, RIC_WEIGHTS)) % 11]


def hk_formatted(n):
    """A0000313 → A000031(3): the registry keeps HKIDs without brackets, the card prints them."""
    return f"{n[:-1]}({n[-1]})" if len(n) >= 8 else n


def change_digit(rng, s):
    pos = [i for i, c in enumerate(s) if c.isdigit()]
    if not pos:
        return s
    i = rng.choice(pos)
    return s[:i] + rng.choice([d for d in "0123456789" if d != s[i]]) + s[i + 1:]


def change_letter(rng, s):
    pos = [i for i, c in enumerate(s) if c.isalpha()]
    if not pos:
        return s
    i = rng.choice(pos)
    new = rng.choice([c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" if c != s[i].upper()])
    return s[:i] + (new if s[i].isupper() else new.lower()) + s[i + 1:]


def change_day(rng, date):
    try:
        d = dt.date.fromisoformat(date)
    except ValueError:
        return date
    while True:
        day = rng.randint(1, 28)
        if day != d.day:
            return d.replace(day=day).isoformat()


def random_date(rng, start, end):
    a, b = dt.date.fromisoformat(start).toordinal(), dt.date.fromisoformat(end).toordinal()
    return dt.date.fromordinal(rng.randint(a, b)).isoformat()


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__.strip().splitlines()[2])
    path, n, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    rng = random.Random(seed)

    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    if not rows:
        sys.exit("empty registry")

    chars, surnames, regions = Counter(), Counter(), Counter()
    for r in rows[:200000]:
        nm = r.get("name") or ""
        chars.update(c for c in nm if "\u4e00" <= c <= "\u9fff")
        if nm:
            surnames[nm[0]] += 1
        if r.get("id_type") == "CN_RIC" and len(r.get("id_number") or "") == 18:
            regions[r["id_number"][:6]] += 1
    common = [c for c, _ in chars.most_common(300)]
    common_surnames = [c for c, _ in surnames.most_common(60)]
    region_list = [c for c, _ in regions.most_common(50)] or ["440106"]

    n_absent = round(n * 0.05)
    picked = rng.sample(range(len(rows)), n - n_absent)
    people = [(rows[i], True) for i in picked]
    for k in range(n_absent):
        base = dict(rng.choice(rows))
        birth = random_date(rng, "1930-01-01", "1965-12-31")
        if k % 2:  # a made-up name
            base["name"] = rng.choice(common_surnames) + "".join(rng.choice(common) for _ in range(rng.choice([1, 2])))
            base["name_latin"] = ""
        sex = rng.choice("MF")
        body = rng.choice(region_list) + birth.replace("-", "") + f"{rng.randint(0, 99):02d}" + str(rng.choice("13579" if sex == "M" else "02468"))
        base.update(ssn=None, sex=sex, birth_date=birth, id_type="CN_RIC", id_number=body + ric_check(body), residence=rng.choice(["US", "AU", "GB", "CA", "SG"]))
        people.append((base, False))
    rng.shuffle(people)

    out = sys.stdout
    for idx, (r, present) in enumerate(people, 1):
        res = r.get("residence") or ""
        kind = {"HK": "hk", "MO": "macao", "TW": "taiwan"}.get(res) or ("notary" if rng.random() < 0.3 else "consular")
        name = r.get("name") or None
        latin = (r.get("name_latin") or "").strip() or None
        if kind == "taiwan":
            latin = None
        elif kind == "consular" and latin and rng.random() < 0.5:
            latin = None
        elif kind == "notary" and latin:
            name = None  # Latin name only
            if rng.random() < 0.5:  # given name first, surname last
                toks = latin.split()
                latin = " ".join(toks[1:] + toks[:1]) if len(toks) > 1 else latin
        if name and rng.random() < 0.10:
            i = rng.randrange(len(name))
            name = name[:i] + rng.choice([c for c in common if c != name[i]]) + name[i + 1:]
        if latin and rng.random() < 0.05:
            latin = change_letter(rng, latin)
        birth = r.get("birth_date") or None
        u = rng.random()
        if birth and u < 0.03:
            birth = change_day(rng, birth)
        elif u < 0.05:
            birth = None
        sex = None if rng.random() < 0.05 else (r.get("sex") or None)

        ids = []
        id_type, id_number = r.get("id_type") or "", r.get("id_number") or ""
        if id_number and rng.random() >= 0.20:
            num = change_digit(rng, id_number) if rng.random() < 0.05 else id_number
            if id_type in ("HK_ID", "MO_ID"):
                num = hk_formatted(num)
            ids.append({"type": id_type, "number": num})
        if kind in ("hk", "macao") and rng.random() < 0.5:
            ids.append({"type": "HM_PERMIT", "number": ("H" if kind == "hk" else "M") + f"{rng.randint(0, 99999999):08d}"})
        elif id_type == "CN_RIC" and kind in ("consular", "notary") and rng.random() < 0.4:
            ids.append({"type": "CN_PASSPORT", "number": "E" + rng.choice("ABCDEFGHJK") + f"{rng.randint(0, 9999999):07d}"})
        rng.shuffle(ids)

        appeared = random_date(rng, "2025-01-05", "2025-12-20")
        issued = (dt.date.fromisoformat(appeared) + dt.timedelta(days=rng.randint(0, 3))).isoformat()
        fields = {
            "name": name, "name_latin": latin, "sex": sex, "birth_date": birth,
            "appeared_on": appeared, "issued_on": issued, "issuer": rng.choice(ISSUERS[kind]),
            "certificate_no": f"{kind[:2].upper()}{appeared[:4]}-{rng.randint(0, 999999):06d}",
            "ids": ids,
        }
        out.write(json.dumps({"id": f"c{idx:06d}", "truth_ssn": r["ssn"] if present else None,
                              "kind": kind, "fields": fields}, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
