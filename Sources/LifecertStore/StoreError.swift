import LifecertDomain

/// Why the store refused an operation, written for the person who will read it.
public enum StoreError: Error, Equatable, CustomStringConvertible {
    /// The store was written by a newer lifecert: opening it could corrupt it.
    case newerVersion(path: String, unknownMigrations: [String])
    /// The file exists but is not a lifecert store (or not an SQLite file at all).
    case notAStore(path: String, reason: String)
    /// The store cannot be opened.
    case cannotOpen(path: String, reason: String)
    /// A change could not be written (disk full, read-only, locked, I/O error): nothing of it was
    /// kept, the store is as it was before the command.
    case cannotWrite(path: String, reason: String)
    /// An original scan could not be copied into the archive (disk full, permissions): the scan is
    /// not registered, and the file it came from is left where it was.
    case archiveFailed(file: String, archive: String, reason: String)
    /// The policy the store was asked to use is invalid.
    case invalidPolicy([String])
    /// A record that is append-only was asked to change.
    case appendOnly(String)
    /// No such recipient.
    case unknownRecipient(String)
    /// A certification record id that does not exist.
    case unknownRecord(Int64)
    /// A scan id the store does not have.
    case unknownScan(Int64)
    /// A record that was already revoked.
    case alreadyRevoked(Int64)

    public var description: String {
        switch self {
        case .newerVersion(let p, let m):
            return "\(p) was written by a newer version of lifecert (it has schema changes \(m.joined(separator: ", ")) that this version does not know). Upgrade lifecert to open it; this version refuses to, so as not to damage it."
        case .notAStore(let p, let r):
            return "\(p) is not a lifecert store: \(r). Point --store (or LIFECERT_STORE) at a lifecert store, or at a path where a new one may be created."
        case .cannotOpen(let p, let r):
            return "cannot open the store \(p): \(r)"
        case .cannotWrite(let p, let r):
            return "the store \(p) was not changed: \(r)"
        case .archiveFailed(let f, let a, let r):
            return "\(f) could not be archived in \(a): \(r). The scan was not taken in and the file is left where it is; take it in again once this is put right"
        case .invalidPolicy(let problems):
            return "the certification policy is not usable:\n  " + problems.joined(separator: "\n  ")
        case .appendOnly(let what):
            return "\(what) are append-only: they are never changed or deleted; revoke a wrong record with a later one"
        case .unknownRecipient(let key):
            return "no recipient with social-security or identity number \(IdentityNumbers.mask(key)) is in the store"
        case .unknownRecord(let id):
            return "there is no certification record \(id)"
        case .unknownScan(let id):
            return "there is no scan \(id)"
        case .alreadyRevoked(let id):
            return "certification record \(id) is already revoked"
        }
    }
}
