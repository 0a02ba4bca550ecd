import Foundation
import LifecertDomain

/// What a user may do (issue 5). Stored in `users.role`; checked inside each write transaction.
public enum Role: String, Sendable, CaseIterable {
    /// Scans and takes in certificates; cannot approve.
    case clerk
    /// Claims cases and approves, rejects or returns them.
    case reviewer
    /// A reviewer who may also give the second approval a high-risk case needs.
    case senior
    /// Manages users; cannot approve.
    case admin
    /// Reads everything; changes nothing.
    case auditor
    /// lifecert itself (automatic approvals of batch rows, issue 6).
    case system

    var examines: Bool { self == .reviewer || self == .senior }
}

/// Why a workflow action was refused. Every message names the case or user and what to do.
public enum WorkflowError: Error, Equatable, CustomStringConvertible {
    case unknownUser(String)
    case notAllowed(user: String, role: String, action: String)
    case noSuchCase(Int64)
    case wrongState(case: Int64, state: String, action: String)
    case claimedByOther(case: Int64, by: String, until: String)
    case makerChecker(case: Int64, user: String)
    case seniorNeeded(case: Int64)
    case sameApproverTwice(case: Int64, user: String)
    case noRecipient(case: Int64)
    case noAppearanceDate(case: Int64)
    case reasonRequired(action: String)
    case userExists(String)
    case firstUserMustBeAdmin(String)
    case badCorrection(field: String, expected: String)
    /// A release of a case the user does not hold.
    case notYourClaim(case: Int64)
    case claimFirst(case: Int64)
    case lastAdministrator(String)

    public var description: String {
        switch self {
        case .unknownUser(let u):
            return "\(u) is not a lifecert user: an administrator adds users with `lifecert users add \(u) --role ROLE`"
        case .notAllowed(let u, let r, let a):
            return "\(u) is \(r.first.map { "aeiou".contains($0) } == true ? "an" : "a") \(r) and may not \(a)"
        case .noSuchCase(let id):
            return "there is no case \(id)"
        case .wrongState(let id, let s, let a):
            return "case \(id) is \(s): it cannot be \(a)"
        case .claimedByOther(let id, let by, let until):
            return "case \(id) is being reviewed by \(by) until \(until); it is released then, or when they finish"
        case .makerChecker(let id, let u):
            return "\(u) scanned or keyed case \(id) and so may not approve it: another reviewer must (maker–checker)"
        case .seniorNeeded(let id):
            return "case \(id) is high-risk and already has a reviewer's approval: the second approval must come from a senior"
        case .sameApproverTwice(let id, let u):
            return "\(u) already approved case \(id); the second approval must come from someone else"
        case .noRecipient(let id):
            return "case \(id) is not linked to a recipient: name one with --recipient SSN (one of the candidates `lifecert match explain \(id)` lists)"
        case .noAppearanceDate(let id):
            return "case \(id) has no date of appearance: it cannot be certified; return it with a reason"
        case .reasonRequired(let a):
            return "a \(a) needs a reason code and a sentence that can go into a letter to the recipient"
        case .userExists(let u):
            return "\(u) is already a user"
        case .firstUserMustBeAdmin(let u):
            return "the store has no users yet, and its first must be an administrator: `lifecert users add \(u) --role admin` (or another login), then add the others"
        case .notYourClaim(let id):
            return "case \(id) is not claimed by you, so there is nothing to release"
        case .badCorrection(let f, let e):
            return "the new value of \(f) is not accepted: \(e)"
        case .claimFirst(let id):
            return "claim case \(id) first (lifecert case claim \(id)): a correction is made by the reviewer holding the case"
        case .lastAdministrator(let u):
            return "\(u) is the store's last active administrator: add another administrator first"
        }
    }
}

/// The outcome of an approval.
public enum ApprovalOutcome: Sendable, Equatable {
    /// The certification record was written (its id), in the same transaction as the case's move.
    case certified(recordID: Int64)
    /// A high-risk case has its first approval and waits for a senior's.
    case awaitingSenior
}

extension Store {
    /// How long a claim lasts unless renewed: a reviewer whose session dropped loses it after this.
    public static let claimLease: TimeInterval = 30 * 60

    // MARK: Users

    /// Adds a user. Only an administrator may, except for the first user of a store, who must be an
    /// administrator (how a store gets its first one).
    public func addUser(_ login: String, role: Role, displayName: String? = nil, by actor: String) throws {
        try pool.write { db in
            let count = try Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM users")) ?? 0
            if count > 0 {
                let r = try requireRole(db, actor, action: "add users", allowed: [.admin])
                _ = r
            } else if role != .admin {
                throw WorkflowError.firstUserMustBeAdmin(login)
            }
            if try SQLRow.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM users WHERE login = ?"), arguments: [login]) != nil {
                throw WorkflowError.userExists(login)
            }
            let now = Store.timestamp()
            try db.execute(sql: "INSERT INTO users (login, role, display_name, active, created_at, created_by) VALUES (?, ?, ?, 1, ?, ?)",
                           arguments: [login, role.rawValue, displayName, now, actor])
            try appendEvent(db, actor: actor, entity: "user", entityID: login, action: "USER_ADDED",
                            after: Store.json(["role": role.rawValue]), at: now)
        }
    }

    /// Changes a user's role (an administrator only; audited with the role before and after). The
    /// store's last active administrator cannot be demoted.
    public func setRole(_ login: String, to role: Role, by actor: String) throws {
        guard role != .system else { throw WorkflowError.notAllowed(user: actor, role: "admin", action: "make users system users") }
        try pool.write { db in
            _ = try requireRole(db, actor, action: "change roles", allowed: [.admin])
            guard let before = try String.fetchOne(db.cachedStatement(sql: "SELECT role FROM users WHERE login = ?"), arguments: [login]) else {
                throw WorkflowError.unknownUser(login)
            }
            guard before != role.rawValue else { return }
            if before == Role.admin.rawValue, try Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM users WHERE role = 'admin' AND active = 1")) == 1 {
                throw WorkflowError.lastAdministrator(login)
            }
            try db.cachedStatement(sql: "UPDATE users SET role = ? WHERE login = ?").execute(arguments: [role.rawValue, login])
            try appendEvent(db, actor: actor, entity: "user", entityID: login, action: "ROLE_CHANGED",
                            before: Store.json(["role": before]), after: Store.json(["role": role.rawValue]))
        }
    }

    /// Deactivates a user (an administrator only; audited): from then on their login is refused.
    /// Nothing of theirs is deleted. The last active administrator cannot be deactivated.
    public func deactivateUser(_ login: String, by actor: String) throws {
        try pool.write { db in
            _ = try requireRole(db, actor, action: "deactivate users", allowed: [.admin])
            guard let row = try SQLRow.fetchOne(db.cachedStatement(sql: "SELECT role, active FROM users WHERE login = ?"), arguments: [login]) else {
                throw WorkflowError.unknownUser(login)
            }
            guard row["active"] as Bool else { return }
            if (row["role"] as String) == Role.admin.rawValue,
               try Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM users WHERE role = 'admin' AND active = 1")) == 1 {
                throw WorkflowError.lastAdministrator(login)
            }
            try db.cachedStatement(sql: "UPDATE users SET active = 0 WHERE login = ?").execute(arguments: [login])
            try db.cachedStatement(sql: "UPDATE cases SET claimed_by = NULL, claim_until = NULL WHERE claimed_by = ?").execute(arguments: [login])
            try appendEvent(db, actor: actor, entity: "user", entityID: login, action: "USER_DEACTIVATED",
                            before: Store.json(["active": "1"]), after: Store.json(["active": "0"]))
        }
    }

    /// Every user: login, role, active.
    public func users() throws -> [(login: String, role: String, active: Bool)] {
        try pool.read { db in
            try SQLRow.fetchAll(db.cachedStatement(sql: "SELECT login, role, active FROM users ORDER BY login")).map { ($0["login"], $0["role"], $0["active"]) }
        }
    }

    /// Whether the store has no users yet: until its first administrator is added it is in setup,
    /// and whoever can open the file may load the registry and take in scans (a one-person office
    /// starting out). From the first user on, every action is checked against roles.
    func inSetup(_ db: any SQLConnection) throws -> Bool {
        try Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM users")) == 0
    }

    /// ``requireRole(_:_:action:allowed:)``, except while the store is in setup (no users yet).
    func requireRoleOrSetup(_ db: any SQLConnection, _ login: String, action: String, allowed: Set<Role>) throws {
        if try inSetup(db) { return }
        _ = try requireRole(db, login, action: action, allowed: allowed)
    }

    /// Refuses a login that is not an active user of a store that has users (reading included:
    /// the store holds personal data). Every command that opens a store asks this first.
    public func requireKnownUser(_ login: String) throws {
        try pool.read { db in
            if try inSetup(db) { return }
            guard let row = try SQLRow.fetchOne(db.cachedStatement(sql: "SELECT active FROM users WHERE login = ?"), arguments: [login]),
                  row["active"] as Bool else { throw WorkflowError.unknownUser(login) }
        }
    }

    func requireRole(_ db: any SQLConnection, _ login: String, action: String, allowed: Set<Role>) throws -> Role {
        guard let row = try SQLRow.fetchOne(db.cachedStatement(sql: "SELECT role, active FROM users WHERE login = ?"), arguments: [login]),
              let role = Role(rawValue: row["role"]), row["active"] as Bool else {
            throw WorkflowError.unknownUser(login)
        }
        guard allowed.contains(role) else { throw WorkflowError.notAllowed(user: login, role: role.rawValue, action: action) }
        return role
    }

    // MARK: Cases

    static let reviewable: Set<String> = ["MATCHED", "NEEDS_MATCH", "IN_REVIEW"]

    /// Claims a case for review: a lease of ``claimLease`` that only its holder may act under. A
    /// claim that has run out (a dropped session) may be taken by anyone.
    public func claim(caseID: Int64, by actor: String, now: Date = Date()) throws {
        try pool.write { db in
            _ = try requireRole(db, actor, action: "review cases", allowed: [.reviewer, .senior])
            try claimLocked(db, caseID: caseID, actor: actor, now: now)
        }
    }

    func claimLocked(_ db: any SQLConnection, caseID: Int64, actor: String, now: Date) throws {
        let c = try lockedCase(db, caseID, action: "claimed")
        try checkClaim(c, caseID: caseID, actor: actor, now: now)
        let until = Store.timestamp(now.addingTimeInterval(Store.claimLease))
        try db.execute(sql: "UPDATE cases SET state = 'IN_REVIEW', claimed_by = ?, claim_until = ?, updated_at = ? WHERE id = ?",
                       arguments: [actor, until, Store.timestamp(now), caseID])
        try appendEvent(db, actor: actor, entity: "case", entityID: String(caseID), action: "CLAIMED",
                        before: Store.json(["state": c["state"] as String]), after: Store.json(["state": "IN_REVIEW", "until": until]),
                        at: Store.timestamp(now))
    }

    func lockedCase(_ db: any SQLConnection, _ id: Int64, action: String) throws -> SQLRow {
        guard let c = try SQLRow.fetchOne(db.cachedStatement(sql: "SELECT * FROM cases WHERE id = ?"), arguments: [id]) else { throw WorkflowError.noSuchCase(id) }
        let state: String = c["state"]
        guard Self.reviewable.contains(state) else { throw WorkflowError.wrongState(case: id, state: state, action: action) }
        return c
    }

    func checkClaim(_ c: SQLRow, caseID: Int64, actor: String, now: Date) throws {
        if let by = c["claimed_by"] as String?, by != actor, let until = c["claim_until"] as String?, until > Store.timestamp(now) {
            throw WorkflowError.claimedByOther(case: caseID, by: by, until: until)
        }
    }

    /// Whether a case needs a senior's second approval: it restores suspended payment, carries a
    /// fraud flag, was not linked automatically, or had a field corrected.
    static func isHighRisk(_ c: SQLRow) -> Bool {
        if (c["match_decision"] as String?) != "auto" { return true }
        if (c["fields_corrected"] as Int?) ?? 0 > 0 { return true }
        let flags = (c["link_flags"] as String?) ?? ""
        return flags.contains("\"restores_payment\"") || flags.contains("\"severity\":\"fraud\"")
    }

    /// Approves a case. In one transaction: the role and the claim are checked; maker–checker (who
    /// scanned or keyed the case may not approve it); a high-risk case takes a reviewer's and then a
    /// senior's approval (two different people); on the final approval the certification record is
    /// written with the validity, restoration and back-pay dates the rules give, and the case
    /// becomes APPROVED — or nothing at all happens.
    ///
    /// - Parameter recipientSSN: the recipient for a case not linked automatically (a candidate).
    @discardableResult
    public func approve(caseID: Int64, by actor: String, recipientSSN: String? = nil, passedOn: LocalDate,
                        now: Date = Date()) throws -> ApprovalOutcome {
        try pool.write { db in
            let role = try requireRole(db, actor, action: "approve cases", allowed: [.reviewer, .senior])
            return try approveLocked(db, caseID: caseID, actor: actor, role: role, recipientSSN: recipientSSN, passedOn: passedOn, now: now)
        }
    }

    /// The body of ``approve(caseID:by:recipientSSN:passedOn:now:)`` inside the caller's transaction,
    /// the role already checked (a reviewer's or senior's, or the system user's for a batch row the
    /// policy lets through).
    func approveLocked(_ db: any SQLConnection, caseID: Int64, actor: String, role: Role, recipientSSN: String?, passedOn: LocalDate,
                       now: Date) throws -> ApprovalOutcome {
        let c = try lockedCase(db, caseID, action: "approved")
        try checkClaim(c, caseID: caseID, actor: actor, now: now)
        if (c["created_by"] as String) == actor { throw WorkflowError.makerChecker(case: caseID, user: actor) }
        guard let ssn = recipientSSN ?? (c["recipient_ssn"] as String?) else { throw WorkflowError.noRecipient(case: caseID) }
        let stamp = Store.timestamp(now)
        let approvals = try String.fetchAll(db.cachedStatement(sql: "SELECT approver FROM case_approvals WHERE case_id = ?"), arguments: [caseID])
        if approvals.contains(actor) { throw WorkflowError.sameApproverTwice(case: caseID, user: actor) }
        let needsTwo = Self.isHighRisk(c)
        try db.execute(sql: "INSERT INTO case_approvals (case_id, approver, role, recipient_ssn, at) VALUES (?, ?, ?, ?, ?)",
                       arguments: [caseID, actor, role.rawValue, ssn, stamp])
        if needsTwo && approvals.isEmpty {
            try db.cachedStatement(sql: "UPDATE cases SET claimed_by = NULL, claim_until = NULL, updated_at = ? WHERE id = ?").execute(arguments: [stamp, caseID])
            try appendEvent(db, actor: actor, entity: "case", entityID: String(caseID), action: "FIRST_APPROVAL",
                            after: Store.json(["recipient": ssn, "needs": "senior"]), at: stamp)
            return .awaitingSenior
        }
        if needsTwo && role != .senior { throw WorkflowError.seniorNeeded(case: caseID) }
        let fields = (c["fields"] as String?).flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        let read = fields?["fields"] as? [String: Any]
        guard let appeared = (read?["appeared_on"] as? String).flatMap(LocalDate.init(iso:)) else {
            throw WorkflowError.noAppearanceDate(case: caseID)
        }
        let channel: CertificationChannel = switch c["kind"] as String? {
        case "hk": .mailHongKong
        case "macao": .mailMacao
        case "taiwan", "notary": .mailNotary
        case "batch": CertificationChannel(rawValue: c["form"] as String? ?? "") ?? .consulateCertificate
        default: .mailConsular
        }
        // A batch row's record carries the sender's key (not for a conflicting row: the key
        // belongs to the earlier one).
        let key = try SQLRow.fetchOne(db.cachedStatement(sql: "SELECT batch_id, record_id FROM batch_rows WHERE case_id = ?"), arguments: [caseID])
        let record = try insertCertification(db, NewCertification(
            ssn: ssn, certifiedOn: appeared, channel: channel, caseID: caseID,
            batchID: key?["batch_id"], batchRecordID: key?["record_id"],
            examinedBy: approvals.first ?? actor, approvedBy: actor, passedOn: passedOn, neededFurtherChecks: needsTwo))
        try db.cachedStatement(sql: """
            UPDATE cases SET state = 'APPROVED', recipient_ssn = ?, claimed_by = NULL, claim_until = NULL, updated_at = ? WHERE id = ?
            """).execute(arguments: [ssn, stamp, caseID])
        try appendEvent(db, actor: actor, entity: "case", entityID: String(caseID), action: "APPROVED",
                        before: Store.json(["state": c["state"] as String]),
                        after: Store.json(["state": "APPROVED", "recipient": ssn, "record": String(record)]), at: stamp)
        _ = try supersedeOlderCases(db, approved: caseID, ssn: ssn, appearedOn: appeared, actor: actor, at: stamp)
        return .certified(recordID: record)
    }

    /// Rejects (the certificate does not pass) or returns (sent back for something missing) a case,
    /// with a reason code and a sentence that can go into a letter to the recipient.
    public func decline(caseID: Int64, by actor: String, returning: Bool, reasonCode: String, sentence: String, now: Date = Date()) throws {
        let action = returning ? "return" : "rejection"
        guard !reasonCode.trimmingCharacters(in: .whitespaces).isEmpty, !sentence.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw WorkflowError.reasonRequired(action: action)
        }
        try pool.write { db in
            _ = try requireRole(db, actor, action: returning ? "return cases" : "reject cases", allowed: [.reviewer, .senior])
            let c = try lockedCase(db, caseID, action: returning ? "returned" : "rejected")
            try checkClaim(c, caseID: caseID, actor: actor, now: now)
            let state = returning ? "RETURNED" : "REJECTED"
            let stamp = Store.timestamp(now)
            try db.execute(sql: "UPDATE cases SET state = ?, claimed_by = NULL, claim_until = NULL, updated_at = ? WHERE id = ?",
                           arguments: [state, stamp, caseID])
            try appendEvent(db, actor: actor, entity: "case", entityID: String(caseID), action: state,
                            before: Store.json(["state": c["state"] as String]), after: Store.json(["state": state, "code": reasonCode]),
                            reason: sentence, at: stamp)
        }
    }
}
