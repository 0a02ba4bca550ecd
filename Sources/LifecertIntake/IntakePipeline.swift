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

    /// Languages of the second look at a page the first pass (traditional Chinese) could not place:
    /// simplified Chinese and English, before the page is called "not a certificate".
    static let secondLook = "chi_sim+eng"

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
                // Before calling the page "not a certificate", read it in simplified Chinese and English too.
                reading = try pageReader.read(prepared, index: scanPage.index, languages: Self.secondLook)
                found = forms.classify([reading]).template
            }
            guard let template = found else {
                return PageResult(page: reading, template: nil, image: prepared.image)  // cover letter, envelope, blank page
            }
            // A form printed in Chinese keeps the Chinese reading: its Latin-letter fields are read
            // again by region afterwards (`rereadFields`). Only a form with no Chinese at all (a
            // foreign notary's English certificate) is read again whole, in its own languages.
            if template.languages.contains("chi_") || Set(template.languages.split(separator: "+")).isSubset(of: Set(reading.languages.split(separator: "+"))) {
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
            var images: [Int: GrayImage] = [:]
            for i in certificateIndices { if let img = pages[i].image { images[pages[i].page.index] = img } }
            if !images.isEmpty {
                extraction = rereadFields(extraction, template: template, pages: certificatePages, images: images)
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

    /// Characters a date written 年…月…日 may contain.
    static let dateWhitelist = "〇○O零一二三四五六七八九十廿卅年月日0123456789"

    /// Runs of words on one line that look like a 年…月…日 date (up to four short words before 年,
    /// then 年 … 月 … 日 within ten words) but do not read as one (`minguo`: a year of one to three
    /// digits is a Minguo year, as on a Taiwan form).
    static func unreadDateSpans(_ words: [RecognizedWord], minguo: Bool) -> [[RecognizedWord]] {
        let numeralish: (String) -> Bool = { w in
            w.count <= 4 && w.allSatisfy { $0.isASCII ? ($0.isLetter || $0.isNumber) : "〇零一二三四五六七八九十廿卅○".contains($0) }
        }
        var spans: [[RecognizedWord]] = []
        for (k, w) in words.enumerated() where w.text.hasSuffix("年") {
            var start = k
            if w.text == "年" {
                while start > 0, k - start < 4, words[start - 1].line == w.line, numeralish(words[start - 1].text) { start -= 1 }
            }
            guard start < k || w.text.count > 1 else { continue }
            var end = k + 1
            var sawMonth = false
            while end < words.count, end - k <= 10, words[end].line == w.line {
                if words[end].text.contains("月") { sawMonth = true }
                if sawMonth, words[end].text.hasSuffix("日") { break }
                end += 1
            }
            guard end < words.count, words[end].line == w.line, words[end].text.hasSuffix("日"), sawMonth else { continue }
            let span = Array(words[start...end])
            let text = span.map(\.text).joined()
            if DateReader.read(text, order: .ymd, minguo: minguo) == nil { spans.append(span) }
        }
        return spans
    }

    /// Where `target`'s characters are within `words` (a reading of the field's line, which may
    /// hold more than the field: 兹證明鄧平（男 for the name 邓平): the run of `target.count`
    /// characters that agrees most with `target` (folded to simplified; at least one must agree),
    /// a word's box shared evenly among its characters (Chinese type is set on a fixed pitch). Nil
    /// when no run fits.
    static func characterBox(of target: String, in words: [RecognizedWord]) -> PageBox? {
        var chars: [(Character, PageBox)] = []
        for w in words {
            let cs = Array(FormText.foldedString(w.text).filter { !$0.isWhitespace })
            guard !cs.isEmpty, w.box.width > 0 else { continue }
            let step = Double(w.box.width) / Double(cs.count)
            for (i, c) in cs.enumerated() {
                let x = w.box.x + Int((Double(i) * step).rounded())
                let next = w.box.x + Int((Double(i + 1) * step).rounded())
                chars.append((c, PageBox(x: x, y: w.box.y, width: max(1, next - x), height: w.box.height)))
            }
        }
        let t = Array(FormText.foldedString(target).filter { !$0.isWhitespace })
        guard !t.isEmpty, chars.count >= t.count else { return nil }
        var best: (agree: Int, start: Int)?
        for start in 0...(chars.count - t.count) {
            let agree = (0..<t.count).filter { chars[start + $0].0 == t[$0] }.count
            if best == nil || agree > best!.agree { best = (agree, start) }
        }
        guard let best, best.agree >= 1 else { return nil }
        let run = chars[best.start..<(best.start + t.count)].map(\.1)
        return run.dropFirst().reduce(run[0]) { $0.union($1) }
    }

    /// A field's box with a margin (half its height each side, a quarter above and below), inside
    /// the image: the region a second reading of its line looks at.
    static func lineRegion(_ box: PageBox, in image: GrayImage) -> PageBox {
        let pad = max(8, box.height / 2)
        let x = max(0, box.x - pad), y = max(0, box.y - pad / 2)
        return PageBox(x: x, y: y, width: min(image.width - x, box.width + 2 * pad), height: min(image.height - y, box.height + pad))
    }

    /// `text` with a letter O right after its leading letters (one, or two where the second is
    /// the O) read as the digit 0 when only digits and brackets follow: RO39436(9) → R039436(9).
    /// Empty when there is no such O. Used only for a number that failed its check, whose check
    /// then decides.
    static func zeroForO(_ text: String) -> String {
        let chars = Array(text)
        guard let o = chars.firstIndex(of: "O"), o >= 1, o <= 2,
              chars[..<o].allSatisfy({ $0.isASCII && $0.isLetter }),
              chars[(o + 1)...].contains(where: \.isNumber),
              chars[(o + 1)...].allSatisfy({ $0.isNumber || "()（）".contains($0) }) else { return "" }
        var out = chars
        out[o] = "0"
        return String(out)
    }

    /// One Chinese character, then five or more digits (and perhaps a closing bracket).
    static func looksLikeMisreadPrefix(_ word: String) -> Bool {
        let chars = Array(word)
        guard chars.count >= 6, let first = chars.first, !first.isASCII, first.isLetter else { return false }
        let rest = chars.dropFirst().filter { $0 != ")" && $0 != "）" }
        return rest.count >= 5 && rest.allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// Latin letters a name printed in Latin script may use (Portuguese forms add their accents).
    static func latinNameWhitelist(portuguese: Bool) -> String {
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz -'," + (portuguese ? "ÁÂÃÀÇÉÊÍÓÔÕÚÜáâãàçéêíóôõúü" : "")
    }

    /// Re-reads by region, with a Latin-script model and one line at a time (PSM 7), the fields the
    /// page's Chinese reading is weakest at:
    /// - the name in Latin letters, always (in Portuguese on Macao forms, else English);
    /// - a certificate number written in Latin letters and digits;
    /// - each identity number that failed its check, and each number of a type with no check digit
    ///   (passports, permits), with only the characters its type allows.
    ///
    /// A second reading is used only when it is well formed: a Latin name of letters only, an
    /// identity number that passes its check (or, without a check digit, its pattern). The page
    /// text is corrected there and the fields are read again, with an `id_reread` flag for each
    /// number so changed; otherwise nothing changes and the original flag stands. Never guesses a digit.
    func rereadFields(_ extraction: ExtractedCertificate, template: FormTemplate, pages: [RecognizedPage],
                      images: [Int: GrayImage]) -> ExtractedCertificate {
        var pages = pages
        var notes: [CertificateFlag] = []
        var changed = false
        /// One line read again: the box with a margin, one engine for `languages`, PSM 7.
        func reread(_ box: PageBox, in image: GrayImage, _ languages: String, whitelist: String? = nil) -> [RecognizedWord]? {
            let region = Self.lineRegion(box, in: image)
            return try? pageReader.pool.withEngine(languages) { $0.recognizeRegion(image, box: region, mode: .singleLine, whitelist: whitelist) }
        }
        /// The same line, cut out and enlarged twice before it is read (thin strokes and touching
        /// characters separate).
        func rereadEnlarged(_ box: PageBox, in image: GrayImage, _ languages: String, whitelist: String? = nil) -> [RecognizedWord]? {
            guard let big = image.cropped(Self.lineRegion(box, in: image))?.scaled(2) else { return nil }
            return try? pageReader.pool.withEngine(languages) {
                $0.recognizeRegion(big, box: PageBox(x: 0, y: 0, width: big.width, height: big.height), mode: .singleLine, whitelist: whitelist)
            }
        }
        // Letters the Chinese model took for one character in front of a number (EJ4356472 read as
        // 日4356472): such a word is read again with the Latin model, and used when it reads as
        // letters and digits only. (A label run into its number, 护照号码EJ4356472, is left alone.)
        for p in pages.indices {
            guard let image = images[pages[p].index] else { continue }
            let ws = pages[p].words
            for (k, w) in ws.enumerated() {
                // One word (日4356472), or a one-character word and a number beside it (日 4356472).
                var word = w
                var printed = w.text
                if !Self.looksLikeMisreadPrefix(w.text) {
                    guard w.text.count == 1, k + 1 < ws.count, ws[k + 1].line == w.line,
                          Self.looksLikeMisreadPrefix(w.text + ws[k + 1].text) else { continue }
                    let n = ws[k + 1]
                    word.box = w.box.union(n.box)
                    printed = w.text + " " + n.text
                }
                guard word.box.width > 0, let words = reread(word.box, in: image, "eng", whitelist: "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789()") else { continue }
                let text = words.map(\.text).joined()
                let digits = printed.filter { $0.isASCII && !$0.isWhitespace }
                guard text.hasSuffix(digits), text.count > digits.count, text.count <= digits.count + 2,
                      text.dropLast(digits.count).allSatisfy(\.isLetter) else { continue }
                pages[p].text = pages[p].text.replacingOccurrences(of: printed, with: text)
                changed = true
            }
        }
        // Dates written 年…月…日 that do not read as a date (二co二六年, 三G二六年十一月…): the span is
        // read again by the Chinese model allowed only numerals and 年月日, and used when that
        // reads as a real date. (A date that reads already is never touched.)
        for p in pages.indices {
            guard let image = images[pages[p].index] else { continue }
            for span in Self.unreadDateSpans(pages[p].words, minguo: template.calendar == .minguo) {
                let printed = span.map(\.text).joined(separator: " ")
                let box = span.dropFirst().reduce(span[0].box) { $0.union($1.box) }
                guard box.width > 0, pages[p].text.contains(printed) else { continue }
                // Two second opinions, in order: the traditional model held to numerals, then the
                // simplified model unrestricted; the first that reads as a real date is taken.
                let attempts: [(String, String?)] = [("chi_tra", Self.dateWhitelist), ("chi_sim", nil)]
                var read: String?
                for (lang, whitelist) in attempts {
                    guard let words = reread(box, in: image, lang, whitelist: whitelist) else { continue }
                    let text = words.map(\.text).joined()
                    // Same length as printed: a character may be read differently, none dropped or
                    // added (a dropped 十 turns 十一月十日 into a real but wrong 一月一日).
                    if text.count == printed.filter({ !$0.isWhitespace }).count,
                       DateReader.read(text, order: template.dateOrder, minguo: template.calendar == .minguo) != nil { read = text; break }
                }
                guard let text = read else { continue }
                pages[p].text = pages[p].text.replacingOccurrences(of: printed, with: text)
                changed = true
            }
        }
        // The Chinese name: read again by region with both Chinese models together, and each
        // character decided by a vote of the two readings weighted by their confidences. Measured
        // on the benchmark's damaged scans, this took names read right from 75% to 83%
        // (docs/BENCHMARKS.md). Where the readings differ, a flag shows the reviewer both.
        var votedName: (was: String, now: String)?
        if let r = extraction.name, let box = r.box, box.width > 0, let image = images[r.page],
           let p = pages.firstIndex(where: { $0.index == r.page }),
           let second = reread(box, in: image, "chi_sim+chi_tra") {
            let first = pages[p].words.filter { box.contains($0.box, slack: 3) }
            if let vote = NameVote.decide(printed: r.value, first: first, second: second) {
                if vote.name != r.value { votedName = (r.value, vote.name) }
                if vote.disputed {
                    notes.append(CertificateFlag(code: .nameUncertain, field: "name", severity: .info,
                        message: "The name was read two ways (\(vote.readings.joined(separator: " / "))); \(vote.name) has the more confident characters. Compare it with the scan."))
                }
            }
        }
        // Then each character of the name against its printed shape (NameShapes): the models
        // misread some name characters whatever the scan, and no second reading has them right.
        if let r = extraction.name, let box = r.box, box.width > 0, let image = images[r.page] {
            let current = votedName?.now ?? r.value
            // The page's own words: a region's second reading gives unreliable word boxes.
            let line = pages.first(where: { $0.index == r.page }).map { pg in pg.words.filter { box.contains($0.box, slack: 3) } } ?? []
            let boxes = Self.characterBox(of: current, in: line).flatMap { image.characterCells(around: $0, count: current.count) } ?? []
            let cells = boxes.compactMap { image.glyphShape(in: $0) }
            if !boxes.isEmpty, cells.count == boxes.count {
                if ProcessInfo.processInfo.environment["LIFECERT_EXPLAIN_NAME_SHAPES"] != nil {
                    notes.append(CertificateFlag(code: .nameShape, field: "name", severity: .info,
                        message: "explain: " + NameShapes.shared.explain(current, cells: cells)))
                }
                let started = Date()
                let checked = NameShapes.shared.check(current, cells: cells)
                if Self.timing {
                    FileHandle.standardError.write(Data("timing name shapes: \(String(format: "%.2f", Date().timeIntervalSince(started))) s\n".utf8))
                }
                if !checked.changes.isEmpty {
                    votedName = (r.value, checked.name)
                    let what = checked.changes.map { "\($0.read) → \($0.shape)" }.joined(separator: ", ")
                    notes.append(CertificateFlag(code: .nameShape, field: "name", severity: .info,
                        message: "The name was read as \(current); by the printed shapes of its characters it is \(checked.name) (\(what)). Compare it with the scan."))
                }
            }
        }
        // The name in Latin letters.
        let portuguese = template.languages.contains("por")
        if let r = extraction.nameLatin, let box = r.box, box.width > 0, let image = images[r.page],
           let p = pages.firstIndex(where: { $0.index == r.page }), !r.raw.isEmpty, pages[p].text.contains(r.raw),
           let words = reread(box, in: image, portuguese ? "por" : "eng", whitelist: Self.latinNameWhitelist(portuguese: portuguese)) {
            // The region may take in a neighbouring Chinese word, which the Latin model reads as
            // letters: only as many words as the first reading had are taken, from the end, and
            // only when each is letters alone and about as long as the word it replaces.
            let was = r.raw.split(separator: " ")
            let now = words.map(\.text).joined(separator: " ").split(separator: " ").suffix(was.count)
            if now.count == was.count,
               zip(was, now).allSatisfy({ $1.allSatisfy { $0.isLetter || "-'’,".contains($0) } && abs($0.count - $1.count) <= 2 }) {
                let text = now.joined(separator: " ")
                if text != r.raw {
                    pages[p].text = pages[p].text.replacingOccurrences(of: r.raw, with: text)
                    changed = true
                }
            }
        }
        // A certificate number in Latin letters and digits (FTU-2026-338316, IAM/2026/696423): read
        // again with the Latin model, held to the characters such numbers use.
        if let r = extraction.certificateNo, r.value.allSatisfy({ $0.isASCII }), let box = r.box, box.width > 0,
           let image = images[r.page], let p = pages.firstIndex(where: { $0.index == r.page }), !r.raw.isEmpty,
           pages[p].text.contains(r.raw),
           let words = reread(box, in: image, "eng", whitelist: "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/-.") {
            var text = words.map(\.text).joined()
            // The letters in front (IAM, FTU, N) are the form's own and were read right; the region's
            // margin may add a stray letter before them (JIAM/…), which is dropped. Then the second
            // reading must have the same shape: the same letters in front, as many separators,
            // about as long — only digits may change.
            let prefix = String(r.raw.prefix { $0.isLetter })
            if !prefix.isEmpty, let at = text.range(of: prefix), text.distance(from: text.startIndex, to: at.lowerBound) <= 2 {
                text = String(text[at.lowerBound...])
            }
            let separators: (String) -> Int = { $0.filter { "/-.".contains($0) }.count }
            if text != r.raw, text.count >= 3, abs(text.count - r.raw.count) <= 2, separators(text) == separators(r.raw),
               String(text.prefix { $0.isLetter }) == prefix {
                pages[p].text = pages[p].text.replacingOccurrences(of: r.raw, with: text)
                changed = true
            }
        }
        // Identity numbers: read again on their own, held to the characters their type allows,
        // once as printed and once enlarged twice.
        // - One that failed its check takes the first second reading that passes it.
        // - One with no check digit (a passport, a permit) whose page reading already fits its
        //   pattern is changed only when both second readings agree on another number: one
        //   second reading alone is no better evidence than the page's (it has turned a right
        //   M83455715 into M83459715).
        for (i, id) in extraction.ids.enumerated() where (!id.valid || !id.type.hasCheckDigit) && i < extraction.idReadings.count {
            let r = extraction.idReadings[i]
            guard let box = r.box, let image = images[r.page], box.width > 0,
                  let p = pages.firstIndex(where: { $0.index == r.page }), pages[p].text.contains(r.raw) else { continue }
            let whitelist = Self.whitelist(id.type)
            // A failing number may also be tried with a letter O read as the digit 0 right after
            // its letters (R039436(9) read RO39436(9)): its check digit decides, as for any
            // second reading.
            func passing(_ words: [RecognizedWord]?) -> IdentityCheck? {
                guard let text = words?.map(\.text).joined() else { return nil }
                let tried = id.valid ? [text] : [text, Self.zeroForO(text)].filter { !$0.isEmpty }
                return tried.map { IdentityNumbers.check($0, as: id.type, today: today) }.first { $0.isValid && $0.key != id.number }
            }
            // The enlarged reading is made only when the plain one did not settle it (it costs a
            // second OCR of the region).
            let plain = passing(reread(box, in: image, "eng", whitelist: whitelist))
            let chosen: IdentityCheck?
            if !id.valid {
                chosen = plain ?? passing(rereadEnlarged(box, in: image, "eng", whitelist: whitelist))
            } else if let plain, let enlarged = passing(rereadEnlarged(box, in: image, "eng", whitelist: whitelist)),
                      enlarged.key == plain.key {
                chosen = plain
            } else {
                chosen = nil
            }
            guard let check = chosen else { continue }
            pages[p].text = pages[p].text.replacingOccurrences(of: r.raw, with: check.display)
            changed = true
            notes.append(CertificateFlag(code: .idReread, field: "ids", severity: .info,
                message: id.valid
                    ? "The \(id.type.rawValue) was read again on its own twice, in Latin letters and digits only, both times as \(IdentityNumbers.mask(check.key)) (it has no check digit). Compare it with the scan."
                    : "The \(id.type.rawValue) failed its check on the page reading and was read again on its own: \(IdentityNumbers.mask(check.key)) passes. Compare it with the scan."))
        }
        func withVote(_ e: ExtractedCertificate) -> ExtractedCertificate {
            var e = e
            if let v = votedName, e.name?.value == v.was { e.name?.value = v.now }
            e.flags += notes
            return e
        }
        guard changed else { return withVote(extraction) }
        var again = forms.extract(template, pages: pages, today: today)
        // A second reading may only add or correct: a field it loses keeps the first reading.
        if again.nameLatin == nil, extraction.nameLatin != nil {
            again.nameLatin = extraction.nameLatin
            again.flags.removeAll { $0.code == .missingField && $0.field == "name_latin" }
        }
        if again.ids.count < extraction.ids.count { return withVote(extraction) }
        return withVote(again)
    }
}

/// A per-character vote between two readings of a Chinese name.
enum NameVote {
    struct Result: Equatable {
        /// The name, in simplified characters.
        var name: String
        /// True when the readings differ in at least one character.
        var disputed: Bool
        var readings: [String]
    }

    /// Han characters of `words`, each with its word's confidence, folded to simplified.
    static func characters(_ words: [RecognizedWord]) -> [(Character, Double)] {
        words.flatMap { w in
            FormText.foldedString(w.text).filter { $0.unicodeScalars.first?.properties.isIdeographic == true }.map { ($0, w.confidence) }
        }
    }

    /// Aligns each reading to the printed value (the window of the same length that agrees with
    /// it most) and takes, per character, the one with the higher total confidence. Nil when a
    /// reading lacks characters to align.
    static func decide(printed: String, first: [RecognizedWord], second: [RecognizedWord]) -> Result? {
        let target = Array(printed)
        let n = target.count
        guard n >= 2 else { return nil }
        func window(_ cs: [(Character, Double)]) -> [(Character, Double)]? {
            guard cs.count >= n else { return nil }
            var best: (Int, ArraySlice<(Character, Double)>)?
            for i in 0...(cs.count - n) {
                let w = cs[i..<(i + n)]
                let score = zip(w, target).filter { $0.0.0 == $0.1 }.count
                if best == nil || score > best!.0 { best = (score, w) }
            }
            return best.map { Array($0.1) }
        }
        guard let a = window(characters(first)) else { return nil }
        guard let b = window(characters(second)) else {
            return Result(name: String(a.map(\.0)), disputed: false, readings: [String(a.map(\.0))])
        }
        var name = ""
        for i in 0..<n {
            if a[i].0 == b[i].0 { name.append(a[i].0) } else { name.append(a[i].1 >= b[i].1 ? a[i].0 : b[i].0) }
        }
        let ra = String(a.map(\.0)), rb = String(b.map(\.0))
        return Result(name: name, disputed: ra != rb, readings: ra == rb ? [ra] : [ra, rb])
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
