import Foundation
import LifecertDomain

/// One certification record as handed to the payment system.
public struct ExportedRecord: Sendable, Equatable {
    public let record: CertificationRecord
    public let name: String
    public let idType: String
    public let idNumber: String
}

/// An export of records: what it covered, and the rows.
public struct RecordExport: Sendable {
    /// The `record_exports` row written for it.
    public let exportID: Int64
    public let since: LocalDate
    /// Records approved on or after `since`, oldest first, with any revocation.
    public let records: [ExportedRecord]
    /// Revocations made on or after `since` of records approved before it.
    public let revocationsOfOlder: [CertificationRecord]
}

extension Store {
    /// The records approved since a day (and revocations made since then), for the payment system.
    /// Idempotent: the same `since` gives the same rows (plus any approved meanwhile); each export is
    /// logged in `record_exports` with the range of record ids it covered and an audit event.
    public func exportRecords(since: LocalDate, format: String, by actor: String) throws -> RecordExport {
        try pool.write { db in
            try requireRoleOrSetup(db, actor, action: "export certification records", allowed: [.admin])
            let sinceStamp = since.description
            let rows = try SQLRow.fetchAll(db, sql: """
                SELECT c.id FROM certification_records c WHERE substr(c.approved_at, 1, 10) >= ? ORDER BY c.id
                """, arguments: [sinceStamp])
            let ids: [Int64] = rows.map { $0[0] }
            var out: [ExportedRecord] = []
            for id in ids {
                guard let r = try SQLRow.fetchOne(db, sql: "SELECT c.ssn, r.name, r.id_type, r.id_number FROM certification_records c JOIN recipients r ON r.ssn = c.ssn WHERE c.id = ?", arguments: [id]),
                      let record = try certificationHistory(db, ssn: r["ssn"]).first(where: { $0.id == id }) else { continue }
                out.append(ExportedRecord(record: record, name: r["name"], idType: r["id_type"], idNumber: r["id_number"]))
            }
            let revokedSsn = try SQLRow.fetchAll(db, sql: """
                SELECT v.record_id, c.ssn FROM certification_revocations v JOIN certification_records c ON c.id = v.record_id
                WHERE substr(v.revoked_at, 1, 10) >= ? AND substr(c.approved_at, 1, 10) < ? ORDER BY v.id
                """, arguments: [sinceStamp, sinceStamp])
            var older: [CertificationRecord] = []
            for r in revokedSsn {
                if let rec = try certificationHistory(db, ssn: r["ssn"]).first(where: { $0.id == r["record_id"] as Int64 }) { older.append(rec) }
            }
            let now = Store.timestamp()
            try db.execute(sql: """
                INSERT INTO record_exports (since, first_record, last_record, records, revocations, format, exported_by, exported_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [sinceStamp, ids.first, ids.last, ids.count, older.count, format, actor, now])
            let exportID = try db.lastInsertedID()
            try appendEvent(db, actor: actor, entity: "export", entityID: String(exportID), action: "RECORDS_EXPORTED",
                            after: Store.json(["since": sinceStamp, "records": String(ids.count), "revocations": String(older.count),
                                               "first": ids.first.map(String.init) ?? "", "last": ids.last.map(String.init) ?? ""]), at: now)
            return RecordExport(exportID: exportID, since: since, records: out, revocationsOfOlder: older)
        }
    }
}
