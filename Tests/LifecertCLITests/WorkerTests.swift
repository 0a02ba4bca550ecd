import Foundation
@testable import LifecertStore
import Testing

/// Three `lifecert worker` processes on one queue of scans, one killed with SIGKILL midway: every
/// scan read exactly once, the killed worker's leased scans taken over by the others.
@Suite struct WorkerTests {
    let repo = CommandRunner.repository
    let cli = CommandRunner(environment: ["OMP_THREAD_LIMIT": "1"])

    @Test func threeWorkersReadEachScanOnceAndTakeOverAKilledOnesScans() throws {
        let dir = Scratch()
        let store = dir.path("s.db")
        let inbox = dir.path("inbox")
        try FileManager.default.createDirectory(atPath: inbox, withIntermediateDirectories: true)
        // 84 distinct files: the 28 samples three times, each copy with other trailing bytes (every
        // format ignores bytes after its end marker), so each is a scan of its own.
        let samples = try FileManager.default.contentsOfDirectory(atPath: repo.appendingPathComponent("samples/scans").path).sorted()
        for copy in 0..<3 {
            for name in samples {
                var bytes = try Data(contentsOf: repo.appendingPathComponent("samples/scans/\(name)"))
                bytes.append(Data("\ncopy \(copy)\n".utf8))
                try bytes.write(to: URL(fileURLWithPath: "\(inbox)/\(copy)-\(name)"))
            }
        }
        let total = samples.count * 3
        #expect(try cli.run(["registry", "import", repo.appendingPathComponent("samples/registry.csv").path, "--store", store]).status == 0)
        let queued = try cli.run(["intake", inbox, "--queue", "--store", store, "--today", "2026-11-25"])
        #expect(queued.status == 0 && queued.stdout.components(separatedBy: "queued for a worker").count - 1 == total)

        func worker() throws -> Process {
            let p = Process()
            p.executableURL = CommandRunner.productsFolder.appendingPathComponent("lifecert")
            p.arguments = ["worker", "--until-empty", "--lease", "4", "--batch", "3", "--workers", "1", "--poll", "0.2",
                           "--store", store, "--today", "2026-11-25", "--forms", repo.appendingPathComponent("forms").path]
            let mapped = TestBackend.arguments(p.arguments!)
            p.arguments = mapped.arguments
            p.environment = ProcessInfo.processInfo.environment.merging(["OMP_THREAD_LIMIT": "1"]) { $1 }.merging(mapped.environment) { $1 }
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            return p
        }
        let doomed = try worker()
        let others = try [worker(), worker()]
        // Kill the first worker once some scans are read: it dies holding leases.
        let db = try TestBackend.reader(store)
        func count(_ sql: String) throws -> Int { try db.read { try Int.fetchOne($0, sql: sql) ?? -1 } }
        let doomedLeases = "SELECT count(*) FROM scans WHERE read_at IS NULL AND lease_owner LIKE '%:\(doomed.processIdentifier)'"
        var waited = 0
        while try (count("SELECT count(*) FROM scans WHERE read_at IS NOT NULL") < total / 4 || count(doomedLeases) == 0) && waited < 60_000 {  // up to 10 minutes: a sanitizer build is slow
            usleep(10_000); waited += 1
        }
        // Frozen first, so that its leases are counted exactly (the others take a dead worker's
        // scans over at once, so counting after the kill would race them), then killed.
        kill(doomed.processIdentifier, SIGSTOP)
        let leasedByDoomed = try count(doomedLeases)
        kill(doomed.processIdentifier, SIGKILL)
        doomed.waitUntilExit()
        for p in others { p.waitUntilExit(); #expect(p.terminationStatus == 0) }
        print("killed a worker holding \(leasedByDoomed) lease(s) after \(waited / 100) s")
        #expect(leasedByDoomed > 0)

        #expect(try count("SELECT count(*) FROM scans WHERE read_at IS NULL") == 0)
        #expect(try count("SELECT count(DISTINCT scan_id) FROM cases") == total)
        // Exactly once: each scan has as many cases as its first reading found documents — the same
        // count as the original sample (a cover letter and its certificate make one case).
        #expect(try count("SELECT count(*) FROM cases") == total)
        #expect(try count("SELECT count(*) FROM (SELECT scan_id FROM cases GROUP BY scan_id HAVING count(*) > 1) doubles") == 0)
        #expect(try count("SELECT count(*) FROM events WHERE action = 'LEASE_TAKEN_OVER'") >= leasedByDoomed)
        #expect(try cli.run(["audit", "verify", "--store", store]).status == 0)
    }
}
