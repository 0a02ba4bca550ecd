/// Chinese characters: script folding and readings, from the generated Unihan tables.
///
/// Contract: pure functions over tables built once, lazily and thread-safely, on first use.
/// The tables cover about 21,000 characters: every ideograph with a Mandarin reading in IICore,
/// the 2013 PRC standard list (which added the rare characters used in personal names), the Hong
/// Kong common-character list or Unihan's core set, plus their simplified and traditional forms.
/// A character outside them has no readings and folds to itself.
public enum HanCharacters {
    /// Whether a scalar is a CJK unified or compatibility ideograph.
    public static func isHan(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0x20000...0x3FFFF: true
        default: false
        }
    }

    /// Whether a character is a single CJK ideograph.
    public static func isHan(_ character: Character) -> Bool {
        let u = character.unicodeScalars
        return u.count == 1 && isHan(u.first!)
    }

    /// Whether a string contains at least one CJK ideograph.
    public static func containsHan(_ text: String) -> Bool {
        text.unicodeScalars.contains(where: isHan)
    }

    /// Folds traditional characters (and glyph variants such as 峯, 爲) to their simplified forms,
    /// one character for one, so `simplified(s).count == s.count`. Where a traditional character
    /// has several simplified forms (鍾 → 钟, 锺), all fold to the same one. A character that is
    /// its own simplified form in some uses (乾, 著) is left alone, as is anything not Chinese.
    public static func simplified(_ text: String) -> String {
        let data = NameData.shared
        var out = String.UnicodeScalarView()
        for u in text.unicodeScalars { out.append(data.folded(u)) }
        return String(out)
    }

    /// The simplified form of one character (itself when it has none).
    public static func simplified(_ character: Character) -> Character {
        let u = character.unicodeScalars
        guard u.count == 1, let f = NameData.shared.fold[u.first!] else { return character }
        return Character(f)
    }

    /// Whether the tables know the character (it has a Mandarin reading).
    public static func isKnown(_ character: Character) -> Bool {
        guard let s = scalar(character) else { return false }
        return NameData.shared.entry(s) != nil
    }

    /// The character's spellings in a scheme: capital letters, no tones, every reading the tables
    /// keep (surname readings first, where the tables mark one: 曾 → ZENG, CENG), each reading in
    /// every spelling the scheme's table lists (陈 in Hong Kong spelling → CHAN, CHUN, TSAN, TSUN).
    /// Empty for a character the tables do not know. Traditional and simplified forms give the same.
    public static func readings(of character: Character, scheme: RomanisationScheme) -> [String] {
        guard let s = scalar(character) else { return [] }
        return NameData.shared.spellings(s, position: .surname, scheme: scheme).map { Spelling.unpack($0.key) }
    }

    /// The spellings of the character's surname readings only (曾 → ZENG; 单 → SHAN in pinyin, SIN
    /// in Hong Kong spelling). Empty when the tables mark no surname reading for it: then every
    /// reading serves (`readings(of:scheme:)`).
    public static func surnameReadings(of character: Character, scheme: RomanisationScheme) -> [String] {
        guard let s = scalar(character) else { return [] }
        let data = NameData.shared
        guard let entry = data.entry(s) else { return [] }
        let marked = scheme == .pinyin || scheme == .wadeGiles ? entry.pinyinSurname : entry.jyutpingSurname
        guard marked > 0 else { return [] }
        return data.spellings(s, position: .surname, scheme: scheme).filter(\.fits).map { Spelling.unpack($0.key) }
    }

    /// The compound (two-character) surname a Chinese name starts with, in simplified characters:
    /// 歐陽大文 → 欧阳; nil when the name starts with a one-character surname.
    public static func compoundSurname(of name: String) -> String? {
        let data = NameData.shared
        let folded = Array(name.unicodeScalars.filter(isHan)).map(data.folded)
        guard let pair = data.compound(folded) else { return nil }
        var s = String.UnicodeScalarView()
        s.append(pair.first)
        s.append(pair.second)
        return String(s)
    }

    private static func scalar(_ character: Character) -> Unicode.Scalar? {
        let u = character.unicodeScalars
        return u.count == 1 ? u.first : nil
    }
}
