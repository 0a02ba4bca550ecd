import Foundation

/// Built-in pieces of patterns a template can use as `{{name}}`, so that every template reads
/// dates, names and identity numbers the same way. Each expands to a non-capturing expression:
/// wrap it in `( )` to capture it.
///
/// Patterns run on folded text (``FormText``): simplified characters, ASCII punctuation, no spaces
/// next to CJK characters; matching ignores case.
public enum PatternMacros {
    /// Every date form ``DateReader`` reads: CJK 年月日 with Arabic or Chinese numerals (OCR may
    /// leave a space between two digits of the month or day, `1 1月`), an optional 民国/中华民国 and
    /// a bracketed lunar date; ISO and numeric; English, Portuguese and other month names with
    /// ordinals and "day of".
    static let date = #"(?:(?:中华民国|民国)?[0-9OoIl〇○零一二三四五六七八九十百元]{1,7}年[0-9OoIl〇○零一二三四五六七八九十元](?:\s?[0-9OoIl〇○零一二三四五六七八九十元]){0,2}月[0-9OoIl〇○零一二三四五六七八九十廿卅](?:\s?[0-9OoIl〇○零一二三四五六七八九十廿卅]){0,3}(?:日|号)(?:\((?:农历|阴历|旧历|lunar)[^)]{0,30}\))?|[0-9]{4}[-/.][0-9]{1,2}[-/.][0-9]{1,2}|[0-9OoIl]{1,2}[-/.][0-9OoIl]{1,2}[-/.][0-9OoIl]{4}|[0-9OoIl]{1,2}(?:st|nd|rd|th|er)?[\s-]?(?:day\s+of\s+)?(?:de\s+)?[A-Za-zÀ-ÿ]{3,10}\.?,?[\s-]?(?:de\s+|of\s+)?[0-9OoIl]{4}|[A-Za-zÀ-ÿ]{3,10}\.?\s?[0-9OoIl]{1,2}(?:st|nd|rd|th)?(?:,\s?|\s)[0-9OoIl]{4})"#

    /// The labels a Chinese name stops before when nothing separates them (`陈伟性别:男`).
    static let nameStops = "性别|出生|外文|英文|葡文|护照|身份|国籍|年龄|住址|地址|电话|编号|民族|现住|居住|籍贯"

    /// Every macro by name.
    public static let all: [String: String] = [
        "date": date,
        // Between a label and its value: spaces and up to two separators (OCR reads ':' as ';', '.',
        // ',' or ';，').
        "sep": #"\s*[:;.,]?\s*[:;.,]?\s*"#,
        // Two to fifteen Han characters (with a middle dot for transliterated names), stopping
        // before a known label, a non-Han character or the end of the line.
        "han_name": #"(?:\p{Han}[\p{Han}·・•]{1,14}?(?="# + nameStops + #"|[^\p{Han}·・•]|$))"#,
        // A name in Latin letters, with spaces, commas, apostrophes, dots and hyphens inside.
        "latin_name": #"(?:[A-Z][A-Z'’., -]{0,58}[A-Z.])"#,
        "sex": #"(?:Masculino|Feminino|Female|Male|Masc\.?|Fem\.?|[男女]性?|[MF](?![A-Za-z]))"#,
        // Mainland resident ID (18, or 15 for an old card); OCR may put single spaces inside.
        "ric": #"(?:[0-9](?:\s?[0-9]){13,16}\s?[0-9X])"#,
        // Hong Kong ID: A123456(3), AB123456(A); brackets optional.
        "hkid": #"(?:[A-Z]{1,2}\s?[0-9]{6}\s?\(?\s?[0-9A]\s?\)?)"#,
        // Macao ID: 1234567(8); brackets optional; the first digit is checked later, not here.
        "moid": #"(?:[0-9]\s?[0-9]{6}\s?\(?\s?[0-9]\s?\)?)"#,
        // Taiwan ID: a letter and nine digits.
        "twid": #"(?:[A-Z]\s?[0-9](?:\s?[0-9]){8})"#,
        // Passport: one or two letters and 6–9 digits, or 8–10 digits. A letter O among the digits
        // is OCR's reading of 0 (the extractor reads it as 0: no passport has a letter there).
        "passport": #"(?:[A-Z]{1,2}\s?[0-9O](?:\s?[0-9O]){5,8}(?![0-9A-Z])|[0-9]{8,10})"#,
        // Mainland Travel Permit for HK/Macao residents: H/M (HA/MA) and 7–10 digits (O read as 0, as above).
        "permit": #"(?:[HM][A-Z]?\s?[0-9O](?:\s?[0-9O]){6,9}(?![0-9A-Z]))"#,
        // A Chinese certificate number: an optional bracketed part ((2026), (2006加领)), at least one
        // character of words, 第, a serial, 号.
        "cn_cert_no": #"(?:(?:[(\[〔【〈《][\p{Han}0-9A-Z]{1,12}[)\]〕】〉》])?[\p{Han}A-Z0-9]{1,16}?第\s?[0-9A-Z-]{1,20}\s?号)"#,
        // A certificate number of letters, digits and / . - (FTU-2026-143563, IAM/2026/656054, N-573864).
        "code": #"(?:[A-Z0-9][A-Z0-9/.\-]{2,39})"#,
        // One run of non-space characters (a number, a code).
        "token": #"(?:[^\s:][^\s]{0,59})"#,
        // A PRC diplomatic mission, or the Foreign Ministry's commissioner's office.
        "mission": #"(?:(?:中华人民共和国)?驻\p{Han}{2,20}?(?:大使馆|总领事馆|领事馆|领事办公室|领事处|代表处|办事处)|外交部驻(?:香港|澳门)特别行政区特派员公署)"#,
    ]

    static let macroReference = try! NSRegularExpression(pattern: #"\{\{\s*([A-Za-z_]+)\s*\}\}"#)

    /// Expands `{{name}}` references; returns the unknown names instead when there are any.
    static func expand(_ pattern: String) -> Result<String, UnknownMacros> {
        let ns = pattern as NSString
        var out = ""
        var last = 0
        var unknown: [String] = []
        for m in macroReference.matches(in: pattern, range: NSRange(location: 0, length: ns.length)) {
            out += ns.substring(with: NSRange(location: last, length: m.range.location - last))
            let name = ns.substring(with: m.range(at: 1))
            if let body = all[name] { out += body } else { unknown.append(name) }
            last = m.range.location + m.range.length
        }
        out += ns.substring(from: last)
        return unknown.isEmpty ? .success(out) : .failure(UnknownMacros(names: unknown))
    }

    struct UnknownMacros: Error { var names: [String] }

    /// Puts a pattern written in any script into the folded form the text is in: full-width
    /// punctuation becomes escaped ASCII (`（` → `\(`, a literal, as the author meant), full-width
    /// letters and digits become ASCII, traditional characters become simplified.
    static func fold(_ pattern: String) -> String {
        var out = ""
        for c in pattern {
            if c.isASCII { out.append(c); continue }
            let n = String(c).precomposedStringWithCompatibilityMapping
            if n != String(c) {
                for ch in n {
                    if ch == " " { out += "\\ " } else if ch.isASCII && !(ch.isLetter || ch.isNumber) { out += "\\" + String(ch) } else { out.append(ch) }
                }
            } else {
                out.append(ScriptFolding.fold(c))
            }
        }
        return out
    }
}

/// Refuses regular expressions that can take exponential time (catastrophic backtracking).
///
/// Contract: ``nestedQuantifier(in:)`` reports a group that is repeated (`*`, `+`, `{n,}`, or
/// `{n,m}` with m > 1) while something inside it is repeated too, when either repetition is
/// unbounded or the two bounds multiply past 10 000: `(a+)+`, `(.*)*`, `(?:\s*\d)+`, `(x{1,200}){1,200}`.
/// Bounded nesting such as `(?:\s?\d){8}` or `(?:day\s+of\s+)?` is allowed. This is advice to the
/// template's author, not the bound: `(a|a)*b` or `(.*.*.*.*.*)x` pass it and still take exponential
/// or high-polynomial time. What bounds a page's time is the extractor's backtracking budget
/// (`Extractor.boundedMatches`), with lines cut at 500 characters.
enum RegexSafety {
    static let unbounded = Int.max

    static func times(_ a: Int, _ b: Int) -> Int {
        if a == unbounded || b == unbounded { return unbounded }
        let (p, overflow) = a.multipliedReportingOverflow(by: b)
        return overflow ? unbounded : p
    }

    /// The offending piece of the pattern, or nil when it is safe.
    static func nestedQuantifier(in pattern: String) -> String? {
        let s = Array(pattern.unicodeScalars)
        struct Frame { var start: Int; var inner: Int }
        struct Atom { var isGroup: Bool; var inner: Int; var start: Int }
        var stack = [Frame(start: 0, inner: 1)]
        var last: Atom?
        var i = 0
        func text(_ a: Int, _ b: Int) -> String {
            var v = String.UnicodeScalarView()
            v.append(contentsOf: s[max(0, a)..<min(s.count, b)])
            return String(v)
        }
        while i < s.count {
            let c = s[i]
            switch c {
            case "\\":
                let start = i
                if i + 1 < s.count, s[i + 1] == "Q" {
                    i += 2
                    while i + 1 < s.count && !(s[i] == "\\" && s[i + 1] == "E") { i += 1 }
                    i += 2
                } else if i + 2 < s.count, "pPxN".unicodeScalars.contains(s[i + 1]), s[i + 2] == "{" {
                    i += 3
                    while i < s.count && s[i] != "}" { i += 1 }
                    i += 1
                } else {
                    i += 2
                }
                last = Atom(isGroup: false, inner: 1, start: start)
            case "[":
                let start = i
                var depth = 0
                i += 1
                if i < s.count && s[i] == "^" { i += 1 }
                if i < s.count && s[i] == "]" { i += 1 }
                while i < s.count {
                    if s[i] == "\\" { i += 2; continue }
                    if s[i] == "[" { depth += 1 } else if s[i] == "]" {
                        if depth == 0 { break }
                        depth -= 1
                    }
                    i += 1
                }
                i += 1
                last = Atom(isGroup: false, inner: 1, start: start)
            case "(":
                stack.append(Frame(start: i, inner: 1))
                i += 1
                if i < s.count, s[i] == "?" {
                    i += 1
                    if i < s.count, s[i] == "#" {
                        while i < s.count && s[i] != ")" { i += 1 }
                        continue
                    }
                    if i + 1 < s.count, s[i] == "<", s[i + 1] == "=" || s[i + 1] == "!" {
                        i += 2
                    } else if i < s.count, s[i] == "<" {
                        while i < s.count && s[i] != ">" { i += 1 }  // (?<name>
                        i += 1
                    } else {
                        while i < s.count, "imsxwuUJ-".unicodeScalars.contains(s[i]) { i += 1 }
                        if i < s.count, ":=!>".unicodeScalars.contains(s[i]) { i += 1 }
                    }
                }
                last = nil
            case ")":
                let f = stack.count > 1 ? stack.removeLast() : Frame(start: 0, inner: 1)
                stack[stack.count - 1].inner = max(stack[stack.count - 1].inner, f.inner)
                last = Atom(isGroup: true, inner: f.inner, start: f.start)
                i += 1
            case "|":
                last = nil
                i += 1
            case "*", "+", "?", "{":
                var upper: Int
                if c == "{" {
                    var j = i + 1
                    var lo = "", hi = "", comma = false
                    while j < s.count, s[j] != "}" {
                        if s[j] == "," { comma = true } else if comma { hi.unicodeScalars.append(s[j]) } else { lo.unicodeScalars.append(s[j]) }
                        j += 1
                    }
                    guard j < s.count, Int(lo.trimmingCharacters(in: .whitespaces)) != nil else {
                        last = Atom(isGroup: false, inner: 1, start: i)  // a literal brace
                        i += 1
                        continue
                    }
                    if !comma { upper = Int(lo.trimmingCharacters(in: .whitespaces))! }
                    else if hi.trimmingCharacters(in: .whitespaces).isEmpty { upper = unbounded }
                    else { upper = Int(hi.trimmingCharacters(in: .whitespaces)) ?? unbounded }
                    i = j + 1
                } else {
                    upper = c == "?" ? 1 : unbounded
                    i += 1
                }
                if i < s.count, s[i] == "?" || s[i] == "+" { i += 1 }  // lazy or possessive
                if let a = last {
                    if a.isGroup, upper > 1, a.inner > 1,
                       upper == unbounded || a.inner == unbounded || times(upper, a.inner) > 10_000 {
                        return text(a.start, i)
                    }
                    let effective = a.isGroup ? times(a.inner, upper) : upper
                    stack[stack.count - 1].inner = max(stack[stack.count - 1].inner, effective)
                }
                last = nil
            default:
                last = Atom(isGroup: false, inner: 1, start: i)
                i += 1
            }
        }
        return nil
    }
}
