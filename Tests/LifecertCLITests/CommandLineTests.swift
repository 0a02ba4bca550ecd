import Foundation
import LifecertDomain
import LifecertStore
import Testing

/// End-to-end: the `lifecert` binary on the bundled samples, the way the README uses it.
@Suite struct CommandLineTests {
    let cli = CommandRunner()
    var samples: String { CommandRunner.repository.appendingPathComponent("samples/registry.csv").path }

    @Test func idCheckSaysWhatANumberIsAndExitsByValidity() throws {
        let ok = try cli.run(["id", "check", "１１０１０５１９４９１２３１００２ｘ", "--json"])
        #expect(ok.status == 0)
        let json = try JSONSerialization.jsonObject(with: Data(ok.stdout.utf8)) as! [String: Any]
        #expect(json["type"] as? String == "CN_RIC")
        #expect(json["normalized"] as? String == "11010519491231002X")
        #expect((json["encodes"] as! [String: Any])["birth_date"] as? String == "1949-12-31")
        #expect((json["encodes"] as! [String: Any])["sex"] as? String == "F")
        let bad = try cli.run(["id", "check", "A123456(4)"])
        #expect(bad.status == 1)
        #expect(bad.stdout.contains("check character is '4' but the other characters give '3'"))
        let unknownType = try cli.run(["id", "check", "A1234563", "--type", "SSN"])
        #expect(unknownType.status == 1)
        #expect(unknownType.stderr.contains("is not one of CN_RIC"))
    }

    @Test func importingTheSampleRegistryTwiceChangesNothingTheSecondTime() throws {
        let dir = Scratch()
        let store = dir.path("s.db")
        let first = try cli.run(["registry", "import", samples, "--store", store])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("3,000 inserted, 0 updated, 0 unchanged, 0 rejected"))
        let second = try cli.run(["registry", "import", samples, "--store", store])
        #expect(second.status == 0)
        #expect(second.stdout.contains("0 inserted, 0 updated, 3,000 unchanged, 0 rejected"))
    }

    @Test func theSameExtractSavedAsGBKGivesTheSameStoreContents() throws {
        let dir = Scratch()
        let gbk = dir.path("registry-gbk.csv")
        let iconv = Process()
        iconv.executableURL = URL(fileURLWithPath: "/usr/bin/iconv")
        iconv.arguments = ["-f", "UTF-8", "-t", "GBK", "-o", gbk, samples]
        try iconv.run()
        iconv.waitUntilExit()
        #expect(iconv.terminationStatus == 0)
        let a = try cli.run(["registry", "import", samples, "--store", dir.path("utf8.db")])
        let b = try cli.run(["registry", "import", gbk, "--store", dir.path("gbk.db")])
        #expect(a.status == 0 && b.status == 0, "\(b.stderr)")
        #expect(b.stdout.contains("(GB18030)"))
        let su = try Store(path: TestBackend.location(dir.path("utf8.db")))
        let sg = try Store(path: TestBackend.location(dir.path("gbk.db")))
        let ssns = try String(contentsOfFile: samples, encoding: .utf8).split(separator: "\n").dropFirst()
            .map { String($0.prefix(while: { $0 != "," })) }
        #expect(ssns.count == 3000)
        for ssn in ssns {
            let x = try su.recipient(ssn: ssn)
            #expect(x != nil)
            #expect(x == (try sg.recipient(ssn: ssn)), "recipient \(ssn) differs")
        }
    }

    @Test func aFileWithBrokenRowsLoadsEveryGoodRowAndNamesEveryBadOne() throws {
        let dir = Scratch()
        let file = dir.path("broken.csv")
        let gen = try cli.run(["registry", "--count", "400", "--broken", "16", "--seed", "3", "-o", file], tool: "lifecert-samples")
        #expect(gen.status == 0)
        let r = try cli.run(["registry", "import", file, "--store", dir.path("s.db"), "--rejects", dir.path("rejects.csv")])
        #expect(r.status == 3)
        #expect(r.stdout.contains("400 inserted"))
        #expect(r.stdout.contains("16 rejected"))
        let lines = r.stderr.split(separator: "\n").filter { $0.contains(": rejected: ") }
        #expect(lines.count == 16)
        // Every rejected line number really holds a broken row.
        let fileLines = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        for l in lines {
            let n = Int(l.split(separator: ":")[1])!
            #expect(n > 1 && n <= fileLines.count)
        }
        let report = try String(contentsOfFile: dir.path("rejects.csv"), encoding: .utf8)
        #expect(report.split(separator: "\n").count == 17)
    }

    @Test func showDueAndOverdueAnswerWhenCertificationRunsOut() throws {
        let dir = Scratch()
        let file = dir.path("r.csv")
        try """
        ssn,name,name_latin,sex,birth_date,id_type,id_number,benefit_type,benefit_status,eligible,residence,last_certified_on,phone,office
        11010519491231002X,王秀英,WANG Xiuying,F,1949-12-31,CN_RIC,11010519491231002X,ENTERPRISE_PENSION,NORMAL,Y,CA,2025-12-20,+1 6045550101,440100
        900000000001,陳大文,CHAN Tai Man,M,1950-06-01,HK_ID,A123456(3),WORK_INJURY,NORMAL,Y,HK,2025-09-15,,440300

        """.write(toFile: file, atomically: true, encoding: .utf8)
        let store = dir.path("s.db")
        #expect(try cli.run(["registry", "import", file, "--store", store]).status == 0)
        let show = try cli.run(["registry", "show", "a123456(3)", "--store", store, "--json", "--today", "2026-11-29"])
        #expect(show.status == 0, "\(show.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as! [String: Any]
        #expect(json["ssn"] as? String == "900000000001")
        #expect(json["certification_valid_until"] as? String == "2026-09-30")
        #expect(json["suspended_from"] as? String == "2026-10")
        #expect(json["lapsed"] as? Bool == true)
        #expect((json["history"] as? [Any])?.isEmpty == true)

        let due = try cli.run(["registry", "due", "--within", "60d", "--csv", "--store", store, "--today", "2026-11-29"])
        #expect(due.status == 0)
        let rows = due.stdout.split(separator: "\n")
        #expect(rows.count == 2)
        #expect(rows[1].hasPrefix("11010519491231002X,王秀英"))
        #expect(rows[1].contains("2026-12-31"))

        let overdue = try cli.run(["registry", "overdue", "--month", "2026-10", "--csv", "--store", store])
        #expect(overdue.stdout.split(separator: "\n").count == 2)
        #expect(overdue.stdout.contains("900000000001"))
        #expect(overdue.stdout.contains(",1201,"))

        let missing = try cli.run(["registry", "show", "999", "--store", store])
        #expect(missing.status == 6)
    }

    @Test func badInputAndBadStoresGetClearMessagesAndDocumentedExitCodes() throws {
        let dir = Scratch()
        let none = try cli.run(["registry", "import", dir.path("missing.csv"), "--store", dir.path("s.db")])
        #expect(none.status == 4)
        #expect(none.stderr.contains("missing.csv"))
        #expect(!none.stderr.contains("Fatal error"))

        try "ssn,name\n1,x\n".write(toFile: dir.path("short.csv"), atomically: true, encoding: .utf8)
        let short = try cli.run(["registry", "import", dir.path("short.csv"), "--store", dir.path("s.db")])
        #expect(short.status == 4)
        #expect(short.stderr.contains("line 1"))
        #expect(short.stderr.contains("birth_date"))

        try "this is not a database".write(toFile: dir.path("text.db"), atomically: true, encoding: .utf8)
        // (A file that is not a store: SQLite only; StoreTests has PostgreSQL's database of other tables.)
        var plain = CommandRunner()
        plain.mapsStores = false
        let notStore = try plain.run(["store", "info", "--store", dir.path("text.db")])
        #expect(notStore.status == 5)
        #expect(notStore.stderr.contains("is not a lifecert store"))

        try "validity_months: 12\nsuspension_month_offset: 11\n".write(toFile: dir.path("policy.yaml"), atomically: true, encoding: .utf8)
        let policy = try cli.run(["policy", "show", "--policy", dir.path("policy.yaml")])
        #expect(policy.status == 7)
        #expect(policy.stderr.contains("suspension_month_offset is 11"))

        try "back_pay_schedules:\n  PENSION: CUTOFF_DAY\n".write(toFile: dir.path("p2.yaml"), atomically: true, encoding: .utf8)
        let p2 = try cli.run(["policy", "show", "--policy", dir.path("p2.yaml")])
        #expect(p2.status == 7)
        #expect(p2.stderr.contains("'PENSION' is not a benefit type"))
    }

    @Test func aPolicyFileChangesTheComputedDates() throws {
        let dir = Scratch()
        try "validity_months: 6\nsuspension_month_offset: 7\n".write(toFile: dir.path("lifecert-policy.yaml"), atomically: true, encoding: .utf8)
        let store = dir.path("s.db")
        // A policy file beside a store file is found; a PostgreSQL store has no "beside", so it is named.
        let policy = TestBackend.isPostgres ? ["--policy", dir.path("lifecert-policy.yaml")] : []
        #expect(try cli.run(["registry", "import", samples, "--store", store] + policy).status == 0)
        let first = try String(contentsOfFile: samples, encoding: .utf8).split(separator: "\n")[1]
        let fields = first.split(separator: ",", omittingEmptySubsequences: false)
        let show = try cli.run(["registry", "show", String(fields[0]), "--store", store, "--json"] + policy)
        let json = try JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as! [String: Any]
        let certified = LocalDate(iso: fields[11])!
        let expected = certified.yearMonth.adding(months: 6).lastDay
        #expect(json["certification_valid_until"] as? String == expected.description)
    }

    @Test func theBinarySetsTheOpenMPThreadLimitForTesseract() throws {
        // The binary re-executes itself with OMP_THREAD_LIMIT=1; `version` links Tesseract.
        let r = try cli.run(["version"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("tesseract 5"))
        #expect(r.stdout.contains("poppler-glib"))
    }
}
