import LifecertDomain
import LifecertNames

/// A ``RecipientDirectory`` over an array, for tests and small tools. Lookups scan the array.
public struct InMemoryDirectory: RecipientDirectory {
    public var all: [Recipient]
    /// Certificate number → the recipients it was used for.
    public var certificatesUsed: [String: [String]]
    /// The registry size reported to the matcher: by default the number of recipients; tests set a
    /// realistic size so that weights are those of a real registry in which these people are rare.
    public var registrySize: Int?

    public init(_ recipients: [Recipient], certificatesUsed: [String: [String]] = [:], registrySize: Int? = nil) {
        all = recipients
        self.certificatesUsed = certificatesUsed
        self.registrySize = registrySize
    }

    public func recipients(withIDNumbers numbers: [String]) throws -> [Recipient] { all.filter { numbers.contains($0.idNumber) } }
    public func recipients(bornOn dates: [LocalDate], limit: Int) throws -> [Recipient] { Array(all.filter { dates.contains($0.birthDate) }.prefix(limit)) }
    public func recipients(named names: [String], limit: Int) throws -> [Recipient] {
        Array(all.filter { names.contains(HanCharacters.simplified($0.name)) }.prefix(limit))
    }
    public func recipients(withNameKeys keys: [String], limit: Int) throws -> [Recipient] {
        let wanted = Set(keys)
        return Array(all.filter { !wanted.isDisjoint(with: NameBlocking.registryKeys(name: $0.name, nameLatin: $0.nameLatin)) }.prefix(limit))
    }
    public func recipient(ssn: String) throws -> Recipient? { all.first { $0.ssn == ssn } }
    public func recipientCount() throws -> Int { registrySize ?? all.count }
    public func count(bornOn date: LocalDate) throws -> Int { all.filter { $0.birthDate == date }.count }
    public func count(named name: String) throws -> Int { all.filter { HanCharacters.simplified($0.name) == name }.count }
    public func count(surname: String) throws -> Int { all.filter { HanCharacters.simplified($0.name).hasPrefix(surname) }.count }
    public func recipientsCertified(withCertificateNo number: String, except ssn: String) throws -> [String] {
        (certificatesUsed[number] ?? []).filter { $0 != ssn }
    }
}
