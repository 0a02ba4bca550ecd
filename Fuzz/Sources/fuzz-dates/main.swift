import FuzzSupport
import LifecertDomain
import LifecertForms

// Dates: DateReader (Sources/LifecertForms/DateReader.swift) in every order, with and without the
// Minguo setting, and the ISO parsers of LocalDate and YearMonth. The input is the text (UTF-8,
// invalid bytes replaced). Invariants: a date read is a real date in 1850…2199 whose ISO form reads
// back to it; a Minguo reading states its printed year (+1911 = the year); `read` agrees with
// `reading`; the Minguo setting only ever adds readings; a date read with the order unknown is
// also read with one of the orders day-month-year or month-day-year.

func check(_ text: String, _ order: DateOrder?, _ minguo: Bool) -> LocalDate? {
    let r = DateReader.reading(text, order: order, minguo: minguo)
    require(DateReader.read(text, order: order, minguo: minguo) == r?.date, "read and reading disagree on '\(text)'")
    guard let r else { return nil }
    let d = r.date
    require((1850...2199).contains(d.year), "year \(d.year) out of range from '\(text)'")
    require(LocalDate(year: d.year, month: d.month, day: d.day) == d, "\(d) is not a real date")
    require(LocalDate(iso: d.description) == d, "\(d) does not read back from its ISO form")
    require(LocalDate(daysSinceEpoch: d.daysSinceEpoch) == d, "\(d) does not survive days since epoch")
    require(DateReader.read(d.description, order: .ymd) == d, "ISO \(d) not read back by DateReader")
    require(r.minguo == (r.minguoYear != nil), "minguo flag without its year on '\(text)'")
    if let y = r.minguoYear { require(y + 1911 == d.year, "Minguo \(y) read as \(d.year)") }
    if r.lunarIgnored != nil { require(text.contains { "([〔【（［".contains($0) }, "lunar part with no bracket in '\(text)'") }
    return d
}

func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: bytes(data, size), as: UTF8.self)
    var plain: [DateOrder?: LocalDate?] = [:]
    for order in [nil] + DateOrder.allCases.map(Optional.some) {
        let a = check(text, order, false)
        let b = check(text, order, true)
        if let a { require(b == a, "minguo setting changed \(a) into \(String(describing: b)) for '\(text)'") }
        plain[order] = a
    }
    if let unknown = plain[nil] ?? nil {
        require(plain[.dmy] == unknown || plain[.mdy] == unknown, "order-free \(unknown) not read with any order from '\(text)'")
    }
    if let d = LocalDate(iso: text) {
        require(d.description == text, "ISO '\(text)' → \(d)")
    }
    if let m = YearMonth(iso: text) {
        require(m.firstDay.yearMonth == m && m.lastDay.yearMonth == m, "month \(m)")
    }
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func LLVMFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt { fuzzOne(data, size) }

runFuzzer { fuzzOne($0, $1) }
