/// Why an identity number is not valid, one case per rule so a clerk can see which one failed.
public enum IdentityFailure: Equatable, Sendable, CustomStringConvertible {
    case empty
    /// A character no identity number of this type may contain.
    case invalidCharacter(Character)
    /// Wrong length for the type.
    case length(expected: String, found: Int)
    /// The shape (letters and digits in their places) does not fit the type.
    case pattern(expected: String)
    /// The check character computed from the other characters differs from the one written.
    case checkDigit(expected: Character, found: Character)
    /// The birth date the number encodes is not a real date.
    case birthDateInvalid(String)
    /// The encoded birth date is after the day of the check.
    case birthDateInFuture(LocalDate)
    /// The encoded birth date is implausibly early.
    case birthDateTooEarly(LocalDate)
    /// The region / province code is not one that exists.
    case unknownRegion(String)
    /// The number fits several types and none was stated.
    case ambiguous([IdentityType])
    /// The number fits no known type.
    case unrecognised

    public var description: String {
        switch self {
        case .empty: return "the number is empty"
        case .invalidCharacter(let c): return "contains '\(c)', which no identity number of this kind contains"
        case .length(let e, let f): return "has \(f) characters; expected \(e)"
        case .pattern(let e): return "does not have the shape \(e)"
        case .checkDigit(let e, let f):
            return "check character is '\(f)' but the other characters give '\(e)' (an OCR or typing error, or a forgery)"
        case .birthDateInvalid(let s): return "encodes birth date \(s), which is not a real date"
        case .birthDateInFuture(let d): return "encodes birth date \(d), which is in the future"
        case .birthDateTooEarly(let d): return "encodes birth date \(d), before 1880"
        case .unknownRegion(let r): return "region code \(r) does not exist"
        case .ambiguous(let types):
            return "could be \(types.map(\.rawValue).joined(separator: " or ")); state the type"
        case .unrecognised: return "does not fit any identity number type lifecert knows"
        }
    }
}

/// What a valid (or partly readable) number says about its holder.
public struct IdentityFacts: Equatable, Sendable {
    public var birthDate: LocalDate?
    public var sex: Sex?
    /// Region, province, issuing place or issuer, in words.
    public var issuedBy: String?
    /// For an old 15-digit resident ID: the 18-digit number it converts to.
    public var converted: String?
    /// Other details ("1999 card with renewal count 03", "foreign resident").
    public var notes: [String] = []

    public init(birthDate: LocalDate? = nil, sex: Sex? = nil, issuedBy: String? = nil, converted: String? = nil, notes: [String] = []) {
        self.birthDate = birthDate
        self.sex = sex
        self.issuedBy = issuedBy
        self.converted = converted
        self.notes = notes
    }
}

/// The result of checking one identity number: the normalised form, the type, whether it is valid,
/// each rule that failed, and what it encodes.
///
/// Contract: `isValid` is true only when `failures` is empty and a type is known; for types with a
/// check digit (``IdentityType/hasCheckDigit``) that includes the check digit. `normalized` is the
/// canonical key form: ASCII upper case, no spaces or brackets, 15-digit resident IDs *not*
/// converted (see `facts.converted`).
public struct IdentityCheck: Equatable, Sendable {
    public let input: String
    public let normalized: String
    public let type: IdentityType?
    public let failures: [IdentityFailure]
    public let facts: IdentityFacts

    public var isValid: Bool { type != nil && failures.isEmpty }

    /// The key to store and match on: the 18-digit form for a 15-digit resident ID, else `normalized`.
    public var key: String { facts.converted ?? normalized }

    /// The number as usually written (HK `A123456(3)`, Macao `1234567(8)`).
    public var display: String { IdentityNumbers.display(normalized, type: type) }

    /// One sentence for a clerk or an error report, with the number masked.
    public var summary: String {
        let what = type?.rawValue ?? "identity number"
        if isValid { return "\(what) \(IdentityNumbers.mask(normalized)) is valid" }
        return "\(what) \(IdentityNumbers.mask(normalized)) " + failures.map(\.description).joined(separator: "; ")
    }
}

/// Parsing, normalising and validating identity numbers (SPEC.md "Identity numbers").
///
/// Validates check digits where an algorithm exists (mainland resident ID, its 15→18 conversion,
/// residence permits, HKID, Taiwan ID) and checks the pattern of the rest. Never "corrects" a
/// number: a wrong check digit is reported, not repaired.
public enum IdentityNumbers {
    /// Folds full-width forms to ASCII, drops spaces, hyphens and brackets, upper-cases letters.
    public static func normalize(_ raw: String) -> String {
        var out = String.UnicodeScalarView()
        for s in raw.unicodeScalars {
            var v = s.value
            if (0xFF01...0xFF5E).contains(v) { v -= 0xFEE0 }  // full-width ASCII
            if v == 0x3000 { v = 0x20 }  // ideographic space
            guard let scalar = Unicode.Scalar(v) else { continue }
            switch scalar {
            case " ", "\t", "\n", "\r", "-", "(", ")", "[", "]", "/", ".", "\u{00A0}",
                 "\u{3010}", "\u{3011}", "\u{FF08}", "\u{FF09}":
                continue
            case "a"..."z":
                out.append(Unicode.Scalar(scalar.value - 32)!)
            default:
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// Masks the middle of a number for logs and messages: `4405**********0014`.
    public static func mask(_ number: String) -> String {
        let chars = Array(number)
        guard chars.count > 4 else { return String(repeating: "*", count: chars.count) }
        let keepHead = chars.count >= 10 ? 4 : 1
        let keepTail = chars.count >= 10 ? 4 : 2
        return String(chars.prefix(keepHead)) + String(repeating: "*", count: chars.count - keepHead - keepTail)
            + String(chars.suffix(keepTail))
    }

    static func display(_ n: String, type: IdentityType?) -> String {
        guard let type, n.count >= 2 else { return n }
        switch type {
        case .hongKongID, .macaoID:
            return "\(n.dropLast())(\(n.last!))"
        default:
            return n
        }
    }

    /// Checks a number as the given type, or — when `type` is nil — as whichever type it fits.
    ///
    /// - Parameter today: births after this day are refused; nil skips that rule.
    public static func check(_ raw: String, as type: IdentityType? = nil, today: LocalDate? = nil) -> IdentityCheck {
        let n = normalize(raw)
        if n.isEmpty {
            return IdentityCheck(input: raw, normalized: n, type: type, failures: [.empty], facts: IdentityFacts())
        }
        if let bad = n.first(where: { !($0.isASCII && ($0.isLetter || $0.isNumber)) }) {
            return IdentityCheck(input: raw, normalized: n, type: type, failures: [.invalidCharacter(bad)], facts: IdentityFacts())
        }
        if let type {
            let (failures, facts) = validate(n, as: type, today: today)
            return IdentityCheck(input: raw, normalized: n, type: type, failures: failures, facts: facts)
        }
        // Detect: every type whose shape fits; prefer those that validate fully.
        let fitting = IdentityType.allCases.filter { fitsShape(n, $0) }
        let results = fitting.map { t -> (IdentityType, [IdentityFailure], IdentityFacts) in
            let (f, facts) = validate(n, as: t, today: today)
            return (t, f, facts)
        }
        let valid = results.filter { $0.1.isEmpty }
        if valid.count == 1 || (valid.count > 1 && valid.allSatisfy({ $0.0 == valid[0].0 })) {
            return IdentityCheck(input: raw, normalized: n, type: valid[0].0, failures: [], facts: valid[0].2)
        }
        if valid.count > 1 {
            return IdentityCheck(input: raw, normalized: n, type: nil,
                                 failures: [.ambiguous(valid.map(\.0))], facts: IdentityFacts())
        }
        if let first = results.first {
            // Fits a shape but fails a rule: report against the most specific shape (declaration order).
            return IdentityCheck(input: raw, normalized: n, type: first.0, failures: first.1, facts: first.2)
        }
        return IdentityCheck(input: raw, normalized: n, type: nil, failures: [.unrecognised], facts: IdentityFacts())
    }

    // MARK: - Shapes

    static func isDigits<S: StringProtocol>(_ s: S) -> Bool { !s.isEmpty && s.allSatisfy { $0.isASCII && $0.isNumber } }
    static func isLetters<S: StringProtocol>(_ s: S) -> Bool { !s.isEmpty && s.allSatisfy { $0.isASCII && $0.isUppercase } }

    /// Whether `n` has the outward shape of `type` (used for detection, before the rules).
    static func fitsShape(_ n: String, _ type: IdentityType) -> Bool {
        let c = Array(n)
        switch type {
        case .mainlandResidentID:
            return (c.count == 18 && isDigits(n.prefix(17)) && (c[17].isNumber || c[17] == "X") && !n.hasPrefix("8"))
                || (c.count == 15 && isDigits(n))
        case .residencePermit:
            return c.count == 18 && (n.hasPrefix("810000") || n.hasPrefix("820000") || n.hasPrefix("830000"))
                && isDigits(n.prefix(17))
        case .hongKongID:
            let letters = c.prefix(while: { $0.isLetter }).count
            return (letters == 1 || letters == 2) && c.count == letters + 7
                && isDigits(n.dropFirst(letters).prefix(6)) && (c.last!.isNumber || c.last! == "A")
        case .macaoID:
            return c.count == 8 && isDigits(n) && "157".contains(c[0])
        case .taiwanID:
            return c.count == 10 && c[0].isLetter && isDigits(n.dropFirst())
        case .homeReturnPermit:
            return ((c.count == 9 || c.count == 11) && (c[0] == "H" || c[0] == "M") && isDigits(n.dropFirst()))
                || (c.count == 9 && (n.hasPrefix("HA") || n.hasPrefix("MA")) && isDigits(n.dropFirst(2)))
        case .chinesePassport:
            return c.count == 9 && ("EGK".contains(c[0]) || n.hasPrefix("MA"))
                && isDigits(n.suffix(7)) && (c[0] != "M" || isDigits(n.dropFirst(2)))
        case .foreignPassport:
            return false  // any alphanumeric string fits; never guessed, only checked when stated
        }
    }

    // MARK: - Validation per type

    static func validate(_ n: String, as type: IdentityType, today: LocalDate?) -> ([IdentityFailure], IdentityFacts) {
        switch type {
        case .mainlandResidentID: return validateResidentID(n, today: today)
        case .residencePermit: return validateResidencePermit(n, today: today)
        case .hongKongID: return validateHKID(n)
        case .macaoID: return validateMacaoID(n)
        case .taiwanID: return validateTaiwanID(n)
        case .homeReturnPermit: return validateHomeReturnPermit(n)
        case .chinesePassport: return validateChinesePassport(n)
        case .foreignPassport: return validateForeignPassport(n)
        }
    }

    static let ricWeights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    static let ricCheckChars: [Character] = ["1", "0", "X", "9", "8", "7", "6", "5", "4", "3", "2"]

    /// ISO 7064 MOD 11-2 check character of the first 17 digits of a resident ID or residence permit.
    public static func residentIDCheckCharacter(_ first17: some StringProtocol) -> Character? {
        guard first17.count == 17, isDigits(first17) else { return nil }
        var sum = 0
        for (i, ch) in first17.enumerated() { sum += Int(String(ch))! * ricWeights[i] }
        return ricCheckChars[sum % 11]
    }

    /// The 18-digit form of an old 15-digit resident ID (century 19 inserted, check character added).
    public static func convertResidentID15(_ n: String) -> String? {
        guard n.count == 15, isDigits(n) else { return nil }
        let first17 = n.prefix(6) + "19" + n.dropFirst(6)
        guard let check = residentIDCheckCharacter(first17) else { return nil }
        return String(first17) + String(check)
    }

    /// Province-level codes (first two digits) of GB/T 2260, with their names.
    public static let provinces: [String: String] = [
        "11": "北京", "12": "天津", "13": "河北", "14": "山西", "15": "内蒙古",
        "21": "辽宁", "22": "吉林", "23": "黑龙江",
        "31": "上海", "32": "江苏", "33": "浙江", "34": "安徽", "35": "福建", "36": "江西", "37": "山东",
        "41": "河南", "42": "湖北", "43": "湖南", "44": "广东", "45": "广西", "46": "海南",
        "50": "重庆", "51": "四川", "52": "贵州", "53": "云南", "54": "西藏",
        "61": "陕西", "62": "甘肃", "63": "青海", "64": "宁夏", "65": "新疆",
        "71": "台湾", "81": "香港", "82": "澳门", "83": "台湾",
    ]

    static func birthDate(_ digits: some StringProtocol, today: LocalDate?, into failures: inout [IdentityFailure]) -> LocalDate? {
        let s = String(digits)
        guard let y = Int(s.prefix(4)), let m = Int(s.dropFirst(4).prefix(2)), let d = Int(s.suffix(2)),
              let date = LocalDate(year: y, month: m, day: d) else {
            failures.append(.birthDateInvalid(s.prefix(4) + "-" + s.dropFirst(4).prefix(2) + "-" + s.suffix(2)))
            return nil
        }
        if y < 1880 { failures.append(.birthDateTooEarly(date)) }
        if let today, date > today { failures.append(.birthDateInFuture(date)) }
        return date
    }

    static func validateResidentID(_ n: String, today: LocalDate?) -> ([IdentityFailure], IdentityFacts) {
        var f: [IdentityFailure] = []
        var facts = IdentityFacts()
        var full = n
        if n.count == 15 {
            guard isDigits(n) else { return ([.pattern(expected: "15 digits")], facts) }
            full = convertResidentID15(n)!
            facts.converted = full
            facts.notes.append("old 15-digit number; 18-digit form \(full)")
        } else if n.count != 18 {
            return ([.length(expected: "18 (or 15 for an old card)", found: n.count)], facts)
        }
        let c = Array(full)
        guard isDigits(full.prefix(17)), c[17].isNumber || c[17] == "X" else {
            return ([.pattern(expected: "17 digits and a check character 0–9 or X")], facts)
        }
        let province = String(full.prefix(2))
        if let name = provinces[province], !["81", "82", "83"].contains(province) {
            facts.issuedBy = "\(name) (region \(full.prefix(6)))"
        } else {
            f.append(.unknownRegion(String(full.prefix(6))))
        }
        facts.birthDate = birthDate(full.dropFirst(6).prefix(8), today: today, into: &f)
        facts.sex = Int(String(c[16]))! % 2 == 1 ? .male : .female
        let expected = residentIDCheckCharacter(full.prefix(17))!
        if n.count == 18, expected != c[17] { f.append(.checkDigit(expected: expected, found: c[17])) }
        return (f, facts)
    }

    static func validateResidencePermit(_ n: String, today: LocalDate?) -> ([IdentityFailure], IdentityFacts) {
        var f: [IdentityFailure] = []
        var facts = IdentityFacts()
        guard n.count == 18 else { return ([.length(expected: "18", found: n.count)], facts) }
        let c = Array(n)
        guard isDigits(n.prefix(17)), c[17].isNumber || c[17] == "X" else {
            return ([.pattern(expected: "17 digits and a check character 0–9 or X")], facts)
        }
        switch n.prefix(6) {
        case "810000": facts.issuedBy = "Hong Kong resident (香港)"
        case "820000": facts.issuedBy = "Macao resident (澳门)"
        case "830000": facts.issuedBy = "Taiwan resident (台湾)"
        default: f.append(.unknownRegion(String(n.prefix(6))))
        }
        facts.birthDate = birthDate(n.dropFirst(6).prefix(8), today: today, into: &f)
        facts.sex = Int(String(c[16]))! % 2 == 1 ? .male : .female
        let expected = residentIDCheckCharacter(n.prefix(17))!
        if expected != c[17] { f.append(.checkDigit(expected: expected, found: c[17])) }
        return (f, facts)
    }

    static func letterValue(_ c: Character) -> Int? {
        guard let a = c.asciiValue, a >= 65, a <= 90 else { return nil }
        return Int(a) - 55  // A = 10 … Z = 35
    }

    /// Check character of a Hong Kong ID from its letters and six digits (weighted mod 11; a single
    /// letter is preceded by a space worth 36).
    public static func hongKongCheckCharacter(_ body: String) -> Character? {
        let c = Array(body)
        let letters = c.prefix(while: { $0.isLetter })
        guard letters.count == 1 || letters.count == 2, c.count == letters.count + 6,
              isDigits(body.dropFirst(letters.count)) else { return nil }
        var values: [Int] = letters.count == 1 ? [36] : []
        values += letters.compactMap(letterValue)
        values += c.dropFirst(letters.count).map { Int(String($0))! }
        var sum = 0
        for (i, v) in values.enumerated() { sum += v * (9 - i) }
        let r = (11 - sum % 11) % 11
        return r == 10 ? "A" : Character(String(r))
    }

    static func validateHKID(_ n: String) -> ([IdentityFailure], IdentityFacts) {
        var facts = IdentityFacts()
        guard fitsShape(n, .hongKongID) else {
            return ([.pattern(expected: "one or two letters, six digits and a check digit 0–9 or A, e.g. A123456(3)")], facts)
        }
        facts.issuedBy = "Hong Kong Immigration Department"
        let expected = hongKongCheckCharacter(String(n.dropLast()))!
        let found = n.last!
        return (expected == found ? [] : [.checkDigit(expected: expected, found: found)], facts)
    }

    static func validateMacaoID(_ n: String) -> ([IdentityFailure], IdentityFacts) {
        var facts = IdentityFacts()
        guard fitsShape(n, .macaoID) else {
            return ([.pattern(expected: "1, 5 or 7, six digits and a check digit, e.g. 1234567(8)")], facts)
        }
        facts.issuedBy = "Macao Identification Services Bureau"
        switch n.first! {
        case "1": facts.notes.append("first digit 1: permanent resident (originally issued as such)")
        case "5": facts.notes.append("first digit 5: permanent resident (former Portuguese-issued card)")
        default: facts.notes.append("first digit 7: non-permanent or later permanent resident")
        }
        facts.notes.append("pattern checked only: the Macao check digit algorithm is not published")
        return ([], facts)
    }

    /// Taiwan letter codes (A=10 … with the historical I=34, O=35, W=32, X=30, Y=31, Z=33) and places.
    static let taiwanLetters: [Character: (Int, String)] = [
        "A": (10, "臺北市"), "B": (11, "臺中市"), "C": (12, "基隆市"), "D": (13, "臺南市"), "E": (14, "高雄市"),
        "F": (15, "新北市"), "G": (16, "宜蘭縣"), "H": (17, "桃園市"), "I": (34, "嘉義市"), "J": (18, "新竹縣"),
        "K": (19, "苗栗縣"), "L": (20, "臺中縣"), "M": (21, "南投縣"), "N": (22, "彰化縣"), "O": (35, "新竹市"),
        "P": (23, "雲林縣"), "Q": (24, "嘉義縣"), "R": (25, "臺南縣"), "S": (26, "高雄縣"), "T": (27, "屏東縣"),
        "U": (28, "花蓮縣"), "V": (29, "臺東縣"), "W": (32, "金門縣"), "X": (30, "澎湖縣"), "Y": (31, "陽明山"),
        "Z": (33, "連江縣"),
    ]

    /// Check digit of a Taiwan ID from its letter and first eight digits.
    public static func taiwanCheckDigit(_ body: String) -> Character? {
        let c = Array(body)
        guard c.count == 9, let (v, _) = taiwanLetters[c[0]], isDigits(body.dropFirst()) else { return nil }
        var sum = v / 10 + (v % 10) * 9
        for i in 1...8 { sum += Int(String(c[i]))! * (9 - i) }
        return Character(String((10 - sum % 10) % 10))
    }

    static func validateTaiwanID(_ n: String) -> ([IdentityFailure], IdentityFacts) {
        var f: [IdentityFailure] = []
        var facts = IdentityFacts()
        let c = Array(n)
        guard c.count == 10 else { return ([.length(expected: "10 (a letter and nine digits)", found: c.count)], facts) }
        guard c[0].isLetter, isDigits(n.dropFirst()) else {
            return ([.pattern(expected: "a letter and nine digits, e.g. A123456789")], facts)
        }
        facts.issuedBy = taiwanLetters[c[0]]?.1
        switch c[1] {
        case "1": facts.sex = .male
        case "2": facts.sex = .female
        case "8": facts.sex = .male; facts.notes.append("foreign or stateless resident (since 2021)")
        case "9": facts.sex = .female; facts.notes.append("foreign or stateless resident (since 2021)")
        default: f.append(.pattern(expected: "second character 1 or 2 (8 or 9 for foreign residents)"))
        }
        let expected = taiwanCheckDigit(String(n.prefix(9)))!
        if expected != c[9] { f.append(.checkDigit(expected: expected, found: c[9])) }
        return (f, facts)
    }

    static func validateHomeReturnPermit(_ n: String) -> ([IdentityFailure], IdentityFacts) {
        var facts = IdentityFacts()
        guard fitsShape(n, .homeReturnPermit) else {
            return ([.pattern(expected: "H or M and 8 digits (10 on a 1999 card), or HA/MA and 7 digits")], facts)
        }
        if n.hasPrefix("HA") || n.hasPrefix("MA") {
            facts.issuedBy = n.hasPrefix("HA") ? "for a Hong Kong resident" : "for a Macao resident"
            facts.notes.append("non-Chinese permanent resident's permit (issued since 2024-07-10)")
        } else {
            facts.issuedBy = n.first == "H" ? "for a Hong Kong resident" : "for a Macao resident"
            if n.count == 11 { facts.notes.append("1999 card; renewal count \(n.suffix(2))") }
        }
        facts.notes.append("pattern checked only: no public check digit")
        return ([], facts)
    }

    static func validateChinesePassport(_ n: String) -> ([IdentityFailure], IdentityFacts) {
        var facts = IdentityFacts()
        let c = Array(n)
        guard c.count == 9 else { return ([.length(expected: "9", found: c.count)], facts) }
        let rest = n.dropFirst()
        if c[0] == "E" && isDigits(rest) {
            facts.issuedBy = "PRC (E + 8 digits, issued until 2017-04)"
        } else if c[0] == "E" && c[1].isLetter && !"IO".contains(c[1]) && isDigits(n.dropFirst(2)) {
            facts.issuedBy = "PRC (E + letter + 7 digits, issued since 2017-04)"
        } else if c[0] == "G" && isDigits(rest) {
            facts.issuedBy = "PRC (G + 8 digits, older series)"
        } else if c[0] == "K" && isDigits(rest) {
            facts.issuedBy = "HKSAR"
        } else if n.hasPrefix("MA") && isDigits(n.dropFirst(2)) {
            facts.issuedBy = "Macao SAR"
        } else {
            return ([.pattern(expected: "E + 8 digits, E + a letter other than I/O + 7 digits, G + 8 digits, K + 8 digits (HKSAR) or MA + 7 digits (Macao SAR)")], facts)
        }
        facts.notes.append("a passport number changes at every renewal: evidence, not a stable key")
        return ([], facts)
    }

    static func validateForeignPassport(_ n: String) -> ([IdentityFailure], IdentityFacts) {
        guard (5...20).contains(n.count) else {
            return ([.length(expected: "5 to 20 letters and digits", found: n.count)], IdentityFacts())
        }
        return ([], IdentityFacts(notes: ["pattern checked only", "a passport number changes at every renewal: evidence, not a stable key"]))
    }
}
