import Foundation
import LifecertDomain

/// Which cases the queue shows. Every filter is applied by the store's query, so a queue of
/// 100,000 cases costs the same to open as one of 100.
///
/// Contract: `states` empty means every open state (``CaseState/open``); `search` matches the
/// case number, the scan's file name, the recipient's SSN or any text read from the certificate.
public struct QueueFilter: Sendable, Equatable {
    public var states: Set<CaseState>
    public var kind: String?
    /// A flag code (`restores_payment`, `identity_mismatch`, …) the case must carry.
    public var flag: String?
    /// Only cases opened at least this many days before `today`.
    public var olderThanDays: Int?
    /// Only cases claimed by this login (the "assigned to me" filter).
    public var claimedBy: String?
    public var search: String

    public init(states: Set<CaseState> = [], kind: String? = nil, flag: String? = nil, olderThanDays: Int? = nil,
                claimedBy: String? = nil, search: String = "") {
        self.states = states
        self.kind = kind
        self.flag = flag
        self.olderThanDays = olderThanDays
        self.claimedBy = claimedBy
        self.search = search
    }

    /// One line saying what the filter shows ("open cases", "NEEDS_MATCH · kind hk · mine").
    public var summary: String {
        var parts = [states.isEmpty ? "open cases" : states.map(\.rawValue).sorted().joined(separator: "+")]
        if let kind { parts.append("kind \(kind)") }
        if let flag { parts.append("flag \(flag)") }
        if let olderThanDays { parts.append("older than \(olderThanDays) days") }
        if claimedBy != nil { parts.append("mine") }
        if !search.isEmpty { parts.append("search: \(search)") }
        return parts.joined(separator: " · ")
    }

    func sql(today: LocalDate, dialect: SQLDialect) -> (String, SQLArguments) {
        var clauses: [String] = []
        var args: SQLArguments = []
        let states = (self.states.isEmpty ? CaseState.open : self.states).map(\.rawValue).sorted()
        clauses.append("c.state IN (\(states.map { _ in "?" }.joined(separator: ", ")))")
        args += SQLArguments(states)
        if let kind { clauses.append("c.kind = ?"); args += [kind] }
        if let flag {
            clauses.append("(c.link_flags \(dialect.like) ? OR c.fields \(dialect.like) ?)")
            args += ["%\"code\":\"\(flag)\"%", "%\"code\":\"\(flag)\"%"]
        }
        if let olderThanDays {
            clauses.append("c.created_at < ?")
            args += [today.adding(days: -olderThanDays)?.description ?? ""]
        }
        if let claimedBy { clauses.append("c.claimed_by = ?"); args += [claimedBy] }
        let term = search.trimmingCharacters(in: .whitespaces)
        if !term.isEmpty {
            let like = dialect.like
            clauses.append("(CAST(c.id AS TEXT) = ? OR s.original_name \(like) ? OR c.recipient_ssn \(like) ? OR c.fields \(like) ?)")
            let pattern = "%\(term)%"
            args += [term, pattern, pattern, pattern]
        }
        return (clauses.joined(separator: " AND "), args)
    }
}

/// A field a reviewer may correct by hand, and how its new value is checked.
public enum CorrectableField: String, CaseIterable, Sendable {
    case name, nameLatin = "name_latin", sex, birthDate = "birth_date", appearedOn = "appeared_on",
         issuedOn = "issued_on", issuer, certificateNo = "certificate_no", id

    /// What a value must look like, for the message that refuses one.
    public var expected: String {
        switch self {
        case .sex: "M or F"
        case .birthDate, .appearedOn, .issuedOn: "a date written YYYY-MM-DD"
        case .id: "TYPE:NUMBER with a valid check digit, e.g. CN_RIC:110105194912310021 or HK_ID:A1234563"
        default: "some text"
        }
    }
}

extension Store {
    /// The ids of the cases a filter shows, oldest first (the order they should be worked in).
    public func queueCaseIDs(_ filter: QueueFilter, today: LocalDate) throws -> [Int64] {
        let (whereSQL, args) = filter.sql(today: today, dialect: pool.dialect)
        return try pool.read { db in
            try Int64.fetchAll(db.cachedStatement(sql: """
                SELECT c.id FROM cases c LEFT JOIN scans s ON s.id = c.scan_id WHERE \(whereSQL) ORDER BY c.id
                """), arguments: args)
        }
    }

    /// The cases with these ids, in the order given (missing ones left out).
    public func caseRecords(ids: [Int64]) throws -> [CaseRecord] {
        guard !ids.isEmpty else { return [] }
        let rows = try pool.read { db in
            try SQLRow.fetchAll(db.cachedStatement(sql: """
                SELECT c.*, s.original_name, s.archive_path FROM cases c LEFT JOIN scans s ON s.id = c.scan_id
                WHERE c.id IN (\(ids.map { _ in "?" }.joined(separator: ",")))
                """), arguments: SQLArguments(ids))
        }
        let byID = Dictionary(uniqueKeysWithValues: rows.map { (($0["id"] as Int64), Self.caseRecord($0)) })
        return ids.compactMap { byID[$0] }
    }

    /// Claims the oldest open case the filter shows that nobody else holds, and returns its id
    /// (nil: nothing left). Two reviewers asking at once get two different cases.
    public func claimNext(by actor: String, filter: QueueFilter = QueueFilter(), today: LocalDate, now: Date = Date()) throws -> Int64? {
        let (whereSQL, args) = filter.sql(today: today, dialect: pool.dialect)
        return try pool.write { db in
            _ = try requireRole(db, actor, action: "review cases", allowed: [.reviewer, .senior])
            let stamp = Store.timestamp(now)
            // The transaction holds the store's write lock (SQLite's, or on PostgreSQL the chain lock
            // and the row lock below), so no one else can take the same case.
            guard let id = try Int64.fetchOne(db.cachedStatement(sql: """
                SELECT c.id FROM cases c LEFT JOIN scans s ON s.id = c.scan_id
                WHERE \(whereSQL) AND c.created_by <> ?
                  AND (c.claimed_by IS NULL OR c.claimed_by = ? OR c.claim_until <= ?)
                  AND NOT EXISTS (SELECT 1 FROM case_approvals a WHERE a.case_id = c.id AND a.approver = ?)
                ORDER BY c.id LIMIT 1\(db.dialect == .postgres ? " FOR UPDATE OF c SKIP LOCKED" : "")
                """), arguments: args + [actor, actor, stamp, actor]) else { return nil }
            try claimLocked(db, caseID: id, actor: actor, now: now)
            return id
        }
    }

    /// Corrects one field of a case's reading by hand: checked, audited with the value before and
    /// after and the reason, and the case marked as corrected (so it needs a senior's approval).
    /// The reviewer must hold the case's claim.
    ///
    /// - Returns: the value before (nil when the field was empty).
    @discardableResult
    public func correctField(caseID: Int64, field: CorrectableField, value: String, reason: String, by actor: String,
                             now: Date = Date()) throws -> String? {
        guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else { throw WorkflowError.reasonRequired(action: "correction") }
        let newValue = try Self.checkedValue(field, value)
        return try pool.write { db in
            _ = try requireRole(db, actor, action: "correct cases", allowed: [.reviewer, .senior])
            let c = try lockedCase(db, caseID, action: "corrected")
            try requireOwnClaim(c, caseID: caseID, actor: actor, now: now)
            var reading = (c["fields"] as String?).flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] } ?? [:]
            var fields = reading["fields"] as? [String: Any] ?? [:]
            let before: String?
            switch field {
            case .id:
                var ids = fields["ids"] as? [[String: Any]] ?? []
                let type = newValue.split(separator: ":", maxSplits: 1).first.map(String.init) ?? ""
                let number = String(newValue.dropFirst(type.count + 1))
                let old = ids.firstIndex { ($0["type"] as? String) == type }
                before = old.flatMap { ids[$0]["number"] as? String }.map { "\(type):\($0)" }
                if let old { ids[old] = ["type": type, "number": number] } else { ids.append(["type": type, "number": number]) }
                fields["ids"] = ids
            default:
                before = fields[field.rawValue].flatMap { $0 is NSNull ? nil : "\($0)" }
                fields[field.rawValue] = newValue
            }
            reading["fields"] = fields
            var corrections = reading["corrections"] as? [[String: Any]] ?? []
            corrections.append(["field": field.rawValue, "before": before ?? NSNull(), "after": newValue, "by": actor, "reason": reason])
            reading["corrections"] = corrections
            let json = JSONText.encode(reading)
            let stamp = Store.timestamp(now)
            try db.execute(sql: "UPDATE cases SET fields = ?, fields_corrected = 1, updated_at = ? WHERE id = ?",
                           arguments: [json, stamp, caseID])
            try appendEvent(db, actor: actor, entity: "case", entityID: String(caseID), action: "FIELD_CORRECTED",
                            before: Store.json([field.rawValue: Self.masked(field, before ?? "")]),
                            after: Store.json([field.rawValue: Self.masked(field, newValue)]), reason: reason, at: stamp)
            return before
        }
    }

    /// Identity numbers go into the event log masked, like every log.
    static func masked(_ field: CorrectableField, _ value: String) -> String {
        guard field == .id, let colon = value.firstIndex(of: ":") else { return value }
        return String(value[...colon]) + IdentityNumbers.mask(String(value[value.index(after: colon)...]))
    }

    static func checkedValue(_ field: CorrectableField, _ raw: String) throws -> String {
        let value = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        let bad = WorkflowError.badCorrection(field: field.rawValue, expected: field.expected)
        guard !value.isEmpty else { throw bad }
        switch field {
        case .sex:
            guard ["M", "F"].contains(value.uppercased()) else { throw bad }
            return value.uppercased()
        case .birthDate, .appearedOn, .issuedOn:
            guard let d = LocalDate(iso: value) else { throw bad }
            return d.description
        case .id:
            let parts = value.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2, let type = IdentityType(rawValue: parts[0].uppercased()) else { throw bad }
            let check = IdentityNumbers.check(parts[1], as: type)
            guard check.isValid else { throw WorkflowError.badCorrection(field: "id", expected: check.summary) }
            return "\(type.rawValue):\(check.key)"
        default:
            return value
        }
    }

    /// Replaces a case's match after a correction (matching ran again on the corrected reading): the
    /// case becomes MATCHED or NEEDS_MATCH, keeps its claim, and the event says what changed.
    public func relink(caseID: Int64, link: CaseLink, by actor: String, now: Date = Date()) throws {
        try pool.write { db in
            _ = try requireRole(db, actor, action: "correct cases", allowed: [.reviewer, .senior])
            let c = try lockedCase(db, caseID, action: "linked again")
            try requireOwnClaim(c, caseID: caseID, actor: actor, now: now)
            let stamp = Store.timestamp(now)
            try db.cachedStatement(sql: """
                UPDATE cases SET recipient_ssn = ?, certificate_no = ?, match_decision = ?, match = ?, link_flags = ?, updated_at = ?
                WHERE id = ?
                """).execute(arguments: [link.recipientSSN, link.certificateNo, link.decision, link.matchJSON, link.flagsJSON, stamp, caseID])
            try appendEvent(db, actor: actor, entity: "case", entityID: String(caseID), action: "RELINKED",
                            before: Store.json(["match": c["match_decision"] as String? ?? "", "recipient": c["recipient_ssn"] as String? ?? ""]),
                            after: Store.json(["match": link.decision, "recipient": link.recipientSSN ?? link.proposedSSN ?? ""]), at: stamp)
        }
    }

    /// Lets go of a claim (the reviewer stops working the case before deciding).
    public func release(caseID: Int64, by actor: String, now: Date = Date()) throws {
        try pool.write { db in
            _ = try requireRole(db, actor, action: "release cases", allowed: [.reviewer, .senior])
            let c = try lockedCase(db, caseID, action: "released")
            guard (c["claimed_by"] as String?) == actor else { throw WorkflowError.notYourClaim(case: caseID) }
            let back = (c["match_decision"] as String?) == "auto" && (c["recipient_ssn"] as String?) != nil ? "MATCHED" : "NEEDS_MATCH"
            let stamp = Store.timestamp(now)
            try db.execute(sql: "UPDATE cases SET state = ?, claimed_by = NULL, claim_until = NULL, updated_at = ? WHERE id = ?",
                           arguments: [back, stamp, caseID])
            try appendEvent(db, actor: actor, entity: "case", entityID: String(caseID), action: "RELEASED",
                            before: Store.json(["state": c["state"] as String]), after: Store.json(["state": back]), at: stamp)
        }
    }

    /// A correction or relink needs the case claimed by the one making it (claim it first).
    func requireOwnClaim(_ c: SQLRow, caseID: Int64, actor: String, now: Date) throws {
        try checkClaim(c, caseID: caseID, actor: actor, now: now)
        guard (c["claimed_by"] as String?) == actor, let until = c["claim_until"] as String?, until > Store.timestamp(now) else {
            throw WorkflowError.claimFirst(case: caseID)
        }
    }

    /// After an approval: the recipient's other open cases whose certificate is of the same date or
    /// older are superseded (one event each), so no one reviews a certificate that can no longer
    /// change anything.
    func supersedeOlderCases(_ db: any SQLConnection, approved caseID: Int64, ssn: String, appearedOn: LocalDate, actor: String, at stamp: String) throws -> [Int64] {
        let rows = try SQLRow.fetchAll(db.cachedStatement(sql: """
            SELECT id, state FROM cases
            WHERE recipient_ssn = ? AND id <> ? AND state IN ('MATCHED', 'NEEDS_MATCH', 'IN_REVIEW')
              AND \(db.dialect.jsonText("fields", "fields", "appeared_on")) <= ?
            """), arguments: [ssn, caseID, appearedOn.description])
        for r in rows {
            let id: Int64 = r["id"]
            try db.execute(sql: "UPDATE cases SET state = 'SUPERSEDED', claimed_by = NULL, claim_until = NULL, updated_at = ? WHERE id = ?",
                           arguments: [stamp, id])
            try appendEvent(db, actor: actor, entity: "case", entityID: String(id), action: "SUPERSEDED",
                            before: Store.json(["state": r["state"] as String]), after: Store.json(["state": "SUPERSEDED", "by_case": String(caseID)]),
                            reason: "case \(caseID) certified the same person with a certificate of the same date or later", at: stamp)
        }
        return rows.map { $0["id"] }
    }
}
