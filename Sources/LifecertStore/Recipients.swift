import Foundation
import LifecertDomain
import LifecertNames

/// A recipient as the store holds them: the registry's data and the dates lifecert derives.
public struct RecipientRecord: Sendable, Equatable {
    public let recipient: Recipient
    /// The date the registry extract gave as the last certification.
    public let registryLastCertifiedOn: LocalDate?
    /// The later of the registry's date and the newest unrevoked certification record.
    public let lastCertifiedOn: LocalDate?
    /// Last day of validity (the `certification_valid_until` of `registry show`); nil when unknown.
    public let validUntil: LocalDate?
    /// First month payments must stop without a new certification; nil when unknown.
    public let suspendedFrom: YearMonth?

    init(row: SQLRow) {
        func date(_ c: String) -> LocalDate? { (row[c] as String?).flatMap { LocalDate(iso: $0) } }
        recipient = Recipient(
            ssn: row["ssn"], name: row["name"], nameLatin: row["name_latin"],
            sex: Sex(rawValue: row["sex"])!, birthDate: date("birth_date")!,
            idType: IdentityType(rawValue: row["id_type"]) ?? .foreignPassport, idNumber: row["id_number"],
            benefitType: BenefitType(rawValue: row["benefit_type"]) ?? .enterprisePension,
            benefitStatus: BenefitStatus(rawValue: row["benefit_status"])!, eligible: row["eligible"],
            residence: row["residence"], lastCertifiedOn: date("registry_last_certified_on"),
            phone: row["phone"], office: row["office"], appliedOn: date("applied_on"), diedOn: date("died_on"))
        registryLastCertifiedOn = date("registry_last_certified_on")
        lastCertifiedOn = date("last_certified_on")
        validUntil = date("valid_until")
        suspendedFrom = (row["suspended_from"] as String?).flatMap { YearMonth(iso: $0) }
    }
}

/// Counts of one registry import, so far or in the end.
public struct RegistryImportCounts: Sendable, Equatable {
    public var inserted = 0
    public var updated = 0
    public var unchanged = 0
    public var rejected = 0
    public init() {}
    public var total: Int { inserted + updated + unchanged + rejected }
}

/// An import in progress: rows are upserted chunk by chunk, each chunk in one transaction.
///
/// Contract: a row is upserted by `ssn`; a row equal to the stored one changes nothing (not even
/// `updated_at`); a changed row is updated and an audit event records the fields before and after.
/// The import row in `imports` says RUNNING until ``finish(encoding:)`` marks it DONE.
public final class RegistryImport: @unchecked Sendable {
    public let id: Int64
    public private(set) var counts = RegistryImportCounts()
    let store: Store
    let actor: String

    init(id: Int64, store: Store, actor: String) {
        self.id = id
        self.store = store
        self.actor = actor
    }

    static let columns = ["ssn", "name", "name_latin", "sex", "birth_date", "id_type", "id_number", "benefit_type",
                          "benefit_status", "eligible", "residence", "registry_last_certified_on", "phone", "office",
                          "applied_on", "died_on", "name_folded"]

    static func values(_ r: Recipient) -> [SQLValueConvertible?] {
        [r.ssn, r.name, r.nameLatin, r.sex.rawValue, r.birthDate.description, r.idType.rawValue, r.idNumber,
         r.benefitType.rawValue, r.benefitStatus.rawValue, r.eligible ? 1 : 0, r.residence,
         r.lastCertifiedOn?.description, r.phone, r.office, r.appliedOn?.description, r.diedOn?.description,
         HanCharacters.simplified(r.name)]
    }

    /// Upserts one chunk of checked rows in one transaction. Call with ~1,000–10,000 rows.
    public func upsert(_ chunk: [Recipient]) throws {
        var c = counts
        let now = Store.timestamp()
        // Blocking keys for the chunk, computed on all cores before the write transaction.
        let keysOf = Self.blockingKeys(chunk)
        var newKeys: [(String, String)] = []
        try store.pool.write { db in
            let select = try db.cachedStatement(sql: "SELECT \(Self.columns.joined(separator: ", ")) FROM recipients WHERE ssn = ?")
            let insert = try db.cachedStatement(sql: """
                INSERT INTO recipients (\(Self.columns.joined(separator: ", ")), last_certified_on, valid_until, suspended_from, import_id, updated_at)
                VALUES (\(Array(repeating: "?", count: Self.columns.count + 5).joined(separator: ", ")))
                """)
            let update = try db.cachedStatement(sql: """
                UPDATE recipients SET \(Self.columns.dropFirst().map { "\($0) = ?" }.joined(separator: ", ")),
                    last_certified_on = ?, valid_until = ?, suspended_from = ?, import_id = ?, updated_at = ?
                WHERE ssn = ?
                """)
            let dropKey = try db.cachedStatement(sql: "DELETE FROM recipient_name_keys WHERE key = ? AND ssn = ?")
            let addKey = try db.cachedStatement(sql: "INSERT INTO recipient_name_keys (key, ssn) VALUES (?, ?) ON CONFLICT DO NOTHING")
            for (n, r) in chunk.enumerated() {
                func index() { for k in keysOf[n] { newKeys.append((k, r.ssn)) } }
                let new = Self.values(r).map { $0?.sqlValue ?? .null }
                if let old = try SQLRow.fetchOne(select, arguments: [r.ssn]) {
                    let oldValues = Self.columns.map { old[$0] as SQLValue }
                    if oldValues == new { c.unchanged += 1; continue }
                    let latestRecord = try store.latestStandingCertification(db, ssn: r.ssn)
                    let last = [r.lastCertifiedOn, latestRecord].compactMap { $0 }.max()
                    let (until, from) = store.derived(lastCertified: last, applied: r.appliedOn)
                    let derivedValues: [SQLValue] = [
                        last?.description.sqlValue ?? .null, until.sqlValue, from.sqlValue,
                        id.sqlValue, now.sqlValue, r.ssn.sqlValue,
                    ]
                    try update.execute(arguments: SQLArguments(Array(new.dropFirst()) + derivedValues))
                    let oldName: String = old["name"], oldLatin: String? = old["name_latin"]
                    if oldName != r.name || oldLatin != r.nameLatin {
                        for k in NameBlocking.registryKeys(name: oldName, nameLatin: oldLatin) { try dropKey.execute(arguments: [k, r.ssn]) }
                        index()
                    }
                    var before: [String: String] = [:]
                    var after: [String: String] = [:]
                    for (i, col) in Self.columns.enumerated() where oldValues[i] != new[i] {
                        before[col] = String.fromSQL(oldValues[i]) ?? oldValues[i].description
                        after[col] = String.fromSQL(new[i]) ?? new[i].description
                    }
                    try store.appendEvent(db, actor: actor, entity: "recipient", entityID: r.ssn, action: "REGISTRY_UPDATE",
                                          before: Store.json(before), after: Store.json(after), reason: "registry import \(id)", at: now)
                    c.updated += 1
                } else {
                    let (until, from) = store.derived(lastCertified: r.lastCertifiedOn, applied: r.appliedOn)
                    let derivedValues: [SQLValue] = [
                        r.lastCertifiedOn?.description.sqlValue ?? .null, until.sqlValue, from.sqlValue,
                        id.sqlValue, now.sqlValue,
                    ]
                    try insert.execute(arguments: SQLArguments(new + derivedValues))
                    index()
                    c.inserted += 1
                }
            }
            // In key order: the key table's B-tree is then written page after page, not at random.
            newKeys.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
            for (k, ssn) in newKeys { try addKey.execute(arguments: [k, ssn]) }
            try db.execute(sql: "UPDATE imports SET inserted = ?, updated = ?, unchanged = ? WHERE id = ?",
                           arguments: [c.inserted, c.updated, c.unchanged, id])
        }
        counts.inserted = c.inserted
        counts.updated = c.updated
        counts.unchanged = c.unchanged
    }

    /// Each recipient's blocking keys (``NameBlocking``), computed in parallel.
    static func blockingKeys(_ chunk: [Recipient]) -> [[String]] {
        var keys = [[String]](repeating: [], count: chunk.count)
        let parts = max(1, min(8, chunk.count / 2000))
        keys.withUnsafeMutableBufferPointer { buffer in
            // Each worker writes its own slots (every parts-th one) of memory it does not resize.
            nonisolated(unsafe) let out = buffer
            DispatchQueue.concurrentPerform(iterations: parts) { p in
                var i = p
                while i < chunk.count {
                    out[i] = NameBlocking.registryKeys(name: chunk[i].name, nameLatin: chunk[i].nameLatin)
                    i += parts
                }
            }
        }
        return keys
    }

    /// Counts a row that was refused (the caller reports it with its line and reason).
    public func reject() { counts.rejected += 1 }

    /// Marks the import finished and logs it.
    public func finish(encoding: String?) throws {
        try store.pool.write { db in
            try db.cachedStatement(sql: """
                UPDATE imports SET status = 'DONE', finished_at = ?, encoding = ?, inserted = ?, updated = ?,
                    unchanged = ?, rejected = ? WHERE id = ?
                """).execute(arguments: [Store.timestamp(), encoding, counts.inserted, counts.updated, counts.unchanged, counts.rejected, id])
            try store.appendEvent(db, actor: actor, entity: "import", entityID: String(id), action: "REGISTRY_IMPORT_DONE",
                                  after: Store.json(["inserted": String(counts.inserted), "updated": String(counts.updated),
                                                     "unchanged": String(counts.unchanged), "rejected": String(counts.rejected)]))
        }
    }

    /// Marks the import failed (rows already committed stay; a re-run finishes the file).
    public func fail(reason: String) throws {
        try store.pool.write { db in
            try db.execute(sql: "UPDATE imports SET status = 'FAILED', finished_at = ? WHERE id = ?",
                           arguments: [Store.timestamp(), id])
            try store.appendEvent(db, actor: actor, entity: "import", entityID: String(id), action: "REGISTRY_IMPORT_FAILED", reason: reason)
        }
    }
}

extension Store {
    /// A flat object as compact JSON, keys sorted (the audit log's `before`/`after`).
    static func json(_ dict: [String: String]) -> String { JSONText.encode(dict) }

    /// Starts a registry import of the file `fileName` whose content has the given SHA-256.
    public func beginRegistryImport(fileName: String, sha256: String, actor: String = Store.currentLogin()) throws -> RegistryImport {
        let id = try pool.write { db -> Int64 in
            try requireRoleOrSetup(db, actor, action: "import the registry", allowed: [.admin])
            try db.cachedStatement(sql: """
                INSERT INTO imports (kind, file_name, file_sha256, actor, started_at, status)
                VALUES ('REGISTRY', ?, ?, ?, ?, 'RUNNING')
                """).execute(arguments: [fileName, sha256, actor, Store.timestamp()])
            let id = try db.lastInsertedID()
            try appendEvent(db, actor: actor, entity: "import", entityID: String(id), action: "REGISTRY_IMPORT_STARTED",
                            after: Store.json(["file": fileName, "sha256": sha256]))
            return id
        }
        return RegistryImport(id: id, store: self, actor: actor)
    }

    /// The recipient with this social-security number.
    public func recipient(ssn: String) throws -> RecipientRecord? {
        try pool.unsafeReentrantRead { db in
            try SQLRow.fetchOne(db.cachedStatement(sql: "SELECT * FROM recipients WHERE ssn = ?"), arguments: [ssn]).map(RecipientRecord.init(row:))
        }
    }

    /// Recipients whose registered identity number equals `key` (normalise it first with
    /// ``IdentityNumbers``; a 15-digit resident ID is matched by its 18-digit form too).
    public func recipients(idNumber key: String) throws -> [RecipientRecord] {
        try pool.read { db in
            try SQLRow.fetchAll(db.cachedStatement(sql: "SELECT * FROM recipients WHERE id_number = ? ORDER BY ssn"), arguments: [key])
                .map(RecipientRecord.init(row:))
        }
    }

    /// Recipients, not terminated, whose validity ends between `from` and `through` (inclusive),
    /// earliest first — the reminder list.
    public func due(from: LocalDate, through: LocalDate) throws -> [RecipientRecord] {
        try pool.read { db in
            try SQLRow.fetchAll(db.cachedStatement(sql: """
                SELECT * FROM recipients WHERE valid_until BETWEEN ? AND ? AND benefit_status <> 'TERMINATED'
                ORDER BY valid_until, ssn
                """), arguments: [from.description, through.description]).map(RecipientRecord.init(row:))
        }
    }

    /// Recipients still paid (`NORMAL`) whose suspension month is `month` or earlier: whom that
    /// month's payment run must suspend. Also returns how many paid recipients have no known
    /// certification date at all (they cannot be placed and need a registry correction).
    public func overdue(month: YearMonth) throws -> (recipients: [RecipientRecord], withoutDate: Int) {
        try pool.read { db in
            let list = try SQLRow.fetchAll(db.cachedStatement(sql: """
                SELECT * FROM recipients WHERE suspended_from <= ? AND benefit_status = 'NORMAL'
                ORDER BY suspended_from, ssn
                """), arguments: [month.description]).map(RecipientRecord.init(row:))
            let none = try Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM recipients WHERE suspended_from IS NULL AND benefit_status = 'NORMAL'"))!
            return (list, none)
        }
    }
}
