#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One record of a CSV file, or the reason it could not be read, with the physical line it starts on.
public enum CSVRow: Sendable, Equatable {
    case record(line: Int, fields: [String])
    case bad(line: Int, reason: String)

    public var line: Int {
        switch self {
        case .record(let l, _), .bad(let l, _): return l
        }
    }
}

/// Why a CSV file cannot be read at all (as opposed to one bad row).
public enum CSVFileError: Error, Equatable, CustomStringConvertible {
    case cannotOpen(path: String, reason: String)
    case readFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case .cannotOpen(let p, let r): return "cannot open \(p): \(r)"
        case .readFailed(let p, let r): return "reading \(p) failed: \(r)"
        }
    }
}

/// A streaming RFC 4180 CSV reader that decides the file's encoding as it goes.
///
/// Written here rather than taken from CSV.swift because lifecert needs four things together that
/// the library does not give: records numbered by the *physical line* they start on (error reports
/// name lines, and quoted fields may span lines); an encoding that is only decided at the first
/// non-ASCII byte (UTF-8, or GB18030 via iconv) without reading the file twice; a bound on the size
/// of a record, so a 10 MB line is reported rather than held; and a bad row that never stops the
/// rows after it. Memory use is one read buffer and one record.
///
/// Contract: yields every record exactly once, in order; a record that cannot be decoded or is
/// too long becomes `.bad` and reading continues with the next line. A UTF-8 byte-order mark at the
/// start is skipped. Separator is `,`; fields may be quoted with `"` (a doubled quote inside).
public final class CSVReader: Sequence, IteratorProtocol {
    public let path: String
    /// The encoding in use: given, or decided at the first non-ASCII record (nil until then).
    public private(set) var encoding: TextEncoding?
    /// Largest record accepted, in bytes.
    public let maxRecordBytes: Int

    private let fd: Int32
    private var buffer = [UInt8](repeating: 0, count: 1 << 20)
    private var bufferCount = 0
    private var position = 0
    private var atEOF = false
    private var line = 1
    private var firstRead = true
    private var gbDecoder: GB18030Decoder?
    /// Set when the first non-ASCII record turned out to be UTF-8 (then GB18030 bytes are an error).
    private var sawUTF8 = false
    /// The I/O error that stopped the reader, if any.
    public private(set) var ioError: CSVFileError?
    /// The file starts like UTF-16 text (a byte-order mark, or every other byte NUL): its NUL
    /// bytes are then reported as the wrong encoding, not as damage.
    private var looksUTF16 = false

    /// Opens `path`. Pass `encoding` to force one; nil detects it.
    public init(path: String, encoding: TextEncoding? = nil, maxRecordBytes: Int = 1 << 20) throws {
        self.path = path
        self.encoding = encoding
        self.maxRecordBytes = maxRecordBytes
        fd = open(path, O_RDONLY)
        if fd < 0 {
            throw CSVFileError.cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
        var st = stat()
        if fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw CSVFileError.cannotOpen(path: path, reason: "it is a folder, not a file")
        }
        if encoding == .gb18030 { gbDecoder = GB18030Decoder() }
    }

    deinit { close(fd) }

    private func fill() -> Bool {
        if atEOF { return false }
        if position > 0 {
            buffer.withUnsafeMutableBufferPointer { b in
                let rest = bufferCount - position
                if rest > 0 { memmove(b.baseAddress!, b.baseAddress! + position, rest) }
            }
            bufferCount -= position
            position = 0
        }
        let n = buffer.withUnsafeMutableBufferPointer { b in
            read(fd, b.baseAddress! + bufferCount, b.count - bufferCount)
        }
        if n < 0 {
            ioError = .readFailed(path: path, reason: String(cString: strerror(errno)))
            atEOF = true
            return false
        }
        if n == 0 { atEOF = true; return false }
        bufferCount += n
        if firstRead {
            firstRead = false
            if bufferCount >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF {
                position = 3
                if encoding == nil { encoding = .utf8; sawUTF8 = true }
            }
            if bufferCount >= 2, (buffer[0], buffer[1]) == (0xFF, 0xFE) || (buffer[0], buffer[1]) == (0xFE, 0xFF) {
                looksUTF16 = true
            } else if bufferCount >= 4, (buffer[0] != 0 && buffer[1] == 0 && buffer[2] != 0 && buffer[3] == 0)
                        || (buffer[0] == 0 && buffer[1] != 0 && buffer[2] == 0 && buffer[3] != 0) {
                looksUTF16 = true
            }
        }
        return true
    }

    @inline(__always) private func nextByte() -> UInt8? {
        if position >= bufferCount, !fill() { return nil }
        let b = buffer[position]
        position += 1
        return b
    }

    @inline(__always) private func peekByte() -> UInt8? {
        if position >= bufferCount, !fill() { return nil }
        return buffer[position]
    }

    /// The next record, or nil at the end of the file (check ``ioError`` afterwards).
    public func next() -> CSVRow? {
        let startLine = line
        var fieldRanges: [Range<Int>] = []
        var bytes: [UInt8] = []
        bytes.reserveCapacity(256)
        var fieldStart = 0
        var inQuotes = false
        var quotedField = false
        var tooLong = false
        var nulByte = false
        var badQuote = false
        var sawAny = false

        func endField() {
            fieldRanges.append(fieldStart..<bytes.count)
            fieldStart = bytes.count
            quotedField = false
        }

        loop: while let b = nextByte() {
            sawAny = true
            if b == 0 { nulByte = true; continue }
            if inQuotes {
                if b == UInt8(ascii: "\"") {
                    if peekByte() == UInt8(ascii: "\"") {
                        position += 1
                        if !tooLong { bytes.append(b) }
                    } else {
                        inQuotes = false
                    }
                } else {
                    if b == UInt8(ascii: "\n") { line += 1 }
                    if !tooLong { bytes.append(b) }
                }
            } else {
                switch b {
                case UInt8(ascii: ","):
                    endField()
                case UInt8(ascii: "\n"):
                    line += 1
                    break loop
                case UInt8(ascii: "\r"):
                    if peekByte() == UInt8(ascii: "\n") { position += 1 }
                    line += 1
                    break loop
                case UInt8(ascii: "\""):
                    if bytes.count == fieldStart && !quotedField {
                        inQuotes = true
                        quotedField = true
                    } else {
                        badQuote = true
                        if !tooLong { bytes.append(b) }
                    }
                default:
                    if !tooLong { bytes.append(b) }
                }
            }
            if !tooLong && bytes.count > maxRecordBytes {
                tooLong = true
                bytes.removeAll(keepingCapacity: false)
                fieldRanges.removeAll()
                fieldStart = 0
            }
        }
        if !sawAny { return nil }
        if tooLong { return .bad(line: startLine, reason: "the record is longer than \(maxRecordBytes / 1024) KiB; it was skipped") }
        if inQuotes { return .bad(line: startLine, reason: "a quoted field is not closed before the end of the file") }
        if nulByte && looksUTF16 {
            return .bad(line: startLine, reason: "the file is UTF-16 text (what Excel calls \"Unicode text\"); lifecert reads UTF-8 or GBK: save it again as \"CSV UTF-8\"")
        }
        if nulByte { return .bad(line: startLine, reason: "the record contains a NUL byte (a binary file, or a damaged export)") }
        if badQuote { return .bad(line: startLine, reason: "a quote character appears inside an unquoted field; quote the whole field and double the inner quotes") }
        endField()
        var fields: [String] = []
        fields.reserveCapacity(fieldRanges.count)
        for r in fieldRanges {
            let slice = bytes[r]
            guard let s = decodeField(slice) else {
                return .bad(line: startLine, reason: encodingProblem())
            }
            fields.append(s)
        }
        // A byte-order mark at the start of a later line (two exports joined with `cat`) is not data.
        if startLine > 1, fields[0].unicodeScalars.first == "\u{FEFF}" { fields[0].unicodeScalars.removeFirst() }
        return .record(line: startLine, fields: fields)
    }

    private func encodingProblem() -> String {
        switch encoding {
        case .utf8?: return sawUTF8
            ? "the record is not valid UTF-8 although earlier lines were; the file mixes encodings — re-save it as UTF-8"
            : "the record is not valid UTF-8"
        case .gb18030?: return "the record is not valid GB18030/GBK text"
        case nil: return "the record's text encoding cannot be recognised"
        }
    }

    private func decodeField(_ slice: ArraySlice<UInt8>) -> String? {
        if slice.isASCII { return String(decoding: slice, as: UTF8.self) }
        switch encoding {
        case .utf8?:
            return decodeUTF8(slice)
        case .gb18030?:
            if gbDecoder == nil { gbDecoder = GB18030Decoder() }
            return gbDecoder!.decode(slice)
        case nil:
            if let s = decodeUTF8(slice) {
                encoding = .utf8
                sawUTF8 = true
                return s
            }
            encoding = .gb18030
            gbDecoder = GB18030Decoder()
            return gbDecoder!.decode(slice)
        }
    }
}
