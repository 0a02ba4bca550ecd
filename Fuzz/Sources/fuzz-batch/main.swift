import FuzzSupport
import LifecertDomain
import LifecertInterchange

// The consular batch file, CSV or JSON Lines (Sources/LifecertInterchange/ConsularBatch.swift): the
// input is the file (JSON Lines when its first non-blank byte is `{`). Invariants for every
// accepted row: the identity number is its key form and passes its check again; the birth and the
// appearance are not after today; the appearance is the date part of certified_at; required values
// are non-empty, at most 200 bytes, without control characters. Lines come out in increasing order.

let file = ScratchFile(suffix: ".batch")
let today = LocalDate(year: 2026, month: 11, day: 30)!

func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let all = bytes(data, size)
    file.write(all)
    guard let batch = try? ConsularBatchFile(path: file.path, today: today) else { return 0 }
    var last = batch.format == .csv ? 1 : 0
    while let item = batch.next() {
        require(item.line > last, "line \(item.line) after \(last)")
        last = item.line
        switch item {
        case .rejected(_, _, _, let reasons):
            require(!reasons.isEmpty, "a line rejected without a reason")
        case .row(let r):
            let again = IdentityNumbers.check(r.idNumber, as: r.idType, today: today)
            require(again.isValid && again.key == r.idNumber,
                    "id \(r.idType.rawValue) \(r.idNumber) does not re-validate to itself: \(again.summary)")
            require(r.birthDate <= today && r.appearedOn <= today, "a date after today")
            require(r.certifiedAt.hasPrefix(r.appearedOn.description), "certified_at \(r.certifiedAt) vs \(r.appearedOn)")
            for v in [r.batchID, r.recordID, r.mission, r.name, r.certifiedAt] {
                require(!v.isEmpty && v.utf8.count <= 200, "required value '\(v)'")
                require(!v.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }, "control character in '\(v)'")
            }
            for v in [r.passportNumber ?? "", r.certificateNo ?? ""] { require(!v.utf8.contains(0), "a value holds a NUL") }
            require(!r.canonical.isEmpty, "empty canonical form")
        }
    }
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func LLVMFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt { fuzzOne(data, size) }

runFuzzer { fuzzOne($0, $1) }
