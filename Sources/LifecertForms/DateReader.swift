import Foundation
import LifecertDomain

/// Which way round a numeric date such as `05/03/2024` is written.
///
/// Only numeric dates need it: `2024年3月5日`, `5 March 2024` and `2024-03-05` say which part is
/// which. A template states the order its issuer uses (`date_order:` in the YAML); without one, a
/// numeric date is read only when it cannot be misread (one part above 12, or both the same).
public enum DateOrder: String, Codable, Sendable, CaseIterable {
    /// Day, month, year: 05/03/2024 is 5 March 2024 (most of the world).
    case dmy
    /// Month, day, year: 05/03/2024 is 3 May 2024 (the United States).
    case mdy
    /// Year, month, day: 2024/03/05 (China, Japan, ISO 8601). A date whose year comes last is refused.
    case ymd
}

/// Reads the dates printed on certificates (SPEC.md "Certificates that arrive").
///
/// Contract:
/// - Understands `2024年3月5日` (spaces OCR put between its digits are ignored); Chinese numerals `二〇二四年三月五日`, `二零二四年…`, `二0二四年…`,
///   `一九五〇年十二月三十一日`, `廿`/`卅` days and `元月`; the Minguo calendar `民國113年3月5日`,
///   `中華民國113年…`, `中華民國一百一十三年…` (year + 1911; a year of one to three digits without the
///   prefix only when `minguo` is set, as on a Taiwan template); `5 March 2024`, `March 5, 2024`,
///   `05 MAR 2024`, `05-MAR-2024`, `8th day of October 2026`, `this 8th day of October, 2026`;
///   Portuguese `5 de Março de 2024` (and without accents, `Marco`), and Spanish, French and German
///   month names; `05/03/2024` (order from ``DateOrder``), `2024-03-05`, `2024/3/5`, `2024.03.05`.
/// - A Gregorian date followed by a bracketed lunar date, `1950年3月5日（农历正月十七）`, gives the
///   Gregorian one; ``Reading/lunarIgnored`` keeps the bracketed text.
/// - OCR misreadings are accepted only where a digit must stand: `O`, `o`, `〇`, `○`, `零` for zero,
///   `l` and `I` for one — inside a `年`/`月`/`日` date, or in a number that also has real digits
///   (`2O24`, `l5`). The year must still have at least two real digits.
/// - Never guesses: an impossible date (`2023-02-29`, `31 June`), a two-digit year, a missing part
///   (`2024年3月5` without its 日 may be a cut-off `3月15日`),
///   an unknown word, a misspelt month, a numeric date whose order is unknown and ambiguous, or a
///   year outside 1850…2199 gives nil.
public enum DateReader {
    /// A date read from text, and how it was read.
    public struct Reading: Sendable, Equatable {
        public var date: LocalDate
        /// True when the year was a Minguo (Republic of China) year, converted by adding 1911.
        public var minguo: Bool
        /// The year as printed when ``minguo`` is true (113 for 民國113年).
        public var minguoYear: Int?
        /// A bracketed lunar date that followed the Gregorian one and was left out.
        public var lunarIgnored: String?
    }

    /// The date `text` states, or nil when it is not exactly one readable, real date.
    public static func read(_ text: String, order: DateOrder? = .dmy, minguo: Bool = false) -> LocalDate? {
        reading(text, order: order, minguo: minguo)?.date
    }

    /// Reads a date and reports how (Minguo conversion, lunar part left out).
    ///
    /// - Parameters:
    ///   - order: how numeric dates like `05/03/2024` are written; nil reads only unambiguous ones.
    ///   - minguo: years of one to three digits with `年` are Minguo years even without `民國`.
    public static func reading(_ text: String, order: DateOrder? = .dmy, minguo: Bool = false) -> Reading? {
        // 1º / 1ª (Portuguese ordinals) would become "1o" / "1a" under NFKC, and "1o" reads as 10.
        var s = FormText.normalizedString(text.replacingOccurrences(of: "º", with: "").replacingOccurrences(of: "ª", with: ""))
        s = ScriptFolding.fold(s)
        // "4de Março de 1939": OCR lost the space after the day.
        s = s.replacingOccurrences(of: #"([0-9])de "#, with: "$1 de ", options: .regularExpression)
        s = trimEnds(s)
        guard !s.isEmpty, s.count <= 80 else { return nil }

        // A lunar date in brackets after the Gregorian one.
        var lunar: String?
        if let open = s.firstIndex(where: { $0 == "(" || $0 == "[" || $0 == "〔" || $0 == "【" }) {
            let tail = String(s[open...])
            let closers: Set<Character> = [")", "]", "〕", "】"]
            guard let last = tail.last, closers.contains(last), open != s.startIndex else { return nil }
            lunar = tail
            s = trimEnds(String(s[..<open]))
        }
        for prefix in ["公历", "西历", "西元", "阳历", "新历"] where s.hasPrefix(prefix) {
            s = String(s.dropFirst(prefix.count))
        }
        s = trimEnds(s)
        guard !s.isEmpty else { return nil }

        var result: Reading?
        if s.contains("年") || s.contains("月") {
            result = readCJK(s, minguo: minguo)
        } else if s.allSatisfy({ ($0.isASCII && $0.isNumber) || lookAlikes.contains($0) || $0 == "/" || $0 == "-" || $0 == "." }) {
            result = readNumeric(s, order: order)
        } else {
            result = readWords(s)
        }
        guard var r = result, (1850...2199).contains(r.date.year) else { return nil }
        r.lunarIgnored = lunar
        return r
    }

    // MARK: - 年月日

    static func readCJK(_ text: String, minguo assumeMinguo: Bool) -> Reading? {
        // Between 年, 月 and 日 only numbers stand: a space there is OCR splitting one (2026年1 1月5日).
        var s = text.filter { !$0.isWhitespace }
        var explicitMinguo = false
        // 中華民國 and 民國 mark a Minguo year (a form that prints 中華民國 before a filled-in 民國… has both).
        var stripped = true
        while stripped {
            stripped = false
            for prefix in ["中华民国", "民国"] where s.hasPrefix(prefix) {
                s = String(s.dropFirst(prefix.count))
                explicitMinguo = true
                stripped = true
            }
        }
        // year 年 month 月 day 日 — the final 日 may be missing (OCR drops it), nothing else may follow.
        guard let yEnd = s.firstIndex(of: "年") else { return nil }
        let yTok = String(s[..<yEnd])
        let rest1 = s[s.index(after: yEnd)...]
        guard let mEnd = rest1.firstIndex(of: "月") else { return nil }
        let mTok = String(rest1[..<mEnd])
        var dTok = String(rest1[rest1.index(after: mEnd)...])
        // The closing 日 (or 号) is required: "3月1" at the end of a line may be a cut-off 3月1X日.
        guard dTok.hasSuffix("日") || dTok.hasSuffix("号") else { return nil }
        dTok.removeLast()
        guard !yTok.isEmpty, !mTok.isEmpty, !dTok.isEmpty else { return nil }

        guard let (year, realDigits, positional) = cjkYear(yTok) else { return nil }
        guard let month = cjkSmall(mTok, allowYuan: true), let day = cjkSmall(dTok, allowYuan: false) else { return nil }
        var y = year
        var isMinguo = false
        if !positional && yTok.count == 4 {
            // A Gregorian year written digit by digit.
            guard !explicitMinguo, year >= 1000, realDigits >= 2 else { return nil }
        } else {
            // One to three digits, or 一百一十三: only a Minguo year can be that short.
            guard explicitMinguo || assumeMinguo, year >= 1, year <= 300 else { return nil }
            guard positional || realDigits >= 1 else { return nil }
            y = year + 1911
            isMinguo = true
        }
        guard let date = LocalDate(year: y, month: month, day: day) else { return nil }
        return Reading(date: date, minguo: isMinguo, minguoYear: isMinguo ? year : nil, lunarIgnored: nil)
    }

    /// Chinese and Arabic digit values, with the OCR look-alikes for 0 and 1.
    static let digitValue: [Character: Int] = {
        var m: [Character: Int] = [:]
        for (i, c) in "0123456789".enumerated() { m[c] = i }
        for (i, c) in "〇一二三四五六七八九".enumerated() { m[c] = i }
        m["零"] = 0; m["○"] = 0; m["Ｏ"] = 0; m["O"] = 0; m["o"] = 0; m["О"] = 0
        m["l"] = 1; m["I"] = 1
        return m
    }()
    static let lookAlikes: Set<Character> = ["O", "o", "l", "I", "○", "О"]

    /// A year: digit by digit (`2024`, `二〇二四`, `二0二四`, `一一三`) or positional (`一百一十三`).
    /// Returns the value and how many characters were real digits (Arabic or Chinese, not look-alikes).
    static func cjkYear(_ tok: String) -> (value: Int, realDigits: Int, positional: Bool)? {
        if tok == "元" { return (1, 1, true) }
        if tok.contains("十") || tok.contains("百") {
            guard let v = chinesePositional(tok) else { return nil }
            return (v, tok.count, true)
        }
        guard (1...4).contains(tok.count) else { return nil }
        var v = 0
        var real = 0
        for c in tok {
            guard let d = digitValue[c] else { return nil }
            if !lookAlikes.contains(c) { real += 1 }
            v = v * 10 + d
        }
        return (v, real, false)
    }

    /// A month or day: Arabic digits (with look-alikes), or 一…三十一 with 十, 廿, 卅.
    static func cjkSmall(_ tok: String, allowYuan: Bool) -> Int? {
        if allowYuan && tok == "元" { return 1 }
        let chars = Array(tok)
        guard (1...4).contains(chars.count) else { return nil }
        // Arabic (possibly with look-alikes): at most two characters.
        if chars.allSatisfy({ $0.isASCII && digitValue[$0] != nil }) {
            guard chars.count <= 2 else { return nil }
            return chars.reduce(0) { $0 * 10 + digitValue[$1]! }
        }
        if let v = chinesePositional(tok), v >= 1, v <= 31 { return v }
        return nil
    }

    /// 一…九十九 and 一百… with 十, 百, 廿 (20), 卅 (30); 〇/零 only as a placeholder after 百.
    static func chinesePositional(_ tok: String) -> Int? {
        let chars = Array(tok)
        guard !chars.isEmpty, chars.count <= 7 else { return nil }
        let small: [Character: Int] = ["一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9]
        var total = 0
        var i = 0
        // hundreds
        if let h = chars.firstIndex(of: "百") {
            guard h == 1, let d = small[chars[0]] else { return nil }
            total = d * 100
            i = 2
            if i < chars.count, chars[i] == "零" || chars[i] == "〇" {
                i += 1
                guard i == chars.count - 1, let d = small[chars[i]] else { return nil }
                return total + d
            }
        }
        let rest = Array(chars[i...])
        if rest.isEmpty { return total }
        switch rest.count {
        case 1:
            if rest[0] == "十" { return total + 10 }
            if rest[0] == "廿" { return total + 20 }
            if rest[0] == "卅" { return total + 30 }
            guard let d = small[rest[0]] else { return nil }
            return total + d
        case 2:
            if rest[0] == "十", let d = small[rest[1]] { return total + 10 + d }
            if rest[0] == "廿", let d = small[rest[1]] { return total + 20 + d }
            if rest[0] == "卅", let d = small[rest[1]] { return total + 30 + d }
            if let t = small[rest[0]], rest[1] == "十" { return total + t * 10 }
            return nil
        case 3:
            if let t = small[rest[0]], rest[1] == "十", let d = small[rest[2]] { return total + t * 10 + d }
            return nil
        default:
            return nil
        }
    }

    // MARK: - Month names

    /// Month names and abbreviations (lower case, accents removed): English, Portuguese, Spanish,
    /// French, German. No name means two different months in two languages.
    static let months: [String: Int] = {
        let names: [[String]] = [
            ["january", "jan", "janeiro", "enero", "ene", "janvier", "janv", "januar", "janner", "jaenner"],
            ["february", "feb", "fevereiro", "fev", "febrero", "fevrier", "fevr", "februar"],
            ["march", "mar", "marco", "marzo", "mars", "marz", "maerz"],
            ["april", "apr", "abril", "abr", "avril", "avr"],
            ["may", "maio", "mai", "mayo"],
            ["june", "jun", "junho", "junio", "juin", "juni"],
            ["july", "jul", "julho", "julio", "juillet", "juil", "juli"],
            ["august", "aug", "agosto", "ago", "aout"],
            ["september", "sep", "sept", "setembro", "set", "septiembre", "setiembre", "septembre"],
            ["october", "oct", "outubro", "out", "octubre", "octobre", "oktober", "okt"],
            ["november", "nov", "novembro", "noviembre", "novembre"],
            ["december", "dec", "dezembro", "dez", "diciembre", "dic", "decembre", "dezember"],
        ]
        var m: [String: Int] = [:]
        for (i, list) in names.enumerated() { for n in list { m[n] = i + 1 } }
        return m
    }()

    /// Words that may surround a date and carry no part of it.
    static let fillers: Set<String> = [
        "the", "day", "of", "this", "on", "de", "del", "le", "den", "am", "dated",
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
        "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun",
    ]

    static func readWords(_ text: String) -> Reading? {
        // Lower case, accents off, separators to spaces.
        var cleaned = ""
        for ch in text.decomposedStringWithCanonicalMapping.unicodeScalars {
            if ch.properties.generalCategory == .nonspacingMark { continue }
            switch ch {
            case ",", ".", "-", "/", "_": cleaned.append(" ")
            default: cleaned.unicodeScalars.append(ch)
            }
        }
        let tokens = cleaned.lowercased().split(whereSeparator: { $0 == " " }).map(String.init)
        var numbers: [(value: Int, digits: Int, position: Int)] = []
        var month: (value: Int, position: Int)?
        for (pos, tok) in tokens.enumerated() {
            if fillers.contains(tok) { continue }
            if let m = months[tok] {
                guard month == nil else { return nil }
                month = (m, pos)
                continue
            }
            guard let n = number(tok) else { return nil }
            numbers.append((n.0, n.1, pos))
        }
        guard let month, numbers.count == 2 else { return nil }
        let yearIndex = numbers.firstIndex(where: { $0.digits == 4 })
        guard let yi = yearIndex, numbers.filter({ $0.digits == 4 }).count == 1 else { return nil }
        let year = numbers[yi]
        let day = numbers[1 - yi]
        guard day.digits <= 2 else { return nil }
        // Accept D M Y, M D Y and Y M D; refuse anything else (Y D M, a day after the year with the month last…).
        let orderOK = (day.position < month.position && month.position < year.position)  // D M Y
            || (month.position < day.position && day.position < year.position)            // M D Y
            || (year.position < month.position && month.position < day.position)          // Y M D
        guard orderOK, let date = LocalDate(year: year.value, month: month.value, day: day.value) else { return nil }
        return Reading(date: date, minguo: false, minguoYear: nil, lunarIgnored: nil)
    }

    /// A number token: digits with an optional ordinal ending (`8th`, `1st`, `1o` for 1º, `1er`);
    /// OCR look-alikes count only when the token has a real digit too. Returns value and digit count.
    static func number(_ token: String) -> (Int, Int)? {
        var t = token
        for suffix in ["st", "nd", "rd", "th", "er"] where t.count > suffix.count && t.hasSuffix(suffix) {
            let head = t.dropLast(suffix.count)
            if let last = head.last, last.isASCII, last.isNumber {
                t = String(head)
                break
            }
        }
        let chars = Array(t)
        guard !chars.isEmpty, chars.count <= 4, chars.contains(where: { $0.isASCII && $0.isNumber }) else { return nil }
        var v = 0
        for c in chars {
            // Tokens are lower-cased before this, so an OCR "I" for 1 arrives as "i".
            guard c.isASCII, let d = c == "i" ? 1 : digitValue[c] else { return nil }
            v = v * 10 + d
        }
        return (v, chars.count)
    }

    // MARK: - Numeric

    static func readNumeric(_ text: String, order: DateOrder?) -> Reading? {
        let parts = text.split(whereSeparator: { $0 == "/" || $0 == "-" || $0 == "." }).map(String.init)
        guard parts.count == 3, text.filter({ $0 == "/" || $0 == "-" || $0 == "." }).count == 2 else { return nil }
        var values: [(Int, Int)] = []
        for p in parts {
            guard let n = number(p), n.1 == p.count else { return nil }
            values.append(n)
        }
        let (a, b, c) = (values[0], values[1], values[2])
        var y = 0, m = 0, d = 0
        if a.1 == 4 {
            guard b.1 <= 2, c.1 <= 2 else { return nil }
            (y, m, d) = (a.0, b.0, c.0)
        } else if c.1 == 4 {
            guard a.1 <= 2, b.1 <= 2 else { return nil }
            y = c.0
            switch order {
            case .dmy?: (d, m) = (a.0, b.0)
            case .mdy?: (m, d) = (a.0, b.0)
            case .ymd?: return nil
            case nil:
                if a.0 == b.0 { (d, m) = (a.0, b.0) }
                else if a.0 > 12 && b.0 <= 12 { (d, m) = (a.0, b.0) }
                else if b.0 > 12 && a.0 <= 12 { (m, d) = (a.0, b.0) }
                else { return nil }
            }
        } else {
            return nil
        }
        guard let date = LocalDate(year: y, month: m, day: d) else { return nil }
        return Reading(date: date, minguo: false, minguoYear: nil, lunarIgnored: nil)
    }

    // MARK: - Helpers

    /// Drops surrounding spaces and punctuation that may cling to a captured date.
    static func trimEnds(_ s: String) -> String {
        let junk: Set<Character> = [" ", ",", ";", ":", ".", "。", "，", "、", "；", "：", "\"", "'", "“", "”", "《", "》"]
        var t = Substring(s)
        while let f = t.first, junk.contains(f) { t = t.dropFirst() }
        while let l = t.last, junk.contains(l) { t = t.dropLast() }
        return String(t)
    }
}

extension Character {
    /// A CJK unified ideograph (or compatibility ideograph), or 〇.
    var isCJKIdeograph: Bool {
        guard let v = unicodeScalars.first?.value else { return false }
        return (0x4E00...0x9FFF).contains(v) || (0x3400...0x4DBF).contains(v) || (0x20000...0x3FFFF).contains(v)
            || (0xF900...0xFAFF).contains(v) || v == 0x3007
    }
}
