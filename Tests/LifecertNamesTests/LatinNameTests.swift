import Testing
import LifecertNames

/// Normalising Latin names into tokens.
@Suite struct LatinNameTests {
    @Test(arguments: [
        ("CHAN Tai Man", ["CHAN", "TAI", "MAN"]),
        ("Fang On-sang", ["FANG", "ON", "SANG"]),
        ("CHAN, Tai Man", ["CHAN", "TAI", "MAN"]),
        ("Zhāng Wěi", ["ZHANG", "WEI"]),
        ("Zhang1 Wei3", ["ZHANG", "WEI"]),
        ("Lǚ Dàwén", ["LU", "DAWEN"]),
        ("LÜ Dawen", ["LU", "DAWEN"]),
        ("Chiang Ch'ing-kuo", ["CHIANG", "CHING", "KUO"]),
        ("T’ang", ["TANG"]),
        ("Xi'an", ["XI", "AN"]),
        ("Mr. CHAN Tai-man", ["CHAN", "TAI", "MAN"]),
        ("Sra. LEONG On Kei", ["LEONG", "ON", "KEI"]),
        ("ＣＨＡＮ　Ｔａｉ", ["CHAN", "TAI"]),
        ("João Ho", ["JOAO", "HO"]),
        ("陈大文 (CHAN Tai Man)", ["CHAN", "TAI", "MAN"]),
        ("  ", []),
    ])
    func normalize(text: String, tokens: [String]) {
        #expect(LatinName.normalize(text) == tokens)
        #expect(LatinName(text).tokens == tokens)
    }
}
