import Foundation
import LifecertDomain

/// What approval asks the store to record (SPEC.md "Certification record").
public struct NewCertification: Sendable {
    public var ssn: String
    /// The day the person appeared (from the certificate or batch row).
    public var certifiedOn: LocalDate
    public var channel: CertificationChannel
    public var caseID: Int64?
    public var batchID: String?
    public var batchRecordID: String?
    public var examinedBy: String
    public var approvedBy: String
    /// The day the certification passes (drives the back-pay date).
    public var passedOn: LocalDate
    public var neededFurtherChecks: Bool

    public init(ssn: String, certifiedOn: LocalDate, channel: CertificationChannel, caseID: Int64? = nil,
                batchID: String? = nil, batchRecordID: String? = nil, examinedBy: String, approvedBy: String,
                passedOn: LocalDate, neededFurtherChecks: Bool = false) {
        self.ssn = ssn
        self.certifiedOn = certifiedOn
        self.channel = channel
        self.caseID = caseID
        self.batchID = batchID
        self.batchRecordID = batchRecordID
        self.examinedBy = examinedBy
        self.approvedBy = approvedBy
        self.passedOn = passedOn
        self.neededFurtherChecks = neededFurtherChecks
    }
}

/// A certification record as stored: never changed; a wrong one carries a later revocation.
public struct CertificationRecord: Sendable, Equatable {
    public let id: Int64
    /// 1 for the recipient's oldest record, counting revoked ones.
    public let sequence: Int
    public let ssn: String
    public let certifiedOn: LocalDate
    public let channel: CertificationChannel
    public let caseID: Int64?
    public let batchID: String?
    public let batchRecordID: String?
    public let examinedBy: String
    public let approvedBy: String
    public let approvedAt: String
    public let validUntil: LocalDate
    public let restoresPayment: Bool
    public let backPayDue: LocalDate?
    public let aliveOnly: Bool
    public let revocation: Revocation?

    public struct Revocation: Sendable, Equatable {
        public let reason: String
        public let revokedBy: String
        public let revokedAt: String
    }
}

extension Store {
    /// Writes a certification record, in one transaction with the recipient's new dates and the audit
    /// event. A suspended, eligible recipient is restored (`benefit_status` back to NORMAL) with the
    /// back-pay date of rule 4; a recipient without eligibility gets an alive-status-only record.
    ///
    /// - Throws: ``StoreError/unknownRecipient(_:)``; a refusal when benefits are terminated.
    @discardableResult
    public func appendCertification(_ n: NewCertification) throws -> CertificationRecord {
        let id = try pool.write { db in try insertCertification(db, n) }
        return try certificationHistory(ssn: n.ssn).first { $0.id == id }!
    }

    /// The body of ``appendCertification(_:)``, inside the caller's transaction (approval writes the
    /// record and moves the case in one transaction).
    func insertCertification(_ db: any SQLConnection, _ n: NewCertification) throws -> Int64 {
            guard let row = try SQLRow.fetchOne(db.cachedStatement(sql: "SELECT * FROM recipients WHERE ssn = ?"), arguments: [n.ssn]) else {
                throw StoreError.unknownRecipient(n.ssn)
            }
            let current = RecipientRecord(row: row)
            let r = current.recipient
            let outcome = rules.outcome(status: r.benefitStatus, eligible: r.eligible, benefit: r.benefitType,
                                        certifiedOn: n.certifiedOn, passedOn: n.passedOn,
                                        previousCertifiedOn: current.lastCertifiedOn,
                                        neededFurtherChecks: n.neededFurtherChecks)
            guard let validUntil = outcome.validUntil else {
                if case .refused(let why) = outcome { throw CertificationRefused(reason: why) }
                fatalError("unreachable")
            }
            let restores: Bool
            let aliveOnly: Bool
            switch outcome {
            case .restores: restores = true; aliveOnly = false
            case .aliveOnly: restores = false; aliveOnly = true
            default: restores = false; aliveOnly = false
            }
            let now = Store.timestamp()
            try db.cachedStatement(sql: """
                INSERT INTO certification_records (ssn, certified_on, channel, case_id, batch_id, batch_record_id,
                    examined_by, approved_by, approved_at, valid_until, restores_payment, back_pay_due, alive_only)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [n.ssn, n.certifiedOn.description, n.channel.rawValue, n.caseID, n.batchID, n.batchRecordID,
                                 n.examinedBy, n.approvedBy, now, validUntil.description, restores ? 1 : 0,
                                 outcome.backPayDue?.description, aliveOnly ? 1 : 0])
            let recordID = try db.lastInsertedID()
            try refreshDerived(db, ssn: n.ssn, registryDate: current.registryLastCertifiedOn, applied: r.appliedOn)
            if restores {
                try db.cachedStatement(sql: "UPDATE recipients SET benefit_status = 'NORMAL' WHERE ssn = ?").execute(arguments: [n.ssn])
            }
            try appendEvent(db, actor: n.approvedBy, entity: "recipient", entityID: n.ssn, action: "CERTIFIED",
                            before: Store.json(["valid_until": current.validUntil?.description ?? "",
                                                "benefit_status": r.benefitStatus.rawValue]),
                            after: Store.json(["record": String(recordID), "valid_until": validUntil.description,
                                               "benefit_status": restores ? "NORMAL" : r.benefitStatus.rawValue,
                                               "back_pay_due": outcome.backPayDue?.description ?? "",
                                               "alive_only": aliveOnly ? "Y" : "N"]), at: now)
            return recordID
    }

    /// Revokes a record by appending a revocation; the recipient's dates fall back to the newest
    /// record still standing (or the registry's date). Only a senior or an administrator may, with a
    /// reason.
    public func revokeCertification(recordID: Int64, reason: String, by actor: String) throws {
        guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else { throw WorkflowError.reasonRequired(action: "revocation") }
        try pool.write { db in
            _ = try requireRole(db, actor, action: "revoke certification records", allowed: [.senior, .admin])
            guard let ssn = try String.fetchOne(db.cachedStatement(sql: "SELECT ssn FROM certification_records WHERE id = ?"), arguments: [recordID]) else {
                throw StoreError.unknownRecord(recordID)
            }
            if try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM certification_revocations WHERE record_id = ?"), arguments: [recordID]) != nil {
                throw StoreError.alreadyRevoked(recordID)
            }
            let now = Store.timestamp()
            try db.execute(sql: "INSERT INTO certification_revocations (record_id, reason, revoked_by, revoked_at) VALUES (?, ?, ?, ?)",
                           arguments: [recordID, reason, actor, now])
            let row = try SQLRow.fetchOne(db.cachedStatement(sql: "SELECT registry_last_certified_on, applied_on FROM recipients WHERE ssn = ?"), arguments: [ssn])!
            try refreshDerived(db, ssn: ssn, registryDate: (row[0] as String?).flatMap { LocalDate(iso: $0) },
                               applied: (row[1] as String?).flatMap { LocalDate(iso: $0) })
            try appendEvent(db, actor: actor, entity: "certification_record", entityID: String(recordID), action: "REVOKED",
                            reason: reason, at: now)
        }
    }

    /// The appearance date of the recipient's newest certification record that is not revoked.
    func latestStandingCertification(_ db: any SQLConnection, ssn: String) throws -> LocalDate? {
        try String.fetchOne(db.cachedStatement(sql: """
            SELECT max(certified_on) FROM certification_records c
            WHERE ssn = ? AND NOT EXISTS (SELECT 1 FROM certification_revocations v WHERE v.record_id = c.id)
            """), arguments: [ssn]).flatMap { LocalDate(iso: $0) }
    }

    func refreshDerived(_ db: any SQLConnection, ssn: String, registryDate: LocalDate?, applied: LocalDate?) throws {
        let latest = try latestStandingCertification(db, ssn: ssn)
        let last = [registryDate, latest].compactMap { $0 }.max()
        let (until, from) = derived(lastCertified: last, applied: applied)
        try db.execute(sql: "UPDATE recipients SET last_certified_on = ?, valid_until = ?, suspended_from = ? WHERE ssn = ?",
                       arguments: [last?.description, until, from, ssn])
    }

    /// A recipient's certification records, newest first, revoked ones included and marked.
    public func certificationHistory(ssn: String) throws -> [CertificationRecord] {
        try pool.read { db in try certificationHistory(db, ssn: ssn) }
    }

    func certificationHistory(_ db: any SQLConnection, ssn: String) throws -> [CertificationRecord] {
            let rows = try SQLRow.fetchAll(db.cachedStatement(sql: """
                SELECT c.*, v.reason AS v_reason, v.revoked_by AS v_by, v.revoked_at AS v_at,
                       row_number() OVER (ORDER BY c.certified_on, c.id) AS seq
                FROM certification_records c LEFT JOIN certification_revocations v ON v.record_id = c.id
                WHERE c.ssn = ? ORDER BY c.certified_on DESC, c.id DESC
                """), arguments: [ssn])
            return rows.map { r in
                CertificationRecord(
                    id: r["id"], sequence: r["seq"], ssn: r["ssn"], certifiedOn: LocalDate(iso: r["certified_on"] as String)!,
                    channel: CertificationChannel(rawValue: r["channel"])!, caseID: r["case_id"], batchID: r["batch_id"],
                    batchRecordID: r["batch_record_id"], examinedBy: r["examined_by"], approvedBy: r["approved_by"],
                    approvedAt: r["approved_at"], validUntil: LocalDate(iso: r["valid_until"] as String)!,
                    restoresPayment: r["restores_payment"], backPayDue: (r["back_pay_due"] as String?).flatMap { LocalDate(iso: $0) },
                    aliveOnly: r["alive_only"],
                    revocation: (r["v_reason"] as String?).map { CertificationRecord.Revocation(reason: $0, revokedBy: r["v_by"], revokedAt: r["v_at"]) })
            }
    }
}

/// A certification that cannot be recorded as a basis for anything (SPEC.md rule 7 wording).
public struct CertificationRefused: Error, CustomStringConvertible, Equatable {
    public let reason: CertificationRefusal
    public var description: String { "the certification cannot be recorded: \(reason.message)" }
}
