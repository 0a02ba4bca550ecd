import Foundation
import LifecertStore
import Testing

/// `lifecert import consular`, `lifecert report` and the reminder lists, as an office runs them.
@Suite struct ImportCommandTests {
    let cli = CommandRunner(environment: ["OMP_THREAD_LIMIT": "1"])
    let repo = CommandRunner.repository

    @Test func importReportAndRemindersFromTheCommandLine() throws {
        let dir = Scratch()
        let store = dir.path("s.db")
        let batch = repo.appendingPathComponent("samples/consular-batch.csv").path
        #expect(try cli.run(["registry", "import", repo.appendingPathComponent("samples/registry.csv").path, "--store", store]).status == 0)
        // Importing needs a user with the right role.
        let refused = try cli.run(["import", "consular", batch, "--store", store, "--today", "2026-11-25"])
        #expect(refused.status == 8 && refused.stderr.contains("not a lifecert user"))
        #expect(try cli.run(["users", "add", Store.currentLogin(), "--role", "admin", "--store", store]).status == 0)
        let first = try cli.run(["import", "consular", batch, "--store", store, "--today", "2026-11-25", "--report", dir.path("r1.csv")])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("200 rows") && first.stdout.contains("already known 0"))
        let report = try String(contentsOfFile: dir.path("r1.csv"), encoding: .utf8).split(separator: "\n")
        #expect(report.count == 201 && report[0] == "line,batch_id,record_id,outcome,case_id,record_id_written,reason")
        let again = try cli.run(["import", "consular", batch, "--store", store, "--today", "2026-11-25", "--report", dir.path("r2.csv")])
        #expect(again.stdout.contains("already known 200"))

        // A bad row: named by file and line, exit status 3, the good row still in.
        let lines = try String(contentsOfFile: batch, encoding: .utf8).split(separator: "\n").map(String.init)
        let bad = dir.path("bad.csv")
        try ([lines[0], lines[1].replacingOccurrences(of: "MFA-2026-11", with: "MFA-2026-12"), "MFA-2026-12,X1,CONSULAR_FAX,m,n,M,1950-01-01,CN_RIC,1,,2026-10-01T10:00Z,"]
                .joined(separator: "\n") + "\n").write(toFile: bad, atomically: true, encoding: .utf8)
        let b = try cli.run(["import", "consular", bad, "--store", store, "--today", "2026-11-25", "--report", dir.path("r3.csv")])
        #expect(b.status == 3 && b.stderr.contains("\(bad):3: rejected: channel 'CONSULAR_FAX'"), "\(b.stderr)")
        #expect(b.stdout.contains("rejected 1"))

        // The supervisor's report.
        let r = try cli.run(["report", "--store", store, "--today", "2026-11-25", "--csv"])
        #expect(r.status == 0 && r.stdout.contains("cases by state,APPROVED,") && r.stdout.contains("certifications per channel per month,"))
        #expect(r.stdout.contains("\"decisions per reviewer, last 30 days\",system approved,"))

        // Reminders: the SMS list and, apart, the people to correct first; together everyone due.
        let due = try cli.run(["registry", "due", "--within", "60d", "--csv", "--store", store, "--today", "2026-11-25",
                               "--sms", dir.path("sms.csv"), "--corrections", dir.path("fix.csv")])
        let everyone = due.stdout.split(separator: "\n").count - 1
        let sms = try String(contentsOfFile: dir.path("sms.csv"), encoding: .utf8).split(separator: "\n").dropFirst()
        let fix = try String(contentsOfFile: dir.path("fix.csv"), encoding: .utf8).split(separator: "\n").dropFirst()
        #expect(sms.count + fix.count == everyone && !sms.isEmpty && !fix.isEmpty)
        #expect(sms.allSatisfy { $0.first == "+" })   // the SMS gateway's file keeps phone numbers plain
        #expect(fix.allSatisfy { $0.contains("no phone") || $0.contains("18-digit") })

        // Lists on screen carry identity numbers and SSNs masked (the CSV files above are for the
        // office's own systems and keep them whole).
        let unmasked = #"(?<![0-9*])[0-9]{11,17}[0-9X](?![0-9])"#
        for args in [["cases", "--limit", "300"], ["registry", "due", "--within", "60d"], ["registry", "overdue", "--month", "2026-12"]] {
            let out = try cli.run(args + ["--store", store, "--today", "2026-11-25"])
            #expect(out.status == 0)
            #expect(out.stdout.range(of: unmasked, options: .regularExpression) == nil, "\(args[0]) shows a whole number")
        }
    }

    @Test func spreadsheetExportsNeutraliseFormulas() throws {
        let dir = Scratch()
        let store = dir.path("s.db")
        // A registry row and a batch row that would run in a spreadsheet.
        let registry = dir.path("r.csv")
        try """
            ssn,name,name_latin,sex,birth_date,id_type,id_number,benefit_type,benefit_status,eligible,residence,last_certified_on,phone,office
            900000000001,"=HYPERLINK(""http://x"",""y"")",@SUM(A1),M,1949-12-31,CN_RIC,11010519491231002X,ENTERPRISE_PENSION,NORMAL,Y,CA,2025-12-05,+1 604 555 0101,440100

            """.write(toFile: registry, atomically: true, encoding: .utf8)
        #expect(try cli.run(["registry", "import", registry, "--store", store]).status == 0)
        let due = try cli.run(["registry", "due", "--within", "60d", "--csv", "--store", store, "--today", "2026-11-25"]).stdout
        let row = try #require(due.split(separator: "\n").dropFirst().first.map(String.init))
        #expect(row.contains(#""'=HYPERLINK(""http://x"",""y"")""#) && row.contains(",'@SUM(A1),"), "\(row)")
        #expect(row.contains(",'+1 604 555 0101,"))   // neutralised too; the SMS gateway's file keeps it plain
        #expect(try cli.run(["users", "add", Store.currentLogin(), "--role", "admin", "--store", store]).status == 0)
        let batch = dir.path("b.csv")
        try """
            batch_id,record_id,channel,mission,name,sex,birth_date,id_type,id_number,passport_number,certified_at,certificate_no
            -2+3,=cmd|' /C calc'!A0,CONSULAR_APP,m,王秀英,M,1949-12-31,CN_RIC,11010519491231002X,,2026-10-01T10:00:00Z,

            """.write(toFile: batch, atomically: true, encoding: .utf8)
        #expect(try cli.run(["import", "consular", batch, "--store", store, "--today", "2026-11-25", "--report", dir.path("rep.csv")]).status == 0)
        let report = try String(contentsOfFile: dir.path("rep.csv"), encoding: .utf8)
        #expect(report.contains(",'=cmd|' /C calc'!A0,"), "\(report)")
        #expect(report.contains("\n2,'-2+3,"))
    }
}
