import LifecertDomain

/// Why a registry extract cannot be read at all.
public enum RegistryExtractError: Error, Equatable, CustomStringConvertible {
    case empty(path: String)
    case missingColumns(path: String, missing: [String])
    case duplicateColumn(path: String, column: String)
    case unreadableHeader(path: String, reason: String)

    public var description: String {
        switch self {
        case .empty(let p):
            return "\(p) is empty: a registry extract needs a header row and one row per recipient"
        case .missingColumns(let p, let m):
            return "\(p), line 1: the header lacks the column(s) \(m.joined(separator: ", ")). The extract format is in SPEC.md (\"Recipient registry extract\"); the header must name at least: \(RegistryExtract.requiredColumns.joined(separator: ","))"
        case .duplicateColumn(let p, let c):
            return "\(p), line 1: the column \(c) appears twice in the header; remove one"
        case .unreadableHeader(let p, let r):
            return "\(p), line 1: the header row cannot be read: \(r)"
        }
    }
}

/// One row of a registry extract after checking: a recipient, or the reasons the row was refused.
public enum RegistryRow: Sendable, Equatable {
    /// A good row. `warnings` are things a clerk should know that do not make the row wrong
    /// (e.g. the resident ID encodes another birth date than `birth_date`).
    case recipient(line: Int, Recipient, warnings: [String])
    case rejected(line: Int, reasons: [String])
}

/// Reads the recipient registry extract of SPEC.md from a CSV file, one checked row at a time.
///
/// Contract: the header is read on creation (throws ``RegistryExtractError`` when it is unusable);
/// afterwards every data row comes out exactly once as `.recipient` or `.rejected`, never thrown.
/// Extra columns are ignored. A row whose `ssn` already appeared earlier in the same file is
/// rejected (upserting both would silently keep whichever came last). Identity numbers are
/// validated by check digit; the recipient carries the normalised key form.
public final class RegistryExtract: Sequence, IteratorProtocol {
    public static let requiredColumns = ["ssn", "name", "sex", "birth_date", "id_type", "id_number",
                                         "benefit_type", "benefit_status", "eligible", "residence", "office"]
    public static let optionalColumns = ["name_latin", "last_certified_on", "phone", "applied_on", "died_on"]

    private let csv: CSVReader
    private let columnIndex: [String: Int]
    private let columnCount: Int
    private let today: LocalDate
    private var seenSSN: [String: Int] = [:]

    public var path: String { csv.path }
    /// The encoding the file turned out to be in (nil while only ASCII has been seen).
    public var encoding: TextEncoding? { csv.encoding }
    public var ioError: CSVFileError? { csv.ioError }

    /// - Parameter today: dates after this day (births, certifications) are refused.
    public init(path: String, encoding: TextEncoding? = nil, today: LocalDate) throws {
        csv = try CSVReader(path: path, encoding: encoding)
        self.today = today
        guard let header = csv.next() else { throw RegistryExtractError.empty(path: path) }
        guard case .record(_, let names) = header else {
            if case .bad(_, let reason) = header { throw RegistryExtractError.unreadableHeader(path: path, reason: reason) }
            fatalError("unreachable")
        }
        var index: [String: Int] = [:]
        for (i, raw) in names.enumerated() {
            let name = raw.trimmingWhitespace().lowercased()
            if name.isEmpty { continue }
            if index[name] != nil { throw RegistryExtractError.duplicateColumn(path: path, column: name) }
            index[name] = i
        }
        let missing = Self.requiredColumns.filter { index[$0] == nil }
        if !missing.isEmpty { throw RegistryExtractError.missingColumns(path: path, missing: missing) }
        columnIndex = index
        columnCount = names.count
    }

    public func next() -> RegistryRow? {
        while let row = csv.next() {
            switch row {
            case .bad(let line, let reason):
                return .rejected(line: line, reasons: [reason])
            case .record(let line, let fields):
                if fields.count == 1 && fields[0].trimmingWhitespace().isEmpty { continue }  // blank line
                return check(line: line, fields: fields)
            }
        }
        return nil
    }

    private func check(line: Int, fields: [String]) -> RegistryRow {
        guard fields.count == columnCount else {
            return .rejected(line: line, reasons: ["has \(fields.count) fields but the header has \(columnCount); a comma inside a value needs quotes"])
        }
        var reasons: [String] = []
        var warnings: [String] = []
        // A control character (an escape sequence, a bell, a backspace) would act on the terminal
        // or the spreadsheet that shows the value later: refused, as the consular batch does.
        for (name, i) in columnIndex.sorted(by: { $0.value < $1.value }) {
            guard Self.requiredColumns.contains(name) || Self.optionalColumns.contains(name) else { continue }
            if fields[i].unicodeScalars.contains(where: { ($0.value < 0x20 && $0 != "\t") || (0x7F...0x9F).contains($0.value) }) {
                reasons.append("\(name) contains control characters")
            }
        }
        func value(_ column: String) -> String {
            guard let i = columnIndex[column] else { return "" }
            return fields[i].trimmingWhitespace()
        }
        func required(_ column: String) -> String? {
            let v = value(column)
            if v.isEmpty { reasons.append("\(column) is empty"); return nil }
            return v
        }
        func code<T: RawRepresentable & CaseIterable>(_ column: String, _ type: T.Type) -> T? where T.RawValue == String {
            guard let v = required(column) else { return nil }
            if let t = T(rawValue: v.uppercased()) { return t }
            reasons.append("\(column) '\(v.prefix(40))' is not one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
            return nil
        }
        func date(_ column: String, required isRequired: Bool) -> LocalDate?? {
            let v = value(column)
            if v.isEmpty {
                if isRequired { reasons.append("\(column) is empty") ; return .some(nil) }
                return .some(nil)
            }
            guard let d = LocalDate(iso: v) else {
                reasons.append("\(column) '\(v.prefix(40))' is not a real date in the form YYYY-MM-DD")
                return nil
            }
            if d > today {
                reasons.append("\(column) \(d) is in the future")
                return nil
            }
            return .some(d)
        }

        let ssn = required("ssn")
        if let ssn {
            if ssn.count > 32 || !ssn.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) {
                reasons.append("ssn '\(ssn.prefix(40))' must be 1–32 letters and digits")
            } else if let earlier = seenSSN[ssn] {
                reasons.append("ssn \(IdentityNumbers.mask(ssn)) already appeared on line \(earlier) of this file")
            }
        }
        let name = required("name")
        let sex = code("sex", Sex.self)
        let birth = date("birth_date", required: true)
        let idType = code("id_type", IdentityType.self)
        let idRaw = required("id_number")
        let benefit = code("benefit_type", BenefitType.self)
        let status = code("benefit_status", BenefitStatus.self)
        var eligible: Bool?
        if let e = required("eligible") {
            switch e.uppercased() {
            case "Y": eligible = true
            case "N": eligible = false
            default: reasons.append("eligible '\(e.prefix(40))' must be Y or N")
            }
        }
        let residence = required("residence")?.uppercased()
        if let r = residence, !(r.count == 2 && r.allSatisfy({ $0.isASCII && $0.isUppercase })) {
            reasons.append("residence '\(r.prefix(40))' must be CN, HK, MO, TW or a two-letter ISO 3166 country code")
        }
        let lastCertified = date("last_certified_on", required: false)
        let applied = date("applied_on", required: false)
        let died = date("died_on", required: false)
        let office = required("office")
        let nameLatin = value("name_latin")
        let phone = value("phone")

        var idKey: String?
        if let idType, let idRaw {
            let check = IdentityNumbers.check(idRaw, as: idType, today: today)
            if check.isValid {
                idKey = check.key
                if let encoded = check.facts.birthDate, let b = birth ?? nil, encoded != b {
                    warnings.append("id_number encodes birth date \(encoded) but birth_date is \(b); needs a personal-data correction")
                }
                if let encodedSex = check.facts.sex, let s = sex, encodedSex != s, idType == .mainlandResidentID || idType == .residencePermit {
                    warnings.append("id_number encodes sex \(encodedSex.rawValue) but sex is \(s.rawValue); needs a personal-data correction")
                }
            } else {
                reasons.append("id_number: " + check.summary)
            }
        }

        guard reasons.isEmpty, let ssn, let name, let sex, let b = birth ?? nil, let idType, let idKey,
              let benefit, let status, let eligible, let residence, let office,
              let lastCertified, let applied, let died else {
            return .rejected(line: line, reasons: reasons.isEmpty ? ["the row is incomplete"] : reasons)
        }
        seenSSN[ssn] = line
        let recipient = Recipient(
            ssn: ssn, name: name, nameLatin: nameLatin.isEmpty ? nil : nameLatin, sex: sex, birthDate: b,
            idType: idType, idNumber: idKey, benefitType: benefit, benefitStatus: status, eligible: eligible,
            residence: residence, lastCertifiedOn: lastCertified, phone: phone.isEmpty ? nil : phone,
            office: office, appliedOn: applied, diedOn: died)
        return .recipient(line: line, recipient, warnings: warnings)
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and full-width spaces.
    func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\u{3000}" || $0 == "\u{00A0}" }
        guard let first = firstIndex(where: { !isSpace($0) }) else { return "" }
        let last = lastIndex(where: { !isSpace($0) })!
        return String(self[first...last])
    }
}
