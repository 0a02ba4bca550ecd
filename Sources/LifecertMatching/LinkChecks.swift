import LifecertDomain

/// A finding about a certificate and the recipient it is linked (or proposed) to, for the reviewer.
public struct LinkFlag: Codable, Sendable, Equatable {
    public enum Code: String, Codable, Sendable, CaseIterable {
        /// Payments are terminated: "benefit status abnormal" (待遇状态异常, SPEC.md rule 7).
        case benefitStatusAbnormal = "benefit_status_abnormal"
        /// Eligibility lost (rule 5): the certification records alive status only.
        case eligibilityLost = "eligibility_lost"
        /// Payments are suspended: approval will restore them, with back pay (rule 4). High risk.
        case restoresPayment = "restores_payment"
        /// "Identity information does not match the registry" (当前人员信息与社保系统信息不匹配, rule 7):
        /// the best candidate's identity number, name or birth date disagrees with the certificate.
        case identityMismatch = "identity_mismatch"
        /// The holder was not found in the registry.
        case noMatch = "no_match"
        /// The certificate number was already used on a certificate linked to another recipient.
        case certificateNumberReused = "certificate_number_reused"
        /// The appearance date is after the recipient's recorded death.
        case appearedAfterDeath = "appeared_after_death"
        /// The appearance date is in the future.
        case appearedInFuture = "appeared_in_future"
        /// The appearance is older than the policy's maximum age of a certificate.
        case certificateTooOld = "certificate_too_old"
        /// The issuer is not on the recognised list (`forms/recognised-issuers.txt`).
        case issuerNotRecognised = "issuer_not_recognised"
        /// The issuer could not be read (often under the seal), so it was not checked against the list.
        case issuerUnverified = "issuer_unverified"
    }

    public enum Severity: String, Codable, Sendable { case info, warning, fraud }

    public var code: Code
    public var severity: Severity
    /// One sentence for the reviewer (and, for a mismatch, the wording a letter can use).
    public var message: String

    public init(_ code: Code, _ severity: Severity, _ message: String) {
        self.code = code
        self.severity = severity
        self.message = message
    }
}

/// The checks made when a certificate is linked (SPEC.md rules 4, 5, 7 and 10). Pure: the caller
/// supplies what the store knows (other recipients the certificate number was used for) and
/// whether the issuer is recognised.
///
/// Contract: every finding becomes a flag with a sentence; none is dropped. `recipient` is the
/// linked or best candidate (nil when there is none).
public enum LinkChecks {
    public static func flags(_ e: CertificateEvidence, match: MatchResult, recipient: Recipient?, today: LocalDate,
                             policy: CertificationPolicy, certificateNoUsedBy others: [String],
                             issuerRecognised: Bool?) -> [LinkFlag] {
        var out: [LinkFlag] = []
        if match.decision == .none {
            out.append(LinkFlag(.noMatch, .warning, "No recipient in the registry matches this certificate: " + match.reason))
        }
        if let best = match.candidates.first, best.idDisagrees || best.nameDisagrees || best.birthDateDisagrees {
            var what: [String] = []
            if best.idDisagrees { what.append("identity number") }
            if best.nameDisagrees { what.append("name") }
            if best.birthDateDisagrees { what.append("birth date") }
            out.append(LinkFlag(.identityMismatch, .warning,
                "Identity information does not match the registry (当前人员信息与社保系统信息不匹配): the \(what.joined(separator: ", ")) of the best candidate differs from the certificate."))
        }
        if let r = recipient {
            switch r.benefitStatus {
            case .terminated:
                out.append(LinkFlag(.benefitStatusAbnormal, .warning,
                    "Benefit status abnormal (待遇状态异常): payments to this recipient are terminated; a certification cannot restore them."))
            case .suspended where r.eligible:
                out.append(LinkFlag(.restoresPayment, .info,
                    "Payments are suspended: approving this certificate restores them, with back pay by the date the rules set."))
            default: break
            }
            if !r.eligible {
                out.append(LinkFlag(.eligibilityLost, .warning,
                    "Eligibility is lost (e.g. serving a sentence): this certificate records that the person is alive, not a basis for payment."))
            }
            if let died = r.diedOn, let seen = e.appearedOn, seen > died {
                out.append(LinkFlag(.appearedAfterDeath, .fraud,
                    "The certificate says the holder appeared on \(seen), after the death recorded on \(died)."))
            }
        }
        if let seen = e.appearedOn {
            if seen > today {
                out.append(LinkFlag(.appearedInFuture, .fraud, "The appearance date \(seen) is in the future."))
            } else if let oldest = today.yearMonth.adding(months: -policy.maxCertificateAgeMonths).day(min(today.day, 28)) as LocalDate?,
                      seen < oldest {
                out.append(LinkFlag(.certificateTooOld, .warning,
                    "The appearance on \(seen) is more than \(policy.maxCertificateAgeMonths) months old (policy max_certificate_age_months)."))
            }
        }
        if let no = e.certificateNo, !others.isEmpty {
            out.append(LinkFlag(.certificateNumberReused, .fraud,
                "Certificate number \(no) was already used for \(others.count) other recipient\(others.count == 1 ? "" : "s") (\(others.map { IdentityNumbers.mask($0) }.joined(separator: ", ")))."))
        }
        if let issuer = e.issuer, issuerRecognised == false {
            out.append(LinkFlag(.issuerNotRecognised, .fraud,
                "The issuer \(issuer) is not on the recognised list (forms/recognised-issuers.txt)."))
        } else if e.issuer == nil {
            out.append(LinkFlag(.issuerUnverified, .warning,
                "The issuer could not be read (often it is under the seal), so it was not checked against the recognised list: read it on the scan."))
        }
        return out
    }
}
