import Foundation
import GRDB
import LifecertDomain
import Testing
@testable import LifecertStore

@Suite struct StoreOpeningTests {
    @Test(.disabled(if: TestBackend.isPostgres, "an SQLite file")) func aNewStoreHasEveryMigrationWALAndForeignKeys() throws {
        let t = TemporaryStore()
        let store = try t.open()
        #expect(try store.appliedMigrations() == ["v1-registry", "v2-cases-and-records", "v3-matching", "v4-review", "v5-state-machine", "v6-consular-batches", "v7-scan-queue"])
        let (mode, fk) = try store.pool.read { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode")!, try Int.fetchOne(db, sql: "PRAGMA foreign_keys")!)
        }
        #expect(mode == "wal")
        #expect(fk == 1)
    }

    @Test(.disabled(if: TestBackend.isPostgres, "an SQLite file")) func theStoreFileIsNotReadableByOthers() throws {
        let t = TemporaryStore()
        _ = try t.open()
        let mode = try FileManager.default.attributesOfItem(atPath: t.path)[.posixPermissions] as! Int
        #expect(mode & 0o007 == 0)
    }

    /// A store written by the previous schema version (v1) is migrated forward on open, keeping its data.
    @Test(.disabled(if: TestBackend.isPostgres, "an SQLite file")) func aStoreOfThePreviousVersionIsMigratedForward() throws {
        let t = TemporaryStore()
        do {
            let queue = try DatabaseQueue(path: t.path)
            try Schema.migrator.migrate(queue, upTo: "v1-registry")
            try queue.write { db in
                try db.execute(sql: """
                    INSERT INTO recipients (ssn, name, sex, birth_date, id_type, id_number, benefit_type, benefit_status,
                        eligible, residence, registry_last_certified_on, office, last_certified_on, valid_until, suspended_from, updated_at)
                    VALUES ('S1', '陈大文', 'M', '1950-06-01', 'HK_ID', 'A1234563', 'ENTERPRISE_PENSION', 'NORMAL', 1, 'HK',
                        '2025-03-05', '440100', '2025-03-05', '2026-03-31', '2026-04', '2025-01-01T00:00:00Z')
                    """)
            }
            #expect(try queue.read { try $0.tableExists("certification_records") } == false)
        }
        let store = try t.open()
        #expect(try store.appliedMigrations() == ["v1-registry", "v2-cases-and-records", "v3-matching", "v4-review", "v5-state-machine", "v6-consular-batches", "v7-scan-queue"])
        let r = try #require(try store.recipient(ssn: "S1"))
        #expect(r.recipient.name == "陈大文")
        #expect(r.validUntil == day("2026-03-31"))
        // v3 indexed the recipient stored before it for matching: folded name and blocking keys.
        #expect(try store.recipients(namedFolded: ["陈大文"], limit: 5).map(\.ssn) == ["S1"])
        #expect(try store.recipients(nameKeys: ["H:陈大"], limit: 5).map(\.ssn) == ["S1"])
        try store.appendCertification(NewCertification(ssn: "S1", certifiedOn: day("2026-02-10"), channel: .mailHongKong,
                                                       caseID: nil, batchID: "B", batchRecordID: "1", examinedBy: "a",
                                                       approvedBy: "b", passedOn: day("2026-02-20")))
        #expect(try store.recipient(ssn: "S1")?.validUntil == day("2027-02-28"))
    }

    @Test(.disabled(if: TestBackend.isPostgres, "an SQLite file")) func aStoreWrittenByANewerVersionIsRefusedAndLeftUntouched() throws {
        let t = TemporaryStore()
        do {
            let store = try t.open()
            try store.pool.write { db in
                try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v9-from-the-future')")
            }
        }
        func snapshot() throws -> [String] {
            let q = try DatabaseQueue(path: t.path)
            return try q.read { db in
                try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier")
                    + String.fetchAll(db, sql: "SELECT name FROM sqlite_master ORDER BY name")
                    + [String(try Int.fetchOne(db, sql: "SELECT count(*) FROM events")!)]
            }
        }
        let before = try snapshot()
        #expect {
            _ = try t.open()
        } throws: { error in
            guard case StoreError.newerVersion(_, let unknown) = error else { return false }
            return unknown == ["v9-from-the-future"] && "\(error)".contains("newer version of lifecert")
        }
        #expect(try snapshot() == before)
    }

    @Test(.enabled(if: TestBackend.isPostgres, "PostgreSQL")) func aPostgresStoreWrittenByANewerVersionIsRefusedAndLeftUntouched() throws {
        let t = TemporaryStore()
        do {
            let store = try t.open()
            #expect(try store.appliedMigrations() == PostgresSchema.migrations)
            try store.pool.write { db in
                try db.execute(sql: "INSERT INTO lifecert_migrations (identifier, applied_order) VALUES ('v9-from-the-future', 99)")
            }
            store.close()
        }
        #expect {
            _ = try t.open()
        } throws: { error in
            guard case StoreError.newerVersion(_, let unknown) = error else { return false }
            return unknown == ["v9-from-the-future"]
        }
    }

    @Test(.enabled(if: TestBackend.isPostgres, "PostgreSQL")) func aPostgresDatabaseHoldingOtherTablesIsRefused() throws {
        let t = TemporaryStore()
        // Another application's table, in a database lifecert has never opened.
        let pg = try PostgresStoreDatabase.open(PostgresLocation(url: t.path)!, busyTimeout: 5, onLockWait: nil)
        try pg.unsafeReentrantRead { try $0.execute(sql: "CREATE TABLE payroll (id INTEGER)") }
        pg.close()
        #expect {
            _ = try t.open()
        } throws: { error in
            guard case StoreError.notAStore(_, let reason) = error else { return false }
            return reason.contains("payroll")
        }
    }

    @Test(.disabled(if: TestBackend.isPostgres, "an SQLite file")) func aFileThatIsNotAStoreIsRefusedClearly() throws {
        let t = TemporaryStore()
        _ = FileManager.default.createFile(atPath: t.path, contents: Data(String(repeating: "not a database\n", count: 100).utf8))
        #expect {
            _ = try t.open()
        } throws: { error in
            if case StoreError.notAStore = error { return true }
            return false
        }
        let other = TemporaryStore()
        let q = try DatabaseQueue(path: other.path)
        try q.write { try $0.execute(sql: "CREATE TABLE invoices (id INTEGER)") }
        #expect {
            _ = try other.open()
        } throws: { error in
            guard case StoreError.notAStore(_, let reason) = error else { return false }
            return reason.contains("invoices")
        }
    }

    @Test func aMissingFolderIsNamed() throws {
        #expect(throws: StoreError.self) {
            _ = try Store(path: "/nonexistent-folder/lifecert.db")
        }
    }

    @Test func anInvalidPolicyIsRefusedBeforeAnythingIsWritten() throws {
        let t = TemporaryStore()
        var p = CertificationPolicy()
        p.suspensionMonthOffset = 12
        #expect(throws: StoreError.self) { _ = try t.open(policy: p) }
        #expect(!FileManager.default.fileExists(atPath: t.path))
    }
}

@Suite struct RegistryUpsertTests {
    @Test func reimportingTheSameRowsChangesNothing() throws {
        let t = TemporaryStore()
        let store = try t.open()
        let rows = (1...50).map { recipient("S\($0)") }
        let first = try load(store, rows)
        #expect(first.inserted == 50)
        let eventsBefore = try store.counts()["events"]!
        let stamp = try store.pool.read { try String.fetchOne($0, sql: "SELECT updated_at FROM recipients WHERE ssn = 'S7'") }
        let second = try load(store, rows)
        #expect(second.unchanged == 50 && second.inserted == 0 && second.updated == 0)
        #expect(try store.pool.read { try String.fetchOne($0, sql: "SELECT updated_at FROM recipients WHERE ssn = 'S7'") } == stamp)
        // Only the import's own start and end events were added.
        #expect(try store.counts()["events"]! == eventsBefore + 2)
    }

    @Test func aChangedRowIsUpdatedAndTheChangeAudited() throws {
        let t = TemporaryStore()
        let store = try t.open()
        _ = try load(store, [recipient("S1"), recipient("S2")])
        let counts = try load(store, [recipient("S1", status: .suspended, phone: "+1 000"), recipient("S2")])
        #expect(counts.updated == 1 && counts.unchanged == 1)
        #expect(try store.recipient(ssn: "S1")?.recipient.benefitStatus == .suspended)
        let events = try store.events(entity: "recipient", id: "S1")
        #expect(events.count == 1)
        #expect(events[0].action == "REGISTRY_UPDATE")
        #expect(events[0].before == #"{"benefit_status":"NORMAL","phone":"+1 6045550101"}"#)
        #expect(events[0].after == #"{"benefit_status":"SUSPENDED","phone":"+1 000"}"#)
        #expect(try store.verifyAuditChain() == nil)
    }

    @Test func derivedDatesFollowTheRegistryDateAndThePolicy() throws {
        let t = TemporaryStore()
        do {
            let store = try t.open()
            _ = try load(store, [recipient("S1", lastCertified: "2024-02-29"), recipient("S2", lastCertified: nil)])
            let r = try #require(try store.recipient(ssn: "S1"))
            #expect(r.validUntil == day("2025-02-28"))
            #expect(r.suspendedFrom == YearMonth(year: 2025, month: 3))
            #expect(try store.recipient(ssn: "S2")?.validUntil == nil)
        }
        var sixMonths = CertificationPolicy()
        sixMonths.validityMonths = 6
        sixMonths.suspensionMonthOffset = 7
        let store = try t.open(policy: sixMonths)
        #expect(try store.recipient(ssn: "S1")?.validUntil == day("2024-08-31"))
        #expect(try store.recipient(ssn: "S1")?.suspendedFrom == YearMonth(year: 2024, month: 9))
        #expect(try store.events(entity: "policy", id: "certification").count == 2)
        #expect(try store.events(entity: "policy", id: "certification").last?.reason == "derived dates of 2 recipients recomputed")
        // A setting that moves no date (matching, batches) is recorded but recomputes nothing.
        var batches = sixMonths
        batches.batchAutoApproveChannels = []
        batches.matchRunnerUpMargin = 12
        let again = try t.open(policy: batches)
        let events = try again.events(entity: "policy", id: "certification")
        #expect(events.count == 3 && events.last?.reason == nil)
        #expect(try again.recipient(ssn: "S1")?.validUntil == day("2024-08-31"))
    }

    @Test func dueAndOverdueLists() throws {
        let t = TemporaryStore()
        let store = try t.open()
        _ = try load(store, [
            recipient("A", lastCertified: "2025-11-20"),  // valid to 2026-11-30
            recipient("B", lastCertified: "2025-12-01"),  // valid to 2026-12-31
            recipient("C", lastCertified: "2026-01-15"),  // valid to 2027-01-31
            recipient("D", status: .terminated, lastCertified: "2025-11-20"),
            recipient("E", lastCertified: "2025-09-10"),  // suspended from 2026-11
            recipient("F", status: .suspended, lastCertified: "2025-01-10"),
            recipient("G", lastCertified: nil),
        ])
        let due = try store.due(from: day("2026-11-29"), through: day("2027-01-28"))
        #expect(due.map(\.recipient.ssn) == ["A", "B"])
        let (overdue, withoutDate) = try store.overdue(month: YearMonth(year: 2026, month: 11)!)
        #expect(overdue.map(\.recipient.ssn) == ["E"])
        #expect(withoutDate == 1)
        #expect(try store.overdue(month: YearMonth(year: 2026, month: 12)!).recipients.map(\.recipient.ssn) == ["E", "A"])
    }
}

@Suite struct CertificationRecordTests {
    @Test func approvalOfASuspendedRecipientRestoresWithTheBackPayDate() throws {
        let t = TemporaryStore()
        let store = try t.open()
        _ = try load(store, [recipient("S1", status: .suspended, benefit: .enterprisePension, lastCertified: "2024-01-10")])
        let rec = try store.appendCertification(NewCertification(
            ssn: "S1", certifiedOn: day("2026-10-28"), channel: .mailConsular, batchID: "b", batchRecordID: "1",
            examinedBy: "li", approvedBy: "wang", passedOn: day("2026-11-16")))
        #expect(rec.restoresPayment)
        #expect(rec.backPayDue == day("2026-12-10"))
        #expect(rec.validUntil == day("2027-10-31"))
        let r = try #require(try store.recipient(ssn: "S1"))
        #expect(r.recipient.benefitStatus == .normal)
        #expect(r.lastCertifiedOn == day("2026-10-28"))
        #expect(r.registryLastCertifiedOn == day("2024-01-10"))
    }

    @Test func lostEligibilityRecordsAliveStatusOnly() throws {
        let t = TemporaryStore()
        let store = try t.open()
        _ = try load(store, [recipient("S1", status: .suspended, eligible: false)])
        let rec = try store.appendCertification(NewCertification(
            ssn: "S1", certifiedOn: day("2026-10-28"), channel: .mailHongKong, batchID: "b", batchRecordID: "1",
            examinedBy: "li", approvedBy: "wang", passedOn: day("2026-11-03")))
        #expect(rec.aliveOnly && !rec.restoresPayment && rec.backPayDue == nil)
        #expect(try store.recipient(ssn: "S1")?.recipient.benefitStatus == .suspended)
    }

    @Test func terminatedBenefitsAreRefusedWithTheChannelsWording() throws {
        let t = TemporaryStore()
        let store = try t.open()
        _ = try load(store, [recipient("S1", status: .terminated)])
        #expect(throws: CertificationRefused(reason: .benefitStatusAbnormal)) {
            try store.appendCertification(NewCertification(
                ssn: "S1", certifiedOn: day("2026-10-28"), channel: .mailHongKong, batchID: "b", batchRecordID: "1",
                examinedBy: "li", approvedBy: "wang", passedOn: day("2026-11-03")))
        }
        #expect(try store.counts()["certification_records"] == 0)
    }

    @Test func recordsRevocationsAndEventsCannotBeChangedOrDeleted() throws {
        let t = TemporaryStore()
        let store = try t.open()
        _ = try load(store, [recipient("S1")])
        try store.addUser("ada", role: .admin, by: "ada")
        try store.addUser("senior1", role: .senior, by: "ada")
        let rec = try store.appendCertification(NewCertification(
            ssn: "S1", certifiedOn: day("2026-10-28"), channel: .consularApp, batchID: "b", batchRecordID: "1",
            examinedBy: "system", approvedBy: "system", passedOn: day("2026-10-28")))
        try store.revokeCertification(recordID: rec.id, reason: "wrong person", by: "senior1")
        for sql in ["UPDATE certification_records SET valid_until = '2099-12-31'",
                    "DELETE FROM certification_records",
                    "UPDATE certification_revocations SET reason = 'x'",
                    "DELETE FROM certification_revocations",
                    "UPDATE events SET actor = 'nobody'",
                    "DELETE FROM events"] + (TestBackend.isPostgres ? ["TRUNCATE events", "TRUNCATE certification_records CASCADE"] : []) {
            expectDatabaseRefuses(sql) {
                try store.pool.write { try $0.execute(sql: sql) }
            }
        }
        #expect(throws: StoreError.alreadyRevoked(rec.id)) {
            try store.revokeCertification(recordID: rec.id, reason: "again", by: "senior1")
        }
    }

    @Test func revocationFallsBackToTheRecordStillStandingAndHistoryIsNewestFirst() throws {
        let t = TemporaryStore()
        let store = try t.open()
        _ = try load(store, [recipient("S1", lastCertified: "2024-05-05")])
        try store.addUser("ada", role: .admin, by: "ada")
        try store.addUser("senior1", role: .senior, by: "ada")
        func certify(_ on: String, _ n: String) throws -> CertificationRecord {
            try store.appendCertification(NewCertification(
                ssn: "S1", certifiedOn: day(on), channel: .consulateCertificate, batchID: "b", batchRecordID: n,
                examinedBy: "li", approvedBy: "wang", passedOn: day(on)))
        }
        _ = try certify("2025-04-01", "1")
        let second = try certify("2026-03-15", "2")
        #expect(try store.recipient(ssn: "S1")?.validUntil == day("2027-03-31"))
        try store.revokeCertification(recordID: second.id, reason: "certificate forged", by: "senior1")
        #expect(try store.recipient(ssn: "S1")?.validUntil == day("2026-04-30"))
        let history = try store.certificationHistory(ssn: "S1")
        #expect(history.map(\.sequence) == [2, 1])
        #expect(history[0].revocation?.reason == "certificate forged")
        #expect(history[1].revocation == nil)
    }

    @Test func theAuditChainDetectsAnAlteredEntry() throws {
        let t = TemporaryStore()
        let store = try t.open()
        _ = try load(store, [recipient("S1")])
        _ = try load(store, [recipient("S1", status: .suspended)])
        #expect(try store.verifyAuditChain() == nil)
        let target = try store.pool.write { db -> Int64 in
            try db.execute(sql: db.dialect == .sqlite ? "DROP TRIGGER events_no_update" : "DROP TRIGGER events_no_update ON events")
            let id = try Int64.fetchOne(db, sql: "SELECT id FROM events WHERE action = 'REGISTRY_UPDATE'")!
            try db.execute(sql: "UPDATE events SET actor = 'intruder' WHERE id = ?", arguments: [id])
            return id
        }
        #expect(try store.verifyAuditChain() == target)
    }
}

@Suite struct ConcurrentWriterTests {
    /// Several connections (as separate processes would have) write at once: every write lands,
    /// none fails with "database is locked", and the audit chain stays one unbroken line.
    @Test func eightWritersOnSeparateConnections() async throws {
        let t = TemporaryStore()
        let setup = try t.open()
        _ = try load(setup, (0..<8).flatMap { w in (0..<25).map { recipient("W\(w)-\($0)") } })
        try await withThrowingTaskGroup(of: Void.self) { group in
            for w in 0..<8 {
                group.addTask {
                    let store = try t.open()
                    for i in 0..<25 {
                        try store.appendCertification(NewCertification(
                            ssn: "W\(w)-\(i)", certifiedOn: day("2026-11-02"), channel: .consularApp,
                            batchID: "batch-\(w)", batchRecordID: String(i), examinedBy: "system",
                            approvedBy: "system", passedOn: day("2026-11-02")))
                        if i % 5 == 0 { _ = try load(store, [recipient("NEW-\(w)-\(i)")]) }
                    }
                }
            }
            try await group.waitForAll()
        }
        let counts = try setup.counts()
        #expect(counts["certification_records"] == 200)
        #expect(counts["recipients"] == 200 + 40)
        #expect(try setup.verifyAuditChain() == nil)
    }
}
