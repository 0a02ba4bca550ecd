/// A personal name in Latin letters, cut into comparable tokens.
///
/// Contract: `tokens` are capital ASCII letters only. Accents and pinyin tone marks are removed
/// (Zhāng → ZHANG, Lǚ → LU, João → JOAO), tone numbers dropped (Zhang1 → ZHANG), full-width
/// letters read as ASCII. Spaces, hyphens, commas, dots, slashes and brackets separate tokens
/// ("On-sang" → ON SANG; "CHAN, Tai Man" → CHAN TAI MAN — order is kept, so a surname before a
/// comma stays first). An apostrophe separates syllables (Xi'an → XI AN) except after a
/// Wade-Giles aspirated initial, where it is dropped (Ch'ing → CHING). Titles (MR, MRS, MS, MISS,
/// MADAM, MDM, DR, SR, SRA) are removed. Chinese characters in the text are ignored.
public struct LatinName: Sendable, Hashable {
    /// The name as given.
    public let original: String
    /// The name's tokens, in order.
    public let tokens: [String]

    public init(_ text: String) {
        original = text
        tokens = Self.normalize(text)
    }

    /// The tokens of a Latin name: see the type's contract.
    public static func normalize(_ text: String) -> [String] {
        tokenBytes(text).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Tokens as ASCII bytes (capital letters).
    static func tokenBytes(_ text: String) -> [[UInt8]] {
        let letters = NameData.shared.latinLetters
        var tokens: [[UInt8]] = []
        var current: [UInt8] = []
        func flush() {
            if !current.isEmpty { tokens.append(current); current.removeAll(keepingCapacity: true) }
        }
        let scalars = Array(text.unicodeScalars)
        var i = 0
        while i < scalars.count {
            let u = scalars[i]
            let v = u.value
            switch v {
            case 0x41...0x5A:
                current.append(UInt8(v))
            case 0x61...0x7A:
                current.append(UInt8(v - 0x20))
            case 0x30...0x39, 0x0300...0x036F:
                break  // tone numbers, combining accents
            case 0x27, 0x2019, 0x2018, 0x02BC, 0x02BB, 0x60, 0xB4:
                // Apostrophe: Wade-Giles aspiration (CH'ING) joins; anything else separates (XI'AN).
                let next = i + 1 < scalars.count ? scalars[i + 1] : " "
                let nextIsLetter = next.properties.isAlphabetic && !HanCharacters.isHan(next)
                if !(nextIsLetter && Self.aspirated.contains(current)) { flush() }
            default:
                if let ascii = letters[u] {
                    current.append(contentsOf: ascii.utf8)
                } else {
                    flush()
                }
            }
            i += 1
        }
        flush()
        return tokens.filter { !Self.titles.contains($0) }
    }

    /// Wade-Giles initials an aspiration apostrophe follows.
    private static let aspirated: Set<[UInt8]> = Set(["CH", "K", "P", "T", "TS", "TZ"].map { Array($0.utf8) })

    /// Forms of address that are not part of a name.
    private static let titles: Set<[UInt8]> =
        Set(["MR", "MRS", "MS", "MISS", "MADAM", "MDM", "DR", "SR", "SRA"].map { Array($0.utf8) })
}
