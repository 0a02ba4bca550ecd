import Foundation
import Testing

/// Identity numbers never appear whole in what lifecert prints for people — progress lines,
/// warnings, refusals, error messages — whatever the input did wrong. (The CSV files written for
/// the office's own systems and the case view of the reviewer holding a case are the exceptions,
/// tested elsewhere; `lifecert id check` prints the number it was given, which is its job.)
@Suite(.enabled(if: geteuid() == 0, "acts as several logins, which needs root (CI runs as root)"))
struct MaskingTests {
    let repo = CommandRunner.repository
    func as_(_ who: String) -> CommandRunner { CommandRunner(environment: ["OMP_THREAD_LIMIT": "1", "LIFECERT_ACT_AS": who]) }

    /// The whole numbers a run must not show, and what the output was.
    func expectMasked(_ numbers: [String], _ r: CommandRunner.Result, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        for n in numbers where n.count >= 8 {
            #expect(!r.stdout.contains(n) && !r.stderr.contains(n), "\(what) shows \(IDMask.mask(n)) whole:\n\(r.stdout)\n\(r.stderr)",
                    sourceLocation: sourceLocation)
        }
    }

    @Test func noWholeIdentityNumberInMessagesProgressOrRefusals() throws {
        let dir = Scratch()
        let store = dir.path("s.db")
        let admin = as_("ada"), rita = as_("rita")
        #expect(try admin.run(["registry", "import", repo.appendingPathComponent("samples/registry.csv").path, "--store", store]).status == 0)
        #expect(try admin.run(["users", "add", "ada", "--role", "admin", "--store", store]).status == 0)
        #expect(try admin.run(["users", "add", "rita", "--role", "reviewer", "--store", store]).status == 0)

        // A registry extract with a wrong check digit, a Hong Kong ID with a wrong one, a good row
        // needing a correction (no phone), and a row with a bad date.
        let wrongRIC = "110105194912310021", wrongHK = "A1234565", good = "11010519491231002X", badDate = "440104195908066284"
        let extract = dir.path("extract.csv")
        try """
            ssn,name,name_latin,sex,birth_date,id_type,id_number,benefit_type,benefit_status,eligible,residence,last_certified_on,phone,office
            \(wrongRIC),王伟,,M,1949-12-31,CN_RIC,\(wrongRIC),ENTERPRISE_PENSION,NORMAL,Y,CA,2025-12-05,+1 604 555 0101,440100
            900000000777,陈大文,CHAN Tai Man,M,1950-01-01,HK_ID,\(wrongHK),ENTERPRISE_PENSION,NORMAL,Y,HK,2025-12-05,+852 5555 0101,440100
            \(good),李娜,,F,1949-12-31,CN_RIC,\(good),ENTERPRISE_PENSION,NORMAL,Y,CA,2025-12-05,,440100
            \(badDate),张敏,,F,1959-02-30,CN_RIC,\(badDate),ENTERPRISE_PENSION,NORMAL,Y,CA,2025-12-05,+1 604 555 0102,440100

            """.write(toFile: extract, atomically: true, encoding: .utf8)
        let imported = try admin.run(["registry", "import", extract, "--store", store, "--rejects", dir.path("rejects.csv")])
        #expect(imported.status == 3, "\(imported.stderr)")
        #expect(imported.stderr.contains("rejected"))
        expectMasked([wrongRIC, wrongHK, good, badDate], imported, "registry import")

        // A consular batch with a wrong check digit and an unknown but valid number.
        let unknown = "110101195001011232"
        let batch = dir.path("batch.csv")
        try """
            batch_id,record_id,channel,mission,name,sex,birth_date,id_type,id_number,passport_number,certified_at,certificate_no
            MASK,R1,CONSULAR_APP,PRC Embassy in Canada,王伟,M,1949-12-31,CN_RIC,\(wrongRIC),E12345678,2026-11-02T10:00:00+08:00,
            MASK,R2,CONSULAR_APP,PRC Embassy in Canada,赵强,M,1950-01-01,CN_RIC,\(unknown),E87654321,2026-11-02T10:00:00+08:00,

            """.write(toFile: batch, atomically: true, encoding: .utf8)
        let batchRun = try admin.run(["import", "consular", batch, "--store", store, "--today", "2026-11-25", "--report", dir.path("report.csv")])
        #expect(batchRun.status == 3, "\(batchRun.stderr)")
        expectMasked([wrongRIC, unknown, "E12345678", "E87654321"], batchRun, "import consular")

        // Intake of real scans: the numbers they print.
        let scans = ["scan-001-consular-2015.pdf", "scan-004-hk-ftu.png", "scan-011-foreign-notary.png"]
        var printed: [String] = []
        for s in scans {
            let truth = try JSONSerialization.jsonObject(with: Data(contentsOf: repo.appendingPathComponent("samples/truth/\(s).json"))) as? [String: Any]
            let ids = ((truth?["fields"] as? [String: Any])?["ids"] as? [[String: Any]]) ?? []
            printed += ids.compactMap { $0["number"] as? String }
            if let ssn = truth?["ssn"] as? String { printed.append(ssn) }
        }
        #expect(printed.count >= 4)
        let intake = try as_("ada").run(["intake"] + scans.map { repo.appendingPathComponent("samples/scans/\($0)").path }
                                        + ["--store", store, "--forms", repo.appendingPathComponent("forms").path, "--today", "2026-11-25"])
        #expect(intake.status == 0, "\(intake.stderr)")
        expectMasked(printed, intake, "intake")

        // Refusals and lookups that name a number.
        let show = try rita.run(["registry", "show", unknown, "--store", store])
        #expect(show.status == 6, "\(show.stderr)")
        expectMasked([unknown], show, "registry show of an unknown number")
        #expect(try rita.run(["case", "claim", "1", "--store", store]).status == 0)
        let correction = try rita.run(["case", "correct", "1", "--field", "id", "--value", "CN_RIC:\(wrongRIC)", "--reason", "typed from the scan", "--store", store])
        #expect(correction.status != 0)
        expectMasked([wrongRIC], correction, "a refused correction")
        let approve = try rita.run(["case", "approve", "1", "--recipient", unknown, "--store", store, "--today", "2026-11-25"])
        #expect(approve.status != 0)
        expectMasked([unknown], approve, "an approval naming an unknown recipient")
    }
}

/// The masking the messages use, for the test's own messages (never print what is being hidden).
enum IDMask {
    static func mask(_ n: String) -> String { n.count <= 4 ? "****" : String(n.prefix(2)) + String(repeating: "*", count: n.count - 4) + String(n.suffix(2)) }
}
