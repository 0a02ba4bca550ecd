import Foundation
@testable import LifecertStore
import Testing

/// README.md's table "Who may do what", one test per row: every role tries the row's commands
/// through the real binary, and exactly the roles the table ticks succeed; the others get exit
/// status 8 with a sentence naming their role, and nothing changes. Acting as several logins needs
/// root (LIFECERT_ACT_AS is honoured only for root; CI runs as root).
@Suite(.enabled(if: geteuid() == 0, "acts as several logins, which needs root (CI runs as root)"))
struct AccessTests {
    static let roles = ["clerk", "reviewer", "senior", "admin", "auditor"]
    let repo = CommandRunner.repository

    func as_(_ who: String) -> CommandRunner { CommandRunner(environment: ["OMP_THREAD_LIMIT": "1", "LIFECERT_ACT_AS": who]) }

    /// A store with 40 cases waiting for review (opened by the clerk `mailroom`), and one user per
    /// role: `clerk1`, `reviewer1`, `senior1`, `admin1`, `auditor1`.
    func store(_ dir: Scratch) throws -> String {
        let path = dir.path("s.db")
        let seed = try CommandRunner().run(["seed", "--store", path, "--cases", "40", "--reviewers", "1"], tool: "lifecert-load")
        #expect(seed.status == 0, "\(seed.stderr)")
        for role in Self.roles where role != "reviewer" {  // the seed added reviewer1
            let r = try as_("admin").run(["users", "add", "\(role)1", "--role", role, "--store", path])
            #expect(r.status == 0, "\(r.stderr)")
        }
        return path
    }

    /// Runs `arguments` as each role's user; checks that exactly `allowed` succeed (`expect(status)`
    /// for the others: 8) and returns the results by role.
    @discardableResult
    func row(_ store: String, allowed: Set<String>, _ arguments: (String) -> [String],
             sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: CommandRunner.Result] {
        var results: [String: CommandRunner.Result] = [:]
        for role in Self.roles {
            let r = try as_("\(role)1").run(arguments(role) + ["--store", store, "--today", "2026-11-25"])
            results[role] = r
            if allowed.contains(role) {
                #expect(r.status == 0, "\(role) should be allowed: \(arguments(role)) → \(r.status) \(r.stderr)", sourceLocation: sourceLocation)
            } else {
                #expect(r.status == 8, "\(role) should be refused: \(arguments(role)) → \(r.status) \(r.stderr)", sourceLocation: sourceLocation)
                #expect(r.stderr.contains("is a\(role == "admin" || role == "auditor" ? "n" : "") \(role) and may not"),
                        "\(role): \(r.stderr)", sourceLocation: sourceLocation)
            }
        }
        return results
    }

    func count(_ store: String, _ sql: String) throws -> Int {
        try TestBackend.reader(store).read { try Int.fetchOne($0, sql: sql) ?? -1 }
    }

    @Test func readingIsForEveryRoleAndNoOneElse() throws {
        let dir = Scratch()
        let s = try store(dir)
        for command in [["cases", "--limit", "5"], ["case", "show", "1"], ["registry", "show", "900000000001"],
                        ["registry", "due", "--within", "400d"], ["registry", "overdue", "--month", "2027-12"],
                        ["match", "explain", "1"], ["report"], ["audit", "verify"]] {
            try row(s, allowed: Set(Self.roles)) { _ in command }
            // A login that is not a user is refused even for reading.
            let stranger = try as_("mallory").run(command + ["--store", s, "--today", "2026-11-25"])
            #expect(stranger.status == 8, "\(command): \(stranger.stderr)")
            #expect(stranger.stderr.contains("mallory is not a lifecert user"), "\(stranger.stderr)")
        }
    }

    @Test func onlyAdministratorsLoadTheRegistry() throws {
        let dir = Scratch()
        let s = try store(dir)
        let file = repo.appendingPathComponent("samples/registry.csv").path
        try row(s, allowed: ["admin"]) { _ in ["registry", "import", file] }
        #expect(try count(s, "SELECT count(*) FROM imports WHERE kind = 'REGISTRY'") == 2)  // the seed's and the admin's
    }

    @Test func theMailroomRolesTakeInAndReadScans() throws {
        let dir = Scratch()
        let s = try store(dir)
        // Archive only (`--queue`), a different scan for each role, so no run is a duplicate.
        let scans = ["clerk": "scan-004-hk-ftu.png", "reviewer": "scan-019-hk-had.png", "senior": "scan-020-hk-attesting.png",
                     "admin": "scan-027-none.png", "auditor": "scan-028-none.png"]
        try row(s, allowed: ["clerk", "reviewer", "senior", "admin"]) { role in
            ["intake", repo.appendingPathComponent("samples/scans/\(scans[role]!)").path, "--queue",
             "--forms", repo.appendingPathComponent("forms").path]
        }
        #expect(try count(s, "SELECT count(*) FROM scans WHERE original_name LIKE '%scan-0%'") == 4)
        // A worker with nothing it may read: the auditor is refused before taking any scan.
        let worker = try as_("auditor1").run(["worker", "--until-empty", "--store", s, "--forms", repo.appendingPathComponent("forms").path])
        #expect(worker.status == 8, "\(worker.stderr)")
        #expect(try count(s, "SELECT count(*) FROM scans WHERE lease_owner IS NOT NULL") == 0)
    }

    @Test func clerksAndAdministratorsImportConsularBatches() throws {
        let dir = Scratch()
        let s = try store(dir)
        let header = "batch_id,record_id,channel,mission,name,sex,birth_date,id_type,id_number,passport_number,certified_at,certificate_no\n"
        try row(s, allowed: ["clerk", "admin"]) { role in
            let file = dir.path("batch-\(role).csv")
            try? (header + "ACCESS-\(role),R1,CONSULAR_APP,PRC Embassy in Canada,陈大文,M,1950-06-01,FOREIGN_PASSPORT,PA1234567,,2026-11-02T10:00:00+08:00,\n")
                .write(toFile: file, atomically: true, encoding: .utf8)
            return ["import", "consular", file, "--report", dir.path("report-\(role).csv")]
        }
        #expect(try count(s, "SELECT count(*) FROM batch_rows") == 2)
    }

    @Test func reviewersAndSeniorsClaimCorrectReleaseRejectAndReturn() throws {
        let dir = Scratch()
        let s = try store(dir)
        // Each role gets its own case for each action, so that an allowed action never meets
        // another's claim.
        var next = 0
        func caseFor(_ role: String) -> String { next += 1; return String(next) }
        try row(s, allowed: ["reviewer", "senior"]) { role in ["case", "claim", caseFor(role)] }
        try row(s, allowed: ["reviewer", "senior"]) { role in ["case", "release", String(Self.roles.firstIndex(of: role)! + 1)] }
        for (action, extra) in [("reject", ["--code", "R01", "--message", "The certificate is older than six months."]),
                                ("return", ["--code", "R05", "--message", "Please send the page with the seal."])] {
            var ids: [String: String] = [:]
            for role in Self.roles { ids[role] = caseFor(role) }
            // The allowed roles claim first, as the queue does; the others cannot claim at all.
            for role in ["reviewer", "senior"] {
                #expect(try as_("\(role)1").run(["case", "claim", ids[role]!, "--store", s]).status == 0)
            }
            try row(s, allowed: ["reviewer", "senior"]) { role in ["case", action, ids[role]!] + extra }
        }
        var ids: [String: String] = [:]
        for role in Self.roles { ids[role] = caseFor(role) }
        for role in ["reviewer", "senior"] { #expect(try as_("\(role)1").run(["case", "claim", ids[role]!, "--store", s]).status == 0) }
        try row(s, allowed: ["reviewer", "senior"]) { role in
            ["case", "correct", ids[role]!, "--field", "birth_date", "--value", "1950-06-01", "--reason", "read again from the scan"]
        }
        try row(s, allowed: ["reviewer", "senior"]) { _ in ["case", "next"] }
        #expect(try count(s, "SELECT count(*) FROM cases WHERE state = 'REJECTED'") == 2)
        #expect(try count(s, "SELECT count(*) FROM cases WHERE state = 'RETURNED'") == 2)
    }

    @Test func reviewersAndSeniorsApproveButNeverTheirOwnScans() throws {
        let dir = Scratch()
        let s = try store(dir)
        var ids: [String: String] = [:]
        for (i, role) in Self.roles.enumerated() { ids[role] = String(i + 1) }
        for role in ["reviewer", "senior"] { #expect(try as_("\(role)1").run(["case", "claim", ids[role]!, "--store", s]).status == 0) }
        try row(s, allowed: ["reviewer", "senior"]) { role in ["case", "approve", ids[role]!] }
        #expect(try count(s, "SELECT count(*) FROM certification_records") == 2)
        // The clerk who opened the cases may not approve one even with a reviewer's role.
        #expect(try as_("admin").run(["users", "set-role", "mailroom", "--role", "reviewer", "--store", s]).status == 0)
        let own = try as_("mailroom").run(["case", "approve", "10", "--store", s, "--today", "2026-11-25"])
        #expect(own.status == 8, "\(own.stderr)")
        #expect(own.stderr.contains("maker–checker"), "\(own.stderr)")
    }

    @Test func seniorsAndAdministratorsRevokeRecords() throws {
        let dir = Scratch()
        let s = try store(dir)
        for id in 1...5 {
            #expect(try as_("reviewer1").run(["case", "approve", String(id), "--store", s, "--today", "2026-11-25"]).status == 0)
        }
        try row(s, allowed: ["senior", "admin"]) { role in
            ["records", "revoke", String(Self.roles.firstIndex(of: role)! + 1), "--reason", "certified the wrong person"]
        }
        #expect(try count(s, "SELECT count(*) FROM certification_revocations") == 2)
    }

    @Test func onlyAdministratorsExportRecords() throws {
        let dir = Scratch()
        let s = try store(dir)
        #expect(try as_("reviewer1").run(["case", "approve", "1", "--store", s, "--today", "2026-11-25"]).status == 0)
        let results = try row(s, allowed: ["admin"]) { _ in ["records", "export", "--since", "2026-01-01", "--csv"] }
        #expect(results["admin"]?.stdout.contains("900000000000") == true)
        for role in Self.roles where role != "admin" { #expect(results[role]?.stdout.contains("900000000000") == false) }
        #expect(try count(s, "SELECT count(*) FROM record_exports") == 1)
    }

    @Test func onlyAdministratorsManageUsers() throws {
        let dir = Scratch()
        let s = try store(dir)
        try row(s, allowed: ["admin"]) { role in ["users", "add", "new-\(role)", "--role", "clerk"] }
        try row(s, allowed: ["admin"]) { role in ["users", "set-role", "new-admin", "--role", role == "admin" ? "reviewer" : "senior"] }
        try row(s, allowed: ["admin"]) { _ in ["users", "deactivate", "new-admin"] }
        #expect(try count(s, "SELECT count(*) FROM users WHERE login LIKE 'new-%'") == 1)
        // Every change of a role is in the hash chain.
        #expect(try count(s, "SELECT count(*) FROM events WHERE action IN ('ROLE_CHANGED', 'USER_DEACTIVATED')") == 2)
        #expect(try as_("auditor1").run(["audit", "verify", "--store", s]).status == 0)
    }
}
