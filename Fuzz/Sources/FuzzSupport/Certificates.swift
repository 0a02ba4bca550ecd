import Foundation
import LifecertDomain
import LifecertForms

/// OCR-like pages from text: pages split at form feeds (at most four), words at spaces, each with
/// a box on its line and a confidence taken from its length (so low-confidence flags occur too).
public func ocrPages(_ text: String) -> [RecognizedPage] {
    text.split(separator: "\u{0C}", omittingEmptySubsequences: false).prefix(4).enumerated().map { (index, pageText) in
        var words: [RecognizedWord] = []
        for (li, line) in pageText.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            var x = 0
            for w in line.split(separator: " ") {
                words.append(RecognizedWord(text: String(w), confidence: Double((w.count * 37) % 101), box: PageBox(x: x, y: li * 40, width: w.count * 20, height: 30), line: li))
                x += w.count * 20 + 10
            }
        }
        return RecognizedPage(index: index, width: 2480, height: 3508, source: .ocr, words: words, text: String(pageText), languages: "chi_tra")
    }
}

/// The invariants of anything read off pages: values carry no NUL or other control character,
/// confidences lie in 0…1, dates are real ISO dates, sex is M or F, an identity number marked valid
/// passes its check again as its type with the same key, and the result encodes as JSON.
public func checkCertificate(_ c: ExtractedCertificate, today: LocalDate) {
    let fields: [(FieldName, FieldReading?)] = FieldName.allCases.filter { $0 != .ids }.map { ($0, c.reading($0)) }
    for (name, reading) in fields {
        guard let r = reading else { continue }
        require(!r.value.isEmpty, "\(name) read as an empty value")
        for s in [r.value, r.raw] {
            require(!s.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }, "\(name) holds a control character: \(s.debugDescription)")
        }
        require(r.confidence >= 0 && r.confidence <= 1, "\(name) confidence \(r.confidence)")
        switch name {
        case .birthDate, .appearedOn, .issuedOn:
            require(LocalDate(iso: r.value) != nil, "\(name) '\(r.value)' is not an ISO date")
        case .sex:
            require(r.value == "M" || r.value == "F", "sex '\(r.value)'")
        default:
            break
        }
    }
    require(c.ids.count == c.idReadings.count, "ids and their readings differ in number")
    for id in c.ids {
        require(!id.number.unicodeScalars.contains { $0.value < 0x20 }, "id holds a control character")
        if id.valid {
            let again = IdentityNumbers.check(id.number, as: id.type, today: today)
            require(again.isValid && again.key == id.number, "id \(id.type.rawValue) \(id.number) marked valid fails again: \(again.summary)")
        }
    }
    for r in c.idReadings { require(r.confidence >= 0 && r.confidence <= 1, "id confidence \(r.confidence)") }
    do {
        _ = try c.jsonData()
        _ = try JSONEncoder().encode(CertificateJSON(c))
    } catch {
        require(false, "the certificate does not encode as JSON: \(error)")
    }
}
