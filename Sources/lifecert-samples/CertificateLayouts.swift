import LifecertDomain

/// The kinds of document the sample generator draws, and their wording.
///
/// Each layout is a list of lines with `{placeholders}` filled from a ``SamplePerson``. The wording
/// follows the real documents SPEC.md lists (the consular 审核表 and its two predecessors, the Hong
/// Kong and Macao certificates, Taiwan notarial certificates, a foreign notary's certificate) and
/// the non-certificates that arrive with them. The ground truth written beside each scan comes from
/// the same person record, never from the drawn text.
struct CertificateLayout: Sendable {
    enum Font: Sendable { case sans, serif }
    enum Align: Sendable { case left, center, right }
    struct Line: Sendable {
        var text: String
        var size: Double = 34
        var align: Align = .left
        var gapBefore: Double = 0
    }

    /// Template id in forms/ (nil for a non-certificate).
    let form: String?
    /// "consular", "hk", "macao", "taiwan", "notary" or "none".
    let kind: String
    let font: Font
    let lines: [Line]
    /// Text around the red seal, or nil for no seal.
    let seal: String?
    /// Which fields the document shows (the ground truth holds only these).
    let shows: Set<String>
    /// The ID types it prints.
    let idTypes: [IdentityType]

    static func l(_ t: String, _ size: Double = 34, _ a: Align = .left, gap: Double = 0) -> Line {
        Line(text: t, size: size, align: a, gapBefore: gap)
    }

    static let all: [CertificateLayout] = [
        // 1. The consular form since 2015-07-01.
        CertificateLayout(form: "consular-2015", kind: "consular", font: .serif, lines: [
            l("在境外居住人员领取养老金资格审核表", 48, .center),
            l("编号：{cert_no}", 30, .right, gap: 30),
            l("姓名：{name}　　　性别：{sex_zh}", gap: 30),
            l("外文姓名：{name_latin}"),
            l("出生日期：{birth_zh}"),
            l("护照号码：{passport}"),
            l("身份证号码：{cn_ric}"),
            l("居住国家：{country_zh}"),
            l("现住址：{address}"),
            l("领取养老金部门：广东省社会保险基金管理局", gap: 10),
            l("申请人签名：__________", gap: 10),
            l("兹证明上述申请人于{appeared_zh}本人亲自到我馆办理", gap: 40),
            l("养老金资格审核，确认其仍健在。"),
            l("经办人签名：__________　　审核人签署：__________", gap: 30),
            l("{mission_zh}", 34, .right, gap: 60),
            l("{issued_zh}", 34, .right),
        ], seal: "{mission_zh}", shows: ["name", "name_latin", "sex", "birth_date", "appeared_on", "issued_on", "issuer", "certificate_no", "ids"],
           idTypes: [.chinesePassport, .mainlandResidentID]),

        // 2. 2007-04 to 2015-06.
        CertificateLayout(form: "consular-2007", kind: "consular", font: .sans, lines: [
            l("出境定居离退休人员健在确认表", 48, .center),
            l("编号：{cert_no}", 30, .right, gap: 30),
            l("姓　　名：{name}", gap: 30),
            l("性　　别：{sex_zh}"),
            l("出生年月日：{birth_zh}"),
            l("身份证号码：{cn_ric}"),
            l("护照号码：{passport}"),
            l("定居国家：{country_zh}"),
            l("原工作单位：广州市某某公司"),
            l("经审核，上述离退休人员于{appeared_zh}亲自前来我馆，", gap: 40),
            l("现仍健在。特此确认。"),
            l("{mission_zh}", 34, .right, gap: 80),
            l("{issued_zh}", 34, .right),
        ], seal: "{mission_zh}", shows: ["name", "sex", "birth_date", "appeared_on", "issued_on", "issuer", "certificate_no", "ids"],
           idTypes: [.mainlandResidentID, .chinesePassport]),

        // 3. Before 2007: 生存证明书, dates in Chinese numerals.
        CertificateLayout(form: "consular-survival", kind: "consular", font: .serif, lines: [
            l("生存证明书", 56, .center),
            l("（{cert_no_short}）字第{cert_seq}号", 30, .right, gap: 40),
            l("兹证明{name}（{sex_zh}，{birth_numeral}出生，", gap: 40),
            l("护照号码{passport}）于{appeared_numeral}"),
            l("在本馆领事官员面前亲自签名，现仍健在。"),
            l("中华人民共和国驻{country_zh}大使馆", 34, .right, gap: 120),
            l("领事：__________", 34, .right),
            l("{issued_numeral}", 34, .right),
        ], seal: "中华人民共和国驻{country_zh}大使馆", shows: ["name", "sex", "birth_date", "appeared_on", "issued_on", "issuer", "ids"],
           idTypes: [.chinesePassport]),

        // 4. Hong Kong Federation of Trade Unions, traditional Chinese and English.
        CertificateLayout(form: "hk-ftu", kind: "hk", font: .sans, lines: [
            l("香港工會聯合會", 48, .center),
            l("HONG KONG FEDERATION OF TRADE UNIONS", 30, .center),
            l("在生證明書", 44, .center, gap: 30),
            l("CERTIFICATE OF LIFE", 30, .center),
            l("證明書編號 No.：{cert_no}", 30, .right, gap: 20),
            l("姓名 Name：{name}　{name_latin}", gap: 30),
            l("性別 Sex：{sex_zh_tra} / {sex_en}"),
            l("出生日期 Date of Birth：{birth_zh}"),
            l("香港身份證號碼 HKID No.：{hkid}"),
            l("回鄉證號碼 Home Visit Permit No.：{permit}"),
            l("茲證明上述人士於{appeared_zero}親身到本會，", gap: 30),
            l("經核實身份，確認其仍然健在。"),
            l("This is to certify that the above person appeared in person on {appeared_en}."),
            l("香港工會聯合會　{issued_zh}", 34, .right, gap: 60),
        ], seal: "香港工會聯合會", shows: ["name", "name_latin", "sex", "birth_date", "appeared_on", "issued_on", "issuer", "certificate_no", "ids"],
           idTypes: [.hongKongID, .homeReturnPermit]),

        // 5. Statutory declaration before the Home Affairs Department.
        CertificateLayout(form: "hk-had", kind: "hk", font: .serif, lines: [
            l("法定聲明", 48, .center),
            l("STATUTORY DECLARATION", 32, .center),
            l("《宣誓及聲明條例》（第11章）", 28, .center),
            l("本人 {name}（{name_latin}），香港身份證號碼 {hkid}，", gap: 40),
            l("出生日期 {birth_zh}，性別 {sex_zh_tra}，"),
            l("現居於香港，謹以至誠鄭重聲明本人仍然在生。"),
            l("I, {name_latin}, holder of HKID {hkid}, born on {birth_en},"),
            l("do solemnly and sincerely declare that I am alive."),
            l("此項聲明於{appeared_zero}在香港及在本人面前作出", gap: 40),
            l("Declared at Hong Kong this {appeared_en_ord}"),
            l("民政事務總署 監誓人員 Commissioner for Oaths", gap: 50),
            l("Home Affairs Department"),
        ], seal: "民政事務總署", shows: ["name", "name_latin", "sex", "birth_date", "appeared_on", "issuer", "ids"],
           idTypes: [.hongKongID]),

        // 6. China-Appointed Attesting Officer.
        CertificateLayout(form: "hk-attesting", kind: "hk", font: .serif, lines: [
            l("證明書", 52, .center),
            l("（{cert_no}）", 30, .right, gap: 30),
            l("茲證明{name}（{sex_zh_tra}，{birth_zh}出生，", gap: 40),
            l("香港身份證號碼：{hkid}）於{appeared_zh}"),
            l("親自到本人面前，在前面的《在生證明》上簽名。"),
            l("中國委託公證人　__________", 34, .right, gap: 60),
            l("{issued_zh}", 34, .right),
            l("中國法律服務(香港)有限公司　轉遞專用章", 28, .left, gap: 60),
        ], seal: "中國法律服務(香港)有限公司", shows: ["name", "sex", "birth_date", "appeared_on", "issued_on", "issuer", "certificate_no", "ids"],
           idTypes: [.hongKongID]),

        // 7. Macao Municipal Affairs Bureau (IAM), traditional Chinese and Portuguese.
        CertificateLayout(form: "macao-iam", kind: "macao", font: .sans, lines: [
            l("市政署", 48, .center),
            l("Instituto para os Assuntos Municipais", 30, .center),
            l("在生證明", 44, .center, gap: 30),
            l("Certidão de Vida", 32, .center),
            l("編號 N.º：{cert_no}", 30, .right, gap: 20),
            l("姓名 Nome：{name}　{name_latin}", gap: 30),
            l("性別 Sexo：{sex_zh_tra}"),
            l("出生日期 Data de nascimento：{birth_pt}"),
            l("澳門居民身份證 BIR n.º：{moid}"),
            l("茲證明上述人士於{appeared_zero}親臨本署，現仍在生。", gap: 30),
            l("Certifica-se que compareceu pessoalmente em {appeared_pt}."),
            l("市政署 {issued_zh}", 34, .right, gap: 60),
        ], seal: "市政署", shows: ["name", "name_latin", "sex", "birth_date", "appeared_on", "issued_on", "issuer", "certificate_no", "ids"],
           idTypes: [.macaoID]),

        // 8. Macao Federation of Trade Unions.
        CertificateLayout(form: "macao-faom", kind: "macao", font: .sans, lines: [
            l("澳門工會聯合總會", 48, .center),
            l("Associação Geral dos Operários de Macau", 28, .center),
            l("在生證明書", 44, .center, gap: 30),
            l("姓名：{name}", gap: 30),
            l("葡文姓名：{name_latin}"),
            l("性別：{sex_zh_tra}　　出生日期：{birth_zh}"),
            l("澳門居民身份證號碼：{moid}"),
            l("茲證明上述人士於{appeared_zero}親身到本會辦理，", gap: 30),
            l("經核對證件，確認其仍然健在。"),
            l("澳門工會聯合總會", 34, .right, gap: 60),
            l("{issued_zero}", 34, .right),
        ], seal: "澳門工會聯合總會", shows: ["name", "name_latin", "sex", "birth_date", "appeared_on", "issued_on", "issuer", "ids"],
           idTypes: [.macaoID]),

        // 9. The Social Security Fund's 协查表.
        CertificateLayout(form: "macao-fss", kind: "macao", font: .serif, lines: [
            l("澳门居住人员在生证明协查表", 46, .center),
            l("姓名：{name}　　性别：{sex_zh}", gap: 40),
            l("出生日期：{birth_zh}"),
            l("澳门居民身份证号码：{moid}"),
            l("港澳居民来往内地通行证号码：{permit}"),
            l("领取养老金部门：广东省社会保险基金管理局"),
            l("经核实，上述人员于{appeared_zh}仍在生。", gap: 40),
            l("社会保障基金 Fundo de Segurança Social", 34, .right, gap: 60),
            l("{issued_zh}", 34, .right),
        ], seal: "社會保障基金", shows: ["name", "sex", "birth_date", "appeared_on", "issued_on", "issuer", "ids"],
           idTypes: [.macaoID, .homeReturnPermit]),

        // 10. Taiwan notarial certificate, Minguo dates.
        CertificateLayout(form: "taiwan-notary", kind: "taiwan", font: .serif, lines: [
            l("公證書", 52, .center),
            l("{minguo_year}年度{cert_court}字第{cert_seq}號", 30, .right, gap: 30),
            l("請求人：{name}", gap: 40),
            l("性別：{sex_zh_tra}"),
            l("出生日期：{birth_minguo}"),
            l("國民身分證統一編號：{twid}"),
            l("公證事項：請求人於{appeared_minguo}親自到場，", gap: 30),
            l("本公證人確認其仍然生存，特此證明。"),
            l("臺灣臺北地方法院所屬民間公證人　__________", 32, .right, gap: 60),
            l("中華民國{issued_minguo_bare}", 34, .right),
        ], seal: "民間公證人事務所", shows: ["name", "sex", "birth_date", "appeared_on", "issued_on", "issuer", "certificate_no", "ids"],
           idTypes: [.taiwanID]),

        // 11. A foreign notary's certificate of life, English.
        CertificateLayout(form: "foreign-notary", kind: "notary", font: .serif, lines: [
            l("CERTIFICATE OF LIFE", 48, .center),
            l("(Life Certificate for Pension Purposes)", 28, .center),
            l("I, the undersigned Notary Public, certify that", gap: 50),
            l("{name_latin}"),
            l("born on {birth_en}, sex {sex_en},"),
            l("holder of passport No. {passport},"),
            l("personally appeared before me on {appeared_en}"),
            l("and is alive on that date."),
            l("Certificate No. {cert_no}", gap: 30),
            l("Notary Public, {country_en}", 34, .right, gap: 60),
            l("Dated {issued_en}", 34, .right),
        ], seal: "NOTARY PUBLIC", shows: ["name_latin", "sex", "birth_date", "appeared_on", "issued_on", "issuer", "certificate_no", "ids"],
           idTypes: [.chinesePassport]),

        // Not certificates: a cover letter (with a name and an ID number), an envelope, a blank page.
        CertificateLayout(form: nil, kind: "none", font: .sans, lines: [
            l("尊敬的广东省社会保险基金管理局：", gap: 20),
            l("您好！本人{name}，身份证号码{cn_ric}，", gap: 30),
            l("现居住在{country_zh}，每月领取养老金。"),
            l("随信寄上本人今年的生存证明原件，"),
            l("请查收并办理资格认证。谢谢！"),
            l("此致", gap: 30),
            l("敬礼"),
            l("{name}", 34, .right, gap: 40),
            l("{issued_zh}", 34, .right),
        ], seal: nil, shows: [], idTypes: []),
        CertificateLayout(form: nil, kind: "none", font: .sans, lines: [
            l("AIR MAIL　航空", 40, .left),
            l("寄件人：{name_latin}", 30, gap: 40),
            l("{address}", 30),
            l("{country_en}", 30),
            l("收件人：", 44, gap: 160),
            l("广东省社会保险基金管理局　收", 44),
            l("中国 广州市", 44),
            l("P.R. CHINA", 40),
        ], seal: nil, shows: [], idTypes: []),
        CertificateLayout(form: nil, kind: "none", font: .sans, lines: [], seal: nil, shows: [], idTypes: []),
    ]
}
