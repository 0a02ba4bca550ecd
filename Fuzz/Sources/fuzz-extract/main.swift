import Foundation
import FuzzSupport
import LifecertDomain
import LifecertForms

// The classifier and field extractor (Sources/LifecertForms/Classification.swift, Extraction.swift)
// with the shipped templates in forms/, on OCR-like text: the input is the text of up to four pages
// (split at form feeds), words at spaces. Invariants: the chosen template is one of the library's;
// what is read satisfies the reading invariants (FuzzSupport/Certificates.swift); the explanation
// and per-page classification do not fail.

let today = LocalDate(year: 2026, month: 11, day: 30)!
let formsFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("forms").path
let library: FormLibrary = {
    guard let l = try? FormLibrary.load(folder: ProcessInfo.processInfo.environment["LIFECERT_FORMS"] ?? formsFolder, strict: true),
          !l.templates.isEmpty else {
        fatalError("cannot load the templates from \(formsFolder) (set LIFECERT_FORMS)")
    }
    return l
}()
let ids = Set(library.templates.map(\.id))

func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: bytes(data, size), as: UTF8.self)
    let pages = ocrPages(text)
    let reading = library.read(pages, today: today)
    if let form = reading.classification.form { require(ids.contains(form), "classified as unknown form \(form)") }
    require(reading.classification.score.isFinite, "score \(reading.classification.score)")
    checkCertificate(reading.certificate, today: today)
    if ProcessInfo.processInfo.environment["FUZZ_EXPLAIN"] != nil {
        for c in library.classifyEach(pages) { if let form = c.form { require(ids.contains(form), "unknown form \(form)") } }
        _ = library.explain(pages)
    }
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func LLVMFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt { fuzzOne(data, size) }

_ = library
runFuzzer { fuzzOne($0, $1) }
