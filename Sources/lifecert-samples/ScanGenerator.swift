import ArgumentParser
import CPoppler
import CTesseract
import Foundation
import LifecertDomain

/// `lifecert-samples scans`: draws realistic scanned certificates of every kind, and
/// non-certificates, with a ground-truth JSON beside each file.
struct ScansCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scans",
        abstract: "Draw sample scans (PDF, TIFF, PNG, JPEG) of every kind of certificate, half of them damaged, with ground truth.")

    @Option(help: "Number of scans.") var count = 28
    @Option(help: "Random seed (same seed, same scans).") var seed: UInt64 = 11
    @Option(help: "The registry extract the people are taken from.") var registry = "samples/registry.csv"
    @Option(help: "Certificates are dated in the 90 days before this day.") var asOf = "2026-11-20"
    @Option(name: .shortAndLong, help: "Output folder.") var output = "samples/scans"
    @Option(help: "Folder for the ground-truth JSON (one file per scan, named after it).") var truth = "samples/truth"
    @Option(help: "Make every Nth certificate out for someone not in the registry (0: none).") var absentEvery = 0
    @Option(help: "Plant a fraud signal in every Nth certificate (0: none): a reused certificate number, an appearance after the recorded death, a future or too old appearance, an unknown mission, a birth date the ID contradicts.") var fraudEvery = 0

    func run() throws {
        guard let day = LocalDate(iso: asOf) else { throw ValidationError("--as-of must be YYYY-MM-DD") }
        let people = try SamplePerson.load(registry: registry)
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: truth, withIntermediateDirectories: true)
        var gen = ScanGenerator(seed: seed, asOf: day, people: people)
        gen.absentEvery = absentEvery
        gen.fraudEvery = fraudEvery
        gen.deceased = try SamplePerson.load(registry: registry, deceased: true)
        for i in 0..<count {
            let scan = try gen.make(index: i)
            let base = (output as NSString).appendingPathComponent(scan.fileName)
            _ = FileManager.default.createFile(atPath: base, contents: Data(scan.bytes))
            let json = try JSONSerialization.data(withJSONObject: scan.truth, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
            _ = FileManager.default.createFile(atPath: (truth as NSString).appendingPathComponent(scan.fileName + ".json"), contents: json)
        }
        print("wrote \(count) scans to \(output) and their ground truth to \(truth)")
    }
}

/// A registry row the certificates are made out for.
struct SamplePerson: Sendable {
    let ssn, name, nameLatin, sex, birth, idType, idNumber, residence: String
    var diedOn: String = ""

    /// The living (not terminated) recipients, or with `deceased` those with a recorded death.
    static func load(registry path: String, deceased: Bool = false) throws -> [SamplePerson] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return text.split(separator: "\n").dropFirst().compactMap { line in
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard f.count >= 14 else { return nil }
            let died = f.count > 14 ? f[14] : ""
            guard deceased ? !died.isEmpty : f[8] != "TERMINATED" else { return nil }
            return SamplePerson(ssn: f[0], name: f[1], nameLatin: f[2], sex: f[3], birth: f[4], idType: f[5],
                                idNumber: f[6], residence: f[10], diedOn: died)
        }
    }
}

struct GeneratedScan {
    let fileName: String
    let bytes: [UInt8]
    let truth: [String: Any]
}

struct ScanGenerator {
    var rng: SeededRandom
    let asOf: LocalDate
    let people: [SamplePerson]
    var absentEvery = 0
    var fraudEvery = 0
    var deceased: [SamplePerson] = []
    /// Planted fraud cases per kind so far: each scan gets the fitting kind planted least so far.
    var planted: [String: Int] = [:]
    /// The last certificate number printed on each form (a reused number repeats one).
    var lastCertificateNo: [String: (number: String, truth: String)] = [:]

    init(seed: UInt64, asOf: LocalDate, people: [SamplePerson]) {
        rng = SeededRandom(seed: seed)
        self.asOf = asOf
        self.people = people
    }

    mutating func pick<T>(_ a: [T]) -> T { a[Int(rng.next() % UInt64(a.count))] }
    mutating func digits(_ n: Int) -> String { (0..<n).map { _ in String(rng.next() % 10) }.joined() }

    static let countries: [String: (String, String, String)] = [  // code: zh, en, mission
        "CA": ("加拿大", "Canada", "中华人民共和国驻多伦多总领事馆"), "US": ("美国", "United States", "中华人民共和国驻旧金山总领事馆"),
        "AU": ("澳大利亚", "Australia", "中华人民共和国驻悉尼总领事馆"), "GB": ("英国", "United Kingdom", "中华人民共和国驻英国大使馆"),
        "NZ": ("新西兰", "New Zealand", "中华人民共和国驻新西兰大使馆"), "SG": ("新加坡", "Singapore", "中华人民共和国驻新加坡大使馆"),
        "MY": ("马来西亚", "Malaysia", "中华人民共和国驻马来西亚大使馆"), "TH": ("泰国", "Thailand", "中华人民共和国驻泰国大使馆"),
        "JP": ("日本", "Japan", "中华人民共和国驻大阪总领事馆"), "DE": ("德国", "Germany", "中华人民共和国驻德国大使馆"),
        "FR": ("法国", "France", "中华人民共和国驻法国大使馆"), "NL": ("荷兰", "Netherlands", "中华人民共和国驻荷兰大使馆"),
    ]

    /// Which people fit which layout.
    func candidates(for layout: CertificateLayout) -> [SamplePerson] {
        switch layout.form {
        case "hk-ftu", "hk-had", "hk-attesting": return people.filter { $0.idType == "HK_ID" }
        case "macao-iam", "macao-faom", "macao-fss": return people.filter { $0.idType == "MO_ID" }
        case "taiwan-notary": return people.filter { $0.idType == "TW_ID" }
        case "foreign-notary": return people.filter { $0.idType == "CN_PASSPORT" && !$0.nameLatin.isEmpty }
        default: return people.filter { $0.idType == "CN_RIC" && Self.countries[$0.residence] != nil }
        }
    }

    mutating func make(index: Int) throws -> GeneratedScan {
        let layouts = CertificateLayout.all
        let layout = layouts[index % layouts.count]
        var person = pick(candidates(for: layout).isEmpty ? people : candidates(for: layout))
        let damaged = (index / layouts.count) % 2 == 1 || index % 2 == 1
        var appeared = asOf.adding(days: -Int(rng.next() % 90))!
        var issued = appeared.adding(days: Int(rng.next() % 3))!
        if layout.form == "hk-had" { issued = appeared }
        if layout.form == "consular-2007" || layout.form == "consular-survival" {
            // Old forms still turn up; keep their dates inside the years they were used? No: the
            // samples show today's dates, so the form-date check has something to flag.
        }
        if layout.form == "consular-2015", rng.next() % 3 == 0 { person = SamplePerson(ssn: person.ssn, name: person.name, nameLatin: "", sex: person.sex, birth: person.birth, idType: person.idType, idNumber: person.idNumber, residence: person.residence) }
        // Matching scenarios (issue 4): holders absent from the registry, and planted fraud. They use
        // their own random stream, so the other scans of a seed stay as they were.
        var absent = false
        var fraud: String?
        var fieldsOverride: [String: String] = [:]
        if layout.form != nil, absentEvery > 0, index % absentEvery == absentEvery - 1 {
            person = Self.stranger(like: person, index: index)
            absent = true
        } else if layout.form != nil, fraudEvery > 0, index % fraudEvery == fraudEvery / 2 {
            let kinds = ["certificate_number_reused", "appeared_after_death", "appeared_in_future", "certificate_too_old",
                         "issuer_not_recognised", "id_birth_date_mismatch"]
            let consular = ["consular-2015", "consular-2007", "consular-survival"].contains(layout.form!)
            for kind in kinds.sorted(by: { (planted[$0] ?? 0, kinds.firstIndex(of: $0)!) < (planted[$1] ?? 0, kinds.firstIndex(of: $1)!) }) {
                switch kind {
                case "certificate_number_reused":
                    guard layout.lines.contains(where: { $0.text.contains("{cert_no}") }), let last = lastCertificateNo[layout.form!] else { continue }
                    fieldsOverride["cert_no"] = last.number
                    fieldsOverride["cert_no_truth"] = last.truth
                case "appeared_after_death":
                    let fits = deceased.filter { d in candidates(for: layout).contains { $0.idType == d.idType } && LocalDate(iso: d.diedOn)! < appeared }
                    guard let d = fits.first(where: { _ in true }).map({ _ in fits[(index * 7) % fits.count] }) else { continue }
                    person = d
                case "appeared_in_future": fieldsOverride["appeared"] = asOf.adding(days: 10 + index % 20)!.description
                case "certificate_too_old": fieldsOverride["appeared"] = asOf.adding(days: -(250 + index % 100))!.description
                case "issuer_not_recognised":
                    guard consular else { continue }
                    fieldsOverride["issuer"] = "中华人民共和国驻亚特兰蒂斯大使馆"
                case "id_birth_date_mismatch":
                    guard consular, person.idType == "CN_RIC", layout.idTypes.contains(.mainlandResidentID) else { continue }
                    let b = LocalDate(iso: person.birth)!
                    fieldsOverride["birth"] = LocalDate(year: b.year + 3, month: b.month, day: b.day)!.description
                default: break
                }
                fraud = kind
                planted[kind, default: 0] += 1
                break
            }
        }
        if let a = fieldsOverride["appeared"] {
            appeared = LocalDate(iso: a)!
            issued = layout.form == "hk-had" ? appeared : appeared.adding(days: 1)!
        }
        let printedBirth = fieldsOverride["birth"]
        let traditional = ["hk", "macao", "taiwan"].contains(layout.kind) && layout.form != "macao-fss"
        let printedName = traditional ? Traditional.convert(person.name) : person.name
        var vars = variables(person: person, appeared: appeared, issued: issued, layout: layout)
        vars["name"] = printedName
        if let b = printedBirth.flatMap(LocalDate.init(iso:)) {
            // The printed birth date differs from the one the resident ID encodes.
            let other = SamplePerson(ssn: person.ssn, name: person.name, nameLatin: person.nameLatin, sex: person.sex, birth: b.description,
                                     idType: "FOREIGN_PASSPORT", idNumber: "", residence: person.residence)
            let v2 = variables(person: other, appeared: appeared, issued: issued, layout: layout)
            for k in ["birth_zh", "birth_en", "birth_pt", "birth_numeral", "birth_minguo"] { vars[k] = v2[k] }
        }
        for k in ["cert_no", "cert_no_truth", "issuer"] { if let v = fieldsOverride[k] { vars[k] = v } }
        if k_issuerMission(layout), let i = fieldsOverride["issuer"] {
            vars["mission_zh"] = i
            if layout.form == "consular-survival" { vars["country_zh"] = "亚特兰蒂斯" }
        }
        if layout.lines.contains(where: { $0.text.contains("{cert_no}") }), let no = vars["cert_no"], let t = vars["cert_no_truth"] {
            lastCertificateNo[layout.form ?? ""] = (no, t)
        }
        let formats = ["pdf", "png", "jpg", "tif"]
        let format = formats[(index / 2) % formats.count]
        // Sheet-fed scanners write bilevel PNG/TIFF at 240–300 DPI; flatbeds grey or colour JPEG/PDF at 200–300.
        let bilevel = damaged && (format == "png" || format == "tif")
        let dpi = damaged ? (bilevel ? pick([240, 300]) : pick([200, 240, 300])) : 300
        var lines = layout.lines.map { line -> CertificateLayout.Line in
            var l = line
            l.text = fill(l.text, vars)
            return l
        }
        if person.nameLatin.isEmpty { lines.removeAll { $0.text.hasPrefix("外文姓名：") } }
        let seal = layout.seal.map { fill($0, vars) }
        let rendered = try Renderer.render(lines: lines, font: layout.font, seal: seal, dpi: dpi,
                                           traditional: ["hk", "macao", "taiwan"].contains(layout.kind))
        var image = rendered
        if damaged { image = Damage.apply(rendered, rng: &rng, dpi: dpi) }
        // Flatbed scans of sealed certificates are usually in colour (PDF, JPEG); one in four of
        // those is grey, where the seal stays as dark as the text it covers.
        let keepColour = (format == "jpg" || format == "pdf") && index % 4 != 0
        var pages = [image]
        var coverLetter = false
        if layout.form != nil && index % 7 == 3 && (format == "pdf" || format == "tif") {
            // A cover letter first, in the same file: one case, the letter attached.
            let letter = CertificateLayout.all.first { $0.form == nil }!
            let letterLines = letter.lines.map { l -> CertificateLayout.Line in var x = l; x.text = fill(x.text, vars); return x }
            pages.insert(try Renderer.render(lines: letterLines, font: .sans, seal: nil, dpi: dpi, traditional: false), at: 0)
            coverLetter = true
        }
        let bytes = try Encoder.encode(pages, format: format, colour: keepColour, dpi: dpi, quality: damaged ? 55 : 85,
                                       bilevel: bilevel)
        for p in pages { var x: UnsafeMutablePointer<PIX>? = p; pixDestroy(&x) }
        if image != rendered { var x: UnsafeMutablePointer<PIX>? = rendered; pixDestroy(&x) }
        let name = String(format: "scan-%03d-%@.%@", index + 1, layout.form ?? "none", format)
        var truth: [String: Any] = [
            "file": name, "pages": pages.count, "kind": layout.kind, "form": layout.form as Any? ?? NSNull(),
            "damaged": damaged, "dpi": dpi, "cover_letter": coverLetter,
        ]
        if layout.form != nil {
            var fields: [String: Any] = [:]
            let shows = layout.shows
            // The registry's (simplified) name: lifecert reports names folded to simplified characters.
            fields["name"] = shows.contains("name") ? person.name : NSNull()
            fields["name_latin"] = shows.contains("name_latin") && !person.nameLatin.isEmpty ? person.nameLatin : NSNull()
            fields["sex"] = person.sex
            fields["birth_date"] = printedBirth ?? person.birth
            fields["appeared_on"] = appeared.description
            fields["issued_on"] = shows.contains("issued_on") ? issued.description : NSNull()
            fields["issuer"] = vars["issuer"] ?? ""
            fields["certificate_no"] = shows.contains("certificate_no") ? (vars["cert_no_truth"] ?? NSNull()) : NSNull()
            var ids: [[String: String]] = []
            for t in layout.idTypes {
                switch t {
                case .mainlandResidentID: ids.append(["type": t.rawValue, "number": person.idNumber])
                case .hongKongID, .macaoID, .taiwanID: ids.append(["type": t.rawValue, "number": IdentityNumbers.normalize(person.idNumber)])
                case .chinesePassport: ids.append(["type": t.rawValue, "number": vars["passport"]!])
                case .homeReturnPermit: ids.append(["type": t.rawValue, "number": vars["permit"]!])
                default: break
                }
            }
            fields["ids"] = ids
            truth["fields"] = fields
            truth["ssn"] = absent ? NSNull() : person.ssn
            if let fraud { truth["fraud"] = fraud }
        }
        return GeneratedScan(fileName: name, bytes: bytes, truth: truth)
    }

    /// Whether the layout prints the mission's name (which a planted unknown issuer replaces).
    func k_issuerMission(_ layout: CertificateLayout) -> Bool {
        ["consular-2015", "consular-2007", "consular-survival"].contains(layout.form ?? "")
    }

    /// Someone who is not in the registry, for the same layout: another name, birth date and numbers.
    static func stranger(like p: SamplePerson, index: Int) -> SamplePerson {
        var r = SeededRandom(seed: UInt64(0xAB5E47 + index))
        let surnames = ["欧阳", "司马", "上官", "诸葛", "慕容"], given = ["修", "光", "婉儿", "亮", "复"]
        let latinSurnames = ["OUYANG", "SIMA", "SHANGGUAN", "ZHUGE", "MURONG"], latinGiven = ["Xiu", "Guang", "Wan'er", "Liang", "Fu"]
        let i = Int(r.next() % 5), j = Int(r.next() % 5)
        let birth = LocalDate(year: 1931 + Int(r.next() % 30), month: 1 + Int(r.next() % 12), day: 1 + Int(r.next() % 28))!
        var id = p.idNumber
        switch p.idType {
        case "CN_RIC":
            id = RegistryGenerator.residentID(region: "440106", birth: birth, sex: p.sex == "M" ? .male : .female, seq: Int(r.next() % 500))
        case "HK_ID":
            let body = "Z" + String(format: "%06d", Int(r.next() % 1_000_000))
            id = body + String(IdentityNumbers.hongKongCheckCharacter(body)!)
        case "MO_ID": id = "5" + String(format: "%07d", Int(r.next() % 10_000_000))
        case "TW_ID":
            let body = "F" + (p.sex == "M" ? "1" : "2") + String(format: "%07d", Int(r.next() % 10_000_000))
            id = body + String(IdentityNumbers.taiwanCheckDigit(body)!)
        default: id = "EK" + String(format: "%07d", Int(r.next() % 10_000_000))
        }
        return SamplePerson(ssn: "", name: surnames[i] + given[j], nameLatin: p.nameLatin.isEmpty ? "" : "\(latinSurnames[i]) \(latinGiven[j])",
                            sex: p.sex, birth: birth.description, idType: p.idType, idNumber: id, residence: p.residence)
    }

    mutating func variables(person p: SamplePerson, appeared: LocalDate, issued: LocalDate, layout: CertificateLayout) -> [String: String] {
        let birth = LocalDate(iso: p.birth)!
        let country = Self.countries[p.residence] ?? ("加拿大", "Canada", "中华人民共和国驻多伦多总领事馆")
        var v: [String: String] = [:]
        v["name"] = p.name
        v["name_latin"] = p.nameLatin.isEmpty ? p.name : p.nameLatin
        v["sex_zh"] = p.sex == "M" ? "男" : "女"
        v["sex_zh_tra"] = v["sex_zh"]
        v["sex_en"] = p.sex == "M" ? "Male" : "Female"
        v["birth_zh"] = DateText.zh(birth)
        v["birth_en"] = DateText.en(birth, style: Int(rng.next() % 3))
        v["birth_pt"] = DateText.pt(birth)
        v["birth_numeral"] = DateText.numeral(birth, zero: "〇")
        v["birth_minguo"] = DateText.minguo(birth)
        v["appeared_zh"] = DateText.zh(appeared)
        v["appeared_zero"] = DateText.numeral(appeared, zero: pick(["〇", "零"]))
        v["appeared_numeral"] = DateText.numeral(appeared, zero: "〇")
        v["appeared_en"] = DateText.en(appeared, style: Int(rng.next() % 3))
        v["appeared_en_ord"] = DateText.ordinal(appeared)
        v["appeared_pt"] = DateText.pt(appeared)
        v["appeared_minguo"] = DateText.minguo(appeared)
        v["issued_zh"] = DateText.zh(issued)
        v["issued_zero"] = DateText.numeral(issued, zero: "零")
        v["issued_numeral"] = DateText.numeral(issued, zero: "〇")
        v["issued_en"] = DateText.en(issued, style: Int(rng.next() % 3))
        v["issued_minguo"] = DateText.minguo(issued)
        v["issued_minguo_bare"] = String(DateText.minguo(issued).dropFirst(2))
        v["minguo_year"] = String(issued.year - 1911)
        v["cn_ric"] = p.idType == "CN_RIC" ? p.idNumber : RegistryGenerator.residentID(region: "440103", birth: birth, sex: p.sex == "M" ? .male : .female, seq: 7)
        v["hkid"] = p.idType == "HK_ID" ? IdentityNumbers.check(p.idNumber, as: .hongKongID).display : "A123456(3)"
        v["moid"] = p.idType == "MO_ID" ? IdentityNumbers.check(p.idNumber, as: .macaoID).display : "1234567(8)"
        v["twid"] = p.idNumber
        v["passport"] = p.idType == "CN_PASSPORT" ? p.idNumber : "E" + pick(["A", "B", "C", "D", "F", "G", "H", "J", "K"]) + digits(7)
        v["permit"] = (p.idType == "MO_ID" ? "M" : "H") + digits(8)
        v["country_zh"] = country.0
        v["country_en"] = country.1
        v["mission_zh"] = country.2
        v["address"] = "\(1 + rng.next() % 300) \(pick(["Maple", "King", "Queen", "Oak", "Elm"])) Street"
        let seq = digits(6)
        v["cert_no"] = "(\(issued.year))\(String(country.0.prefix(1)))领审字第\(seq)号"
        v["cert_no_short"] = "\(issued.year)"
        v["cert_seq"] = seq
        v["cert_court"] = "北院民公"
        switch layout.form {
        case "hk-ftu": v["cert_no"] = "FTU-\(issued.year)-\(seq)"
        case "hk-attesting": v["cert_no"] = "\(issued.year)港證字第\(seq)號"
        case "macao-iam": v["cert_no"] = "IAM/\(issued.year)/\(seq)"
        case "foreign-notary": v["cert_no"] = "N-\(seq)"
        default: break
        }
        v["cert_no_truth"] = layout.form == "taiwan-notary" ? "\(issued.year - 1911)年度北院民公字第\(seq)號" : v["cert_no"]
        switch layout.form {
        case "consular-2015", "consular-2007": v["issuer"] = country.2
        case "consular-survival": v["issuer"] = "中华人民共和国驻\(country.0)大使馆"
        case "hk-ftu": v["issuer"] = "香港工會聯合會"
        case "hk-had": v["issuer"] = "民政事務總署"
        case "hk-attesting": v["issuer"] = "中國委託公證人"
        case "macao-iam": v["issuer"] = "市政署"
        case "macao-faom": v["issuer"] = "澳門工會聯合總會"
        case "macao-fss": v["issuer"] = "社会保障基金"
        case "taiwan-notary": v["issuer"] = "臺灣臺北地方法院所屬民間公證人"
        case "foreign-notary": v["issuer"] = "Notary Public, \(country.1)"
        default: break
        }
        return v
    }

    func fill(_ text: String, _ v: [String: String]) -> String {
        var out = text
        for (k, value) in v { out = out.replacingOccurrences(of: "{\(k)}", with: value) }
        return out
    }
}

/// The date forms certificates use (SPEC.md "Certificates that arrive").
enum DateText {
    static let digitsZh = ["〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"]
    static let monthsEn = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
    static let monthsPt = ["Janeiro", "Fevereiro", "Março", "Abril", "Maio", "Junho", "Julho", "Agosto", "Setembro", "Outubro", "Novembro", "Dezembro"]

    static func zh(_ d: LocalDate) -> String { "\(d.year)年\(d.month)月\(d.day)日" }
    static func minguo(_ d: LocalDate) -> String { "民國\(d.year - 1911)年\(d.month)月\(d.day)日" }
    static func pt(_ d: LocalDate) -> String { "\(d.day) de \(monthsPt[d.month - 1]) de \(d.year)" }
    static func en(_ d: LocalDate, style: Int) -> String {
        switch style {
        case 0: return "\(d.day) \(monthsEn[d.month - 1]) \(d.year)"
        case 1: return "\(monthsEn[d.month - 1]) \(d.day), \(d.year)"
        default: return "\(d.day < 10 ? "0" : "")\(d.day) \(monthsEn[d.month - 1].prefix(3).uppercased()) \(d.year)"
        }
    }
    static func ordinal(_ d: LocalDate) -> String {
        let suffix = (11...13).contains(d.day % 100) ? "th" : [1: "st", 2: "nd", 3: "rd"][d.day % 10] ?? "th"
        return "\(d.day)\(suffix) day of \(monthsEn[d.month - 1]) \(d.year)"
    }
    static func small(_ n: Int) -> String {
        let units = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"]
        if n < 10 { return units[n] }
        if n == 10 { return "十" }
        if n < 20 { return "十" + units[n - 10] }
        return units[n / 10] + "十" + units[n % 10]
    }
    static func numeral(_ d: LocalDate, zero: String) -> String {
        let y = String(d.year).map { c -> String in c == "0" ? zero : digitsZh[Int(String(c))!] }.joined()
        return "\(y)年\(small(d.month))月\(small(d.day))日"
    }
}

/// Traditional forms of the simplified characters the generator's names use: Hong Kong, Macao and
/// Taiwan documents print names in traditional characters (陈大文 → 陳大文).
enum Traditional {
    static let map: [Character: Character] = [
        "陈": "陳", "张": "張", "黄": "黃", "吴": "吳", "杨": "楊", "郑": "鄭", "刘": "劉", "谢": "謝", "罗": "羅",
        "麦": "麥", "冯": "馮", "邓": "鄧", "许": "許", "伟": "偉", "静": "靜", "丽": "麗", "强": "強", "军": "軍",
        "艳": "艷", "杰": "傑", "涛": "濤", "华": "華", "辉": "輝", "国": "國", "荣": "榮", "兰": "蘭",
    ]
    static func convert(_ s: String) -> String { String(s.map { map[$0] ?? $0 }) }
}
