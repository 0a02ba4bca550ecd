import Testing
@testable import LifecertNames

/// Blocking keys, checked as properties over many names built from the tables.
@Suite struct NameKeysTests {
    /// A small deterministic generator (SplitMix64), so failures reproduce.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let surnames: [String] = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤区单解仇朴陳張劉楊黃鄭謝區歐".map(String.init)
        + ["欧阳", "司徒", "诸葛", "上官", "司马", "歐陽"]

    /// Characters from the tables with readings in every scheme, in code-point order.
    static let givenCharacters: [Unicode.Scalar] = NameData.shared.entries
        .filter { !$0.value.pinyin.isEmpty && !$0.value.jyutping.isEmpty }
        .map(\.key)
        .sorted { $0.value < $1.value }

    /// Western names used as extra names; none of them cuts into syllables.
    static let western = ["DAVID", "PETER", "MARY", "JOHN", "CARRIE", "DONALD"]

    /// A Latin spelling of `name`: each character by a random reading in `scheme` (or in a random
    /// scheme per character when `scheme` is nil), in one of several layouts.
    static func spell(_ name: [Character], surnameLength k: Int, scheme: RomanisationScheme?, layout: Int,
                      using rng: inout SplitMix) -> String {
        func one(_ c: Character, _ s: RomanisationScheme) -> String {
            let r = HanCharacters.readings(of: c, scheme: s)
            return r[Int(rng.next() % UInt64(r.count))]
        }
        let surnameScheme = scheme ?? RomanisationScheme.allCases[Int(rng.next() % 4)]
        let surnameParts = name[0..<k].map { one($0, surnameScheme) }
        let given = name[k...].map { one($0, scheme ?? RomanisationScheme.allCases[Int(rng.next() % 4)]) }
        let surname = surnameParts.joined(separator: layout % 2 == 0 ? "" : " ")
        let extra = western[Int(rng.next() % UInt64(western.count))]
        switch layout {
        case 0: return "\(surname) \(given.joined(separator: " "))"
        case 1: return "\(surname) \(given.joined(separator: "-"))"
        case 2:
            // Joined given names: syllables of one letter (A, E, O, I, U) are only recognised as
            // separate words, so such names are hyphenated instead (NameKeys' guarantee holds
            // either way; the comparer's does not for ONEI = O + NEI).
            if given.contains(where: { $0.count == 1 }) { return "\(surname) \(given.joined(separator: "-"))" }
            let joined = given.joined()
            return "\(surname) \(joined.prefix(1))\(joined.dropFirst().lowercased())"
        case 3: return "\(given.joined(separator: " ")) \(surname)"
        case 4: return "\(extra) \(given.joined(separator: "-")) \(surname)"
        case 5: return "\(surname), \(extra) \(given.joined(separator: " "))"
        default: return "Mr \(surname) \(given.map { String($0.first!) }.joined(separator: ". "))."
        }
    }

    /// The guarantee: a Chinese name and any spelling of it share a key, in any scheme, mixed
    /// schemes, any layout. And the comparer agrees that the spelling fits the name.
    @Test func chineseAndEverySpellingShareAKey() {
        var rng = SplitMix(state: 20_241_130)
        var checked = 0
        for _ in 0..<600 {
            let surname = Self.surnames[Int(rng.next() % UInt64(Self.surnames.count))]
            let givenLength = 1 + Int(rng.next() % 2)
            let given = (0..<givenLength).map { _ in
                Character(Self.givenCharacters[Int(rng.next() % UInt64(Self.givenCharacters.count))])
            }
            let name = Array(surname) + given
            let hanKeys = NameKeys.blockingKeys(han: String(name))
            #expect(hanKeys.count < 100, "\(String(name)): \(hanKeys.count) keys")
            for scheme in [RomanisationScheme?.none] + RomanisationScheme.allCases.map(Optional.some) {
                let layout = Int(rng.next() % 7)
                let latin = Self.spell(name, surnameLength: surname.count, scheme: scheme, layout: layout, using: &rng)
                let latinKeys = NameKeys.blockingKeys(latin: latin)
                #expect(!hanKeys.isDisjoint(with: latinKeys), "\(String(name)) / \(latin): \(hanKeys.sorted()) vs \(latinKeys.sorted())")
                let c = NameComparer.compare(chinese: String(name), latin: latin)
                switch layout {
                case 0...3:
                    if case .romanisation = c.level {} else { Issue.record("\(String(name)) / \(latin): \(c)") }
                case 4, 5:
                    #expect(c.level == .partial, "\(String(name)) / \(latin): \(c)")
                default:  // initials; an initial that is itself a syllable (A, O) matches in full
                    if case .romanisation = c.level {} else {
                        #expect(c.level == .partial, "\(String(name)) / \(latin): \(c)")
                    }
                }
                checked += 1
            }
        }
        #expect(checked == 3000)
    }

    /// Chinese names one wrong or dropped character apart (three characters or more) share a key;
    /// the same name in either script shares all of them.
    @Test func chineseNamesWithOneErrorShareAKey() {
        var rng = SplitMix(state: 7)
        for _ in 0..<500 {
            let surname = Self.surnames[Int(rng.next() % 100)]
            var name = Array(surname.unicodeScalars)
            for _ in 0..<2 { name.append(Self.givenCharacters[Int(rng.next() % UInt64(Self.givenCharacters.count))]) }
            let text = String(String.UnicodeScalarView(name))
            let keys = NameKeys.blockingKeys(han: text)
            #expect(NameKeys.blockingKeys(han: HanCharacters.simplified(text)) == keys)
            let i = Int(rng.next() % UInt64(name.count))
            var wrong = name
            wrong[i] = Self.givenCharacters[Int(rng.next() % UInt64(Self.givenCharacters.count))]
            var dropped = name
            dropped.remove(at: i)
            for variant in [wrong, dropped] {
                let v = String(String.UnicodeScalarView(variant))
                #expect(!keys.isDisjoint(with: NameKeys.blockingKeys(han: v)), "\(text) / \(v)")
            }
        }
    }

    @Test func traditionalAndSimplifiedShareTheirKeys() {
        #expect(NameKeys.blockingKeys(han: "陳大文") == NameKeys.blockingKeys(han: "陈大文"))
        #expect(NameKeys.blockingKeys(han: "歐陽震華") == NameKeys.blockingKeys(han: "欧阳震华"))
    }

    @Test func examples() {
        let han = NameKeys.blockingKeys(han: "陈大文")
        #expect(han.contains("R:CHAN|T"))
        #expect(han.contains("R:CHEN|D"))
        #expect(han.contains("H:陈大"))
        #expect(han.count < 40)
        let latin = NameKeys.blockingKeys(latin: "Peter CHAN Tai Man")
        #expect(latin.contains("R:CHAN|T"))
        #expect(!latin.contains { $0.hasPrefix("R:PETER") })
        #expect(NameKeys.blockingKeys(han: "欧阳修").contains("R:OUYANG|X"))
        #expect(NameKeys.blockingKeys(latin: "AU YEUNG Chun-wah").contains("R:AUYEUNG|C"))
        #expect(!NameKeys.blockingKeys(han: "陈大文").isDisjoint(with: NameKeys.blockingKeys(latin: "CHAN TAI MAN")))
        #expect(NameKeys.blockingKeys(han: "张伟").isDisjoint(with: NameKeys.blockingKeys(latin: "WANG Wei")))
        #expect(NameKeys.blockingKeys(latin: "").isEmpty)
        #expect(NameKeys.blockingKeys(han: "CHAN").isEmpty)
    }
}
