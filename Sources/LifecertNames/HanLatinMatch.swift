/// Comparing a Chinese name with a Latin one.
///
/// The Chinese name is split into surname (one character, or two for a compound surname such as
/// 欧阳; a four-character name may also carry two surnames, 陈方安生) and given name. The Latin
/// name must spell the surname exactly in some token(s); the given name is then aligned with a run
/// of tokens before or after it (Aligner), and the tokens left over are extra names. Every scheme
/// is tried at once (spellings merged); the scheme reported is the one all matched characters
/// share, or, if the spelling mixes schemes, the one most of them use.
enum HanLatinMatch {
    /// One way of reading the Latin name against the Chinese one, scored. The explanation is
    /// written only for the winner (`score(…, explain: true)`), which keeps comparing cheap.
    private struct Candidate {
        var level: NameComparison.Level
        var similarity: Double
        var explanation: String
        var extras: Int
        var mixed: Bool
        var inputs: Inputs
    }

    /// What a candidate was scored from.
    private struct Inputs {
        var k: Int
        var surname: Alignment
        var given: Alignment
        var runIsEmpty: Bool
        var western: [String]
        var syllableExtras: [String]
    }

    static func compare(han: [Unicode.Scalar], hanDisplay: String, latin: PreparedLatin) -> NameComparison {
        let basis = NameComparison.Basis.chineseWithLatin
        guard !han.isEmpty else { return .missing("No Chinese name to compare.") }
        guard !latin.tokens.isEmpty else { return .missing("No Latin name to compare.") }
        let layouts = Layout.all(han)
        var best = bestCandidate(han: han, hanDisplay: hanDisplay, latin: latin, layouts: layouts, schemes: RomanisationScheme.allBits)
        if let b = best, b.mixed {
            // A spelling in one scheme reads better than a mixed one that scores the same.
            for scheme in RomanisationScheme.allCases {
                if let c = bestCandidate(han: han, hanDisplay: hanDisplay, latin: latin, layouts: layouts, schemes: scheme.bit),
                   c.similarity >= b.similarity - 1e-9, !c.mixed {
                    best = c
                    break
                }
            }
        }
        if let b = best {
            let explained = score(han: han, hanDisplay: hanDisplay, latin: latin, b.inputs, explain: true)
            return NameComparison(level: b.level, similarity: b.similarity, explanation: explained.explanation, basis: basis)
        }
        return surnameMismatch(han: han, hanDisplay: hanDisplay, latin: latin)
    }

    /// One way of splitting the Chinese name into surname and given name, with the characters'
    /// spellings in every scheme.
    private struct Layout {
        let k: Int
        let surname: [CharOptions]
        let given: [CharOptions]

        /// A one-character surname; a compound surname (欧阳) first when the name starts with
        /// one; two surnames (陈方 in 陈方安生) for a four-character name.
        static func all(_ han: [Unicode.Scalar]) -> [Layout] {
            let data = NameData.shared
            let folded = han.map(data.folded)
            let n = han.count
            var options: [(k: Int, compound: ScalarPair?)] = [(1, nil)]
            if let pair = data.compound(folded) {
                options.insert((2, pair), at: 0)
            } else if n >= 4 {
                options.append((2, nil))
            }
            return options.filter { $0.k <= n }.map { option in
                Layout(k: option.k,
                       surname: (0..<option.k).map { i in
                           CharOptions(han[i], position: option.compound.map { .compound($0, i) } ?? .surname)
                       },
                       given: (option.k..<n).map { CharOptions(han[$0], position: .given) })
            }
        }
    }

    private static func bestCandidate(han: [Unicode.Scalar], hanDisplay: String, latin: PreparedLatin,
                                      layouts: [Layout], schemes: UInt8) -> Candidate? {
        let tokens = latin.tokens
        let m = tokens.count
        var best: Candidate?
        for layout in layouts {
            let surname = layout.surname.map { $0.restricted(to: schemes) }
            let given = layout.given.map { $0.restricted(to: schemes) }
            if surname.contains(where: { !$0.isKnown }) { continue }
            for i in 0..<m {
                for j in (i + 1)...min(m, i + layout.k) {
                    guard let s = Aligner.align(surname[...], latin, i..<j, exactOnly: true) else { continue }
                    for run in givenRuns(tokens: tokens, excluding: i..<j) {
                        guard let g = Aligner.align(given[...], latin, run, exactOnly: false) else { continue }
                        var extrasWestern: [String] = []
                        var extrasSyllables: [String] = []
                        for t in 0..<m where !(i..<j).contains(t) && !run.contains(t) {
                            if tokens[t].segmentable && !tokens[t].isInitial {
                                extrasSyllables.append(tokens[t].text)
                            } else {
                                extrasWestern.append(tokens[t].text)
                            }
                        }
                        let inputs = Inputs(k: layout.k, surname: s, given: g, runIsEmpty: run.isEmpty,
                                            western: extrasWestern, syllableExtras: extrasSyllables)
                        let c = score(han: han, hanDisplay: hanDisplay, latin: latin, inputs, explain: false)
                        if let b = best {
                            if c.similarity > b.similarity + 1e-9 || (abs(c.similarity - b.similarity) < 1e-9 && c.extras < b.extras) {
                                best = c
                            }
                        } else {
                            best = c
                        }
                    }
                }
            }
        }
        return best
    }

    /// Runs of tokens the given name may occupy: the empty run, and each maximal run of
    /// consecutive tokens on one side of the surname that all cut into syllables (or are initials).
    /// Maximal, so that a syllable next to the given name counts against it (陈文 / CHAN Tai Man:
    /// a dropped character) instead of passing as an extra name; a token that does not cut into
    /// syllables (DAVID) ends a run and is an extra name.
    private static func givenRuns(tokens: [PreparedToken], excluding surname: Range<Int>) -> [Range<Int>] {
        var runs: [Range<Int>] = [0..<0]
        for side in [0..<surname.lowerBound, surname.upperBound..<tokens.count] {
            var a = side.lowerBound
            while a < side.upperBound {
                guard tokens[a].segmentable else { a += 1; continue }
                var b = a
                while b < side.upperBound, tokens[b].segmentable { b += 1 }
                runs.append(a..<b)
                a = b
            }
        }
        return runs
    }

    private static func score(
        han: [Unicode.Scalar], hanDisplay: String, latin: PreparedLatin, _ inputs: Inputs, explain: Bool
    ) -> Candidate {
        let k = inputs.k
        let surname = inputs.surname
        let given = inputs.given
        let runIsEmpty = inputs.runIsEmpty
        let western = inputs.western
        let syllableExtras = inputs.syllableExtras
        let gCount = han.count - k
        var surnameText: String { string(han[0..<k]) }
        var givenText: String { string(han[k...]) }
        var latinText: String { latin.display }
        let extras = western + syllableExtras
        let outcomes = surname.perChar + given.perChar

        // Schemes: those every matched character shares, else the one most of them use; among
        // several, the one whose usual spellings these are (LEONG is Macao's usual spelling of 梁,
        // Hong Kong's second), then declaration order.
        var shared = RomanisationScheme.allBits
        var counts = [Int](repeating: 0, count: RomanisationScheme.allCases.count)
        var usualCounts = counts
        for o in outcomes {
            if case .matched(_, let mask, let usual, _) = o {
                shared &= mask
                for (i, s) in RomanisationScheme.allCases.enumerated() {
                    if mask & s.bit != 0 { counts[i] += 1 }
                    if usual & s.bit != 0 { usualCounts[i] += 1 }
                }
            }
        }
        let mixed = shared == 0
        let eligible = RomanisationScheme.allCases.indices.filter { i in
            mixed ? counts[i] == counts.max()! : shared & RomanisationScheme.allCases[i].bit != 0
        }
        let dominant = RomanisationScheme.allCases[eligible.max(by: { a, b in
            usualCounts[a] < usualCounts[b] || (usualCounts[a] == usualCounts[b] && a > b)
        })!]
        var schemeText: String {
            if mixed {
                var odd: [String] = []
                for (c, o) in zip(han, outcomes) {
                    if case .matched(let text, let mask, _, _) = o, mask & dominant.bit == 0 {
                        odd.append("\(Character(c)) \(Spelling.unpack(text)) in \(RomanisationScheme.schemes(in: mask)[0])")
                    }
                }
                return "mostly \(dominant), with " + odd.joined(separator: ", ")
            }
            let all = RomanisationScheme.schemes(in: shared)
            return describe([dominant] + all.filter { $0 != dominant })
        }
        // Surname read with a non-surname reading (曾 as CENG): allowed, noted, scored lower.
        var readingNote = ""
        var penalty = 0.0
        for (c, o) in zip(han[0..<k], surname.perChar) {
            if case .matched(let text, _, _, let fits) = o, !fits {
                if explain {
                    let usual = HanCharacters.surnameReadings(of: Character(c), scheme: dominant).first ?? ""
                    readingNote = "; \(Spelling.unpack(text)) is not the usual surname reading of \(Character(c))" + (usual.isEmpty ? "" : " (\(usual))")
                }
                penalty = 0.05
            }
        }
        let mixPenalty = mixed ? 0.05 : 0.0

        func candidate(_ level: NameComparison.Level, _ similarity: Double, _ text: @autoclosure () -> String) -> Candidate {
            Candidate(level: level, similarity: similarity - penalty, explanation: explain ? text() + readingNote + "." : "",
                      extras: extras.count, mixed: mixed, inputs: inputs)
        }
        let fullGiven = given.matched == gCount && given.edits == 0 && given.initials == 0
        if fullGiven && extras.isEmpty {
            return candidate(.romanisation(dominant), 0.9 - mixPenalty,
                             "Chinese \(hanDisplay) matches Latin \(latinText) in \(schemeText)")
        }
        if fullGiven {
            let sim = syllableExtras.isEmpty ? 0.8 : 0.72
            return candidate(.partial, sim - mixPenalty - 0.02 * Double(max(0, extras.count - 1)),
                             "Chinese \(hanDisplay) matches Latin \(latinText) in \(schemeText), apart from the extra name\(extras.count > 1 ? "s" : "") \(extras.joined(separator: " "))")
        }
        var surnamePart: String { "surname \(surnameText) = \(spelled(surname.perChar)) (\(schemeText))" }
        if given.edits == 0 && given.initials > 0 && given.matched + given.initials == gCount {
            let sim = 0.6 + 0.1 * Double(given.matched) / Double(max(1, gCount)) - (extras.isEmpty ? 0 : 0.05)
            return candidate(.partial, sim, "Latin \(latinText) fits Chinese \(hanDisplay): \(surnamePart); the given name \(givenText) only as initials \(spelled(given.perChar))")
        }
        if given.edits == 1 && gCount >= 1 && extras.isEmpty {
            if given.substitutions == 1 && gCount >= 2 && given.matched == gCount - 1,
               let (c, text) = zip(han[k...], given.perChar).lazy.compactMap({ pair -> (Unicode.Scalar, Packed)? in
                   if case .substituted(let t) = pair.1 { return (pair.0, t) } else { return nil }
               }).first {
                return candidate(.ocrClose, 0.7, "Latin \(latinText) fits Chinese \(hanDisplay) except one character: \(Character(c)) does not read \(Spelling.unpack(text)) — a misread character, or a different name")
            }
            if given.insertions == 1 && given.matched == gCount {
                return candidate(.ocrClose, 0.68, "Latin \(latinText) fits Chinese \(hanDisplay) with one character missing for \(Spelling.unpack(given.inserted[0])) — a dropped character, or a different name")
            }
        }
        if given.matched + given.initials > 0 {
            let fraction = (Double(given.matched) + 0.5 * Double(given.initials)) / Double(max(1, gCount))
            let extra = given.inserted.map(Spelling.unpack) + extras
            return candidate(.partial, 0.45 + 0.2 * fraction - (extras.isEmpty ? 0 : 0.03),
                             "Latin \(latinText) agrees with Chinese \(hanDisplay) only partly: \(surnamePart), given name \(spelled(given.perChar, han: Array(han[k...])))\(extra.isEmpty ? "" : "; left over: \(extra.joined(separator: " "))")")
        }
        if gCount == 0 {
            return candidate(.partial, 0.6, "Latin \(latinText) spells the Chinese name \(hanDisplay) (\(schemeText)) but adds \(extras.joined(separator: " "))")
        }
        if runIsEmpty && syllableExtras.isEmpty {
            let rest = western.isEmpty ? "the Latin name has no given name" : "the Latin name gives only \(western.joined(separator: " ")) for the given name \(givenText)"
            return candidate(.partial, 0.4, "Only the surname agrees: \(surnamePart); \(rest)")
        }
        var others: String {
            (given.perChar.compactMap { o -> String? in
                if case .substituted(let t) = o { return Spelling.unpack(t) } else { return nil }
            } + given.inserted.map(Spelling.unpack) + syllableExtras).joined(separator: " ")
        }
        return candidate(.disagree, 0.15, "The \(surnamePart) agrees, but the given name \(givenText) does not match \(others.isEmpty ? "the rest of \(latinText)" : others)")
    }

    /// No Latin token spells the surname: say whether the given name would have agreed.
    private static func surnameMismatch(han: [Unicode.Scalar], hanDisplay: String, latin: PreparedLatin) -> NameComparison {
        let data = NameData.shared
        let folded = han.map(data.folded)
        let k = data.compound(folded) == nil ? 1 : 2
        let basis = NameComparison.Basis.chineseWithLatin
        let latinText = latin.display
        if han.count > k {
            let given = (k..<han.count).map { CharOptions(han[$0], position: .given) }
            let tokens = latin.tokens
            for a in tokens.indices {
                for b in (a + 1)...tokens.count {
                    if let g = Aligner.align(given[...], latin, a..<b, exactOnly: true), g.isExact {
                        let others = tokens.indices.filter { !(a..<b).contains($0) }.map { tokens[$0].text }.joined(separator: " ")
                        return NameComparison(
                            level: .disagree, similarity: 0.1,
                            explanation: "Surnames differ: \(string(han[0..<k])) is not \(others.isEmpty ? "in \(latinText)" : others), though the given name \(string(han[k...])) matches \(tokens[a..<b].map(\.text).joined(separator: " ")).",
                            basis: basis)
                    }
                }
            }
        }
        if han.allSatisfy({ data.entry($0) == nil }) {
            return NameComparison(level: .disagree, similarity: 0,
                                  explanation: "The characters of \(hanDisplay) have no known readings to compare with \(latinText).", basis: basis)
        }
        return NameComparison(level: .disagree, similarity: 0,
                              explanation: "Latin \(latinText) is not a spelling of Chinese \(hanDisplay): the surname \(string(han[0..<k])) does not match.",
                              basis: basis)
    }

    private static func string<C: Collection>(_ scalars: C) -> String where C.Element == Unicode.Scalar {
        var s = String.UnicodeScalarView()
        s.append(contentsOf: scalars)
        return String(s)
    }

    /// "pinyin", "Hong Kong or Macao spelling", "every scheme".
    static func describe(_ schemes: [RomanisationScheme]) -> String {
        if schemes.count == RomanisationScheme.allCases.count { return "every scheme" }
        var names = schemes.map(\.description)
        let suffix = " spelling"
        var tail = ""
        if names.count > 1, names.allSatisfy({ $0.hasSuffix(suffix) }) {
            names = names.map { String($0.dropLast(suffix.count)) }
            tail = suffix
        }
        if names.count == 1 { return names[0] + tail }
        return names.dropLast().joined(separator: ", ") + " or " + names.last! + tail
    }

    /// "CHAN" or "T. M." for some characters' outcomes; with `han`, "英 = YING, 九 ≠ JE".
    private static func spelled(_ outcomes: [CharOutcome], han: [Unicode.Scalar]? = nil) -> String {
        var parts: [String] = []
        for (i, o) in outcomes.enumerated() {
            let (sign, text): (String, String)
            switch o {
            case .matched(let t, _, _, _): (sign, text) = ("=", Spelling.unpack(t))
            case .initial(let t): (sign, text) = ("=", Spelling.unpack(t))
            case .substituted(let t): (sign, text) = ("≠", Spelling.unpack(t))
            case .deleted: (sign, text) = ("", "missing")
            }
            if let han, i < han.count {
                parts.append(sign.isEmpty ? "\(Character(han[i])) \(text)" : "\(Character(han[i])) \(sign) \(text)")
            } else {
                parts.append(text)
            }
        }
        return parts.joined(separator: han == nil ? " " : ", ")
    }
}
