import Foundation
import LifecertDocuments
import LifecertDomain
import LifecertForms

/// One certificate (or one non-certificate) found in a file.
public struct FoundDocument: @unchecked Sendable {
    /// 0-based indices of the file's pages that belong to it (a cover letter is attached to the certificate).
    public let pages: [Int]
    public let template: FormTemplate?
    public let extraction: ExtractedCertificate
    /// The recognised pages (for `forms explain` and the reviewer's OCR view).
    public let recognized: [RecognizedPage]
}

/// What became of one file.
public struct FileOutcome: @unchecked Sendable {
    public let path: String
    public let format: ScanFormat?
    public let pageCount: Int
    public let documents: [FoundDocument]
    /// Set when the file could not be read; `documents` is then empty.
    public let error: ScanError?
    public let seconds: Double

    public init(path: String, format: ScanFormat?, pageCount: Int, documents: [FoundDocument], error: ScanError?, seconds: Double) {
        self.path = path
        self.format = format
        self.pageCount = pageCount
        self.documents = documents
        self.error = error
        self.seconds = seconds
    }
}

/// Reads files end to end — pages, straightening, OCR in two passes, recognising the form,
/// reading its fields — with pages in parallel on all cores. Touches no store.
///
/// Contract: every file given yields exactly one ``FileOutcome``, in the order given, whatever is
/// wrong with it; a bad file never stops the others.
public struct IntakePipeline: Sendable {
    public let forms: FormLibrary
    public let scanReader: ScanReader
    public let pageReader: PageReader
    public let workers: Int
    public let today: LocalDate

    public init(forms: FormLibrary, pool: OCRPool = OCRPool(), workers: Int = ProcessInfo.processInfo.activeProcessorCount,
                today: LocalDate, scanReader: ScanReader = ScanReader()) {
        self.forms = forms
        self.scanReader = scanReader
        self.pageReader = PageReader(pool: pool)
        self.workers = max(1, workers)
        self.today = today
    }

    /// Reads the files a few at a time (bounded memory), calling `each` with every outcome in order.
    /// `bytesOf` supplies a file's bytes (intake passes the bytes it archived).
    public func process(_ paths: [String], bytesOf: (String) throws -> [UInt8], each: (FileOutcome) throws -> Void) rethrows {
        let window = max(4, workers * 4)
        var start = 0
        while start < paths.count {
            let chunk = Array(paths[start..<min(paths.count, start + window)])
            start += window
            // 1. Read every file's pages (fast; sequential keeps poppler documents on one thread).
            var loaded: [(path: String, format: ScanFormat?, pages: [ScanPage], error: ScanError?, began: Date)] = []
            for path in chunk {
                let began = Date()
                do {
                    let bytes = try bytesOf(path)
                    let (format, pages) = try scanReader.read(bytes, name: path)
                    loaded.append((path, format, pages, nil, began))
                } catch let e as ScanError {
                    loaded.append((path, nil, [], e, began))
                } catch {
                    loaded.append((path, nil, [], .unreadable(path, detail: "\(error)"), began))
                }
            }
            // 2. OCR every page of the window in parallel.
            let jobs = loaded.enumerated().flatMap { (f, l) in l.pages.indices.map { (f, $0) } }
            let jobPages = jobs.map { WorkerPage(page: loaded[$0.0].pages[$0.1]) }
            let results = PageResults(count: jobs.count)
            let pipeline = self
            DispatchQueue.concurrentPerform(iterations: jobs.count) { j in
                results.set(j, pipeline.readPage(jobPages[j].page))
            }
            // 3. Group pages into documents and read their fields, file by file, in order.
            for (f, l) in loaded.enumerated() {
                if let e = l.error {
                    try each(FileOutcome(path: l.path, format: l.format, pageCount: 0, documents: [], error: e,
                                         seconds: Date().timeIntervalSince(l.began)))
                    continue
                }
                let pages = jobs.enumerated().filter { $0.element.0 == f }.map { results.get($0.offset)! }
                if let failure = pages.compactMap(\.failure).first {
                    try each(FileOutcome(path: l.path, format: l.format, pageCount: l.pages.count, documents: [],
                                         error: .unreadable(l.path, detail: failure), seconds: Date().timeIntervalSince(l.began)))
                    continue
                }
                let docs = documents(from: pages)
                try each(FileOutcome(path: l.path, format: l.format, pageCount: l.pages.count, documents: docs, error: nil,
                                     seconds: Date().timeIntervalSince(l.began)))
            }
        }
    }

    /// Recognises and reads documents in text that was already recognised elsewhere (e.g. the plain
    /// `tesseract` CLI's output, for the benchmark's anchor): one page per element.
    public func documents(fromText pages: [RecognizedPage]) -> [FoundDocument] {
        documents(from: pages.map { PageResult(page: $0, template: forms.classify([$0]).template) })
    }

    /// `LIFECERT_TIMING=1` prints each page's stage times on standard error (for profiling).
    static let timing = ProcessInfo.processInfo.environment["LIFECERT_TIMING"] == "1"

    /// Languages of the second look at a page the first pass could not place.
    static let traditionalPass = "chi_tra+eng"

    /// A page read with the languages of the form it looks like.
    struct PageResult: @unchecked Sendable {
        var page: RecognizedPage
        var template: FormTemplate?
        var failure: String?
        /// The straightened image the words' boxes refer to (for re-reading a field).
        var image: GrayImage?
    }

    func readPage(_ scanPage: ScanPage) -> PageResult {
        if let text = scanPage.textLayer {
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            let page = RecognizedPage(index: scanPage.index, width: 0, height: 0, source: .textLayer, words: [],
                                      text: lines.joined(separator: "\n"), languages: "")
            return PageResult(page: page, template: forms.classify([page]).template)
        }
        guard let image = scanPage.image else {
            return PageResult(page: RecognizedPage(index: scanPage.index, width: 0, height: 0, source: .ocr, words: [], text: "", languages: ""),
                              template: nil, failure: "page \(scanPage.index + 1) has neither an image nor text")
        }
        do {
            let t0 = Date()
            let prepared = try pageReader.prepare(image, index: scanPage.index)
            defer {
                if Self.timing {
                    FileHandle.standardError.write(Data("timing page \(scanPage.index): deskew \(String(format: "%.2f", prepared.deskewSeconds)) s, quick \(String(format: "%.2f", prepared.quickSeconds)) s, total \(String(format: "%.2f", Date().timeIntervalSince(t0))) s\n".utf8))
                }
            }
            var reading = prepared.quick
            var found = forms.classify([reading]).template
            if found == nil && !prepared.quick.words.isEmpty {
                // Not a simplified-Chinese or English form: before calling the page "not a
                // certificate", read it in traditional Chinese too.
                reading = try pageReader.read(prepared, index: scanPage.index, languages: Self.traditionalPass)
                found = forms.classify([reading]).template
            }
            guard let template = found else {
                return PageResult(page: reading, template: nil, image: prepared.image)  // cover letter, envelope, blank page
            }
            // Reuse the reading when it used every language the form needs (and so no other Chinese
            // script than the form's own).
            if Set(template.languages.split(separator: "+")).isSubset(of: Set(reading.languages.split(separator: "+"))) {
                return PageResult(page: reading, template: template, image: prepared.image)
            }
            let full = try pageReader.read(prepared, index: scanPage.index, languages: template.languages)
            // The full reading decides; when it no longer looks like that form, keep the quick verdict.
            let confirmed = forms.classify([full]).template ?? template
            return PageResult(page: full, template: confirmed, image: prepared.image)
        } catch {
            return PageResult(page: RecognizedPage(index: scanPage.index, width: 0, height: 0, source: .ocr, words: [], text: "", languages: ""),
                              template: nil, failure: "\(error)")
        }
    }

    /// Certificates start at a page a template fits; pages that fit none join the nearest
    /// certificate in the same file (cover letter before it, second half after it). A file with no
    /// certificate page is one document of kind `none`.
    func documents(from pages: [PageResult]) -> [FoundDocument] {
        let starts = pages.indices.filter { pages[$0].template != nil }
        guard !starts.isEmpty else {
            let recognized = pages.map(\.page)
            return [FoundDocument(pages: pages.indices.map { $0 }, template: nil,
                                  extraction: ExtractedCertificate.notACertificate(pages: recognized), recognized: recognized)]
        }
        var docs: [FoundDocument] = []
        for (n, s) in starts.enumerated() {
            let from = n == 0 ? 0 : s
            let to = n + 1 < starts.count ? starts[n + 1] : pages.count
            // Pages of the same form right after the first are its continuation; others are attachments.
            let group = Array(from..<to)
            let template = pages[s].template!
            let certificateIndices = group.filter { pages[$0].template == nil || pages[$0].template?.id == template.id }
                .filter { $0 >= s }
            let certificatePages = certificateIndices.map { pages[$0].page }
            var extraction = forms.extract(template, pages: certificatePages, today: today)
            if extraction.ids.contains(where: { !$0.valid }) {
                var images: [Int: GrayImage] = [:]
                for i in certificateIndices { if let img = pages[i].image { images[pages[i].page.index] = img } }
                extraction = rereadIdentityNumbers(extraction, template: template, pages: certificatePages, images: images)
            }
            docs.append(FoundDocument(pages: group, template: template, extraction: extraction, recognized: group.map { pages[$0].page }))
        }
        return docs
    }
}

extension IntakePipeline {
    /// Characters each identity number type may contain (Tesseract's whitelist for a re-reading).
    static func whitelist(_ type: IdentityType) -> String {
        switch type {
        case .mainlandResidentID, .residencePermit: return "0123456789X"
        case .macaoID: return "0123456789()"
        case .hongKongID: return "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789()"
        default: return "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
        }
    }

    /// Re-reads, alone and with only the characters its type allows (PSM 7, one line), each identity
    /// number that failed its check on the page reading. When the second reading passes, the page
    /// text is corrected there and the fields are read again, with an `id_reread` flag saying so;
    /// otherwise nothing changes and the original flag stands. Never guesses a digit.
    func rereadIdentityNumbers(_ extraction: ExtractedCertificate, template: FormTemplate, pages: [RecognizedPage],
                               images: [Int: GrayImage]) -> ExtractedCertificate {
        var pages = pages
        var notes: [CertificateFlag] = []
        for (i, id) in extraction.ids.enumerated() where !id.valid && i < extraction.idReadings.count {
            let r = extraction.idReadings[i]
            guard let box = r.box, let image = images[r.page], box.width > 0,
                  let p = pages.firstIndex(where: { $0.index == r.page }) else { continue }
            let pad = max(8, box.height / 2)
            let x = max(0, box.x - pad), y = max(0, box.y - pad / 2)
            let region = PageBox(x: x, y: y, width: min(image.width - x, box.width + 2 * pad),
                                 height: min(image.height - y, box.height + pad))
            guard let words = try? pageReader.pool.withEngine("eng", {
                $0.recognizeRegion(image, box: region, mode: .singleLine, whitelist: Self.whitelist(id.type))
            }) else { continue }
            let text = words.map(\.text).joined()
            let check = IdentityNumbers.check(text, as: id.type, today: today)
            guard check.isValid, check.key != id.number, pages[p].text.contains(r.raw) else { continue }
            pages[p].text = pages[p].text.replacingOccurrences(of: r.raw, with: check.display)
            notes.append(CertificateFlag(code: .idReread, field: "ids", severity: .info,
                message: "The \(id.type.rawValue) failed its check on the page reading and was read again on its own: \(IdentityNumbers.mask(check.key)) passes. Compare it with the scan."))
        }
        guard !notes.isEmpty else { return extraction }
        var again = forms.extract(template, pages: pages, today: today)
        again.flags += notes
        return again
    }
}

/// A page handed to a worker thread (each page is read by exactly one worker).
struct WorkerPage: @unchecked Sendable {
    let page: ScanPage
}

/// Results written by parallel workers, one slot each.
final class PageResults: @unchecked Sendable {
    private var slots: [IntakePipeline.PageResult?]
    private let lock = NSLock()
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ r: IntakePipeline.PageResult) { lock.lock(); slots[i] = r; lock.unlock() }
    func get(_ i: Int) -> IntakePipeline.PageResult? { lock.lock(); defer { lock.unlock() }; return slots[i] }
}
