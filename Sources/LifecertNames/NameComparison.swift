/// The outcome of comparing a certificate's name with a registry record's name.
///
/// Contract: `level` is the discrete comparison level a linkage model weighs (Fellegi–Sunter
/// style: one weight per level); `similarity` orders outcomes within and across levels for
/// scoring (1 identical … 0 nothing in common; `missing` is 0 but means *no evidence*, so a scorer
/// should skip it rather than count it against the match); `explanation` is one English sentence
/// a reviewer can read without knowing the algorithm; `basis` says which pair of names decided.
public struct NameComparison: Sendable, Hashable, CustomStringConvertible {
    /// How well the names agree, strongest first.
    public enum Level: Sendable, Hashable, CustomStringConvertible {
        /// The same characters (Chinese) or the same tokens in the same order (Latin).
        case exact
        /// The same name once traditional characters are folded to simplified (陳大文 / 陈大文), or
        /// for two Latin names, once order, spacing and case are ignored (CHAN Tai Man / Taiman CHAN).
        case sameAfterFolding
        /// A Chinese name and a Latin name that spells every one of its characters in the scheme
        /// (陈大文 / CHAN Tai Man in Hong Kong spelling); surname first or last, given name joined
        /// or split. When the spellings mix schemes, the scheme of most characters.
        case romanisation(RomanisationScheme)
        /// The surname agrees and the given name only partly: a syllable missing, only initials,
        /// no given name at all, or an extra (Western) name beside a full match (David Wei ZHANG / 张伟).
        case partial
        /// One character wrong or dropped, as optical character recognition does (陈大文 / 陈木文,
        /// 陈大文 / 陈文); the surname agrees. Also what two namesakes one character apart look like.
        case ocrClose
        /// The names do not agree: different surnames (张伟 / 王伟), or the same surname with a
        /// different given name.
        case disagree
        /// One side has no usable name: nothing was compared.
        case missing

        public var description: String {
            switch self {
            case .exact: "exact"
            case .sameAfterFolding: "same after folding"
            case .romanisation(let s): "romanisation (\(s))"
            case .partial: "partial"
            case .ocrClose: "OCR-close"
            case .disagree: "disagree"
            case .missing: "missing"
            }
        }

        /// Whether the level counts as the names agreeing (exact, folding or romanisation).
        public var isAgreement: Bool {
            switch self {
            case .exact, .sameAfterFolding, .romanisation: true
            default: false
            }
        }
    }

    /// Which names the decision rests on.
    public enum Basis: Sendable, Hashable {
        /// Chinese characters on both sides: the strongest evidence.
        case chineseWithChinese
        /// Chinese characters on one side, a Latin spelling on the other.
        case chineseWithLatin
        /// Latin spellings on both sides.
        case latinWithLatin
        /// Nothing comparable.
        case none
    }

    /// The comparison level.
    public let level: Level
    /// 0…1, for scoring; see the type's contract.
    public let similarity: Double
    /// One sentence for a reviewer, e.g. "Chinese 陈大文 matches Latin CHAN Tai Man in Hong Kong or
    /// Macao spelling."
    public let explanation: String
    /// Which pair of names decided.
    public let basis: Basis

    /// A comparison result; `similarity` is clamped to 0…1.
    public init(level: Level, similarity: Double, explanation: String, basis: Basis) {
        self.level = level
        self.similarity = min(1, max(0, similarity))
        self.explanation = explanation
        self.basis = basis
    }

    public var description: String { "\(level) \(format3(similarity)): \(explanation)" }

    static func missing(_ why: String) -> NameComparison {
        NameComparison(level: .missing, similarity: 0, explanation: why, basis: .none)
    }
}

/// `0.853` for a similarity, without Foundation.
func format3(_ x: Double) -> String {
    let thousandths = Int(x * 1000 + 0.5)  // x is in 0…1; no libm needed
    let whole = thousandths / 1000
    let frac = thousandths % 1000
    let digits = String(frac)
    return "\(whole)." + String(repeating: "0", count: 3 - digits.count) + digits
}
