/// How a certification reached the bureau (SPEC.md "Certification record").
public enum CertificationChannel: String, CaseIterable, Codable, Sendable {
    /// A consular form (审核表 and its predecessors) posted to the bureau.
    case mailConsular = "MAIL_CONSULAR"
    /// A Hong Kong certificate (FTU, Home Affairs Department, China-Appointed Attesting Officer) posted.
    case mailHongKong = "MAIL_HK"
    /// A Macao certificate (IAM, FAOM, FSS) posted.
    case mailMacao = "MAIL_MO"
    /// A notarial certificate (Taiwan or foreign notary) posted.
    case mailNotary = "MAIL_NOTARY"
    /// A paper certificate examined at a mission, sent in a consular batch file.
    case consulateCertificate = "CONSULATE_CERT"
    /// A remote face check in the consular app, sent in a consular batch file.
    case consularApp = "CONSULAR_APP"
}
