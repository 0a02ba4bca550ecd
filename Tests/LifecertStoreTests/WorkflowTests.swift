import Foundation
import GRDB
import LifecertDomain
import Testing
@testable import LifecertStore

/// Roles, claims, maker–checker and approval writing the certification record, in the store.
@Suite struct WorkflowTests {
    let t = TemporaryStore()
    let store: Store
    let fields = #"{"kind":"hk","fields":{"appeared_on":"2026-11-02","name":"陈大文"}}"#

    init() throws {
        store = try t.open()
        _ = try load(store, [recipient("S1", id: "P1"), recipient("S2", status: .suspended, lastCertified: "2025-01-10", id: "P2")])
        try store.addUser("ada", role: .admin, by: "ada")
        for (u, r) in [("rita", Role.reviewer), ("rob", .reviewer), ("sam", .senior), ("carl", .clerk)] {
            try store.addUser(u, role: r, by: "ada")
        }
    }

    func openCase(by maker: String = "carl", decision: String = "auto", ssn: String? = "S1", flags: String = "[]") throws -> Int64 {
        let (scan, _) = try store.registerScan(bytes: Array(UUID().uuidString.utf8), sha256: UUID().uuidString.replacingOccurrences(of: "-", with: "") + "00000000000000000000000000000000",
                                               originalName: "x.png", mediaType: nil, fileExtension: "png", envelope: EnvelopeInfo(scannedBy: maker))
        return try store.openCase(scanID: scan.id, state: decision == "auto" ? "MATCHED" : "NEEDS_MATCH", kind: "hk", form: "hk-ftu",
                                  fieldsJSON: fields, reason: nil, actor: maker,
                                  link: CaseLink(decision: decision, recipientSSN: decision == "auto" ? ssn : nil, proposedSSN: decision == "auto" ? nil : ssn,
                                                 certificateNo: nil, matchJSON: "{}", flagsJSON: flags))
    }

    func state(_ id: Int64) throws -> String { try store.caseRecord(id: id)!.state }

    @Test func anApprovalWritesTheRecordAndMovesTheCaseInOneStep() throws {
        let id = try openCase()
        #expect(try store.approve(caseID: id, by: "rob", passedOn: day("2026-11-25")) == .certified(recordID: 1))
        #expect(try state(id) == "APPROVED")
        let record = try #require(try store.certificationHistory(ssn: "S1").first)
        #expect(record.certifiedOn == day("2026-11-02") && record.approvedBy == "rob" && record.channel == .mailHongKong)
        #expect(try store.recipient(ssn: "S1")?.validUntil == day("2027-11-30"))
        // Approved once: never again.
        #expect(throws: WorkflowError.wrongState(case: id, state: "APPROVED", action: "approved")) {
            try store.approve(caseID: id, by: "rita", passedOn: day("2026-11-25"))
        }
        #expect(try store.events(entity: "case", id: String(id)).contains { $0.action == "APPROVED" && $0.actor == "rob" })
    }

    @Test func rolesAreCheckedByTheStore() throws {
        let id = try openCase()
        #expect(throws: WorkflowError.notAllowed(user: "carl", role: "clerk", action: "approve cases")) {
            try store.approve(caseID: id, by: "carl", passedOn: day("2026-11-25"))
        }
        #expect(throws: WorkflowError.notAllowed(user: "ada", role: "admin", action: "approve cases")) {
            try store.approve(caseID: id, by: "ada", passedOn: day("2026-11-25"))
        }
        #expect(throws: WorkflowError.unknownUser("mallory")) { try store.claim(caseID: id, by: "mallory") }
        #expect(throws: WorkflowError.notAllowed(user: "rob", role: "reviewer", action: "add users")) {
            try store.addUser("eve", role: .senior, by: "rob")
        }
        #expect(try state(id) == "MATCHED")
        #expect(try store.certificationHistory(ssn: "S1").isEmpty)
    }

    @Test func whoeverOpenedACaseMayNotApproveItEvenBypassingTheCode() throws {
        let id = try openCase(by: "rita")
        #expect(throws: WorkflowError.makerChecker(case: id, user: "rita")) {
            try store.approve(caseID: id, by: "rita", passedOn: day("2026-11-25"))
        }
        // The database itself refuses it too.
        expectDatabaseRefuses("rita approving her own case") {
            try store.pool.write { db in
                try db.execute(sql: "INSERT INTO case_approvals (case_id, approver, role, recipient_ssn, at) VALUES (?, 'rita', 'reviewer', 'S1', 'now')",
                               arguments: [id])
            }
        }
    }

    @Test func aClaimKeepsOthersOutUntilItRunsOut() throws {
        let id = try openCase()
        let t0 = Date()
        try store.claim(caseID: id, by: "rob", now: t0)
        #expect(try state(id) == "IN_REVIEW")
        #expect(throws: WorkflowError.self) { try store.approve(caseID: id, by: "rita", passedOn: day("2026-11-25"), now: t0.addingTimeInterval(60)) }
        #expect(throws: WorkflowError.self) { try store.claim(caseID: id, by: "rita", now: t0.addingTimeInterval(60)) }
        // Rob's session dropped: 31 minutes later the lease has run out and Rita may take it.
        try store.claim(caseID: id, by: "rita", now: t0.addingTimeInterval(31 * 60))
        #expect(try store.approve(caseID: id, by: "rita", passedOn: day("2026-11-25"), now: t0.addingTimeInterval(32 * 60)) == .certified(recordID: 1))
    }

    @Test func aHighRiskCaseNeedsAReviewerAndThenASenior() throws {
        // S2 is suspended: approval restores payment, so two approvals.
        let id = try openCase(ssn: "S2", flags: #"[{"code":"restores_payment","severity":"info"}]"#)
        #expect(try store.approve(caseID: id, by: "rob", passedOn: day("2026-11-25")) == .awaitingSenior)
        #expect(throws: WorkflowError.sameApproverTwice(case: id, user: "rob")) { try store.approve(caseID: id, by: "rob", passedOn: day("2026-11-25")) }
        #expect(throws: WorkflowError.seniorNeeded(case: id)) { try store.approve(caseID: id, by: "rita", passedOn: day("2026-11-25")) }
        #expect(try store.certificationHistory(ssn: "S2").isEmpty)
        guard case .certified = try store.approve(caseID: id, by: "sam", passedOn: day("2026-11-25")) else { Issue.record("not certified"); return }
        let record = try #require(try store.certificationHistory(ssn: "S2").first)
        #expect(record.restoresPayment)
        #expect(record.examinedBy == "rob" && record.approvedBy == "sam")
        // Further checks were needed (two approvals): back pay by the 10th of the next month.
        #expect(record.backPayDue == day("2026-12-10"))
        #expect(try store.recipient(ssn: "S2")?.recipient.benefitStatus == .normal)
    }

    @Test func aCaseNotLinkedAutomaticallyNeedsTheReviewerToNameTheRecipient() throws {
        let id = try openCase(decision: "review", ssn: "S1")
        #expect(throws: WorkflowError.noRecipient(case: id)) { try store.approve(caseID: id, by: "rob", passedOn: day("2026-11-25")) }
        #expect(try store.approve(caseID: id, by: "rob", recipientSSN: "S1", passedOn: day("2026-11-25")) == .awaitingSenior)
        #expect(try store.approve(caseID: id, by: "sam", recipientSSN: "S1", passedOn: day("2026-11-25")) != .awaitingSenior)
        #expect(try store.caseRecord(id: id)?.recipientSSN == "S1")
    }

    @Test func rejectionsAndReturnsCarryACodeAndASentence() throws {
        let id = try openCase()
        #expect(throws: WorkflowError.reasonRequired(action: "rejection")) {
            try store.decline(caseID: id, by: "rob", returning: false, reasonCode: "R01", sentence: " ")
        }
        try store.decline(caseID: id, by: "rob", returning: false, reasonCode: "R01", sentence: "The certificate is older than six months.")
        #expect(try state(id) == "REJECTED")
        let e = try #require(try store.events(entity: "case", id: String(id)).first { $0.action == "REJECTED" })
        #expect(e.reason == "The certificate is older than six months." && e.after?.contains("R01") == true)
        #expect(throws: WorkflowError.self) { try store.approve(caseID: id, by: "rita", passedOn: day("2026-11-25")) }
    }

    @Test func anExportSaysWhatItCoveredAndCanBeRepeated() throws {
        let a = try openCase(), b = try openCase(ssn: "S2")
        try store.approve(caseID: a, by: "rob", passedOn: day("2026-11-25"))
        let since = day(String(Store.timestamp().prefix(10)))
        let first = try store.exportRecords(since: since, format: "csv", by: "ada")
        #expect(first.records.map(\.record.id) == [1])
        try store.approve(caseID: b, by: "rob", passedOn: day("2026-11-25"))
        let second = try store.exportRecords(since: since, format: "csv", by: "ada")
        #expect(second.records.map(\.record.id) == [1, 2])
        #expect(second.exportID == first.exportID + 1)
        #expect(try store.events(entity: "export", id: String(second.exportID)).first?.after?.contains("\"records\":\"2\"") == true)
    }

    @Test func eightReviewersApprovingAtOnceApproveEachCaseExactlyOnce() throws {
        for i in 0..<6 { try store.addUser("rev\(i)", role: .reviewer, by: "ada") }
        let reviewers = ["rita", "rob"] + (0..<6).map { "rev\($0)" }
        _ = try load(store, (0..<80).map { recipient("R\($0)", id: "Q\($0)") }, as: "ada")
        let ids = try (0..<80).map { try openCase(ssn: "R\($0)") }
        let ok = Counter()
        DispatchQueue.concurrentPerform(iterations: reviewers.count) { r in
            for id in ids {
                if (try? store.approve(caseID: id, by: reviewers[r], passedOn: day("2026-11-25"))) != nil { ok.add() }
            }
        }
        #expect(ok.value == ids.count)
        let records = try store.pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM certification_records") }
        #expect(records == ids.count)
        #expect(try ids.allSatisfy { try state($0) == "APPROVED" })
    }

    @Test func onceAStoreHasUsersOnlyTheRightRolesLoadTheRegistryScanAndExport() throws {
        // rita (reviewer) may not load the registry; an unknown login may not take in a scan.
        #expect(throws: WorkflowError.notAllowed(user: "rita", role: "reviewer", action: "import the registry")) {
            _ = try load(store, [recipient("X1")], as: "rita")
        }
        #expect(throws: WorkflowError.unknownUser("mallory")) {
            _ = try store.registerScan(bytes: [1, 2, 3], sha256: String(repeating: "a", count: 64), originalName: "x.png", mediaType: nil,
                                       fileExtension: "png", envelope: EnvelopeInfo(scannedBy: "mallory"))
        }
        #expect(throws: WorkflowError.notAllowed(user: "carl", role: "clerk", action: "export certification records")) {
            _ = try store.exportRecords(since: day("2026-01-01"), format: "csv", by: "carl")
        }
        #expect(throws: WorkflowError.unknownUser("mallory")) { try store.requireKnownUser("mallory") }
        try store.requireKnownUser("carl")
        #expect(throws: WorkflowError.unknownUser("mallory")) { _ = try store.claimScans(reader: "r", by: "mallory", limit: 1) }
        _ = try load(store, [recipient("X1")], as: "ada")
    }

    @Test func roleChangesAndDeactivationsAreAdministratorsOnlyAndAudited() throws {
        #expect(throws: WorkflowError.notAllowed(user: "rita", role: "reviewer", action: "change roles")) {
            try store.setRole("rob", to: .senior, by: "rita")
        }
        try store.setRole("rob", to: .senior, by: "ada")
        #expect(try store.users().first { $0.login == "rob" }?.role == "senior")
        let change = try #require(try store.events(entity: "user", id: "rob").last)
        #expect(change.action == "ROLE_CHANGED" && change.before?.contains("reviewer") == true && change.after?.contains("senior") == true)
        #expect(throws: WorkflowError.lastAdministrator("ada")) { try store.setRole("ada", to: .reviewer, by: "ada") }
        #expect(throws: WorkflowError.lastAdministrator("ada")) { try store.deactivateUser("ada", by: "ada") }
        let id = try openCase()
        try store.claim(caseID: id, by: "rita")
        try store.deactivateUser("rita", by: "ada")
        #expect(throws: WorkflowError.unknownUser("rita")) { try store.requireKnownUser("rita") }
        #expect(throws: WorkflowError.unknownUser("rita")) { try store.approve(caseID: id, by: "rita", passedOn: day("2026-11-25")) }
        // Her claim went with her: another reviewer may take the case.
        try store.claim(caseID: id, by: "sam")
        #expect(try store.events(entity: "user", id: "rita").last?.action == "USER_DEACTIVATED")
        #expect(try store.verifyAuditChain() == nil)
    }

    @Test func theStoreAndTheArchiveAreReadableByOwnerAndGroupOnly() throws {
        let (scan, _) = try store.registerScan(bytes: Array("scan".utf8), sha256: String(repeating: "b", count: 64), originalName: "x.png",
                                               mediaType: nil, fileExtension: "png", envelope: EnvelopeInfo(scannedBy: "carl"))
        func mode(_ path: String) throws -> Int {
            ((try FileManager.default.attributesOfItem(atPath: path))[.posixPermissions] as? NSNumber)?.intValue ?? -1
        }
        if !TestBackend.isPostgres { #expect(try mode(store.path) & 0o007 == 0) }
        #expect(try mode(scan.archivePath) == 0o440)
        #expect(try mode((scan.archivePath as NSString).deletingLastPathComponent) & 0o007 == 0)
        #expect(try mode(store.archive.root) & 0o007 == 0)
    }

    @Test func theDatabaseRefusesAStateChangeTheStateMachineDoesNotAllow() throws {
        let id = try openCase()
        try store.approve(caseID: id, by: "rob", passedOn: day("2026-11-25"))
        // Bypassing the workflow: an approved case cannot be reopened, whoever issues the UPDATE.
        for state in ["MATCHED", "IN_REVIEW", "REJECTED", "SUPERSEDED"] {
            expectDatabaseRefuses("APPROVED → \(state)") {
                try store.pool.write { try $0.execute(sql: "UPDATE cases SET state = ? WHERE id = ?", arguments: [state, id]) }
            }
        }
        #expect(CaseState.approved.canMove(to: .approved) && !CaseState.approved.canMove(to: .matched))
        #expect(CaseState.matched.canMove(to: .inReview) && CaseState.inReview.canMove(to: .approved))
        #expect(!CaseState.rejected.canMove(to: .approved) && !CaseState.superseded.canMove(to: .matched))
        #expect(CaseState.allCases.count == 10 && CaseState.allowedMovePairs.contains("RETURNED>SUPERSEDED"))
    }

    @Test func aCorrectionIsCheckedAuditedAndMakesTheCaseHighRisk() throws {
        let id = try openCase()
        #expect(throws: WorkflowError.claimFirst(case: id)) {
            try store.correctField(caseID: id, field: .birthDate, value: "1950-06-01", reason: "misread", by: "rita")
        }
        try store.claim(caseID: id, by: "rita")
        #expect(throws: WorkflowError.badCorrection(field: "birth_date", expected: CorrectableField.birthDate.expected)) {
            try store.correctField(caseID: id, field: .birthDate, value: "1950-02-30", reason: "misread", by: "rita")
        }
        #expect(throws: WorkflowError.self) {   // a wrong check digit is refused, not stored
            try store.correctField(caseID: id, field: .id, value: "CN_RIC:110105194912310021", reason: "misread", by: "rita")
        }
        #expect(throws: WorkflowError.reasonRequired(action: "correction")) {
            try store.correctField(caseID: id, field: .name, value: "陈大文", reason: " ", by: "rita")
        }
        #expect(try store.correctField(caseID: id, field: .name, value: "陳大文", reason: "the OCR read 陈犬文", by: "rita") == "陈大文")
        try store.correctField(caseID: id, field: .id, value: "CN_RIC:11010519491231002X", reason: "digit misread", by: "rita")
        let fields = try #require(try store.caseRecord(id: id)?.fields)
        #expect(fields.contains("陳大文") && fields.contains("11010519491231002X") && fields.contains("corrections"))
        let events = try store.events(entity: "case", id: String(id)).filter { $0.action == "FIELD_CORRECTED" }
        #expect(events.count == 2)
        #expect(events.first?.before?.contains("陈大文") == true && events.first?.after?.contains("陳大文") == true)
        #expect(events.first?.reason == "the OCR read 陈犬文")
        // The identity number is masked in the log.
        #expect(events.last?.after?.contains("11010519491231002X") == false)
        // A corrected case is high-risk: the reviewer's approval is the first of two.
        #expect(try store.approve(caseID: id, by: "rita", passedOn: day("2026-11-25")) == .awaitingSenior)
        #expect(try store.approve(caseID: id, by: "sam", passedOn: day("2026-11-25")) == .certified(recordID: 1))
    }

    @Test func claimNextHandsEachReviewerADifferentCaseAndSkipsTheirOwn() throws {
        _ = try load(store, (0..<3).map { recipient("N\($0)", id: "M\($0)") }, as: "ada")
        let mine = try openCase(by: "rita", ssn: "N0")
        let a = try openCase(ssn: "N1"), b = try openCase(ssn: "N2")
        let today = day("2026-11-25")
        #expect(try store.claimNext(by: "rita", today: today) == a)      // not her own scan
        #expect(try store.claimNext(by: "rob", today: today) == mine)    // the oldest nobody holds
        #expect(try store.claimNext(by: "sam", today: today) == b)
        #expect(try store.claimNext(by: "rita", today: today) == a)      // her own claim again
        #expect(try store.queueCaseIDs(QueueFilter(claimedBy: "rob"), today: today) == [mine])
        #expect(try store.queueCaseIDs(QueueFilter(search: "陈大文"), today: today).count == 3)
        #expect(try store.queueCaseIDs(QueueFilter(kind: "macao"), today: today).isEmpty)
        #expect(throws: WorkflowError.notAllowed(user: "carl", role: "clerk", action: "review cases")) {
            try store.claimNext(by: "carl", today: today)
        }
    }

    @Test func anApprovalSupersedesTheSamePersonsOlderOpenCases() throws {
        let older = try openCase(), same = try openCase()
        let newer = try openCase()
        try store.pool.write { db in
            try db.execute(sql: "UPDATE cases SET fields = replace(fields, '2026-11-02', '2026-10-01') WHERE id = ?", arguments: [older])
            try db.execute(sql: "UPDATE cases SET fields = replace(fields, '2026-11-02', '2026-11-20') WHERE id = ?", arguments: [newer])
        }
        try store.approve(caseID: same, by: "rob", passedOn: day("2026-11-25"))
        #expect(try state(older) == "SUPERSEDED")
        #expect(try state(newer) == "MATCHED")   // a later certificate still counts
        #expect(try store.events(entity: "case", id: String(older)).last?.reason?.contains("case \(same)") == true)
        #expect(throws: WorkflowError.wrongState(case: older, state: "SUPERSEDED", action: "approved")) {
            try store.approve(caseID: older, by: "rob", passedOn: day("2026-11-25"))
        }
    }

    @Test func onlyASeniorOrAnAdministratorRevokesARecord() throws {
        let id = try openCase()
        guard case .certified(let record) = try store.approve(caseID: id, by: "rob", passedOn: day("2026-11-25")) else {
            Issue.record("not certified"); return
        }
        #expect(throws: WorkflowError.notAllowed(user: "rita", role: "reviewer", action: "revoke certification records")) {
            try store.revokeCertification(recordID: record, reason: "wrong person", by: "rita")
        }
        #expect(throws: WorkflowError.reasonRequired(action: "revocation")) {
            try store.revokeCertification(recordID: record, reason: "", by: "sam")
        }
        try store.revokeCertification(recordID: record, reason: "wrong person", by: "sam")
        #expect(try store.certificationHistory(ssn: "S1").first?.revocation?.revokedBy == "sam")
    }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var n = 0
    func add() { lock.lock(); n += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return n }
}
