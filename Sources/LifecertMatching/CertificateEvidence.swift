import LifecertDomain

/// What a certificate (or a batch row) says about its holder, as the matcher compares it with the
/// registry. Built by intake from the fields it read, or by the batch importer from a row.
///
/// Contract: values are as read, never corrected from the registry; an identity number carries
/// whether it passed its type's check (`valid`), and only a valid one can link automatically.
public struct CertificateEvidence: Sendable, Equatable, Codable {
    /// One identity number on the certificate.
    public struct ID: Sendable, Equatable, Codable {
        public var type: IdentityType
        /// The normalised key form (``IdentityNumbers/check(_:as:today:)``'s `key`).
        public var number: String
        /// True when the number passed its type's check (check digit, or pattern where there is none).
        public var valid: Bool

        public init(type: IdentityType, number: String, valid: Bool) {
            self.type = type
            self.number = number
            self.valid = valid
        }
    }

    public var name: String?
    public var nameLatin: String?
    public var sex: Sex?
    public var birthDate: LocalDate?
    public var ids: [ID]
    public var appearedOn: LocalDate?
    public var issuedOn: LocalDate?
    public var issuer: String?
    public var certificateNo: String?

    public init(name: String? = nil, nameLatin: String? = nil, sex: Sex? = nil, birthDate: LocalDate? = nil,
                ids: [ID] = [], appearedOn: LocalDate? = nil, issuedOn: LocalDate? = nil, issuer: String? = nil,
                certificateNo: String? = nil) {
        self.name = name
        self.nameLatin = nameLatin
        self.sex = sex
        self.birthDate = birthDate
        self.ids = ids
        self.appearedOn = appearedOn
        self.issuedOn = issuedOn
        self.issuer = issuer
        self.certificateNo = certificateNo
    }

    /// Birth dates the certificate offers: the printed one and those a valid mainland ID (or
    /// residence permit) encodes, without repeats.
    public var birthDatesOffered: [LocalDate] {
        var out: [LocalDate] = []
        if let b = birthDate { out.append(b) }
        for id in ids where id.valid && (id.type == .mainlandResidentID || id.type == .residencePermit) {
            let n = Array(id.number)
            if n.count == 18, let y = Int(String(n[6..<10])), let m = Int(String(n[10..<12])), let d = Int(String(n[12..<14])),
               let date = LocalDate(year: y, month: m, day: d), !out.contains(date) {
                out.append(date)
            }
        }
        return out
    }
}
