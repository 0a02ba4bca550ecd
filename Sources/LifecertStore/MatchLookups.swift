import Foundation
import LifecertDomain

/// The indexed lookups the matcher needs (every one uses an index; none scans the registry).
extension Store {
    /// The columns a ``Recipient`` is read from, in the order ``recipient(_:)`` reads them by index
    /// (by position, not by name: matching decodes hundreds of rows per certificate).
    static let recipientColumns = "ssn, name, name_latin, sex, birth_date, id_type, id_number, benefit_type, benefit_status, eligible, residence, registry_last_certified_on, phone, office, applied_on, died_on"

    static func recipient(_ row: SQLRow) -> Recipient {
        func date(_ i: Int) -> LocalDate? { (row[i] as String?).flatMap { LocalDate(iso: $0) } }
        return Recipient(
            ssn: row[0], name: row[1], nameLatin: row[2], sex: Sex(rawValue: row[3]) ?? .male, birthDate: date(4)!,
            idType: IdentityType(rawValue: row[5]) ?? .foreignPassport, idNumber: row[6],
            benefitType: BenefitType(rawValue: row[7]) ?? .enterprisePension,
            benefitStatus: BenefitStatus(rawValue: row[8]) ?? .normal, eligible: row[9], residence: row[10],
            lastCertifiedOn: date(11), phone: row[12], office: row[13], appliedOn: date(14), diedOn: date(15))
    }

    /// `sql` selects from `recipients` with `SELECT * FROM recipients WHERE …`; the star is replaced
    /// by ``recipientColumns``.
    static func recipients(_ db: any SQLConnection, sql: String, arguments: SQLArguments) throws -> [Recipient] {
        let sql = sql.replacingOccurrences(of: "SELECT * FROM recipients", with: "SELECT \(recipientColumns) FROM recipients")
        return try SQLRow.fetchAll(db.cachedStatement(sql: sql), arguments: arguments).map(recipient)
    }

    static func placeholders(_ n: Int) -> String { Array(repeating: "?", count: n).joined(separator: ", ") }

    /// Recipients whose registered identity number is one of `numbers` (normalised key forms).
    public func recipients(idNumbers numbers: [String]) throws -> [Recipient] {
        guard !numbers.isEmpty else { return [] }
        return try pool.unsafeReentrantRead { db in
            try Self.recipients(db, sql: "SELECT * FROM recipients WHERE id_number IN (\(Self.placeholders(numbers.count)))",
                                arguments: SQLArguments(numbers))
        }
    }

    public func recipients(bornOn dates: [LocalDate], limit: Int) throws -> [Recipient] {
        guard !dates.isEmpty else { return [] }
        return try pool.unsafeReentrantRead { db in
            try Self.recipients(db, sql: "SELECT * FROM recipients WHERE birth_date IN (\(Self.placeholders(dates.count))) LIMIT ?",
                                arguments: SQLArguments(dates.map(\.description) + [String(limit)]))
        }
    }

    /// Recipients whose name, folded to simplified characters, is one of `names` (already folded).
    public func recipients(namedFolded names: [String], limit: Int) throws -> [Recipient] {
        guard !names.isEmpty else { return [] }
        return try pool.unsafeReentrantRead { db in
            try Self.recipients(db, sql: "SELECT * FROM recipients WHERE name_folded IN (\(Self.placeholders(names.count))) LIMIT ?",
                                arguments: SQLArguments(names + [String(limit)]))
        }
    }

    /// Recipients indexed under one of the blocking `keys`.
    public func recipients(nameKeys keys: [String], limit: Int) throws -> [Recipient] {
        guard !keys.isEmpty else { return [] }
        return try pool.unsafeReentrantRead { db in
            try Self.recipients(db, sql: """
                SELECT * FROM recipients WHERE ssn IN (
                    SELECT DISTINCT ssn FROM recipient_name_keys WHERE key IN (\(Self.placeholders(keys.count))) LIMIT ?)
                """, arguments: SQLArguments(keys + [String(limit)]))
        }
    }

    public func recipientCount() throws -> Int {
        try pool.unsafeReentrantRead { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM recipients") ?? 0 }
    }

    public func recipientCount(bornOn date: LocalDate) throws -> Int {
        try pool.unsafeReentrantRead { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM recipients WHERE birth_date = ?", arguments: [date.description]) ?? 0 }
    }

    public func recipientCount(namedFolded name: String) throws -> Int {
        try pool.unsafeReentrantRead { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM recipients WHERE name_folded = ?", arguments: [name]) ?? 0 }
    }

    /// Recipients whose folded name starts with `prefix` (a surname), by a range on the name index.
    public func recipientCount(namePrefix prefix: String) throws -> Int {
        guard !prefix.isEmpty else { return 0 }
        return try pool.unsafeReentrantRead { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM recipients WHERE name_folded >= ? AND name_folded < ?",
                             arguments: [prefix, prefix + "\u{10FFFF}"]) ?? 0
        }
    }

    /// The recipients other than `ssn` that a case with this certificate number was linked or proposed to.
    public func recipientsLinked(certificateNo number: String, except ssn: String) throws -> [String] {
        try pool.unsafeReentrantRead { db in
            try String.fetchAll(db, sql: """
                SELECT DISTINCT ssn FROM (
                    SELECT COALESCE(recipient_ssn, \(db.dialect.jsonText("match", "ssn"))) AS ssn FROM cases
                    WHERE certificate_no = ? AND state NOT IN ('REJECTED', 'SUPERSEDED')) linked
                WHERE ssn IS NOT NULL AND ssn <> ?
                """, arguments: [number, ssn])
        }
    }
}

extension Store {
    /// Runs `body` inside one read transaction: the matching lookups it makes (`recipients(…)`,
    /// counts, `recipient(ssn:)`, `batchRowContentHash`) share that snapshot and connection instead
    /// of opening a transaction each — a batch import matches thousands of rows per snapshot. What
    /// `body` reads does not see writes committed after it began.
    public func withReadSnapshot<T>(_ body: () throws -> T) throws -> T {
        try pool.unsafeReentrantRead { _ in try body() }
    }
}
