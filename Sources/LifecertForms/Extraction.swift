import Foundation
import LifecertDomain

/// One identity number read off a certificate.
///
/// Contract: `number` is the normalised key (`IdentityCheck.key`: ASCII upper case, no brackets or
/// spaces, the 18-digit form of an old 15-digit resident ID). `valid` is false when any rule of its
/// type failed (check digit, shape, encoded birth date); `problem` then says which, with the
/// number masked. An invalid number is reported, never corrected.
public struct ExtractedID: Codable, Sendable, Equatable {
    public var type: IdentityType
    public var number: String
    public var valid: Bool
    public var problem: String?

    public init(type: IdentityType, number: String, valid: Bool, problem: String?) {
        self.type = type
        self.number = number
        self.valid = valid
        self.problem = problem
    }
}

/// One field as read: the value, how sure the reading is, and where it is on the page.
///
/// Contract: `value` is normalised by the field's type (dates `YYYY-MM-DD`, sex `M`/`F`, ids their
/// key); `raw` is the text the pattern captured (normalised as ``FormText`` says, not folded).
/// `confidence` (0–1) is the mean OCR confidence of the words the value was read from (1 for a
/// PDF text layer), halved when the value did not validate. `page` is `RecognizedPage.index`; `box`
/// the union of those words' boxes, nil when the page has no word boxes.
public struct FieldReading: Codable, Sendable, Equatable {
    public var value: String
    public var confidence: Double
    public var page: Int
    public var box: PageBox?
    public var raw: String

    public init(value: String, confidence: Double, page: Int, box: PageBox?, raw: String) {
        self.value = value
        self.confidence = confidence
        self.page = page
        self.box = box
        self.raw = raw
    }
}

/// Something a reviewer must look at, in one sentence. Flags never change a value.
public struct CertificateFlag: Codable, Sendable, Equatable {
    /// Every flag lifecert raises while reading a certificate.
    public enum Code: String, Codable, Sendable, CaseIterable {
        /// No template fits: the document is not treated as a certificate.
        case noTemplate = "no_template"
        /// A field the template requires was not found.
        case missingField = "missing_field"
        /// Text was found where a date should be, but it is not a readable, real date.
        case dateUnreadable = "date_unreadable"
        /// Text was found where the sex should be, but it is not 男/女/M/F/…
        case sexUnreadable = "sex_unreadable"
        /// An identity number fails its check character.
        case idCheckDigit = "id_check_digit"
        /// An identity number breaks another rule of its type (shape, length, region, birth date).
        case idInvalid = "id_invalid"
        /// The birth date a resident ID (or residence permit) encodes differs from the printed one.
        case idBirthDateMismatch = "id_birth_date_mismatch"
        /// The sex an ID encodes differs from the printed one.
        case idSexMismatch = "id_sex_mismatch"
        /// An old 15-digit resident ID was converted to 18 digits (information).
        case idConverted = "id_converted"
        /// An identity number that failed its check on the page reading was read again, alone, at
        /// higher precision, and the second reading passes (information: compare with the scan).
        case idReread = "id_reread"
        /// The Chinese name was read two ways by two models; the more confident characters were
        /// taken (information: compare with the scan).
        case nameUncertain = "name_uncertain"
        /// A character of the Chinese name was taken from its printed shape, compared with the
        /// characters names are written with, instead of the OCR reading (information: compare
        /// with the scan).
        case nameShape = "name_shape"
        case appearedInFuture = "appeared_in_future"
        case issuedInFuture = "issued_in_future"
        case appearedAfterIssue = "appeared_after_issue"
        /// Born after the appearance, in the future, or more than 125 years before it.
        case birthDateImplausible = "birth_date_implausible"
        /// The form (or its issuer) did not exist on the certificate's date (SPEC.md rule 10).
        case formNotInUse = "form_not_in_use"
        /// A date was written in the Minguo calendar and converted (information).
        case minguoDate = "minguo_date"
        /// A lunar date in brackets after the Gregorian birth date was left out (information).
        case lunarDateIgnored = "lunar_date_ignored"
        /// A field was read with OCR confidence below 60 %.
        case lowConfidence = "low_confidence"
    }
    /// `info` explains a conversion (Minguo year, lunar date left out); `warning` needs a decision.
    public enum Severity: String, Codable, Sendable { case info, warning }

    public var code: Code
    /// The field it concerns (`birth_date`, `ids`…), if one.
    public var field: String?
    public var severity: Severity
    /// One sentence for the reviewer.
    public var message: String

    public init(code: Code, field: String?, severity: Severity, message: String) {
        self.code = code
        self.field = field
        self.severity = severity
        self.message = message
    }
}

/// Everything read off one certificate with one template.
///
/// Contract: a field is nil when it was not found or not readable as its type (an unreadable date
/// is nil, with a `date_unreadable` flag quoting the text). `ids[i]` was read as `idReadings[i]`.
/// ``jsonObject()`` and ``contract`` give the JSON contract:
/// `{"kind", "form", "fields": {"name", "name_latin", "sex", "birth_date", "appeared_on",
/// "issued_on", "issuer", "certificate_no", "ids": [{"type", "number"}]}, "confidence": {…},
/// "flags": [{"code", "field", "severity", "message"}]}` with dates `YYYY-MM-DD` and absent fields
/// null; `confidence` has an entry for each field read (0–1) and `"ids"`, one per identity number.
public struct ExtractedCertificate: Codable, Sendable {
    public var kind: CertificateKind
    public var form: String?
    public var name: FieldReading?
    public var nameLatin: FieldReading?
    /// `M` or `F`.
    public var sex: FieldReading?
    /// `YYYY-MM-DD`.
    public var birthDate: FieldReading?
    public var appearedOn: FieldReading?
    public var issuedOn: FieldReading?
    public var issuer: FieldReading?
    public var certificateNo: FieldReading?
    public var ids: [ExtractedID]
    public var idReadings: [FieldReading]
    public var flags: [CertificateFlag]

    public init(kind: CertificateKind, form: String?) {
        self.kind = kind
        self.form = form
        ids = []
        idReadings = []
        flags = []
    }

    /// The result for pages no template fits (a cover letter, an envelope, a blank page): kind
    /// `none`, no fields, one `no_template` flag naming the nearest template and why it failed.
    public static func notACertificate(pages: [RecognizedPage], classification: Classification? = nil) -> ExtractedCertificate {
        var none = ExtractedCertificate(kind: .none, form: nil)
        let nearest = classification?.verdicts.first.map { " The nearest template is \($0.form): \($0.reason)." } ?? ""
        let what = pages.count == 1 ? "This page" : "These \(pages.count) pages"
        none.flags.append(CertificateFlag(code: .noTemplate, field: nil, severity: .warning,
                                          message: "\(what) fit no certificate template, so they are not treated as a certificate.\(nearest)"))
        return none
    }

    /// The reading of a field (nil for `ids`: see ``ids``).
    public func reading(_ field: FieldName) -> FieldReading? {
        switch field {
        case .name: return name
        case .nameLatin: return nameLatin
        case .sex: return sex
        case .birthDate: return birthDate
        case .appearedOn: return appearedOn
        case .issuedOn: return issuedOn
        case .issuer: return issuer
        case .certificateNo: return certificateNo
        case .ids: return nil
        }
    }

    mutating func set(_ field: FieldName, _ r: FieldReading?) {
        switch field {
        case .name: name = r
        case .nameLatin: nameLatin = r
        case .sex: sex = r
        case .birthDate: birthDate = r
        case .appearedOn: appearedOn = r
        case .issuedOn: issuedOn = r
        case .issuer: issuer = r
        case .certificateNo: certificateNo = r
        case .ids: break
        }
    }

    public var birthDateValue: LocalDate? { birthDate.flatMap { LocalDate(iso: $0.value) } }
    public var appearedOnValue: LocalDate? { appearedOn.flatMap { LocalDate(iso: $0.value) } }
    public var issuedOnValue: LocalDate? { issuedOn.flatMap { LocalDate(iso: $0.value) } }
    public var sexValue: Sex? { sex.flatMap { Sex(rawValue: $0.value) } }

    /// Whether a flag with this code was raised.
    public func has(_ code: CertificateFlag.Code) -> Bool { flags.contains { $0.code == code } }

    /// The JSON contract as Foundation objects (`NSNull` for absent fields), for `JSONSerialization`.
    public func jsonObject() -> [String: Any] {
        func value(_ r: FieldReading?) -> Any { r.map { $0.value as Any } ?? NSNull() }
        var fields: [String: Any] = [:]
        var confidence: [String: Any] = [:]
        for f in FieldName.allCases where f != .ids {
            fields[f.rawValue] = value(reading(f))
            if let r = reading(f) { confidence[f.rawValue] = Self.rounded(r.confidence) }
        }
        fields["ids"] = ids.map { ["type": $0.type.rawValue, "number": $0.number] }
        confidence["ids"] = idReadings.map { Self.rounded($0.confidence) }
        let flagList: [[String: Any]] = flags.map {
            ["code": $0.code.rawValue, "field": $0.field.map { $0 as Any } ?? NSNull(), "severity": $0.severity.rawValue, "message": $0.message]
        }
        return ["kind": kind.rawValue, "form": form.map { $0 as Any } ?? NSNull(), "fields": fields,
                "confidence": confidence, "flags": flagList]
    }

    /// The JSON contract as an `Encodable` value (absent fields encode as null).
    public var contract: CertificateJSON { CertificateJSON(self) }

    /// The JSON contract, UTF-8, keys sorted.
    public func jsonData(pretty: Bool = false) throws -> Data {
        let e = JSONEncoder()
        e.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        return try e.encode(contract)
    }

    static func rounded(_ x: Double) -> Double { (x * 1000).rounded() / 1000 }
}

/// The JSON contract of an ``ExtractedCertificate`` (see there), as an `Encodable`.
public struct CertificateJSON: Encodable, Sendable {
    public let certificate: ExtractedCertificate
    public init(_ certificate: ExtractedCertificate) { self.certificate = certificate }

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ s: String) { stringValue = s }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public func encode(to encoder: any Encoder) throws {
        let c = certificate
        var top = encoder.container(keyedBy: Key.self)
        try top.encode(c.kind.rawValue, forKey: Key("kind"))
        if let f = c.form { try top.encode(f, forKey: Key("form")) } else { try top.encodeNil(forKey: Key("form")) }
        var fields = top.nestedContainer(keyedBy: Key.self, forKey: Key("fields"))
        var confidence = top.nestedContainer(keyedBy: Key.self, forKey: Key("confidence"))
        for f in FieldName.allCases where f != .ids {
            if let r = c.reading(f) {
                try fields.encode(r.value, forKey: Key(f.rawValue))
                try confidence.encode(ExtractedCertificate.rounded(r.confidence), forKey: Key(f.rawValue))
            } else {
                try fields.encodeNil(forKey: Key(f.rawValue))
            }
        }
        var ids = fields.nestedUnkeyedContainer(forKey: Key("ids"))
        for id in c.ids {
            var o = ids.nestedContainer(keyedBy: Key.self)
            try o.encode(id.type.rawValue, forKey: Key("type"))
            try o.encode(id.number, forKey: Key("number"))
        }
        try confidence.encode(c.idReadings.map { ExtractedCertificate.rounded($0.confidence) }, forKey: Key("ids"))
        var flags = top.nestedUnkeyedContainer(forKey: Key("flags"))
        for flag in c.flags {
            var o = flags.nestedContainer(keyedBy: Key.self)
            try o.encode(flag.code.rawValue, forKey: Key("code"))
            if let f = flag.field { try o.encode(f, forKey: Key("field")) } else { try o.encodeNil(forKey: Key("field")) }
            try o.encode(flag.severity.rawValue, forKey: Key("severity"))
            try o.encode(flag.message, forKey: Key("message"))
        }
    }
}

// MARK: - The extractor

/// Runs one template's field patterns over prepared pages and checks what they read.
struct Extractor {
    let template: FormTemplate
    let pages: [PreparedPage]
    let today: LocalDate
    /// Windows of each size the template's fields use, per page.
    let windowsBySize: [Int: [[Window]]]

    init(template: FormTemplate, pages: [PreparedPage], today: LocalDate) {
        self.template = template
        self.pages = pages
        self.today = today
        var w: [Int: [[Window]]] = [:]
        for size in Set(template.fields.map(\.lines)) {
            w[size] = pages.map { Self.windows(page: $0, size: size) }
        }
        windowsBySize = w
    }

    /// A value found by a pattern.
    struct Candidate {
        var reading: FieldReading
        var valid: Bool
        var date: DateReader.Reading?
        var check: IdentityCheck?
    }

    /// A window of consecutive lines joined, with its offsets for mapping regex ranges back.
    struct Window {
        var display: [Character]
        var folded: String
        /// UTF-16 offset of each character of `folded` (count + 1 entries).
        var offsets: [Int]
        var word: [Int?]
        var page: Int
    }

    static func windows(page p: PreparedPage, size: Int) -> [Window] {
        var out: [Window] = []
        out.reserveCapacity(p.lines.count)
        for start in p.lines.indices {
            var display: [Character] = []
            var folded: [Character] = []
            var word: [Int?] = []
            // The window is this line and the next non-empty ones (OCR leaves blank lines between).
            guard !p.lines[start].display.isEmpty else { continue }
            var taken = 0
            var li = start - 1
            while taken < size {
                li += 1
                guard li < p.lines.count else { break }
                if p.lines[li].display.isEmpty { continue }
                taken += 1
                let l = p.lines[li]
                if !display.isEmpty, let last = display.last, let first = l.display.first,
                   !(FormText.isCJK(last) || FormText.isCJK(first)) {
                    display.append(" "); folded.append(" "); word.append(nil)
                }
                display += l.display
                folded += l.folded
                word += l.word
            }
            if display.isEmpty { continue }
            var offsets = [0]
            offsets.reserveCapacity(folded.count + 1)
            for c in folded { offsets.append(offsets.last! + c.utf16.count) }
            out.append(Window(display: display, folded: String(folded), offsets: offsets, word: word, page: p.position))
        }
        return out
    }

    static func charIndex(_ utf16: Int, in offsets: [Int]) -> Int {
        var lo = 0, hi = offsets.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if offsets[mid] < utf16 { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Regex engine callbacks allowed beyond one per start position: ICU calls back once for each
    /// position a search starts from and once every 10 000 steps of matching, so this is about two
    /// million steps of backtracking (0.1–0.2 s) per window. The patterns of forms/ stay within it on
    /// every sample certificate (FuzzRegressionTests).
    static let backtrackingBudget = 200

    /// The matches of `regex` in `text`, or nil when matching took more than the budget: a pattern
    /// such as `(a|a)*b` or `(.*.*.*.*)x` takes exponential or high-polynomial time on some lines,
    /// which ``RegexSafety`` cannot see in every form.
    static func boundedMatches(_ regex: NSRegularExpression, in text: String) -> [NSTextCheckingResult]? {
        let length = (text as NSString).length
        let budget = length + backtrackingBudget
        var matches: [NSTextCheckingResult] = []
        var callbacks = 0
        var overBudget = false
        regex.enumerateMatches(in: text, options: [.reportProgress], range: NSRange(location: 0, length: length)) { match, _, stop in
            if let match {
                matches.append(match)
            } else {
                callbacks += 1
                if callbacks > budget {
                    overBudget = true
                    stop.pointee = true
                }
            }
        }
        return overBudget ? nil : matches
    }

    /// Every candidate of a field, pattern by pattern; stops at the first pattern that gives a valid one.
    func candidates(_ spec: FieldSpec) -> (best: Candidate?, fallback: Candidate?) {
        var fallback: Candidate?
        let windowsByPage = windowsBySize[spec.lines] ?? pages.map { Self.windows(page: $0, size: spec.lines) }
        for pattern in spec.patterns {
            var found: [Candidate] = []
            windows: for (pi, ws) in windowsByPage.enumerated() {
                for w in ws {
                    // A pattern that backtracks past its budget on one window is given up for the
                    // document (what it found before stays): one slow pattern costs one budget.
                    guard let matches = Self.boundedMatches(pattern.regex, in: w.folded) else { break windows }
                    for m in matches {
                        let r = m.range(at: 1)
                        guard r.location != NSNotFound, r.length > 0 else { continue }
                        let a = Self.charIndex(r.location, in: w.offsets)
                        let b = Self.charIndex(r.location + r.length, in: w.offsets)
                        guard a < b, b <= w.display.count else { continue }
                        let raw = String(w.display[a..<b]).trimmingCharacters(in: .whitespaces)
                        guard !raw.isEmpty else { continue }
                        let words = Set(w.word[a..<b].compactMap { $0 })
                        found.append(evaluate(raw, spec: spec, page: pages[pi], words: words))
                    }
                }
            }
            if spec.pick == .last { found.reverse() }
            if let v = found.first(where: \.valid) { return (v, nil) }
            if fallback == nil { fallback = found.first }
        }
        return (nil, fallback)
    }

    /// Confidence and box from the OCR words a value was read from.
    func ocrEvidence(_ page: PreparedPage, words: Set<Int>) -> (Double, PageBox?) {
        let p = page.page
        if p.source == .textLayer { return (1, nil) }
        guard !words.isEmpty else { return (p.meanConfidence / 100, nil) }
        let ws = words.sorted().map { p.words[$0] }
        let conf = ws.map(\.confidence).reduce(0, +) / Double(ws.count) / 100
        let boxes = ws.map(\.box).filter { $0.width > 0 && $0.height > 0 }
        guard let first = boxes.first else { return (min(1, max(0, conf)), nil) }
        return (min(1, max(0, conf)), boxes.dropFirst().reduce(first) { $0.union($1) })
    }

    func evaluate(_ raw: String, spec: FieldSpec, page: PreparedPage, words: Set<Int>) -> Candidate {
        let (ocr, box) = ocrEvidence(page, words: words)
        var s = raw
        for step in spec.normalize { s = Self.apply(step, s) }
        var value = ""
        var valid = false
        var date: DateReader.Reading?
        var check: IdentityCheck?
        switch spec.type {
        case .text:
            value = Self.collapse(s)
            valid = !value.isEmpty
        case .name:
            value = Self.singleName(Self.trimPunctuation(Self.collapse(s)))
            valid = value.count >= 2 && value.count <= 60
        case .latinName:
            value = Self.trimPunctuation(Self.collapse(s))
            valid = value.filter(\.isLetter).count >= 2
        case .sex:
            if let sex = Self.sex(s) { value = sex.rawValue; valid = true } else { value = s }
        case .date:
            date = DateReader.reading(s, order: template.dateOrder, minguo: template.calendar == .minguo)
            if let d = date { value = d.date.description; valid = true } else { value = s }
        case .id:
            let types = spec.idTypes.isEmpty ? [IdentityType]() : spec.idTypes
            var checks = types.map { IdentityNumbers.check(Self.digitsAfterPrefix(s, type: $0), as: $0, today: today) }
            if checks.isEmpty { checks = [IdentityNumbers.check(s, today: today)] }
            let chosen = checks.first(where: \.isValid) ?? checks[0]
            check = chosen
            value = chosen.key
            valid = chosen.isValid
        case .certificateNo:
            // Brackets of every shape become ASCII ones, so the same number compares equal however
            // it was printed or read: 〔2026〕, （2026）, 〈2026) → (2026).
            let canonical = String(s.filter { !$0.isWhitespace }.map { c -> Character in
                "（〔【〈《［".contains(c) ? "(" : "）〕】〉》］".contains(c) ? ")" : c
            })
            value = Self.trimPunctuation(canonical)
            valid = value.count >= 3 && value.contains(where: \.isNumber)
        }
        let reading = FieldReading(value: value, confidence: ExtractedCertificate.rounded(ocr * (valid ? 1 : 0.5)),
                                   page: page.page.index, box: box, raw: raw)
        return Candidate(reading: reading, valid: valid, date: date, check: check)
    }

    // MARK: Value helpers

    /// A name printed twice in one field is one name. Macao's certificates print it in traditional
    /// and simplified characters side by side (張輝 张辉); when the OCR leaves no gap between the two,
    /// the pattern takes both, and folded to simplified they read 张辉张辉. No name is its own first
    /// half repeated, so a value of two equal halves (two characters or more each) keeps one.
    static func singleName(_ s: String) -> String {
        let c = Array(s.filter { !$0.isWhitespace })
        guard c.count >= 4, c.count % 2 == 0, c[..<(c.count / 2)] == c[(c.count / 2)...] else { return s }
        return String(c[..<(c.count / 2)])
    }

    static func collapse(_ s: String) -> String {
        s.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    static let edgePunctuation: Set<Character> = [",", ";", ":", "。", "，", "、", "；", "：", "/", "-", "_", "|", "\"", "'", "“", "”"]

    static func trimPunctuation(_ s: String) -> String {
        var t = Substring(s.trimmingCharacters(in: .whitespaces))
        func unbalanced(_ open: Character, _ close: Character) -> Bool {
            t.filter { $0 == open }.count != t.filter { $0 == close }.count
        }
        var changed = true
        while changed, !t.isEmpty {
            changed = false
            if let f = t.first, edgePunctuation.contains(f) || ((f == "(" || f == "（") && unbalanced("(", ")")) { t = t.dropFirst(); changed = true }
            if let l = t.last, edgePunctuation.contains(l) || (l == ")" && unbalanced("(", ")")) { t = t.dropLast(); changed = true }
            t = Substring(t.trimmingCharacters(in: .whitespaces))
        }
        return String(t)
    }

    /// For a passport or a travel permit (letters, then digits only): a letter O after the leading
    /// letters is read as the digit 0, which OCR confuses it with. Types with a check digit are left
    /// alone, so their check still catches every misreading.
    static func digitsAfterPrefix(_ s: String, type: IdentityType) -> String {
        guard !type.hasCheckDigit, [.chinesePassport, .foreignPassport, .homeReturnPermit].contains(type) else { return s }
        var out = ""
        var seenDigit = false
        for c in s {
            if c.isNumber { seenDigit = true }
            out.append(seenDigit && (c == "O" || c == "o") ? "0" : c)
        }
        // "EJO211179": the O right after the letters is followed by digits only.
        if !seenDigit { return s }
        let letters = out.prefix(while: { $0.isLetter && $0 != "O" })
        let rest = out.dropFirst(letters.count)
        if letters.count >= 1, letters.count <= 2, rest.first == "O", rest.dropFirst().allSatisfy({ $0.isNumber || $0 == " " }) {
            return String(letters) + "0" + rest.dropFirst()
        }
        return out
    }

    static func apply(_ step: NormalizeStep, _ s: String) -> String {
        switch step {
        case .removeSpaces: return s.filter { !$0.isWhitespace }
        case .collapseSpaces: return collapse(s)
        case .uppercase: return s.uppercased()
        case .lowercase: return s.lowercased()
        case .trimPunctuation: return trimPunctuation(s)
        case .simplified: return ScriptFolding.fold(s)
        case .stripBrackets: return s.filter { !"()[]（）〔〕【】".contains($0) }
        }
    }

    static func sex(_ raw: String) -> Sex? {
        let s = raw.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: ".,;:")).lowercased()
        switch s {
        case "男", "男性", "m", "male", "masculino", "masc", "homme", "h": return .male
        case "女", "女性", "f", "female", "feminino", "fem", "femme": return .female
        default: return nil
        }
    }

    // MARK: Run

    func run() -> ExtractedCertificate {
        var cert = ExtractedCertificate(kind: template.kind, form: template.id)
        var dateReadings: [FieldName: DateReader.Reading] = [:]
        var unreadable: [(FieldName, String)] = []
        for spec in template.fields where spec.name != .ids {
            guard cert.reading(spec.name) == nil else { continue }  // a second spec of the same field only fills a gap
            let (best, fallback) = candidates(spec)
            if let b = best {
                cert.set(spec.name, b.reading)
                if let d = b.date { dateReadings[spec.name] = d }
            } else if let f = fallback {
                // Only dates and sex are worth a flag; a name or number that does not validate is
                // left out (a wrong value is worse than a missing one).
                switch spec.type {
                case .date, .sex: unreadable.append((spec.name, f.reading.raw))
                default: break
                }
            }
        }
        if cert.issuer == nil, let fixed = template.issuer {
            cert.issuer = FieldReading(value: fixed, confidence: 1, page: pages.first?.page.index ?? 0, box: nil, raw: fixed)
        }
        var checks: [IdentityCheck] = []
        for spec in template.idFields {
            let (best, fallback) = candidates(spec)
            guard let c = best ?? fallback, let check = c.check else { continue }
            guard let type = check.type ?? spec.idTypes.first else { continue }
            if cert.ids.contains(where: { $0.type == type && $0.number == check.key }) { continue }
            cert.ids.append(ExtractedID(type: type, number: check.key, valid: check.isValid,
                                        problem: check.isValid ? nil : check.summary))
            cert.idReadings.append(c.reading)
            checks.append(check)
        }
        // A number that fails its check and is part of another, valid number on the page is that
        // number read a second time by another type's pattern (a permit H76859207 read by the
        // Hong Kong ID pattern as H768592(0)): dropped, not reported as a second, wrong number.
        let plain = cert.ids.map { String($0.number.filter { $0.isLetter || $0.isNumber }) }
        let echoes = Set(cert.ids.indices.filter { i in
            !cert.ids[i].valid && cert.ids.indices.contains { j in
                j != i && cert.ids[j].valid && plain[j].count > plain[i].count && plain[j].contains(plain[i])
            }
        })
        if !echoes.isEmpty {
            let keep = cert.ids.indices.filter { !echoes.contains($0) }
            cert.ids = keep.map { cert.ids[$0] }
            cert.idReadings = keep.map { cert.idReadings[$0] }
            checks = keep.map { checks[$0] }
        }
        cert.flags = flags(cert, dateReadings: dateReadings, unreadable: unreadable, checks: checks)
        return cert
    }

    func flags(_ cert: ExtractedCertificate, dateReadings: [FieldName: DateReader.Reading],
               unreadable: [(FieldName, String)], checks: [IdentityCheck]) -> [CertificateFlag] {
        var out: [CertificateFlag] = []
        func flag(_ code: CertificateFlag.Code, _ field: FieldName?, _ message: String, _ severity: CertificateFlag.Severity = .warning) {
            out.append(CertificateFlag(code: code, field: field?.rawValue, severity: severity, message: message))
        }
        for f in template.required {
            let present = f == .ids ? !cert.ids.isEmpty : cert.reading(f) != nil
            if !present {
                flag(.missingField, f, "The \(f.rawValue.replacingOccurrences(of: "_", with: " ")) that a \(template.title) must show was not found.")
            }
        }
        for (f, raw) in unreadable {
            if f == .sex {
                flag(.sexUnreadable, f, "The sex was printed as '\(raw)', which is not 男/女, M/F or Male/Female.")
            } else {
                flag(.dateUnreadable, f, "The \(f.rawValue.replacingOccurrences(of: "_", with: " ")) '\(raw)' is not a readable, real date; read it from the scan.")
            }
        }
        for f in FieldName.allCases {
            guard let d = dateReadings[f] else { continue }
            let name = f.rawValue.replacingOccurrences(of: "_", with: " ")
            if d.minguo, let y = d.minguoYear {
                flag(.minguoDate, f, "The \(name) is in the Minguo calendar: year \(y) read as \(d.date.year) (\(d.date)).", .info)
            }
            if let lunar = d.lunarIgnored {
                flag(.lunarDateIgnored, f, "The \(name) is followed by \(lunar), taken as a lunar date and left out; \(d.date) is the Gregorian date.", .info)
            }
        }
        let birth = cert.birthDateValue, appeared = cert.appearedOnValue, issued = cert.issuedOnValue
        for (i, check) in checks.enumerated() {
            let id = cert.ids[i]
            let label = id.type.rawValue
            if !check.isValid {
                if check.failures.contains(where: { if case .checkDigit = $0 { return true } else { return false } }) {
                    flag(.idCheckDigit, .ids, "\(label) \(IdentityNumbers.mask(id.number)) fails its check character: an OCR misreading or a forgery; compare it with the scan.")
                } else {
                    flag(.idInvalid, .ids, "\(check.summary); compare it with the scan.")
                }
            }
            if let converted = check.facts.converted {
                flag(.idConverted, .ids, "The old 15-digit resident ID was converted to its 18-digit form \(IdentityNumbers.mask(converted)).", .info)
            }
            if let encoded = check.facts.birthDate, let printed = birth, encoded != printed,
               id.type == .mainlandResidentID || id.type == .residencePermit {
                flag(.idBirthDateMismatch, .ids, "\(label) \(IdentityNumbers.mask(id.number)) encodes the birth date \(encoded), but the certificate states \(printed).")
            }
            if let encoded = check.facts.sex, let printed = cert.sexValue, encoded != printed {
                flag(.idSexMismatch, .ids, "\(label) \(IdentityNumbers.mask(id.number)) encodes sex \(encoded.rawValue), but the certificate states \(printed.rawValue).")
            }
        }
        if let a = appeared, a > today {
            flag(.appearedInFuture, .appearedOn, "The date of appearance \(a) is after today (\(today)).")
        }
        if let s = issued, s > today {
            flag(.issuedInFuture, .issuedOn, "The issue date \(s) is after today (\(today)).")
        }
        if let a = appeared, let s = issued, a > s {
            flag(.appearedAfterIssue, .appearedOn, "The date of appearance \(a) is after the issue date \(s).")
        }
        if let b = birth {
            let reference = appeared ?? issued ?? today
            if b > today {
                flag(.birthDateImplausible, .birthDate, "The birth date \(b) is in the future.")
            } else if b >= reference {
                flag(.birthDateImplausible, .birthDate, "The birth date \(b) is not before the certificate's date \(reference).")
            } else if b.days(until: reference) > 125 * 366 {
                flag(.birthDateImplausible, .birthDate, "The birth date \(b) makes the person more than 125 years old on \(reference).")
            }
        }
        if let when = issued ?? appeared {
            let field: FieldName = issued != nil ? .issuedOn : .appearedOn
            if let from = template.validFrom, when < from {
                flag(.formNotInUse, field, "A \(template.title) dated \(when) predates the form, which is in use from \(from).")
            }
            if let until = template.validUntil, when > until {
                flag(.formNotInUse, field, "A \(template.title) dated \(when) postdates the form, which was in use until \(until).")
            }
        }
        for f in FieldName.allCases where f != .ids {
            if let r = cert.reading(f), r.confidence < 0.6, !(f == .issuer && r.raw == template.issuer) {
                flag(.lowConfidence, f, "The \(f.rawValue.replacingOccurrences(of: "_", with: " ")) '\(r.value)' was read with low confidence (\(Int((r.confidence * 100).rounded())) %).")
            }
        }
        for r in cert.idReadings where r.confidence < 0.6 {
            flag(.lowConfidence, .ids, "An identity number (\(IdentityNumbers.mask(r.value))) was read with low confidence (\(Int((r.confidence * 100).rounded())) %).")
        }
        return out
    }
}
