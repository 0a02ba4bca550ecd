#!/usr/bin/env python3
"""Anchor for the matcher benchmark: links certificates to the registry with Splink (DuckDB backend).

usage: bench-match-splink.py [--separate-names] [--no-fold] REGISTRY.csv CERTS.jsonl OUT.jsonl
       bench-match-splink.py --setup-only      (create/fill the venv, then exit)
Wrapper with /usr/bin/time -v and scoring: scripts/bench-match-splink.

Runs itself inside bench-out/splink-venv, which it creates and fills from PyPI when missing
(pinned in REQUIREMENTS; on Debian without ensurepip it installs python3-venv with apt-get when
root). Versions used for the development numbers:
    Python 3.11.7, splink 5.0.0, duckdb 2.0.1, pyarrow 26.0.1, sqlglot 30.30.0

What it does
- Inputs. Registry: ssn, name, name_latin, sex, birth_date, id_type, id_number (other columns
  ignored); UTF-8 with or without BOM, a GB18030/GBK file is transcoded first. Certificates:
  the JSON Lines described in scripts/make-test-certificates.py (truth_ssn is never read).
- Standardisation before Splink, the same SQL on both sides: values trimmed (empty = missing);
  Latin name uppercased, accents stripped, non-letters to spaces, tokens sorted ("Min DENG" =
  "DENG MIN"); identity numbers uppercased with all but A-Z0-9 removed ("A000031(3)" =
  "A0000313"). Certificate Chinese names are folded traditional → simplified with lifecert's own
  Unihan table (Sources/LifecertForms/ScriptFoldingTable.swift, read as data; --no-fold to skip):
  HK/Macao/Taiwan documents print 陳 for the registry's 陈, which no string distance bridges.
- Identity numbers. A certificate may list several; the registry row has one. Both sides carry an
  array of numbers and an array of types. Levels: equal (some certificate number equals the
  registered number, whatever type the certificate printed) / registered type shown, number
  differs / otherwise "not comparable" (no ID on one side, or only IDs of other types, e.g. a
  passport against a registered resident ID): a null level, weight 0. Exact only: no
  check-digit validation, no one-digit-off level. Blocking explodes the certificate's array
  (block_on with arrays_to_explode), so every listed number is tried.
- Names: ONE comparison for the Chinese and the Latin name, because a pinyin Latin name is a
  function of the characters and two independent comparisons count the same evidence twice
  (measured: 12 % of people absent from the registry linked to a namesake). Levels: Chinese name
  equal (term-frequency adjusted) / Chinese name Levenshtein <= 1 and Latin name equal / Chinese
  name Levenshtein <= 1 / no Chinese name on one side: Latin name equal (term-frequency adjusted),
  Jaro-Winkler >= 0.92, >= 0.88 / else. --separate-names restores the first design (Chinese exact
  / Levenshtein <= 1 / else, and Latin exact / JW >= 0.92 / >= 0.88 / else, separately).
  Birth date exact / Levenshtein <= 1 on the YYYY-MM-DD string / else. Sex exact / else.
- Blocking (a pair is scored if any holds): ID number, birth date, Chinese name.
- Training, label-free, on a link_only model over [registry, certificates]:
  prior: estimate_probability_two_random_records_match with deterministic rules
  name+birth date and Latin name+birth date, assumed recall 0.85;
  u: estimate_u_using_random_sampling (max_pairs 1e7, seed 1), certificate x registry pairs;
  m: two EM sessions with u fixed, blocked on birth date (trains ID, names, sex) and on the
  Chinese name (trains ID, birth date, sex). With --separate-names the second block is Chinese +
  Latin name: blocked on the Chinese name alone EM then takes "Latin name agrees" (true of every
  namesake pair) for the match class and birth-date m comes out at 0.01 instead of 0.96.
- Prediction: linker.inference.predict_between(registry, certificates) (Splink 5: new records
  scored against an existing table, no pairs within either side). Per certificate the best pair
  (highest match weight; ties broken by ssn) is the link when its pairwise match_probability
  >= 0.5, else "ssn": null. A second file applies the exclusive rule instead: at most one
  registry row is the holder, so P(best) = odds_best / (1 + sum of the odds of all the
  certificate's scored pairs), odds = 2^match_weight (which includes the prior); link when >= 0.5.
  That rule is not Splink's: it is reported separately so that the pure-Splink numbers stay.
- Output: OUT.jsonl, one line per certificate {"id", "ssn", "match_probability",
  "match_weight", "exclusive_probability", "candidates": [{"ssn", "match_weight"}, ... top 5]}
  (probabilities and weight are the best candidate's even below the threshold; null when no pair
  was scored); OUT.exclusive.jsonl the same with "ssn" by the exclusive rule; OUT.jsonl.model.json
  the trained model. Timings (load, training, prediction, total: wall-clock seconds) and peak
  RSS (getrusage) go to stderr, also as one JSON line starting "timings:", with the m/u table.
"""
import os
import subprocess
import sys

REQUIREMENTS = ["splink==5.0.0", "duckdb==2.0.1", "pyarrow==26.0.1", "sqlglot==30.30.0"]
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV = os.path.join(ROOT, "bench-out", "splink-venv")
VENV_PY = os.path.join(VENV, "bin", "python")
STAMP = os.path.join(VENV, "lifecert-requirements.txt")
THRESHOLD = 0.5
TOP = 5


def ensure_venv():
    """Re-executes this script inside the pinned venv, creating it first when needed."""
    if os.path.realpath(sys.prefix) == os.path.realpath(VENV):
        return
    wanted = "\n".join(REQUIREMENTS) + "\n"
    have = open(STAMP).read() if os.path.exists(STAMP) else None
    if have != wanted:
        if not os.path.exists(VENV_PY):
            print(f"creating {VENV}", file=sys.stderr)
            if subprocess.call([sys.executable, "-m", "venv", VENV]) != 0:
                if os.geteuid() == 0 and subprocess.call(["which", "apt-get"], stdout=subprocess.DEVNULL) == 0:
                    subprocess.check_call(["apt-get", "install", "-y", "python3-venv"])
                    subprocess.check_call([sys.executable, "-m", "venv", "--clear", VENV])
                else:
                    sys.exit("cannot create a venv: install python3-venv (Debian) and retry")
        print(f"installing {' '.join(REQUIREMENTS)} into {VENV}", file=sys.stderr)
        subprocess.check_call([VENV_PY, "-m", "pip", "install", "-q", "--disable-pip-version-check", *REQUIREMENTS])
        with open(STAMP, "w") as f:
            f.write(wanted)
    os.execv(VENV_PY, [VENV_PY, os.path.abspath(__file__), *sys.argv[1:]])


if __name__ == "__main__":
    if len([a for a in sys.argv[1:] if not a.startswith("-")]) != 3 and sys.argv[1:] != ["--setup-only"]:
        sys.exit("usage: bench-match-splink.py [--separate-names] [--no-fold] REGISTRY.csv CERTS.jsonl OUT.jsonl\n"
                 "       bench-match-splink.py --setup-only")
    ensure_venv()
    if sys.argv[1:] == ["--setup-only"]:
        import duckdb, splink  # noqa: E401
        sys.exit(print(f"{VENV}: splink {splink.__version__}, duckdb {duckdb.__version__}", file=sys.stderr))

import json  # noqa: E402
import logging  # noqa: E402
import resource  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

SQL_MACROS = [
    # empty → NULL
    "create or replace macro blank_null(x) as nullif(trim(x), '')",
    # Latin name key: upper, no accents, letters only, tokens sorted
    """create or replace macro latin_key(x) as nullif(array_to_string(list_sort(list_filter(
         string_split(regexp_replace(upper(strip_accents(coalesce(x, ''))), '[^A-Z]+', ' ', 'g'), ' '),
         lambda t: t <> '')), ' '), '')""",
    "create or replace macro id_norm(x) as nullif(regexp_replace(upper(coalesce(x, '')), '[^0-9A-Z]', '', 'g'), '')",
]


def rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def utf8_registry(path):
    """Returns a path DuckDB can read as UTF-8: the file itself, or a transcoded temporary copy."""
    with open(path, "rb") as f:
        head = f.read(1 << 20)
    try:
        head.decode("utf-8")
        return path, None
    except UnicodeDecodeError as e:
        if e.start > len(head) - 4:  # a character cut by the 1 MiB window
            return path, None
    tmp = tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".csv", delete=False)
    with open(path, encoding="gb18030") as src, tmp:
        for line in src:
            tmp.write(line)
    print(f"registry read as GB18030 (transcoded to {tmp.name})", file=sys.stderr)
    return tmp.name, tmp.name


FOLDING_TABLE = os.path.join(ROOT, "Sources", "LifecertForms", "ScriptFoldingTable.swift")


def folding_map():
    """Traditional/variant → simplified characters, from lifecert's generated Unihan table (the
    same standardisation lifecert's extraction applies); empty when the file is not there."""
    try:
        src = open(FOLDING_TABLE, encoding="utf-8").read()
    except OSError:
        return {}
    body = src.split('"""')[1]
    chars = "".join(line.strip().rstrip("\\") for line in body.splitlines())
    return {chars[i]: chars[i + 1] for i in range(0, len(chars) - 1, 2)}


def load(con, registry_path, certs_path, fold=True):
    import pyarrow as pa

    for m in SQL_MACROS:
        con.execute(m)
    path, tmp = utf8_registry(registry_path)
    con.execute(
        """create table registry_raw as
           select * from read_csv(?, header = true, all_varchar = true, auto_detect = true)""",
        [path],
    )
    if tmp:
        os.unlink(tmp)
    cols = {r[0] for r in con.execute("describe registry_raw").fetchall()}
    missing = {"ssn", "name", "name_latin", "sex", "birth_date", "id_type", "id_number"} - cols
    if missing:
        sys.exit(f"registry lacks column(s): {', '.join(sorted(missing))}")
    con.execute(
        """create table registry as
           select blank_null(ssn) as unique_id,
                  blank_null(name) as name,
                  latin_key(name_latin) as name_latin,
                  upper(blank_null(sex)) as sex,
                  blank_null(birth_date) as birth_date,
                  case when id_norm(id_number) is null then null else [id_norm(id_number)] end as id_numbers,
                  case when id_norm(id_number) is null then null else [coalesce(upper(blank_null(id_type)), '?')] end as id_types
           from registry_raw where blank_null(ssn) is not null"""
    )
    con.execute("drop table registry_raw")

    fmap = folding_map() if fold else {}
    if fold and not fmap:
        print(f"no folding table at {FOLDING_TABLE}: certificate names used as they are", file=sys.stderr)
    n_folded = 0
    ids, names, latins, sexes, births, numbers, types = [], [], [], [], [], [], []
    with open(certs_path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            o = json.loads(line)
            fl = o.get("fields") or {}
            ids.append(o["id"])
            name = fl.get("name")
            if name and fmap:
                folded = "".join(fmap.get(c, c) for c in name)
                n_folded += folded != name
                name = folded
            names.append(name)
            latins.append(fl.get("name_latin"))
            sexes.append(fl.get("sex"))
            births.append(fl.get("birth_date"))
            lst = [i for i in (fl.get("ids") or []) if i and i.get("number")]
            numbers.append([i["number"] for i in lst])
            types.append([(i.get("type") or "?") for i in lst])
    certs_raw = pa.table({
        "id": pa.array(ids, pa.string()), "name": pa.array(names, pa.string()),
        "name_latin": pa.array(latins, pa.string()), "sex": pa.array(sexes, pa.string()),
        "birth_date": pa.array(births, pa.string()),
        "numbers": pa.array(numbers, pa.list_(pa.string())), "types": pa.array(types, pa.list_(pa.string())),
    })
    con.register("certs_raw", certs_raw)
    con.execute(
        """create table certs as
           with x as (
             select id, name, name_latin, sex, birth_date,
                    list_transform(numbers, lambda n: id_norm(n)) as nums, list_transform(types, lambda t: upper(t)) as typs
             from certs_raw)
           select id as unique_id,
                  blank_null(name) as name,
                  latin_key(name_latin) as name_latin,
                  upper(blank_null(sex)) as sex,
                  blank_null(birth_date) as birth_date,
                  nullif(list_filter(nums, lambda n: n is not null), []) as id_numbers,
                  nullif(list_filter(typs, lambda t, i: nums[i] is not null), []) as id_types
           from x"""
    )
    con.unregister("certs_raw")
    n_reg = con.execute("select count(*) from registry").fetchall()[0][0]
    n_cert = con.execute("select count(*) from certs").fetchall()[0][0]
    return n_reg, n_cert, n_folded


def settings(separate_names=False):
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    id_comparison = cl.CustomComparison(
        output_column_name="id_numbers",
        comparison_description="identity numbers",
        comparison_levels=[
            {
                "sql_condition": "id_numbers_l is null or id_numbers_r is null or "
                "(len(list_intersect(id_numbers_l, id_numbers_r)) = 0 and len(list_intersect(id_types_l, id_types_r)) = 0)",
                "label_for_charts": "not comparable (no ID, or none of the registered type)",
                "is_null_level": True,
            },
            {"sql_condition": "len(list_intersect(id_numbers_l, id_numbers_r)) >= 1", "label_for_charts": "ID number equal"},
            {"sql_condition": "ELSE", "label_for_charts": "registered ID type shown, number differs"},
        ],
    )
    either_name_missing = "(name_l is null or name_r is null)"
    name_comparison = cl.CustomComparison(
        output_column_name="names",
        comparison_description="Chinese name, else Latin name",
        comparison_levels=[
            {"sql_condition": f"{either_name_missing} and (name_latin_l is null or name_latin_r is null)",
             "label_for_charts": "no name on one side", "is_null_level": True},
            {"sql_condition": "name_l = name_r", "label_for_charts": "Chinese name equal",
             "tf_adjustment_column": "name", "tf_adjustment_weight": 1.0},
            {"sql_condition": "levenshtein(name_l, name_r) <= 1 and name_latin_l = name_latin_r",
             "label_for_charts": "Chinese name 1 character off, Latin name equal"},
            {"sql_condition": "levenshtein(name_l, name_r) <= 1", "label_for_charts": "Chinese name 1 character off"},
            {"sql_condition": f"{either_name_missing} and name_latin_l = name_latin_r",
             "label_for_charts": "no Chinese name, Latin name equal",
             "tf_adjustment_column": "name_latin", "tf_adjustment_weight": 1.0,
             "disable_tf_exact_match_detection": True},
            {"sql_condition": f"{either_name_missing} and jaro_winkler_similarity(name_latin_l, name_latin_r) >= 0.92",
             "label_for_charts": "no Chinese name, Latin Jaro-Winkler >= 0.92"},
            {"sql_condition": f"{either_name_missing} and jaro_winkler_similarity(name_latin_l, name_latin_r) >= 0.88",
             "label_for_charts": "no Chinese name, Latin Jaro-Winkler >= 0.88"},
            {"sql_condition": "ELSE", "label_for_charts": "names differ"},
        ],
    )
    if separate_names:  # the first design: two comparisons, double-counts pinyin agreement
        names = [cl.LevenshteinAtThresholds("name", [1]).configure(term_frequency_adjustments=True),
                 cl.JaroWinklerAtThresholds("name_latin", [0.92, 0.88])]
    else:
        names = [name_comparison]
    return SettingsCreator(
        link_type="link_only",
        unique_id_column_name="unique_id",
        comparisons=[id_comparison, *names, cl.LevenshteinAtThresholds("birth_date", [1]), cl.ExactMatch("sex")],
        blocking_rules_to_generate_predictions=[
            block_on("id_numbers", arrays_to_explode=["id_numbers"]),
            block_on("birth_date"),
            block_on("name"),
        ],
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
    )


def print_model(model, out=sys.stderr):
    print(f"prior (probability two random records match): {model['probability_two_random_records_match']:.3g}", file=out)
    for c in model["comparisons"]:
        for lv in c["comparison_levels"]:
            if lv.get("is_null_level"):
                continue
            m, u = lv.get("m_probability"), lv.get("u_probability")
            w = f"{__import__('math').log2(m / u):+.2f}" if m and u else "n/a"
            print(f"  {c['output_column_name']:<11} {lv.get('label_for_charts', lv['sql_condition'])[:60]:<60} "
                  f"m={m if m is None else round(m, 4)} u={u if u is None else round(u, 6)} weight={w}", file=out)


def main():
    import argparse

    ap = argparse.ArgumentParser(description="Splink anchor for the certificate matcher benchmark")
    ap.add_argument("registry")
    ap.add_argument("certs")
    ap.add_argument("out")
    ap.add_argument("--separate-names", action="store_true",
                    help="the first design: Chinese and Latin name as two independent comparisons")
    ap.add_argument("--no-fold", action="store_true",
                    help="do not fold traditional characters of certificate names to simplified")
    args = ap.parse_args()

    import duckdb
    import pyarrow
    import splink
    import sqlglot
    from splink import DuckDBAPI, Linker, block_on

    versions = (f"python {sys.version.split()[0]}, splink {splink.__version__}, duckdb {duckdb.__version__}, "
                f"pyarrow {pyarrow.__version__}, sqlglot {sqlglot.__version__}")
    print("versions:", versions, file=sys.stderr)
    logging.getLogger("splink").setLevel(logging.WARNING)

    t0 = time.perf_counter()
    con = duckdb.connect()
    n_reg, n_cert, n_folded = load(con, args.registry, args.certs, fold=not args.no_fold)
    t_load = time.perf_counter() - t0
    print(f"load: {t_load:.1f} s ({n_reg} registry rows, {n_cert} certificates, {n_folded} certificate names "
          f"folded to simplified), peak RSS {rss_mib():.0f} MiB", file=sys.stderr)

    t1 = time.perf_counter()
    db_api = DuckDBAPI(connection=con)
    reg = db_api.register("registry", dataset_display_name="registry")
    cer = db_api.register("certs", dataset_display_name="certs")
    linker = Linker([reg, cer], settings(args.separate_names), log_level=logging.WARNING)
    steps = {}
    ts = time.perf_counter()
    linker.training.estimate_probability_two_random_records_match(
        [block_on("name", "birth_date"), block_on("name_latin", "birth_date")], recall=0.85)
    steps["prior"], ts = time.perf_counter() - ts, time.perf_counter()
    linker.training.estimate_u_using_random_sampling(max_pairs=1e7, seed=1)
    steps["u"], ts = time.perf_counter() - ts, time.perf_counter()
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("birth_date"))
    steps["em_birth_date"], ts = time.perf_counter() - ts, time.perf_counter()
    # With separate name comparisons the second block must hold the Latin name too: a pinyin
    # Latin name is a function of the Chinese one, so in a name-only block EM takes "Latin name
    # agrees" (true of every namesake pair) for the match class and ruins the birth-date m.
    second = block_on("name", "name_latin") if args.separate_names else block_on("name")
    linker.training.estimate_parameters_using_expectation_maximisation(second)
    steps["em_name"], ts = time.perf_counter() - ts, time.perf_counter()
    linker.table_management.compute_tf_table("name")
    if not args.separate_names:
        linker.table_management.compute_tf_table("name_latin")
    model = linker.misc.save_model_to_json(args.out + ".model.json", overwrite=True)
    t_train = time.perf_counter() - t1
    steps["tf_and_save"] = time.perf_counter() - ts
    print(f"training: {t_train:.1f} s (" + ", ".join(f"{k} {v:.1f}" for k, v in steps.items())
          + f"), peak RSS {rss_mib():.0f} MiB", file=sys.stderr)
    print_model(model)

    t2 = time.perf_counter()
    pred = linker.inference.predict_between(reg, cer)
    tbl = pred.physical_name
    n_pairs, sides = con.execute(f"select count(*), list(distinct source_dataset_l) from {tbl}").fetchall()[0]
    if n_pairs and sides != ["registry"]:  # left must be the registry
        sys.exit(f"unexpected orientation of predict_between output: {sides}")
    # odds = 2^match_weight (the weight includes the prior); exclusive = odds_best / (1 + sum odds)
    top = con.execute(
        f"""select unique_id_r as cert,
                   list(struct_pack(ssn := unique_id_l, w := match_weight, p := match_probability)
                        order by match_weight desc, unique_id_l)[1:{TOP}],
                   sum(pow(2.0, least(match_weight, 1000)))
            from {tbl} group by unique_id_r"""
    ).fetchall()
    by_cert = {c: (lst, odds) for c, lst, odds in top}
    linked = linked_ex = 0
    exclusive_path = args.out[:-6] + ".exclusive.jsonl" if args.out.endswith(".jsonl") else args.out + ".exclusive"
    with open(args.out, "w", encoding="utf-8") as out, open(exclusive_path, "w", encoding="utf-8") as out_ex:
        for (cid,) in con.execute("select unique_id from certs").fetchall():
            cands, odds = by_cert.get(cid) or ([], 0.0)
            best = cands[0] if cands else None
            ssn = best["ssn"] if best and best["p"] >= THRESHOLD else None
            p_ex = None if best is None else (2.0 ** min(best["w"], 1000)) / (1.0 + odds)
            ssn_ex = best["ssn"] if best and p_ex >= THRESHOLD else None
            linked += ssn is not None
            linked_ex += ssn_ex is not None
            line = {
                "id": cid, "ssn": ssn,
                "match_probability": None if best is None else round(best["p"], 6),
                "match_weight": None if best is None else round(best["w"], 3),
                "exclusive_probability": None if p_ex is None else round(p_ex, 6),
                "candidates": [{"ssn": c["ssn"], "match_weight": round(c["w"], 3)} for c in cands],
            }
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
            line["ssn"] = ssn_ex
            out_ex.write(json.dumps(line, ensure_ascii=False) + "\n")
    t_pred = time.perf_counter() - t2
    total = time.perf_counter() - t0
    print(f"prediction: {t_pred:.1f} s ({n_pairs} scored pairs, {linked} certificates linked; "
          f"{linked_ex} with the exclusive rule), peak RSS {rss_mib():.0f} MiB", file=sys.stderr)
    print(f"total: {total:.1f} s, peak RSS {rss_mib():.0f} MiB", file=sys.stderr)
    print("timings: " + json.dumps({
        "registry_rows": n_reg, "certificates": n_cert, "scored_pairs": n_pairs, "linked": linked,
        "linked_exclusive": linked_ex, "load_s": round(t_load, 2), "training_s": round(t_train, 2),
        "training_steps_s": {k: round(v, 2) for k, v in steps.items()},
        "prediction_s": round(t_pred, 2), "total_s": round(total, 2), "peak_rss_mib": round(rss_mib()),
        "versions": versions,
    }), file=sys.stderr)


if __name__ == "__main__":
    main()
