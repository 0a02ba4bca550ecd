import Foundation
import Testing
@testable import LifecertStore

/// `lifecert store copy`: an office's SQLite store moved into a new PostgreSQL store (PostgreSQL runs only).
@Suite(.enabled(if: TestBackend.isPostgres, "needs the PostgreSQL test server")) struct StoreCopyTests {
    @Test func anOfficeStoreIsCopiedWholeWithItsScansAndAVerifiedChain() throws {
        let dir = Scratch()
        var office = CommandRunner(environment: ["OMP_THREAD_LIMIT": "1"])
        office.mapsStores = false
        let repo = CommandRunner.repository
        let source = dir.path("office.db")
        #expect(try office.run(["users", "add", Store.currentLogin(), "--role", "admin", "--store", source]).status == 0)
        #expect(try office.run(["registry", "import", repo.appendingPathComponent("samples/registry.csv").path, "--store", source]).status == 0)
        let scans = ["scan-004-hk-ftu.png", "scan-017-consular-survival.pdf"].map { repo.appendingPathComponent("samples/scans/\($0)").path }
        #expect(try office.run(["intake"] + scans + ["--store", source, "--forms", repo.appendingPathComponent("forms").path, "--today", "2026-11-25"]).status == 0)

        let name = "lc_copy_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(12)
        try PostgresAdmin.createDatabase(serverURL: TestBackend.server!, name: name)
        let target = TestBackend.server! + "/" + name
        let shared = dir.path("shared")
        let copy = try office.run(["store", "copy", "--from", "sqlite:" + source, "--to", target, "--archive", shared])
        #expect(copy.status == 0, "\(copy.stderr)")
        #expect(copy.stdout.contains("recipients                 3,000 → 3,000"))
        #expect(copy.stdout.contains("counts: every table the same"))
        #expect(!copy.stdout.contains(":\(ProcessInfo.processInfo.environment["PGPASSWORD"] ?? "")@"))

        // The target: the same cases under the same numbers, its chain intact, the scans in the shared folder.
        let pg = try Store(path: target, archiveFolder: shared)
        let local = try Store(path: source)
        #expect(try pg.caseRecords(ids: [1, 2]).map(\.state) == local.caseRecords(ids: [1, 2]).map(\.state))
        #expect(try pg.verifyAuditChain() == nil)
        for id: Int64 in [1, 2] {
            let a = try #require(try local.caseRecords(ids: [id]).first?.archivePath)
            let b = try #require(try pg.caseRecords(ids: [id]).first?.archivePath)
            #expect(b.hasPrefix(URL(fileURLWithPath: shared).standardizedFileURL.path + "/"))
            #expect(FileManager.default.contents(atPath: a) == FileManager.default.contents(atPath: b))
        }
        pg.close()
        // A second copy into the same store is refused, and changes nothing.
        let again = try office.run(["store", "copy", "--from", "sqlite:" + source, "--to", target, "--archive", shared])
        #expect(again.status == 5)
        #expect(again.stderr.contains("a copy goes into a new, empty store only"))
    }
}
