import Crypto
import Foundation

/// What `store copy` moved, table by table, with the counts read back from both stores.
public struct StoreCopyReport: Sendable {
    public struct Table: Sendable {
        public let name: String
        public let source: Int
        public let target: Int
        public var matches: Bool { source == target }
    }
    public let tables: [Table]
    public let scansCopied: Int
    public var allMatch: Bool { tables.allSatisfy(\.matches) }
}

extension Store {
    /// Copies this store, every row of every table and every archived scan, into the empty
    /// PostgreSQL store at `targetURL` (an office's SQLite store moving to the shared one).
    ///
    /// Contract:
    /// - the target must be a database with no lifecert rows yet (its schema is created when absent);
    ///   anything else is refused before a row is written;
    /// - rows keep their ids, so the audit chain, the case numbers and the record numbers stay what
    ///   they were; the chain is verified in the target before the copy commits;
    /// - each archived scan is copied into `archiveFolder` (the shared folder), its SHA-256 checked
    ///   against the store's, and its row points at the copy;
    /// - everything is one transaction in the target: a failure leaves it empty;
    /// - the caller (`actor`) must be an administrator of this store (when it has users); the copy is
    ///   the last event of the target's chain.
    public func copy(toPostgres targetURL: String, archiveFolder: String, actor: String,
                     progress: (@Sendable (String, Int) -> Void)? = nil) throws -> StoreCopyReport {
        guard let location = try PostgresLocation(url: targetURL) else {
            throw StoreError.cannotOpen(path: targetURL, reason: "the target of a copy is a PostgreSQL URL, postgres://user@host:port/database")
        }
        try pool.read { db in try requireRoleOrSetup(db, actor, action: "copy the store", allowed: [.admin]) }
        let target = try PostgresStoreDatabase.open(location, busyTimeout: 30, onLockWait: nil)
        defer { target.close() }
        let root = try target.prepareStore(archiveFolder: archiveFolder, actor: actor) ?? archiveFolder
        let archive = ScanArchive(root: root)
        var copiedScans = 0
        try target.write { t in
            for (table, _) in PostgresSchema.tablesInCopyOrder where table != "store_meta" {
                if let n = try Int.fetchOne(t, sql: "SELECT count(*) FROM \(table)"), n > 0 {
                    throw StoreError.cannotWrite(path: location.redacted, reason: "it already holds \(n) rows in \(table): a copy goes into a new, empty store only")
                }
            }
            for (table, order) in PostgresSchema.tablesInCopyOrder {
                let rows = try pool.read { try SQLRow.fetchAll($0, sql: "SELECT * FROM \(table) ORDER BY \(order)") }
                guard let first = rows.first else { continue }
                var columns = first.columnNames
                var values = rows.map(\.values)
                if table == "store_meta" {
                    // The target's own settings (its archive folder) stand; the rest is the source's.
                    values = values.filter { String.fromSQL($0[0]) != "archive_folder" }
                }
                if table == "scans", let at = columns.firstIndex(of: "archive_path"),
                   let hashAt = columns.firstIndex(of: "sha256") {
                    for i in values.indices {
                        let from = String.fromSQL(values[i][at]) ?? ""
                        let sha = String.fromSQL(values[i][hashAt]) ?? ""
                        guard let bytes = FileManager.default.contents(atPath: from) else {
                            throw StoreError.archiveFailed(file: from, archive: root, reason: "the archived scan \(sha.prefix(12))… is missing from the source archive, so nothing was copied; restore it first")
                        }
                        let actual = FileDigest.hex(SHA256.hash(data: bytes))
                        guard actual == sha else {
                            throw StoreError.archiveFailed(file: from, archive: root, reason: "the archived scan's content no longer has the SHA-256 the store recorded, so nothing was copied")
                        }
                        let ext = (from as NSString).pathExtension
                        let copied = try archive.store([UInt8](bytes), sha256: sha, extension: ext.isEmpty ? "bin" : ext, source: from)
                        values[i][at] = .text(copied)
                        copiedScans += 1
                    }
                }
                if table == "store_meta" { columns = ["key", "value"]; values = values.map { Array($0.prefix(2)) } }
                try Self.insert(t, table: table, columns: columns, rows: values, upsertKey: table == "store_meta" ? "key" : nil)
                progress?(table, values.count)
            }
            // The ids continue after the copied ones (the reset every write transaction starts with).
            try t.execute(sql: PostgresStoreDatabase.resequence)
            try appendEvent(t, actor: actor, entity: "store", entityID: "copy", action: "STORE_COPIED",
                            after: Store.json(["from": path, "scans": String(copiedScans)]))
        }
        // Read both stores back.
        let targetStore = try Store(path: targetURL, policy: policy, actor: actor, archiveFolder: root)
        defer { targetStore.close() }
        let before = try counts(), after = try targetStore.counts()
        var tables: [StoreCopyReport.Table] = []
        for name in before.keys.sorted() {
            // The copy's own event is the one more in the target.
            let extra = name == "events" ? 1 : 0
            tables.append(.init(name: name, source: before[name]! + extra, target: after[name] ?? -1))
        }
        if let broken = try targetStore.verifyAuditChain() {
            throw StoreError.cannotWrite(path: location.redacted, reason: "the copied audit chain does not verify at event \(broken)")
        }
        return StoreCopyReport(tables: tables, scansCopied: copiedScans)
    }

    /// Multi-row INSERTs (a few hundred rows each: far fewer round trips than one per row).
    static func insert(_ db: any SQLConnection, table: String, columns: [String], rows: [[SQLValue]], upsertKey: String?) throws {
        let perStatement = max(1, min(500, 30_000 / max(1, columns.count)))
        var start = 0
        while start < rows.count {
            let batch = rows[start..<min(rows.count, start + perStatement)]
            let one = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
            var sql = "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES "
                + Array(repeating: one, count: batch.count).joined(separator: ", ")
            if let upsertKey { sql += " ON CONFLICT (\(upsertKey)) DO UPDATE SET value = excluded.value" }
            try db.execute(sql: sql, arguments: SQLArguments(values: batch.flatMap { $0 }))
            start += perStatement
        }
    }
}
