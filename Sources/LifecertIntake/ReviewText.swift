import Foundation
import LifecertDomain
import LifecertForms

/// The OCR text of a certificate as the reviewer's case view shows it: each page's lines, and for
/// each line the fields that were read from it.
///
/// Contract: `{"pages": [{"index": 0, "lines": ["…", …], "marks": {"3": ["name", "birth_date"], …}}]}`.
/// A line is marked for a field when the field's box overlaps the line's box (the words' boxes on
/// that line), or, for a page without boxes (a PDF text layer), when the line contains the text the
/// field was read from. Computed once at intake and stored with the case.
public enum ReviewText {
    public static func json(_ d: FoundDocument) -> [String: Any] {
        let x = d.extraction
        var readings: [(String, FieldReading)] = [
            ("name", x.name), ("name_latin", x.nameLatin), ("sex", x.sex), ("birth_date", x.birthDate),
            ("appeared_on", x.appearedOn), ("issued_on", x.issuedOn), ("issuer", x.issuer), ("certificate_no", x.certificateNo),
        ].compactMap { k, v in v.map { (k, $0) } }
        readings += x.idReadings.map { ("id", $0) }
        let pages: [[String: Any]] = d.recognized.filter { d.pages.contains($0.index) }.map { page in
            let lines = page.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            var boxes: [Int: PageBox] = [:]
            for w in page.words where w.box.width > 0 {
                boxes[w.line] = boxes[w.line].map { $0.union(w.box) } ?? w.box
            }
            var marks: [String: [String]] = [:]
            for (field, r) in readings where r.page == page.index {
                for (i, text) in lines.enumerated() {
                    let hit: Bool
                    if let fb = r.box, fb.width > 0, let lb = boxes[i] {
                        hit = lb.y < fb.y + fb.height && fb.y < lb.y + lb.height && lb.x < fb.x + fb.width && fb.x < lb.x + lb.width
                    } else {
                        let raw = r.raw.trimmingCharacters(in: .whitespaces)
                        hit = !raw.isEmpty && text.contains(raw)
                    }
                    if hit, !(marks[String(i)] ?? []).contains(field) { marks[String(i), default: []].append(field) }
                }
            }
            return ["index": page.index, "lines": lines, "marks": marks]
        }
        return ["pages": pages]
    }
}
