import Foundation
import LifecertDomain

/// One certification sent in a consular-channel batch file (SPEC.md "Consular-channel batch file"),
/// checked.
///
/// Contract: every value is trimmed and validated; `idNumber` is the normalised key form and passed
/// its check (a row whose number fails is rejected, never corrected); `appearedOn` is the date part of
/// `certified_at` as written (the mission's local date). ``canonical`` is the row's content in a fixed
/// form, so the same certification sent twice, in CSV or JSON, with other spacing or column order,
/// is recognised as the same.
public struct BatchRow: Sendable, Equatable {
    public let line: Int
    public let batchID: String
    public let recordID: String
    public let channel: CertificationChannel
    public let mission: String
    public let name: String
    public let sex: Sex
    public let birthDate: LocalDate
    public let idType: IdentityType
    public let idNumber: String
    public let passportNumber: String?
    public let certifiedAt: String
    public let appearedOn: LocalDate
    public let certificateNo: String?

    /// The content that decides whether a second row with the same key is the same certification.
    public var canonical: String {
        [batchID, recordID, channel.rawValue, mission, name, sex.rawValue, birthDate.description, idType.rawValue, idNumber,
         passportNumber ?? "", certifiedAt, certificateNo ?? ""].joined(separator: "\u{1F}")
    }
}

/// A line of a batch file: a good row, or one refused with its reasons (and its key when readable).
public enum BatchItem: Sendable, Equatable {
    case row(BatchRow)
    case rejected(line: Int, batchID: String?, recordID: String?, reasons: [String])

    public var line: Int {
        switch self {
        case .row(let r): return r.line
        case .rejected(let l, _, _, _): return l
        }
    }
}

/// Why a batch file cannot be read at all.
public enum BatchFileError: Error, Equatable, CustomStringConvertible {
    case cannotOpen(path: String, reason: String)
    case empty(path: String)
    case missingColumns(path: String, missing: [String])
    case unreadableHeader(path: String, reason: String)

    public var description: String {
        switch self {
        case .cannotOpen(let p, let r): return "cannot open \(p): \(r)"
        case .empty(let p): return "\(p) is empty: a batch file needs a header row (CSV) or one JSON object per line"
        case .missingColumns(let p, let m):
            return "\(p), line 1: the header lacks the column(s) \(m.joined(separator: ", ")). The format is in SPEC.md (\"Consular-channel batch file\"); the header must name at least: \(ConsularBatchFile.requiredFields.joined(separator: ","))"
        case .unreadableHeader(let p, let r): return "\(p), line 1: the header row cannot be read: \(r)"
        }
    }
}

/// Reads a consular-channel batch file — CSV (UTF-8 or GB18030/GBK, decided as it goes) or JSON
/// Lines (UTF-8) — one checked row at a time.
///
/// Contract: the format is JSON Lines when the first non-blank byte is `{`, else CSV. The CSV header
/// is read on creation (throws ``BatchFileError`` when it lacks a required column). Afterwards every
/// line comes out exactly once as `.row` or `.rejected`, in order, never thrown; a line longer than
/// `maxLineBytes` is rejected without being held in memory. Extra columns or keys are ignored.
/// Duplicate keys are *not* decided here: the store knows every key ever imported.
public final class ConsularBatchFile: Sequence, IteratorProtocol {
    public static let requiredFields = ["batch_id", "record_id", "channel", "mission", "name", "sex", "birth_date",
                                        "id_type", "id_number", "certified_at"]
    public static let optionalFields = ["passport_number", "certificate_no"]

    public enum Format: String, Sendable { case csv, jsonLines = "jsonl" }

    public let path: String
    public let format: Format
    public let today: LocalDate
    private var csv: CSVReader?
    private var columnIndex: [String: Int] = [:]
    private var columnCount = 0
    private var lines: LineReader?

    /// The encoding of a CSV file as far as it is known (nil: only ASCII so far; JSON Lines: UTF-8).
    public var encoding: String? { format == .csv ? csv?.encoding?.rawValue : "UTF-8" }

    /// - Parameter today: appearances and births after this day are refused.
    public init(path: String, today: LocalDate, maxLineBytes: Int = 1 << 20) throws {
        self.path = path
        self.today = today
        guard let probe = FileHandle(forReadingAtPath: path) else {
            throw BatchFileError.cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
        let head = probe.readData(ofLength: 4096)
        try? probe.close()
        let firstByte = head.drop { [0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF].contains($0) }.first
        guard firstByte != nil else { throw BatchFileError.empty(path: path) }
        if firstByte == UInt8(ascii: "{") {
            format = .jsonLines
            lines = try LineReader(path: path, maxLineBytes: maxLineBytes)
        } else {
            format = .csv
            let reader: CSVReader
            do { reader = try CSVReader(path: path, maxRecordBytes: maxLineBytes) } catch {
                throw BatchFileError.cannotOpen(path: path, reason: "\(error)")
            }
            guard let header = reader.next() else { throw BatchFileError.empty(path: path) }
            guard case .record(_, let names) = header else {
                if case .bad(_, let reason) = header { throw BatchFileError.unreadableHeader(path: path, reason: reason) }
                fatalError("unreachable")
            }
            for (i, raw) in names.enumerated() {
                let n = raw.trimmingWhitespace().lowercased()
                if !n.isEmpty && columnIndex[n] == nil { columnIndex[n] = i }
            }
            let missing = Self.requiredFields.filter { columnIndex[$0] == nil }
            if !missing.isEmpty { throw BatchFileError.missingColumns(path: path, missing: missing) }
            columnCount = names.count
            csv = reader
        }
    }

    public func next() -> BatchItem? {
        if let csv {
            while let row = csv.next() {
                switch row {
                case .bad(let line, let reason):
                    return .rejected(line: line, batchID: nil, recordID: nil, reasons: [reason])
                case .record(let line, let fields):
                    if fields.count == 1 && fields[0].trimmingWhitespace().isEmpty { continue }
                    guard fields.count == columnCount else {
                        return .rejected(line: line, batchID: nil, recordID: nil,
                                         reasons: ["has \(fields.count) fields but the header has \(columnCount); a comma inside a value needs quotes"])
                    }
                    return check(line: line) { column in columnIndex[column].map { fields[$0] } }
                }
            }
            return nil
        }
        guard let lines else { return nil }
        while let (line, result) = lines.next() {
            switch result {
            case .failure(let reason):
                return .rejected(line: line, batchID: nil, recordID: nil, reasons: [reason])
            case .success(let bytes):
                if bytes.allSatisfy({ [0x20, 0x09, 0x0D].contains($0) }) { continue }
                guard let text = String(validating: bytes, as: UTF8.self) else {
                    return .rejected(line: line, batchID: nil, recordID: nil, reasons: ["is not UTF-8 (JSON Lines must be UTF-8; GBK is accepted in CSV files only)"])
                }
                guard let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] else {
                    return .rejected(line: line, batchID: nil, recordID: nil, reasons: ["is not a JSON object"])
                }
                return check(line: line) { key in
                    switch object[key] {
                    case let s as String: return s
                    case let n as NSNumber: return n.stringValue
                    case nil, is NSNull: return nil
                    default: return "\u{0}"  // an array or object where a value belongs: refused below
                    }
                }
            }
        }
        return nil
    }

    private func check(line: Int, value raw: (String) -> String?) -> BatchItem {
        var reasons: [String] = []
        func value(_ key: String) -> String { (raw(key) ?? "").trimmingWhitespace() }
        func required(_ key: String) -> String? {
            let v = value(key)
            if v.isEmpty { reasons.append("\(key) is empty"); return nil }
            if v.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
                reasons.append("\(key) contains control characters"); return nil
            }
            if v.utf8.count > 200 { reasons.append("\(key) is longer than 200 bytes"); return nil }
            return v
        }
        let batchID = required("batch_id"), recordID = required("record_id")
        var channel: CertificationChannel?
        if let c = required("channel") {
            channel = CertificationChannel(rawValue: c.uppercased()).flatMap { [.consularApp, .consulateCertificate].contains($0) ? $0 : nil }
            if channel == nil { reasons.append("channel '\(c.prefix(40))' is not CONSULATE_CERT or CONSULAR_APP") }
        }
        let mission = required("mission"), name = required("name")
        var sex: Sex?
        if let s = required("sex") {
            sex = Sex(rawValue: s.uppercased())
            if sex == nil { reasons.append("sex '\(s.prefix(40))' must be M or F") }
        }
        var birth: LocalDate?
        if let b = required("birth_date") {
            birth = LocalDate(iso: b)
            if birth == nil { reasons.append("birth_date '\(b.prefix(40))' is not a real date in the form YYYY-MM-DD") }
            else if birth! > today { reasons.append("birth_date \(b) is in the future") }
        }
        var idType: IdentityType?
        if let t = required("id_type") {
            idType = IdentityType(rawValue: t.uppercased())
            if idType == nil { reasons.append("id_type '\(t.prefix(40))' is not one of \(IdentityType.allCases.map(\.rawValue).joined(separator: ", "))") }
        }
        var idKey: String?
        if let n = required("id_number"), let idType {
            let check = IdentityNumbers.check(n, as: idType, today: today)
            if check.isValid {
                idKey = check.key
                if let encoded = check.facts.birthDate, let birth, encoded != birth {
                    reasons.append("identity information does not match: id_number encodes birth date \(encoded) but birth_date is \(birth) (当前人员信息与社保系统信息不匹配)")
                }
            } else {
                reasons.append("id_number: " + check.summary)
            }
        }
        var appeared: LocalDate?
        var certifiedAt: String?
        if let at = required("certified_at") {
            if let d = Self.dateOfTimestamp(at) {
                appeared = d
                certifiedAt = at
                if d > today { reasons.append("certified_at \(at) is in the future") }
            } else {
                reasons.append("certified_at '\(at.prefix(40))' is not an ISO 8601 date-time (YYYY-MM-DDTHH:MM[:SS][zone])")
            }
        }
        let passport = value("passport_number"), certificateNo = value("certificate_no")
        if passport.utf8.count > 200 || certificateNo.utf8.count > 200 { reasons.append("passport_number or certificate_no is longer than 200 bytes") }
        // The optional values get the required ones' control-character check too: it is also what
        // refuses a JSON array or object given as one (read as "\u{0}" above).
        for (key, v) in [("passport_number", passport), ("certificate_no", certificateNo)]
        where v.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            reasons.append("\(key) contains control characters or is not a single value")
        }
        guard reasons.isEmpty, let batchID, let recordID, let channel, let mission, let name, let sex, let birth, let idType,
              let idKey, let certifiedAt, let appeared else {
            return .rejected(line: line, batchID: batchID, recordID: recordID, reasons: reasons.isEmpty ? ["the row is incomplete"] : reasons)
        }
        return .row(BatchRow(line: line, batchID: batchID, recordID: recordID, channel: channel, mission: mission, name: name, sex: sex,
                             birthDate: birth, idType: idType, idNumber: idKey, passportNumber: passport.isEmpty ? nil : passport,
                             certifiedAt: certifiedAt, appearedOn: appeared, certificateNo: certificateNo.isEmpty ? nil : certificateNo))
    }

    /// The calendar date of an ISO 8601 date-time as written (`2026-10-28T09:30:00+01:00` → 2026-10-28;
    /// a space instead of `T` is accepted; a bare date is not: the time of the check is part of the record).
    static func dateOfTimestamp(_ s: String) -> LocalDate? {
        let chars = Array(s.utf8)
        guard chars.count >= 16, chars[10] == UInt8(ascii: "T") || chars[10] == UInt8(ascii: " "),
              let d = LocalDate(iso: String(decoding: chars[0..<10], as: UTF8.self)) else { return nil }
        let rest = String(decoding: chars[11...], as: UTF8.self)
        // HH:MM, optional :SS and fraction, optional zone (Z or ±HH:MM / ±HHMM).
        let pattern = #"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,9})?)?(Z|[+-]([01][0-9]|2[0-3]):?[0-5][0-9])?$"#
        guard rest.range(of: pattern, options: .regularExpression) != nil else { return nil }
        return d
    }
}

/// Reads a file line by line with a bound on a line's length (a longer line is reported, skipped to
/// its end, and never held whole in memory). Lines are numbered from 1.
final class LineReader {
    private let fd: Int32
    private var buffer = [UInt8](repeating: 0, count: 1 << 20)
    private var count = 0, position = 0, line = 0
    private var eof = false
    private let maxLineBytes: Int

    init(path: String, maxLineBytes: Int) throws {
        fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw BatchFileError.cannotOpen(path: path, reason: String(cString: strerror(errno))) }
        self.maxLineBytes = maxLineBytes
    }

    deinit { close(fd) }

    private func fill() -> Bool {
        if position > 0 {
            buffer.withUnsafeMutableBufferPointer { b in
                _ = memmove(b.baseAddress!, b.baseAddress! + position, count - position)
            }
            count -= position
            position = 0
        }
        guard !eof, count < buffer.count else { return false }
        let n = buffer.withUnsafeMutableBufferPointer { b in read(fd, b.baseAddress! + count, b.count - count) }
        if n <= 0 { eof = true; return false }
        count += n
        return true
    }

    enum LineResult { case success([UInt8]), failure(String) }

    func next() -> (Int, LineResult)? {
        var tooLong = false
        var skipped = 0
        while true {
            if let nl = buffer[position..<count].firstIndex(of: 0x0A) {
                line += 1
                defer { position = nl + 1 }
                if tooLong || nl - position > maxLineBytes {
                    return (line, .failure("is \(skipped + nl - position) bytes long; a line may hold at most \(maxLineBytes) bytes"))
                }
                var bytes = Array(buffer[position..<nl])
                if line == 1, bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
                if bytes.last == 0x0D { bytes.removeLast() }
                return (line, .success(bytes))
            }
            if count - position > maxLineBytes {
                // Too long: drop what is buffered and keep reading to the end of the line.
                tooLong = true
                skipped += count - position
                position = count
            }
            if !fill() {
                guard position < count || tooLong else { return nil }
                line += 1
                defer { position = count }
                if tooLong { return (line, .failure("is \(skipped + count - position) bytes long; a line may hold at most \(maxLineBytes) bytes")) }
                return (line, .success(Array(buffer[position..<count])))
            }
        }
    }
}
