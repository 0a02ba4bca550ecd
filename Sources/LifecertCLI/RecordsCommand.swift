import ArgumentParser
import Foundation
import LifecertDomain
import LifecertStore

struct RecordsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "records", abstract: "Certification records for the payment system.", subcommands: [Export.self, Revoke.self])

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a wrong certification record with a reason (a senior or an administrator).",
            discussion: """
                Nothing is deleted or changed: a revocation is appended, the recipient's dates fall back
                to the newest record still standing, and the next export carries the revocation.
                """)
        @OptionGroup var options: StoreOptions
        @Argument(help: "The record id.") var recordID: Int64
        @Option(help: "Why (kept with the revocation and exported).") var reason: String
        func run() throws {
            let store = try options.openStore()
            do {
                try workflow { try store.revokeCertification(recordID: recordID, reason: reason, by: Store.currentLogin()) }
            } catch let e as StoreError {
                throw fail(e.description, .refused)
            }
            print("certification record \(recordID) revoked")
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export the records approved since a day (and revocations made since), as CSV or JSON Lines.",
            discussion: """
                Idempotent: exporting the same day again gives the same records (and any approved
                since). Each export is logged (record_exports, and the audit log) with the range of
                record ids it covered; the first line (CSV: a comment row) says what it covered.
                """)
        @OptionGroup var options: StoreOptions
        @Option(help: ArgumentHelp("The first approval day to include (YYYY-MM-DD).", valueName: "date")) var since: String
        @Flag(help: "CSV (the default).") var csv = false
        @Flag(help: "JSON Lines.") var json = false

        func run() throws {
            guard let day = LocalDate(iso: since) else { throw fail("--since \(since) is not a date YYYY-MM-DD", .failure) }
            let store = try options.openStore()
            let e = try workflow { try store.exportRecords(since: day, format: json ? "json" : "csv", by: Store.currentLogin()) }
            let first = e.records.first.map { String($0.record.id) } ?? "-", last = e.records.last.map { String($0.record.id) } ?? "-"
            let cover = "export \(e.exportID): records approved since \(day): \(e.records.count) (ids \(first)–\(last)); revocations of older records: \(e.revocationsOfOlder.count)"
            func row(_ r: CertificationRecord, name: String?, idType: String?, idNumber: String?) -> [String: Any] {
                ["record_id": r.id, "sequence": r.sequence, "ssn": r.ssn, "name": name ?? NSNull(), "id_type": idType ?? NSNull(),
                 "id_number": idNumber ?? NSNull(), "certified_on": r.certifiedOn.description, "channel": r.channel.rawValue,
                 "examined_by": r.examinedBy, "approved_by": r.approvedBy, "approved_at": r.approvedAt,
                 "valid_until": r.validUntil.description, "restores_payment": r.restoresPayment,
                 "back_pay_due": r.backPayDue?.description ?? NSNull(), "alive_only": r.aliveOnly,
                 "revoked": r.revocation != nil, "revocation_reason": r.revocation?.reason ?? NSNull()]
            }
            let rows = e.records.map { row($0.record, name: $0.name, idType: $0.idType, idNumber: $0.idNumber) }
                + e.revocationsOfOlder.map { row($0, name: nil, idType: nil, idNumber: nil) }
            if json {
                print(compactJSON(["export": e.exportID, "covers": cover]))
                for r in rows { print(compactJSON(r)) }
            } else {
                let columns = ["record_id", "sequence", "ssn", "name", "id_type", "id_number", "certified_on", "channel", "examined_by",
                               "approved_by", "approved_at", "valid_until", "restores_payment", "back_pay_due", "alive_only", "revoked",
                               "revocation_reason"]
                print("# " + cover)
                print(columns.joined(separator: ","))
                for r in rows {
                    print(columns.map { c -> String in
                        switch r[c] {
                        case let b as Bool: return b ? "Y" : "N"
                        case is NSNull, nil: return ""
                        case let v?: return csvField("\(v)")
                        }
                    }.joined(separator: ","))
                }
            }
            printError(cover)
        }
    }
}

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "audit", abstract: "The audit log.", subcommands: [Verify.self])

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check that no audit event was altered or removed (the hash chain); name the first that was.")
        @OptionGroup var options: StoreOptions
        func run() throws {
            let store = try options.openStore()
            if let broken = try store.verifyAuditChain() {
                throw fail("the audit chain is broken at event \(broken): that event, or the one before it, was altered or removed", .storeProblem)
            }
            print("audit chain: intact (\(try store.counts()["events"] ?? 0) events)")
        }
    }
}
