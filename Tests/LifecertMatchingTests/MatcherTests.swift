import LifecertDomain
import Testing
@testable import LifecertMatching

/// A small registry with the hard cases: namesakes, twins, spellings, statuses.
enum Registry {
    static func d(_ s: String) -> LocalDate { LocalDate(iso: s)! }
    static func person(_ ssn: String, _ name: String, _ latin: String? = nil, _ sex: Sex = .male, _ birth: String,
                       _ idType: IdentityType = .mainlandResidentID, _ id: String,
                       status: BenefitStatus = .normal, eligible: Bool = true, died: String? = nil) -> Recipient {
        Recipient(ssn: ssn, name: name, nameLatin: latin, sex: sex, birthDate: d(birth), idType: idType, idNumber: id,
                  benefitType: .enterprisePension, benefitStatus: status, eligible: eligible, residence: "US",
                  office: "GZ", diedOn: died.map(d))
    }
    static let people: [Recipient] = [
        person("S001", "张伟", "ZHANG Wei", .male, "1950-03-05", .mainlandResidentID, "440106195003051234"),
        // A namesake: same name, another birth date.
        person("S002", "张伟", nil, .male, "1948-11-20", .mainlandResidentID, "110105194811201239"),
        // Twins: same birth date and surname.
        person("S003", "陈大文", "CHAN Tai Man", .male, "1945-07-01", .hongKongID, "A1234563"),
        person("S004", "陈小文", "CHAN Siu Man", .male, "1945-07-01", .hongKongID, "A2345670"),
        person("S005", "梁振英", "LEUNG Chun Ying", .male, "1954-08-12", .hongKongID, "C6683510"),
        person("S006", "杨秀英", "IEONG Sao Ieng", .female, "1940-02-02", .macaoID, "1234567(8)"),
        person("S007", "郑丽", nil, .female, "1939-12-24", .mainlandResidentID, "44010619391224002X", status: .terminated, died: "2026-03-01"),
        person("S008", "王芳", nil, .female, "1952-06-06", .mainlandResidentID, "440106195206060027", status: .suspended),
        person("S009", "李军", nil, .male, "1949-09-09", .mainlandResidentID, "440106194909090013", eligible: false),
        person("S010", "蔡英文", "TSAI Ing Wen", .female, "1956-08-31", .taiwanID, "A234567890"),
    ]
    /// As if these people were drawn from a registry of a million: weights are a real registry's.
    static let directory = InMemoryDirectory(people, registrySize: 1_000_000)
}

func evidence(_ name: String? = nil, latin: String? = nil, sex: Sex? = nil, birth: String? = nil,
              ids: [(IdentityType, String, Bool)] = [], appeared: String? = "2026-11-01", certNo: String? = nil,
              issuer: String? = "中华人民共和国驻美国大使馆") -> CertificateEvidence {
    CertificateEvidence(name: name, nameLatin: latin, sex: sex, birthDate: birth.map(Registry.d),
                        ids: ids.map { .init(type: $0.0, number: $0.1, valid: $0.2) }, appearedOn: appeared.map(Registry.d),
                        issuer: issuer, certificateNo: certNo)
}

@Suite struct MatcherTests {
    let matcher = try! Matcher(directory: Registry.directory, thresholds: MatchThresholds())

    @Test func aValidIDWithAgreeingNameAndBirthDateLinksAutomaticallyAndSaysWhy() throws {
        let r = try matcher.match(evidence("张伟", sex: .male, birth: "1950-03-05", ids: [(.mainlandResidentID, "440106195003051234", true)]))
        #expect(r.decision == .auto)
        #expect(r.ssn == "S001")
        let why = try #require(r.candidates.first).explanation
        #expect(why.contains("CN_RIC agrees +"))
        #expect(why.contains("birth date agrees"))
        #expect(why.contains("sex agrees"))
    }

    @Test func theNamesakeBornOnAnotherDayIsNeverProposed() throws {
        // 张伟 born 1950-03-05, no ID: S001 is proposed for review (no ID → never automatic), S002 is not.
        let r = try matcher.match(evidence("张伟", birth: "1950-03-05"))
        #expect(r.decision == .review)
        #expect(r.candidates.map(\.ssn) == ["S001"])
        // A 张伟 born on a day no 张伟 was born: no match, not the nearest stranger.
        let absent = try matcher.match(evidence("张伟", birth: "1961-01-15"))
        #expect(absent.decision == MatchDecision.none)
        #expect(absent.ssn == nil)
    }

    @Test func twinsAreToldApartByTheirIDsAndNamesAndNotGuessedWithoutThem() throws {
        let a = try matcher.match(evidence("陳大文", latin: "CHAN Tai Man", birth: "1945-07-01", ids: [(.hongKongID, "A1234563", true)]))
        #expect(a.decision == .auto && a.ssn == "S003")
        // The twin may be shown (same birth date, a name one character off), but far behind.
        if let twin = a.candidates.first(where: { $0.ssn == "S004" }) {
            #expect(twin.idDisagrees)
            #expect(a.score! - twin.score >= MatchThresholds().runnerUpMargin)
        }
        // Without an ID the twin with the right name is proposed, for review.
        let b = try matcher.match(evidence("陳小文", birth: "1945-07-01"))
        #expect(b.decision == .review && b.ssn == "S004")
    }

    @Test func aPersonAbsentFromTheRegistryIsNoMatch() throws {
        let r = try matcher.match(evidence("欧阳修", latin: "OUYANG Xiu", sex: .male, birth: "1937-08-01",
                                           ids: [(.mainlandResidentID, "440106193708010016", true)]))
        #expect(r.decision == MatchDecision.none)
        #expect(r.candidates.isEmpty)
    }

    @Test func hongKongMacaoAndTaiwanSpellingsAloneFindTheRecipientThroughTheBirthDate() throws {
        let hk = try matcher.match(evidence(latin: "LEUNG Chun-ying", birth: "1954-08-12"))
        #expect(hk.ssn == "S005" && hk.decision == .review)
        #expect(hk.candidates.first?.explanation.contains("name:") == true)
        let mo = try matcher.match(evidence(latin: "Ieong Sao Ieng", birth: "1940-02-02", ids: [(.macaoID, "1234567(8)", true)]))
        #expect(mo.decision == .auto && mo.ssn == "S006")
        let tw = try matcher.match(evidence("蔡英文", latin: "TSAI Ing-wen", birth: "1956-08-31", ids: [(.taiwanID, "A234567890", true)]))
        #expect(tw.decision == .auto && tw.ssn == "S010")
    }

    @Test func anOCRErrorInTheNameStillLinksWhenTheIDAgreesButAWrongSurnameDoesNot() throws {
        let ocr = try matcher.match(evidence("张伪", birth: "1950-03-05", ids: [(.mainlandResidentID, "440106195003051234", true)]))
        #expect(ocr.decision == .auto && ocr.ssn == "S001")
        let other = try matcher.match(evidence("王伟", birth: "1950-03-05", ids: [(.mainlandResidentID, "440106195003051234", true)]))
        #expect(other.decision == .review)
        #expect(other.reason.contains("name disagrees"))
    }

    @Test func anIDNumberAloneDoesNotLinkAutomatically() throws {
        // Neither name nor birth date could be read: the agreeing ID sends the case to a reviewer.
        let r = try matcher.match(evidence(ids: [(.mainlandResidentID, "440106195003051234", true)]))
        #expect(r.decision == .review && r.ssn == "S001")
        #expect(r.reason.contains("only field that agrees"))
    }

    @Test func anIDWithACharacterAddedByOCRIsCloseNotDifferent() throws {
        let r = try matcher.match(evidence("陈大文", birth: "1945-07-01", ids: [(.hongKongID, "A12334563", false)]))
        #expect(r.candidates.first { $0.ssn == "S003" }?.contributions.first?.level == "close")
    }

    @Test func anIDFailingItsCheckNeverLinksAutomatically() throws {
        // One digit misread: the check fails, so the number is evidence for review only.
        let r = try matcher.match(evidence("张伟", birth: "1950-03-05", ids: [(.mainlandResidentID, "440106195003051284", false)]))
        #expect(r.decision == .review && r.ssn == "S001")
        #expect(r.candidates.first?.explanation.contains("one character off") == true)
    }

    @Test func weightsFollowTheRegistryFrequencies() throws {
        // A birth date shared by two recipients weighs less than one shared by none other.
        let shared = try matcher.match(evidence("陈大文", birth: "1945-07-01")).candidates.first!
        let unique = try matcher.match(evidence("梁振英", birth: "1954-08-12")).candidates.first!
        let w = { (c: ScoredCandidate) in c.contributions.first { $0.field == "birth_date" }!.weight }
        #expect(w(shared) < w(unique))
        #expect(shared.contributions.first { $0.field == "birth_date" }!.sentence.contains("2 recipients born that day"))
    }
}

@Suite struct LinkCheckTests {
    let policy = CertificationPolicy.standard
    let today = Registry.d("2026-11-25")

    func flags(_ e: CertificateEvidence, used: [String] = [], issuerOK: Bool? = true) throws -> [LinkFlag.Code] {
        let m = try Matcher(directory: Registry.directory, thresholds: MatchThresholds()).match(e)
        let r = Registry.people.first { $0.ssn == m.ssn }
        return LinkChecks.flags(e, match: m, recipient: r, today: today, policy: policy, certificateNoUsedBy: used, issuerRecognised: issuerOK).map(\.code)
    }

    @Test func statusesBecomeFlags() throws {
        #expect(try flags(evidence("郑丽", birth: "1939-12-24", ids: [(.mainlandResidentID, "44010619391224002X", true)], appeared: "2026-10-01"))
            == [.benefitStatusAbnormal, .appearedAfterDeath])
        #expect(try flags(evidence("王芳", birth: "1952-06-06", ids: [(.mainlandResidentID, "440106195206060027", true)])) == [.restoresPayment])
        #expect(try flags(evidence("李军", birth: "1949-09-09", ids: [(.mainlandResidentID, "440106194909090013", true)])) == [.eligibilityLost])
    }

    @Test func datesNumbersAndIssuersBecomeFlags() throws {
        let ok = [(IdentityType.mainlandResidentID, "440106195003051234", true)]
        #expect(try flags(evidence("张伟", birth: "1950-03-05", ids: ok, appeared: "2026-12-01")) == [.appearedInFuture])
        #expect(try flags(evidence("张伟", birth: "1950-03-05", ids: ok, appeared: "2026-05-24")) == [.certificateTooOld])
        #expect(try flags(evidence("张伟", birth: "1950-03-05", ids: ok, appeared: "2026-05-26")) == [])
        #expect(try flags(evidence("张伟", birth: "1950-03-05", ids: ok, certNo: "(2026)美领审字第1号"), used: ["S009"]) == [.certificateNumberReused])
        var e = evidence("张伟", birth: "1950-03-05", ids: ok)
        e.issuer = "中华人民共和国驻亚特兰蒂斯大使馆"
        #expect(try flags(e, issuerOK: false) == [.issuerNotRecognised])
        // An issuer that could not be read is not silently taken as recognised.
        #expect(try flags(evidence("张伟", birth: "1950-03-05", ids: ok, issuer: nil), issuerOK: nil) == [.issuerUnverified])
    }

    @Test func mismatchesUseTheRegistryChannelsWording() throws {
        let e = evidence("王伟", birth: "1950-03-05", ids: [(.mainlandResidentID, "440106195003051234", true)])
        let m = try Matcher(directory: Registry.directory, thresholds: MatchThresholds()).match(e)
        let f = LinkChecks.flags(e, match: m, recipient: nil, today: today, policy: policy, certificateNoUsedBy: [], issuerRecognised: nil)
        #expect(f.first?.message.contains("当前人员信息与社保系统信息不匹配") == true)
        #expect(try flags(evidence("欧阳修", birth: "1937-08-01")) == [.noMatch])
    }
}
