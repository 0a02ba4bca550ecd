import Foundation
import LifecertDomain
import Testing
@testable import LifecertForms

/// The wording of every layout in Sources/lifecert-samples/CertificateLayouts.swift, line for line,
/// filled with one sample person, and what a reader must get out of it.
struct SampleDocument: Sendable, CustomTestStringConvertible {
    let form: String?
    let kind: CertificateKind
    let lines: [String]
    /// Expected field values (fields the document shows); ids as (type, normalised number).
    let expected: [FieldName: String]
    let ids: [(IdentityType, String)]

    var text: String { lines.map { SampleDocument.fill($0) }.joined(separator: "\n") }
    var testDescription: String { form ?? "none: \(lines.first ?? "blank page")" }

    // MARK: The sample person

    static let cnRIC: String = {
        let first17 = "440103" + "19500305" + "123"
        return first17 + String(IdentityNumbers.residentIDCheckCharacter(first17)!)
    }()
    static let hkidBody = "A123456"
    static let hkid = "\(hkidBody)(\(IdentityNumbers.hongKongCheckCharacter(hkidBody)!))"
    static let twidBody = "A12345678"
    static let twid = twidBody + String(IdentityNumbers.taiwanCheckDigit(twidBody)!)

    static let values: [String: String] = [
        "name": "陈伟明", "name_latin": "CHAN Wai Ming",
        "sex_zh": "男", "sex_zh_tra": "男", "sex_en": "Male",
        "birth_zh": "1950年3月5日", "birth_en": "5 March 1950", "birth_pt": "5 de Março de 1950",
        "birth_numeral": "一九五〇年三月五日", "birth_minguo": "民國39年3月5日",
        "appeared_zh": "2026年10月8日", "appeared_zero": "二零二六年十月八日", "appeared_numeral": "二〇二六年十月八日",
        "appeared_en": "October 8, 2026", "appeared_en_ord": "8th day of October 2026", "appeared_pt": "8 de Outubro de 2026",
        "appeared_minguo": "民國115年10月8日",
        "issued_zh": "2026年10月9日", "issued_zero": "二零二六年十月九日", "issued_numeral": "二〇二六年十月九日",
        "issued_en": "9 October 2026", "issued_minguo": "民國115年10月9日", "minguo_year": "115",
        "passport": "EA1234567", "cn_ric": cnRIC, "hkid": hkid, "moid": "1234567(8)", "twid": twid,
        "permit": "H12345678",
        "country_zh": "加拿大", "country_en": "Canada", "mission_zh": "中华人民共和国驻多伦多总领事馆",
        "address": "12 Maple Street",
        "cert_no_short": "2026", "cert_seq": "001234", "cert_court": "北院民公",
    ]

    static func fill(_ line: String, certNo: String = "(2026)加领审字第001234号") -> String {
        var out = line.replacingOccurrences(of: "{cert_no}", with: certNo)
        for (k, v) in values { out = out.replacingOccurrences(of: "{\(k)}", with: v) }
        return out
    }

    // MARK: The layouts

    static func doc(_ form: String, _ kind: CertificateKind, certNo: String? = nil, _ lines: [String],
                    _ expected: [FieldName: String], ids: [(IdentityType, String)]) -> SampleDocument {
        let filled = certNo.map { c in lines.map { $0.replacingOccurrences(of: "{cert_no}", with: c) } } ?? lines
        return SampleDocument(form: form, kind: kind, lines: filled, expected: expected, ids: ids)
    }

    static let common: [FieldName: String] = [.sex: "M", .birthDate: "1950-03-05", .appearedOn: "2026-10-08"]
    static func with(_ extra: [FieldName: String]) -> [FieldName: String] { common.merging(extra) { $1 } }

    static let certificates: [SampleDocument] = [
        doc("consular-2015", .consular, [
            "在境外居住人员领取养老金资格审核表",
            "编号：{cert_no}",
            "姓名：{name}　　　性别：{sex_zh}",
            "外文姓名：{name_latin}",
            "出生日期：{birth_zh}",
            "护照号码：{passport}",
            "身份证号码：{cn_ric}",
            "居住国家：{country_zh}",
            "现住址：{address}",
            "领取养老金部门：广东省社会保险基金管理局",
            "申请人签名：__________",
            "兹证明上述申请人于{appeared_zh}本人亲自到我馆办理",
            "养老金资格审核，确认其仍健在。",
            "经办人签名：__________　　审核人签署：__________",
            "{mission_zh}",
            "{issued_zh}",
        ], with([.name: "陈伟明", .nameLatin: "CHAN Wai Ming", .issuedOn: "2026-10-09",
                 .issuer: "中华人民共和国驻多伦多总领事馆", .certificateNo: "(2026)加领审字第001234号"]),
           ids: [(.chinesePassport, "EA1234567"), (.mainlandResidentID, cnRIC)]),

        doc("consular-2007", .consular, [
            "出境定居离退休人员健在确认表",
            "编号：{cert_no}",
            "姓　　名：{name}",
            "性　　别：{sex_zh}",
            "出生年月日：{birth_zh}",
            "身份证号码：{cn_ric}",
            "护照号码：{passport}",
            "定居国家：{country_zh}",
            "原工作单位：广州市某某公司",
            "经审核，上述离退休人员于{appeared_zh}亲自前来我馆，",
            "现仍健在。特此确认。",
            "{mission_zh}",
            "{issued_zh}",
        ], with([.name: "陈伟明", .issuedOn: "2026-10-09", .issuer: "中华人民共和国驻多伦多总领事馆",
                 .certificateNo: "(2026)加领审字第001234号"]),
           ids: [(.mainlandResidentID, cnRIC), (.chinesePassport, "EA1234567")]),

        doc("consular-survival", .consular, [
            "生存证明书",
            "（{cert_no_short}）字第{cert_seq}号",
            "兹证明{name}（{sex_zh}，{birth_numeral}出生，",
            "护照号码{passport}）于{appeared_numeral}",
            "在本馆领事官员面前亲自签名，现仍健在。",
            "中华人民共和国驻{country_zh}大使馆",
            "领事：__________",
            "{issued_numeral}",
        ], with([.name: "陈伟明", .issuedOn: "2026-10-09", .issuer: "中华人民共和国驻加拿大大使馆",
                 .certificateNo: "(2026)字第001234号"]),
           ids: [(.chinesePassport, "EA1234567")]),

        doc("hk-ftu", .hk, certNo: "FTU-2026-001234", [
            "香港工會聯合會",
            "HONG KONG FEDERATION OF TRADE UNIONS",
            "在生證明書",
            "CERTIFICATE OF LIFE",
            "證明書編號 No.：{cert_no}",
            "姓名 Name：{name}　{name_latin}",
            "性別 Sex：{sex_zh_tra} / {sex_en}",
            "出生日期 Date of Birth：{birth_zh}",
            "香港身份證號碼 HKID No.：{hkid}",
            "回鄉證號碼 Home Visit Permit No.：{permit}",
            "茲證明上述人士於{appeared_zero}親身到本會，",
            "經核實身份，確認其仍然健在。",
            "This is to certify that the above person appeared in person on {appeared_en}.",
            "香港工會聯合會　{issued_zh}",
        ], with([.name: "陈伟明", .nameLatin: "CHAN Wai Ming", .issuedOn: "2026-10-09", .issuer: "香港工會聯合會",
                 .certificateNo: "FTU-2026-001234"]),
           ids: [(.hongKongID, IdentityNumbers.normalize(hkid)), (.homeReturnPermit, "H12345678")]),

        doc("hk-had", .hk, [
            "法定聲明",
            "STATUTORY DECLARATION",
            "《宣誓及聲明條例》（第11章）",
            "本人 {name}（{name_latin}），香港身份證號碼 {hkid}，",
            "出生日期 {birth_zh}，性別 {sex_zh_tra}，",
            "現居於香港，謹以至誠鄭重聲明本人仍然在生。",
            "I, {name_latin}, holder of HKID {hkid}, born on {birth_en},",
            "do solemnly and sincerely declare that I am alive.",
            "此項聲明於{appeared_zero}在香港及在本人面前作出",
            "Declared at Hong Kong this {appeared_en_ord}",
            "民政事務總署 監誓人員 Commissioner for Oaths",
            "Home Affairs Department",
        ], with([.name: "陈伟明", .nameLatin: "CHAN Wai Ming", .issuer: "民政事務總署"]),
           ids: [(.hongKongID, IdentityNumbers.normalize(hkid))]),

        doc("hk-attesting", .hk, certNo: "2026港證字第001234號", [
            "證明書",
            "（{cert_no}）",
            "茲證明{name}（{sex_zh_tra}，{birth_zh}出生，",
            "香港身份證號碼：{hkid}）於{appeared_zh}",
            "親自到本人面前，在前面的《在生證明》上簽名。",
            "中國委託公證人　__________",
            "{issued_zh}",
            "中國法律服務(香港)有限公司　轉遞專用章",
        ], with([.name: "陈伟明", .issuedOn: "2026-10-09", .issuer: "中國委託公證人", .certificateNo: "2026港證字第001234號"]),
           ids: [(.hongKongID, IdentityNumbers.normalize(hkid))]),

        doc("macao-iam", .macao, certNo: "IAM/2026/001234", [
            "市政署",
            "Instituto para os Assuntos Municipais",
            "在生證明",
            "Certidão de Vida",
            "編號 N.º：{cert_no}",
            "姓名 Nome：{name}　{name_latin}",
            "性別 Sexo：{sex_zh_tra}",
            "出生日期 Data de nascimento：{birth_pt}",
            "澳門居民身份證 BIR n.º：{moid}",
            "茲證明上述人士於{appeared_zero}親臨本署，現仍在生。",
            "Certifica-se que compareceu pessoalmente em {appeared_pt}.",
            "市政署 {issued_zh}",
        ], with([.name: "陈伟明", .nameLatin: "CHAN Wai Ming", .issuedOn: "2026-10-09", .issuer: "市政署",
                 .certificateNo: "IAM/2026/001234"]),
           ids: [(.macaoID, "12345678")]),

        doc("macao-faom", .macao, [
            "澳門工會聯合總會",
            "Associação Geral dos Operários de Macau",
            "在生證明書",
            "姓名：{name}",
            "葡文姓名：{name_latin}",
            "性別：{sex_zh_tra}　　出生日期：{birth_zh}",
            "澳門居民身份證號碼：{moid}",
            "茲證明上述人士於{appeared_zero}親身到本會辦理，",
            "經核對證件，確認其仍然健在。",
            "澳門工會聯合總會",
            "{issued_zero}",
        ], with([.name: "陈伟明", .nameLatin: "CHAN Wai Ming", .issuedOn: "2026-10-09", .issuer: "澳門工會聯合總會"]),
           ids: [(.macaoID, "12345678")]),

        doc("macao-fss", .macao, [
            "澳门居住人员在生证明协查表",
            "姓名：{name}　　性别：{sex_zh}",
            "出生日期：{birth_zh}",
            "澳门居民身份证号码：{moid}",
            "港澳居民来往内地通行证号码：{permit}",
            "领取养老金部门：广东省社会保险基金管理局",
            "经核实，上述人员于{appeared_zh}仍在生。",
            "社会保障基金 Fundo de Segurança Social",
            "{issued_zh}",
        ], with([.name: "陈伟明", .issuedOn: "2026-10-09", .issuer: "社会保障基金"]),
           ids: [(.macaoID, "12345678"), (.homeReturnPermit, "H12345678")]),

        doc("taiwan-notary", .taiwan, [
            "公證書",
            "{minguo_year}年度{cert_court}字第{cert_seq}號",
            "請求人：{name}",
            "性別：{sex_zh_tra}",
            "出生日期：{birth_minguo}",
            "國民身分證統一編號：{twid}",
            "公證事項：請求人於{appeared_minguo}親自到場，",
            "本公證人確認其仍然生存，特此證明。",
            "臺灣臺北地方法院所屬民間公證人　__________",
            "中華民國{issued_minguo}",
        ], with([.name: "陈伟明", .issuedOn: "2026-10-09", .issuer: "臺灣臺北地方法院所屬民間公證人",
                 .certificateNo: "115年度北院民公字第001234號"]),
           ids: [(.taiwanID, twid)]),

        doc("foreign-notary", .notary, certNo: "N-001234", [
            "CERTIFICATE OF LIFE",
            "(Life Certificate for Pension Purposes)",
            "I, the undersigned Notary Public, certify that",
            "{name_latin}",
            "born on {birth_en}, sex {sex_en},",
            "holder of passport No. {passport},",
            "personally appeared before me on {appeared_en}",
            "and is alive on that date.",
            "Certificate No. {cert_no}",
            "Notary Public, {country_en}",
            "Dated {issued_en}",
        ], with([.nameLatin: "CHAN Wai Ming", .issuedOn: "2026-10-09", .issuer: "Notary Public, Canada",
                 .certificateNo: "N-001234"]),
           ids: [(.chinesePassport, "EA1234567")]),
    ]

    /// Not certificates: a cover letter (with a name and an ID number), an envelope, a blank page.
    static let nonCertificates: [SampleDocument] = [
        SampleDocument(form: nil, kind: .none, lines: [
            "尊敬的广东省社会保险基金管理局：",
            "您好！本人{name}，身份证号码{cn_ric}，",
            "现居住在{country_zh}，每月领取养老金。",
            "随信寄上本人今年的生存证明原件，",
            "请查收并办理资格认证。谢谢！",
            "此致",
            "敬礼",
            "{name}",
            "{issued_zh}",
        ], expected: [:], ids: []),
        SampleDocument(form: nil, kind: .none, lines: [
            "AIR MAIL　航空",
            "寄件人：{name_latin}",
            "{address}",
            "{country_en}",
            "收件人：",
            "广东省社会保险基金管理局　收",
            "中国 广州市",
            "P.R. CHINA",
        ], expected: [:], ids: []),
        SampleDocument(form: nil, kind: .none, lines: [], expected: [:], ids: []),
    ]
}

extension SampleDocument {
    /// The same document with its text changed (for OCR-damaged variants).
    func variant(_ name: String, _ change: (String) -> String) -> DocumentVariant {
        DocumentVariant(document: self, name: name, text: change(text))
    }
}

struct DocumentVariant: Sendable, CustomTestStringConvertible {
    let document: SampleDocument
    let name: String
    let text: String
    var testDescription: String { "\(document.testDescription), \(name)" }

    /// Every damage the classifier must survive, for every layout and non-certificate.
    static let all: [DocumentVariant] = (SampleDocument.certificates + SampleDocument.nonCertificates).flatMap { d in
        [
            d.variant("one wrong character in the title", damagedTitle),
            d.variant("spaces between CJK characters", spacedOut),
            d.variant("other script", { d.kind == .hk || d.kind == .macao && d.form != "macao-fss" || d.kind == .taiwan ? simplified($0) : traditional($0) }),
            d.variant("full-width and half-width punctuation swapped", swappedWidths),
            d.variant("spaced, other script and swapped widths", { swappedWidths(spacedOut(traditional($0))) }),
        ]
    }
}
