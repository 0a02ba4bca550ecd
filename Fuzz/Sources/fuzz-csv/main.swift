import FuzzSupport
import LifecertInterchange

// The streaming CSV reader with encoding detection (Sources/LifecertInterchange/CSVReader.swift).
// The first byte chooses the options (encoding forced or detected, a small or the default record
// limit); the rest is the file. Invariants: every record is numbered by a line of the file, in
// increasing order; no field holds a NUL; no field is longer than the limit; and the records read
// back unchanged when written out again as quoted UTF-8 CSV.

let input = ScratchFile(suffix: ".csv")
let output = ScratchFile(suffix: "-again.csv")

func quoted(_ records: [[String]]) -> [UInt8] {
    var out: [UInt8] = []
    for fields in records {
        for (i, f) in fields.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "\""))
            for b in f.utf8 {
                out.append(b)
                if b == UInt8(ascii: "\"") { out.append(b) }
            }
            out.append(UInt8(ascii: "\""))
        }
        out.append(UInt8(ascii: "\n"))
    }
    return out
}

func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let all = bytes(data, size)
    guard let options = all.first else { return 0 }
    let file = Array(all.dropFirst())
    let encoding: TextEncoding? = [nil, .utf8, .gb18030][Int(options & 3) % 3]
    let limit = options & 4 != 0 ? 1 << 20 : 16 + Int(options >> 3)
    input.write(file)
    let reader: CSVReader
    do { reader = try CSVReader(path: input.path, encoding: encoding, maxRecordBytes: limit) } catch { return 0 }
    // Physical lines in the file: every \n, \r\n or lone \r ends one.
    var lines = 1
    var i = 0
    while i < file.count {
        if file[i] == 0x0A { lines += 1 } else if file[i] == 0x0D { lines += 1; if i + 1 < file.count, file[i + 1] == 0x0A { i += 1 } }
        i += 1
    }
    var last = 0
    var records: [[String]] = []
    var count = 0
    while let row = reader.next() {
        count += 1
        require(count <= file.count + 1, "more rows than bytes")
        require(row.line > last && row.line <= lines, "row line \(row.line) after \(last), file has \(lines) lines")
        last = row.line
        if case .record(_, let fields) = row {
            require(!fields.isEmpty, "a record with no fields")
            for f in fields {
                require(!f.utf8.contains(0), "a field holds a NUL")
                require(f.utf8.count <= limit * 2 + 8, "a field of \(f.utf8.count) bytes passed a limit of \(limit)")
            }
            records.append(fields)
        }
    }
    require(reader.ioError == nil, "I/O error \(String(describing: reader.ioError))")
    // Round trip: the records, written out again quoted, read back the same.
    output.write(quoted(records))
    guard let again = try? CSVReader(path: output.path) else { require(false, "cannot reopen"); return 0 }
    var k = 0
    while let row = again.next() {
        guard case .record(_, let fields) = row else { require(false, "round trip gave a bad row: \(row)"); break }
        require(k < records.count, "round trip gave more records")
        require(fields.map { Array($0.utf8) } == records[k].map { Array($0.utf8) },
                "round trip changed record \(k): \(records[k]) → \(fields)")
        k += 1
    }
    require(k == records.count, "round trip lost records: \(records.count) → \(k)")
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func LLVMFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt { fuzzOne(data, size) }

runFuzzer { fuzzOne($0, $1) }
