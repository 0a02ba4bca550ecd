import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The text encodings outside files arrive in (SPEC.md: UTF-8 with or without BOM, or GB18030/GBK
/// from spreadsheets on Chinese Windows). GBK is a subset of GB18030, so one decoder serves both.
public enum TextEncoding: String, Sendable, CaseIterable {
    case utf8 = "UTF-8"
    case gb18030 = "GB18030"

    /// Accepts the names a user might type: utf8, utf-8, gbk, gb2312, gb18030, cp936.
    public init?(name: String) {
        switch name.lowercased().replacingOccurrences(of: "_", with: "-") {
        case "utf8", "utf-8": self = .utf8
        case "gbk", "gb2312", "gb18030", "cp936", "gb-18030": self = .gb18030
        default: return nil
        }
    }
}

/// Converts GB18030 bytes to a String with glibc's iconv (a well-kept converter that knows the whole
/// of GB18030; Foundation on Linux does not reliably decode it).
///
/// Not thread-safe: one decoder per reader.
final class GB18030Decoder {
    private let handle: iconv_t

    init() {
        handle = iconv_open("UTF-8", "GB18030")
        precondition(handle != iconv_t(bitPattern: -1), "glibc iconv lacks GB18030; install the locales/libc data")
    }

    deinit { iconv_close(handle) }

    /// Decodes `bytes`, or returns nil when they are not valid GB18030.
    func decode(_ bytes: ArraySlice<UInt8>) -> String? {
        if bytes.isEmpty { return "" }
        var input = Array(bytes)
        var output = [UInt8](repeating: 0, count: bytes.count * 2 + 8)  // at most 4 bytes out per 2 in
        let outCapacity = output.count
        var produced = 0
        let ok: Bool = input.withUnsafeMutableBufferPointer { inBuf in
            output.withUnsafeMutableBufferPointer { outBuf in
                var inPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(inBuf.baseAddress!).assumingMemoryBound(to: CChar.self)
                var inLeft = inBuf.count
                var outPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outBuf.baseAddress!).assumingMemoryBound(to: CChar.self)
                var outLeft = outCapacity
                iconv(handle, nil, nil, nil, nil)  // reset shift state
                let r = iconv(handle, &inPtr, &inLeft, &outPtr, &outLeft)
                produced = outCapacity - outLeft
                return r != -1 && inLeft == 0
            }
        }
        guard ok else { return nil }
        return String(decoding: output[0..<produced], as: UTF8.self)
    }
}

/// Strict UTF-8 decoding: nil when `bytes` are not valid UTF-8 (never a replacement character).
func decodeUTF8(_ bytes: ArraySlice<UInt8>) -> String? {
    String(validating: bytes, as: UTF8.self)
}

extension ArraySlice where Element == UInt8 {
    var isASCII: Bool { allSatisfy { $0 < 0x80 } }
}
