/// Compares a certificate's name with a registry record's name.
///
/// Contract: pure and thread-safe; each call takes tens of microseconds once the tables are
/// loaded (the first call anywhere loads them). Inputs are free text: a "Chinese" field holding
/// Latin letters (a registry name registered in English) is read as Latin, and a field holding
/// both scripts ("陈大文 CHAN Tai Man") is split into the two. Chinese is compared with Chinese
/// after folding traditional to simplified; Chinese with Latin through the readings of each
/// character in pinyin, Hong Kong, Macao and Wade-Giles spelling; Latin with Latin by tokens.
public enum NameComparer {
    /// Compares what a certificate shows (a Chinese name and/or a Latin name) with a registry
    /// record (its registered name, usually Chinese but sometimes English, and maybe a Latin
    /// spelling). The strongest evidence decides: when both sides have Chinese characters, their
    /// comparison gives the level, and the Latin names only raise or lower the similarity and add
    /// to the explanation (two different characters spelled alike — 陈大文 and 陳泰民 are both CHAN
    /// Tai Man — are different names). Otherwise the best of the Chinese–Latin and Latin–Latin
    /// comparisons decides.
    public static func compare(han: String?, latin: String?, against registryHan: String?, registryLatin: String?) -> NameComparison {
        let cert = Sides(han, latin)
        let reg = Sides(registryHan, registryLatin)
        let hh: NameComparison? = cert.han.isEmpty || reg.han.isEmpty ? nil
            : compareChinese(cert.han, cert.hanDisplay, reg.han, reg.hanDisplay)
        var others: [NameComparison] = []
        if !cert.han.isEmpty {
            for l in reg.latin { others.append(HanLatinMatch.compare(han: cert.han, hanDisplay: cert.hanDisplay, latin: l)) }
        }
        if !reg.han.isEmpty {
            for l in cert.latin { others.append(HanLatinMatch.compare(han: reg.han, hanDisplay: reg.hanDisplay, latin: l)) }
        }
        for a in cert.latin {
            for b in reg.latin { others.append(compareLatin(a, b)) }
        }
        others = others.filter { $0.level != .missing }
        let bestOther = others.max { rank($0) < rank($1) }

        if let hh {
            guard let other = bestOther else { return hh }
            switch hh.level {
            case .exact, .sameAfterFolding:
                if let against = others.first(where: { $0.level == .disagree }), !others.contains(where: { $0.level.isAgreement }) {
                    return NameComparison(level: hh.level, similarity: hh.similarity - 0.05,
                                          explanation: hh.explanation + " The Latin name does not fit, though: " + against.explanation,
                                          basis: hh.basis)
                }
                return hh
            case .ocrClose, .partial:
                if other.level.isAgreement {
                    return NameComparison(level: hh.level, similarity: min(0.9, hh.similarity + 0.1),
                                          explanation: hh.explanation + " The Latin name supports it: " + other.explanation,
                                          basis: hh.basis)
                }
                return hh
            case .disagree:
                if other.level.isAgreement {
                    return NameComparison(level: .disagree, similarity: hh.similarity + 0.1,
                                          explanation: hh.explanation + " The Latin names agree, but different characters can share a spelling: " + other.explanation,
                                          basis: hh.basis)
                }
                return hh
            case .romanisation, .missing:
                return hh
            }
        }
        if let other = bestOther { return other }
        if (cert.han.isEmpty && cert.latin.isEmpty) {
            return .missing("The certificate shows no name.")
        }
        if reg.han.isEmpty && reg.latin.isEmpty {
            return .missing("The registry record has no name.")
        }
        return .missing("No comparable name on both sides.")
    }

    /// Compares two Chinese names (either script).
    public static func compareChinese(_ a: String, _ b: String) -> NameComparison {
        let sa = Sides(a, nil)
        let sb = Sides(b, nil)
        return compareChinese(sa.han, sa.hanDisplay, sb.han, sb.hanDisplay)
    }

    /// Compares a Chinese name with a Latin spelling.
    public static func compare(chinese: String, latin: String) -> NameComparison {
        let s = Sides(chinese, nil)
        return HanLatinMatch.compare(han: s.han, hanDisplay: s.hanDisplay, latin: PreparedLatin(latin))
    }

    /// Compares two Latin names.
    public static func compareLatin(_ a: String, _ b: String) -> NameComparison {
        compareLatin(PreparedLatin(a), PreparedLatin(b))
    }

    // MARK: - Ranking

    /// Orders comparisons by similarity, Chinese evidence first on ties.
    private static func rank(_ c: NameComparison) -> Double {
        let bonus: Double
        switch c.basis {
        case .chineseWithChinese: bonus = 0.002
        case .chineseWithLatin: bonus = 0.001
        default: bonus = 0
        }
        return c.similarity + bonus
    }

    // MARK: - Chinese with Chinese

    static func compareChinese(_ a: [Unicode.Scalar], _ aText: String, _ b: [Unicode.Scalar], _ bText: String) -> NameComparison {
        let basis = NameComparison.Basis.chineseWithChinese
        guard !a.isEmpty, !b.isEmpty else { return .missing("No Chinese name on one side.") }
        if a == b {
            return NameComparison(level: .exact, similarity: 1, explanation: "The Chinese names are identical: \(aText).", basis: basis)
        }
        let data = NameData.shared
        let fa = a.map(data.folded)
        let fb = b.map(data.folded)
        if fa == fb {
            return NameComparison(level: .sameAfterFolding, similarity: 0.98,
                                  explanation: "\(aText) and \(bText) are the same name in traditional and simplified characters.",
                                  basis: basis)
        }
        let k = data.compound(fa) != nil || data.compound(fb) != nil ? 2 : 1
        let surnameSame = fa.count >= k && fb.count >= k && fa.prefix(k) == fb.prefix(k)
        let d = levenshtein(fa, fb)
        if d == 1 {
            if fa.count == fb.count {
                let i = fa.indices.first(where: { fa[$0] != fb[$0] }) ?? 0
                let pair = "\(Character(a[i]))/\(Character(b[i]))"
                if i < k {
                    return NameComparison(level: .disagree, similarity: 0.2,
                                          explanation: "The surnames differ (\(pair)) in \(aText) and \(bText); the given names agree.",
                                          basis: basis)
                }
                let longName = fa.count >= 3
                return NameComparison(level: .ocrClose, similarity: longName ? 0.8 : 0.6,
                                      explanation: "\(aText) and \(bText) differ in one character (\(pair))\(longName ? "" : ", the whole given name"): a misread character, or a different person.",
                                      basis: basis)
            }
            let (short, long, shortText, longText, longOriginal) = fa.count < fb.count ? (fa, fb, aText, bText, b) : (fb, fa, bText, aText, a)
            let i = short.indices.first(where: { short[$0] != long[$0] }) ?? short.count
            let dropped = Character(longOriginal[i])
            if short.count >= 2 {
                let why = i == 0 && long.count >= 4
                    ? "a dropped character, or the name without a husband's surname"
                    : "a dropped character, or a different person"
                return NameComparison(level: .ocrClose, similarity: i == 0 ? 0.7 : 0.75,
                                      explanation: "\(shortText) lacks one character of \(longText) (\(dropped)): \(why).",
                                      basis: basis)
            }
            if i > 0 {
                return NameComparison(level: .partial, similarity: 0.35,
                                      explanation: "\(shortText) is only the surname of \(longText).", basis: basis)
            }
            return NameComparison(level: .disagree, similarity: 0.1,
                                  explanation: "\(shortText) and \(longText) share only one character.", basis: basis)
        }
        if surnameSame {
            let ga = Array(fa.dropFirst(k))
            let gb = Array(fb.dropFirst(k))
            let common = lcs(ga, gb)
            let surname = String(String.UnicodeScalarView(fa.prefix(k)))
            if common > 0 {
                return NameComparison(level: .partial, similarity: 0.45 + 0.15 * Double(common) / Double(max(ga.count, gb.count, 1)),
                                      explanation: "\(aText) and \(bText) share the surname \(surname) and only part of the given name.",
                                      basis: basis)
            }
            return NameComparison(level: .disagree, similarity: 0.15,
                                  explanation: "\(aText) and \(bText) share the surname \(surname), but the given names differ.",
                                  basis: basis)
        }
        return NameComparison(level: .disagree, similarity: d < max(fa.count, fb.count) ? 0.05 : 0,
                              explanation: "\(aText) and \(bText) are different names: the surnames differ.", basis: basis)
    }

    // MARK: - Latin with Latin

    static func compareLatin(_ a: PreparedLatin, _ b: PreparedLatin) -> NameComparison {
        let basis = NameComparison.Basis.latinWithLatin
        let ta = a.tokens.map(\.bytes)
        let tb = b.tokens.map(\.bytes)
        guard !ta.isEmpty, !tb.isEmpty else { return .missing("No Latin name on one side.") }
        let ad = a.display
        let bd = b.display
        if ta == tb {
            return NameComparison(level: .exact, similarity: 0.92, explanation: "The Latin names are the same: \(ad) / \(bd).", basis: basis)
        }
        let jb = Array(tb.joined())
        for r in 0..<ta.count where Array((ta[r...] + ta[..<r]).joined()) == jb {
            return NameComparison(level: .sameAfterFolding, similarity: 0.9,
                                  explanation: "The Latin names \(ad) and \(bd) are the same apart from order, spacing or case.",
                                  basis: basis)
        }
        if ta.sorted(by: { $0.lexicographicallyPrecedes($1) }) == tb.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            return NameComparison(level: .sameAfterFolding, similarity: 0.88,
                                  explanation: "The Latin names \(ad) and \(bd) have the same parts in another order.", basis: basis)
        }
        if ta.count == tb.count {
            let diffs = zip(ta, tb).filter { $0.0 != $0.1 }
            if diffs.count == 1, let (x, y) = diffs.first, min(x.count, y.count) >= 2, levenshtein(x, y) == 1 {
                return NameComparison(level: .ocrClose, similarity: 0.7,
                                      explanation: "The Latin names \(ad) and \(bd) differ in one letter (\(text(x))/\(text(y))).",
                                      basis: basis)
            }
        }
        let ab = coverage(ta, tb)
        let ba = coverage(tb, ta)
        if ab.full == ta.count || ba.full == tb.count {
            let (small, big) = ab.full == ta.count ? (ad, bd) : (bd, ad)
            return NameComparison(level: .partial, similarity: 0.78,
                                  explanation: "The Latin name \(small) is contained in \(big), which has more names.", basis: basis)
        }
        if ab.full + ab.initials == ta.count || ba.full + ba.initials == tb.count {
            return NameComparison(level: .partial, similarity: 0.6,
                                  explanation: "The Latin names \(ad) and \(bd) agree where one gives only initials.", basis: basis)
        }
        let shared = min(ab.full, ba.full)
        if shared >= 2 {
            return NameComparison(level: .partial, similarity: 0.45,
                                  explanation: "The Latin names \(ad) and \(bd) share some names but not all.", basis: basis)
        }
        if shared == 1 {
            return NameComparison(level: .disagree, similarity: 0.15,
                                  explanation: "The Latin names \(ad) and \(bd) share only one name.", basis: basis)
        }
        return NameComparison(level: .disagree, similarity: 0, explanation: "The Latin names \(ad) and \(bd) differ.", basis: basis)
    }

    /// How many tokens of `a` occur in `b`, alone or as two or three adjacent tokens joined
    /// (TAIMAN in TAI MAN), and how many one-letter tokens of `a` start an unused token of `b`.
    private static func coverage(_ a: [[UInt8]], _ b: [[UInt8]]) -> (full: Int, initials: Int) {
        var used = Array(repeating: false, count: b.count)
        var full = 0
        var pendingInitials: [UInt8] = []
        outer: for t in a {
            if t.count == 1 { pendingInitials.append(t[0]); continue }
            for (i, u) in b.enumerated() where !used[i] && u == t {
                used[i] = true
                full += 1
                continue outer
            }
            for len in 2...3 {
                for i in 0..<max(0, b.count - len + 1) where !used[i..<(i + len)].contains(true) {
                    if Array(b[i..<(i + len)].joined()) == t {
                        for j in i..<(i + len) { used[j] = true }
                        full += 1
                        continue outer
                    }
                }
            }
        }
        var initials = 0
        for letter in pendingInitials {
            if let i = b.indices.first(where: { !used[$0] && b[$0].first == letter }) {
                used[i] = true
                initials += 1
            }
        }
        return (full, initials)
    }

    private static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }
}

/// One side's name fields, split by script.
struct Sides {
    var han: [Unicode.Scalar] = []
    var hanDisplay = ""
    var latin: [PreparedLatin] = []

    /// `primary` is the field meant for Chinese (it may hold Latin), `secondary` the Latin one
    /// (it may hold Chinese).
    init(_ primary: String?, _ secondary: String?) {
        for field in [primary, secondary] {
            guard let field else { continue }
            var hanPart = String.UnicodeScalarView()
            var latinPart = String.UnicodeScalarView()
            for u in field.unicodeScalars {
                if HanCharacters.isHan(u) {
                    hanPart.append(u)
                    latinPart.append(" ")
                } else {
                    latinPart.append(u)
                }
            }
            if han.isEmpty && !hanPart.isEmpty {
                han = Array(hanPart)
                hanDisplay = String(hanPart)
            }
            let latinText = String(latinPart)
            let prepared = PreparedLatin(latinText)
            if !prepared.tokens.isEmpty { latin.append(prepared) }
        }
    }
}

/// Edit distance (insert, delete, substitute).
func levenshtein<T: Equatable>(_ a: [T], _ b: [T]) -> Int {
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = Array(repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}

/// Length of the longest common subsequence.
func lcs<T: Equatable>(_ a: [T], _ b: [T]) -> Int {
    if a.isEmpty || b.isEmpty { return 0 }
    var previous = Array(repeating: 0, count: b.count + 1)
    var current = previous
    for i in 1...a.count {
        for j in 1...b.count {
            current[j] = a[i - 1] == b[j - 1] ? previous[j - 1] + 1 : max(previous[j], current[j - 1])
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}
