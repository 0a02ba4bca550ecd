/// A small JSON writer for the plain values lifecert builds (strings, integers, doubles, booleans,
/// null, arrays, dictionaries): compact, keys sorted, slashes not escaped.
///
/// Written here because Foundation's `JSONSerialization` on Linux bridges every value through
/// `NSDictionary`/`NSNumber` and took a tenth of a batch import's time; this writes the same text
/// (RFC 8259) directly. Contract: every string is escaped as RFC 8259 requires (`"`, `\`, control
/// characters); a value of any other type is written as `null`.
public enum JSONText {
    public static func encode(_ value: Any?) -> String {
        var out = ""
        out.reserveCapacity(256)
        write(value, into: &out)
        return out
    }

    static func write(_ value: Any?, into out: inout String) {
        switch value {
        case nil: out += "null"
        case let s as String: string(s, into: &out)
        case let b as Bool: out += b ? "true" : "false"
        case let i as Int: out += String(i)
        case let i as Int64: out += String(i)
        case let d as Double: out += d.isFinite ? (d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d)) : "null"
        case let a as [Any]:
            out += "["
            for (i, v) in a.enumerated() {
                if i > 0 { out += "," }
                write(v, into: &out)
            }
            out += "]"
        case let o as [String: Any]:
            out += "{"
            for (i, k) in o.keys.sorted().enumerated() {
                if i > 0 { out += "," }
                string(k, into: &out)
                out += ":"
                write(o[k]!, into: &out)
            }
            out += "}"
        case let o as [String: String]:
            write(o as [String: Any], into: &out)
        case let a as [String]:
            write(a as [Any], into: &out)
        default:
            // Optional values wrapped in Any, and NSNull.
            let mirror = Mirror(reflecting: value!)
            if mirror.displayStyle == .optional, let inner = mirror.children.first?.value { write(inner, into: &out) } else { out += "null" }
        }
    }

    static func string(_ s: String, into out: inout String) {
        out += "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where u.value < 0x20:
                let hex = String(u.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(u)
            }
        }
        out += "\""
    }
}
