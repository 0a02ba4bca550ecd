import ArgumentParser
import Crypto
import Foundation
import LifecertDocuments
import LifecertDomain
import LifecertForms
import LifecertIntake
import LifecertMatching
import LifecertQueue
import LifecertStore

/// Options for commands that read scans.
struct ScanOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The folder of form templates (default ./forms, or $LIFECERT_FORMS).", valueName: "dir"))
    var forms: String?

    @Option(help: "OCR worker threads (default: one per core).")
    var workers: Int?

    var formsFolder: String {
        forms ?? ProcessInfo.processInfo.environment["LIFECERT_FORMS"] ?? "forms"
    }

    func loadForms() throws -> FormLibrary {
        guard FileManager.default.fileExists(atPath: formsFolder) else {
            throw fail("the form templates folder \(formsFolder) does not exist; run from the lifecert folder or pass --forms DIR", .badInput)
        }
        do {
            let library = try FormLibrary.load(folder: formsFolder)
            // A broken or hostile template is left out; say so, so that no one wonders why a kind
            // of certificate is never recognised.
            for p in library.problems where p.severity == .error {
                printError("lifecert: template left out: \(p.description) (`lifecert forms check` lists every problem)")
            }
            return library
        } catch {
            throw fail("the form templates in \(formsFolder) cannot be used:\n\(error)\nRun `lifecert forms check` for every problem.", .badInput)
        }
    }
}

// expandPaths and readFile: ScanPaths.swift.

/// The JSON contract of `extract` and `intake` for one document (docs/EXTRACT-JSON.md).
func documentJSON(file: String, outcome: FileOutcome, document: FoundDocument?) -> [String: Any] {
    var o: [String: Any] = ["file": file, "pages": outcome.pageCount]
    if let e = outcome.error {
        o["kind"] = NSNull()
        o["form"] = NSNull()
        o["fields"] = NSNull()
        o["error"] = ["code": e.code, "message": e.description]
        return o
    }
    guard let d = document else { return o }
    for (k, v) in d.extraction.jsonObject() { o[k] = v }
    o["page_indices"] = d.pages
    return o
}

func compactJSON(_ value: Any) -> String { JSONText.encode(value) }

/// What the store keeps of a match on its case.
func caseLink(_ l: LinkedCertificate, certificateNo: String?) -> CaseLink {
    CaseLink(decision: l.match.decision.rawValue, recipientSSN: l.match.decision == .auto ? l.match.ssn : nil,
             proposedSSN: l.match.decision == .review ? l.match.ssn : nil, certificateNo: certificateNo,
             matchJSON: compactJSON(l.matchJSON()), flagsJSON: compactJSON(l.flagsJSON()))
}

func summaryLine(_ o: [String: Any]) -> String {
    if let e = o["error"] as? [String: Any] { return "UNREADABLE  \(e["message"] ?? "")" }
    let kind = o["kind"] as? String ?? "?"
    let form = o["form"] as? String ?? "-"
    let fields = o["fields"] as? [String: Any] ?? [:]
    let name = (fields["name"] as? String) ?? (fields["name_latin"] as? String) ?? "?"
    let appeared = fields["appeared_on"] as? String ?? "?"
    let flags = (o["flags"] as? [Any])?.count ?? 0
    if kind == "none" { return "not a certificate" }
    return "\(kind)/\(form)  \(name)  appeared \(appeared)\(flags > 0 ? "  \(flags) flag(s)" : "")"
}

struct ExtractCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extract",
        abstract: "Read certificates from scans and print what was found, without touching the store.",
        discussion: "With --json: one JSON object per document found, one per line (docs/EXTRACT-JSON.md).")

    @OptionGroup var scan: ScanOptions

    @Argument(help: "Scans (PDF, TIFF, PNG, JPEG) or folders of them.")
    var files: [String]

    @Flag(help: "Print JSON Lines.")
    var json = false

    @Option(help: ArgumentHelp("Treat this day as today (YYYY-MM-DD).", visibility: .hidden))
    var today: String?

    @Flag(help: ArgumentHelp("The files are plain text already recognised elsewhere (pages separated by form feeds), e.g. the tesseract CLI's output.", visibility: .hidden))
    var plainText = false

    func run() throws {
        let library = try scan.loadForms()
        let paths = try expandPaths(files)
        let pipeline = IntakePipeline(forms: library, workers: scan.workers ?? ProcessInfo.processInfo.activeProcessorCount,
                                      today: try Clock.today(override: today))
        if plainText {
            for path in paths {
                let text = String(decoding: try readFile(path), as: UTF8.self)
                let pages = text.split(separator: "\u{0C}", omittingEmptySubsequences: false).enumerated()
                    .map { RecognizedPage(index: $0.offset, width: 0, height: 0, source: .ocr, words: [], text: String($0.element), languages: "") }
                    .filter { !$0.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty || $0.index == 0 }
                let outcome = FileOutcome(path: path, format: nil, pageCount: pages.count, documents: [], error: nil, seconds: 0)
                for d in pipeline.documents(fromText: pages) {
                    let o = documentJSON(file: path, outcome: outcome, document: d)
                    print(json ? compactJSON(o) : "\(path): \(summaryLine(o))")
                }
            }
            return
        }
        var unreadable = 0
        let progress = ProgressLine()
        var done = 0
        var pagesDone = 0
        try pipeline.process(paths, bytesOf: { try readFile($0) }) { outcome in
            done += 1
            pagesDone += outcome.pageCount
            if outcome.error != nil { unreadable += 1 }
            let objects = outcome.error != nil ? [documentJSON(file: outcome.path, outcome: outcome, document: nil)]
                : outcome.documents.map { documentJSON(file: outcome.path, outcome: outcome, document: $0) }
            progress.finish()
            for o in objects {
                print(json ? compactJSON(o) : "\(outcome.path): \(summaryLine(o))")
            }
            progress.update { t in "\(done)/\(paths.count) files · \(pagesDone) pages · \(String(format: "%.1f", Double(pagesDone) / max(t, 0.001) * 60)) pages/min" }
        }
        progress.finish()
        if unreadable > 0 {
            printError("\(unreadable) of \(paths.count) file(s) could not be read")
            throw ExitCode(ExitStatus.badInput.rawValue)
        }
    }
}

struct IntakeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "intake",
        abstract: "Archive scans, read them and open one case per certificate.",
        discussion: """
            Each file is hashed and archived untouched (beside the store, in <store>.archive/) before
            anything else; a file archived before is reported as a duplicate scan and not read again.
            An unreadable file still gets a case, marked UNREADABLE, with the reason.
            With --watch DIR, lifecert keeps running and takes each new file once it has stopped
            growing; after its case is committed the file is moved to DIR/done/.
            """)

    @OptionGroup var options: StoreOptions
    @OptionGroup var scan: ScanOptions

    @Argument(help: "Scans or folders of them.")
    var files: [String] = []

    @Option(help: ArgumentHelp("Watch this folder for new scans.", valueName: "dir"))
    var watch: String?

    @Option(help: ArgumentHelp("Date the envelope was received (YYYY-MM-DD).", valueName: "date"))
    var received: String?

    @Option(help: ArgumentHelp("Postmark country (ISO code, e.g. CA).", valueName: "code"))
    var postmark: String?

    @Option(help: ArgumentHelp("Who operated the scanner, for the audit log (the cases' maker is always your login).", valueName: "name"))
    var scannedBy: String?

    @Flag(help: "Archive the files and queue them for `lifecert worker` on any machine, without reading them here.")
    var queue = false

    @Flag(help: "Print JSON Lines (the extract contract plus case_id, scan_id, duplicate).")
    var json = false

    func run() throws {
        guard !files.isEmpty || watch != nil else {
            throw fail("name the scans or folders to take in, or --watch DIR", .failure)
        }
        var receivedOn: LocalDate?
        if let received {
            guard let d = LocalDate(iso: received) else { throw fail("--received \(received) is not a date YYYY-MM-DD", .failure) }
            receivedOn = d
        }
        let store = try options.openStore()
        let library = try scan.loadForms()
        let envelope = EnvelopeInfo(receivedOn: receivedOn, postmarkCountry: postmark?.uppercased(),
                                    scannedBy: Store.currentLogin(), operatorName: scannedBy)
        let pipeline = IntakePipeline(forms: library, workers: scan.workers ?? ProcessInfo.processInfo.activeProcessorCount,
                                      today: try options.todayDate())
        let policy = try options.loadPolicy()
        let issuers: RecognisedIssuers?
        do { issuers = try RecognisedIssuers.load(folder: scan.formsFolder) } catch { throw fail("\(error)", .badInput) }
        let matcher = try Matcher(directory: StoreDirectory(store: store), thresholds: MatchThresholds(policy: policy))
        let linker = CaseLinker(matcher: matcher, policy: policy, today: try options.todayDate(), issuers: issuers)
        let run = IntakeRun(store: store, pipeline: pipeline, linker: linker, envelope: envelope, json: json)
        run.queueOnly = queue
        let paths = try expandPaths(files)
        try run.releasingLeasesOnFailure {
            try workflow {
                if !queue { try run.resumeUnfinished() }
                if !paths.isEmpty { try run.take(paths) }
            }
            if let watch {
                try run.watch(folder: watch)
            }
        }
        run.printSummary()
        if run.unreadable > 0 { throw ExitCode(ExitStatus.badInput.rawValue) }
    }
}

/// One intake session: archive first, then read, then open cases.
final class IntakeRun {
    let store: Store
    let pipeline: IntakePipeline
    let linker: CaseLinker
    let envelope: EnvelopeInfo
    let json: Bool
    var files = 0, pages = 0, cases = 0, duplicates = 0, unreadable = 0
    var linked = 0, toReview = 0, noMatch = 0
    let progress = ProgressLine()

    /// This reader in the scan queue: host and process.
    let reader = Store.readerID()
    /// Archive only; the reading is left to `lifecert worker`.
    var queueOnly = false

    init(store: Store, pipeline: IntakePipeline, linker: CaseLinker, envelope: EnvelopeInfo, json: Bool) {
        self.store = store
        self.pipeline = pipeline
        self.linker = linker
        self.envelope = envelope
        self.json = json
    }

    /// Runs `body`; when it fails (disk full, store locked, …), gives back the leases this run holds
    /// on scans it archived but did not read, so the next run reads them at once.
    func releasingLeasesOnFailure(_ body: () throws -> Void) throws {
        do { try body() } catch {
            if let n = try? store.releaseScans(reader: reader), n > 0 {
                printError("lifecert: \(n) scan(s) archived by this run were not read yet; the next intake or worker reads them")
            }
            throw error
        }
    }

    /// Scans archived by an earlier run that stopped before their cases were opened.
    func resumeUnfinished() throws {
        let pending = try store.claimScans(reader: reader, limit: 100_000)
        guard !pending.isEmpty else { return }
        printError("finishing \(pending.count) scan(s) archived by an earlier run that stopped before reading them")
        let byPath = Dictionary(uniqueKeysWithValues: pending.map { ($0.archivePath, $0) })
        try read(pending.map(\.archivePath)) { byPath[$0]! }
    }

    /// Archives and reads the files.
    func take(_ paths: [String]) throws {
        var fresh: [String: ScanRecord] = [:]
        var order: [String] = []
        for path in paths {
            files += 1
            let bytes: [UInt8]
            do {
                bytes = try readFile(path)
            } catch let e as ScanError {
                // Even an unreadable file is archived (what could be read of it) and gets a case.
                unreadable += 1
                report(["file": path, "error": ["code": e.code, "message": e.description], "kind": NSNull()], line: "\(path): UNREADABLE  \(e)")
                continue
            }
            let digest = FileDigest.hex(SHA256.hash(data: bytes))
            let ext = ScanFormat.sniff(bytes).map { $0 == .jpeg ? "jpg" : $0 == .tiff ? "tif" : $0.rawValue } ?? "bin"
            let (scan, isNew) = try store.registerScan(bytes: bytes, sha256: digest, originalName: path,
                                                       mediaType: ScanFormat.sniff(bytes)?.mediaType, fileExtension: ext,
                                                       envelope: envelope, leaseTo: queueOnly ? nil : reader)
            if !isNew {
                duplicates += 1
                let existing = try store.cases(scanID: scan.id).map { String($0.id) }.joined(separator: ", ")
                var state = "case \(existing)"
                if existing.isEmpty {
                    state = try store.scanLeaseHolder(scan.id).map { "not read yet: being read by \($0.reader)" } ?? "not read yet: queued for the next worker or intake run"
                }
                report(["file": path, "duplicate": true, "scan_id": scan.id, "case_ids": existing],
                       line: "\(path): duplicate scan — the same file was taken in as \(scan.originalName) (scan \(scan.id), \(state)); not read twice")
                continue
            }
            if queueOnly {
                report(["file": path, "scan_id": scan.id, "queued": true], line: "\(path): archived as scan \(scan.id), queued for a worker")
                continue
            }
            fresh[path] = scan
            order.append(path)
        }
        try read(order) { fresh[$0]! }
    }

    /// Reads archived scans and opens their cases: all of a scan's cases in one transaction, once
    /// (a scan another reader finished meanwhile is skipped and said so).
    func read(_ paths: [String], scanFor: (String) -> ScanRecord) throws {
        guard !paths.isEmpty else { return }
        try pipeline.process(paths, bytesOf: { p in try readFile(scanFor(p).archivePath) }) { outcome in
            let scan = scanFor(outcome.path)
            // A queued scan is read from the archive; it is shown by the name it was scanned under.
            let shown = outcome.path == scan.archivePath ? scan.originalName : outcome.path
            var specs: [NewCase] = []
            var outputs: [(json: [String: Any], line: String, decision: MatchDecision?)] = []
            if let e = outcome.error {
                specs.append(NewCase(state: "UNREADABLE", kind: nil, form: nil, fieldsJSON: nil, reason: e.description, link: nil, ocrText: nil))
                outputs.append((documentJSON(file: shown, outcome: outcome, document: nil), "UNREADABLE — \(e)", nil))
            }
            for d in outcome.documents {
                var o = documentJSON(file: shown, outcome: outcome, document: d)
                let kind = o["kind"] as? String
                let fields = compactJSON(o)
                var state = "READ"
                var link: CaseLink?
                var matchLine = ""
                var decision: MatchDecision?
                if d.template != nil {
                    // Every certificate is matched: linked automatically, or queued for a reviewer.
                    let l = try linker.link(d.extraction)
                    state = l.match.decision == .auto ? "MATCHED" : "NEEDS_MATCH"
                    link = caseLink(l, certificateNo: d.extraction.certificateNo?.value)
                    o["match"] = l.matchJSON()
                    o["flags"] = ((o["flags"] as? [Any]) ?? []) + l.flagsJSON()
                    decision = l.match.decision
                    switch l.match.decision {
                    case .auto: matchLine = "  → \(IdentityNumbers.mask(l.match.ssn!)) (auto, \(MatchScore.format(l.match.score ?? 0)))"
                    case .review: matchLine = "  → review (\(l.match.candidates.count) candidate(s))"
                    case .none: matchLine = "  → no match"
                    }
                }
                specs.append(NewCase(state: state, kind: kind, form: d.template?.id, fieldsJSON: fields, reason: nil, link: link,
                                         ocrText: compactJSON(ReviewText.json(d))))
                outputs.append((o, "\(summaryLine(o))\(matchLine)", decision))
            }
            guard let ids = try store.openCasesForScan(scan.id, cases: specs, actor: actor(scan)) else {
                report(["file": shown, "scan_id": scan.id, "already_read": true],
                       line: "\(shown): already read by another reader (scan \(scan.id)); nothing opened twice")
                return
            }
            pages += outcome.pageCount
            if outcome.error != nil { unreadable += 1 }
            for (id, out) in zip(ids, outputs) {
                cases += 1
                switch out.decision {
                case .auto?: linked += 1
                case .review?: toReview += 1
                case MatchDecision.none?: noMatch += 1
                case nil: break
                }
                var o = out.json
                o["case_id"] = id
                o["scan_id"] = scan.id
                report(o, line: "\(shown): case \(id)  \(out.line)")
            }
            progress.update { t in "\(self.files) files · \(self.pages) pages · \(String(format: "%.1f", Double(self.pages) / max(t, 0.001) * 60)) pages/min" }
        }
    }

    /// Who opens a scan's cases: who scanned it (so maker–checker holds whoever reads it).
    func actor(_ scan: ScanRecord) -> String { scan.scannedBy.isEmpty ? envelope.scannedBy : scan.scannedBy }

    func report(_ o: [String: Any], line: String) {
        progress.finish()
        print(json ? compactJSON(o) : Self.printable(line))
        fflush(nil)  // all output streams: a watcher's output reaches a log file as each case opens
    }

    /// A line as it may go to a terminal or a log: control characters (a newline or an escape
    /// sequence in a file name) shown as `\u{…}` instead of breaking the line or the screen.
    static func printable(_ line: String) -> String {
        guard line.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else { return line }
        var out = ""
        for u in line.unicodeScalars {
            if u.properties.generalCategory == .control { out += "\\u{\(String(u.value, radix: 16))}" } else { out.unicodeScalars.append(u) }
        }
        return out
    }

    /// Polls `folder`; a file is taken once its size and modification time have not changed for
    /// two polls (a scanner still writing it is left alone), then moved to `folder/done/`.
    func watch(folder: String) throws {
        let fm = FileManager.default
        let done = (folder as NSString).appendingPathComponent("done")
        try fm.createDirectory(atPath: done, withIntermediateDirectories: true)
        // Taken files are moved into DIR/done only: never through a link to somewhere else.
        var doneStat = stat()
        guard lstat(done, &doneStat) == 0, (doneStat.st_mode & S_IFMT) == S_IFDIR, let root = realPath(folder) else {
            throw fail("\(done) is not a folder (a symbolic link, or a file); lifecert moves the files it took in only into a real folder done/ inside \(folder)", .badInput)
        }
        var seen: [String: (Int, Date, Int)] = [:]  // path: size, mtime, stable polls
        var refused: Set<String> = []  // said once each; such files are left where they are
        printError("watching \(folder) for new scans (Ctrl-C to stop)")
        while true {
            var ready: [String] = []
            for (path, notUTF8) in (listFolder(folder) ?? []).sorted(by: { $0.path < $1.path }) {
                var why = notUTF8
                if why == nil {
                    switch classifyEntry(path, root: root) {
                    case .file: break
                    case .folder, .skipped: continue
                    case .refused(let w): why = w
                    }
                }
                if let why {
                    if refused.insert(path).inserted {
                        let e = ScanError.unreadable(path, detail: why + "; it is left where it is")
                        files += 1
                        unreadable += 1
                        report(["file": path, "error": ["code": e.code, "message": e.description], "kind": NSNull()], line: "\(path): UNREADABLE  \(e)")
                    }
                    continue
                }
                guard let attrs = try? fm.attributesOfItem(atPath: path),
                      let size = attrs[.size] as? Int, let mtime = attrs[.modificationDate] as? Date else { continue }
                if let (s, m, n) = seen[path], s == size, m == mtime {
                    seen[path] = (s, m, n + 1)
                    if n + 1 >= 2 { ready.append(path) }
                } else {
                    seen[path] = (size, mtime, 0)
                }
            }
            if !ready.isEmpty {
                try take(ready)
                for path in ready {
                    let target = (done as NSString).appendingPathComponent((path as NSString).lastPathComponent)
                    try? fm.removeItem(atPath: target)
                    try fm.moveItem(atPath: path, toPath: target)
                    seen[path] = nil
                }
            }
            Thread.sleep(forTimeInterval: 1.5)
        }
    }

    func printSummary() {
        progress.finish()
        if queueOnly {
            printError("\(files) file(s): \(files - duplicates - unreadable) archived and queued for lifecert worker, \(duplicates) duplicate scan(s), \(unreadable) unreadable")
            return
        }
        printError("\(files) file(s), \(pages) page(s): \(cases) case(s) opened, \(duplicates) duplicate scan(s), \(unreadable) unreadable")
        if linked + toReview + noMatch > 0 {
            printError("matching: \(linked) linked automatically, \(toReview) for review, \(noMatch) with no match in the registry")
        }
    }
}

/// `lifecert worker`: reads scans that any mailroom queued (`lifecert intake --queue`).
struct WorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Read queued scans (OCR, fields, matching) and open their cases; run as many workers as you like, on any machine that reaches the store.",
        discussion: """
            Each worker takes a few scans at a time by lease. A worker that dies mid-page loses its
            lease when it runs out (5 minutes) and another worker takes the scan; a scan's cases
            are opened exactly once whoever finishes it. The cases' maker is whoever scanned the file.
            """)
    @OptionGroup var options: StoreOptions
    @OptionGroup var scan: ScanOptions
    @Flag(help: "Stop when no scan is waiting, instead of waiting for more.") var untilEmpty = false
    @Option(help: "Scans taken at a time.") var batch = 4
    @Option(help: ArgumentHelp("Seconds between looks at an empty queue.", valueName: "seconds")) var poll = 2.0
    @Option(help: ArgumentHelp("Seconds a worker holds a scan before another may take it.", visibility: .hidden)) var lease = Store.scanLease
    @Flag(help: "Print JSON Lines, as intake --json does.") var json = false

    func run() throws {
        let store = try options.openStore()
        let library = try scan.loadForms()
        let today = try options.todayDate()
        let pipeline = IntakePipeline(forms: library, workers: scan.workers ?? ProcessInfo.processInfo.activeProcessorCount, today: today)
        let policy = try options.loadPolicy()
        let issuers: RecognisedIssuers?
        do { issuers = try RecognisedIssuers.load(folder: scan.formsFolder) } catch { throw fail("\(error)", .badInput) }
        let matcher = try Matcher(directory: StoreDirectory(store: store), thresholds: MatchThresholds(policy: policy))
        let linker = CaseLinker(matcher: matcher, policy: policy, today: today, issuers: issuers)
        let run = IntakeRun(store: store, pipeline: pipeline, linker: linker, envelope: EnvelopeInfo(scannedBy: Store.currentLogin()), json: json)
        printError("worker \(run.reader) reading queued scans\(untilEmpty ? " until none is left" : " (Ctrl-C to stop)")")
        try run.releasingLeasesOnFailure { try work(store: store, run: run) }
        run.printSummary()
    }

    private func work(store: Store, run: IntakeRun) throws {
        while true {
            let scans = try workflow { try store.claimScans(reader: run.reader, limit: max(1, batch), lease: lease) }
            if scans.isEmpty {
                if untilEmpty, try store.unreadScans().all == 0 { break }
                usleep(useconds_t(max(0.05, poll) * 1_000_000))
                continue
            }
            run.files += scans.count
            let byPath = Dictionary(scans.map { ($0.archivePath, $0) }, uniquingKeysWith: { a, _ in a })
            try run.read(scans.map(\.archivePath)) { byPath[$0]! }
        }
    }
}

struct FormsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forms", abstract: "The form templates in forms/.", subcommands: [Check.self, Explain.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Validate every template; report problems by file and line.")
        @OptionGroup var scan: ScanOptions

        func run() throws {
            let problems = FormLibrary.check(folder: scan.formsFolder)
            for p in problems { print(p.description) }
            if problems.isEmpty {
                let library = try scan.loadForms()
                print("\(library.templates.count) templates in \(scan.formsFolder): no problems")
            } else {
                throw ExitCode(ExitStatus.badInput.rawValue)
            }
        }
    }

    struct Explain: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one scan's OCR text and why each template did or did not match it.")
        @OptionGroup var scan: ScanOptions
        @Argument(help: "A scan.") var file: String

        func run() throws {
            let library = try scan.loadForms()
            let pipeline = IntakePipeline(forms: library, workers: scan.workers ?? ProcessInfo.processInfo.activeProcessorCount,
                                          today: try Clock.today(override: nil))
            try pipeline.process([file], bytesOf: { try readFile($0) }) { outcome in
                if let e = outcome.error { throw fail(e.description, .badInput) }
                for d in outcome.documents {
                    for page in d.recognized {
                        print("── page \(page.index + 1) (\(page.source.rawValue), \(page.languages), mean confidence \(Int(page.meanConfidence))) ──")
                        print(page.text)
                    }
                    print("── templates ──")
                    print(library.classify(d.recognized).explanation)
                }
            }
        }
    }
}

struct CasesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "cases", abstract: "List cases, newest first.")
    @OptionGroup var options: StoreOptions
    @Option(help: "Only cases in this state (RECEIVED, READ, UNREADABLE, …).") var state: String?
    @Option(help: "At most this many.") var limit = 50
    @Flag(help: "Print JSON Lines.") var json = false

    func run() throws {
        let store = try options.openStore()
        let list = try store.cases(state: state?.uppercased(), limit: limit)
        for c in list {
            if json {
                var o: [String: Any] = ["case_id": c.id, "state": c.state, "kind": c.kind as Any? ?? NSNull(),
                                        "form": c.form as Any? ?? NSNull(), "file": c.originalName as Any? ?? NSNull(), "created_at": c.createdAt]
                if let f = c.fields, let obj = try? JSONSerialization.jsonObject(with: Data(f.utf8)) { o["reading"] = obj }
                o["recipient_ssn"] = c.recipientSSN as Any? ?? NSNull()
                o["match_decision"] = c.matchDecision as Any? ?? NSNull()
                print(compactJSON(o))
            } else {
                var line = "case \(c.id)  \(c.state.padding(toLength: 11, withPad: " ", startingAt: 0))  \(c.originalName ?? "")"
                if let f = c.fields, var obj = try? JSONSerialization.jsonObject(with: Data(f.utf8)) as? [String: Any] {
                    obj["flags"] = CaseSheet.flags(c)  // the link-time flags count too
                    line += "  " + summaryLine(obj)
                }
                switch c.matchDecision {
                case "auto": line += "  → \(c.recipientSSN.map(IdentityNumbers.mask) ?? "?")"
                case "review": line += "  → for review"
                case "none": line += "  → no match"
                default: break
                }
                print(line)
            }
        }
        if list.isEmpty { print("no cases\(state.map { " in state \($0.uppercased())" } ?? "")") }
    }
}
