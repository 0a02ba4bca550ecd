import Foundation
import LifecertDomain
import Testing
@testable import LifecertForms

@Suite struct ClassificationTests {
    @Test(arguments: SampleDocument.certificates + SampleDocument.nonCertificates)
    func cleanText(_ d: SampleDocument) {
        let c = library.classify([makePage(d.text)])
        #expect(c.form == d.form, "\(c.explanation)")
        #expect(c.kind == d.kind)
        #expect(c.template?.id == d.form)
        // Every template gets a verdict, matching ones first.
        #expect(c.verdicts.count == library.templates.count)
        if d.form != nil {
            #expect(c.verdicts.first?.matched == true)
            #expect(c.score > 0.5)
        } else {
            #expect(c.verdicts.allSatisfy { !$0.matched })
        }
    }

    @Test(arguments: DocumentVariant.all)
    func ocrDamagedText(_ v: DocumentVariant) {
        let c = library.classify([makePage(v.text)])
        #expect(c.form == v.document.form, "\(c.explanation)\n\(v.text)")
    }

    @Test func anExactPageOutranksAOneCharacterMiss() {
        let d = SampleDocument.certificates[1]  // consular-2007: 健在确认表
        let damaged = d.text.replacingOccurrences(of: "健在确认表", with: "健在确认胡")
        let exact = library.classify([makePage(d.text)])
        let fuzzy = library.classify([makePage(damaged)])
        #expect(fuzzy.form == "consular-2007")
        #expect(fuzzy.score < exact.score)
        let hit = fuzzy.best!.found.first!
        #expect(hit.distance == 1)
        #expect(hit.found == "健在确认胡")
        #expect(fuzzy.best!.reason.contains("one character off"))
    }

    @Test func whyNoTemplateMatchedIsAnswered() {
        let letter = SampleDocument.nonCertificates[0]
        let c = library.classify([makePage(letter.text)])
        #expect(c.form == nil && c.kind == .none)
        let survival = c.verdicts.first { $0.form == "consular-survival" }!
        // The letter's 生存证明原件 is one character away from 生存证明书, but none of the
        // attestation phrases is there.
        #expect(survival.found.count == 1 && survival.found[0].distance == 1)
        #expect(survival.anyFound.count < survival.anyRequired)
        #expect(survival.reason.contains("optional keyword"))
        let hkftu = c.verdicts.first { $0.form == "hk-ftu" }!
        #expect(hkftu.missing == ["香港工會聯合會|Hong Kong Federation of Trade Unions"])
        #expect(c.explanation.contains("No template matched"))
        #expect(c.explanation.contains("✗ hk-ftu"))
        let explained = library.explain([makePage(letter.text)])
        #expect(explained.contains("as templates see it"))
        #expect(explained.contains("尊敬的广东省社会保险基金管理局:"))
    }

    @Test func exclusionKeywordsRuleATemplateOut() {
        // A 审核表 that also prints 健在确认表 is excluded from consular-2015 and the other way round.
        let both = SampleDocument.certificates[0].text + "\n出境定居离退休人员健在确认表"
        let c = library.classify([makePage(both)])
        let v2015 = c.verdicts.first { $0.form == "consular-2015" }!
        #expect(!v2015.matched)
        #expect(v2015.excluded.map(\.keyword) == ["健在确认表"])
        #expect(v2015.reason.contains("excluded by"))
    }

    @Test func aMailInFormWithANotaryCertificateIsANotaryDocument() {
        let page1 = makePage(SampleDocument.certificates[0].text, index: 0)
        let page2 = makePage(SampleDocument.certificates[10].text, index: 1)
        let c = library.classify([page1, page2])
        #expect(c.form == "foreign-notary")
        #expect(c.verdicts.filter(\.matched).map(\.form).sorted() == ["consular-2015", "foreign-notary"])
    }

    @Test func keywordsMayBeSpreadOverPagesAndEachPageCanBeClassifiedAlone() {
        let letter = makePage(SampleDocument.nonCertificates[0].text, index: 0)
        let cert = makePage(SampleDocument.certificates[3].text, index: 1)
        #expect(library.classify([letter, cert]).form == "hk-ftu")
        let each = library.classifyEach([letter, cert])
        #expect(each.map(\.form) == [nil, "hk-ftu"])
        #expect(library.classify(page: cert).best?.found.first?.page == 1)
    }

    @Test func windowsLineEndingsAreLineEndings() {
        let d = SampleDocument.certificates[3]
        let c = library.extract(library.template(id: "hk-ftu")!,
                                pages: [makePage(d.text.replacingOccurrences(of: "\n", with: "\r\n"))], today: today)
        #expect(c.issuedOn?.value == "2026-10-09")
        #expect(c.birthDate?.value == "1950-03-05")
    }

    @Test func aTitleSplitOverTwoLinesIsStillFound() {
        let text = SampleDocument.certificates[0].text.replacingOccurrences(of: "领取养老金资格审核表", with: "领取养老金\n资格审核表")
        #expect(library.classify([makePage(text)]).form == "consular-2015")
    }

    @Test func iacmAndIamAreToldApart() {
        let iam = SampleDocument.certificates[6].text
        let iacm = iam.replacingOccurrences(of: "市政署", with: "民政總署")
            .replacingOccurrences(of: "Instituto para os Assuntos Municipais", with: "Instituto para os Assuntos Cívicos e Municipais")
        #expect(library.classify([makePage(iam)]).form == "macao-iam")
        #expect(library.classify([makePage(iacm)]).form == "macao-iacm")
    }

    @Test func anEmptyLibraryMatchesNothing() {
        let c = FormLibrary(templates: []).classify([makePage(SampleDocument.certificates[0].text)])
        #expect(c.form == nil && c.kind == .none && c.verdicts.isEmpty)
    }

    @Test func classificationEncodesWithoutTheTemplate() throws {
        let c = library.classify([makePage(SampleDocument.certificates[3].text)])
        let data = try JSONEncoder().encode(c)
        let back = try JSONDecoder().decode(Classification.self, from: data)
        #expect(back.form == "hk-ftu" && back.template == nil && back.verdicts == c.verdicts)
    }
}

/// Keyword search and text normalisation, the parts classification rests on.
@Suite struct KeywordSearchTests {
    func key(_ s: String) -> [Unicode.Scalar] { FormText.keywordKey(s) }

    @Test(arguments: [
        ("资格审核表", "在境外居住人员领取养老金资格审核表", 0),
        ("资格审核表", "领取养老金资格审杨表", 1),      // substituted
        ("资格审核表", "领取养老金资格审表", 1),        // deleted
        ("资格审核表", "领取养老金资格审x核表", 1),     // inserted
        ("香港工會聯合會", "香港工会联合会", 0),       // traditional keyword, simplified text
        ("CERTIFICATE OF LIFE", "certificate  of   life", 0),
        ("Certidão de Vida", "CERTIDAO DE VIDA", 0),  // accents and case ignored
        ("Notary Public", "NOTARY PUBLI", 1),
    ])
    func found(_ keyword: String, _ text: String, _ distance: Int) {
        let page = PreparedPage(makePage(text), position: 0)
        let hit = KeywordSearch.search([key(keyword)], in: [page])
        #expect(hit?.distance == distance)
    }

    @Test(arguments: [
        ("资格审核表", "领取养老金资格认证"),       // two characters off
        ("公证书", "公证处"),                    // three characters: exact only
        ("香港工會聯合會", "澳門工會聯合總會"),
        ("Notary Public", "not a public"),
    ])
    func notFound(_ keyword: String, _ text: String) {
        let page = PreparedPage(makePage(text), position: 0)
        #expect(KeywordSearch.search([key(keyword)], in: [page]) == nil)
    }

    @Test func withinOneReportsWhereTheMatchIs() {
        let hay = Array("abcxdefgh".unicodeScalars)
        let r = KeywordSearch.withinOne(Array("cdef".unicodeScalars), in: hay)
        #expect(r != nil)
        #expect(String(String.UnicodeScalarView(hay[r!.0..<r!.1])).contains("def"))
    }

    @Test(arguments: [
        ("姓 名 ： 陈 伟", "姓名:陈伟"),
        ("编号：（ 2026 ）加领审字第001234号", "编号:(2026)加领审字第001234号"),
        ("性別 Sex：女 / Female", "性別Sex:女/ Female"),
        ("HKID No.：A123456(3)", "HKID No.:A123456(3)"),
        ("  born on 5 March 1950 , sex Male  ", "born on 5 March 1950, sex Male"),
        ("Ａ１２３　ｂ", "A123 b"),
        ("編號 N.º：IAM/2026/1", "編號N.o:IAM/2026/1"),
    ])
    func normalisation(_ input: String, _ expected: String) {
        #expect(FormText.normalizedString(input) == expected)
    }

    @Test func foldingKeepsPositions() {
        let s = "香港身份證號碼：A123456(3)"
        #expect(FormText.foldedString(s) == "香港身份证号码:A123456(3)")
        #expect(FormText.foldedString(s).count == FormText.normalizedString(s).count)
    }

    @Test func longLinesAreCut() {
        let line = String(repeating: "a", count: 5000)
        #expect(FormText.normalizedString(line).count == FormText.maxLineLength)
    }
}
