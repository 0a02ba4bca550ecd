/// A way of writing a Chinese name in Latin letters.
///
/// Contract: each case names one table of spellings in `data/romanisation/` (generated into
/// `Generated/NameTables.swift`); a character's spellings in a scheme come from its Unihan readings
/// through that table. Spellings are capital ASCII letters without tones, apostrophes or umlauts,
/// as they appear in passports and registers: 陈 is `CHEN` in pinyin and Wade-Giles, `CHAN` in the
/// Hong Kong and Macao spellings.
public enum RomanisationScheme: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Hanyu Pinyin (Mandarin), as in PRC passports: 张伟 → ZHANG WEI; ü also as U, YU or V.
    case pinyin
    /// Hong Kong Government Cantonese romanisation: 陈大文 → CHAN TAI MAN, 张 → CHEUNG.
    case hongKong
    /// Macao's Portuguese-based Cantonese romanisation: 梁 → LEONG, 杨 → IEONG, 郑 → CHEANG.
    case macao
    /// Wade-Giles as on Taiwan passports (no apostrophes or umlauts): 蔡英文 → TSAI ING WEN.
    case wadeGiles

    /// The scheme's name in an explanation for a reviewer ("Hong Kong spelling").
    public var description: String {
        switch self {
        case .pinyin: "pinyin"
        case .hongKong: "Hong Kong spelling"
        case .macao: "Macao spelling"
        case .wadeGiles: "Wade-Giles"
        }
    }

    /// One bit per scheme, for sets of schemes.
    var bit: UInt8 {
        switch self {
        case .pinyin: 1
        case .hongKong: 2
        case .macao: 4
        case .wadeGiles: 8
        }
    }

    /// The schemes whose bits are set in `mask`, in declaration order.
    static func schemes(in mask: UInt8) -> [RomanisationScheme] {
        allCases.filter { mask & $0.bit != 0 }
    }

    /// Every scheme's bit.
    static let allBits: UInt8 = 0x0F
}
