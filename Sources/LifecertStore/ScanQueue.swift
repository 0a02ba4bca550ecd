import Foundation
import LifecertDomain

/// A case to open for a scan once it has been read: one per certificate found, or one UNREADABLE.
public struct NewCase: Sendable {
    public var state: String
    public var kind: String?
    public var form: String?
    public var fieldsJSON: String?
    public var reason: String?
    public var link: CaseLink?
    public var ocrText: String?

    public init(state: String, kind: String?, form: String?, fieldsJSON: String?, reason: String?, link: CaseLink?, ocrText: String?) {
        self.state = state
        self.kind = kind
        self.form = form
        self.fieldsJSON = fieldsJSON
        self.reason = reason
        self.link = link
        self.ocrText = ocrText
    }
}

/// The scan work queue. Any number of readers — intake runs and `lifecert worker` processes on any
/// machine that reaches the store — take scans by lease; a reader that dies mid-page loses its
/// lease when it runs out and another takes the scan.
///
/// Contract: a scan's cases are opened exactly once, in one transaction that also marks the scan
/// read; a reader whose lease ran out and whose scan another reader already finished is told so
/// and opens nothing. No scan is left without its cases: an unread scan stays in the queue until
/// someone reads it.
extension Store {
    /// How long a reader holds a scan before another may take it.
    public static let scanLease: TimeInterval = 300

    /// This process as a reader in the scan queue: `host:pid`.
    public static func readerID() -> String { "\(localHost):\(getpid())" }

    static let localHost = ProcessInfo.processInfo.hostName

    /// Whether a lease holder is a process of this machine that no longer runs (killed, crashed):
    /// its scans may be taken over at once instead of when the lease runs out. A reader on another
    /// machine, or a process that still runs, is never judged gone.
    static func readerHasEnded(_ owner: String) -> Bool {
        guard let colon = owner.lastIndex(of: ":"), owner[..<colon] == localHost,
              let pid = Int32(owner[owner.index(after: colon)...]), pid > 0, pid != getpid() else { return false }
        return kill(pid, 0) != 0 && errno == ESRCH
    }

    /// Takes up to `limit` unread scans whose lease is free, has run out, or belongs to a reader of
    /// this machine that has ended; oldest first. Each takeover is an audit event.
    public func claimScans(reader: String, by actor: String = Store.currentLogin(), limit: Int, lease: TimeInterval = Store.scanLease,
                           now: Date = Date()) throws -> [ScanRecord] {
        try pool.write { db in
            try requireRoleOrSetup(db, actor, action: "read scans", allowed: Store.mailroomRoles)
            let stamp = Store.timestamp(now)
            let free = try SQLRow.fetchAll(db.cachedStatement(sql: """
                SELECT * FROM scans WHERE read_at IS NULL AND (lease_until IS NULL OR lease_until <= ? OR lease_owner = ?)
                ORDER BY id LIMIT ?\(db.dialect == .postgres ? " FOR UPDATE SKIP LOCKED" : "")
                """), arguments: [stamp, reader, limit])
            // Scans held by readers of this machine: those whose process has ended are free too.
            let prefix = Self.localHost + ":"
            let local = try SQLRow.fetchAll(db.cachedStatement(sql: """
                SELECT * FROM scans WHERE read_at IS NULL AND lease_until > ? AND lease_owner <> ? AND substr(lease_owner, 1, length(CAST(? AS TEXT))) = ?
                ORDER BY id
                """), arguments: [stamp, reader, prefix, prefix])
                .filter { Self.readerHasEnded($0["lease_owner"]) }
            let rows = Array((free + local).sorted { ($0["id"] as Int64) < ($1["id"] as Int64) }.prefix(limit))
            let until = Store.timestamp(now.addingTimeInterval(lease))
            for r in rows {
                try db.cachedStatement(sql: "UPDATE scans SET lease_owner = ?, lease_until = ? WHERE id = ?").execute(arguments: [reader, until, r["id"] as Int64])
                if let previous = r["lease_owner"] as String?, previous != reader {
                    let expired = (r["lease_until"] as String?).map { $0 <= stamp } ?? true
                    try appendEvent(db, actor: reader, entity: "scan", entityID: String(r["id"] as Int64), action: "LEASE_TAKEN_OVER",
                                    before: Store.json(["reader": previous]), after: Store.json(["reader": reader]),
                                    reason: expired ? "the earlier reader's lease ran out before it finished"
                                                    : "the earlier reader, a process on this machine, ended before it finished",
                                    at: stamp)
                }
            }
            return rows.map(scanRecord)
        }
    }

    /// Gives back the leases `reader` holds on scans it has not read (a run that stops on an error
    /// hands its scans to the next reader at once). Returns how many.
    @discardableResult
    public func releaseScans(reader: String) throws -> Int {
        try pool.write { db in
            try db.cachedStatement(sql: "UPDATE scans SET lease_owner = NULL, lease_until = NULL WHERE read_at IS NULL AND lease_owner = ?")
                .execute(arguments: [reader])
            return db.changesCount
        }
    }

    /// Who holds an unread scan's lease right now, and until when (nil: no one, or it was read).
    public func scanLeaseHolder(_ scanID: Int64, now: Date = Date()) throws -> (reader: String, until: String)? {
        try pool.read { db in
            guard let r = try SQLRow.fetchOne(db.cachedStatement(sql: "SELECT lease_owner, lease_until FROM scans WHERE id = ? AND read_at IS NULL AND lease_until > ?"),
                                           arguments: [scanID, Store.timestamp(now)]),
                  let owner = r["lease_owner"] as String?, let until = r["lease_until"] as String? else { return nil }
            return (owner, until)
        }
    }

    /// Unread scans: how many, and how many of them are leased by a reader right now.
    public func unreadScans(now: Date = Date()) throws -> (all: Int, leased: Int) {
        try pool.read { db in
            let all = try Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM scans WHERE read_at IS NULL")) ?? 0
            let leased = try Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM scans WHERE read_at IS NULL AND lease_until > ?"),
                                          arguments: [Store.timestamp(now)]) ?? 0
            return (all, leased)
        }
    }

    /// Opens every case read from a scan and marks it read, in one transaction, exactly once.
    ///
    /// - Returns: the new case ids, or nil when the scan was already read (by another reader that
    ///   took it over after this one's lease ran out): nothing is written then.
    public func openCasesForScan(_ scanID: Int64, cases: [NewCase], actor: String) throws -> [Int64]? {
        try pool.write { db in
            let readAt = try SQLRow.fetchOne(db.cachedStatement(sql: "SELECT read_at FROM scans WHERE id = ?"), arguments: [scanID])
            guard let readAt else { throw StoreError.unknownScan(scanID) }
            if (readAt["read_at"] as String?) != nil { return nil }
            let now = Store.timestamp()
            let ids = try cases.map { try insertCase(db, $0, from: .scan(scanID), actor: actor, at: now) }
            try markRead(db, scanID: scanID, at: now)
            return ids
        }
    }
}
