import LifecertDomain
import LifecertMatching
import LifecertNames
import LifecertStore

/// The store as the matcher's ``RecipientDirectory``: every lookup an indexed query.
public struct StoreDirectory: RecipientDirectory {
    public let store: Store

    public init(store: Store) { self.store = store }

    public func recipients(withIDNumbers numbers: [String]) throws -> [Recipient] { try store.recipients(idNumbers: numbers) }
    public func recipients(bornOn dates: [LocalDate], limit: Int) throws -> [Recipient] { try store.recipients(bornOn: dates, limit: limit) }
    public func recipients(named names: [String], limit: Int) throws -> [Recipient] {
        try store.recipients(namedFolded: names.map { HanCharacters.simplified($0) }, limit: limit)
    }
    public func recipients(withNameKeys keys: [String], limit: Int) throws -> [Recipient] { try store.recipients(nameKeys: keys, limit: limit) }
    public func recipient(ssn: String) throws -> Recipient? { try store.recipient(ssn: ssn)?.recipient }
    public func recipientCount() throws -> Int { try store.recipientCount() }
    public func count(bornOn date: LocalDate) throws -> Int { try store.recipientCount(bornOn: date) }
    public func count(named name: String) throws -> Int { try store.recipientCount(namedFolded: HanCharacters.simplified(name)) }
    public func count(surname: String) throws -> Int { try store.recipientCount(namePrefix: HanCharacters.simplified(surname)) }
    public func recipientsCertified(withCertificateNo number: String, except ssn: String) throws -> [String] {
        try store.recipientsLinked(certificateNo: number, except: ssn)
    }
}
