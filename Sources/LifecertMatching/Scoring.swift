import LifecertDomain
import LifecertNames

/// One field's part in a candidate's score, with the sentence a reviewer reads.
public struct WeightContribution: Codable, Sendable, Equatable {
    /// `id`, `birth_date`, `name` or `sex`.
    public var field: String
    /// The comparison level: `agree`, `close`, `partial`, `disagree`, `missing`, or a name level.
    public var level: String
    /// log2(m/u), rounded to one decimal; 0 for a missing field.
    public var weight: Double
    /// "ID number agrees +19.9".
    public var sentence: String
}

/// A recipient scored against a certificate.
public struct ScoredCandidate: Codable, Sendable, Equatable {
    public var ssn: String
    /// The sum of the contributions.
    public var score: Double
    public var contributions: [WeightContribution]
    /// A valid identity number on the certificate equals the recipient's registered one.
    public var idAgrees: Bool
    public var idDisagrees: Bool
    public var nameDisagrees: Bool
    public var birthDateDisagrees: Bool

    /// "ID number agrees +19.9; birth date agrees +15.0; name: … +8.1; sex agrees +1.0 = 44.0".
    public var explanation: String {
        contributions.map(\.sentence).joined(separator: "; ") + " = " + MatchScore.format(score)
    }
}

/// Registry frequencies one certificate's scoring needs (looked up once per certificate).
public struct FrequencyEvidence: Sendable {
    public var recipients: Int
    /// Recipients per birth date, per registered name, per surname (first character), as looked up.
    public var bornOn: [LocalDate: Int] = [:]
    public var named: [String: Int] = [:]
    public var surname: [String: Int] = [:]

    public init(recipients: Int) { self.recipients = max(1, recipients) }

    func share(_ count: Int?) -> Double { Double(max(1, count ?? 1)) / Double(recipients) }
}

/// Formatting of weights for people.
public enum MatchScore {
    public static func format(_ w: Double) -> String {
        let tenths = Int((abs(w) * 10).rounded())
        return (w >= 0 || tenths == 0 ? "+" : "−") + String(tenths / 10) + "." + String(tenths % 10)
    }
}

/// Scores one recipient against one certificate: each field compared, each comparison a weight.
public struct CandidateScorer: Sendable {
    public var model: MatchModel

    public init(model: MatchModel = .standard) { self.model = model }

    /// The name comparison the scorer uses. With `quick`, two Chinese names are compared alone
    /// (about 1 µs; it decides the level anyway, NameComparer's contract), leaving out the Latin
    /// spellings' part of the explanation; the matcher ranks with it and explains the few it keeps
    /// with the full comparison.
    public static func compareNames(_ e: CertificateEvidence, _ r: Recipient, quick: Bool) -> NameComparison {
        var cmp: NameComparison
        if quick, let n = e.name, HanCharacters.containsHan(n), HanCharacters.containsHan(r.name) {
            cmp = NameComparer.compareChinese(n, r.name)
        } else {
            cmp = NameComparer.compare(han: e.name, latin: e.nameLatin, against: r.name, registryLatin: r.nameLatin)
        }
        // OCR misreads a surname as readily as a given-name character (冯 → 为, 治): two Chinese names
        // of the same length that differ in the surname alone are one character off, not different.
        if cmp.level == .disagree, let a = e.name.map(HanCharacters.simplified), HanCharacters.containsHan(a) {
            let b = HanCharacters.simplified(r.name)
            // (Three characters or more: in a two-character name the surname is half the name.)
            if a.count == b.count, a.count >= 3, a.first != b.first, a.dropFirst() == b.dropFirst() {
                cmp = NameComparison(level: .ocrClose, similarity: 0.5,
                                     explanation: "\(a) and \(b) differ in the surname alone (one character, as OCR misreads it)",
                                     basis: .chineseWithChinese)
            }
        }
        return cmp
    }

    public func score(_ e: CertificateEvidence, against r: Recipient, frequencies f: FrequencyEvidence,
                      names: NameComparison? = nil) -> ScoredCandidate {
        var parts: [WeightContribution] = []
        var idAgrees = false, idDisagrees = false, nameDisagrees = false, birthDisagrees = false

        // Identity number.
        let sameType = e.ids.filter { $0.type == r.idType }
        if let hit = e.ids.first(where: { $0.valid && $0.number == r.idNumber }) {
            idAgrees = true
            let w = MatchModel.weight(m: model.idAgree, u: 1 / Double(f.recipients))
            parts.append(.init(field: "id", level: "agree", weight: w,
                               sentence: "\(hit.type.rawValue) agrees \(MatchScore.format(w))"))
        } else if let near = sameType.first(where: { !$0.valid && Self.oneCharacterApart($0.number, r.idNumber) }) {
            // u: a random recipient's number one character from this one is about as likely as
            // hitting one of ~160 neighbours in a space of 10^17 — far below 1 in a million.
            let w = MatchModel.weight(m: model.idClose, u: 1e-6)
            parts.append(.init(field: "id", level: "close", weight: w,
                               sentence: "\(near.type.rawValue) one character off and failing its check \(MatchScore.format(w))"))
        } else if let other = sameType.first(where: { $0.valid }) {
            idDisagrees = true
            let w = MatchModel.weight(m: model.idDisagree, u: 1)
            parts.append(.init(field: "id", level: "disagree", weight: w,
                               sentence: "\(other.type.rawValue) disagrees \(MatchScore.format(w))"))
        } else {
            parts.append(.init(field: "id", level: "missing", weight: 0,
                               sentence: "no \(r.idType.rawValue) on the certificate to compare +0.0"))
        }

        // Birth date: the printed one; else the one a mainland ID encodes — but not when that ID is
        // the one that agreed, which would count the same digits twice.
        if let b = e.birthDate ?? (idAgrees ? nil : e.birthDatesOffered.first) {
            if b == r.birthDate {
                let w = MatchModel.weight(m: model.birthExact, u: f.share(f.bornOn[b]))
                let n = f.bornOn[b] ?? 1
                parts.append(.init(field: "birth_date", level: "agree", weight: w,
                                   sentence: "birth date agrees (\(n) recipient\(n == 1 ? "" : "s") born that day) \(MatchScore.format(w))"))
            } else if Self.close(b, r.birthDate) {
                let w = MatchModel.weight(m: model.birthClose, u: model.birthCloseByChance)
                parts.append(.init(field: "birth_date", level: "close", weight: w,
                                   sentence: "birth date close (\(b) vs \(r.birthDate)) \(MatchScore.format(w))"))
            } else {
                birthDisagrees = true
                let w = MatchModel.weight(m: model.birthDisagree, u: 1 - model.birthCloseByChance)
                parts.append(.init(field: "birth_date", level: "disagree", weight: w,
                                   sentence: "birth date disagrees (\(b) vs \(r.birthDate)) \(MatchScore.format(w))"))
            }
        } else {
            parts.append(.init(field: "birth_date", level: "missing", weight: 0, sentence: "no birth date to compare +0.0"))
        }

        // Name.
        let cmp = names ?? Self.compareNames(e, r, quick: false)
        let surname = String(HanCharacters.simplified(r.name).prefix(1))
        let surnameShare = f.share(f.surname[surname] ?? f.named[HanCharacters.simplified(r.name)])
        // A weaker level is never likelier by chance than an exact agreement: each u is at least the
        // exact u (times the number of ways to be that close), whatever the registry's size.
        let exactShare = f.share(f.named[HanCharacters.simplified(r.name)])
        let (m, u, level): (Double, Double, String) = {
            switch cmp.level {
            case .exact, .sameAfterFolding:
                return (model.nameExact, exactShare, "agree")
            case .romanisation:
                return (model.nameRomanisation, max(exactShare, surnameShare * model.givenRomanisationByChance), "romanisation")
            case .ocrClose:
                // In a two-character name every other given character is "one character off": the
                // chance is the surname's share itself.
                let short = (e.name.map { HanCharacters.simplified($0).filter { HanCharacters.isHan($0) }.count } ?? 0) <= 2
                return (model.nameOCRClose, max(exactShare * 5, surnameShare * (short ? 1 : model.givenOCRCloseByChance)), "close")
            case .partial:
                return (model.namePartial, max(exactShare * 10, surnameShare * model.givenPartialByChance), "partial")
            case .disagree:
                return (model.nameDisagree, 0.98, "disagree")
            case .missing:
                return (1, 1, "missing")
            }
        }()
        if cmp.level == .disagree { nameDisagrees = true }
        let nw = cmp.level == .missing ? 0 : MatchModel.weight(m: m, u: u)
        parts.append(.init(field: "name", level: level, weight: nw, sentence: "name: \(cmp.explanation) \(MatchScore.format(nw))"))

        // Sex.
        if let s = e.sex {
            let agree = s == r.sex
            let w = MatchModel.weight(m: agree ? model.sexAgree : model.sexDisagree, u: 0.5)
            parts.append(.init(field: "sex", level: agree ? "agree" : "disagree", weight: w,
                               sentence: "sex \(agree ? "agrees" : "disagrees") \(MatchScore.format(w))"))
        }
        let total = (parts.map(\.weight).reduce(0, +) * 10).rounded() / 10
        return ScoredCandidate(ssn: r.ssn, score: total, contributions: parts, idAgrees: idAgrees, idDisagrees: idDisagrees,
                               nameDisagrees: nameDisagrees, birthDateDisagrees: birthDisagrees)
    }

    /// One character different, added or dropped (an OCR misreading of an identity number:
    /// R0394369 read as RO0394369).
    static func oneCharacterApart(_ a: String, _ b: String) -> Bool {
        guard a != b else { return false }
        let x = Array(a), y = Array(b)
        if x.count == y.count { return zip(x, y).filter { $0 != $1 }.count == 1 }
        guard abs(x.count - y.count) == 1 else { return false }
        let (long, short) = x.count > y.count ? (x, y) : (y, x)
        var i = 0
        while i < short.count && long[i] == short[i] { i += 1 }
        return Array(long[(i + 1)...]) == Array(short[i...])
    }

    /// What OCR or a clerk makes of a date: one digit different (1950-03-05 / 1950-03-06 /
    /// 1956-03-05), or day and month swapped. Not "within a month": among a million recipients a
    /// common name has a namesake born within a month of almost any day.
    static func close(_ a: LocalDate, _ b: LocalDate) -> Bool {
        if a.year == b.year && a.month == b.day && a.day == b.month { return true }
        let x = Array(a.description), y = Array(b.description)
        return zip(x, y).filter { $0 != $1 }.count == 1
    }
}
