import LifecertDomain

/// Where the matcher finds candidates and the registry frequencies its weights come from.
/// The store implements it with indexed queries (never a scan of the registry); tests use
/// ``InMemoryDirectory``.
///
/// Contract: every lookup returns whole recipients, at most `limit` of them; counts are exact.
public protocol RecipientDirectory: Sendable {
    /// Recipients whose registered identity number is one of `numbers` (normalised key forms).
    func recipients(withIDNumbers numbers: [String]) throws -> [Recipient]
    /// Recipients born on one of `dates`.
    func recipients(bornOn dates: [LocalDate], limit: Int) throws -> [Recipient]
    /// Recipients whose registered name (folded to simplified) is one of `names`.
    func recipients(named names: [String], limit: Int) throws -> [Recipient]
    /// Recipients sharing a sound-alike or character blocking key (``NameBlocking``).
    func recipients(withNameKeys keys: [String], limit: Int) throws -> [Recipient]
    /// One recipient by social-security number.
    func recipient(ssn: String) throws -> Recipient?
    /// How many recipients there are.
    func recipientCount() throws -> Int
    func count(bornOn date: LocalDate) throws -> Int
    func count(named name: String) throws -> Int
    /// Recipients whose name starts with `surname`.
    func count(surname: String) throws -> Int
    /// The recipients (other than `ssn`) a certificate with this number was already linked to.
    func recipientsCertified(withCertificateNo number: String, except ssn: String) throws -> [String]
}
