import ArgumentParser
import Foundation
import LifecertDomain

/// Writes synthetic but realistic test data: registry extracts with valid identity numbers (and,
/// on request, broken rows of every kind). Deterministic for a given seed.
struct Samples: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lifecert-samples",
        abstract: "Generate sample data for lifecert's tests and benchmarks.",
        subcommands: [RegistryExtractCommand.self, ScansCommand.self])
}

struct RegistryExtractCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "registry", abstract: "Write a recipient registry extract (CSV, UTF-8) to standard output or a file.")

    @Option(help: "Number of recipients.") var count = 1000
    @Option(help: "Random seed (same seed, same file).") var seed: UInt64 = 1
    @Option(help: "Also write this many broken rows, spread through the file.") var broken = 0
    @Option(help: "Last-certification dates fall in the 18 months before this day.") var asOf = "2026-11-01"
    @Option(name: .shortAndLong, help: "Output file (default: standard output).") var output: String?

    func run() throws {
        guard let day = LocalDate(iso: asOf) else { throw ValidationError("--as-of must be YYYY-MM-DD") }
        var gen = RegistryGenerator(seed: seed, asOf: day)
        var out = OutputFile(path: output)
        out.write(RegistryGenerator.header + "\n")
        let brokenEvery = broken > 0 ? max(1, count / broken) : Int.max
        var brokenLeft = broken
        for i in 0..<count {
            out.write(gen.row(index: i) + "\n")
            if brokenLeft > 0 && i % brokenEvery == brokenEvery - 1 {
                out.write(gen.brokenRow(kind: broken - brokenLeft) + "\n")
                brokenLeft -= 1
            }
        }
        while brokenLeft > 0 {
            out.write(gen.brokenRow(kind: broken - brokenLeft) + "\n")
            brokenLeft -= 1
        }
        out.close()
    }
}

struct OutputFile {
    var handle: FileHandle
    var buffer = [UInt8]()
    init(path: String?) {
        if let path {
            _ = FileManager.default.createFile(atPath: path, contents: nil)
            handle = FileHandle(forWritingAtPath: path)!
        } else {
            handle = FileHandle.standardOutput
        }
        buffer.reserveCapacity(1 << 20)
    }
    mutating func write(_ s: String) {
        buffer.append(contentsOf: s.utf8)
        if buffer.count >= 1 << 20 { flush() }
    }
    mutating func flush() {
        handle.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }
    mutating func close() {
        flush()
        try? handle.close()
    }
}

/// SplitMix64: small, fast, reproducible across platforms.
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

struct RegistryGenerator {
    static let header = "ssn,name,name_latin,sex,birth_date,id_type,id_number,benefit_type,benefit_status,eligible,residence,last_certified_on,phone,office,died_on"

    // Surname: simplified, pinyin, Hong Kong, Macao spelling.
    static let surnames: [(String, String, String, String)] = [
        ("陈", "CHEN", "CHAN", "CHAN"), ("张", "ZHANG", "CHEUNG", "CHEONG"), ("黄", "HUANG", "WONG", "WONG"),
        ("李", "LI", "LEE", "LEI"), ("梁", "LIANG", "LEUNG", "LEONG"), ("吴", "WU", "NG", "NG"),
        ("杨", "YANG", "YEUNG", "IEONG"), ("郑", "ZHENG", "CHENG", "CHEANG"), ("林", "LIN", "LAM", "LAM"),
        ("刘", "LIU", "LAU", "LAO"), ("何", "HE", "HO", "HO"), ("王", "WANG", "WONG", "VONG"),
        ("周", "ZHOU", "CHOW", "CHAO"), ("谢", "XIE", "TSE", "CHE"), ("罗", "LUO", "LAW", "LO"),
        ("麦", "MAI", "MAK", "MAK"), ("冯", "FENG", "FUNG", "FONG"), ("邓", "DENG", "TANG", "TANG"),
        ("朱", "ZHU", "CHU", "CHU"), ("许", "XU", "HUI", "HOI"),
    ]
    // Given-name characters: character, pinyin, Cantonese.
    static let given: [(String, String, String)] = [
        ("伟", "WEI", "WAI"), ("芳", "FANG", "FONG"), ("娜", "NA", "NA"), ("敏", "MIN", "MAN"), ("静", "JING", "CHING"),
        ("丽", "LI", "LAI"), ("强", "QIANG", "KEUNG"), ("磊", "LEI", "LUI"), ("军", "JUN", "KWAN"), ("洋", "YANG", "YEUNG"),
        ("勇", "YONG", "YUNG"), ("艳", "YAN", "YIM"), ("杰", "JIE", "KIT"), ("娟", "JUAN", "KUEN"), ("涛", "TAO", "TO"),
        ("明", "MING", "MING"), ("超", "CHAO", "CHIU"), ("秀", "XIU", "SAU"), ("霞", "XIA", "HA"), ("平", "PING", "PING"),
        ("华", "HUA", "WAH"), ("辉", "HUI", "FAI"), ("玲", "LING", "LING"), ("桂", "GUI", "KWAI"), ("英", "YING", "YING"),
        ("国", "GUO", "KWOK"), ("荣", "RONG", "WING"), ("珍", "ZHEN", "CHUN"), ("兰", "LAN", "LAN"), ("文", "WEN", "MAN"),
    ]
    static let regions = ["440103", "440104", "440105", "440106", "440111", "440303", "440304", "440604", "440703",
                          "441302", "445102", "440883", "110105", "310104", "350102", "430603"]
    static let countries = ["CA", "US", "AU", "GB", "NZ", "SG", "MY", "TH", "JP", "DE", "FR", "NL"]
    static let offices = ["440100", "440300", "440600", "440700", "441300", "445100", "440000"]

    var rng: SeededRandom
    let asOf: LocalDate
    var serial = 0
    /// Resident IDs already handed out (the birth date and region leave 500 numbers a day per region).
    var usedIDs = Set<String>()

    init(seed: UInt64, asOf: LocalDate) {
        rng = SeededRandom(seed: seed)
        self.asOf = asOf
    }

    mutating func pick<T>(_ a: [T]) -> T { a[Int(rng.next() % UInt64(a.count))] }
    mutating func chance(_ p: Double) -> Bool { Double(rng.next() % 1_000_000) / 1_000_000 < p }
    mutating func digits(_ n: Int) -> String { (0..<n).map { _ in String(rng.next() % 10) }.joined() }

    mutating func row(index: Int) -> String {
        serial += 1
        let s = pick(Self.surnames)
        let g1 = pick(Self.given)
        let twoChar = chance(0.7)
        let g2 = pick(Self.given)
        let sex: Sex = chance(0.5) ? .male : .female
        let birth = LocalDate(year: 1930 + Int(rng.next() % 36), month: 1 + Int(rng.next() % 12), day: 1 + Int(rng.next() % 28))!
        let roll = rng.next() % 100
        let residence: String
        let idType: IdentityType
        var id: String
        var latin: String
        let given = twoChar ? g1.0 + g2.0 : g1.0
        let pinyin = twoChar ? g1.1 + g2.1.lowercased() : g1.1
        let canto = twoChar ? "\(g1.2.capitalized) \(g2.2.capitalized)" : g1.2.capitalized
        switch roll {
        case 0..<55:
            residence = pick(Self.countries)
            idType = .mainlandResidentID
            let region = pick(Self.regions)
            var seq = Int(rng.next() % 500)
            id = Self.residentID(region: region, birth: birth, sex: sex, seq: seq)
            while usedIDs.contains(id) {
                seq = (seq + 1) % 500
                id = Self.residentID(region: region, birth: birth, sex: sex, seq: seq)
            }
            usedIDs.insert(id)
            latin = "\(s.1) \(pinyin.capitalized)"
        case 55..<72:
            residence = "HK"
            idType = .hongKongID
            let body = pick(["A", "C", "D", "E", "G", "K", "P", "R", "Y", "Z", "XA"]) + digits(6)
            id = body + String(IdentityNumbers.hongKongCheckCharacter(body)!)
            latin = "\(s.2) \(canto)"
        case 72..<82:
            residence = "MO"
            idType = .macaoID
            id = pick(["1", "5", "7"]) + digits(7)
            latin = "\(s.3) \(canto)"
        case 82..<88:
            residence = "TW"
            idType = .taiwanID
            let body = pick(["A", "B", "E", "F", "H", "R"]) + (sex == .male ? "1" : "2") + digits(7)
            id = body + String(IdentityNumbers.taiwanCheckDigit(body)!)
            latin = "\(s.1) \(pinyin.capitalized)"
        case 88..<94:
            residence = pick(Self.countries)
            idType = .foreignPassport
            id = pick(["AB", "GK", "P", "N"]) + digits(7)
            latin = "\(pinyin.capitalized) \(s.1)"
        default:
            residence = pick(Self.countries)
            idType = .chinesePassport
            id = "E" + pick(["A", "B", "C", "D", "F", "G", "H", "J", "K"]) + digits(7)
            latin = "\(s.1) \(pinyin.capitalized)"
        }
        if !chance(0.8) { latin = "" }
        let ssn = idType == .mainlandResidentID ? id : "9" + zeroPadded(serial * 7919 % 100_000_000_000, width: 11)
        let benefit: BenefitType = {
            let r = rng.next() % 100
            switch r {
            case 0..<70: return .enterprisePension
            case 70..<78: return .institutionPension
            case 78..<86: return .residentPension
            case 86..<91: return .disabilityAllowance
            case 91..<96: return .workInjury
            default: return .workDeathDependant
            }
        }()
        let status: BenefitStatus = chance(0.87) ? .normal : (chance(0.7) ? .suspended : .terminated)
        let eligible = chance(0.985) ? "Y" : "N"
        let last = chance(0.97) ? asOf.adding(days: -Int(rng.next() % 540))!.description : ""
        let phone = chance(0.9) ? (residence == "HK" ? "+852 " + digits(8) : residence == "MO" ? "+853 " + digits(8) : "+" + String(1 + rng.next() % 90) + " " + digits(9)) : ""
        // Most terminations are deaths: a date of death 30–730 days back (derived from the serial, so
        // that adding the column did not change any other value of a seeded file).
        let died = status == .terminated && serial % 5 != 0 ? asOf.adding(days: -(30 + serial * 37 % 700))!.description : ""
        return [ssn, s.0 + given, latin, sex.rawValue, birth.description, idType.rawValue, id, benefit.rawValue,
                status.rawValue, eligible, residence, last, phone, pick(Self.offices), died].joined(separator: ",")
    }

    static func residentID(region: String, birth: LocalDate, sex: Sex, seq: Int) -> String {
        let d = birth.description.replacingOccurrences(of: "-", with: "")
        let last = sex == .male ? (seq % 5) * 2 + 1 : (seq % 5) * 2
        let body = region + d + zeroPadded(seq / 5 % 100, width: 2) + String(last)
        return body + String(IdentityNumbers.residentIDCheckCharacter(body)!)
    }

    /// A row broken in one of several ways, each a mistake seen in real spreadsheet exports.
    mutating func brokenRow(kind: Int) -> String {
        let good = row(index: -1).split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        var f = good
        switch kind % 8 {
        case 0: f[4] = "1950-02-30"  // not a real date
        case 1:  // wrong check digit on a resident ID
            f[5] = "CN_RIC"
            let body = "44010319500101123"
            let right = IdentityNumbers.residentIDCheckCharacter(body)!
            f[6] = body + (right == "1" ? "2" : "1")
            f[0] = "BAD" + digits(8)
        case 2: f[7] = "ENTERPRISE"  // unknown code
        case 3: f.removeLast()  // a column missing
        case 4: f[3] = "X"  // bad sex code
        case 5: f[9] = "maybe"  // bad eligible flag
        case 6: f[11] = "01/02/2024"  // date in the wrong form
        default: f[0] = ""  // no key
        }
        return f.joined(separator: ",")
    }
}

Samples.main()

/// `n` in decimal with leading zeros to `width` digits.
func zeroPadded(_ n: Int, width: Int) -> String {
    let s = String(n)
    return String(repeating: "0", count: max(0, width - s.count)) + s
}
