import Crypto
import Foundation
import LifecertDomain

/// What the importer decided for one line of a consular batch file, for the store to commit.
public struct BatchLine: Sendable {
    public enum Content: Sendable {
        /// Refused before matching (bad date, code, check digit, encoding, length…).
        case rejected(reasons: [String])
        /// A checked row, matched: `link` and the case's `fieldsJSON` (the extract contract's shape).
        /// `autoApprove`: the policy lets the system user approve it (its channel allows it, it links
        /// automatically, it carries no flag); otherwise `queueReason` says why a reviewer must.
        case row(canonical: String, channel: CertificationChannel, fieldsJSON: String, link: CaseLink, autoApprove: Bool, queueReason: String)
        /// A row whose key and content the store already had when it was read (not matched again).
        case alreadyImported(canonical: String)
    }

    public var line: Int
    public var batchID: String?
    public var recordID: String?
    public var content: Content

    public init(line: Int, batchID: String?, recordID: String?, content: Content) {
        self.line = line
        self.batchID = batchID
        self.recordID = recordID
        self.content = content
    }
}

/// One line's outcome in an import's report.
public struct ImportLineOutcome: Sendable, Equatable {
    public let line: Int
    public let batchID: String?
    public let recordID: String?
    /// `APPROVED`, `QUEUED`, `REJECTED`, `DUPLICATE` or `CONFLICT`.
    public let outcome: String
    public let caseID: Int64?
    public let recordNumber: Int64?
    public let reason: String?
}

/// A consular import in progress: which import it is and where to go on from.
public struct ConsularImport: Sendable {
    public let id: Int64
    /// Lines up to and including this one are committed (0: none); a resumed import skips them.
    public let committedLine: Int
    public let resumed: Bool
}

extension Store {
    /// The login batch approvals are made under (role `system`), created on first use.
    public static let systemUser = "system"

    /// Starts an import of a consular batch file, or resumes the unfinished import of the same file
    /// (same SHA-256) that a crash left behind. Only a clerk or an administrator may import.
    public func beginConsularImport(fileName: String, sha256: String, actor: String) throws -> ConsularImport {
        try pool.write { db in
            _ = try requireRole(db, actor, action: "import batch files", allowed: [.clerk, .admin])
            if try SQLRow.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM users WHERE login = ?"), arguments: [Store.systemUser]) == nil {
                let now = Store.timestamp()
                try db.execute(sql: "INSERT INTO users (login, role, display_name, active, created_at, created_by) VALUES (?, 'system', ?, 1, ?, ?)",
                               arguments: [Store.systemUser, "approvals the policy makes automatic", now, actor])
                try appendEvent(db, actor: actor, entity: "user", entityID: Store.systemUser, action: "USER_ADDED",
                                after: Store.json(["role": "system"]), at: now)
            }
            if let row = try SQLRow.fetchOne(db.cachedStatement(sql: """
                SELECT id, committed_line FROM imports WHERE kind = 'CONSULAR' AND file_sha256 = ? AND status = 'RUNNING' ORDER BY id DESC LIMIT 1
                """), arguments: [sha256]) {
                let id: Int64 = row["id"]
                try appendEvent(db, actor: actor, entity: "import", entityID: String(id), action: "IMPORT_RESUMED",
                                after: Store.json(["after_line": String(row["committed_line"] as Int)]))
                return ConsularImport(id: id, committedLine: row["committed_line"], resumed: true)
            }
            let now = Store.timestamp()
            try db.cachedStatement(sql: """
                INSERT INTO imports (kind, file_name, file_sha256, actor, started_at, status) VALUES ('CONSULAR', ?, ?, ?, ?, 'RUNNING')
                """).execute(arguments: [fileName, sha256, actor, now])
            let id = try db.lastInsertedID()
            try appendEvent(db, actor: actor, entity: "import", entityID: String(id), action: "IMPORT_STARTED",
                            after: Store.json(["file": fileName, "sha256": sha256]), at: now)
            return ConsularImport(id: id, committedLine: 0, resumed: false)
        }
    }

    /// Commits a chunk of lines in one transaction: each new row becomes a case (and, when the
    /// policy allows, the system user's approval with its certification record — the same record
    /// and audit trail a reviewer's approval leaves); a key seen before with the same content is a
    /// duplicate and changes nothing; with other content it is a conflict, queued for a reviewer, the
    /// earlier row and record untouched. The import's committed line moves to `throughLine` in the
    /// same transaction, so a crash loses nothing and doubles nothing.
    public func commitConsularLines(_ lines: [BatchLine], importID: Int64, throughLine: Int, actor: String,
                                    passedOn: LocalDate, now: Date = Date()) throws {
        try pool.write { db in
            let stamp = Store.timestamp(now)
            let findKey = try db.cachedStatement(sql: "SELECT content_sha256, import_id, line, case_id FROM batch_rows WHERE batch_id = ? AND record_id = ?")
            let addOutcome = try db.cachedStatement(sql: """
                INSERT INTO import_rows (import_id, line, batch_id, record_id, outcome, case_id, record, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """)
            let addKey = try db.cachedStatement(sql: """
                INSERT INTO batch_rows (batch_id, record_id, content_sha256, import_id, line, case_id) VALUES (?, ?, ?, ?, ?, ?)
                """)
            func outcome(_ l: BatchLine, _ o: String, case c: Int64? = nil, record: Int64? = nil, _ reason: String?) throws {
                try addOutcome.execute(arguments: [importID, l.line, l.batchID, l.recordID, o, c, record, reason])
            }
            for l in lines {
                switch l.content {
                case .rejected(let reasons):
                    try outcome(l, "REJECTED", reasons.joined(separator: "; "))
                case .alreadyImported(let canonical):
                    let hash = Store.batchContentHash(canonical)
                    if let earlier = try SQLRow.fetchOne(findKey, arguments: [l.batchID, l.recordID]), (earlier["content_sha256"] as String) == hash {
                        try outcome(l, "DUPLICATE", case: earlier["case_id"],
                                    "already imported (import \(earlier["import_id"] as Int64), line \(earlier["line"] as Int)); nothing changed")
                    } else {
                        try outcome(l, "REJECTED", "the row changed in the store while it was read; import the file again")
                    }
                case .row(let canonical, let channel, let fieldsJSON, let link, let autoApprove, let queueReason):
                    let hash = Store.batchContentHash(canonical)
                    if let earlier = try SQLRow.fetchOne(findKey, arguments: [l.batchID, l.recordID]) {
                        let where_ = "import \(earlier["import_id"] as Int64), line \(earlier["line"] as Int)"
                        if (earlier["content_sha256"] as String) == hash {
                            try outcome(l, "DUPLICATE", case: earlier["case_id"], "already imported (\(where_)); nothing changed")
                            continue
                        }
                        var flags = (try? JSONSerialization.jsonObject(with: Data(link.flagsJSON.utf8)) as? [[String: Any]]) ?? []
                        flags.append(["code": "batch_conflict", "field": NSNull(), "severity": "fraud",
                                      "message": "batch_id \(l.batchID ?? "") record_id \(l.recordID ?? "") was imported before (\(where_)) with other content; the earlier row stands"])
                        var conflictLink = link
                        conflictLink.flagsJSON = JSONText.encode(flags)
                        let id = try insertBatchCase(db, importID: importID, line: l.line, channel: channel, fieldsJSON: fieldsJSON,
                                                     link: conflictLink, actor: actor, stamp: stamp)
                        try outcome(l, "CONFLICT", case: id, "the same batch_id and record_id were imported before (\(where_)) with other content: the earlier row and its record are kept; this one is queued for a reviewer")
                        continue
                    }
                    let id = try insertBatchCase(db, importID: importID, line: l.line, channel: channel, fieldsJSON: fieldsJSON,
                                                 link: link, actor: actor, stamp: stamp)
                    try addKey.execute(arguments: [l.batchID, l.recordID, hash, importID, l.line, id])
                    guard autoApprove else {
                        try outcome(l, "QUEUED", case: id, queueReason)
                        continue
                    }
                    // The system user's approval, in a savepoint: a refusal (e.g. benefits found
                    // terminated) leaves the case queued instead of failing the chunk.
                    var result: ApprovalOutcome?
                    var refusal: String?
                    try db.inSavepoint {
                        do {
                            result = try approveLocked(db, caseID: id, actor: Store.systemUser, role: .system, recipientSSN: nil,
                                                       passedOn: passedOn, now: now)
                            return true
                        } catch let e as WorkflowError {
                            refusal = e.description
                        } catch let e as CertificationRefused {
                            refusal = e.description
                        }
                        return false
                    }
                    if case .certified(let record) = result {
                        try outcome(l, "APPROVED", case: id, record: record, nil)
                    } else {
                        try outcome(l, "QUEUED", case: id, "the system's approval was refused: \(refusal ?? "a second approval is needed")")
                    }
                }
            }
            // The per-line outcomes are the counts; they are summed once, when the import finishes.
            try db.cachedStatement(sql: "UPDATE imports SET committed_line = ? WHERE id = ?").execute(arguments: [throughLine, importID])
        }
    }

    /// The fingerprint a batch row's content is compared by.
    public static func batchContentHash(_ canonical: String) -> String {
        FileDigest.hex(SHA256.hash(data: Data(canonical.utf8)))
    }

    /// The content fingerprint of an imported key (nil: never imported).
    public func batchRowContentHash(batchID: String, recordID: String) throws -> String? {
        try pool.unsafeReentrantRead { db in
            try String.fetchOne(db.cachedStatement(sql: "SELECT content_sha256 FROM batch_rows WHERE batch_id = ? AND record_id = ?"), arguments: [batchID, recordID])
        }
    }

    func insertBatchCase(_ db: any SQLConnection, importID: Int64, line: Int, channel: CertificationChannel, fieldsJSON: String,
                         link: CaseLink, actor: String, stamp: String) throws -> Int64 {
        try insertCase(db, NewCase(state: link.decision == "auto" ? "MATCHED" : "NEEDS_MATCH", kind: "batch", form: channel.rawValue,
                                   fieldsJSON: fieldsJSON, reason: nil, link: link, ocrText: nil),
                       from: .batchRow(importID: importID, line: line, channel: channel), actor: actor, at: stamp)
    }

    /// Marks an import finished (the file read to its end).
    public func finishConsularImport(_ importID: Int64, encoding: String?, actor: String) throws {
        try pool.write { db in
            let now = Store.timestamp()
            let counts = try SQLRow.fetchAll(db.cachedStatement(sql: "SELECT outcome, count(*) AS n FROM import_rows WHERE import_id = ? GROUP BY outcome"),
                                          arguments: [importID])
            var after: [String: String] = [:]
            var n: [String: Int] = [:]
            for r in counts {
                after[(r["outcome"] as String).lowercased()] = String(r["n"] as Int)
                n[r["outcome"]] = r["n"]
            }
            try db.cachedStatement(sql: """
                UPDATE imports SET status = 'DONE', finished_at = ?, encoding = ?, inserted = ?, unchanged = ?, rejected = ? WHERE id = ?
                """).execute(arguments: [now, encoding, n["APPROVED", default: 0] + n["QUEUED", default: 0] + n["CONFLICT", default: 0],
                                         n["DUPLICATE", default: 0], n["REJECTED", default: 0], importID])
            try appendEvent(db, actor: actor, entity: "import", entityID: String(importID), action: "IMPORT_FINISHED", after: Store.json(after), at: now)
        }
    }

    /// Every line's outcome of an import, in line order (the report).
    public func importOutcomes(_ importID: Int64) throws -> [ImportLineOutcome] {
        try pool.read { db in
            try SQLRow.fetchAll(db.cachedStatement(sql: "SELECT * FROM import_rows WHERE import_id = ? ORDER BY line"), arguments: [importID]).map {
                ImportLineOutcome(line: $0["line"], batchID: $0["batch_id"], recordID: $0["record_id"], outcome: $0["outcome"],
                                  caseID: $0["case_id"], recordNumber: $0["record"], reason: $0["reason"])
            }
        }
    }
}
