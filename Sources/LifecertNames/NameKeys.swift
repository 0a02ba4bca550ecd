/// Blocking keys: short strings to index names by, so that likely matches share a key.
///
/// Contract (tested property-style in NameKeysTests):
///
/// * **Chinese and Latin.** Let `han` be a Chinese name the tables know and `latin` any spelling
///   of it the tables produce: each character spelled by one of its readings in any scheme (the
///   schemes may differ between characters; a joined compound surname uses one scheme), surname
///   first or last, given syllables separate, hyphenated or joined into one word, with or without
///   extra names, titles or initials around them. Then `blockingKeys(han:)` and
///   `blockingKeys(latin:)` share at least one key. It needs the Latin name to contain the surname
///   and the given name's first syllable (or its initial); a Latin name with the surname alone
///   ("David ZHANG" for 张伟) shares a key only with one-character Chinese names.
/// * **Chinese and Chinese.** Two Chinese names that are equal after folding traditional to
///   simplified share every key; names of three or more characters one wrong or dropped
///   character apart share at least one.
///
/// Keys are `R:SPELLING|L` (a surname spelling and the first letter of the next name; `R:SPELLING|`
/// when there is none) and `H:` plus two simplified characters. A Chinese name yields about 15 keys
/// (every spelling of every reading of the surname in every scheme, times the possible initials of
/// the next character), up to about 70 for a compound surname followed by a polyphonic character;
/// a Latin name yields one per pair of tokens whose first is a syllable.
public enum NameKeys {
    /// Keys for a Chinese name: romanised keys for every spelling of the surname with every initial
    /// of the first given character, and character keys (surname + first given character, surname +
    /// last character, the two characters after the surname). Latin letters in the text are ignored.
    public static func blockingKeys(han: String) -> Set<String> {
        let data = NameData.shared
        let scalars = Array(han.unicodeScalars.filter(HanCharacters.isHan))
        guard !scalars.isEmpty else { return [] }
        let folded = scalars.map(data.folded)
        var keys = Set<String>()

        // Character keys.
        func h(_ x: Unicode.Scalar, _ y: Unicode.Scalar) -> String {
            var s = String.UnicodeScalarView()
            s.append(x)
            s.append(y)
            return "H:" + String(s)
        }
        if folded.count >= 2 { keys.insert(h(folded[0], folded[1])) }
        if folded.count >= 3 {
            keys.insert(h(folded[0], folded[folded.count - 1]))
            keys.insert(h(folded[1], folded[2]))
        }

        // Romanised keys: one-character surname (also how a split compound surname reads).
        let surnameSpellings = spellingsInAllSchemes(scalars[0], position: .surname)
        let next = scalars.count > 1 ? initialsInAllSchemes(scalars[1]) : []
        addKeys(&keys, surnames: surnameSpellings, initials: next)
        // A compound surname written as one word, one scheme at a time.
        if let pair = data.compound(folded) {
            var joined = Set<String>()
            for scheme in RomanisationScheme.allCases {
                let a = data.spellings(scalars[0], position: .compound(pair, 0), scheme: scheme)
                let b = data.spellings(scalars[1], position: .compound(pair, 1), scheme: scheme)
                for x in a { for y in b { joined.insert(Spelling.unpack(x.key) + Spelling.unpack(y.key)) } }
            }
            let after = scalars.count > 2 ? initialsInAllSchemes(scalars[2]) : []
            addKeys(&keys, surnames: joined, initials: after)
        }
        return keys
    }

    /// Keys for a Latin name: every token that is a syllable in some scheme (or two adjacent
    /// tokens, or one token, forming a compound surname written in one scheme) paired with the
    /// first letter of every other token.
    public static func blockingKeys(latin: String) -> Set<String> {
        let data = NameData.shared
        let tokens = LatinName.tokenBytes(latin)
        var keys = Set<String>()
        func add(_ surname: String, excluding span: Range<Int>) {
            var any = false
            for (i, t) in tokens.enumerated() where !span.contains(i) {
                keys.insert("R:\(surname)|\(Character(Unicode.Scalar(t[0])))")
                any = true
            }
            if !any { keys.insert("R:\(surname)|") }
        }
        for (i, t) in tokens.enumerated() {
            let text = String(decoding: t, as: UTF8.self)
            if let key = Spelling.pack(t), data.inventory.contains(key) {
                add(text, excluding: i..<(i + 1))
            }
            if data.joinedCompounds.contains(text) {
                add(text, excluding: i..<(i + 1))
            }
            if i + 1 < tokens.count {
                let pair = text + String(decoding: tokens[i + 1], as: UTF8.self)
                if data.joinedCompounds.contains(pair) { add(pair, excluding: i..<(i + 2)) }
            }
        }
        return keys
    }

    private static func addKeys(_ keys: inout Set<String>, surnames: Set<String>, initials: Set<Character>) {
        for s in surnames {
            if initials.isEmpty {
                keys.insert("R:\(s)|")
            } else {
                for c in initials { keys.insert("R:\(s)|\(c)") }
            }
        }
    }

    private static func spellingsInAllSchemes(_ scalar: Unicode.Scalar, position: NameData.Position) -> Set<String> {
        var out = Set<String>()
        for scheme in RomanisationScheme.allCases {
            for s in NameData.shared.spellings(scalar, position: position, scheme: scheme) { out.insert(Spelling.unpack(s.key)) }
        }
        return out
    }

    private static func initialsInAllSchemes(_ scalar: Unicode.Scalar) -> Set<Character> {
        var out = Set<Character>()
        for scheme in RomanisationScheme.allCases {
            for s in NameData.shared.spellings(scalar, position: .given, scheme: scheme) {
                out.insert(Character(Unicode.Scalar(Spelling.initial(s.key))))
            }
        }
        return out
    }
}
