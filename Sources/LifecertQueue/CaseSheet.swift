import Foundation
import LifecertDomain
import LifecertStore

/// The text of one case as a reviewer reads it — the certificate's fields beside the recipient's
/// record (a `!` marks a disagreement), the recipient's status, the flags in words, the match
/// explanation and the history. Used by `lifecert case show` and the queue's case view.
public enum CaseSheet {
    /// Every flag of a case: the reading's, then the link-time checks' (stored beside the reading).
    public static func flags(_ c: CaseRecord) -> [[String: Any]] {
        func parse(_ json: String?) -> Any? { json.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) } }
        let reading = (parse(c.fields) as? [String: Any])?["flags"] as? [[String: Any]] ?? []
        return reading + (parse(c.linkFlags) as? [[String: Any]] ?? [])
    }

    /// A case's ranked candidates, from its stored match.
    public static func candidates(_ c: CaseRecord?) -> [(ssn: String, score: String, explanation: String)] {
        let match = c?.match.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        return (match?["candidates"] as? [[String: Any]] ?? []).compactMap { k in
            guard let ssn = k["ssn"] as? String else { return nil }
            return (ssn, "\(k["score"] ?? "")", "\(k["explanation"] ?? "")")
        }
    }

    /// The lines, or nil when there is no such case.
    ///
    /// Identity numbers and SSNs are shown in full only to `viewer` holding the case's claim (the
    /// reviewer working it); anyone else sees them masked.
    public static func lines(store: Store, caseID: Int64, viewer: String? = nil) throws -> [String]? {
        guard let c = try store.caseRecord(id: caseID) else { return nil }
        let full = viewer != nil && c.claimedBy == viewer && c.state == CaseState.inReview.rawValue
        func shown(_ number: String) -> String { full ? number : IdentityNumbers.mask(number) }
        var out: [String] = []
        out.append("case \(c.id)  \(c.state)  \(c.kind ?? "-")/\(c.form ?? "-")  \(c.originalName ?? "")")
        let reading = c.fields.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        let f = reading?["fields"] as? [String: Any] ?? [:]
        let match = c.match.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        let ssn = c.recipientSSN ?? (match?["ssn"] as? String)
        let r = try ssn.flatMap { try store.recipient(ssn: $0) }?.recipient
        if let r { out.append("recipient \(shown(r.ssn)) \(c.recipientSSN == nil ? "(proposed)" : "(linked)")") }
        func text(_ v: Any?) -> String {
            switch v {
            case let s as String: return s
            case let ids as [[String: Any]]: return ids.map { "\($0["type"] ?? "")  \(shown("\($0["number"] ?? "")"))" }.joined(separator: "; ")
            default: return "—"
            }
        }
        let rows: [(String, String, String?)] = [
            ("name", text(f["name"]), r?.name), ("name (Latin)", text(f["name_latin"]), r?.nameLatin ?? "—"),
            ("sex", text(f["sex"]), r?.sex.rawValue), ("birth date", text(f["birth_date"]), r?.birthDate.description),
            ("identity numbers", text(f["ids"]), r.map { "\($0.idType.rawValue)  \(shown($0.idNumber))" }),
            ("appeared on", text(f["appeared_on"]), nil), ("issued on", text(f["issued_on"]), nil),
            ("issuer", text(f["issuer"]), nil), ("certificate no.", text(f["certificate_no"]), nil),
        ]
        out.append("")
        out.append("  field              certificate                      registry")
        for (label, cert, reg) in rows {
            let key = reg.flatMap { $0.split(separator: " ").last.map(String.init) } ?? ""
            let differs = reg != nil && cert != "—" && reg != "—"
                && !cert.replacingOccurrences(of: "(", with: "").replacingOccurrences(of: ")", with: "").contains(key)
            out.append("\(differs ? "!" : " ") \(padded(label, 18)) \(padded(cert, 32)) \(reg ?? "")")
        }
        if let r {
            out.append("  status: \(r.benefitStatus.rawValue)\(r.eligible ? "" : ", eligibility lost")\(r.diedOn.map { ", died \($0)" } ?? "")")
        }
        let flags = Self.flags(c)
        if !flags.isEmpty {
            out.append("")
            out.append("flags:")
            for fl in flags { out.append("  [\(fl["severity"] ?? "")] \(fl["code"] ?? ""): \(fl["message"] ?? "")") }
        }
        if let match {
            out.append("")
            out.append("match: \(match["decision"] ?? "")  \(match["reason"] ?? "")")
            for cand in (match["candidates"] as? [[String: Any]] ?? []).prefix(3) {
                out.append("  \(shown("\(cand["ssn"] ?? "")"))  \(cand["explanation"] ?? "")")
            }
        }
        if let corrections = reading?["corrections"] as? [[String: Any]], !corrections.isEmpty {
            out.append("")
            out.append("corrected by hand:")
            for k in corrections {
                let field = "\(k["field"] ?? "")"
                let after = "\(k["after"] ?? "")"
                out.append("  \(field): \(field == "id" ? shown(after) : after)  by \(k["by"] ?? "")  — \(k["reason"] ?? "")")
            }
        }
        if let ocr = c.ocrText.flatMap({ try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }),
           let pages = ocr["pages"] as? [[String: Any]], !pages.isEmpty {
            out.append("")
            out.append("OCR text (» marks the lines each field was read from):")
            for page in pages {
                if pages.count > 1 { out.append("  — page \((page["index"] as? Int ?? 0) + 1) —") }
                let marks = page["marks"] as? [String: [String]] ?? [:]
                for (i, text) in (page["lines"] as? [String] ?? []).enumerated() where !text.trimmingCharacters(in: .whitespaces).isEmpty {
                    let m = marks[String(i)].map { "» " + $0.joined(separator: ",") } ?? ""
                    out.append("  \(padded(m, 22)) \(full ? text : maskNumbers(text))")
                }
            }
        }
        out.append("")
        out.append("history:")
        for e in try store.events(entity: "case", id: String(caseID)) {
            out.append("  \(e.at)  \(e.actor)  \(e.action)\(e.reason.map { "  — \($0)" } ?? "")")
        }
        return out
    }
}

/// `text` with every run of 8 or more letters, digits and brackets that holds at least 6 digits masked
/// (identity numbers in OCR text), keeping its first two and last two characters.
public func maskNumbers(_ text: String) -> String {
    var out = "", run = ""
    func flush() {
        if run.count >= 8 && run.filter(\.isNumber).count >= 6 {
            out += String(run.prefix(2)) + String(repeating: "*", count: run.count - 4) + String(run.suffix(2))
        } else { out += run }
        run = ""
    }
    for ch in text {
        if ch.isASCII && (ch.isLetter || ch.isNumber || ch == "(" || ch == ")") { run.append(ch) } else { flush(); out.append(ch) }
    }
    flush()
    return out
}

/// `text` cut into lines of at most `width` terminal cells.
public func wrapped(_ text: String, _ width: Int) -> [String] {
    var lines: [String] = [], current = "", w = 0
    for c in text {
        let cw = displayWidth(String(c))
        if w + cw > max(1, width) { lines.append(current); current = ""; w = 0 }
        current.append(c)
        w += cw
    }
    if !current.isEmpty { lines.append(current) }
    return lines
}

/// Columns on a terminal: CJK and full-width characters take two cells.
public func displayWidth(_ s: String) -> Int {
    s.unicodeScalars.reduce(0) { w, u in
        let v = u.value
        let wide = (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
            || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v)
            || (0xFFE0...0xFFE6).contains(v) || (0x20000...0x3FFFD).contains(v)
        return w + (u.properties.generalCategory == .nonspacingMark ? 0 : wide ? 2 : 1)
    }
}

/// `s` cut or padded with spaces to exactly `width` terminal cells (a wide character is never split).
public func padded(_ s: String, _ width: Int) -> String {
    var out = "", w = 0
    for c in s {
        let cw = displayWidth(String(c))
        if w + cw > width { break }
        out.append(c)
        w += cw
    }
    return out + String(repeating: " ", count: max(0, width - w))
}
