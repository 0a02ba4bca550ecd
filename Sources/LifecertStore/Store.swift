import Crypto
import Foundation
import GRDB
import LifecertDomain

/// The lifecert store: the registry, scans, cases, certification records and the audit log, in one
/// SQLite file (WAL mode, foreign keys on) or one PostgreSQL database (``PostgresLocation``), chosen
/// by the location: a `postgres://` URL, else a file path.
///
/// Contract:
/// - Opening migrates a store written by an older lifecert forward, and refuses one written by a
///   newer lifecert (``StoreError/newerVersion(path:unknownMigrations:)``) without touching it.
/// - Every change of state happens in one write transaction together with its audit event.
/// - Certification records, revocations and audit events are append-only: the database itself
///   (triggers) refuses updates and deletes.
/// - The derived columns `valid_until` and `suspended_from` always follow the policy the store was
///   last opened with; opening with a different policy recomputes them and logs that.
/// Safe to use from several threads and processes at once (GRDB's `DatabasePool`: one writer,
/// concurrent readers, a busy timeout for writers in other processes; on PostgreSQL a connection
/// per thread and writes serialised by a transaction lock, see ``StoreDatabase``).
public final class Store: Sendable {
    /// The store file, or for PostgreSQL its URL without the password.
    public let path: String
    public let policy: CertificationPolicy
    let pool: any StoreDatabase
    /// Where scans are archived: beside the store file, or for PostgreSQL the shared folder set by
    /// `LIFECERT_ARCHIVE` (else the one recorded in the store).
    let archiveRoot: String?
    /// SQLite or PostgreSQL.
    public var dialect: SQLDialect { pool.dialect }
    var rules: CertificationRules { CertificationRules(policy: policy) }

    /// Opens (creating when absent) the store at `path`.
    ///
    /// A store whose file (or folder) cannot be written — made read-only, on a read-only mount — is
    /// opened for reading only when it is already up to date: every read works, and any write fails
    /// with ``StoreError/cannotOpen(path:reason:)`` saying so (``isReadOnly`` tells beforehand).
    ///
    /// - Parameters:
    ///   - busyTimeout: how long a write waits for another process's write to finish before failing.
    ///   - actor: who is opening it (recorded if the policy changes).
    ///   - onLockWait: called once each time a statement has waited about a second for another
    ///     process's write lock (a command line tells its user it is waiting, not hung).
    ///   - archiveFolder: for a PostgreSQL store, the shared folder scans are archived in (recorded
    ///     in the store the first time; later openers without one use the recorded folder). A
    ///     SQLite store's archive is always beside its file.
    public init(path: String, policy: CertificationPolicy = .standard, busyTimeout: TimeInterval = 30,
                actor: String = Store.currentLogin(), onLockWait: (@Sendable () -> Void)? = nil,
                archiveFolder: String? = ProcessInfo.processInfo.environment["LIFECERT_ARCHIVE"]) throws {
        let problems = policy.validate()
        guard problems.isEmpty else { throw StoreError.invalidPolicy(problems) }
        self.policy = policy
        if let location = try PostgresLocation(url: path) {
            self.path = location.redacted
            let db = try PostgresStoreDatabase.open(location, busyTimeout: busyTimeout, onLockWait: onLockWait)
            pool = db
            isReadOnly = false
            do {
                archiveRoot = try db.prepareStore(archiveFolder: archiveFolder, actor: actor)
                try syncPolicy(actor: actor)
            } catch {
                db.close()
                throw error
            }
            return
        }
        self.path = path
        archiveRoot = nil
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty && !FileManager.default.fileExists(atPath: dir) {
            throw StoreError.cannotOpen(path: path, reason: "the folder \(dir) does not exist")
        }
        let existed = FileManager.default.fileExists(atPath: path)
        let oldMask = umask(0o007)  // store files readable by owner and group only
        defer { umask(oldMask) }
        let opened: (DatabasePool, readOnly: Bool)
        do {
            let writable = try Self.openPool(path: path, readOnly: false, busyTimeout: busyTimeout, onLockWait: onLockWait)
            try Self.migrate(writable, path: path, existed: existed)
            opened = (writable, false)
        } catch let error as DatabaseError where existed && error.resultCode == .SQLITE_READONLY {
            // The file or its folder cannot be written: read it as it is, if it needs no upgrade.
            do {
                let reader = try Self.openPool(path: path, readOnly: true, busyTimeout: busyTimeout, onLockWait: onLockWait)
                let current = try reader.read { try Schema.migrator.hasCompletedMigrations($0) }
                guard current else {
                    throw StoreError.cannotOpen(path: path, reason: "the file or its folder is read-only, and the store needs an upgrade by this version of lifecert first; make it writable and run any lifecert command once")
                }
                opened = (reader, true)
            } catch let error as DatabaseError {
                throw Store.translate(error, path: path)
            }
        } catch let error as DatabaseError {
            throw Store.translate(error, path: path)
        }
        pool = SQLiteDatabase(pool: opened.0)
        isReadOnly = opened.readOnly
        if isReadOnly { return }
        do {
            try syncPolicy(actor: actor)
        } catch let error as DatabaseError {
            throw Store.translate(error, path: path)
        }
    }

    /// True when the store was opened for reading only (its file or folder is read-only).
    public let isReadOnly: Bool

    /// The store's connections. SQLite's own busy timeout sleeps in growing steps (up to 100 ms),
    /// so with eight reviewers approving at once an unlucky writer waits far longer than the lock
    /// is held. This handler retries every half millisecond for the first second, then every 5 ms,
    /// until `busyTimeout` has passed (counted in sleeps, so the wait is `busyTimeout` give or take
    /// the scheduler's few per cent, not the 10–20 % longer a half-millisecond count would give).
    private static func openPool(path: String, readOnly: Bool, busyTimeout: TimeInterval,
                                 onLockWait: (@Sendable () -> Void)?) throws -> DatabasePool {
        var config = Configuration()
        config.foreignKeysEnabled = true
        config.readonly = readOnly
        let fastTries = 2000  // 2000 × 0.5 ms = 1 s
        let slowTries = Int(max(0, busyTimeout - 1) / 0.005)
        config.busyMode = .callback { n in
            if n < fastTries { usleep(500); return true }
            if n == fastTries { onLockWait?() }
            guard n < fastTries + slowTries else { return false }
            usleep(5000)
            return true
        }
        config.label = "lifecert"
        config.prepareDatabase { db in
            // WAL with synchronous=NORMAL: a commit survives a crash of the process; only a power
            // loss can drop the last commits, never corrupt the file. A 128 MiB page cache keeps the
            // recipient indexes of a million-row registry in memory during imports.
            try db.execute(sql: "PRAGMA cache_size = -131072; PRAGMA temp_store = MEMORY")
            if !readOnly { try db.execute(sql: "PRAGMA synchronous = NORMAL") }
        }
        return try DatabasePool(path: path, configuration: config)
    }

    /// Refuses a store written by a newer lifecert (or a database that is not a store), then
    /// migrates it to this version's schema.
    private static func migrate(_ pool: DatabasePool, path: String, existed: Bool) throws {
        let migrator = Schema.migrator
        let superseded = try pool.read { db -> Set<String>? in
            if existed, try !db.tableExists("grdb_migrations"), try !db.tableExists("recipients") {
                let tables = try String.fetchAll(db.cachedStatement(sql: "SELECT name FROM sqlite_master WHERE type='table'"))
                if !tables.isEmpty {
                    throw StoreError.notAStore(path: path, reason: "it holds other tables (\(tables.prefix(5).joined(separator: ", ")))")
                }
            }
            guard try migrator.hasBeenSuperseded(db) else { return nil }
            return try migrator.appliedIdentifiers(db).subtracting(migrator.migrations)
        }
        if let unknown = superseded {
            throw StoreError.newerVersion(path: path, unknownMigrations: unknown.sorted())
        }
        try migrator.migrate(pool)
    }

    /// The message for any error a store operation threw, for the person running lifecert: SQLite's
    /// own failures (disk full, read-only, locked, damaged) in words, with what to do; nil for
    /// errors that are not the store's.
    public static func describeFailure(_ error: Error, path: String) -> String? {
        if let e = error as? StoreError { return e.description }
        if let e = PostgresStoreDatabase.translate(error, location: path) { return e.description }
        if let e = error as? DatabaseError { return translate(e, path: path, opening: false).description }
        return nil
    }

    static func translate(_ error: DatabaseError, path: String, opening: Bool = true) -> StoreError {
        let e = translateOpening(error, path: path)
        guard !opening, case .cannotOpen(let p, let reason) = e else { return e }
        return .cannotWrite(path: p, reason: reason)
    }

    private static func translateOpening(_ error: DatabaseError, path: String) -> StoreError {
        switch error.resultCode {
        case .SQLITE_NOTADB: return .notAStore(path: path, reason: "it is not an SQLite database")
        case .SQLITE_CORRUPT: return .notAStore(path: path, reason: "the database file is damaged")
        case .SQLITE_READONLY: return .cannotOpen(path: path, reason: "the file or its folder is read-only, so nothing was written; make it writable (chmod, or chattr -i) or use a writable copy")
        case .SQLITE_CANTOPEN: return .cannotOpen(path: path, reason: "the file cannot be opened or created (check the folder and its permissions)")
        case .SQLITE_BUSY: return .cannotOpen(path: path, reason: "another process held the store's write lock for longer than lifecert waits (30 s), so nothing was written; try again when it is done (`fuser` on the store file shows who holds it)")
        case .SQLITE_FULL: return .cannotOpen(path: path, reason: "the disk is full, so the last change was not written (the store is unharmed: SQLite rolled it back); free some space and run the command again")
        case .SQLITE_IOERR: return .cannotOpen(path: path, reason: "the disk reported an input/output error (\(error.message ?? "I/O error")); the last change was rolled back; check the disk (and free space) and run the command again")
        default: return .cannotOpen(path: path, reason: error.message ?? "\(error.resultCode)")
        }
    }

    /// The operating-system login of the current process (the password database, else `$USER`).
    ///
    /// The superuser may act as another login by setting `LIFECERT_ACT_AS` (for scripted tests and
    /// recovery): root can change the store file directly anyway, and acting through lifecert keeps
    /// the roles' checks and the audit trail. For anyone else the variable is ignored.
    public static func currentLogin() -> String {
        if geteuid() == 0, let login = ProcessInfo.processInfo.environment["LIFECERT_ACT_AS"], !login.isEmpty { return login }
        if let pw = getpwuid(geteuid()), let name = pw.pointee.pw_name { return String(cString: name) }
        return ProcessInfo.processInfo.environment["USER"] ?? "uid-\(geteuid())"
    }

    /// The migrations applied to this store, oldest first.
    public func appliedMigrations() throws -> [String] {
        if let sqlite = pool as? SQLiteDatabase {
            return try sqlite.pool.read { try Schema.migrator.appliedMigrations($0) }
        }
        return try pool.read { try String.fetchAll($0, sql: "SELECT identifier FROM lifecert_migrations ORDER BY applied_order") }
    }

    /// Closes the store's connections (PostgreSQL; SQLite's close when the store is released).
    public func close() { pool.close() }

    public static var schemaVersion: String { Schema.latest }

    // MARK: - Policy

    static func fingerprint(_ policy: CertificationPolicy) -> String {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        return String(decoding: try! enc.encode(policy), as: UTF8.self)
    }

    /// Recomputes the derived dates when the policy differs from the one they were computed with.
    private func syncPolicy(actor: String) throws {
        let current = Store.fingerprint(policy)
        try pool.write { db in
            let stored = try String.fetchOne(db.cachedStatement(sql: "SELECT value FROM store_meta WHERE key = 'policy'"))
            guard stored != current else { return }
            try db.cachedStatement(sql: "INSERT INTO store_meta (key, value) VALUES ('policy', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").execute(arguments: [current])
            // Only the validity and suspension settings move the derived dates; a change of matching
            // or batch settings alone (or a policy key added by a newer lifecert) recomputes nothing.
            let before = stored.flatMap { try? JSONDecoder().decode(CertificationPolicy.self, from: Data($0.utf8)) }
            let datesChanged = before.map { $0.validityMonths != policy.validityMonths || $0.suspensionMonthOffset != policy.suspensionMonthOffset } ?? true
            let count = datesChanged ? try Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM recipients"))! : 0
            if count > 0 { try recomputeAllDerived(db) }
            try appendEvent(db, actor: actor, entity: "policy", entityID: "certification", action: "POLICY_SET",
                            before: stored, after: current,
                            reason: count > 0 ? "derived dates of \(count) recipients recomputed" : nil)
        }
    }

    private func recomputeAllDerived(_ db: any SQLConnection) throws {
        let rows = try SQLRow.fetchCursor(db, sql: "SELECT ssn, last_certified_on, applied_on FROM recipients")
        var updates: [(String, String?, String?)] = []
        while let row = try rows.next() {
            let (until, from) = derived(lastCertified: (row["last_certified_on"] as String?).flatMap { LocalDate(iso: $0) },
                                        applied: (row["applied_on"] as String?).flatMap { LocalDate(iso: $0) })
            updates.append((row["ssn"], until, from))
        }
        let st = try db.cachedStatement(sql: "UPDATE recipients SET valid_until = ?, suspended_from = ? WHERE ssn = ?")
        for (ssn, until, from) in updates { try st.execute(arguments: [until, from, ssn]) }
    }

    func derived(lastCertified: LocalDate?, applied: LocalDate?) -> (String?, String?) {
        guard let anchor = rules.anchorMonth(lastCertifiedOn: lastCertified, residentPensionAppliedOn: applied) else {
            return (nil, nil)
        }
        return (rules.validUntil(anchor: anchor).description, rules.suspendedFrom(anchor: anchor).description)
    }

    // MARK: - Audit log

    static func timestamp(_ date: Date = Date()) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    /// Appends one audit event inside the caller's write transaction, chained to the previous one.
    @discardableResult
    func appendEvent(_ db: any SQLConnection, actor: String, entity: String, entityID: String, action: String,
                     before: String? = nil, after: String? = nil, reason: String? = nil,
                     at: String = Store.timestamp()) throws -> String {
        let prev = try String.fetchOne(db.cachedStatement(sql: "SELECT hash FROM events ORDER BY id DESC LIMIT 1")) ?? String(repeating: "0", count: 64)
        let hash = Store.eventHash(prev: prev, at: at, actor: actor, entity: entity, entityID: entityID,
                                   action: action, before: before, after: after, reason: reason)
        try db.cachedStatement(sql: """
            INSERT INTO events (at, actor, entity, entity_id, action, before, after, reason, prev_hash, hash)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [at, actor, entity, entityID, action, before, after, reason, prev, hash])
        return hash
    }

    static func eventHash(prev: String, at: String, actor: String, entity: String, entityID: String,
                          action: String, before: String?, after: String?, reason: String?) -> String {
        var h = SHA256()
        for part in [prev, at, actor, entity, entityID, action, before ?? "\u{0}", after ?? "\u{0}", reason ?? "\u{0}"] {
            let bytes = Array(part.utf8)
            withUnsafeBytes(of: UInt64(bytes.count).bigEndian) { h.update(bufferPointer: $0) }
            h.update(data: bytes)
        }
        return FileDigest.hex(h.finalize())
    }

    /// Walks the audit chain; returns the id of the first event whose hash does not follow, or nil
    /// when the whole chain is intact.
    public func verifyAuditChain() throws -> Int64? {
        try pool.read { db in
            var prev = String(repeating: "0", count: 64)
            let rows = try SQLRow.fetchCursor(db, sql: "SELECT * FROM events ORDER BY id")
            while let r = try rows.next() {
                let expected = Store.eventHash(prev: prev, at: r["at"], actor: r["actor"], entity: r["entity"],
                                               entityID: r["entity_id"], action: r["action"], before: r["before"],
                                               after: r["after"], reason: r["reason"])
                if r["prev_hash"] != prev || r["hash"] != expected { return r["id"] }
                prev = expected
            }
            return nil
        }
    }

    /// The audit events about one entity, oldest first.
    public func events(entity: String, id: String) throws -> [AuditEvent] {
        try pool.read { db in
            try SQLRow.fetchAll(db.cachedStatement(sql: "SELECT * FROM events WHERE entity = ? AND entity_id = ? ORDER BY id"),
                             arguments: [entity, id]).map(AuditEvent.init(row:))
        }
    }

    /// Number of rows in each main table, for summaries and copy checks.
    public func counts() throws -> [String: Int] {
        try pool.read { db in
            var out: [String: Int] = [:]
            for t in ["recipients", "imports", "users", "events", "scans", "cases", "certification_records", "certification_revocations"] {
                out[t] = try Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM \(t)"))!
            }
            return out
        }
    }
}

/// One entry of the audit log.
public struct AuditEvent: Sendable, Equatable {
    public let id: Int64
    public let at: String
    public let actor: String
    public let entity: String
    public let entityID: String
    public let action: String
    public let before: String?
    public let after: String?
    public let reason: String?

    init(row: SQLRow) {
        id = row["id"]
        at = row["at"]
        actor = row["actor"]
        entity = row["entity"]
        entityID = row["entity_id"]
        action = row["action"]
        before = row["before"]
        after = row["after"]
        reason = row["reason"]
    }
}
