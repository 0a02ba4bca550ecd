/// The dates of SPEC.md rules 2–5, computed from a policy. Pure functions: no clock, no store.
///
/// Reading of rule 3 used throughout: certified in month M → valid through the last day of
/// month M + 12 → payments suspended from month M + 13 (both numbers from the policy). For a new
/// urban-rural resident pensioner who has not yet certified, the count starts from the month after
/// the application instead of the month of a certification.
public struct CertificationRules: Sendable {
    public let policy: CertificationPolicy

    public init(policy: CertificationPolicy = .standard) {
        self.policy = policy
    }

    /// The month the count of rule 3 starts from.
    ///
    /// - Parameters:
    ///   - lastCertifiedOn: the date of the last passing certification (the day the person appeared).
    ///   - residentPensionAppliedOn: for a new urban-rural resident pensioner, the application date;
    ///     used only when there is no certification yet.
    /// - Returns: nil when neither date is known.
    public func anchorMonth(lastCertifiedOn: LocalDate?, residentPensionAppliedOn: LocalDate? = nil) -> YearMonth? {
        if let c = lastCertifiedOn { return c.yearMonth }
        if let a = residentPensionAppliedOn { return a.yearMonth.adding(months: 1) }
        return nil
    }

    /// The last day a certification made on `certifiedOn` keeps payments running
    /// (the last day of month M + `validityMonths`).
    public func validUntil(certifiedOn: LocalDate) -> LocalDate {
        validUntil(anchor: certifiedOn.yearMonth)
    }

    public func validUntil(anchor: YearMonth) -> LocalDate {
        anchor.adding(months: policy.validityMonths).lastDay
    }

    /// The first month without payment when no further certification passes (month M + `suspensionMonthOffset`).
    public func suspendedFrom(certifiedOn: LocalDate) -> YearMonth {
        suspendedFrom(anchor: certifiedOn.yearMonth)
    }

    public func suspendedFrom(anchor: YearMonth) -> YearMonth {
        anchor.adding(months: policy.suspensionMonthOffset)
    }

    /// Where a recipient stands on a given day.
    public func standing(lastCertifiedOn: LocalDate?, residentPensionAppliedOn: LocalDate? = nil,
                         on today: LocalDate) -> Standing {
        guard let anchor = anchorMonth(lastCertifiedOn: lastCertifiedOn,
                                       residentPensionAppliedOn: residentPensionAppliedOn) else {
            return Standing(validUntil: nil, suspendedFrom: nil, daysLeft: nil, isLapsed: false)
        }
        let until = validUntil(anchor: anchor)
        let from = suspendedFrom(anchor: anchor)
        return Standing(validUntil: until, suspendedFrom: from, daysLeft: today.days(until: until),
                        isLapsed: today.yearMonth >= from)
    }

    /// When the back pay of a restored recipient must reach the account (rule 4).
    ///
    /// - Parameters:
    ///   - benefit: the recipient's benefit type; its schedule comes from the policy.
    ///   - passedOn: the day the certification passed (was approved), not the day of appearance.
    ///   - neededFurtherChecks: the case needed further eligibility checks before it passed.
    public func backPayDue(benefit: BenefitType, passedOn: LocalDate, neededFurtherChecks: Bool) -> LocalDate {
        let month = passedOn.yearMonth
        switch policy.schedule(for: benefit) {
        case .cutoffDay:
            if passedOn.day < policy.backPayCutoffDay && !neededFurtherChecks {
                return month.lastDay
            }
            return month.adding(months: 1).day(policy.backPayNextMonthDay)
        case .followingMonth:
            return month.adding(months: 1).day(policy.followingMonthBackPayDay)
        }
    }

    /// What a passing certification does for a recipient (rules 3–5).
    ///
    /// - Parameters:
    ///   - recipient: the recipient's status as the registry holds it now.
    ///   - certifiedOn: the day the person appeared (from the certificate or batch row).
    ///   - passedOn: the day the certification passes (approval).
    ///   - previousCertifiedOn: the last earlier passing certification; validity never moves backwards.
    ///   - neededFurtherChecks: the case needed further eligibility checks (rule 4).
    /// - Returns: the outcome, or `.refused` when benefits are terminated ("benefit status abnormal").
    public func outcome(status: BenefitStatus, eligible: Bool, benefit: BenefitType,
                        certifiedOn: LocalDate, passedOn: LocalDate,
                        previousCertifiedOn: LocalDate? = nil,
                        neededFurtherChecks: Bool = false) -> CertificationOutcome {
        if status == .terminated {
            return .refused(.benefitStatusAbnormal)
        }
        let effective = max(certifiedOn, previousCertifiedOn ?? certifiedOn)
        let until = validUntil(certifiedOn: effective)
        let suspendFrom = suspendedFrom(certifiedOn: effective)
        guard eligible else {
            // Rule 5: alive status only; not a basis for payment, restores nothing.
            return .aliveOnly(validUntil: until)
        }
        if status == .suspended {
            return .restores(validUntil: until, suspendedFrom: suspendFrom,
                             backPayDue: backPayDue(benefit: benefit, passedOn: passedOn,
                                                    neededFurtherChecks: neededFurtherChecks))
        }
        return .continues(validUntil: until, suspendedFrom: suspendFrom)
    }
}

/// A recipient's certification standing on a given day.
public struct Standing: Equatable, Sendable {
    /// Last day covered by the last certification; nil when none is known.
    public let validUntil: LocalDate?
    /// First month that must not be paid without a new certification; nil when none is known.
    public let suspendedFrom: YearMonth?
    /// Days from the day asked about to `validUntil` (negative once it has passed).
    public let daysLeft: Int?
    /// The day asked about falls in or after `suspendedFrom`.
    public let isLapsed: Bool
}

/// Why a certification cannot be a basis for anything.
public enum CertificationRefusal: String, Sendable, Equatable {
    /// 待遇状态异常 – payments are terminated.
    case benefitStatusAbnormal = "BENEFIT_STATUS_ABNORMAL"

    /// The wording the existing channels use (SPEC.md rule 7).
    public var message: String {
        switch self {
        case .benefitStatusAbnormal: return "benefit status abnormal (待遇状态异常)"
        }
    }
}

/// What a passing certification does (SPEC.md rules 3–5).
public enum CertificationOutcome: Equatable, Sendable {
    /// Payments were running and continue; the validity moves on.
    case continues(validUntil: LocalDate, suspendedFrom: YearMonth)
    /// Payments were suspended and are restored, with back pay due by the given date.
    case restores(validUntil: LocalDate, suspendedFrom: YearMonth, backPayDue: LocalDate)
    /// Eligibility is lost: the person is recorded alive, nothing is paid or restored.
    case aliveOnly(validUntil: LocalDate)
    /// No certification can be recorded as a basis for payment.
    case refused(CertificationRefusal)

    public var validUntil: LocalDate? {
        switch self {
        case .continues(let v, _), .restores(let v, _, _), .aliveOnly(let v): return v
        case .refused: return nil
        }
    }

    public var backPayDue: LocalDate? {
        if case .restores(_, _, let d) = self { return d }
        return nil
    }
}
