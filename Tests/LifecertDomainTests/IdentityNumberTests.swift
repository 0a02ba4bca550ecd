import Testing
@testable import LifecertDomain

// Test vectors are published ones where a source is named next to them. Every check character and
// every expected failure below was recomputed independently in python3 (ISO 7064 MOD 11-2 for
// resident IDs and residence permits, the weighted mod-11 HKID rule, the Taiwan letter-code
// checksum), not copied from the Swift code.

struct ValidResidentID: Sendable, CustomTestStringConvertible {
    let number: String, birth: String, sex: Sex, province: String
    init(_ number: String, born birth: String, _ sex: Sex, _ province: String) {
        self.number = number
        self.birth = birth
        self.sex = sex
        self.province = province
    }
    var testDescription: String { number }
}

struct ExpectedFailure: Sendable, CustomTestStringConvertible {
    let number: String, type: IdentityType, failure: IdentityFailure
    init(_ number: String, _ type: IdentityType, _ failure: IdentityFailure) {
        self.number = number
        self.type = type
        self.failure = failure
    }
    var testDescription: String { "\(number) as \(type.rawValue): \(failure)" }
}

struct TypedNumber: Sendable, CustomTestStringConvertible {
    let number: String, type: IdentityType
    init(_ number: String, _ type: IdentityType) {
        self.number = number
        self.type = type
    }
    var testDescription: String { "\(number) as \(type.rawValue)" }
}

func isPattern(_ failure: IdentityFailure?) -> Bool {
    if case .pattern = failure { return true }
    return false
}

@Suite struct IdentityNumberTests {
    // MARK: Mainland resident ID

    @Test(arguments: [
        // GB 11643-1999 worked examples; also identique/idnumbers tests/nationalid/test_CHN.py (test_normal_case)
        ValidResidentID("11010519491231002X", born: "1949-12-31", .female, "北京"),
        ValidResidentID("440524188001010014", born: "1880-01-01", .male, "广东"),
        // identique/idnumbers tests/nationalid/test_CHN.py (test_normal_case, test_october_birth_date)
        ValidResidentID("11010219840406970X", born: "1984-04-06", .female, "北京"),
        ValidResidentID("372925199510103222", born: "1995-10-10", .female, "山东"),
    ])
    func validResidentIDs(_ c: ValidResidentID) throws {
        let birth = try date(c.birth)
        for r in [IdentityNumbers.check(c.number), IdentityNumbers.check(c.number, as: .mainlandResidentID)] {
            #expect(r.isValid)
            #expect(r.failures.isEmpty)
            #expect(r.type == .mainlandResidentID)
            #expect(r.normalized == c.number)
            #expect(r.key == c.number)
            #expect(r.facts.birthDate == birth)
            #expect(r.facts.sex == c.sex)
            #expect(r.facts.issuedBy?.contains(c.province) == true)
        }
    }

    @Test(arguments: [
        // identique/idnumbers tests/nationalid/test_CHN.py (test_error_case, test_october_birth_date)
        ExpectedFailure("440524189001010014", .mainlandResidentID, .checkDigit(expected: "9", found: "4")),
        ExpectedFailure("11010219840506970X", .mainlandResidentID, .checkDigit(expected: "1", found: "X")),
        ExpectedFailure("11020519491231002X", .mainlandResidentID, .checkDigit(expected: "5", found: "X")),
        ExpectedFailure("372925199510103223", .mainlandResidentID, .checkDigit(expected: "2", found: "3")),
        // Constructed: impossible birth dates / unknown province with a correct check character (python)
        ExpectedFailure("110105194913310021", .mainlandResidentID, .birthDateInvalid("1949-13-31")),
        ExpectedFailure("110101199002301236", .mainlandResidentID, .birthDateInvalid("1990-02-30")),
        ExpectedFailure("990105194912310023", .mainlandResidentID, .unknownRegion("990105")),
        // jxlwqq/id-validator README permit 810000199408230021 with its check character changed
        ExpectedFailure("810000199408230023", .residencePermit, .checkDigit(expected: "1", found: "3")),
        // identique/idnumbers tests/nationalid/test_TWN.py (test_error_case, test_check_digit_zero_wrong_digit)
        ExpectedFailure("A223456789", .taiwanID, .checkDigit(expected: "1", found: "9")),
        ExpectedFailure("A120229781", .taiwanID, .checkDigit(expected: "0", found: "1")),
        ExpectedFailure("M162773051", .taiwanID, .checkDigit(expected: "0", found: "1")),
        // identique/idnumbers tests/nationalid/test_HKG.py (test_error_case)
        ExpectedFailure("TP1490253", .hongKongID, .checkDigit(expected: "8", found: "3")),
        // iLexN/HKID-Check-Digit tests/HkidTest.php (additionProviderFalseResult: DigitError)
        ExpectedFailure("B111111(3)", .hongKongID, .checkDigit(expected: "1", found: "3")),
    ])
    func numbersThatFailOneRule(_ c: ExpectedFailure) {
        let detected = IdentityNumbers.check(c.number)
        #expect(!detected.isValid)
        #expect(detected.type == c.type)
        #expect(detected.failures == [c.failure])
        let stated = IdentityNumbers.check(c.number, as: c.type)
        #expect(!stated.isValid)
        #expect(stated.failures == [c.failure])
    }

    @Test func oldFifteenDigitNumberConvertsToEighteen() throws {
        // jxlwqq/id-validator tests/IdValidatorTest.php and README: 610104620927690
        let born = try date("1962-09-27")
        let r = IdentityNumbers.check("610104620927690")
        #expect(r.isValid)
        #expect(r.type == .mainlandResidentID)
        #expect(r.normalized == "610104620927690")
        #expect(r.facts.converted == "610104196209276908")
        #expect(r.key == "610104196209276908")
        #expect(r.facts.birthDate == born)
        #expect(r.facts.sex == .female)
        #expect(IdentityNumbers.convertResidentID15("610104620927690") == "610104196209276908")
        #expect(IdentityNumbers.check("610104196209276908").isValid)
    }

    @Test func birthDateLimits() throws {
        let future = "110105202501010011"  // check character computed in python
        let (before, birthday) = try (date("2024-06-01"), date("2025-01-01"))
        let early = IdentityNumbers.check(future, today: before)
        #expect(!early.isValid)
        #expect(early.failures == [.birthDateInFuture(birthday)])
        #expect(IdentityNumbers.check(future, today: birthday).isValid)
        #expect(IdentityNumbers.check(future).isValid, "no `today`: the rule is skipped")

        let dayBefore1880 = try date("1879-12-31")
        let tooEarly = IdentityNumbers.check("440524187912310013")  // check character computed in python
        #expect(tooEarly.failures == [.birthDateTooEarly(dayBefore1880)])
    }

    @Test func checkCharacterFunctions() {
        #expect(IdentityNumbers.residentIDCheckCharacter("11010519491231002") == "X")
        #expect(IdentityNumbers.residentIDCheckCharacter("44052418800101001") == "4")
        #expect(IdentityNumbers.residentIDCheckCharacter("1101051949123100") == nil)
        #expect(IdentityNumbers.hongKongCheckCharacter("A123456") == "3")
        #expect(IdentityNumbers.hongKongCheckCharacter("D360546") == "A")
        #expect(IdentityNumbers.taiwanCheckDigit("A12345678") == "9")
        #expect(IdentityNumbers.taiwanCheckDigit("M16277305") == "0")
    }

    // MARK: Normalisation, display and masking

    @Test(arguments: ["１１０１０５１９４９１２３１００２ｘ", "１１０１０５　１９４９１２３１　００２Ｘ", "110105 19491231 002X",
                      "11010519491231002x", " 110105-19491231-002x ", "11010519491231002X"])
    func residentIDNormalisation(_ raw: String) {
        #expect(IdentityNumbers.normalize(raw) == "11010519491231002X")
        let r = IdentityNumbers.check(raw)
        #expect(r.input == raw)
        #expect(r.normalized == "11010519491231002X")
        #expect(r.isValid)
    }

    @Test(arguments: ["A123456（3）", "a123456 (3)", "A123456(3)", "Ａ１２３４５６（３）", "A1234563"])
    func hongKongNormalisationAndDisplay(_ raw: String) {
        #expect(IdentityNumbers.normalize(raw) == "A1234563")
        let r = IdentityNumbers.check(raw)
        #expect(r.isValid)
        #expect(r.type == .hongKongID)
        #expect(r.key == "A1234563")
        #expect(r.display == "A123456(3)")
    }

    @Test func maskingHidesTheBirthDate() {
        let masked = IdentityNumbers.mask("11010519491231002X")
        #expect(!masked.contains("19491231"))
        #expect(masked.hasPrefix("1101"))
        #expect(masked.hasSuffix("002X"))
        #expect(masked.count == 18)
        #expect(!IdentityNumbers.check("11010519491231002X").summary.contains("19491231"))
        #expect(!IdentityNumbers.check("11010219840506970X").summary.contains("19840506"))
    }

    // MARK: Hong Kong identity card

    @Test(arguments: [
        // The usual worked example of the HKID check digit
        "A123456(3)",
        // iLexN/HKID-Check-Digit README.md (CA182361(1)) and tests/HkidTest.php (additionProviderTrueResult)
        "CA182361(1)", "B111111(1)", "ZA182361(3)", "B111112(A)", "B111117(0)", "Z109852(8)",
        // identique/idnumbers tests/nationalid/test_HKG.py (test_normal_case)
        "TP1490258", "D360546A",
        // Further commonly quoted examples; check digits recomputed in python
        "AB123456(9)", "AB987654(3)", "E364912(5)", "D288754(2)", "G123456(A)",
    ])
    func validHongKongIDs(_ raw: String) {
        let r = IdentityNumbers.check(raw)
        #expect(r.isValid)
        #expect(r.type == .hongKongID)
        #expect(IdentityNumbers.check(raw, as: .hongKongID).isValid)
        #expect(r.display == "\(r.normalized.dropLast())(\(r.normalized.suffix(1)))")
    }

    @Test func hongKongCheckCharacterGIsNotAllowed() {
        // iLexN/HKID-Check-Digit tests/HkidTest.php: B111111(G)
        let r = IdentityNumbers.check("B111111(G)", as: .hongKongID)
        #expect(!r.isValid)
        #expect(r.failures.count == 1)
        #expect(isPattern(r.failures.first))
    }

    // MARK: Taiwan

    @Test(arguments: [
        // identique/idnumbers tests/nationalid/test_TWN.py (test_normal_case, test_check_digit_zero)
        ("A123456789", Sex.male), ("M140051653", Sex.male), ("Q238927307", Sex.female),
        ("A120229780", Sex.male), ("M162773050", Sex.male),
        // checksum verified in python
        ("E160235953", Sex.male),
    ])
    func validTaiwanIDs(_ number: String, _ sex: Sex) {
        let r = IdentityNumbers.check(number)
        #expect(r.isValid)
        #expect(r.type == .taiwanID)
        #expect(r.facts.sex == sex)
        #expect(IdentityNumbers.check(number, as: .taiwanID).isValid)
    }

    @Test func taiwanSexComesFromTheSecondDigitEvenWhenTheChecksumFails() {
        #expect(IdentityNumbers.check("A223456789").facts.sex == .female)
    }

    // MARK: Residence permits for HK/Macao/Taiwan residents

    @Test(arguments: [
        // jxlwqq/id-validator README.md (specimen numbers published by the Beijing public security bureau)
        ("810000199408230021", "1994-08-23"), ("830000199201300022", "1992-01-30"),
    ])
    func residencePermits(_ number: String, _ birth: String) throws {
        let born = try date(birth)
        let detected = IdentityNumbers.check(number)
        #expect(detected.isValid)
        #expect(detected.type == .residencePermit)
        #expect(detected.facts.birthDate == born)
        #expect(detected.facts.sex == .female)
        #expect(IdentityNumbers.check(number, as: .residencePermit).isValid)
        #expect(!IdentityNumbers.check(number, as: .mainlandResidentID).isValid)
    }

    // MARK: Types checked by pattern only

    @Test(arguments: [
        TypedNumber("1234567(8)", .macaoID),
        // identique/idnumbers tests/nationalid/test_MAC.py (test_normal_case, first digits 1 and 5)
        TypedNumber("5215299(8)", .macaoID), TypedNumber("12281507", .macaoID),
        TypedNumber("H12345678", .homeReturnPermit), TypedNumber("M12345678", .homeReturnPermit),
        TypedNumber("H1234567801", .homeReturnPermit), TypedNumber("HA1234567", .homeReturnPermit),
        TypedNumber("MA1234567", .homeReturnPermit),
        TypedNumber("E12345678", .chinesePassport), TypedNumber("EA1234567", .chinesePassport),
        TypedNumber("G12345678", .chinesePassport), TypedNumber("K12345678", .chinesePassport),
        TypedNumber("MA1234567", .chinesePassport),
    ])
    func validPatternOnlyNumbers(_ c: TypedNumber) {
        let r = IdentityNumbers.check(c.number, as: c.type)
        #expect(r.isValid)
        #expect(r.failures.isEmpty)
        #expect(!c.type.hasCheckDigit)
    }

    @Test(arguments: [
        TypedNumber("2234567(8)", .macaoID),
        // identique/idnumbers tests/nationalid/test_MAC.py (test_error_case)
        TypedNumber("22281507", .macaoID),
        TypedNumber("EI1234567", .chinesePassport), TypedNumber("EO1234567", .chinesePassport),
        TypedNumber("H1234567", .homeReturnPermit),
    ])
    func patternFailures(_ c: TypedNumber) {
        let r = IdentityNumbers.check(c.number, as: c.type)
        #expect(!r.isValid)
        #expect(r.failures.count == 1)
        #expect(isPattern(r.failures.first))
    }

    @Test(arguments: [
        TypedNumber("1234567(8)", .macaoID), TypedNumber("12281507", .macaoID),
        TypedNumber("H12345678", .homeReturnPermit), TypedNumber("H1234567801", .homeReturnPermit),
        // HA123456 would need HKID check digit 9, not 7: only the permit fits
        TypedNumber("HA1234567", .homeReturnPermit),
        // EA123456 would need HKID check digit 3, not 7: only the passport fits
        TypedNumber("EA1234567", .chinesePassport),
        TypedNumber("E12345678", .chinesePassport), TypedNumber("G12345678", .chinesePassport),
        TypedNumber("K12345678", .chinesePassport),
    ])
    func typeIsDetectedWhenOnlyOneFits(_ c: TypedNumber) {
        let r = IdentityNumbers.check(c.number)
        #expect(r.isValid)
        #expect(r.type == c.type)
    }

    @Test func macaoDisplay() {
        #expect(IdentityNumbers.check("12345678").display == "1234567(8)")
        let r = IdentityNumbers.check("2234567(8)")
        #expect(r.type == nil)
        #expect(r.failures == [.unrecognised])
    }

    @Test func aNumberFittingSeveralTypesIsAmbiguous() throws {
        // MA + 7 digits is both a Macao SAR passport and a non-Chinese resident's permit; as an HKID
        // MA123456 would need check digit 8, so that reading is out.
        let r = IdentityNumbers.check("MA1234567")
        #expect(!r.isValid)
        #expect(r.type == nil)
        #expect(r.failures.count == 1)
        guard case .ambiguous(let types) = try #require(r.failures.first) else {
            Issue.record("expected .ambiguous, got \(r.failures)")
            return
        }
        #expect(types.contains(.chinesePassport))
        #expect(types.contains(.homeReturnPermit))
        #expect(!types.contains(.hongKongID))
    }

    // MARK: Input that is not a number at all

    @Test(arguments: ["", "   ", "()", "（　）"])
    func emptyInput(_ raw: String) {
        let r = IdentityNumbers.check(raw)
        #expect(r.failures == [.empty])
        #expect(!r.isValid)
        #expect(IdentityNumbers.check(raw, as: .hongKongID).failures == [.empty])
    }

    @Test func aCharacterNoNumberContains() {
        let r = IdentityNumbers.check("44010319500101123€")
        #expect(!r.isValid)
        #expect(r.failures == [.invalidCharacter("€")])
        #expect(IdentityNumbers.check("粤123456", as: .hongKongID).failures == [.invalidCharacter("粤")])
    }
}
