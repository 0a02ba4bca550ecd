import Testing
@testable import LifecertNames

/// Script folding and readings from the generated Unihan tables.
@Suite struct HanCharactersTests {
    @Test(arguments: [
        ("陳方安生", "陈方安生"), ("張學友", "张学友"), ("梁振英", "梁振英"), ("何厚鏵", "何厚铧"), ("蔡英文", "蔡英文"),
        ("歐陽瑜", "欧阳瑜"), ("鄭", "郑"), ("楊", "杨"), ("區", "区"), ("單", "单"), ("葉", "叶"), ("鍾", "钟"), ("锺", "钟"),
        ("峯", "峰"), ("爲", "为"), ("託", "托"), ("乾隆", "乾隆"), ("陈大文", "陈大文"), ("CHAN 陳", "CHAN 陈"),
    ])
    func foldsToSimplified(traditional: String, simplified: String) {
        #expect(HanCharacters.simplified(traditional) == simplified)
        #expect(HanCharacters.simplified(traditional).unicodeScalars.count == traditional.unicodeScalars.count)
    }

    @Test func foldingIsOneForOne() {
        let text = "臺灣國語與廣東話：龍鳳麗華，鄧麗君、張國榮、關錦鵬、譚詠麟、鍾鎮濤。"
        let folded = HanCharacters.simplified(text)
        #expect(folded.unicodeScalars.count == text.unicodeScalars.count)
        #expect(folded == "台湾国语与广东话：龙凤丽华，邓丽君、张国荣、关锦鹏、谭咏麟、钟镇涛。")
        #expect(HanCharacters.simplified(Character("張")) == "张")
        #expect(HanCharacters.simplified(Character("A")) == "A")
    }

    /// The surname readings the checked-in table adds come first; the other readings stay.
    @Test(arguments: [
        ("曾", RomanisationScheme.pinyin, "ZENG", "CENG"), ("单", .macao, "SIN", "TAN"),
        ("单", .pinyin, "SHAN", "DAN"), ("單", .hongKong, "SIN", "TAN"), ("区", .pinyin, "OU", "QU"), ("區", .hongKong, "AU", "KUI"),
        ("解", .pinyin, "XIE", "JIE"), ("仇", .pinyin, "QIU", "CHOU"), ("朴", .pinyin, "PIAO", "PU"), ("查", .pinyin, "ZHA", "CHA"),
        ("区", .macao, "AO", "KUI"),
    ])
    func surnameReadingsComeFirst(char: Character, scheme: RomanisationScheme, surname: String, other: String) {
        let readings = HanCharacters.readings(of: char, scheme: scheme)
        #expect(HanCharacters.surnameReadings(of: char, scheme: scheme).contains(surname))
        #expect(HanCharacters.surnameReadings(of: char, scheme: scheme).contains(other) == false)
        #expect(readings.contains(surname))
        #expect(readings.contains(other), "\(char) keeps its other readings: \(readings)")
        #expect(readings.firstIndex(of: surname)! < readings.firstIndex(of: other)!)
    }

    /// The spellings the issue names, per scheme.
    @Test(arguments: [
        ("陈", RomanisationScheme.hongKong, "CHAN"), ("张", .hongKong, "CHEUNG"), ("黄", .hongKong, "WONG"), ("吴", .hongKong, "NG"),
        ("梁", .hongKong, "LEUNG"), ("梁", .macao, "LEONG"), ("杨", .macao, "IEONG"), ("郑", .macao, "CHEANG"),
        ("陳", .pinyin, "CHEN"), ("蔡", .wadeGiles, "TSAI"), ("張", .wadeGiles, "CHANG"), ("许", .wadeGiles, "HSU"),
        ("吕", .pinyin, "LU"), ("吕", .pinyin, "LYU"), ("吕", .pinyin, "LV"), ("李", .wadeGiles, "LEE"), ("李", .hongKong, "LEE"),
        ("李", .macao, "LEI"), ("周", .hongKong, "CHOW"), ("周", .macao, "CHAO"), ("余", .macao, "U"), ("司", .hongKong, "SZE"),
    ])
    func spellings(char: Character, scheme: RomanisationScheme, spelling: String) {
        #expect(HanCharacters.readings(of: char, scheme: scheme).contains(spelling),
                "\(char) in \(scheme): \(HanCharacters.readings(of: char, scheme: scheme))")
    }

    @Test func simplifiedAndTraditionalReadAlike() {
        for (t, s) in [("陳", "陈"), ("張", "张"), ("鄭", "郑"), ("區", "区"), ("單", "单"), ("鍾", "锺"), ("歐", "欧")] {
            for scheme in RomanisationScheme.allCases {
                #expect(Set(HanCharacters.readings(of: Character(t), scheme: scheme)) ==
                        Set(HanCharacters.readings(of: Character(s), scheme: scheme)), "\(t)/\(s) in \(scheme)")
            }
        }
    }

    /// The hundred commonest surnames (2020 census ranking) and their traditional forms, plus
    /// characters popular in given names, rare ones included: all have pinyin and Cantonese readings.
    @Test func commonNameCharactersAreCovered() {
        let surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
        let givenNames = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬芳燕彩春菊兰凤洁梅琳素云莲真环雪荣爱妹霞香月莺媛艳瑞凡佳嘉琼勤珍贞莉桂娣叶璧璐娅琦晶妍茜秋珊莎锦黛青倩婷姣婉娴瑾颖露瑶怡婵雁蓓纨仪荷丹蓉眉君琴蕊薇菁梦岚苑婕馨瑗琰韵融园艺咏卿聪澜纯毓悦昭冰爽琬茗羽希宁欣飘育滢馥筠柔竹霭凝晓欢霄枫芸菲寒伊亚宜可姬舒影荔枝思丽喆堃淼犇鑫晞玥翀珺燊瑄昇偉華國榮傑鳳麗龍輝強學鏵彥"
        let traditional = "陳張劉楊黃趙吳鄭謝許韓馮鄧蕭葉蘇呂盧鍾譚陸賈韋鄒閻龍賀顧龔萬錢嚴湯區單歐陽諸葛"
        for c in surnames + givenNames + traditional {
            #expect(HanCharacters.isKnown(c), "\(c) is not in the tables")
            #expect(!HanCharacters.readings(of: c, scheme: .pinyin).isEmpty, "\(c) has no pinyin")
            #expect(!HanCharacters.readings(of: c, scheme: .hongKong).isEmpty, "\(c) has no Cantonese reading")
            #expect(!HanCharacters.readings(of: c, scheme: .macao).isEmpty)
            #expect(!HanCharacters.readings(of: c, scheme: .wadeGiles).isEmpty)
        }
        #expect(NameData.shared.entries.count > 20_000)
    }

    @Test func compoundSurnames() {
        #expect(HanCharacters.compoundSurname(of: "歐陽震華") == "欧阳")
        #expect(HanCharacters.compoundSurname(of: "司徒华") == "司徒")
        #expect(HanCharacters.compoundSurname(of: "诸葛亮") == "诸葛")
        #expect(HanCharacters.compoundSurname(of: "陈大文") == nil)
        #expect(HanCharacters.compoundSurname(of: "欧") == nil)
    }

    @Test func unknownAndNonChinese() {
        #expect(HanCharacters.readings(of: "A", scheme: .pinyin).isEmpty)
        #expect(HanCharacters.isHan(Character("陈")))
        #expect(!HanCharacters.isHan(Character("A")))
        #expect(HanCharacters.containsHan("CHAN 陈"))
        #expect(!HanCharacters.containsHan("CHAN Tai Man"))
    }
}
