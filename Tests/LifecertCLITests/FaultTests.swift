import Foundation
import GRDB
@testable import LifecertStore
import Testing

/// Faults the office will meet — a process killed mid-work, a full disk, a store file made
/// read-only, another process holding the write lock — and what must hold afterwards: nothing
/// lost, nothing done twice, no scan without its case, no case without its scan, the audit chain
/// intact, and a message in words with the documented exit status.
/// Processes killed with SIGKILL (on both backends), and SQLite's own failure modes (the file
/// read-only, its folder full, its lock held by another process: SQLite only, as on PostgreSQL the
/// server owns the files).
@Suite(.serialized) struct FaultTests {
    let repo = CommandRunner.repository
    let cli = CommandRunner(environment: ["OMP_THREAD_LIMIT": "1"])

    /// Scans of several kinds and formats from samples/ (PDF, PNG, JPEG, TIFF; a non-certificate).
    let scans = ["scan-001-consular-2015.pdf", "scan-004-hk-ftu.png", "scan-005-hk-had.jpg", "scan-008-macao-faom.tif",
                 "scan-011-foreign-notary.png", "scan-016-consular-2007.tif", "scan-020-hk-attesting.png", "scan-028-none.png"]

    func inputFolder(_ dir: Scratch, _ names: [String]) throws -> String {
        let folder = dir.path("in")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for n in names {
            try FileManager.default.copyItem(atPath: repo.appendingPathComponent("samples/scans/\(n)").path,
                                             toPath: (folder as NSString).appendingPathComponent(n))
        }
        return folder
    }

    func newStore(_ path: String, admin: Bool = false) throws {
        let r = try cli.run(["registry", "import", repo.appendingPathComponent("samples/registry.csv").path, "--store", path])
        #expect(r.status == 0, "\(r.stderr)")
        if admin { #expect(try cli.run(["users", "add", Store.currentLogin(), "--role", "admin", "--store", path]).status == 0) }
    }

    func intake(_ folder: String, _ store: String) -> [String] {
        ["intake", folder, "--store", store, "--today", "2026-11-25", "--forms", repo.appendingPathComponent("forms").path]
    }

    /// Each scan (by content hash) with what its cases say, in a stable order.
    func casesByScan(_ store: String) throws -> [String] {
        let db = try TestBackend.reader(store)
        return try db.read { db in
            try SQLRow.fetchAll(db, sql: """
                SELECT s.sha256, c.state, c.kind, c.form, c.recipient_ssn, c.match_decision
                FROM cases c JOIN scans s ON s.id = c.scan_id ORDER BY s.sha256, c.kind, c.form, c.state
                """).map { r in r.columnNames.map { r.value($0).description }.joined(separator: "|") }
        }
    }

    func count(_ store: String, _ sql: String) throws -> Int {
        let db = try TestBackend.reader(store)
        return try db.read { try Int.fetchOne($0, sql: sql) ?? -1 }
    }

    /// Runs `arguments` and kills the process with SIGKILL `delay` seconds after `ready` first
    /// holds (checked every 5 ms; at once when nil); true when the kill landed (the process was
    /// still running).
    func runKilled(_ arguments: [String], tool: String = "lifecert", when ready: (() throws -> Bool)? = nil,
                   after delay: TimeInterval) throws -> Bool {
        let p = Process()
        p.executableURL = CommandRunner.productsFolder.appendingPathComponent(tool)
        let mapped = TestBackend.arguments(arguments)
        p.arguments = mapped.arguments
        p.environment = ProcessInfo.processInfo.environment.merging(["OMP_THREAD_LIMIT": "1"]) { $1 }.merging(mapped.environment) { $1 }
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        if let ready { while p.isRunning, try !ready() { usleep(5_000) } }
        let deadline = Date().addingTimeInterval(delay)
        while p.isRunning && Date() < deadline { usleep(5_000) }
        let landed = p.isRunning
        if landed { kill(p.processIdentifier, SIGKILL) }
        p.waitUntilExit()
        return landed
    }

    // MARK: - kill -9

    @Test func intakeKilledAtRandomMomentsLosesNoScanAndReadsEachOnce() throws {
        let dir = Scratch()
        let folder = try inputFolder(dir, scans)
        let clean = dir.path("clean.db"), crashed = dir.path("crashed.db")
        try newStore(clean)
        try newStore(crashed)
        let started = Date()
        let once = try cli.run(intake(folder, clean))
        let cleanSeconds = Date().timeIntervalSince(started)
        #expect(once.status == 0, "\(once.stderr)")

        // Killed at random moments, every other run early (while archiving, or between archiving
        // and reading) and the others just after one more scan's cases were committed (mid-OCR of
        // the next, mid-commit). Each run picks up what the killed ones left.
        var landed = 0, runs = 0, early = 0, late = 0
        func read() throws -> Int { try count(crashed, "SELECT count(*) FROM scans WHERE read_at IS NOT NULL") }
        while landed < 8 && runs < 20 {
            runs += 1
            let before = try read()
            if before == scans.count { break }
            let isEarly = runs % 2 == 1
            let hit = isEarly
                ? try runKilled(intake(folder, crashed), after: Double.random(in: 0.1...max(0.2, cleanSeconds * 0.3)))
                : try runKilled(intake(folder, crashed), when: { try read() > before }, after: Double.random(in: 0...0.15))
            if hit { landed += 1; if isEarly { early += 1 } else { late += 1 } }
            // Between runs: no case without its scan (the foreign key), no scan read without cases.
            #expect(try count(crashed, "SELECT count(*) FROM scans s WHERE s.read_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.scan_id = s.id)") == 0)
        }
        let unreadBefore = try count(crashed, "SELECT count(*) FROM scans WHERE read_at IS NULL")
        let last = try cli.run(intake(folder, crashed))
        #expect(last.status == 0, "\(last.stderr)")
        print("intake killed \(landed) times in \(runs) runs (\(early) early, \(late) after a scan was read; a clean run takes \(Int(cleanSeconds)) s); \(unreadBefore) scan(s) archived but unread before the last run; takeovers: \(try count(crashed, "SELECT count(*) FROM events WHERE action = 'LEASE_TAKEN_OVER'"))")
        #expect(early >= 2 && late >= 2, "early \(early), late \(late)")

        // Every file archived once, read once, with the same cases as one clean run.
        #expect(try count(crashed, "SELECT count(*) FROM scans") == scans.count)
        #expect(try count(crashed, "SELECT count(*) FROM scans WHERE read_at IS NULL") == 0)
        #expect(try casesByScan(crashed) == casesByScan(clean))
        // A scan killed before its case was opened is taken over at once by the next run on this
        // machine (its reader's process has ended), not five minutes later.
        #expect(try count(crashed, "SELECT count(*) FROM cases WHERE state = 'UNREADABLE'") == count(clean, "SELECT count(*) FROM cases WHERE state = 'UNREADABLE'"))
        let archived = try FileManager.default.subpathsOfDirectory(atPath: crashed + ".archive").filter { !$0.contains(".incoming-") && $0.contains(".") }
        #expect(archived.count == scans.count, "\(archived)")
        #expect(try cli.run(["audit", "verify", "--store", crashed]).status == 0)
        // The input files are untouched.
        for n in scans {
            #expect(FileManager.default.contentsEqual(atPath: (folder as NSString).appendingPathComponent(n),
                                                      andPath: repo.appendingPathComponent("samples/scans/\(n)").path))
        }
    }

    @Test func reviewersKilledMidApprovalApproveEachCaseExactlyOnce() throws {
        let dir = Scratch()
        let store = dir.path("review.db")
        let cases = 2000
        let load = CommandRunner()
        let seed = try load.run(["seed", "--store", store, "--cases", "\(cases)", "--reviewers", "3"], tool: "lifecert-load")
        #expect(seed.status == 0, "\(seed.stderr)")

        // Three reviewers, each killed with SIGKILL at random moments and started again, until one
        // run of each finishes on its own (the queue is empty).
        var kills = 0, rounds = 0
        while rounds < 80 {
            rounds += 1
            let open = try count(store, "SELECT count(*) FROM cases WHERE state <> 'APPROVED'")
            if open == 0 { break }
            let group = DispatchGroup()
            let landed = LockedCounter()
            for i in 1...3 {
                group.enter()
                let delay = Double.random(in: 0.02...0.25)
                Thread.detachNewThread {
                    if (try? runKilled(["review", "--store", store, "--as", "reviewer\(i)"], tool: "lifecert-load", after: delay)) == true { landed.add() }
                    group.leave()
                }
            }
            group.wait()
            kills += landed.value
            if kills >= 40 { break }
        }
        // The rest, with no kill.
        for i in 1...3 {
            let r = try load.run(["review", "--store", store, "--as", "reviewer\(i)"], tool: "lifecert-load")
            #expect(r.status == 0, "\(r.stderr)")
        }
        print("reviewers killed \(kills) times in \(rounds) rounds")
        #expect(kills >= 20)
        #expect(try count(store, "SELECT count(*) FROM cases WHERE state = 'APPROVED'") == cases)
        #expect(try count(store, "SELECT count(*) FROM certification_records") == cases)
        #expect(try count(store, "SELECT count(DISTINCT case_id) FROM certification_records") == cases)
        #expect(try count(store, "SELECT count(*) FROM case_approvals") == cases)
        #expect(try count(store, "SELECT count(*) FROM events WHERE action = 'APPROVED'") == cases)
        #expect(try count(store, "SELECT count(*) FROM recipients WHERE last_certified_on = '2026-11-02'") == cases)
        let verify = try CommandRunner(environment: ["LIFECERT_ACT_AS": "admin"]).run(["audit", "verify", "--store", store])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
    }

    // MARK: - a full disk

    /// A small tmpfs of our own (root only: CI runs as root).
    static let canMount: Bool = geteuid() == 0 && FileManager.default.fileExists(atPath: "/bin/mount")

    func mountTmpfs(_ path: String, megabytes: Int) throws -> Bool {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return shell("mount -t tmpfs -o size=\(megabytes)m lifecert-test '\(path)'") == 0
    }

    @discardableResult
    func shell(_ command: String) -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", command]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return -1 }
        p.waitUntilExit()
        return p.terminationStatus
    }

    func freeKiB(_ path: String) throws -> Int {
        let attrs = try FileManager.default.attributesOfFileSystem(forPath: path)
        return ((attrs[.systemFreeSize] as? NSNumber)?.intValue ?? 0) / 1024
    }

    @Test(.enabled(if: FaultTests.canMount, "mounts a small tmpfs, which needs root (CI runs as root)"), .disabled(if: TestBackend.isPostgres, "an SQLite file fault"))
    func aFullDiskStopsIntakeWithAClearMessageAndLosesNothing() throws {
        let dir = Scratch()
        let mnt = dir.path("mnt")
        #expect(try mountTmpfs(mnt, megabytes: 8), "mount -t tmpfs failed")
        defer { shell("umount '\(mnt)'") }
        let store = (mnt as NSString).appendingPathComponent("s.db")
        try newStore(store)
        let names = Array(scans.prefix(5))
        let folder = try inputFolder(dir, names)
        // Leave 400 KiB: the first scan fits, the next do not.
        let filler = (mnt as NSString).appendingPathComponent("filler")
        shell("dd if=/dev/zero of='\(filler)' bs=1k count=\(try freeKiB(mnt) - 400)")

        let full = try cli.run(intake(folder, store))
        #expect(full.status == 5, "\(full.stderr)")
        #expect(full.stderr.contains("the disk is full"), "\(full.stderr)")
        #expect(full.stderr.contains("could not be archived"), "\(full.stderr)")
        #expect(!full.stderr.contains("Fatal error") && !full.stderr.contains("Error: "), "\(full.stderr)")
        // Each registered scan has its archive copy; no half-written copy is left.
        let db = try DatabaseQueue(path: store, configuration: patientReader())
        let paths = try db.read { try String.fetchAll($0, sql: "SELECT archive_path FROM scans") }
        for p in paths { #expect(FileManager.default.fileExists(atPath: p)) }
        #expect(try FileManager.default.subpathsOfDirectory(atPath: store + ".archive").filter { $0.contains(".incoming-") }.isEmpty)
        #expect(try cli.run(["audit", "verify", "--store", store]).status == 0)

        // Space freed: the next run finishes what the first archived and takes in the rest.
        try FileManager.default.removeItem(atPath: filler)
        let again = try cli.run(intake(folder, store))
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try count(store, "SELECT count(*) FROM scans") == names.count)
        #expect(try count(store, "SELECT count(*) FROM scans WHERE read_at IS NULL") == 0)
        #expect(try count(store, "SELECT count(*) FROM scans s WHERE NOT EXISTS (SELECT 1 FROM cases c WHERE c.scan_id = s.id)") == 0)
        for n in names { #expect(FileManager.default.fileExists(atPath: (folder as NSString).appendingPathComponent(n))) }
        #expect(try cli.run(["audit", "verify", "--store", store]).status == 0)
    }

    @Test(.enabled(if: FaultTests.canMount, "mounts a small tmpfs, which needs root (CI runs as root)"), .disabled(if: TestBackend.isPostgres, "an SQLite file fault"))
    func aFullDiskStopsARegistryImportAndTheStoreStaysWhole() throws {
        let dir = Scratch()
        let mnt = dir.path("mnt")
        #expect(try mountTmpfs(mnt, megabytes: 2), "mount -t tmpfs failed")
        defer { shell("umount '\(mnt)'") }
        let store = (mnt as NSString).appendingPathComponent("s.db")
        let r = try cli.run(["registry", "import", repo.appendingPathComponent("samples/registry.csv").path, "--store", store])
        #expect(r.status == 5, "\(r.stderr)")
        #expect(r.stderr.contains("disk is full"), "\(r.stderr)")
        #expect(!r.stderr.contains("Fatal error"), "\(r.stderr)")
        // What was committed is whole: whole chunks of rows, and an intact audit chain.
        let loaded = try count(store, "SELECT count(*) FROM recipients")
        #expect(loaded < 3000)
        #expect(try cli.run(["audit", "verify", "--store", store]).status == 0)
    }

    // MARK: - a read-only store

    @Test(.disabled(if: TestBackend.isPostgres, "an SQLite file fault")) func aReadOnlyStoreIsReadButNeverWritten() throws {
        let dir = Scratch()
        let store = dir.path("s.db")
        try newStore(store, admin: true)
        let ssn = try DatabaseQueue(path: store).read { try String.fetchOne($0, sql: "SELECT ssn FROM recipients ORDER BY ssn LIMIT 1")! }
        // Root ignores file modes, so for root the file is made immutable instead.
        let root = geteuid() == 0
        #expect(shell(root ? "chattr +i '\(store)'" : "chmod 0440 '\(store)'") == 0)
        defer { shell(root ? "chattr -i '\(store)'" : "chmod 0660 '\(store)'") }

        let show = try cli.run(["registry", "show", ssn, "--store", store])
        #expect(show.status == 0, "\(show.stderr)")
        #expect(show.stdout.contains(ssn))
        for arguments in [["users", "add", "rita", "--role", "reviewer"],
                          ["registry", "import", repo.appendingPathComponent("samples/registry.csv").path],
                          intake(repo.appendingPathComponent("samples/scans/scan-004-hk-ftu.png").path, store)] {
            let r = try cli.run(arguments.contains("--store") ? arguments : arguments + ["--store", store])
            #expect(r.status == 5, "\(arguments): \(r.stderr)")
            #expect(r.stderr.contains("read-only"), "\(arguments): \(r.stderr)")
            #expect(!r.stderr.contains("Fatal error") && !r.stderr.contains("Error: "), "\(r.stderr)")
        }
        shell(root ? "chattr -i '\(store)'" : "chmod 0660 '\(store)'")
        #expect(try count(store, "SELECT count(*) FROM users") == 1)
        #expect(try count(store, "SELECT count(*) FROM scans") == 0)
        #expect(try count(store, "SELECT count(*) FROM imports") == 1)
        #expect(try cli.run(["audit", "verify", "--store", store]).status == 0)
    }

    // MARK: - another process holding the write lock

    /// Holds the store's write lock from a second process (the sqlite3 shell) for `seconds`.
    func holdWriteLock(_ store: String, seconds: Int) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        p.arguments = [store]
        let input = Pipe()
        p.standardInput = input
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        input.fileHandleForWriting.write(Data("BEGIN IMMEDIATE;\n.shell sleep \(seconds)\nCOMMIT;\n.quit\n".utf8))
        try input.fileHandleForWriting.close()
        // Until the lock is really held: a write with no wait must fail.
        let probe = try DatabaseQueue(path: store)
        for _ in 0..<200 {
            do { try probe.writeWithoutTransaction { try $0.execute(sql: "BEGIN IMMEDIATE; ROLLBACK") } } catch { return p }
            usleep(10_000)
        }
        Issue.record("the sqlite3 shell never took the write lock")
        return p
    }

    @Test(.disabled(if: TestBackend.isPostgres, "an SQLite file fault")) func aWriteLockHeldBriefyIsWaitedFor() throws {
        let dir = Scratch()
        let store = dir.path("s.db")
        try newStore(store, admin: true)
        let holder = try holdWriteLock(store, seconds: 5)
        let started = Date()
        let r = try cli.run(["users", "add", "rita", "--role", "reviewer", "--store", store])
        let waited = Date().timeIntervalSince(started)
        holder.waitUntilExit()
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("waiting for another process"), "\(r.stderr)")
        #expect(waited > 3, "lifecert did not wait for the lock (\(waited) s)")
        #expect(try count(store, "SELECT count(*) FROM users WHERE login = 'rita'") == 1)
    }

    @Test(.disabled(if: TestBackend.isPostgres, "an SQLite file fault")) func aWriteLockHeldPastTheWaitIsRefusedCleanlyAndChangesNothing() throws {
        let dir = Scratch()
        let store = dir.path("s.db")
        try newStore(store, admin: true)
        let holder = try holdWriteLock(store, seconds: 40)
        defer { holder.terminate() }
        let started = Date()
        let r = try cli.run(["users", "add", "rita", "--role", "reviewer", "--store", store])
        let waited = Date().timeIntervalSince(started)
        #expect(r.status == 5, "\(r.stderr)")
        #expect(r.stderr.contains("write lock for longer than lifecert waits (30 s)"), "\(r.stderr)")
        #expect(!r.stderr.contains("Fatal error") && !r.stderr.contains("Error: "), "\(r.stderr)")
        #expect(waited > 28 && waited < 38, "waited \(waited) s")
        holder.waitUntilExit()
        #expect(try count(store, "SELECT count(*) FROM users WHERE login = 'rita'") == 0)
        let again = try cli.run(["users", "add", "rita", "--role", "reviewer", "--store", store])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try cli.run(["audit", "verify", "--store", store]).status == 0)
    }
}

/// A counter shared by threads.
final class LockedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func add() { lock.lock(); n += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return n }
}
