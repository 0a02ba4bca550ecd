import Foundation

/// The Fellegi–Sunter model: for each compared field and comparison level, `m` is the probability
/// of that level when the certificate and the record are the same person. The `u` probabilities
/// (the same level between two different people) are not set here: they come from the registry
/// itself, from how many recipients share the birth date, the name or the surname
/// (``FrequencyEvidence``). A level's weight is log2(m / u).
///
/// The default `m` values are the reading accuracies measured on the scan benchmark's damaged half
/// (docs/BENCHMARKS.md, issue 3): birth dates read right 98–99%, Chinese names 83% (most of the
/// rest one character off), identity numbers 98.7%. A registry may also hold an outdated value,
/// which the small disagreement probabilities allow for.
public struct MatchModel: Sendable, Equatable {
    public var idAgree = 0.98
    public var idClose = 0.01
    public var idDisagree = 0.01
    public var birthExact = 0.97
    public var birthClose = 0.02
    public var birthDisagree = 0.01
    public var nameExact = 0.80
    public var nameRomanisation = 0.80
    public var nameOCRClose = 0.15
    public var namePartial = 0.03
    public var nameDisagree = 0.02
    public var sexAgree = 0.99
    public var sexDisagree = 0.01

    /// Share of pairs of different people with the same surname whose given names nonetheless
    /// compare at each level (used to scale the surname frequency into a `u`).
    public var givenRomanisationByChance = 0.02
    public var givenOCRCloseByChance = 0.02
    public var givenPartialByChance = 0.05
    /// Chance that two different people's birth dates differ in one digit or by a swapped day and
    /// month (a "close" level): about 70 such dates among the ~13,000 days of a pensioner cohort.
    public var birthCloseByChance = 0.006

    public init() {}

    public static let standard = MatchModel()

    /// log2(m / u), with both clamped away from 0 and 1 so a weight is always finite.
    public static func weight(m: Double, u: Double) -> Double {
        let m = min(max(m, 1e-9), 1), u = min(max(u, 1e-12), 1)
        return (log2(m / u) * 10).rounded() / 10
    }
}
