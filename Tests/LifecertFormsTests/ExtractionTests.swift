import Foundation
import LifecertDomain
import Testing
@testable import LifecertForms

let today = LocalDate(year: 2026, month: 11, day: 20)!

func extract(_ text: String, form: String, pages extra: [RecognizedPage] = [], on day: LocalDate = today) -> ExtractedCertificate {
    let t = library.template(id: form)!
    return library.extract(t, pages: [makePage(text)] + extra, today: day)
}

@Suite struct ExtractionTests {
    /// Every field each layout shows is read exactly, from clean text.
    @Test(arguments: SampleDocument.certificates)
    func everyField(_ d: SampleDocument) {
        let c = extract(d.text, form: d.form!)
        #expect(c.kind == d.kind && c.form == d.form)
        for field in FieldName.allCases where field != .ids {
            #expect(c.reading(field)?.value == d.expected[field], "\(field.rawValue)")
        }
        #expect(c.ids.map { "\($0.type.rawValue) \($0.number)" } == d.ids.map { "\($0.0.rawValue) \($0.1)" })
        #expect(c.ids.allSatisfy { $0.valid })
        // Clean text of a current form: nothing for the reviewer but information.
        let warnings = c.flags.filter { $0.severity == .warning && $0.code != .formNotInUse }
        #expect(warnings.isEmpty, "\(warnings.map(\.message))")
    }

    /// The same after Tesseract-style spacing, the other script and swapped punctuation widths.
    @Test(arguments: SampleDocument.certificates)
    func everyFieldFromDamagedText(_ d: SampleDocument) {
        let text = swappedWidths(spacedOut(d.text))
        let c = extract(text, form: d.form!)
        for field in FieldName.allCases where field != .ids {
            #expect(c.reading(field)?.value == d.expected[field], "\(field.rawValue) from\n\(text)")
        }
        #expect(c.ids.map(\.number) == d.ids.map(\.1))
    }

    @Test(arguments: SampleDocument.certificates)
    func otherScript(_ d: SampleDocument) {
        let simplifiedDocument = d.kind == .consular || d.form == "macao-fss"
        let text = simplifiedDocument ? traditional(d.text) : simplified(d.text)
        let c = extract(text, form: d.form!)
        for field in [FieldName.sex, .birthDate, .appearedOn, .issuedOn] {
            #expect(c.reading(field)?.value == d.expected[field], "\(field.rawValue) from\n\(text)")
        }
        #expect(c.name.map { simplified($0.value) } == d.expected[.name])
        #expect(c.ids.map(\.number) == d.ids.map(\.1))
    }

    @Test func confidenceAndBoxComeFromTheWords() throws {
        // hk-ftu: the birth date is one word at line 7; all words 90 → 0.9.
        let d = SampleDocument.certificates[3]
        let page = makePage(d.text, index: 2, confidence: 90)
        let c = library.extract(library.template(id: "hk-ftu")!, pages: [page], today: today)
        let birth = try #require(c.birthDate)
        #expect(birth.confidence == 0.9)
        #expect(birth.page == 2)
        let box = try #require(birth.box)
        #expect(box.y == 100 + 7 * 50 && box.height == 40)
        #expect(birth.raw == "1950年3月5日")
        // A value spread over several words gets the union of their boxes and their mean confidence.
        var words = page.words
        let latinLine = 5
        for i in words.indices where words[i].line == latinLine && ["Wai", "Ming"].contains(words[i].text) {
            words[i].confidence = 60
        }
        var p2 = page
        p2.words = words
        let c2 = library.extract(library.template(id: "hk-ftu")!, pages: [p2], today: today)
        let latin = try #require(c2.nameLatin)
        #expect(latin.value == "CHAN Wai Ming")
        // The capture covers the words CHAN (90), Wai (60) and Ming (60): 0.7.
        #expect(abs(latin.confidence - 0.7) < 0.001)
        let lb = try #require(latin.box)
        #expect(lb.width > 0 && lb.y == 100 + latinLine * 50)
    }

    @Test func aTextLayerIsFullyConfident() throws {
        let d = SampleDocument.certificates[0]
        let c = library.extract(library.template(id: d.form!)!, pages: [makePage(d.text, source: .textLayer)], today: today)
        #expect(try #require(c.name).confidence == 1)
        #expect(c.name?.box == nil)
    }

    @Test func lowOCRConfidenceIsFlagged() {
        let d = SampleDocument.certificates[0]
        let c = library.extract(library.template(id: d.form!)!, pages: [makePage(d.text, confidence: 40)], today: today)
        #expect(c.name?.confidence == 0.4)
        #expect(c.has(.lowConfidence))
    }

    // MARK: - Checks and flags

    @Test func aWrongCheckDigitIsReportedNotCorrected() throws {
        let d = SampleDocument.certificates[0]
        let ric = SampleDocument.cnRIC
        let last = ric.last!
        let wrong = String(ric.dropLast()) + (last == "1" ? "2" : "1")
        let c = extract(d.text.replacingOccurrences(of: ric, with: wrong), form: "consular-2015")
        let id = try #require(c.ids.first { $0.type == .mainlandResidentID })
        #expect(id.number == wrong)
        #expect(!id.valid)
        #expect(id.problem?.contains("check character") == true)
        #expect(c.has(.idCheckDigit))
        let reading = try #require(c.idReadings.last)
        #expect(reading.confidence == 0.45)  // 0.9 halved: the value did not validate
    }

    @Test func theResidentIDMustAgreeWithThePrintedBirthDateAndSex() {
        let d = SampleDocument.certificates[0]
        var text = d.text.replacingOccurrences(of: "1950年3月5日", with: "1950年3月6日")
        var c = extract(text, form: "consular-2015")
        #expect(c.has(.idBirthDateMismatch))
        #expect(!c.has(.idSexMismatch))
        text = d.text.replacingOccurrences(of: "性别：男", with: "性别：女")
        c = extract(text, form: "consular-2015")
        #expect(c.has(.idSexMismatch))
        #expect(c.flags.first { $0.code == .idSexMismatch }?.message.contains("encodes sex M") == true)
    }

    @Test func taiwanIDSexIsChecked() {
        let d = SampleDocument.certificates[9]
        let c = extract(d.text.replacingOccurrences(of: "性別：男", with: "性別：女"), form: "taiwan-notary")
        #expect(c.has(.idSexMismatch))
    }

    @Test func datesInTheFutureAndInTheWrongOrder() {
        let d = SampleDocument.certificates[0]
        let early = LocalDate(year: 2026, month: 10, day: 1)!
        var c = extract(d.text, form: "consular-2015", on: early)
        #expect(c.has(.appearedInFuture) && c.has(.issuedInFuture))
        c = extract(d.text.replacingOccurrences(of: "2026年10月9日", with: "2026年10月7日"), form: "consular-2015")
        #expect(c.has(.appearedAfterIssue))
        c = extract(d.text.replacingOccurrences(of: "1950年3月5日", with: "2027年3月5日"), form: "consular-2015")
        #expect(c.has(.birthDateImplausible))
        c = extract(d.text.replacingOccurrences(of: "1950年3月5日", with: "1890年3月5日"), form: "consular-2015")
        #expect(c.has(.birthDateImplausible))
    }

    @Test func aFormOutsideTheYearsItExistedIsFlagged() {
        // A 健在确认表 dated 2026 (in use until 2015-06-30).
        let c2007 = extract(SampleDocument.certificates[1].text, form: "consular-2007")
        #expect(c2007.flags.first { $0.code == .formNotInUse }?.message.contains("2015-06-30") == true)
        // The same form dated within its years is fine.
        let old = SampleDocument.certificates[1].text.replacingOccurrences(of: "2026年10月", with: "2014年10月")
        #expect(!extract(old, form: "consular-2007").has(.formNotInUse))
        // A 审核表 dated before it existed.
        let early = SampleDocument.certificates[0].text.replacingOccurrences(of: "2026年10月", with: "2014年10月")
        #expect(extract(early, form: "consular-2015").has(.formNotInUse))
        // A 民政總署 certificate dated after 2018.
        let iacm = SampleDocument.certificates[6].text.replacingOccurrences(of: "市政署", with: "民政總署")
            .replacingOccurrences(of: "Assuntos Municipais", with: "Assuntos Cívicos e Municipais")
        let r = library.read([makePage(iacm)], today: today)
        #expect(r.classification.form == "macao-iacm")
        #expect(r.certificate.has(.formNotInUse))
        #expect(r.certificate.issuer?.value == "民政總署")
        // 市政署 itself, dated 2026: fine.
        #expect(!extract(SampleDocument.certificates[6].text, form: "macao-iam").has(.formNotInUse))
    }

    @Test func missingRequiredFieldsAreFlagged() {
        let d = SampleDocument.certificates[0]
        let text = d.text.components(separatedBy: "\n").filter { !$0.hasPrefix("出生日期") && !$0.hasPrefix("姓名") }.joined(separator: "\n")
        let c = extract(text, form: "consular-2015")
        let missing = Set(c.flags.filter { $0.code == .missingField }.compactMap(\.field))
        #expect(missing == ["name", "sex", "birth_date"])
    }

    @Test func anUnreadableDateIsNullAndFlaggedWithItsText() {
        let d = SampleDocument.certificates[0]
        let c = extract(d.text.replacingOccurrences(of: "1950年3月5日", with: "1950年2月30日"), form: "consular-2015")
        #expect(c.birthDate == nil)
        let flag = c.flags.first { $0.code == .dateUnreadable }
        #expect(flag?.field == "birth_date")
        #expect(flag?.message.contains("1950年2月30日") == true)
    }

    @Test func minguoDatesAreConvertedAndSaidSo() {
        let c = extract(SampleDocument.certificates[9].text, form: "taiwan-notary")
        #expect(c.birthDate?.value == "1950-03-05")
        #expect(c.birthDate?.raw == "民國39年3月5日")
        let minguo = c.flags.filter { $0.code == .minguoDate }
        #expect(minguo.count == 3)
        #expect(minguo.allSatisfy { $0.severity == .info })
        #expect(minguo.contains { $0.message.contains("year 39 read as 1950") })
    }

    @Test func theGeneratorsDoubledMinguoPrefixStillReads() {
        // The sample generator prints 中華民國 before a filled-in 民國115年…
        let text = SampleDocument.certificates[9].text.replacingOccurrences(of: "中華民國民國", with: "中華民國民國")
        #expect(text.contains("中華民國民國115年10月9日"))
        #expect(extract(text, form: "taiwan-notary").issuedOn?.value == "2026-10-09")
    }

    @Test func digitsSplitByOCRSpacesInAChineseDate() {
        let text = SampleDocument.certificates[1].text.replacingOccurrences(of: "于2026年10月8日", with: "于 2026 年 1 0 月 8 日")
        #expect(extract(text, form: "consular-2007").appearedOn?.value == "2026-10-08")
    }

    @Test func aLunarBirthDateInBracketsIsLeftOut() {
        let d = SampleDocument.certificates[0]
        let c = extract(d.text.replacingOccurrences(of: "出生日期：1950年3月5日", with: "出生日期：1950年3月5日（农历正月十七）"), form: "consular-2015")
        #expect(c.birthDate?.value == "1950-03-05")
        #expect(c.has(.lunarDateIgnored))
    }

    @Test func anOld15DigitResidentIDConverts() {
        let d = SampleDocument.certificates[0]
        let ric15 = "440103500305123"
        let c = extract(d.text.replacingOccurrences(of: SampleDocument.cnRIC, with: ric15), form: "consular-2015")
        let id = c.ids.first { $0.type == .mainlandResidentID }
        #expect(id?.number == IdentityNumbers.convertResidentID15(ric15))
        #expect(id?.valid == true)
        #expect(c.has(.idConverted))
    }

    @Test func theSameIDPrintedTwiceIsReportedOnce() {
        // hk-had prints the HKID in Chinese and in English.
        let c = extract(SampleDocument.certificates[4].text, form: "hk-had")
        #expect(c.ids.count == 1)
    }

    @Test func aMisreadHKIDInOneLanguageLosesToTheValidOne() {
        // The Chinese line misread (check digit wrong), the English line right: the valid one wins.
        let d = SampleDocument.certificates[4]
        let hkid = SampleDocument.hkid
        let bad = String(hkid.dropLast(2)) + (hkid.dropLast().last == "1" ? "2" : "1") + ")"
        let text = d.text.replacingOccurrences(of: "香港身份證號碼 \(hkid)", with: "香港身份證號碼 \(bad)")
        let c = extract(text, form: "hk-had")
        #expect(c.ids.count == 1 && c.ids[0].valid)
    }

    @Test func foreignNotaryNameSplitByBlankLines() {
        let d = SampleDocument.certificates[10]
        let text = d.text.replacingOccurrences(of: "\n", with: "\n\n")
        #expect(extract(text, form: "foreign-notary").nameLatin?.value == "CHAN Wai Ming")
    }

    @Test func anAmbiguousNumericDateOnAForeignNotarysFormIsRefused() {
        let d = SampleDocument.certificates[10]
        let c = extract(d.text.replacingOccurrences(of: "Dated 9 October 2026", with: "Dated 09/10/2026"), form: "foreign-notary")
        #expect(c.issuedOn == nil)
        #expect(c.has(.dateUnreadable))
        let unambiguous = extract(d.text.replacingOccurrences(of: "Dated 9 October 2026", with: "Dated 10/25/2026"), form: "foreign-notary")
        #expect(unambiguous.issuedOn?.value == "2026-10-25")
    }

    @Test func oneLibraryServesManyThreadsAtOnce() async throws {
        let documents = SampleDocument.certificates + SampleDocument.nonCertificates
        @Sendable func readAll() -> [Data] {
            documents.map { (try? library.read([makePage($0.text)], today: today).certificate.jsonData()) ?? Data() }
        }
        let serial = readAll()
        let results = await withTaskGroup(of: [Data].self) { group in
            for _ in 0..<8 {
                group.addTask {
                    var out: [Data] = []
                    for _ in 0..<5 { out = readAll() }
                    return out
                }
            }
            var all: [[Data]] = []
            for await r in group { all.append(r) }
            return all
        }
        #expect(results.count == 8)
        for r in results { #expect(r == serial) }
    }

    // MARK: - Reading and the JSON contract

    @Test(arguments: SampleDocument.nonCertificates)
    func nonCertificatesReadAsNone(_ d: SampleDocument) {
        let r = library.read([makePage(d.text)], today: today)
        #expect(r.classification.form == nil)
        #expect(r.certificate.kind == .none && r.certificate.form == nil)
        #expect(r.certificate.name == nil && r.certificate.ids.isEmpty)
        #expect(r.certificate.flags.map(\.code) == [.noTemplate])
        let json = r.certificate.jsonObject()
        #expect(json["kind"] as? String == "none")
        #expect(json["form"] is NSNull)
    }

    @Test func aNamePrintedInBothScriptsAndReadAsOneIsOneName() throws {
        // Held-out scan seed 3, no. 35: 姓名 Nome: 張輝 张辉, read with no gap between the two.
        let d = try #require(SampleDocument.certificates.first { $0.form == "macao-iam" })
        func withName(_ name: String) -> String {
            d.text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
                line.hasPrefix("姓名") ? "姓名 Nome: \(name)" : String(line)
            }.joined(separator: "\n")
        }
        #expect(extract(withName("張輝张辉"), form: "macao-iam").name?.value == "张辉")
        #expect(extract(withName("張輝張輝"), form: "macao-iam").name?.value == "张辉")
        // A name that only repeats a character is left as it is.
        #expect(extract(withName("李丽丽"), form: "macao-iam").name?.value == "李丽丽")
        #expect(extract(withName("張輝张辉明"), form: "macao-iam").name?.value == "张辉张辉明")
    }

    /// The permit H76859207 read a second time by the Hong Kong ID pattern (H768592(0), which
    /// fails its check) is one number, not a second, wrong one; a wrong number alone stays, flagged.
    @Test func aFailingNumberThatIsPartOfAValidOneIsDropped() throws {
        #expect(!IdentityNumbers.check("H7685920", as: .hongKongID, today: today).isValid)
        let d = try #require(SampleDocument.certificates.first { $0.form == "hk-ftu" })
        let lines = d.text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            if line.hasPrefix("香港身份證號碼") { return "香港身份證號碼 HKID No.：H768592(0)" }
            if line.hasPrefix("回鄉證號碼") { return "回鄉證號碼 Home Visit Permit No.：H76859207" }
            return String(line)
        }
        let c = extract(lines.joined(separator: "\n"), form: "hk-ftu")
        #expect(c.ids.map { "\($0.type.rawValue) \($0.number)" } == ["HM_PERMIT H76859207"])
        #expect(c.ids.count == c.idReadings.count)
        #expect(!c.flags.contains { $0.code == .idCheckDigit })
        // Without the permit, the failing number is reported, with its flag.
        let alone = extract(lines.filter { !$0.hasPrefix("回鄉證號碼") }.joined(separator: "\n"), form: "hk-ftu")
        #expect(alone.ids.map(\.number) == ["H7685920"])
        #expect(alone.flags.contains { $0.code == .idCheckDigit })
    }

    @Test func jsonContractShape() throws {
        let d = SampleDocument.certificates[3]
        let r = library.read([makePage(d.text)], today: today)
        let object = r.certificate.jsonObject()
        #expect(Set(object.keys) == ["kind", "form", "fields", "confidence", "flags"])
        let fields = try #require(object["fields"] as? [String: Any])
        #expect(Set(fields.keys) == ["name", "name_latin", "sex", "birth_date", "appeared_on", "issued_on", "issuer", "certificate_no", "ids"])
        #expect(fields["birth_date"] as? String == "1950-03-05")
        #expect(fields["sex"] as? String == "M")
        let ids = try #require(fields["ids"] as? [[String: String]])
        #expect(ids == [["type": "HK_ID", "number": IdentityNumbers.normalize(SampleDocument.hkid)], ["type": "HM_PERMIT", "number": "H12345678"]])
        let confidence = try #require(object["confidence"] as? [String: Any])
        #expect(confidence["birth_date"] as? Double == 0.9)
        #expect((confidence["ids"] as? [Double])?.count == 2)
        // JSONSerialization accepts it, and the Encodable form says the same.
        let viaSerialization = try JSONSerialization.jsonObject(with: JSONSerialization.data(withJSONObject: object)) as! NSDictionary
        let viaEncoder = try JSONSerialization.jsonObject(with: r.certificate.jsonData()) as! NSDictionary
        #expect(viaSerialization == viaEncoder)
    }

    @Test func absentFieldsAreNull() throws {
        let c = extract(SampleDocument.certificates[4].text, form: "hk-had")  // no issue date, no number
        let json = try #require(String(data: c.jsonData(), encoding: .utf8))
        #expect(json.contains(#""issued_on":null"#))
        #expect(json.contains(#""certificate_no":null"#))
        let fields = c.jsonObject()["fields"] as! [String: Any]
        #expect(fields["issued_on"] is NSNull)
        // Confidence is given for the fields read only.
        let confidence = c.jsonObject()["confidence"] as! [String: Any]
        #expect(confidence["issued_on"] == nil && confidence["birth_date"] as? Double == 0.9)
    }

    /// A letter O where a passport or permit can only have a digit is read as 0; a number with a
    /// check digit is never changed (its check catches the misreading instead).
    @Test(arguments: [
        ("EJO211179", IdentityType.chinesePassport, "EJ0211179"), ("EGO42O604", .chinesePassport, "EG0420604"),
        ("H8758811O", .homeReturnPermit, "H87588110"), ("44010619391017961O", .mainlandResidentID, "44010619391017961O"),
        ("OA1234567", .foreignPassport, "OA1234567"),
    ])
    func aLetterOAmongDigitsIsReadAsZeroOnlyWhereNoCheckDigitGuards(_ raw: String, _ type: IdentityType, _ expected: String) {
        #expect(Extractor.digitsAfterPrefix(raw, type: type) == expected)
    }
}
