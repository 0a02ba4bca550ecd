import Foundation
import LifecertDomain
import Testing
@testable import LifecertForms

/// Real Tesseract 5 output (Debian's fast models, the template's languages) of scans in
/// samples/scans/, with misreadings and all: the regressions that clean text cannot catch.
/// Expected values are the ground truth in samples/truth/ where the OCR text still carries them.
enum RealOCR {
    static let scan001 = """
        在境外居住人员领取养老金资格审核表
        编号: 〈2026)美领审字第214287号

        姓名: 郑国术    性别: 女

        外文姓名: ZHENG Guojie

        出生日期: 1961年6月16日

        护照号码: EB4311168

        SOMES: 310104196106169981

        居住国家: 美国

        HELE: 143 Oak Street

        领取养老金部门: 广东省社会保险基金管理局
        申请人签名:

        效证明上述申请人于2026年11月11日本人亲自到我馆办理
        养老金资格审核，确认其仍健在。

        经办人签名:                           审核人签署:                                                                        这

        华人民共和国驻旧金山癌
        AFR FE AE GEIR ea

        4

        eA
        中华
        """

    static let scan004 = """
                       a
        香港工會聯合會
        HONG KONG FEDERATION OF TRADE UNIONS

        在生證明書
        CERTIFICATE OF LIFE

        證明書編號 No.: FTU-2026-143563

        姓名 Name: 周蘭秀 CHOW Lan Sau

        性別 Sex: 女 / Female

        出生日期 Date of Birth: 1959年5月10日

        香港身份證號碼 HKID No.: P713271(2)
        回鄉證號碼 Home Visit Permit No.: H20515640

        茲證明上述人士 二零二六年十月五日親身到本會,
        經核實身份, 確認其仍然健在。
        This is to certify that the above person appeared in person on October 5, 2026.
        """

    static let scan007 = """
        市政點

        Instituto para os Assuntos Municipais

        在生證明

        Certidão de Vida

        姓名 Nome: 李強 LEI Keung

        性別 Sexo: E

        出生日期 Data de nascimento: 18 de Maio de 1960
        澳門居民身份證 BIR n.º: 1466953(1)

        茲證明上述人士於二零二六年九月二十二日親臨本屠, 現仍在生。
        Certifica-se que compareceu pessoalmente em 22 de Setembro de 2026.

        編號 N.”;: IAM/2026/656054
        """

    static let scan008 = """
        澳門工會聯合總會

        Associacao Geraldos Operarios de Macau

        在生證明書

        HS: 張國

        葡文姓名: CHEONG Kwok

        性別: 男 出生日期: 1938年2月18日
        澳門居民身份證號碼: 5981039(8)

        茲證明上述人士於二0二六年九月十一日親身到本會辦理,
        經核對證件, 確認其仍然健在。

        澳門工會聯合總會
        EPT ER

        二零二六年
        """

    static let scan009 = """
        澳门居住人员在生证明协查表

        姓名: 黄静 性别: 女

        出生日期: 1930年7月26日
        澳门居民身份证号码: 7479049(3)

        港澳居民来往内地通行证号码: M66560003
        领取养老金部门: 广东省社会保险基金管理局

        X

        社会保障基金
        社会{ 障基金 Fundo de SeguranSa居Jocial

        经核实，上述人员于2026年9月17日仍在生。
        """

    static let scan010 = """
        請求人: 鄭玲文

        性別: 男

        出生日期: 民國40年8月1日

        國民身分證統一編號. E168917845

        公證事項: 請求人於民國115年8月24日親自到場,

        本公證人確認其仍然生存, 特此證明。

        臺灣臺

        115年度北院民公字第275086號

        家

        民間公證人事務所

        地方法院所屬民間公證人
        """

    static let scan011 = """
        CERTIFICATE OF LIFE

        (Life Certificate for Pension Purposes)

        I, the undersigned Notary Public, certify that
        LIU Jing

        born on 17 AUG 1940, sex Male,

        holder of passport No. EJ1153090,

        personally appeared before me on 11 OCT 2026

        and is alive on that date.

        Certificate No. N-573864

        NOTARY PUBLI
        Notary Public, Sifgapore

        Dated October , 2026
        """

    static let scan012 = """
        苯敬的广东省社会保险基金管理局 :

        您好 ! 本人王辉军，身份证号码440104196002288133，

        现居住在英国，每月领取养老金。
        随信寄上本人今年的生存证明原件，
        请查收并办理资格认证。谢谢 !

        此致
        敬礼

        Eee
        2026年10月4日
        """

    static let scan013 = """
        AIRMAIL 航空

        寄件人: SEK
        37 Oak Street
        Australia

        收件人:

        广东省社会保险基金管理局 IK
        中国 广州市

        P.R. CHINA
        """

    static let scan016 = """
        出境定居离退休人员健在确认胡
        mS: (2026)泰领审字第827881 号

        姓 “ 名: 冯丽平

        性 all: &

        出生年月日: 1959年8月6日
        身份证号码: 440104195908061483
        护照号码; £8171643

        定居国家: 泰国

        原工作单位: 广州市某某公司

        经审核，上述离退休人员于2026年10月4日亲自前来我馆，                         1
        现仍健在。特此确认。                                                                                            *

        共和国驻泰国大
        华人民共和国驻泰

        PEAR
        中
        """

    static let scan017 = """
        兹证明李明洋 (女，一九五六年九月二日出生，
        护照号码EA3866197) 于二O二六年九月二十七日
        在本馆领事官员面前亲自签名，现仍健在。

        生存证明书

        (2026) 字第609213号

        *

        AR AMR HE CHT
        领事:
        二口二六年无月及十畴日
        """

    static let scan018letter = """
        尊敬的廣東省社會保險基金管理局:

        您好 ! 本人李文強, 身份證號碼440103194903190146,
        現居住在加拿大, 每月領取養老金,

        隨信寄上本人今年的生存證明原件,

        請查收並辦理資格認證。 謝謝!

        此致
        敬禮

        李文強
        2026年10月3日
        """

    static let scan019 = """
        ond
        法定聲明
        SEVIU LORY DECLAR VE EON

        COE         ee:

        AAA TSE Ma ARE (ip EHR Gate lode),

        出生日期 1941年7月Is日.性別 男,

        BUGS ARE. 謹以全誠鄭重聲明本人仍然在生

        1 PSE Ha. holder of HKED GS?HlOd (2), horn on Juby Is. 1g),

        do solemnly and sincerely declare that [am alive,

        SNE GE LONE AE RHE IZ fe 本人面前作出

        LOL6

        Declared at Hong Kong this Path day of \\ugust

        民政事務總豬 TRA Commissioner for Oaths

        Home Affairs Department
        """

    static let scan020 = """
        證明書

        茲證明朱偉國 (8). 1936年9月10日出生.
        HES (BENE. Z288074(2), 於2?0236年11月4日
        親自到本人面前. 在前面的《在生證明》 上簽名。

        中國法律服務(書港)有限公司。轉遞專用章

        第998212號,
        """

    static let scan024 = """
        115征謊北院驅公字第091109號

        請求人: :
        性別: 男
        出生日期: 民國39年10月1

        j    El4031159

        凡

        買: 請求人於民國1415年10月選曲親自到場
        本公證人確認其仍然生存. 特此證明。

        也衣法院所屬民間公座人
        中華民國民國115和有
        """
}

struct RealScan: Sendable, CustomTestStringConvertible {
    let name: String
    let pages: [String]
    let form: String?
    let expected: [FieldName: String]
    let ids: [String]
    var testDescription: String { name }
}

@Suite struct RealOCRTests {
    static let scans: [RealScan] = [
        RealScan(name: "scan-001 consular-2015 (兹 read 效, ID label lost, seal over the mission)", pages: [RealOCR.scan001],
                 form: "consular-2015",
                 expected: [.nameLatin: "ZHENG Guojie", .sex: "F", .birthDate: "1961-06-16", .appearedOn: "2026-11-11",
                            .certificateNo: "(2026)美领审字第214287号"],
                 ids: ["CN_PASSPORT EB4311168", "CN_RIC 310104196106169981"]),
        RealScan(name: "scan-004 hk-ftu (於 lost)", pages: [RealOCR.scan004], form: "hk-ftu",
                 expected: [.name: "周兰秀", .nameLatin: "CHOW Lan Sau", .sex: "F", .birthDate: "1959-05-10",
                            .appearedOn: "2026-10-05", .certificateNo: "FTU-2026-143563", .issuer: "香港工會聯合會"],
                 ids: ["HK_ID P7132712", "HM_PERMIT H20515640"]),
        RealScan(name: "scan-007 macao-iam (市政署 read 市政點, number moved to the foot)", pages: [RealOCR.scan007], form: "macao-iam",
                 expected: [.name: "李强", .nameLatin: "LEI Keung", .birthDate: "1960-05-18", .appearedOn: "2026-09-22",
                            .certificateNo: "IAM/2026/656054"],
                 ids: ["MO_ID 14669531"]),
        RealScan(name: "scan-008 macao-faom (姓名 read HS)", pages: [RealOCR.scan008], form: "macao-faom",
                 expected: [.nameLatin: "CHEONG Kwok", .sex: "M", .birthDate: "1938-02-18", .appearedOn: "2026-09-11"],
                 ids: ["MO_ID 59810398"]),
        RealScan(name: "scan-009 macao-fss", pages: [RealOCR.scan009], form: "macao-fss",
                 expected: [.name: "黄静", .sex: "F", .birthDate: "1930-07-26", .appearedOn: "2026-09-17"],
                 ids: ["MO_ID 74790493", "HM_PERMIT M66560003"]),
        RealScan(name: "scan-010 taiwan-notary (title lost, lines out of order)", pages: [RealOCR.scan010], form: "taiwan-notary",
                 expected: [.name: "郑玲文", .sex: "M", .birthDate: "1951-08-01", .appearedOn: "2026-08-24",
                            .certificateNo: "115年度北院民公字第275086號"],
                 ids: ["TW_ID E168917845"]),
        RealScan(name: "scan-011 foreign-notary (day of the issue date lost)", pages: [RealOCR.scan011], form: "foreign-notary",
                 expected: [.nameLatin: "LIU Jing", .sex: "M", .birthDate: "1940-08-17", .appearedOn: "2026-10-11",
                            .certificateNo: "N-573864"],
                 ids: ["CN_PASSPORT EJ1153090"]),
        RealScan(name: "scan-012 cover letter", pages: [RealOCR.scan012], form: nil, expected: [:], ids: []),
        RealScan(name: "scan-013 envelope", pages: [RealOCR.scan013], form: nil, expected: [:], ids: []),
        RealScan(name: "scan-016 consular-2007 (确认表 read 确认胡)", pages: [RealOCR.scan016], form: "consular-2007",
                 expected: [.birthDate: "1959-08-06", .appearedOn: "2026-10-04", .certificateNo: "(2026)泰领审字第827881号"],
                 ids: ["CN_RIC 440104195908061483"]),
        RealScan(name: "scan-017 consular-survival (title after the body)", pages: [RealOCR.scan017], form: "consular-survival",
                 expected: [.name: "李明洋", .sex: "F", .birthDate: "1956-09-02", .appearedOn: "2026-09-27"],
                 ids: ["CN_PASSPORT EA3866197"]),
        RealScan(name: "scan-018 cover letter read in traditional", pages: [RealOCR.scan018letter], form: nil, expected: [:], ids: []),
        RealScan(name: "scan-019 hk-had (badly damaged)", pages: [RealOCR.scan019], form: "hk-had", expected: [:], ids: []),
        RealScan(name: "scan-020 hk-attesting (委託公證人 lost)", pages: [RealOCR.scan020], form: "hk-attesting",
                 expected: [.name: "朱伟国", .birthDate: "1936-09-10"], ids: ["HK_ID Z2880742"]),
        RealScan(name: "scan-002 consular-2007 as the intake pipeline reads it (名 read 86)", pages: ["""
            出 境 定 居 离 退休 人 员 健 在 确认 表
            编号 : (2026) 澳 领 审 字 第 550790 号
            姓 86: 陈 秀 荣
            性 Fl: 女
            出 生年 月 日 : 1956 年 11 月 13 日
            身份 证 号 码 : 440105195611131504
            护照 号 码 : EG7146950
            经 审核 ， 上 述 高 退休 人 员 于 2026 年 11 月 8 日 亲自 前 来 我 馆 ，
            现 仍 健在 。 特 此 确认 。
            华人 民 共和 国 驻 悉 尼 总 人
            """], form: "consular-2007",
                 expected: [.name: "陈秀荣", .sex: "F", .birthDate: "1956-11-13", .appearedOn: "2026-11-08",
                            .certificateNo: "(2026)澳领审字第550790号"],
                 ids: ["CN_RIC 440105195611131504", "CN_PASSPORT EG7146950"]),
        RealScan(name: "scan-008 macao-faom as the intake pipeline reads it (性別 and 出生日期 mangled)", pages: ["""
            澳門 工會 聯合 總 會
            Associação Geral dos Operários de Macau
            在 生 證明 書
            姓名 : 張 國
            葡文 姓名 : CHEONG Kwok
            性 別 : B HEAR: 1938 年 2 月 18 日
            澳門 居民 身份 證 號碼 : 5981039(8)
            茲 證明 上 述 人 士 於 二 0 二 六 年 九 月 十 一 日 親身 到 本 會 辦理 ,
            經 核對 證件 , 確認 其 仍然 健在 。
            """], form: "macao-faom",
                 expected: [.name: "张国", .nameLatin: "CHEONG Kwok", .birthDate: "1938-02-18", .appearedOn: "2026-09-11"],
                 ids: ["MO_ID 59810398"]),
        RealScan(name: "scan-015 consular-2015 as the intake pipeline reads it (性别 read TERI, year 193?)", pages: ["""
            在 境外 居住 人 员 领 取 养老 金 资 格 审核 表
            Matt. (2028) 荷 领 审 字 第 922878 号
            姓名 : 谢 伟 伟 TERI: 男
            外 文 姓名 : XIE Weiwei
            出 生日 期 : 193? 年 6 月 22 日
            护照 号 码 : EJ2902630
            身份 证 号 码 ，440703193706223373
            居住 国家 ;荷兰
            领取 养老 金 部 门 : 广东 省 社会 保险 基金 管理 局
            """], form: "consular-2015",
                 expected: [.name: "谢伟伟", .nameLatin: "XIE Weiwei", .sex: "M"],
                 ids: ["CN_PASSPORT EJ2902630", "CN_RIC 440703193706223373"]),
        RealScan(name: "scan-016 consular-2007 as the intake pipeline reads it (性别 read 性 Bs)", pages: ["""
            出 境 定居 离 退 休 人 员 健 在 确认 表
            编号 : (2026) MEF A3278812
            姓 名 : 冯 丽 平
            性 Bs 女
            出 生年 月 日 : 1959 年 8 月 6 日
            身份 证 号 码 : 440104195908061483
            经 审核 ， 上 述 高 退休 人 员 于 2026 年 10 月 4 日 亲自 前 来 我 馆 ，
            现 仍 健在 。 特 此 确认 。
            """], form: "consular-2007",
                 expected: [.name: "冯丽平", .sex: "F", .birthDate: "1959-08-06", .appearedOn: "2026-10-04"],
                 ids: ["CN_RIC 440104195908061483"]),
        RealScan(name: "scan-024 taiwan-notary (badly damaged)", pages: [RealOCR.scan024], form: "taiwan-notary", expected: [:], ids: []),
    ]

    @Test(arguments: scans)
    func readsWhatTheOCRKept(_ s: RealScan) {
        let pages = s.pages.enumerated().map { makePage($0.element, index: $0.offset, confidence: 85) }
        let r = library.read(pages, today: LocalDate(year: 2026, month: 11, day: 25)!)
        #expect(r.classification.form == s.form, "\(r.classification.explanation)")
        for (field, value) in s.expected {
            #expect(r.certificate.reading(field)?.value == value, "\(field.rawValue)")
        }
        let ids = r.certificate.ids.map { "\($0.type.rawValue) \($0.number)" }
        for id in s.ids { #expect(ids.contains(id), "\(id) in \(ids)") }
    }

    @Test func whatOCRMangledIsRefusedNotGuessed() {
        let today = LocalDate(year: 2026, month: 11, day: 25)!
        // 二O〇二六年九月二日: a five-character year.
        let survival = library.read([makePage(RealOCR.scan017.replacingOccurrences(of: "二O二六年九月二十七日", with: "二O〇二六年九月二日"))], today: today)
        #expect(survival.certificate.appearedOn == nil)
        #expect(survival.certificate.has(.dateUnreadable))
        // 民國39年10月1 with the 日 cut off, and 民國1415年: nothing read.
        let taiwan = library.read([makePage(RealOCR.scan024)], today: today)
        #expect(taiwan.certificate.birthDate == nil && taiwan.certificate.appearedOn == nil)
        // Two readings of one HKID, one with a wrong check digit: only the valid one is kept.
        let had = library.read([makePage("""
            法定聲明
            STATUTORY DECLARATION
            本人 faite (nia) , 香港身份證號碼 Y109755 (8) ,
            I, tay. holder of HKID Y109755(3), born on 28 September 1965,
            此項聲明於二零二六年十一月十四日在香港及在本人面前作出
            民政事務總署 Be) A Commissioner for Oaths
            """)], today: today)
        #expect(had.certificate.ids.map(\.number) == ["Y1097553"])
        #expect(had.certificate.ids.first?.valid == true)
        // 193? 年: the birth year is unreadable, and nothing is made up.
        let c2015 = library.read([makePage(Self.scans.first { $0.name.hasPrefix("scan-015") }!.pages[0])], today: today)
        #expect(c2015.certificate.birthDate == nil)
    }
}
