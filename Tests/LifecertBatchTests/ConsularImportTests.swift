import Foundation
import GRDB
import LifecertDomain
import LifecertIntake
import LifecertInterchange
import LifecertMatching
@testable import LifecertStore
import Testing
@testable import LifecertBatch

/// Consular batch imports through the store: exactly once, overlaps, conflicts, every kind of bad
/// row, and the policy that decides which rows the system approves.
@Suite struct ConsularImportTests {
    let folder: URL
    let store: Store
    static let repo: URL = {
        var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path) { dir = dir.deletingLastPathComponent() }
        return dir
    }()
    static let sample = repo.appendingPathComponent("samples/consular-batch.csv").path
    static let today = LocalDate(iso: "2026-11-25")!

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("lifecert-batch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var location = folder.appendingPathComponent("s.db").path
        if let server = ProcessInfo.processInfo.environment["LIFECERT_TEST_POSTGRES"], !server.isEmpty {
            let name = "lc_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(20)
            try PostgresAdmin.createDatabase(serverURL: server, name: name)
            location = server + "/" + name
        }
        store = try Store(path: location, actor: "ada", archiveFolder: folder.appendingPathComponent("archive").path)
        let extract = try RegistryExtract(path: Self.repo.appendingPathComponent("samples/registry.csv").path, today: Self.today)
        let run = try store.beginRegistryImport(fileName: "registry.csv", sha256: "r", actor: "ada")
        var rows: [Recipient] = []
        for case .recipient(_, let r, _) in extract { rows.append(r) }
        try run.upsert(rows)
        try run.finish(encoding: "UTF-8")
        try store.addUser("ada", role: .admin, by: "ada")
        try store.addUser("rita", role: .reviewer, by: "ada")
    }

    func importer(policy: CertificationPolicy = .standard, chunk: Int = 50) throws -> ConsularImporter {
        let matcher = try Matcher(directory: StoreDirectory(store: store), thresholds: MatchThresholds(policy: policy))
        return ConsularImporter(store: store, linker: CaseLinker(matcher: matcher, policy: policy, today: Self.today, issuers: nil),
                                policy: policy, actor: "ada", today: Self.today, chunkSize: chunk, workers: 2)
    }

    func count(_ sql: String) throws -> Int { try store.pool.read { try Int.fetchOne($0, sql: sql) ?? -1 } }

    /// The lines of the sample file (header first).
    static let sampleLines: [String] = try! String(contentsOfFile: sample, encoding: .utf8).split(whereSeparator: \.isNewline).map(String.init)

    func write(_ name: String, _ lines: [String]) -> String {
        let p = folder.appendingPathComponent(name).path
        _ = FileManager.default.createFile(atPath: p, contents: Data((lines.joined(separator: "\n") + "\n").utf8))
        return p
    }

    @Test func theSameFileTwiceChangesNothingTheSecondTime() throws {
        let first = try importer().run(path: Self.sample)
        #expect(first.counts["APPROVED", default: 0] + first.counts["QUEUED", default: 0] == 200)
        #expect(first.counts["APPROVED", default: 0] > 100)   // the consular app's clean rows
        let before = try [count("SELECT count(*) FROM cases"), count("SELECT count(*) FROM certification_records"),
                          count("SELECT count(*) FROM batch_rows"), count("SELECT count(*) FROM case_approvals")]
        let again = try importer().run(path: Self.sample)
        #expect(again.counts == ["DUPLICATE": 200])
        let after = try [count("SELECT count(*) FROM cases"), count("SELECT count(*) FROM certification_records"),
                         count("SELECT count(*) FROM batch_rows"), count("SELECT count(*) FROM case_approvals")]
        #expect(before == after)
        // Every approval is the system user's, with the same trail a reviewer's leaves.
        #expect(try count("SELECT count(*) FROM case_approvals WHERE approver = 'system' AND role = 'system'") == first.counts["APPROVED"])
        #expect(try count("SELECT count(*) FROM events WHERE action = 'APPROVED' AND actor = 'system'") == first.counts["APPROVED"])
        #expect(try count("SELECT count(*) FROM certification_records WHERE channel = 'CONSULAR_APP' AND batch_id = 'MFA-2026-11'") == first.counts["APPROVED"])
        #expect(try count("SELECT count(*) FROM cases WHERE kind = 'batch' AND form = 'CONSULATE_CERT' AND state = 'APPROVED'") == 0)
        #expect(try store.verifyAuditChain() == nil)
    }

    @Test func anOverlappingFileAddsOnlyItsNewRows() throws {
        let header = Self.sampleLines[0]
        _ = try importer().run(path: write("a.csv", [header] + Self.sampleLines[1...100]))
        let b = try importer().run(path: write("b.csv", [header] + Self.sampleLines[51...200]))
        #expect(b.counts["DUPLICATE"] == 50)
        #expect(b.counts["APPROVED", default: 0] + b.counts["QUEUED", default: 0] == 100)
        #expect(try count("SELECT count(*) FROM batch_rows") == 200)
    }

    @Test func aConflictingRowIsQueuedAndTheEarlierRecordStands() throws {
        let header = Self.sampleLines[0]
        let first = try importer().run(path: Self.sample)
        let approved = try #require(first.outcomes.first { $0.outcome == "APPROVED" })
        let original = Self.sampleLines[approved.line - 1]
        // The same key, another day of appearance.
        let changed = original.replacingOccurrences(of: #"20\d\d-\d\d-\d\dT"#, with: "2026-11-19T", options: .regularExpression)
        #expect(changed != original)
        let records = try count("SELECT count(*) FROM certification_records")
        let second = try importer().run(path: write("c.csv", [header, changed]))
        let conflict = try #require(second.outcomes.first)
        #expect(conflict.outcome == "CONFLICT" && conflict.reason?.contains("earlier row and its record are kept") == true)
        let conflictCase = try #require(conflict.caseID)
        let c = try #require(try store.caseRecord(id: conflictCase))
        #expect(["MATCHED", "NEEDS_MATCH"].contains(c.state) && c.linkFlags?.contains("batch_conflict") == true)
        #expect(try count("SELECT count(*) FROM certification_records") == records)
        #expect(try count("SELECT count(*) FROM batch_rows WHERE case_id = \(approved.caseID!)") == 1)
    }

    @Test func everyKindOfBadRowIsReportedAndEveryGoodRowGoesIn() throws {
        let header = Self.sampleLines[0]
        let good = Array(Self.sampleLines[1...20])
        func edit(_ line: String, column: Int, to value: String) -> String {
            var f = line.components(separatedBy: ",")
            f[column] = value
            return f.joined(separator: ",")
        }
        let template = Self.sampleLines[21]
        var bad: [(String, String)] = [
            (edit(template, column: 6, to: "1950-02-30"), "birth_date"),                      // a date that does not exist
            (edit(template, column: 2, to: "CONSULAR_FAX"), "channel"),                        // unknown channel
            (edit(template, column: 8, to: "110105194912310021"), "id_number"),                // bad check digit (with CN_RIC)
            (template.components(separatedBy: ",").dropLast(2).joined(separator: ","), "fields but the header"),  // missing columns
            (edit(template, column: 10, to: "yesterday"), "certified_at"),
            (edit(template, column: 10, to: "2027-01-01T10:00:00+08:00"), "future"),
            (edit(template, column: 4, to: "张\u{0}三"), "NUL byte"),
            (edit(template, column: 4, to: "张\u{7}三"), "control characters"),
            (String(repeating: "x", count: 10 << 20), "longer than"),                          // a 10 MB line
        ]
        bad[2].0 = edit(edit(template, column: 7, to: "CN_RIC"), column: 8, to: "110105194912310021")
        var lines = [header]
        for (i, g) in good.enumerated() {
            lines.append(g)
            if i < bad.count { lines.append(bad[i].0) }
        }
        lines.append(good[0])                                          // the same key twice in the file, same content
        lines.append(edit(good[1], column: 10, to: "2026-11-01T09:00:00Z"))  // the same key, other content
        var path = write("bad.csv", lines)
        // One line in GBK inside a UTF-8 file.
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let gbkName = Data([0xD5, 0xC5, 0xC8, 0xFD])  // 张三 in GBK
        bytes.append(Data("MFA-2026-11,R9999999,CONSULAR_APP,中华人民共和国驻加拿大大使馆,".utf8) + gbkName + Data(",M,1950-01-01,CN_RIC,11010519491231002X,,2026-10-01T10:00:00Z,\n".utf8))
        try bytes.write(to: URL(fileURLWithPath: path))
        path = URL(fileURLWithPath: path).path
        let s = try importer(chunk: 7).run(path: path)
        #expect(s.counts["APPROVED", default: 0] + s.counts["QUEUED", default: 0] == 20, "\(s.counts)")
        #expect(s.counts["DUPLICATE"] == 1 && s.counts["CONFLICT"] == 1)
        let rejected = s.outcomes.filter { $0.outcome == "REJECTED" }
        #expect(rejected.count == bad.count + 1, "\(rejected.map { "\($0.line): \($0.reason ?? "")" })")
        for (_, word) in bad { #expect(rejected.contains { $0.reason?.contains(word) == true }, "no rejection mentions \(word): \(rejected.map { "\($0.line): \($0.reason ?? "")" })") }
        #expect(rejected.contains { $0.reason?.contains("UTF-8") == true || $0.reason?.contains("GB") == true }, "\(rejected.map(\.reason))")
        // Every line is accounted for once, by its number.
        #expect(Set(s.outcomes.map(\.line)).count == s.outcomes.count)
        #expect(s.outcomes.count == lines.count - 1 + 1)
    }

    @Test func aFileWithoutARequiredColumnIsRefusedAsAWhole() throws {
        let header = Self.sampleLines[0].replacingOccurrences(of: ",certified_at", with: ",when")
        #expect(throws: BatchFileError.missingColumns(path: write("h.csv", [header, Self.sampleLines[1]]), missing: ["certified_at"])) {
            try importer().run(path: folder.appendingPathComponent("h.csv").path)
        }
    }

    @Test func jsonLinesAndGBKGiveTheSameRowsAsUTF8CSV() throws {
        let csv = try ConsularBatchFile(path: Self.sample, today: Self.today).map { $0 }
        // JSON Lines of the same rows.
        let header = Self.sampleLines[0].components(separatedBy: ",")
        var jsonl: [String] = []
        for line in Self.sampleLines.dropFirst() {
            var o: [String: String] = [:]
            for (k, v) in zip(header, line.components(separatedBy: ",")) where !v.isEmpty { o[k] = v }
            jsonl.append(String(decoding: try JSONSerialization.data(withJSONObject: o), as: UTF8.self))
        }
        let fromJSON = try ConsularBatchFile(path: write("b.jsonl", jsonl), today: Self.today).map { $0 }
        #expect(fromJSON.count == csv.count)
        for (a, b) in zip(csv, fromJSON) {
            guard case .row(let x) = a, case .row(let y) = b else { Issue.record("\(a) / \(b)"); continue }
            #expect(x.canonical == y.canonical)
        }
        // The same file in GB18030, as a spreadsheet on Chinese Windows saves it (iconv is in libc-bin).
        let gbkPath = folder.appendingPathComponent("gbk.csv").path
        let iconv = Process()
        iconv.executableURL = URL(fileURLWithPath: "/usr/bin/iconv")
        iconv.arguments = ["-f", "UTF-8", "-t", "GB18030", "-o", gbkPath, Self.sample]
        try iconv.run()
        iconv.waitUntilExit()
        let fromGBK = try ConsularBatchFile(path: gbkPath, today: Self.today)
        let rows = fromGBK.map { $0 }
        #expect(fromGBK.encoding == "gb18030" || fromGBK.encoding?.lowercased().contains("gb") == true)
        #expect(zip(csv, rows).allSatisfy { a, b in
            if case .row(let x) = a, case .row(let y) = b { return x.canonical == y.canonical }
            return false
        })
    }

    @Test func thePolicyDecidesWhichChannelsTheSystemMayApprove() throws {
        var policy = CertificationPolicy.standard
        policy.batchAutoApproveChannels = []
        let s = try importer(policy: policy).run(path: Self.sample)
        #expect(s.counts["APPROVED"] == nil && s.counts["QUEUED"] == 200)
        #expect(s.outcomes.allSatisfy { $0.reason?.contains("always examined by a reviewer") == true })
        // A queued batch row is approved by a reviewer like any case, and its record keeps the sender's key.
        let row = try #require(s.outcomes.first { $0.reason?.contains("identity information") == false })
        let rowCase = try #require(row.caseID)
        try store.approve(caseID: rowCase, by: "rita", passedOn: Self.today)
        #expect(try count("SELECT count(*) FROM certification_records WHERE batch_record_id = '\(row.recordID!)' AND approved_by = 'rita'") == 1)
    }
}
