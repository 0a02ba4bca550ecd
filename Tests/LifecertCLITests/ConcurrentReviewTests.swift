import Foundation
@testable import LifecertStore
import Testing

/// Eight reviewer processes claiming and approving from one queue of 2,000 cases, back to back:
/// every case approved exactly once, records = approvals, and no "database is locked" (or any other
/// error) reaching a reviewer.
@Suite struct ConcurrentReviewTests {
    @Test func eightProcessesApproveEachOfTwoThousandCasesExactlyOnce() throws {
        let dir = Scratch()
        let store = dir.path("s.db")
        let load = CommandRunner()
        let seed = try load.run(["seed", "--store", store, "--cases", "2000", "--reviewers", "8"], tool: "lifecert-load")
        #expect(seed.status == 0, "\(seed.stderr)")
        // Eight OS processes at once (threads only to wait for them; each runs its own store connection).
        let results = Results()
        let threads = (1...8).map { i in
            Thread {
                let r = try? load.run(["review", "--store", store, "--as", "reviewer\(i)"], tool: "lifecert-load")
                results.add(r)
            }
        }
        threads.forEach { $0.start() }
        while results.count < 8 { usleep(20_000) }
        var approved = 0
        for r in results.all {
            let r = try #require(r)
            #expect(r.status == 0, "\(r.stderr)")
            let o = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
            #expect((o["errors"] as? [String: Any])?.isEmpty == true, "a reviewer saw errors: \(o["errors"] ?? "")")
            approved += o["approved"] as? Int ?? 0
        }
        #expect(approved == 2000)
        let db = try TestBackend.reader(store)
        func count(_ sql: String) throws -> Int { try db.read { try Int.fetchOne($0, sql: sql) ?? -1 } }
        #expect(try count("SELECT count(*) FROM certification_records") == 2000)
        #expect(try count("SELECT count(*) FROM case_approvals") == 2000)
        #expect(try count("SELECT count(*) FROM cases WHERE state = 'APPROVED'") == 2000)
        #expect(try count("SELECT count(DISTINCT case_id) FROM certification_records") == 2000)
        #expect(try count("SELECT count(*) FROM events WHERE action = 'APPROVED'") == 2000)
        #expect(try Store(path: TestBackend.location(store)).verifyAuditChain() == nil)
    }
}

final class Results: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [CommandRunner.Result?] = []
    func add(_ r: CommandRunner.Result?) { lock.lock(); items.append(r); lock.unlock() }
    var count: Int { lock.lock(); defer { lock.unlock() }; return items.count }
    var all: [CommandRunner.Result?] { lock.lock(); defer { lock.unlock() }; return items }
}
