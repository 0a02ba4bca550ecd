/// A spelling packed into one integer: up to eight capital ASCII letters, one byte each, so that
/// comparing and hashing spellings costs no allocation. Every spelling in the tables fits.
typealias Packed = UInt64

enum Spelling {
    /// Packs `bytes` (capital ASCII letters, at most eight); nil when longer.
    @inline(__always)
    static func pack<C: Collection>(_ bytes: C) -> Packed? where C.Element == UInt8 {
        var value: Packed = 0
        var count = 0
        for b in bytes {
            count += 1
            if count > 8 { return nil }
            value = value << 8 | Packed(b)
        }
        return value
    }

    /// The letters of a packed spelling.
    static func unpack(_ value: Packed) -> String {
        var bytes: [UInt8] = []
        var v = value
        while v != 0 {
            bytes.append(UInt8(truncatingIfNeeded: v & 0xFF))
            v >>= 8
        }
        return String(decoding: bytes.reversed(), as: UTF8.self)
    }

    /// The first letter of a packed spelling.
    static func initial(_ value: Packed) -> UInt8 {
        var v = value
        while v > 0xFF { v >>= 8 }
        return UInt8(truncatingIfNeeded: v)
    }
}

/// One spelling of a character in one scheme.
struct Spelt: Sendable {
    let key: Packed
    /// From a reading fit for the character's position (a surname reading in surname position).
    var fits: Bool
    /// The scheme's usual spelling of the reading (the first its table lists: CHEUNG, not CHEONG).
    var usual: Bool
}

/// One character's readings: indexes into the pinyin and Jyutping syllable tables, surname
/// readings first.
struct CharEntry: Sendable {
    let pinyin: [UInt16]
    let jyutping: [UInt16]
    /// How many of the leading `pinyin` readings are surname readings (0: none is marked).
    let pinyinSurname: UInt8
    /// How many of the leading `jyutping` readings are surname readings (0: none is marked).
    let jyutpingSurname: UInt8
}

/// The readings a compound surname's two characters take in that surname.
struct CompoundReadings: Sendable {
    let pinyin: [UInt16]     // empty, or one syllable per character
    let jyutping: [UInt16]   // empty, or one syllable per character
}

/// Two characters, as a dictionary key.
struct ScalarPair: Hashable, Sendable {
    let first: Unicode.Scalar
    let second: Unicode.Scalar
}

/// The generated tables, parsed once on first use (a `static let`, so thread-safe and lazy).
final class NameData: Sendable {
    static let shared = NameData()

    let entries: [Unicode.Scalar: CharEntry]
    let fold: [Unicode.Scalar: Unicode.Scalar]
    /// Per pinyin syllable: its passport spellings and its Wade-Giles spellings.
    let pinyinSpellings: [[Packed]]
    let wadeGilesSpellings: [[Packed]]
    /// Per Jyutping syllable: its Hong Kong and Macao spellings.
    let hongKongSpellings: [[Packed]]
    let macaoSpellings: [[Packed]]
    let compounds: [ScalarPair: CompoundReadings]
    /// Every spelling of every syllable in every scheme: what a Latin syllable can be.
    let inventory: Set<Packed>
    /// Compound surnames written as one word in one scheme (OUYANG, AUYEUNG, SZETO).
    let joinedCompounds: Set<String>
    /// Accented and full-width Latin letters → capital ASCII.
    let latinLetters: [Unicode.Scalar: String]

    private init() {
        func lines(_ text: String) -> [Substring] {
            text.split(separator: "\n", omittingEmptySubsequences: true)
        }
        func fields(_ line: Substring) -> [Substring] {
            line.split(separator: "\t", omittingEmptySubsequences: false)
        }
        func words(_ s: Substring) -> [Substring] {
            s.split(separator: " ")
        }

        // Syllable tables.
        func syllables(_ text: String) -> (index: [Substring: UInt16], spellings: [[Packed]]) {
            var index: [Substring: UInt16] = [:]
            var spellings: [[Packed]] = []
            for line in lines(text) {
                let f = fields(line)
                index[f[0]] = UInt16(spellings.count)
                spellings.append(words(f[1]).compactMap { Spelling.pack($0.utf8) })
            }
            return (index, spellings)
        }
        let pinyin = syllables(GeneratedNameTables.pinyin)
        let wade = syllables(GeneratedNameTables.wadeGiles)
        let hk = syllables(GeneratedNameTables.hongKong)
        let macao = syllables(GeneratedNameTables.macao)
        // The pinyin and Wade-Giles tables list the same syllables in the same (sorted) order, as do
        // the two Jyutping tables; index by one and read the other positionally.
        precondition(pinyin.spellings.count == wade.spellings.count && hk.spellings.count == macao.spellings.count,
                     "generated name tables are inconsistent: re-run scripts/gen-name-tables")
        pinyinSpellings = pinyin.spellings
        wadeGilesSpellings = wade.spellings
        hongKongSpellings = hk.spellings
        macaoSpellings = macao.spellings

        // Characters.
        func readings(_ s: Substring, _ index: [Substring: UInt16]) -> (ids: [UInt16], surname: UInt8) {
            var ids: [UInt16] = []
            var surname: UInt8 = 0
            for w in words(s) {
                let marked = w.first == "*"
                let key = marked ? w.dropFirst() : w
                guard let id = index[key] else { continue }
                if marked { surname += 1 }
                ids.append(id)
            }
            return (ids, surname)
        }
        var entries: [Unicode.Scalar: CharEntry] = [:]
        entries.reserveCapacity(21_000)
        for line in lines(GeneratedNameTables.characters) {
            let f = fields(line)
            guard f.count == 3, let scalar = f[0].unicodeScalars.first else { continue }
            let p = readings(f[1], pinyin.index)
            let j = readings(f[2], hk.index)
            entries[scalar] = CharEntry(pinyin: p.ids, jyutping: j.ids, pinyinSurname: p.surname, jyutpingSurname: j.surname)
        }
        self.entries = entries

        var fold: [Unicode.Scalar: Unicode.Scalar] = [:]
        for line in lines(GeneratedNameTables.folding) {
            let s = Array(line.unicodeScalars)
            if s.count == 2 { fold[s[0]] = s[1] }
        }
        self.fold = fold

        var compounds: [ScalarPair: CompoundReadings] = [:]
        for line in lines(GeneratedNameTables.compoundSurnames) {
            let f = fields(line)
            let s = Array(f[0].unicodeScalars)
            guard s.count == 2 else { continue }
            let py = f.count > 1 ? words(f[1]).compactMap { pinyin.index[$0] } : []
            let jp = f.count > 2 ? words(f[2]).compactMap { hk.index[$0] } : []
            compounds[ScalarPair(first: s[0], second: s[1])] =
                CompoundReadings(pinyin: py.count == 2 ? py : [], jyutping: jp.count == 2 ? jp : [])
        }
        self.compounds = compounds

        var inventory = Set<Packed>()
        for table in [pinyinSpellings, wadeGilesSpellings, hongKongSpellings, macaoSpellings] {
            for list in table { inventory.formUnion(list) }
        }
        self.inventory = inventory

        var latin: [Unicode.Scalar: String] = [:]
        for line in lines(GeneratedNameTables.latinLetters) {
            let f = fields(line)
            if f.count == 2, let s = f[0].unicodeScalars.first { latin[s] = String(f[1]) }
        }
        self.latinLetters = latin

        // Joined compound surnames, one scheme at a time (mixing schemes inside one word is not a
        // spelling anyone writes).
        var joined = Set<String>()
        for (pair, _) in compounds {
            for scheme in RomanisationScheme.allCases {
                let a = Self.spellings(pair.first, position: .compound(pair, 0), scheme: scheme,
                                       entries: entries, fold: fold, compounds: compounds,
                                       tables: (pinyinSpellings, wadeGilesSpellings, hongKongSpellings, macaoSpellings))
                let b = Self.spellings(pair.second, position: .compound(pair, 1), scheme: scheme,
                                       entries: entries, fold: fold, compounds: compounds,
                                       tables: (pinyinSpellings, wadeGilesSpellings, hongKongSpellings, macaoSpellings))
                for x in a { for y in b { joined.insert(Spelling.unpack(x.key) + Spelling.unpack(y.key)) } }
            }
        }
        self.joinedCompounds = joined
    }

    /// Where a character stands in a name, which decides which readings come first.
    enum Position: Equatable {
        case given
        case surname
        /// Character `index` (0 or 1) of a compound surname.
        case compound(ScalarPair, Int)
    }

    /// The character's own entry, or its simplified form's.
    func entry(_ scalar: Unicode.Scalar) -> CharEntry? {
        if let e = entries[scalar] { return e }
        if let f = fold[scalar] { return entries[f] }
        return nil
    }

    /// The simplified form of a character (itself when it has none).
    @inline(__always)
    func folded(_ scalar: Unicode.Scalar) -> Unicode.Scalar { fold[scalar] ?? scalar }

    /// A character's spellings in one scheme, in table order (surname readings first when in
    /// surname position), each with whether it comes from a reading fit for that position and
    /// whether it is the scheme's usual (first-listed) spelling of one of the readings.
    func spellings(_ scalar: Unicode.Scalar, position: Position, scheme: RomanisationScheme) -> [Spelt] {
        Self.spellings(scalar, position: position, scheme: scheme, entries: entries, fold: fold, compounds: compounds,
                       tables: (pinyinSpellings, wadeGilesSpellings, hongKongSpellings, macaoSpellings))
    }

    private static func spellings(
        _ scalar: Unicode.Scalar, position: Position, scheme: RomanisationScheme,
        entries: [Unicode.Scalar: CharEntry], fold: [Unicode.Scalar: Unicode.Scalar],
        compounds: [ScalarPair: CompoundReadings],
        tables: ([[Packed]], [[Packed]], [[Packed]], [[Packed]])
    ) -> [Spelt] {
        guard let entry = entries[scalar] ?? fold[scalar].flatMap({ entries[$0] }) else { return [] }
        let mandarin = scheme == .pinyin || scheme == .wadeGiles
        let ids = mandarin ? entry.pinyin : entry.jyutping
        let marked = Int(mandarin ? entry.pinyinSurname : entry.jyutpingSurname)
        let table: [[Packed]]
        switch scheme {
        case .pinyin: table = tables.0
        case .wadeGiles: table = tables.1
        case .hongKong: table = tables.2
        case .macao: table = tables.3
        }
        var out: [Spelt] = []
        func add(_ id: UInt16, fits: Bool) {
            for (n, key) in table[Int(id)].enumerated() {
                if let i = out.firstIndex(where: { $0.key == key }) {
                    if fits { out[i].fits = true }
                    if n == 0 { out[i].usual = true }
                } else {
                    out.append(Spelt(key: key, fits: fits, usual: n == 0))
                }
            }
        }
        switch position {
        case .given:
            for id in ids { add(id, fits: true) }
        case .surname:
            for (i, id) in ids.enumerated() { add(id, fits: marked == 0 || i < marked) }
        case .compound(let pair, let index):
            let c = compounds[pair]
            let override = mandarin ? c?.pinyin : c?.jyutping
            if let override, override.count == 2 {
                add(override[index], fits: true)
                for id in ids { add(id, fits: false) }
            } else {
                for id in ids { add(id, fits: true) }
            }
        }
        return out
    }

    /// The compound surname a folded name starts with, if any.
    func compound(_ folded: [Unicode.Scalar]) -> ScalarPair? {
        guard folded.count >= 2 else { return nil }
        let pair = ScalarPair(first: folded[0], second: folded[1])
        return compounds[pair] == nil ? nil : pair
    }
}
