/// The kinds of identity document SPEC.md names, as coded in the registry's `id_type` column.
public enum IdentityType: String, CaseIterable, Codable, Sendable {
    /// Mainland resident identity card (GB 11643; ISO 7064 MOD 11-2 check character).
    case mainlandResidentID = "CN_RIC"
    /// Hong Kong identity card: one or two letters, six digits, check digit 0–9 or A.
    case hongKongID = "HK_ID"
    /// Macao resident identity card: 1, 5 or 7, six digits, check digit (algorithm not published).
    case macaoID = "MO_ID"
    /// Taiwan national identification number: a letter and nine digits with a checksum.
    case taiwanID = "TW_ID"
    /// PRC passport (including HKSAR and Macao SAR passports).
    case chinesePassport = "CN_PASSPORT"
    /// Any other country's passport.
    case foreignPassport = "FOREIGN_PASSPORT"
    /// Mainland Travel Permit for Hong Kong and Macao residents (回乡证).
    case homeReturnPermit = "HM_PERMIT"
    /// Residence permit for Hong Kong, Macao and Taiwan residents (810000/820000/830000 + check character).
    case residencePermit = "RESIDENCE_PERMIT"

    /// Whether a check digit algorithm exists and is verified for this type.
    public var hasCheckDigit: Bool {
        switch self {
        case .mainlandResidentID, .hongKongID, .taiwanID, .residencePermit: return true
        case .macaoID, .chinesePassport, .foreignPassport, .homeReturnPermit: return false
        }
    }

    /// Whether the number stays with the person for life (a passport number changes at every renewal:
    /// evidence, never a stable key).
    public var isStableKey: Bool {
        switch self {
        case .chinesePassport, .foreignPassport, .homeReturnPermit: return false
        default: return true
        }
    }

    /// Plain-words name for a clerk.
    public var title: String {
        switch self {
        case .mainlandResidentID: return "Mainland resident identity card (居民身份证)"
        case .hongKongID: return "Hong Kong identity card (香港身份證)"
        case .macaoID: return "Macao resident identity card (澳門居民身份證)"
        case .taiwanID: return "Taiwan national ID (國民身分證)"
        case .chinesePassport: return "PRC passport (中华人民共和国护照)"
        case .foreignPassport: return "Foreign passport"
        case .homeReturnPermit: return "Mainland Travel Permit for HK/Macao residents (回乡证)"
        case .residencePermit: return "Residence permit for HK/Macao/Taiwan residents (港澳台居民居住证)"
        }
    }
}
