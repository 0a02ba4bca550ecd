import Foundation
import LifecertDomain
import LifecertNames

/// What becomes of a certificate after matching.
public enum MatchDecision: String, Codable, Sendable {
    /// Linked to its recipient without a person deciding (see ``Matcher`` for when).
    case auto
    /// A reviewer picks the recipient from the ranked candidates (or none).
    case review
    /// No recipient scores high enough: the holder is not in the registry, as far as the evidence goes.
    case none
}

/// The thresholds of the decision, from the policy (``CertificationPolicy``'s `match_*` settings).
///
/// They are on the *posterior* log2 odds that a candidate is the holder: its score (the sum of
/// the log2 m/u weights) minus log2 of the registry's size, since before any comparison each of
/// the N recipients is the holder with odds of about 1 in N. So the same settings mean the same
/// certainty in a registry of three thousand and of a million.
public struct MatchThresholds: Sendable, Equatable {
    /// The lowest posterior log2 odds an automatic link may have (10: about 1,000 to 1).
    public var autoMinScore: Double
    /// Below this a candidate is not shown; no candidate at all means "no match" (−3: about 1 in 9).
    public var reviewMinScore: Double
    /// The best candidate must lead the second by at least this much to link automatically.
    public var runnerUpMargin: Double
    /// At most this many candidates are kept for the reviewer.
    public var keep: Int

    public init(autoMinScore: Double = 10, reviewMinScore: Double = -3, runnerUpMargin: Double = 10, keep: Int = 5) {
        self.autoMinScore = autoMinScore
        self.reviewMinScore = reviewMinScore
        self.runnerUpMargin = runnerUpMargin
        self.keep = keep
    }

    public init(policy: CertificationPolicy) {
        self.init(autoMinScore: policy.matchAutoMinScore, reviewMinScore: policy.matchReviewMinScore,
                  runnerUpMargin: policy.matchRunnerUpMargin)
    }
}

/// The outcome of matching one certificate.
public struct MatchResult: Codable, Sendable, Equatable {
    public var decision: MatchDecision
    /// The linked recipient (`auto`), the best candidate (`review`), or nil (`none`).
    public var ssn: String?
    public var score: Double?
    /// Ranked, best first, at most ``MatchThresholds/keep``.
    public var candidates: [ScoredCandidate]
    /// Why this decision, in one sentence.
    public var reason: String
}

/// Finds and ranks the recipients a certificate may belong to, and decides.
///
/// Contract:
/// - Candidates come from indexed lookups only: the identity numbers, the birth dates (printed and
///   encoded in a mainland ID), the name, and, when those find no plausible candidate, the
///   sound-alike name keys (``NameBlocking``).
/// - **Automatic link** only when a *valid* identity number agrees with the best candidate's
///   registered one, the name or the birth date agrees too and neither disagrees, the score reaches
///   ``MatchThresholds/autoMinScore``, and no other candidate comes within
///   ``MatchThresholds/runnerUpMargin``. Anything less goes to a reviewer with the candidates; a
///   certificate whose best candidate scores below ``MatchThresholds/reviewMinScore`` is "no match",
///   never linked to the nearest stranger.
public struct Matcher: Sendable {
    public let directory: any RecipientDirectory
    public var thresholds: MatchThresholds
    public var scorer: CandidateScorer
    /// Registry size, looked up once.
    let recipients: Int
    /// log2 of the registry size: the prior odds against any one recipient being the holder.
    public var prior: Double { log2(Double(max(recipients, 1))) }
    /// Name and surname frequencies, looked up once per value for the matcher's life (a surname's
    /// count is a range count over the name index: worth keeping).
    let counts = FrequencyCache()

    public init(directory: any RecipientDirectory, thresholds: MatchThresholds = MatchThresholds(), model: MatchModel = .standard) throws {
        self.directory = directory
        self.thresholds = thresholds
        self.scorer = CandidateScorer(model: model)
        self.recipients = try directory.recipientCount()
    }

    public func match(_ e: CertificateEvidence) throws -> MatchResult {
        let name = e.name.map { HanCharacters.simplified($0) }.flatMap { $0.isEmpty ? nil : $0 }
        var found: [String: Recipient] = [:]
        func add(_ rs: [Recipient]) { for r in rs { found[r.ssn] = r } }
        let numbers = Array(Set(e.ids.map(\.number))).filter { !$0.isEmpty }
        if !numbers.isEmpty { add(try directory.recipients(withIDNumbers: numbers)) }
        let dates = e.birthDatesOffered
        // Settled: a valid identity number found a recipient born on the day the certificate gives,
        // whose name does not disagree. Any other recipient lacks that agreeing number, so it trails
        // by at least the number's weight (about 20 points, twice the runner-up margin) whatever its
        // birth date and name: the birth-date and name blocks could not change the decision, and are
        // skipped (a common name has hundreds of namesakes in a million-row registry).
        // (Only while the margin is well under that weight: a policy with a margin over 15 searches
        // every block.)
        let settled = thresholds.runnerUpMargin <= 15 && found.values.contains { r in
            e.ids.contains { $0.valid && $0.number == r.idNumber } && e.birthDate == r.birthDate
                && CandidateScorer.compareNames(e, r, quick: true).level != .disagree
        }
        if !settled {
            if !dates.isEmpty { add(try directory.recipients(bornOn: dates, limit: 2000)) }
            if let n = name { add(try directory.recipients(named: [n], limit: 500)) }
        }

        var f = FrequencyEvidence(recipients: recipients)
        func frequencies(for rs: [Recipient]) throws {
            for d in dates where f.bornOn[d] == nil { f.bornOn[d] = try directory.count(bornOn: d) }
            for r in rs {
                let n = HanCharacters.simplified(r.name)
                let s = String(n.prefix(1))
                if f.named[n] == nil { f.named[n] = try counts.value("n:" + n) { try directory.count(named: n) } }
                if f.surname[s] == nil { f.surname[s] = try counts.value("s:" + s) { try directory.count(surname: s) } }
            }
        }
        // Names are compared once per candidate (quickly); only plausible candidates need the
        // frequency lookups; the candidates kept are scored again with the full name comparison,
        // for their explanations.
        var names: [String: NameComparison] = [:]
        func scoreAll() throws -> [ScoredCandidate] {
            let rs = Array(found.values)
            for r in rs where names[r.ssn] == nil { names[r.ssn] = CandidateScorer.compareNames(e, r, quick: true) }
            let plausible = rs.filter { r in
                e.ids.contains { $0.number == r.idNumber } || dates.contains(r.birthDate) || names[r.ssn]!.level != .disagree
            }
            try frequencies(for: plausible)
            return rs.map { scorer.score(e, against: $0, frequencies: f, names: names[$0.ssn]) }
                .sorted { $0.score != $1.score ? $0.score > $1.score : $0.ssn < $1.ssn }
        }
        var ranked = try scoreAll()
        if ranked.first.map({ $0.score - prior < thresholds.reviewMinScore || $0.nameDisagrees }) ?? true {
            // Character keys first (a Chinese name one character off); romanised keys only for a
            // certificate with no Chinese name, as they are broad.
            var keys = NameBlocking.certificateKeys(name: e.name, nameLatin: e.nameLatin)
            if keys.contains(where: { $0.hasPrefix("H:") }) { keys = keys.filter { $0.hasPrefix("H:") } }
            if !keys.isEmpty {
                add(try directory.recipients(withNameKeys: keys, limit: 300))
                ranked = try scoreAll()
            }
        }
        // A recipient whose registered number a valid number on the certificate equals is always
        // shown, whatever else disagrees: a reviewer must see it.
        let shown = Array(ranked.filter { $0.score - prior >= thresholds.reviewMinScore || $0.idAgrees }.prefix(thresholds.keep))
            .map { c in found[c.ssn].map { scorer.score(e, against: $0, frequencies: f) } ?? c }
        guard let best = shown.first else {
            let reason = ranked.isEmpty
                ? "No recipient shares an identity number, a birth date or a name with the certificate."
                : "The best candidate scores \(MatchScore.format(ranked[0].score)), \(MatchScore.format(ranked[0].score - prior)) after the odds of 1 in \(recipients) against any one recipient; a candidate needs \(MatchScore.format(thresholds.reviewMinScore)) (a namesake born on another day is not the holder): the holder does not appear to be in the registry."
            return MatchResult(decision: .none, ssn: nil, score: nil, candidates: [], reason: reason)
        }
        let runnerUp = ranked.dropFirst().first
        var why: [String] = []
        if !best.idAgrees { why.append("no valid identity number on the certificate agrees with the registry") }
        else if !best.contributions.contains(where: { ($0.field == "name" || $0.field == "birth_date") && $0.weight > 0 }) {
            why.append("the identity number is the only field that agrees (neither the name nor the birth date could be compared)")
        }
        if best.nameDisagrees { why.append("the name disagrees") }
        if best.birthDateDisagrees { why.append("the birth date disagrees") }
        if best.score - prior < thresholds.autoMinScore {
            why.append("the score \(MatchScore.format(best.score)) is \(MatchScore.format(best.score - prior)) after the registry's prior odds, below \(MatchScore.format(thresholds.autoMinScore))")
        }
        if let r = runnerUp, best.score - r.score < thresholds.runnerUpMargin {
            why.append("another candidate scores \(MatchScore.format(r.score)), within \(MatchScore.format(thresholds.runnerUpMargin)) of the best")
        }
        if why.isEmpty {
            return MatchResult(decision: .auto, ssn: best.ssn, score: best.score, candidates: shown,
                               reason: "Linked automatically: a valid identity number agrees, the name and birth date do not disagree, and no other candidate comes close.")
        }
        return MatchResult(decision: .review, ssn: best.ssn, score: best.score, candidates: shown,
                           reason: "A reviewer decides: " + why.joined(separator: "; ") + ".")
    }
}

/// A thread-safe memo of registry counts.
///
/// Guarded by `NSLock` (a pthread mutex) rather than `Synchronization.Mutex`: on Linux the latter
/// locks with futex calls that ThreadSanitizer cannot see, so every access to the table was
/// reported as a race (docs/RELIABILITY.md, "Sanitizers"); with a pthread mutex TSan checks it.
final class FrequencyCache: @unchecked Sendable {
    private let lock = NSLock()
    private var table: [String: Int] = [:]

    func value(_ key: String, _ compute: () throws -> Int) rethrows -> Int {
        lock.lock()
        let known = table[key]
        lock.unlock()
        if let known { return known }
        let v = try compute()
        lock.lock()
        table[key] = v
        lock.unlock()
        return v
    }
}
