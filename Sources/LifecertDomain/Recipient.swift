/// A pension recipient as the registry extract describes them (SPEC.md "Recipient registry extract").
///
/// Contract: a `Recipient` built by the registry reader has passed every row check: the codes are
/// known, the dates are real, and `idNumber` is the normalised key form of a number that passed its
/// type's validation (see ``IdentityNumbers``).
public struct Recipient: Equatable, Sendable, Codable {
    /// Social-security number (社会保障号码), the recipient's key.
    public var ssn: String
    public var name: String
    public var nameLatin: String?
    public var sex: Sex
    public var birthDate: LocalDate
    public var idType: IdentityType
    public var idNumber: String
    public var benefitType: BenefitType
    public var benefitStatus: BenefitStatus
    /// False when eligibility is lost (rule 5): a certification then records alive status only.
    public var eligible: Bool
    /// `CN`, `HK`, `MO`, `TW` or an ISO 3166 alpha-2 code.
    public var residence: String
    public var lastCertifiedOn: LocalDate?
    public var phone: String?
    public var office: String
    /// For a new urban-rural resident pensioner: the application date, from the optional
    /// `applied_on` column; the suspension count starts the month after it while no certification exists.
    public var appliedOn: LocalDate?
    /// The recorded date of death, from the optional `died_on` column (a certificate showing an
    /// appearance after it is a fraud signal, SPEC.md rule 10).
    public var diedOn: LocalDate?

    public init(ssn: String, name: String, nameLatin: String? = nil, sex: Sex, birthDate: LocalDate,
                idType: IdentityType, idNumber: String, benefitType: BenefitType, benefitStatus: BenefitStatus,
                eligible: Bool, residence: String, lastCertifiedOn: LocalDate? = nil, phone: String? = nil,
                office: String, appliedOn: LocalDate? = nil, diedOn: LocalDate? = nil) {
        self.ssn = ssn
        self.name = name
        self.nameLatin = nameLatin
        self.sex = sex
        self.birthDate = birthDate
        self.idType = idType
        self.idNumber = idNumber
        self.benefitType = benefitType
        self.benefitStatus = benefitStatus
        self.eligible = eligible
        self.residence = residence
        self.lastCertifiedOn = lastCertifiedOn
        self.phone = phone
        self.office = office
        self.appliedOn = appliedOn
        self.diedOn = diedOn
    }
}
