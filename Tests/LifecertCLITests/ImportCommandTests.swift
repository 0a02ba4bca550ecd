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
        #expect(sms.allSatisfy { $0.first == "+" })   // a phone number is not mangled by formula neutralising
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
}
