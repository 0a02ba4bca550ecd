/// Aligning Chinese characters with Latin syllables.
///
/// A Latin name is a sequence of tokens; a token holds one syllable or several joined (TAIMAN,
/// Jinping). Aligning characters with a run of tokens cuts the tokens into syllables, never across
/// a token boundary, and pairs them with the characters in order: a syllable that is one of the
/// character's spellings *matches*; a one-letter token that starts one is an *initial*; any other
/// syllable in a character's place is a *substitution*; a syllable with no character is an
/// *insertion* (the Chinese text dropped one); a character with no syllable is a *deletion*.
/// Dynamic programming finds the alignment with the fewest edits, then the fewest initials.

/// A Latin token with the syllables that can start at each of its letters.
struct PreparedToken {
    let bytes: [UInt8]
    /// `syllables[o]`: (length, spelling) of every spelling in any scheme that starts at letter `o`.
    /// Inside a token of several letters only syllables of two letters or more count, so that
    /// one-letter syllables (A, E, I, M, N, U) do not make Western names such as CARRIE look
    /// Chinese; a one-letter token is always a syllable (or an initial).
    let syllables: [[(len: Int, key: Packed)]]
    /// Whether the whole token cuts into syllables (a Western name such as DAVID usually does not).
    let segmentable: Bool

    var text: String { String(decoding: bytes, as: UTF8.self) }
    var isInitial: Bool { bytes.count == 1 }

    init(_ bytes: [UInt8], inventory: Set<Packed>) {
        self.bytes = bytes
        var syllables: [[(len: Int, key: Packed)]] = Array(repeating: [], count: bytes.count)
        for o in 0..<bytes.count {
            var key: Packed = 0
            for len in 1...min(8, bytes.count - o) {
                key = key << 8 | Packed(bytes[o + len - 1])
                if (len > 1 || bytes.count == 1) && inventory.contains(key) { syllables[o].append((len, key)) }
            }
        }
        if bytes.count == 1, syllables[0].isEmpty { syllables[0].append((1, Packed(bytes[0]))) }
        self.syllables = syllables
        // Reachability of the token's end through syllables.
        var reach = Array(repeating: false, count: bytes.count + 1)
        reach[0] = true
        for o in 0..<bytes.count where reach[o] {
            for s in syllables[o] { reach[o + s.len] = true }
        }
        segmentable = reach[bytes.count]
    }
}

/// A Latin name ready for alignment: its tokens, and the same syllables laid out flat by letter
/// position across the whole name (what the aligner's inner loop reads).
struct PreparedLatin {
    let original: String
    let tokens: [PreparedToken]
    /// Letter position at which each token starts; `tokenStart[tokens.count]` is the letter count.
    let tokenStart: [Int]
    /// Syllables starting at letter position `q`: indexes `sylStart[q]..<sylStart[q + 1]` into
    /// `sylLen` and `sylKey`.
    let sylStart: [Int]
    let sylLen: [Int]
    let sylKey: [Packed]
    /// At the position of a one-letter token, its letter; elsewhere 0.
    let initialLetter: [UInt8]

    init(_ text: String) {
        original = text
        let inventory = NameData.shared.inventory
        tokens = LatinName.tokenBytes(text).map { PreparedToken($0, inventory: inventory) }
        var tokenStart = [0]
        var sylStart = [0]
        var sylLen: [Int] = []
        var sylKey: [Packed] = []
        var initialLetter: [UInt8] = []
        for token in tokens {
            for o in 0..<token.bytes.count {
                for syllable in token.syllables[o] {
                    sylLen.append(syllable.len)
                    sylKey.append(syllable.key)
                }
                sylStart.append(sylLen.count)
                initialLetter.append(token.isInitial ? token.bytes[0] : 0)
            }
            tokenStart.append(initialLetter.count)
        }
        self.tokenStart = tokenStart
        self.sylStart = sylStart
        self.sylLen = sylLen
        self.sylKey = sylKey
        self.initialLetter = initialLetter
    }

    /// The original text, trimmed and with runs of spaces collapsed, for explanations.
    var display: String {
        original.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).joined(separator: " ")
    }
}

/// A character's spellings, all schemes merged (each spelling with the schemes that have it).
struct CharOptions {
    let scalar: Unicode.Scalar
    private(set) var keys: [Packed] = []
    /// The schemes that have the spelling.
    private(set) var masks: [UInt8] = []
    /// The schemes in which the spelling comes from a reading fit for the character's position (a
    /// surname reading in surname position, when the tables mark one).
    private(set) var fitsMasks: [UInt8] = []
    /// The schemes in which the spelling is the usual one for a reading of the character.
    private(set) var usual: [UInt8] = []
    /// Bit `letter - 65` set for every first letter of a spelling.
    private(set) var initials: UInt32 = 0

    init(_ scalar: Unicode.Scalar, position: NameData.Position) {
        self.scalar = scalar
        let data = NameData.shared
        for scheme in RomanisationScheme.allCases {
            for s in data.spellings(scalar, position: position, scheme: scheme) {
                if let i = keys.firstIndex(of: s.key) {
                    masks[i] |= scheme.bit
                    if s.fits { fitsMasks[i] |= scheme.bit }
                    if s.usual { usual[i] |= scheme.bit }
                } else {
                    keys.append(s.key)
                    masks.append(scheme.bit)
                    fitsMasks.append(s.fits ? scheme.bit : 0)
                    usual.append(s.usual ? scheme.bit : 0)
                    initials |= 1 << (UInt32(Spelling.initial(s.key) &- 65) & 31)
                }
            }
        }
    }

    /// The same character with only the spellings of the schemes in `filter`.
    func restricted(to filter: UInt8) -> CharOptions {
        if filter == RomanisationScheme.allBits { return self }
        var copy = self
        copy.keys = []; copy.masks = []; copy.fitsMasks = []; copy.usual = []; copy.initials = 0
        for i in keys.indices where masks[i] & filter != 0 {
            copy.keys.append(keys[i])
            copy.masks.append(masks[i] & filter)
            copy.fitsMasks.append(fitsMasks[i] & filter)
            copy.usual.append(usual[i] & filter)
            copy.initials |= 1 << (UInt32(Spelling.initial(keys[i]) &- 65) & 31)
        }
        return copy
    }

    @inline(__always)
    func index(of key: Packed) -> Int? {
        for i in 0..<keys.count where keys[i] == key { return i }
        return nil
    }

    /// Whether the spelling at `i` comes from a fitting reading in one of its schemes.
    func fits(_ i: Int) -> Bool { fitsMasks[i] != 0 }

    var isKnown: Bool { !keys.isEmpty }
}

/// What became of one character in an alignment (spellings packed; `Spelling.unpack` for text).
enum CharOutcome {
    case matched(key: Packed, mask: UInt8, usual: UInt8, fits: Bool)
    case initial(Packed)
    case substituted(Packed)
    case deleted

    var isMatched: Bool { if case .matched = self { true } else { false } }
}

/// The best alignment of some characters with a run of tokens.
struct Alignment {
    var edits = 0
    var initials = 0
    var matched = 0
    var substitutions = 0
    var insertions = 0
    var deletions = 0
    var perChar: [CharOutcome] = []
    var inserted: [Packed] = []

    var isExact: Bool { edits == 0 && initials == 0 }
}

enum Aligner {
    private static let editCost: Int32 = 64
    private static let initialCost: Int32 = 1
    private static let infinity: Int32 = .max / 4

    // The choice made at each state: an operation in the low 3 bits, and above them the index of
    // the syllable used (into `PreparedLatin.sylKey`), or the letter of an initial.
    private static let opMatch: Int32 = 1, opInitial: Int32 = 2, opSubstitute: Int32 = 3, opInsert: Int32 = 4, opDelete: Int32 = 5

    /// Aligns `chars` with the tokens `run` of `latin` (consecutive; may be empty). With
    /// `exactOnly`, only matches are allowed and nil is returned unless every character matches.
    static func align(_ chars: ArraySlice<CharOptions>, _ latin: PreparedLatin, _ run: Range<Int>, exactOnly: Bool) -> Alignment? {
        let g = chars.count
        let c0 = chars.startIndex
        let q0 = latin.tokenStart[run.lowerBound]
        let p = latin.tokenStart[run.upperBound] - q0
        if exactOnly && (g == 0) != (p == 0) { return nil }
        // Flat copies of the characters' spellings, so that the loops touch no nested arrays.
        var charStart = [Int](repeating: 0, count: g + 1)
        var charKeys: [Packed] = []
        var charInitials = [UInt32](repeating: 0, count: g)
        for x in 0..<g {
            let options = chars[c0 + x]
            charKeys.append(contentsOf: options.keys)
            charStart[x + 1] = charKeys.count
            charInitials[x] = options.initials
        }
        let sylStart = latin.sylStart
        let sylLen = latin.sylLen
        let sylKey = latin.sylKey
        let initialLetter = latin.initialLetter
        let width = p + 1
        var best = [Int32](repeating: infinity, count: (g + 1) * width)
        var choice = [Int32](repeating: 0, count: (g + 1) * width)
        best[g * width + p] = 0

        @inline(__always) func matches(_ x: Int, _ key: Packed) -> Bool {
            var i = charStart[x]
            while i < charStart[x + 1] {
                if charKeys[i] == key { return true }
                i += 1
            }
            return false
        }

        var x = g
        while x >= 0 {
            var q = p
            while q >= 0 {
                let here = x * width + q
                if x == g && q == p { q -= 1; continue }
                var b = infinity
                var c: Int32 = 0
                if x < g && !exactOnly {
                    let v = best[(x + 1) * width + q]
                    if v < infinity, v + editCost < b { b = v + editCost; c = opDelete }
                }
                if q < p {
                    var si = sylStart[q0 + q]
                    let end = sylStart[q0 + q + 1]
                    while si < end {
                        let next = q + sylLen[si]
                        if x < g {
                            let v = best[(x + 1) * width + next]
                            if v < infinity {
                                if matches(x, sylKey[si]) {
                                    if v < b || (v == b && c & 7 != opMatch) { b = v; c = opMatch | Int32(si) << 3 }
                                } else if !exactOnly, v + editCost < b {
                                    b = v + editCost; c = opSubstitute | Int32(si) << 3
                                }
                            }
                        }
                        if !exactOnly {
                            let v = best[x * width + next]
                            if v < infinity, v + editCost < b { b = v + editCost; c = opInsert | Int32(si) << 3 }
                        }
                        si += 1
                    }
                    let letter = initialLetter[q0 + q]
                    if !exactOnly, x < g, letter != 0 {
                        let bit = UInt32(letter &- 65)
                        if bit < 26, charInitials[x] & (1 << bit) != 0 {
                            let v = best[(x + 1) * width + q + 1]
                            if v < infinity, v + initialCost < b { b = v + initialCost; c = opInitial | Int32(letter) << 3 }
                        }
                    }
                }
                best[here] = b
                choice[here] = c
                q -= 1
            }
            x -= 1
        }
        guard best[0] < infinity else { return nil }

        var result = Alignment()
        var cx = 0
        var cq = 0
        while cx < g || cq < p {
            let c = choice[cx * width + cq]
            let payload = Int(c >> 3)
            switch c & 7 {
            case opMatch:
                let options = chars[c0 + cx]
                let key = sylKey[payload]
                let i = options.index(of: key)!
                result.perChar.append(.matched(key: key, mask: options.masks[i], usual: options.usual[i], fits: options.fits(i)))
                result.matched += 1
                cx += 1
                cq += sylLen[payload]
            case opInitial:
                result.perChar.append(.initial(Packed(payload)))
                result.initials += 1
                cx += 1
                cq += 1
            case opSubstitute:
                result.perChar.append(.substituted(sylKey[payload]))
                result.substitutions += 1
                result.edits += 1
                cx += 1
                cq += sylLen[payload]
            case opInsert:
                result.inserted.append(sylKey[payload])
                result.insertions += 1
                result.edits += 1
                cq += sylLen[payload]
            case opDelete:
                result.perChar.append(.deleted)
                result.deletions += 1
                result.edits += 1
                cx += 1
            default:
                return nil
            }
        }
        if exactOnly && !result.isExact { return nil }
        return result
    }
}
