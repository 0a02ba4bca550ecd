import Foundation
import GRDB
import Testing
import LifecertDomain
@testable import LifecertStore

/// Which backend the store tests run on: SQLite files, or PostgreSQL when `LIFECERT_TEST_POSTGRES`
/// names a server (`postgres://user@host:port`, password in `PGPASSWORD`; `scripts/test` starts one).
enum TestBackend {
    static let server: String? = ProcessInfo.processInfo.environment["LIFECERT_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 }
    static var isPostgres: Bool { server != nil }
}

/// A store in a fresh temporary folder (on PostgreSQL: a fresh database, with its archive in the
/// folder), removed afterwards.
final class TemporaryStore: Sendable {
    let folder: URL
    /// The store's location: the file, or the PostgreSQL URL.
    let path: String
    let database: String?
    init() {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("lifecert-store-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        if let server = TestBackend.server {
            let name = "lc_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(20)
            try! PostgresAdmin.createDatabase(serverURL: server, name: name)
            database = name
            path = server + "/" + name
        } else {
            database = nil
            path = folder.appendingPathComponent("lifecert.db").path
        }
    }
    deinit {
        try? FileManager.default.removeItem(at: folder)
        if let database, let server = TestBackend.server { try? PostgresAdmin.dropDatabase(serverURL: server, name: database) }
    }

    func open(policy: CertificationPolicy = .standard) throws -> Store {
        try Store(path: path, policy: policy, busyTimeout: 30, actor: "tester",
                  archiveFolder: folder.appendingPathComponent("archive").path)
    }
}

func day(_ s: String) -> LocalDate { LocalDate(iso: s)! }

func recipient(_ ssn: String, name: String = "陈大文", status: BenefitStatus = .normal, eligible: Bool = true,
               benefit: BenefitType = .enterprisePension, lastCertified: String? = "2025-03-05",
               id: String? = nil, phone: String? = "+1 6045550101") -> Recipient {
    Recipient(ssn: ssn, name: name, nameLatin: "CHAN Tai Man", sex: .male, birthDate: day("1950-06-01"),
              idType: .foreignPassport, idNumber: id ?? "P\(ssn)", benefitType: benefit, benefitStatus: status,
              eligible: eligible, residence: "CA", lastCertifiedOn: lastCertified.map(day), phone: phone, office: "440100")
}

func load(_ store: Store, _ recipients: [Recipient], as actor: String = "tester") throws -> RegistryImportCounts {
    let run = try store.beginRegistryImport(fileName: "test.csv", sha256: "0", actor: actor)
    try run.upsert(recipients)
    try run.finish(encoding: "UTF-8")
    return run.counts
}

/// Expects the database itself to refuse what `body` does (a trigger or a constraint): SQLite's
/// `DatabaseError`, or on PostgreSQL the server's refusal as ``StoreError/cannotWrite(path:reason:)``.
func expectDatabaseRefuses(_ what: String, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) {
    do {
        try body()
        Issue.record("\(what) was allowed", sourceLocation: sourceLocation)
    } catch let e as StoreError {
        guard TestBackend.isPostgres, case .cannotWrite = e else {
            Issue.record("\(what): unexpected \(e)", sourceLocation: sourceLocation); return
        }
    } catch is DatabaseError where !TestBackend.isPostgres {
    } catch {
        Issue.record("\(what): unexpected \(error)", sourceLocation: sourceLocation)
    }
}
