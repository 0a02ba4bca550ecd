import Testing
import LifecertNames

/// Chinese names against Latin spellings, one spelling family at a time, with real names of
/// public figures (constructed names are marked as such).
@Suite struct RomanisationTests {
    static func expectScheme(_ han: String, _ latin: String, _ scheme: RomanisationScheme,
                             sourceLocation: SourceLocation = #_sourceLocation) {
        let c = NameComparer.compare(chinese: han, latin: latin)
        #expect(c.level == .romanisation(scheme), "\(han) / \(latin): \(c)", sourceLocation: sourceLocation)
        #expect(c.similarity >= 0.85, sourceLocation: sourceLocation)
        #expect(c.basis == .chineseWithLatin, sourceLocation: sourceLocation)
    }

    @Test(arguments: [
        ("习近平", "XI Jinping"), ("习近平", "Jinping XI"), ("李克强", "LI Keqiang"), ("姚明", "YAO Ming"),
        ("刘翔", "Liu Xiang"), ("章子怡", "ZHANG Ziyi"), ("王毅", "WANG Yi"), ("郎朗", "LANG Lang"),
        ("曾国藩", "ZENG Guofan"), ("单田芳", "SHAN Tianfang"), ("欧阳修", "OUYANG Xiu"), ("诸葛亮", "ZHUGE Liang"),
        ("司马迁", "SIMA Qian"), ("張藝謀", "ZHANG Yimou"), ("吕大文", "LYU Dawen"), ("吕大文", "LV Da-wen"),
        ("张伟", "Zhāng Wěi"), ("张伟", "Zhang1 Wei3"), ("张伟", "WEI Zhang"), ("解缙", "XIE Jin"), ("仇英", "QIU Ying"),
    ])
    func pinyin(han: String, latin: String) { Self.expectScheme(han, latin, .pinyin) }

    @Test(arguments: [
        ("梁振英", "LEUNG Chun-ying"), ("張學友", "CHEUNG Hok-yau"), ("周潤發", "CHOW Yun-fat"), ("劉德華", "LAU Tak-wah"),
        ("梁朝偉", "LEUNG Chiu-wai"), ("吳君如", "NG Kwan-yu"), ("張國榮", "CHEUNG Kwok-wing"), ("陳奕迅", "CHAN Yik-shun"),
        ("李家超", "LEE Ka-chiu"), ("曾蔭權", "TSANG Yam-kuen"), ("黃家駒", "WONG Ka-kui"), ("區諾軒", "AU Nok-hin"),
        ("司徒華", "SZETO Wah"), ("歐陽震華", "AU YEUNG Chun-wah"), ("林鄭月娥", "LAM CHENG Yuet-ngor"),
        ("陈大文", "CHAN Tai Man"), ("陈大文", "CHAN Taiman"), ("陈大文", "Tai-man CHAN"), ("陈大文", "CHAN, Tai Man"),
    ])
    func hongKong(han: String, latin: String) { Self.expectScheme(han, latin, .hongKong) }

    /// Macao spellings; where Hong Kong spells the name the same (HO Hau Wah), the comparison
    /// reports Hong Kong first but names both.
    @Test(arguments: [
        ("賀一誠", "HO Iat Seng"), ("梁維特", "LEONG Vai Tac"), ("譚俊榮", "TAM Chon Weng"), ("歐陽瑜", "AO IEONG U"),
        ("黃少澤", "WONG Sio Chak"), ("李偉農", "LEI Wai Nong"), ("梁安琪", "LEONG On Kei"),
        ("郑大文", "CHEANG Tai Man"), ("杨大文", "IEONG Tai Man"), ("張永春", "CHEONG Weng Chon"),  // constructed, constructed, real
    ])
    func macao(han: String, latin: String) { Self.expectScheme(han, latin, .macao) }

    @Test(arguments: [("何厚鏵", "HO Hau Wah"), ("崔世安", "CHUI Sai On"), ("陳海帆", "CHAN Hoi Fan")])
    func macaoNamesSpelledAsInHongKong(han: String, latin: String) {
        let c = NameComparer.compare(chinese: han, latin: latin)
        #expect(c.level.isAgreement)
        #expect(c.explanation.contains("Macao"), "\(c)")
    }

    @Test(arguments: [
        ("蔣經國", "CHIANG Ching-kuo"), ("蔣經國", "Chiang Ch'ing-kuo"), ("蔡英文", "TSAI Ing-wen"), ("賴清德", "LAI Ching-te"),
        ("韓國瑜", "HAN Kuo-yu"), ("李登輝", "LEE Teng-hui"), ("連戰", "LIEN Chan"),
    ])
    func wadeGiles(han: String, latin: String) { Self.expectScheme(han, latin, .wadeGiles) }

    /// Gwoyeu Romatzyh's tonal spelling JEOU (九 jiǔ) is not in the tables: only partly matched.
    @Test func maYingJeouIsPartial() {
        let c = NameComparer.compare(chinese: "馬英九", latin: "MA Ying-jeou")
        #expect(c.level == .partial, "\(c)")
    }

    /// 蔣介石: Wade-Giles surname, Cantonese given name. Every character matches, in mixed spelling.
    @Test func mixedSchemes() {
        let c = NameComparer.compare(chinese: "蔣介石", latin: "CHIANG Kai-shek")
        #expect(c.level == .romanisation(.hongKong) || c.level == .romanisation(.wadeGiles), "\(c)")
        #expect(c.explanation.contains("mostly"))
        let d = NameComparer.compare(chinese: "陈方安生", latin: "CHAN FANG On Sang")  // 方 in Mandarin, the rest Cantonese
        #expect(d.level == .romanisation(.hongKong), "\(d)")
        #expect(d.similarity < NameComparer.compare(chinese: "陈大文", latin: "CHAN Tai Man").similarity)
    }

    /// Traditional and simplified characters spell alike.
    @Test func scriptDoesNotMatter() {
        #expect(NameComparer.compare(chinese: "张学友", latin: "CHEUNG Hok-yau").level == .romanisation(.hongKong))
        #expect(NameComparer.compare(chinese: "賴清德", latin: "LAI Ching-te").level == .romanisation(.wadeGiles))
    }

    /// A surname spelled with a reading that is not its surname reading still matches, lower.
    @Test func nonSurnameReading() {
        let usual = NameComparer.compare(chinese: "曾国藩", latin: "ZENG Guofan")
        let other = NameComparer.compare(chinese: "曾国藩", latin: "CENG Guofan")
        #expect(other.level == .romanisation(.pinyin))
        #expect(other.similarity < usual.similarity)
        #expect(other.explanation.contains("ZENG"))
        #expect(NameComparer.compare(chinese: "朴树", latin: "PIAO Shu").similarity > NameComparer.compare(chinese: "朴树", latin: "PU Shu").similarity)
    }
}

/// Western names, initials and missing given names.
@Suite struct PartialTests {
    @Test(arguments: [
        ("张伟", "David Wei ZHANG"), ("陳方安生", "Anson CHAN Fang On-sang"), ("曾蔭權", "Donald TSANG Yam-kuen"),
        ("林鄭月娥", "Carrie LAM CHENG Yuet-ngor"), ("李家超", "John LEE Ka-chiu"), ("梁安琪", "Angela LEONG On Kei"),
        ("陈大文", "CHAN Tai Man, Peter"), ("陈大文", "CHAN Peter Tai Man"), ("吳彥祖", "Daniel WU Yin-cho"),
    ])
    func westernFirstName(han: String, latin: String) {
        let c = NameComparer.compare(chinese: han, latin: latin)
        #expect(c.level == .partial, "\(c)")
        #expect(c.similarity >= 0.65, "\(c)")
        #expect(c.explanation.contains("extra name"), "\(c)")
    }

    @Test func surnameOnly() {
        let c = NameComparer.compare(chinese: "吳彥祖", latin: "Daniel WU")
        #expect(c.level == .partial)
        #expect(c.similarity < 0.5)
        #expect(c.explanation.contains("Only the surname"), "\(c)")
    }

    @Test func initials() {
        let c = NameComparer.compare(chinese: "陈大文", latin: "T. M. CHAN")
        #expect(c.level == .partial, "\(c)")
        #expect(c.explanation.contains("initials"))
    }

    @Test func givenNamePartly() {
        let c = NameComparer.compare(chinese: "张伟明", latin: "ZHANG Wei")
        #expect(c.level == .partial, "\(c)")
    }
}

/// OCR errors in the Chinese name, and namesakes that must not pass as the same person.
@Suite struct OCRAndNamesakeTests {
    @Test func oneWrongCharacter() {
        let c = NameComparer.compareChinese("陈大文", "陈木文")
        #expect(c.level == .ocrClose, "\(c)")
        #expect(NameComparer.compareChinese("張學友", "张学支").level == .ocrClose)
        let l = NameComparer.compare(chinese: "陈木文", latin: "CHAN Tai Man")
        #expect(l.level == .ocrClose, "\(l)")
    }

    @Test func droppedCharacter() {
        #expect(NameComparer.compareChinese("陈大文", "陈文").level == .ocrClose)
        #expect(NameComparer.compareChinese("陈方安生", "方安生").level == .ocrClose)
        let l = NameComparer.compare(chinese: "陈文", latin: "CHAN Tai Man")
        #expect(l.level == .ocrClose, "\(l)")
        #expect(l.explanation.contains("dropped"))
    }

    @Test func namesakesOneCharacterApartAreNotExact() {
        let c = NameComparer.compareChinese("陈大文", "陈小文")
        #expect(c.level == .ocrClose)
        #expect(!c.level.isAgreement)
        #expect(c.similarity < NameComparer.compareChinese("陳大文", "陈大文").similarity)
    }

    @Test func differentSurnamesDisagree() {
        let c = NameComparer.compareChinese("张伟", "王伟")
        #expect(c.level == .disagree, "\(c)")
        #expect(c.explanation.contains("surnames differ"))
        #expect(NameComparer.compare(chinese: "张伟", latin: "WANG Wei").level == .disagree)
        #expect(NameComparer.compare(chinese: "陈大文", latin: "WONG Tai Man").level == .disagree)
    }

    @Test func differentGivenNamesDisagree() {
        #expect(NameComparer.compareChinese("陈大文", "陈小明").level == .disagree)
        #expect(NameComparer.compare(chinese: "张伟", latin: "ZHANG Ming").level == .disagree)
        #expect(NameComparer.compare(chinese: "陈大文", latin: "John Smith").level == .disagree)
    }

    /// 陈大文 and 陳泰民 are both CHAN Tai Man: the characters decide.
    @Test func homophonesAreDifferentPeople() {
        let c = NameComparer.compare(han: "陈大文", latin: "CHAN Tai Man", against: "陳泰民", registryLatin: "CHAN Tai Man")
        #expect(c.level == .disagree, "\(c)")
        #expect(c.basis == .chineseWithChinese)
        #expect(c.explanation.contains("share a spelling"))
    }
}

/// Putting the certificate's and the registry's fields together.
@Suite struct BestEvidenceTests {
    @Test func chineseWithChineseIsExactOrFolded() {
        let c = NameComparer.compare(han: "陳大文", latin: "CHAN Tai Man", against: "陈大文", registryLatin: nil)
        #expect(c.level == .sameAfterFolding)
        #expect(c.basis == .chineseWithChinese)
        #expect(NameComparer.compare(han: "陈大文", latin: nil, against: "陈大文", registryLatin: nil).level == .exact)
    }

    /// A registry that holds the name in English, in the name field.
    @Test func englishRegisteredName() {
        let c = NameComparer.compare(han: "陳大文", latin: nil, against: "CHAN TAI MAN", registryLatin: nil)
        #expect(c.level == .romanisation(.hongKong), "\(c)")
        #expect(c.basis == .chineseWithLatin)
        let d = NameComparer.compare(han: nil, latin: "CHAN Tai Man", against: "Peter CHAN Tai Man", registryLatin: nil)
        #expect(d.level == .partial)
        #expect(d.basis == .latinWithLatin)
        let e = NameComparer.compare(han: "陳大文", latin: "CHAN Tai Man", against: "WONG Siu Ming", registryLatin: nil)
        #expect(e.level == .disagree)
    }

    @Test func latinOnlyOnTheCertificate() {
        let c = NameComparer.compare(han: nil, latin: "David Wei ZHANG", against: "张伟", registryLatin: nil)
        #expect(c.level == .partial)
        let d = NameComparer.compare(han: nil, latin: "Tai-man CHAN", against: "陈大文", registryLatin: "CHAN Tai Man")
        #expect(d.level == .romanisation(.hongKong) || d.level == .sameAfterFolding, "\(d)")
    }

    /// Identical Chinese names decide even when a Latin name contradicts them; the explanation says so.
    @Test func chineseDecidesOverAContradictingLatinName() {
        let c = NameComparer.compare(han: "陈大文", latin: "WONG Siu Ming", against: "陈大文", registryLatin: nil)
        #expect(c.level == .exact)
        #expect(c.similarity < 1)
        #expect(c.explanation.contains("does not fit"), "\(c)")
    }

    @Test func bothScriptsInOneField() {
        let c = NameComparer.compare(han: "陈大文 CHAN Tai Man", latin: nil, against: nil, registryLatin: "CHAN TAI MAN")
        #expect(c.level.isAgreement, "\(c)")
    }

    /// An OCR-close Chinese name that the Latin name confirms scores higher than one alone.
    @Test func latinSupportsAnOCRCloseName() {
        let alone = NameComparer.compare(han: "陈木文", latin: nil, against: "陈大文", registryLatin: nil)
        let supported = NameComparer.compare(han: "陈木文", latin: "CHAN Tai Man", against: "陈大文", registryLatin: nil)
        #expect(alone.level == .ocrClose)
        #expect(supported.level == .ocrClose)
        #expect(supported.similarity > alone.similarity)
    }

    @Test func missing() {
        #expect(NameComparer.compare(han: nil, latin: nil, against: "陈大文", registryLatin: nil).level == .missing)
        #expect(NameComparer.compare(han: "陈大文", latin: nil, against: nil, registryLatin: nil).level == .missing)
        #expect(NameComparer.compare(han: "", latin: "  ", against: "陈大文", registryLatin: nil).level == .missing)
    }

    @Test func latinWithLatin() {
        #expect(NameComparer.compareLatin("CHAN Tai Man", "CHAN TAI MAN").level == .exact)
        #expect(NameComparer.compareLatin("CHAN Tai Man", "Tai-man CHAN").level == .sameAfterFolding)
        #expect(NameComparer.compareLatin("CHAN Tai Man", "CHAN Taiman").level == .sameAfterFolding)
        #expect(NameComparer.compareLatin("CHAN Tai Man", "CHAM Tai Man").level == .ocrClose)
        #expect(NameComparer.compareLatin("CHAN Tai Man", "Peter CHAN Tai Man").level == .partial)
        #expect(NameComparer.compareLatin("CHAN Tai Man", "T M CHAN").level == .partial)
        #expect(NameComparer.compareLatin("CHAN Tai Man", "CHAN Siu Ming").level == .disagree)
    }

    @Test func explanationsNameTheScheme() {
        let c = NameComparer.compare(han: "陈大文", latin: nil, against: nil, registryLatin: "CHAN Tai Man")
        #expect(c.explanation == "Chinese 陈大文 matches Latin CHAN Tai Man in Hong Kong or Macao spelling.")
    }

    /// Comparisons from many threads at once (the tables load once, on first use).
    @Test func concurrentUse() async {
        let results = await withTaskGroup(of: Bool.self) { group in
            for i in 0..<16 {
                group.addTask {
                    let c = NameComparer.compare(han: i % 2 == 0 ? "陈大文" : "陳大文", latin: nil, against: nil, registryLatin: "CHAN Tai Man")
                    return c.level == .romanisation(.hongKong)
                }
            }
            var all: [Bool] = []
            for await r in group { all.append(r) }
            return all
        }
        #expect(results.count == 16 && results.allSatisfy { $0 })
    }
}
