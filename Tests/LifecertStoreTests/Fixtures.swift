import Foundation
import LifecertDomain
@testable import LifecertStore

/// A store in a fresh temporary folder, removed afterwards.
final class TemporaryStore: Sendable {
    let folder: URL
    let path: String
    init() {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("lifecert-store-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        path = folder.appendingPathComponent("lifecert.db").path
    }
    deinit { try? FileManager.default.removeItem(at: folder) }

    func open(policy: CertificationPolicy = .standard) throws -> Store {
        try Store(path: path, policy: policy, busyTimeout: 30, actor: "tester")
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
