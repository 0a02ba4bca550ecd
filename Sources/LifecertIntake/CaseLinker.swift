import Foundation
import LifecertDomain
import LifecertForms
import LifecertMatching

/// A certificate matched and checked: what intake stores on the case and prints.
public struct LinkedCertificate: Sendable {
    public let evidence: CertificateEvidence
    public let match: MatchResult
    /// The link-time checks (SPEC.md rules 4, 5, 7, 10), each with a sentence.
    public let flags: [LinkFlag]
    /// The linked recipient (`auto`) or the best candidate (`review`).
    public let recipient: Recipient?

    /// `{"ssn", "score", "decision", "reason", "candidates": [{"ssn", "score", "explanation"}]}` — the
    /// `match` object of `lifecert intake --json` (docs/EXTRACT-JSON.md).
    public func matchJSON() -> [String: Any] {
        [
            "ssn": match.ssn ?? NSNull(), "score": match.score ?? NSNull(), "decision": match.decision.rawValue,
            "reason": match.reason,
            "candidates": match.candidates.map { c in
                ["ssn": c.ssn, "score": c.score, "explanation": c.explanation,
                 "contributions": c.contributions.map { ["field": $0.field, "level": $0.level, "weight": $0.weight, "sentence": $0.sentence] }] as [String: Any]
            },
        ]
    }

    /// The flags in the shape of the extraction's (`code`, `field`, `severity`, `message`).
    public func flagsJSON() -> [[String: Any]] {
        flags.map { ["code": $0.code.rawValue, "field": NSNull(), "severity": $0.severity.rawValue, "message": $0.message] }
    }
}

/// Matches an extracted certificate against the registry and runs the link-time checks.
///
/// Contract: never changes what was read; the evidence is the extraction's values as read.
public struct CaseLinker: Sendable {
    public let matcher: Matcher
    public let policy: CertificationPolicy
    public let today: LocalDate
    public let issuers: RecognisedIssuers?

    public init(matcher: Matcher, policy: CertificationPolicy, today: LocalDate, issuers: RecognisedIssuers?) {
        self.matcher = matcher
        self.policy = policy
        self.today = today
        self.issuers = issuers
    }

    public static func evidence(_ x: ExtractedCertificate) -> CertificateEvidence {
        CertificateEvidence(
            name: x.name?.value, nameLatin: x.nameLatin?.value, sex: x.sexValue, birthDate: x.birthDateValue,
            ids: x.ids.map { .init(type: $0.type, number: $0.number, valid: $0.valid) },
            appearedOn: x.appearedOnValue, issuedOn: x.issuedOnValue, issuer: x.issuer?.value,
            certificateNo: x.certificateNo?.value)
    }

    /// The evidence in an extract-contract `fields` object. Identity numbers are checked again here.
    public static func evidence(fields f: [String: Any], today: LocalDate) -> CertificateEvidence {
        func s(_ k: String) -> String? { (f[k] as? String).flatMap { $0.isEmpty ? nil : $0 } }
        let ids: [CertificateEvidence.ID] = (f["ids"] as? [[String: Any]] ?? []).compactMap { id in
            guard let t = (id["type"] as? String).flatMap(IdentityType.init(rawValue:)), let n = id["number"] as? String else { return nil }
            let check = IdentityNumbers.check(n, as: t, today: today)
            return .init(type: t, number: check.key, valid: check.isValid)
        }
        return CertificateEvidence(name: s("name"), nameLatin: s("name_latin"), sex: s("sex").flatMap(Sex.init(rawValue:)),
                                   birthDate: s("birth_date").flatMap(LocalDate.init(iso:)), ids: ids,
                                   appearedOn: s("appeared_on").flatMap(LocalDate.init(iso:)), issuedOn: s("issued_on").flatMap(LocalDate.init(iso:)),
                                   issuer: s("issuer"), certificateNo: s("certificate_no"))
    }

    public func link(_ x: ExtractedCertificate) throws -> LinkedCertificate {
        try link(Self.evidence(x))
    }

    public func link(_ e: CertificateEvidence) throws -> LinkedCertificate {
        let m = try matcher.match(e)
        let recipient = try m.ssn.flatMap { try matcher.directory.recipient(ssn: $0) }
        let others = try e.certificateNo.map { try matcher.directory.recipientsCertified(withCertificateNo: $0, except: m.ssn ?? "") } ?? []
        let flags = LinkChecks.flags(e, match: m, recipient: recipient, today: today, policy: policy,
                                     certificateNoUsedBy: others, issuerRecognised: e.issuer.flatMap { i in issuers.map { $0.isRecognised(i) } })
        return LinkedCertificate(evidence: e, match: m, flags: flags, recipient: recipient)
    }
}
