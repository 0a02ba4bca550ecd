/// How the back pay of a restored recipient is timed (SPEC.md rule 4).
public enum BackPaySchedule: String, Codable, Sendable, CaseIterable {
    /// Passed before the cut-off day (and without further checks) → paid in the month it passed;
    /// otherwise by `CertificationPolicy.backPayNextMonthDay` of the following month.
    /// The rule for enterprise retirees and disability-allowance recipients.
    case cutoffDay = "CUTOFF_DAY"
    /// Paid by `CertificationPolicy.followingMonthBackPayDay` of the following month, whatever the
    /// day it passed. The rule for work-injury grade 1–4 workers and work-death dependants.
    case followingMonth = "FOLLOWING_MONTH"
}

/// Every number the certification rules depend on, in one value a deployment can override from
/// its policy file. The defaults are the Guangdong rules restated in SPEC.md (rules 2–4).
///
/// Contract: a policy is only used after ``validate()`` returned no problems; the store and the
/// command line call it when they load one.
public struct CertificationPolicy: Codable, Sendable, Equatable {
    /// Certified in month M → valid through the last day of month M + `validityMonths`. Default 12.
    public var validityMonths: Int = 12
    /// Certified in month M → payments suspended from month M + `suspensionMonthOffset`. Default 13.
    /// Must be greater than `validityMonths`; a difference above 1 is a grace period.
    public var suspensionMonthOffset: Int = 13
    /// Restoration passed before this day of the month → back pay in that same month. Default 15.
    public var backPayCutoffDay: Int = 15
    /// Otherwise (on or after the cut-off day, or further checks were needed) → paid by this day of
    /// the following month. Default 10.
    public var backPayNextMonthDay: Int = 10
    /// Work-injury and work-death benefits: back pay by this day of the following month. Default 15.
    public var followingMonthBackPayDay: Int = 15
    /// Which schedule each benefit type follows. A type missing here follows `cutoffDay`.
    public var backPaySchedules: [BenefitType: BackPaySchedule] = CertificationPolicy.defaultSchedules
    /// Reason code carried on suspension and restoration lists for the payment system
    /// (national core platform code 1201: 离退休人员未提供生存证明).
    public var suspensionReasonCode: String = "1201"
    /// Oldest acceptable certificate, in months between the appearance date and examination. Default 6.
    public var maxCertificateAgeMonths: Int = 6
    /// Matching (docs/MATCHING.md): the lowest posterior log2 odds (score minus log2 of the registry
    /// size) an automatic link may have. Default 10 (about 1,000 to 1).
    public var matchAutoMinScore: Double = 10
    /// Below these posterior log2 odds a candidate is not proposed; none left means "no match".
    /// Default −3 (about 1 in 9).
    public var matchReviewMinScore: Double = -3
    /// The best candidate must lead the second by this much to link automatically.
    public var matchRunnerUpMargin: Double = 10
    /// Consular batch rows of these channels that link automatically and carry no flag are approved
    /// by the system user; rows of the other channels always go to a reviewer. Default: the
    /// consular app's remote face checks only (`CONSULATE_CERT` paper certificates are examined).
    public var batchAutoApproveChannels: Set<CertificationChannel> = [.consularApp]

    public static let defaultSchedules: [BenefitType: BackPaySchedule] = [
        .enterprisePension: .cutoffDay,
        .disabilityAllowance: .cutoffDay,
        .workInjury: .followingMonth,
        .workDeathDependant: .followingMonth,
        .institutionPension: .cutoffDay,
        .residentPension: .cutoffDay,
    ]

    /// The defaults of SPEC.md.
    public static let standard = CertificationPolicy()

    public init() {}

    public func schedule(for type: BenefitType) -> BackPaySchedule {
        backPaySchedules[type] ?? .cutoffDay
    }

    /// Problems that make the policy unusable, each a sentence naming the setting; empty when fine.
    public func validate() -> [String] {
        var problems: [String] = []
        if !(1...120).contains(validityMonths) {
            problems.append("validity_months is \(validityMonths); it must be between 1 and 120.")
        }
        if suspensionMonthOffset <= validityMonths {
            problems.append("suspension_month_offset is \(suspensionMonthOffset); it must be greater than validity_months (\(validityMonths)), or payments would stop while the certification is still valid.")
        }
        if suspensionMonthOffset > validityMonths + 12 {
            problems.append("suspension_month_offset is \(suspensionMonthOffset); more than 12 months of grace after validity_months (\(validityMonths)) is not a plausible setting.")
        }
        for (name, value) in [("back_pay_cutoff_day", backPayCutoffDay),
                              ("back_pay_next_month_day", backPayNextMonthDay),
                              ("following_month_back_pay_day", followingMonthBackPayDay)]
        where !(1...28).contains(value) {
            problems.append("\(name) is \(value); it must be a day between 1 and 28 so that it exists in every month.")
        }
        if !(1...60).contains(maxCertificateAgeMonths) {
            problems.append("max_certificate_age_months is \(maxCertificateAgeMonths); it must be between 1 and 60.")
        }
        if matchReviewMinScore >= matchAutoMinScore {
            problems.append("match_review_min_score (\(matchReviewMinScore)) must be below match_auto_min_score (\(matchAutoMinScore)).")
        }
        if matchAutoMinScore < 3 {
            problems.append("match_auto_min_score is \(matchAutoMinScore); below 3 (8 to 1) an automatic link would be little more likely right than wrong.")
        }
        if matchRunnerUpMargin < 3 {
            problems.append("match_runner_up_margin is \(matchRunnerUpMargin); it must be at least 3 (eight times likelier) so that a close second candidate sends the case to a reviewer.")
        }
        if suspensionReasonCode.isEmpty {
            problems.append("suspension_reason_code is empty; the payment system needs a code (default 1201).")
        }
        return problems
    }

    enum CodingKeys: String, CodingKey {
        case validityMonths = "validity_months"
        case suspensionMonthOffset = "suspension_month_offset"
        case backPayCutoffDay = "back_pay_cutoff_day"
        case backPayNextMonthDay = "back_pay_next_month_day"
        case followingMonthBackPayDay = "following_month_back_pay_day"
        case backPaySchedules = "back_pay_schedules"
        case suspensionReasonCode = "suspension_reason_code"
        case maxCertificateAgeMonths = "max_certificate_age_months"
        case matchAutoMinScore = "match_auto_min_score"
        case matchReviewMinScore = "match_review_min_score"
        case matchRunnerUpMargin = "match_runner_up_margin"
        case batchAutoApproveChannels = "batch_auto_approve_channels"
    }

    /// Decodes a policy file; every key is optional and falls back to the default.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = CertificationPolicy()
        validityMonths = try c.decodeIfPresent(Int.self, forKey: .validityMonths) ?? d.validityMonths
        suspensionMonthOffset = try c.decodeIfPresent(Int.self, forKey: .suspensionMonthOffset) ?? d.suspensionMonthOffset
        backPayCutoffDay = try c.decodeIfPresent(Int.self, forKey: .backPayCutoffDay) ?? d.backPayCutoffDay
        backPayNextMonthDay = try c.decodeIfPresent(Int.self, forKey: .backPayNextMonthDay) ?? d.backPayNextMonthDay
        followingMonthBackPayDay = try c.decodeIfPresent(Int.self, forKey: .followingMonthBackPayDay) ?? d.followingMonthBackPayDay
        suspensionReasonCode = try c.decodeIfPresent(String.self, forKey: .suspensionReasonCode) ?? d.suspensionReasonCode
        maxCertificateAgeMonths = try c.decodeIfPresent(Int.self, forKey: .maxCertificateAgeMonths) ?? d.maxCertificateAgeMonths
        matchAutoMinScore = try c.decodeIfPresent(Double.self, forKey: .matchAutoMinScore) ?? d.matchAutoMinScore
        matchReviewMinScore = try c.decodeIfPresent(Double.self, forKey: .matchReviewMinScore) ?? d.matchReviewMinScore
        matchRunnerUpMargin = try c.decodeIfPresent(Double.self, forKey: .matchRunnerUpMargin) ?? d.matchRunnerUpMargin
        if let raw = try c.decodeIfPresent([String].self, forKey: .batchAutoApproveChannels) {
            batchAutoApproveChannels = try Set(raw.map { v in
                guard let ch = CertificationChannel(rawValue: v), [.consularApp, .consulateCertificate].contains(ch) else {
                    throw DecodingError.dataCorruptedError(forKey: .batchAutoApproveChannels, in: c,
                        debugDescription: "'\(v)' is not a batch channel; use CONSULAR_APP and/or CONSULATE_CERT (or an empty list: every row reviewed).")
                }
                return ch
            })
        } else {
            batchAutoApproveChannels = d.batchAutoApproveChannels
        }
        var schedules = d.backPaySchedules
        if let raw = try c.decodeIfPresent([String: String].self, forKey: .backPaySchedules) {
            for (k, v) in raw {
                guard let type = BenefitType(rawValue: k) else {
                    throw DecodingError.dataCorruptedError(forKey: .backPaySchedules, in: c,
                        debugDescription: "'\(k)' is not a benefit type; use one of \(BenefitType.allCases.map(\.rawValue).joined(separator: ", ")).")
                }
                guard let s = BackPaySchedule(rawValue: v) else {
                    throw DecodingError.dataCorruptedError(forKey: .backPaySchedules, in: c,
                        debugDescription: "'\(v)' is not a back-pay schedule; use CUTOFF_DAY or FOLLOWING_MONTH.")
                }
                schedules[type] = s
            }
        }
        backPaySchedules = schedules
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(validityMonths, forKey: .validityMonths)
        try c.encode(suspensionMonthOffset, forKey: .suspensionMonthOffset)
        try c.encode(backPayCutoffDay, forKey: .backPayCutoffDay)
        try c.encode(backPayNextMonthDay, forKey: .backPayNextMonthDay)
        try c.encode(followingMonthBackPayDay, forKey: .followingMonthBackPayDay)
        var raw: [String: String] = [:]
        for (k, v) in backPaySchedules { raw[k.rawValue] = v.rawValue }
        try c.encode(raw, forKey: .backPaySchedules)
        try c.encode(suspensionReasonCode, forKey: .suspensionReasonCode)
        try c.encode(maxCertificateAgeMonths, forKey: .maxCertificateAgeMonths)
        try c.encode(matchAutoMinScore, forKey: .matchAutoMinScore)
        try c.encode(matchReviewMinScore, forKey: .matchReviewMinScore)
        try c.encode(matchRunnerUpMargin, forKey: .matchRunnerUpMargin)
        try c.encode(batchAutoApproveChannels.map(\.rawValue).sorted(), forKey: .batchAutoApproveChannels)
    }
}
