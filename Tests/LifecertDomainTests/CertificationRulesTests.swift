import Testing
@testable import LifecertDomain

// Every expected date in these tables was computed independently with python3 (datetime and
// calendar.monthrange), not derived from the Swift code. SPEC.md rules 3–5: certified in month M →
// valid through the last day of M+12 → suspended from month M+13; back pay before the 15th → the
// last day of that month, on/after the 15th or with further checks → the 10th of the next month;
// work injury and work-death dependants → the 15th of the next month.

/// A `YYYY-MM-DD` literal from a table; fails the test (rather than crashing the run) if it is not a date.
func date(_ iso: String) throws -> LocalDate {
    try #require(LocalDate(iso: iso), "'\(iso)' is not a date")
}

/// A `YYYY-MM` literal from a table.
func month(_ iso: String) throws -> YearMonth {
    try #require(YearMonth(iso: iso), "'\(iso)' is not a month")
}

struct ValidityCase: Sendable, CustomTestStringConvertible {
    let certified: String, validUntil: String, suspendedFrom: String
    init(_ certified: String, _ validUntil: String, _ suspendedFrom: String) {
        self.certified = certified
        self.validUntil = validUntil
        self.suspendedFrom = suspendedFrom
    }
    var testDescription: String { "certified \(certified) → valid until \(validUntil), suspended from \(suspendedFrom)" }
}

struct BackPayCase: Sendable, CustomTestStringConvertible {
    let benefit: BenefitType, passedOn: String, furtherChecks: Bool, due: String
    init(_ benefit: BenefitType, _ passedOn: String, checks: Bool = false, _ due: String) {
        self.benefit = benefit
        self.passedOn = passedOn
        self.furtherChecks = checks
        self.due = due
    }
    var testDescription: String {
        "\(benefit.rawValue) passed \(passedOn)\(furtherChecks ? " after further checks" : "") → back pay by \(due)"
    }
}

enum ExpectedOutcome: Sendable {
    case continues(validUntil: String, suspendedFrom: String)
    case restores(validUntil: String, suspendedFrom: String, backPayDue: String)
    case aliveOnly(validUntil: String)
    case refused

    func value() throws -> CertificationOutcome {
        switch self {
        case .continues(let v, let s): return try .continues(validUntil: date(v), suspendedFrom: month(s))
        case .restores(let v, let s, let b):
            return try .restores(validUntil: date(v), suspendedFrom: month(s), backPayDue: date(b))
        case .aliveOnly(let v): return try .aliveOnly(validUntil: date(v))
        case .refused: return .refused(.benefitStatusAbnormal)
        }
    }
}

struct OutcomeCase: Sendable, CustomTestStringConvertible {
    let label: String
    let status: BenefitStatus, eligible: Bool, benefit: BenefitType
    let certified: String, passed: String, previous: String?, furtherChecks: Bool
    let expected: ExpectedOutcome
    init(_ label: String, _ status: BenefitStatus, eligible: Bool = true, _ benefit: BenefitType = .enterprisePension,
         certified: String, passed: String, previous: String? = nil, checks: Bool = false, _ expected: ExpectedOutcome) {
        self.label = label
        self.status = status
        self.eligible = eligible
        self.benefit = benefit
        self.certified = certified
        self.passed = passed
        self.previous = previous
        self.furtherChecks = checks
        self.expected = expected
    }
    var testDescription: String { label }
}

struct StandingCase: Sendable, CustomTestStringConvertible {
    let certified: String, today: String, daysLeft: Int, isLapsed: Bool
    init(_ certified: String, on today: String, daysLeft: Int, lapsed: Bool) {
        self.certified = certified
        self.today = today
        self.daysLeft = daysLeft
        self.isLapsed = lapsed
    }
    var testDescription: String { "certified \(certified), on \(today): \(daysLeft) days left\(isLapsed ? ", lapsed" : "")" }
}

/// validity 6 months, suspended from M+8 (two months' grace), back pay cut-off the 20th, next month by the 5th.
let customPolicy: CertificationPolicy = {
    var p = CertificationPolicy()
    p.validityMonths = 6
    p.suspensionMonthOffset = 8
    p.backPayCutoffDay = 20
    p.backPayNextMonthDay = 5
    return p
}()

@Suite struct CertificationRulesTests {
    let rules = CertificationRules()

    // MARK: Rule 3 – validity and suspension

    @Test(arguments: [
        ValidityCase("2024-01-31", "2025-01-31", "2025-02"),  // month end
        ValidityCase("2024-04-30", "2025-04-30", "2025-05"),  // 30-day month end
        ValidityCase("2024-02-29", "2025-02-28", "2025-03"),  // leap day → non-leap February
        ValidityCase("2023-02-01", "2024-02-29", "2024-03"),  // non-leap February → leap February
        ValidityCase("2023-02-28", "2024-02-29", "2024-03"),
        ValidityCase("2024-12-31", "2025-12-31", "2026-01"),  // December: suspension rolls into January
        ValidityCase("2024-12-01", "2025-12-31", "2026-01"),
        ValidityCase("2024-11-05", "2025-11-30", "2025-12"),
        ValidityCase("2024-11-30", "2025-11-30", "2025-12"),
        ValidityCase("2023-12-31", "2024-12-31", "2025-01"),
        ValidityCase("2024-01-01", "2025-01-31", "2025-02"),  // first of month: the whole month counts
        ValidityCase("2024-03-01", "2025-03-31", "2025-04"),
        ValidityCase("2024-03-31", "2025-03-31", "2025-04"),
        ValidityCase("2024-06-15", "2025-06-30", "2025-07"),
        ValidityCase("2024-05-31", "2025-05-31", "2025-06"),
        ValidityCase("2024-07-01", "2025-07-31", "2025-08"),
        ValidityCase("2024-08-31", "2025-08-31", "2025-09"),
        ValidityCase("2024-09-30", "2025-09-30", "2025-10"),
        ValidityCase("2024-10-10", "2025-10-31", "2025-11"),
        ValidityCase("2023-01-31", "2024-01-31", "2024-02"),
        ValidityCase("2023-03-15", "2024-03-31", "2024-04"),
        ValidityCase("2025-01-31", "2026-01-31", "2026-02"),
        ValidityCase("2025-02-28", "2026-02-28", "2026-03"),
        ValidityCase("1999-02-10", "2000-02-29", "2000-03"),  // 2000 is a leap year (divisible by 400)
        ValidityCase("2099-02-10", "2100-02-28", "2100-03"),  // 2100 is not (divisible by 100)
    ])
    func validityAndSuspensionWithTheDefaultPolicy(_ c: ValidityCase) throws {
        let (certified, validUntil, suspendedFrom) = try (date(c.certified), date(c.validUntil), month(c.suspendedFrom))
        #expect(rules.validUntil(certifiedOn: certified) == validUntil)
        #expect(rules.suspendedFrom(certifiedOn: certified) == suspendedFrom)
    }

    // MARK: Rule 4 – back pay

    @Test(arguments: [
        BackPayCase(.enterprisePension, "2024-03-14", "2024-03-31"),  // before the 15th → that month
        BackPayCase(.enterprisePension, "2024-03-15", "2024-04-10"),  // the 15th → 10th of next month
        BackPayCase(.enterprisePension, "2024-03-01", "2024-03-31"),
        BackPayCase(.enterprisePension, "2024-03-31", "2024-04-10"),
        BackPayCase(.enterprisePension, "2024-03-14", checks: true, "2024-04-10"),
        BackPayCase(.enterprisePension, "2024-04-14", "2024-04-30"),
        BackPayCase(.disabilityAllowance, "2024-04-15", "2024-05-10"),
        BackPayCase(.disabilityAllowance, "2024-06-13", "2024-06-30"),
        BackPayCase(.disabilityAllowance, "2024-02-14", "2024-02-29"),  // leap February
        BackPayCase(.disabilityAllowance, "2024-02-15", "2024-03-10"),
        BackPayCase(.disabilityAllowance, "2023-02-14", "2023-02-28"),
        BackPayCase(.enterprisePension, "2024-01-31", "2024-02-10"),
        BackPayCase(.enterprisePension, "2024-12-14", "2024-12-31"),
        BackPayCase(.enterprisePension, "2024-12-20", "2025-01-10"),  // December → January of next year
        BackPayCase(.disabilityAllowance, "2024-12-14", checks: true, "2025-01-10"),
        BackPayCase(.institutionPension, "2024-06-14", "2024-06-30"),
        BackPayCase(.residentPension, "2024-06-15", "2024-07-10"),
        BackPayCase(.workInjury, "2024-03-01", "2024-04-15"),  // 15th of next month whatever the day
        BackPayCase(.workInjury, "2024-03-14", checks: true, "2024-04-15"),
        BackPayCase(.workInjury, "2024-03-31", "2024-04-15"),
        BackPayCase(.workInjury, "2024-01-14", "2024-02-15"),
        BackPayCase(.workDeathDependant, "2024-01-01", "2024-02-15"),
        BackPayCase(.workDeathDependant, "2024-01-31", "2024-02-15"),
        BackPayCase(.workDeathDependant, "2024-12-31", "2025-01-15"),
    ])
    func backPayWithTheDefaultPolicy(_ c: BackPayCase) throws {
        let (passedOn, expected) = try (date(c.passedOn), date(c.due))
        #expect(rules.backPayDue(benefit: c.benefit, passedOn: passedOn, neededFurtherChecks: c.furtherChecks) == expected)
    }

    // MARK: Rules 3–5 – what a passing certification does

    @Test(arguments: [
        OutcomeCase("terminated → benefit status abnormal", .terminated,
                    certified: "2024-03-10", passed: "2024-03-12", .refused),
        OutcomeCase("terminated and ineligible → still refused", .terminated, eligible: false,
                    certified: "2024-03-10", passed: "2024-03-12", .refused),
        OutcomeCase("ineligible and suspended → alive only, nothing restored", .suspended, eligible: false,
                    certified: "2024-03-10", passed: "2024-03-12", .aliveOnly(validUntil: "2025-03-31")),
        OutcomeCase("ineligible while running → alive only", .normal, eligible: false, .workInjury,
                    certified: "2024-12-05", passed: "2024-12-06", .aliveOnly(validUntil: "2025-12-31")),
        OutcomeCase("ineligible keeps the later previous certification", .suspended, eligible: false,
                    certified: "2024-01-10", passed: "2024-01-11", previous: "2024-05-02", .aliveOnly(validUntil: "2025-05-31")),
        OutcomeCase("suspended, passed before the 15th → back pay that month", .suspended,
                    certified: "2024-03-10", passed: "2024-03-12",
                    .restores(validUntil: "2025-03-31", suspendedFrom: "2025-04", backPayDue: "2024-03-31")),
        OutcomeCase("suspended, appeared on the 10th but passed on the 18th → next month", .suspended,
                    certified: "2024-03-10", passed: "2024-03-18",
                    .restores(validUntil: "2025-03-31", suspendedFrom: "2025-04", backPayDue: "2024-04-10")),
        OutcomeCase("suspended, further checks → next month", .suspended, .disabilityAllowance,
                    certified: "2024-03-10", passed: "2024-03-12", checks: true,
                    .restores(validUntil: "2025-03-31", suspendedFrom: "2025-04", backPayDue: "2024-04-10")),
        OutcomeCase("suspended work-death dependant, December → 15 January", .suspended, .workDeathDependant,
                    certified: "2024-11-28", passed: "2024-12-03",
                    .restores(validUntil: "2025-11-30", suspendedFrom: "2025-12", backPayDue: "2025-01-15")),
        OutcomeCase("suspended with a later previous certification", .suspended,
                    certified: "2024-01-10", passed: "2024-06-20", previous: "2024-05-02",
                    .restores(validUntil: "2025-05-31", suspendedFrom: "2025-06", backPayDue: "2024-07-10")),
        OutcomeCase("running, leap day", .normal,
                    certified: "2024-02-29", passed: "2024-03-02", .continues(validUntil: "2025-02-28", suspendedFrom: "2025-03")),
        OutcomeCase("running, previous later → validity does not move backwards", .normal,
                    certified: "2024-01-10", passed: "2024-01-12", previous: "2024-05-02",
                    .continues(validUntil: "2025-05-31", suspendedFrom: "2025-06")),
        OutcomeCase("running, previous earlier → validity moves on", .normal,
                    certified: "2024-06-01", passed: "2024-06-03", previous: "2024-01-10",
                    .continues(validUntil: "2025-06-30", suspendedFrom: "2025-07")),
    ])
    func outcomeOfAPassingCertification(_ c: OutcomeCase) throws {
        let outcome = try rules.outcome(status: c.status, eligible: c.eligible, benefit: c.benefit,
                                        certifiedOn: date(c.certified), passedOn: date(c.passed),
                                        previousCertifiedOn: c.previous.map(date), neededFurtherChecks: c.furtherChecks)
        let expected = try c.expected.value()
        #expect(outcome == expected)
        if !c.eligible || c.status != .suspended {
            #expect(outcome.backPayDue == nil, "only a restoration carries back pay")
        }
    }

    // MARK: Rule 3 – a new urban-rural resident pensioner counts from the month after the application

    @Test func newResidentPensionerCountsFromTheMonthAfterTheApplication() throws {
        let applied = try date("2024-03-20")
        let anchor = try #require(rules.anchorMonth(lastCertifiedOn: nil, residentPensionAppliedOn: applied))
        #expect(anchor.description == "2024-04")
        #expect(rules.validUntil(anchor: anchor).description == "2025-04-30")
        #expect(rules.suspendedFrom(anchor: anchor).description == "2025-05")

        let appliedInDecember = try date("2024-12-05")
        let january = try #require(rules.anchorMonth(lastCertifiedOn: nil, residentPensionAppliedOn: appliedInDecember))
        #expect(january.description == "2025-01")
        #expect(rules.validUntil(anchor: january).description == "2026-01-31")
        #expect(rules.suspendedFrom(anchor: january).description == "2026-02")
    }

    @Test func aCertificationWinsOverTheApplicationDate() throws {
        let anchor = try rules.anchorMonth(lastCertifiedOn: date("2024-06-10"), residentPensionAppliedOn: date("2024-03-20"))
        #expect(anchor?.description == "2024-06")
        #expect(rules.anchorMonth(lastCertifiedOn: nil, residentPensionAppliedOn: nil) == nil)
    }

    @Test func residentPensionerStandingAroundTheBoundary() throws {
        let applied = try date("2024-03-20")
        let last = try rules.standing(lastCertifiedOn: nil, residentPensionAppliedOn: applied, on: date("2025-04-30"))
        #expect(last.validUntil?.description == "2025-04-30")
        #expect(last.suspendedFrom?.description == "2025-05")
        #expect(last.daysLeft == 0)
        #expect(!last.isLapsed)
        let after = try rules.standing(lastCertifiedOn: nil, residentPensionAppliedOn: applied, on: date("2025-05-01"))
        #expect(after.daysLeft == -1)
        #expect(after.isLapsed)
    }

    // MARK: Standing on a given day

    @Test(arguments: [
        StandingCase("2024-03-10", on: "2024-03-10", daysLeft: 386, lapsed: false),
        StandingCase("2024-03-10", on: "2025-03-30", daysLeft: 1, lapsed: false),
        StandingCase("2024-03-10", on: "2025-03-31", daysLeft: 0, lapsed: false),
        StandingCase("2024-03-10", on: "2025-04-01", daysLeft: -1, lapsed: true),
        StandingCase("2024-03-10", on: "2025-04-30", daysLeft: -30, lapsed: true),
        StandingCase("2024-02-29", on: "2025-02-28", daysLeft: 0, lapsed: false),
        StandingCase("2024-02-29", on: "2025-03-01", daysLeft: -1, lapsed: true),
        StandingCase("2023-12-31", on: "2024-12-31", daysLeft: 0, lapsed: false),
        StandingCase("2023-12-31", on: "2025-01-01", daysLeft: -1, lapsed: true),
    ])
    func standingAroundTheBoundary(_ c: StandingCase) throws {
        let certified = try date(c.certified)
        let s = try rules.standing(lastCertifiedOn: certified, on: date(c.today))
        #expect(s.daysLeft == c.daysLeft)
        #expect(s.isLapsed == c.isLapsed)
        #expect(s.validUntil == rules.validUntil(certifiedOn: certified))
        #expect(s.suspendedFrom == rules.suspendedFrom(certifiedOn: certified))
    }

    @Test func standingWithNothingKnown() throws {
        let s = try rules.standing(lastCertifiedOn: nil, on: date("2025-01-01"))
        #expect(s.validUntil == nil)
        #expect(s.suspendedFrom == nil)
        #expect(s.daysLeft == nil)
        #expect(!s.isLapsed)
    }

    // MARK: A custom policy

    @Test(arguments: [
        ValidityCase("2024-03-10", "2024-09-30", "2024-11"),
        ValidityCase("2024-07-31", "2025-01-31", "2025-03"),
        ValidityCase("2024-08-31", "2025-02-28", "2025-04"),
        ValidityCase("2024-12-15", "2025-06-30", "2025-08"),
    ])
    func customPolicyValidity(_ c: ValidityCase) throws {
        let custom = CertificationRules(policy: customPolicy)
        let (certified, validUntil, suspendedFrom) = try (date(c.certified), date(c.validUntil), month(c.suspendedFrom))
        #expect(custom.validUntil(certifiedOn: certified) == validUntil)
        #expect(custom.suspendedFrom(certifiedOn: certified) == suspendedFrom)
    }

    @Test(arguments: [
        BackPayCase(.enterprisePension, "2024-05-19", "2024-05-31"),  // before the 20th
        BackPayCase(.enterprisePension, "2024-05-20", "2024-06-05"),  // the 20th → 5th of next month
        BackPayCase(.enterprisePension, "2024-05-02", checks: true, "2024-06-05"),
        BackPayCase(.disabilityAllowance, "2024-12-25", "2025-01-05"),
        BackPayCase(.workInjury, "2024-05-19", "2024-06-15"),  // following-month day not overridden
    ])
    func customPolicyBackPay(_ c: BackPayCase) throws {
        let custom = CertificationRules(policy: customPolicy)
        let (passedOn, expected) = try (date(c.passedOn), date(c.due))
        #expect(custom.backPayDue(benefit: c.benefit, passedOn: passedOn, neededFurtherChecks: c.furtherChecks) == expected)
    }

    @Test func customPolicyGracePeriodIsNotYetLapsed() throws {
        let custom = CertificationRules(policy: customPolicy)
        let certified = try date("2024-03-10")  // valid until 2024-09-30, suspended from 2024-11
        let inGrace = try custom.standing(lastCertifiedOn: certified, on: date("2024-10-15"))
        #expect(inGrace.daysLeft == -15)
        #expect(!inGrace.isLapsed)
        let lastGraceDay = try custom.standing(lastCertifiedOn: certified, on: date("2024-10-31"))
        #expect(lastGraceDay.daysLeft == -31)
        #expect(!lastGraceDay.isLapsed)
        let lapsed = try custom.standing(lastCertifiedOn: certified, on: date("2024-11-01"))
        #expect(lapsed.daysLeft == -32)
        #expect(lapsed.isLapsed)
        let outcome = try custom.outcome(status: .suspended, eligible: true, benefit: .enterprisePension,
                                         certifiedOn: certified, passedOn: date("2024-03-20"))
        let expected = try ExpectedOutcome.restores(validUntil: "2024-09-30", suspendedFrom: "2024-11",
                                                    backPayDue: "2024-04-05").value()
        #expect(outcome == expected)
    }

    @Test func policyValidation() {
        #expect(CertificationPolicy.standard.validate().isEmpty)
        #expect(customPolicy.validate().isEmpty)
    }

    @Test(arguments: [12, 11, 1])
    func suspensionNotAfterValidityIsAProblem(offset: Int) {
        var p = CertificationPolicy()
        p.suspensionMonthOffset = offset
        let problems = p.validate()
        #expect(problems.count == 1)
        #expect(problems.first?.contains("suspension_month_offset") == true)
    }

    @Test func aCutoffDayOf31IsAProblem() {
        var p = CertificationPolicy()
        p.backPayCutoffDay = 31
        let problems = p.validate()
        #expect(problems.count == 1)
        #expect(problems.first?.contains("back_pay_cutoff_day") == true)
    }
}

// MARK: - LocalDate

@Suite struct LocalDateTests {
    @Test(arguments: ["2023-02-29", "2024-13-01", "2024-1-01", "1900-02-29", "2024-02-30", "2024-04-31",
                      "2024-00-10", "2024-01-00", "20240101", "2024/01/01", " 2024-01-01", ""])
    func refusesWhatIsNotADate(_ text: String) {
        #expect(LocalDate(iso: text) == nil)
    }

    @Test(arguments: ["2024-02-29", "2000-02-29", "1900-02-28", "0001-01-01", "9999-12-31"])
    func acceptsRealDatesAndPrintsThemBack(_ text: String) throws {
        let d = try date(text)
        #expect(d.description == text)
    }

    @Test(arguments: [
        DayStep("2024-02-28", 1, "2024-02-29"), DayStep("2024-02-28", 2, "2024-03-01"),
        DayStep("2023-02-28", 1, "2023-03-01"), DayStep("2024-03-01", -1, "2024-02-29"),
        DayStep("2024-12-31", 1, "2025-01-01"), DayStep("2024-01-01", 366, "2025-01-01"),
        DayStep("2023-01-01", 365, "2024-01-01"), DayStep("2100-02-28", 1, "2100-03-01"),
        DayStep("2000-02-28", 1, "2000-02-29"),
    ])
    func addingDays(_ c: DayStep) throws {
        let (from, to) = try (date(c.from), date(c.to))
        #expect(from.adding(days: c.days) == to)
        #expect(from.days(until: to) == c.days)
    }

    // Days since 1970-01-01, from python: (date(y, m, d) - date(1970, 1, 1)).days
    @Test(arguments: [
        ("1970-01-01", 0), ("1969-12-31", -1), ("2000-03-01", 11017), ("2024-02-29", 19782),
        ("1949-12-31", -7306), ("2100-03-01", 47541), ("0001-01-01", -719162), ("9999-12-31", 2932896),
    ])
    func daysSinceEpochRoundTrip(_ text: String, _ days: Int) throws {
        let d = try date(text)
        #expect(d.daysSinceEpoch == days)
        #expect(LocalDate(daysSinceEpoch: days) == d)
    }
}

struct DayStep: Sendable, CustomTestStringConvertible {
    let from: String, days: Int, to: String
    init(_ from: String, _ days: Int, _ to: String) {
        self.from = from
        self.days = days
        self.to = to
    }
    var testDescription: String { "\(from) + \(days) days = \(to)" }
}
