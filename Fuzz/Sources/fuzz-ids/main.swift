import FuzzSupport
import LifecertDomain

// Identity numbers (Sources/LifecertDomain/IdentityNumber.swift): every type, and detection. The
// input is the text. Invariants: normalising is idempotent; a number valid as a type is valid again
// from its key (the same key, the same facts); a detected type validates as that type when asked
// explicitly; a birth date a number encodes is a real date not after today; the check-character
// functions give a character that makes the number validate; masking keeps the length.

let today = LocalDate(year: 2026, month: 11, day: 30)!

func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let raw = String(decoding: bytes(data, size), as: UTF8.self)
    let n = IdentityNumbers.normalize(raw)
    require(IdentityNumbers.normalize(n) == n, "normalize not idempotent on '\(raw)'")
    if n.allSatisfy(\.isASCII) { require(IdentityNumbers.mask(n).count == n.count, "mask changed the length of '\(n)'") }
    for type in [nil] + IdentityType.allCases.map(Optional.some) {
        for day in [today, nil] {
            let c = IdentityNumbers.check(raw, as: type, today: day)
            _ = c.summary
            _ = c.display
            require(c.normalized == n, "normalized differs")
            guard c.isValid else { continue }
            require(!c.key.isEmpty && c.key.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }, "key '\(c.key)'")
            let again = IdentityNumbers.check(c.key, as: c.type, today: day)
            require(again.isValid && again.key == c.key && again.facts.birthDate == c.facts.birthDate && again.facts.sex == c.facts.sex,
                    "\(String(describing: c.type)) '\(raw)' valid with key \(c.key), which gives \(again.summary) key \(again.key)")
            if type == nil, let t = c.type {
                let explicit = IdentityNumbers.check(raw, as: t, today: day)
                require(explicit.isValid && explicit.key == c.key, "detected \(t) but not valid as \(t): '\(raw)'")
            }
            if let b = c.facts.birthDate {
                require(LocalDate(iso: b.description) == b, "encoded birth date \(b)")
                if let day { require(b <= day, "encoded birth \(b) after today") }
            }
        }
    }
    if n.count == 17, let ch = IdentityNumbers.residentIDCheckCharacter(n) {
        let full = n + String(ch)
        let c = IdentityNumbers.check(full, as: .mainlandResidentID)
        require(!c.failures.contains { if case .checkDigit = $0 { true } else { false } }, "computed check character refused for \(full)")
    }
    if let ch = IdentityNumbers.hongKongCheckCharacter(n) {
        let c = IdentityNumbers.check(n + String(ch), as: .hongKongID)
        require(!c.failures.contains { if case .checkDigit = $0 { true } else { false } }, "computed HK check character refused for \(n)\(ch)")
    }
    if let ch = IdentityNumbers.taiwanCheckDigit(n) {
        let c = IdentityNumbers.check(n + String(ch), as: .taiwanID)
        require(!c.failures.contains { if case .checkDigit = $0 { true } else { false } }, "computed TW check digit refused for \(n)\(ch)")
    }
    if n.count == 15, let long = IdentityNumbers.convertResidentID15(n) {
        require(long.count == 18, "15→18 gave \(long)")
    }
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func LLVMFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt { fuzzOne(data, size) }

runFuzzer { fuzzOne($0, $1) }
