import CPoppler
import Foundation

/// Measures what a PDF's streams decode to before poppler reads them, so a decompression bomb (a
/// few kilobytes that inflate to gigabytes of page description) is refused by its size instead of
/// keeping poppler busy for minutes a page.
///
/// Contract: looks at every `stream … endstream` in the file's bytes, not through the
/// cross-reference table (which may be damaged). An image's declared `/Width` × `/Height` is
/// compared with `maxImagePixels` (poppler decodes no more of an image than that). Any other
/// stream whose filters are all `/FlateDecode` is inflated, layer after layer, into nothing and
/// counted; it is refused once it passes `maxStreamBytes`. Streams with other filters, and
/// encrypted streams, are left to poppler. Returns the first stream over its limit, or nil.
enum PDFStreamCheck {
    struct Finding: Equatable {
        /// "object 4", or "a stream at byte 1234" when the object number cannot be found.
        var object: String
        var detail: String
    }

    static let otherFilters = ["/ASCIIHexDecode", "/ASCII85Decode", "/LZWDecode", "/RunLengthDecode", "/CCITTFaxDecode",
                               "/JBIG2Decode", "/DCTDecode", "/JPXDecode", "/Crypt", "/AHx", "/A85", "/LZW", "/RL", "/CCF", "/DCT"]

    static func check(_ bytes: [UInt8], maxStreamBytes: Int, maxImagePixels: Int) -> Finding? {
        bytes.withUnsafeBufferPointer { buf -> Finding? in
            guard let base = buf.baseAddress else { return nil }
            let n = buf.count
            var from = 0
            var dictFrom = 0
            while let at = find("stream", in: base, n, from: from) {
                from = at + 6
                // "endstream" is not a stream's start; a stream keyword is followed by an end of line.
                if at >= 3, base[at - 1] == UInt8(ascii: "d"), base[at - 2] == UInt8(ascii: "n"), base[at - 3] == UInt8(ascii: "e") {
                    dictFrom = from
                    continue
                }
                var dataStart = at + 6
                if dataStart < n, base[dataStart] == 13 {
                    dataStart += 1
                    if dataStart < n, base[dataStart] == 10 { dataStart += 1 }
                } else if dataStart < n, base[dataStart] == 10 {
                    dataStart += 1
                } else {
                    continue
                }
                // The stream's dictionary: from the "obj" before it (or the end of the last stream).
                let windowStart = max(dictFrom, at - 65_536)
                let dictStart = findLast("obj", in: base, from: windowStart, before: at) ?? windowStart
                let dict = String(decoding: UnsafeBufferPointer(start: base + dictStart, count: at - dictStart), as: UTF8.self)
                let dataEnd = find("endstream", in: base, n, from: dataStart) ?? n
                dictFrom = dataEnd
                from = max(from, dataEnd)
                let object = objectNumber(base, before: dictStart).map { "object \($0)" } ?? "a stream at byte \(at)"
                if dict.contains("/Image") {
                    if let w = integer(after: "/Width", in: dict), let h = integer(after: "/Height", in: dict),
                       w.multipliedReportingOverflow(by: h).overflow || w * h > maxImagePixels {
                        return Finding(object: object, detail: "an image of \(w)×\(h) pixels")
                    }
                    continue
                }
                let layers = dict.components(separatedBy: "/FlateDecode").count - 1
                guard layers > 0, layers <= 8, !otherFilters.contains(where: { dict.contains($0) }) else { continue }
                let inflated = inflatedSize(UnsafeBufferPointer(start: base + dataStart, count: max(0, dataEnd - dataStart)),
                                            layers: layers, stopAfter: maxStreamBytes)
                if inflated > maxStreamBytes {
                    return Finding(object: object, detail: "compressed data that expands to more than \(maxStreamBytes >> 20) MiB")
                }
            }
            return nil
        }
    }

    /// How many bytes `input` inflates to through `layers` zlib streams one after the other,
    /// counting at most a little past `stopAfter`. Damaged data counts what came out before it.
    static func inflatedSize(_ input: UnsafeBufferPointer<UInt8>, layers: Int, stopAfter: Int) -> Int {
        let chunk = 1 << 16
        let streams = UnsafeMutablePointer<z_stream>.allocate(capacity: layers)
        let buffers = (0..<layers).map { _ in UnsafeMutablePointer<UInt8>.allocate(capacity: chunk) }
        var ended = [Bool](repeating: false, count: layers)
        var initialised = 0
        defer {
            for i in 0..<initialised { inflateEnd(streams + i) }
            streams.deallocate()
            buffers.forEach { $0.deallocate() }
        }
        for i in 0..<layers {
            (streams + i).initialize(to: z_stream())
            guard inflateInit_(streams + i, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return 0 }
            initialised += 1
        }
        var total = 0
        // Feeds `data` into layer `level`; false once the count has passed `stopAfter`.
        func feed(_ level: Int, _ data: UnsafeMutablePointer<UInt8>?, _ count: Int) -> Bool {
            if level == layers {
                total += count
                return total <= stopAfter
            }
            if ended[level] { return true }
            let s = streams + level
            s.pointee.next_in = data
            s.pointee.avail_in = UInt32(count)
            repeat {
                s.pointee.next_out = buffers[level]
                s.pointee.avail_out = UInt32(chunk)
                let r = inflate(s, Z_NO_FLUSH)
                let produced = chunk - Int(s.pointee.avail_out)
                if produced > 0, !feed(level + 1, buffers[level], produced) { return false }
                if r == Z_STREAM_END || (r != Z_OK && r != Z_BUF_ERROR) { ended[level] = true; return true }
                if r == Z_BUF_ERROR && produced == 0 { return true }
            } while s.pointee.avail_in > 0 || s.pointee.avail_out == 0
            return true
        }
        _ = feed(0, UnsafeMutablePointer(mutating: input.baseAddress), input.count)
        return total
    }

    static func find(_ needle: String, in base: UnsafePointer<UInt8>, _ n: Int, from: Int) -> Int? {
        guard from < n else { return nil }
        let pattern = Array(needle.utf8)
        var at = from
        while at + pattern.count <= n {
            guard let hit = memchr(base + at, Int32(pattern[0]), n - at) else { return nil }
            let i = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
            if i + pattern.count > n { return nil }
            if memcmp(base + i, pattern, pattern.count) == 0 { return i }
            at = i + 1
        }
        return nil
    }

    static func findLast(_ needle: String, in base: UnsafePointer<UInt8>, from: Int, before end: Int) -> Int? {
        var last: Int?
        var at = from
        while let hit = find(needle, in: base, end, from: at) {
            last = hit + needle.utf8.count
            at = hit + 1
        }
        return last
    }

    /// The N of "N G obj" ending just before `end`.
    static func objectNumber(_ base: UnsafePointer<UInt8>, before end: Int) -> Int? {
        let start = max(0, end - 32)
        let text = String(decoding: UnsafeBufferPointer(start: base + start, count: end - start), as: UTF8.self)
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\r" })
        guard words.count >= 3, words.last == "obj" else { return nil }
        return Int(words[words.count - 3])
    }

    /// A direct integer after `key` (not an indirect reference "5 0 R").
    static func integer(after key: String, in dict: String) -> Int? {
        guard let r = dict.range(of: key) else { return nil }
        let rest = dict[r.upperBound...].drop(while: { $0 == " " || $0 == "\n" || $0 == "\r" })
        let digits = rest.prefix(while: \.isASCII).prefix(while: \.isNumber)
        let after = rest.dropFirst(digits.count).drop(while: { $0 == " " })
        if after.hasPrefix("0 R") { return nil }
        return digits.count <= 12 ? Int(digits) : Int.max
    }
}
