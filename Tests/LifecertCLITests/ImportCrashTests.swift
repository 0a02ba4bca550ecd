import Foundation
@testable import LifecertStore
import Testing

/// `lifecert import consular` killed with SIGKILL at random moments, at least 20 times, then run to
/// the end: the store must equal, row for row, the store of one clean run of the same file.
@Suite struct ImportCrashTests {
    let repo = CommandRunner.repository
    let cli = CommandRunner(environment: ["OMP_THREAD_LIMIT": "1"])

    /// A batch file of `count` rows for real recipients of samples/registry.csv.
    func batchFile(_ path: String, count: Int) throws {
        let registry = try String(contentsOfFile: repo.appendingPathComponent("samples/registry.csv").path, encoding: .utf8)
            .split(whereSeparator: \.isNewline).dropFirst().map { $0.components(separatedBy: ",") }
        var out = "batch_id,record_id,channel,mission,name,sex,birth_date,id_type,id_number,passport_number,certified_at,certificate_no\n"
        for (i, r) in registry.prefix(count).enumerated() {
            // ssn,name,name_latin,sex,birth_date,id_type,id_number,benefit_type,benefit_status,…
            let channel = i % 3 == 0 ? "CONSULATE_CERT" : "CONSULAR_APP"
            out += "CRASH-1,R\(i),\(channel),中华人民共和国驻加拿大大使馆,\"\(r[1])\",\(r[3]),\(r[4]),\(r[5]),\(r[6]),,2026-10-\(10 + i % 15)T10:00:00+08:00,\(channel == "CONSULATE_CERT" ? "C\(i)" : "")\n"
        }
        try out.write(toFile: path, atomically: true, encoding: .utf8)
    }

    func prepare(_ store: String) throws {
        #expect(try cli.run(["registry", "import", repo.appendingPathComponent("samples/registry.csv").path, "--store", store]).status == 0)
        #expect(try cli.run(["users", "add", Store.currentLogin(), "--role", "admin", "--store", store]).status == 0)
    }

    func importArguments(_ file: String, _ store: String, _ dir: Scratch) -> [String] {
        ["import", "consular", file, "--store", store, "--today", "2026-11-25", "--chunk", "20", "--report", dir.path("report-\(UUID().uuidString).csv")]
    }

    /// The rows that must be the same after a clean run and after crashes (timestamps and hashes aside).
    func dump(_ path: String) throws -> [String] {
        let db = try TestBackend.reader(path)
        return try db.read { db in
            var out: [String] = []
            for (table, sql) in [
                ("cases", "SELECT id, import_id, source_row, state, kind, form, fields, recipient_ssn, match_decision, link_flags, created_by FROM cases ORDER BY id"),
                ("records", "SELECT id, ssn, certified_on, channel, case_id, batch_id, batch_record_id, examined_by, approved_by, valid_until, restores_payment, back_pay_due, alive_only FROM certification_records ORDER BY id"),
                ("approvals", "SELECT case_id, approver, role, recipient_ssn FROM case_approvals ORDER BY id"),
                ("batch_rows", "SELECT batch_id, record_id, content_sha256, import_id, line, case_id FROM batch_rows ORDER BY batch_id, record_id"),
                ("import_rows", "SELECT * FROM import_rows ORDER BY import_id, line"),
                ("recipients", "SELECT ssn, benefit_status, last_certified_on, valid_until, suspended_from FROM recipients ORDER BY ssn"),
                ("events", "SELECT actor, entity, entity_id, action, before, after, reason FROM events WHERE entity <> 'import' ORDER BY id"),
            ] {
                for row in try SQLRow.fetchAll(db, sql: sql) {
                    out.append(table + ": " + row.columnNames.map { row.value($0).description }.joined(separator: "|"))
                }
            }
            return out
        }
    }

    @Test func killedTwentyTimesAndResumedItEqualsOneCleanRun() throws {
        let dir = Scratch()
        let file = dir.path("batch.csv")
        try batchFile(file, count: 3000)
        let clean = dir.path("clean.db"), crashed = dir.path("crashed.db")
        try prepare(clean)
        try prepare(crashed)
        let once = try cli.run(importArguments(file, clean, dir))
        #expect(once.status == 0, "\(once.stderr)")

        // Each run is killed at a random moment after it has committed at least one more chunk
        // than the run before (so every kill lands mid-import, however slow the machine is).
        let reader = try TestBackend.reader(crashed)
        func committed() throws -> Int {
            try reader.read { db in
                try Int.fetchOne(db, sql: "SELECT committed_line FROM imports WHERE kind = 'CONSULAR'") ?? 0
            }
        }
        var kills = 0, attempts = 0, finishedEarly = 0
        let binary = CommandRunner.productsFolder.appendingPathComponent("lifecert")
        while kills < 20 && attempts < 40 {
            attempts += 1
            let before = try committed()
            let p = Process()
            p.executableURL = binary
            let mapped = TestBackend.arguments(importArguments(file, crashed, dir))
            p.arguments = mapped.arguments
            p.environment = ProcessInfo.processInfo.environment.merging(["OMP_THREAD_LIMIT": "1"]) { $1 }.merging(mapped.environment) { $1 }
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            var polls = 0
            while p.isRunning, try committed() <= before, polls < 24_000 { usleep(5_000); polls += 1 }
            usleep(UInt32.random(in: 0...50_000))
            if p.isRunning {
                kill(p.processIdentifier, SIGKILL)
                kills += 1
            } else {
                finishedEarly += 1
            }
            p.waitUntilExit()
            if finishedEarly > 0 { break }
        }
        // The kills landed mid-import: some rows committed, the import not finished.
        let position = try reader.read { db in
            try SQLRow.fetchOne(db, sql: "SELECT status, committed_line FROM imports WHERE kind = 'CONSULAR'")
        }
        print("import killed \(kills) times (\(finishedEarly) run(s) ended before the kill); committed up to line \(position?["committed_line"] ?? 0) of 3001")
        #expect(kills >= 20)
        #expect((position?["status"] as String?) == "RUNNING")
        #expect(((position?["committed_line"] as Int?) ?? 0) > 21)
        let last = try cli.run(importArguments(file, crashed, dir))
        #expect(last.status == 0, "\(last.stderr)")
        let a = try dump(clean), b = try dump(crashed)
        #expect(a.count == b.count)
        let firstDifference = zip(a, b).first { $0 != $1 }
        #expect(firstDifference == nil, "first difference: \(firstDifference.map { "\($0.0)\n≠ \($0.1)" } ?? "")")
        #expect(try cli.run(["audit", "verify", "--store", crashed]).status == 0)
    }
}
