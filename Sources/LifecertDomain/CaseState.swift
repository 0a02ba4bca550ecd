/// Where a case stands, and the moves between states the workflow allows.
///
/// Contract: ``CaseState/allowedMoves`` is the whole state machine. The store enforces the same
/// table with a trigger (an update to any other state is aborted by the database), so a client that
/// bypasses the workflow still cannot, say, reopen an approved case. Staying in the same state is
/// always allowed (renewing a claim keeps a case `IN_REVIEW`).
public enum CaseState: String, CaseIterable, Sendable {
    /// A scan or batch row stored, not read yet.
    case received = "RECEIVED"
    /// Read, not matched yet.
    case read = "READ"
    /// Linked to its recipient automatically.
    case matched = "MATCHED"
    /// A person must choose the recipient (or say there is none).
    case needsMatch = "NEEDS_MATCH"
    /// Claimed by a reviewer.
    case inReview = "IN_REVIEW"
    /// Passed; its certification record is written.
    case approved = "APPROVED"
    /// Did not pass, with a reason code and a sentence for the recipient.
    case rejected = "REJECTED"
    /// Sent back for something missing, with a reason code and a sentence.
    case returned = "RETURNED"
    /// Not a certificate, or nothing on it could be read.
    case unreadable = "UNREADABLE"
    /// Made redundant by a certificate for the same person, of the same or a later date, approved
    /// while this one waited.
    case superseded = "SUPERSEDED"

    /// States a reviewer can still act on.
    public static let open: Set<CaseState> = [.matched, .needsMatch, .inReview]

    /// Every allowed move, from → to.
    public static let allowedMoves: [CaseState: Set<CaseState>] = [
        .received: [.read, .unreadable, .superseded],
        .read: [.matched, .needsMatch, .unreadable, .superseded],
        // A correction may move a case between MATCHED and NEEDS_MATCH when it is linked again.
        .matched: [.needsMatch, .inReview, .approved, .rejected, .returned, .superseded],
        .needsMatch: [.matched, .inReview, .approved, .rejected, .returned, .superseded],
        .inReview: [.matched, .needsMatch, .approved, .rejected, .returned, .superseded],
        .approved: [],
        .rejected: [],
        .returned: [.superseded],
        .unreadable: [.superseded],
        .superseded: [],
    ]

    /// Whether the workflow may move a case from this state to `next`.
    public func canMove(to next: CaseState) -> Bool {
        next == self || Self.allowedMoves[self, default: []].contains(next)
    }

    /// Every allowed move as `FROM>TO`, the form the store's trigger checks.
    public static var allowedMovePairs: [String] {
        allCases.flatMap { from in
            allowedMoves[from, default: []].map { "\(from.rawValue)>\($0.rawValue)" }
        }.sorted()
    }
}
