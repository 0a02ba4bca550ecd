import FuzzSupport
import LifecertDomain
import LifecertInterchange

// The registry extract (Sources/LifecertInterchange/RegistryExtract.swift): the input is the file.
// Invariants for every accepted recipient: its identity number is the key form and passes its own
// check again (same key); its dates are not after today; its ssn is 1–32 letters and digits and
// appears once; the residence is two capital letters; no value holds a NUL or is empty where
// required. Rows come out in increasing line order, each exactly once.

let file = ScratchFile(suffix: ".csv")
let today = LocalDate(year: 2026, month: 11, day: 30)!

func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let all = bytes(data, size)
    file.write(all)
    guard let extract = try? RegistryExtract(path: file.path, today: today) else { return 0 }
    var last = 1
    var ssns: Set<String> = []
    while let row = extract.next() {
        switch row {
        case .rejected(let line, let reasons):
            require(line > last, "line \(line) after \(last)")
            require(!reasons.isEmpty, "a row rejected without a reason")
            last = line
        case .recipient(let line, let r, _):
            require(line > last, "line \(line) after \(last)")
            last = line
            let again = IdentityNumbers.check(r.idNumber, as: r.idType, today: today)
            require(again.isValid && again.key == r.idNumber,
                    "id \(r.idType.rawValue) \(r.idNumber) does not re-validate to itself: \(again.summary) key \(again.key)")
            require(r.birthDate <= today, "birth date \(r.birthDate) after today")
            for d in [r.lastCertifiedOn, r.appliedOn, r.diedOn] { if let d { require(d <= today, "date \(d) after today") } }
            require(!r.ssn.isEmpty && r.ssn.count <= 32 && r.ssn.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }, "ssn \(r.ssn)")
            require(ssns.insert(r.ssn).inserted, "ssn \(r.ssn) accepted twice")
            require(r.residence.count == 2 && r.residence.allSatisfy { $0.isASCII && $0.isUppercase }, "residence \(r.residence)")
            for v in [r.name, r.office] { require(!v.isEmpty, "an empty required value") }
            for v in [r.ssn, r.name, r.office, r.residence, r.idNumber, r.nameLatin ?? "", r.phone ?? ""] {
                require(!v.utf8.contains(0), "a value holds a NUL")
            }
        }
    }
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func LLVMFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt { fuzzOne(data, size) }

runFuzzer { fuzzOne($0, $1) }
