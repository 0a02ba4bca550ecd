import Foundation
import LifecertDomain

/// Why a template folder could not be read at all (problems inside files are ``FormProblem``s).
public enum FormLibraryError: Error, CustomStringConvertible, Sendable {
    case unreadableFolder(String, String)
    /// Loading in strict mode found errors.
    case problems([FormProblem])
    /// A line of `recognised-issuers.txt` that cannot be used.
    case badIssuerList(file: String, line: Int, message: String)

    public var description: String {
        switch self {
        case .badIssuerList(let file, let line, let message):
            return "\(file):\(line): \(message); fix the line (see the comment at the top of the file)"
        case .unreadableFolder(let path, let why): return "cannot read the template folder \(path): \(why)"
        case .problems(let p): return "the templates have \(p.count) problem(s):\n" + p.map(\.description).joined(separator: "\n")
        }
    }
}

/// The certificate templates of a folder, and everything done with them: checking the files,
/// classifying a document, reading its fields.
///
/// Contract:
/// - One template per `*.yaml` / `*.yml` file; its id is the file name without the extension.
///   Adding a kind of certificate needs only a new file.
/// - ``load(folder:strict:)`` reads every file. A file with an error (``FormProblem``) is left out
///   whole — never half-loaded — and its problems are kept in ``problems``; with `strict` any
///   error throws instead. Only an unreadable folder throws otherwise.
/// - Hostile files are refused: over 1 MB, YAML anchors or aliases, collections nested too deep,
///   patterns whose nested repetition could take exponential time. Patterns only ever run on one
///   line (or a window of at most three), each cut at 500 characters.
/// - Everything is a value: a library can be shared between threads.
public struct FormLibrary: Sendable {
    public private(set) var templates: [FormTemplate]
    /// Problems found while loading (errors left a file out; warnings did not).
    public private(set) var problems: [FormProblem]
    /// The folder it was loaded from (nil when built from templates directly).
    public let folder: String?

    /// A library of already-built templates (for instance a subset of another library's).
    public init(templates: [FormTemplate]) {
        self.templates = templates
        self.problems = []
        self.folder = nil
    }

    init(templates: [FormTemplate], problems: [FormProblem], folder: String?) {
        self.templates = templates
        self.problems = problems
        self.folder = folder
    }

    /// The template with this id.
    public func template(id: String) -> FormTemplate? { templates.first { $0.id == id } }

    // MARK: - Loading

    /// Loads every template in `folder`.
    ///
    /// - Parameter strict: throw ``FormLibraryError/problems(_:)`` when any file has an error,
    ///   instead of leaving that file out.
    public static func load(folder: String, strict: Bool = false) throws -> FormLibrary {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: folder, isDirectory: &isDir), isDir.boolValue else {
            throw FormLibraryError.unreadableFolder(folder, "no such folder")
        }
        let names: [String]
        do { names = try fm.contentsOfDirectory(atPath: folder) } catch {
            throw FormLibraryError.unreadableFolder(folder, "\(error)")
        }
        var templates: [FormTemplate] = []
        var problems: [FormProblem] = []
        var seen: [String: String] = [:]  // lower-cased id → file
        let files = names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.filter { !$0.hasPrefix(".") }.sorted()
        for name in files {
            let path = (folder as NSString).appendingPathComponent(name)
            let id = name.hasSuffix(".yaml") ? String(name.dropLast(5)) : String(name.dropLast(4))
            if let other = seen[id.lowercased()] {
                problems.append(FormProblem(file: path, line: 1, message: "duplicate template id '\(id)': \(other) has the same id",
                                            fix: "rename one of the two files (the id is the file name)"))
                continue
            }
            seen[id.lowercased()] = path
            let (template, found) = readFile(path, id: id)
            problems += found
            if let template { templates.append(template) }
        }
        if files.isEmpty {
            problems.append(FormProblem(file: folder, line: 1, severity: .warning, message: "no template files (*.yaml) in this folder",
                                        fix: "point lifecert at the forms/ folder of the project"))
        }
        problems += crossChecks(templates)
        if strict, problems.contains(where: { $0.severity == .error }) {
            throw FormLibraryError.problems(problems)
        }
        return FormLibrary(templates: templates, problems: problems, folder: folder)
    }

    /// Reads one template file; returns the template (nil on any error) and the problems found.
    public static func readFile(_ path: String, id: String? = nil) -> (FormTemplate?, [FormProblem]) {
        let name = (path as NSString).lastPathComponent
        let templateID = id ?? (name as NSString).deletingPathExtension
        var reader = TemplateReader(file: path, id: templateID)
        if !templateID.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") }) {
            reader.problem(1, "the file name '\(name)' makes an awkward id", fix: "name it with letters, digits and hyphens, e.g. macao-iam.yaml",
                           severity: .warning)
        }
        let attributes = try? FileManager.default.attributesOfItem(atPath: (path as NSString).resolvingSymlinksInPath)
        if let type = attributes?[.type] as? FileAttributeType, type != .typeRegular {
            reader.problem(1, "not a regular file", fix: "templates are plain text files; remove this entry from the folder")
            return (nil, reader.problems)
        }
        let size = (attributes?[.size] as? NSNumber)?.intValue ?? 0
        if size > TemplateReader.maxFileBytes {
            reader.problem(1, "the file is larger than 1 MB (\(size) bytes)", fix: "a template is a few kilobytes; check that this is the right file")
            return (nil, reader.problems)
        }
        // Read at most one byte more than allowed, whatever the size said.
        guard let handle = FileHandle(forReadingAtPath: path),
              let data = try? handle.read(upToCount: TemplateReader.maxFileBytes + 1) ?? Data() else {
            reader.problem(1, "cannot read the file", fix: "check its permissions")
            return (nil, reader.problems)
        }
        try? handle.close()
        guard data.count <= TemplateReader.maxFileBytes else {
            reader.problem(1, "the file is larger than 1 MB (\(data.count) bytes)", fix: "a template is a few kilobytes")
            return (nil, reader.problems)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            reader.problem(1, "the file is not UTF-8 text", fix: "save it as UTF-8")
            return (nil, reader.problems)
        }
        let template = reader.read(text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text)
        return (template, reader.problems)
    }

    /// Reads a template from YAML text (for tests and tools); `file` is only used in problems.
    public static func parse(yaml: String, id: String, file: String = "<text>") -> (FormTemplate?, [FormProblem]) {
        var reader = TemplateReader(file: file, id: id)
        let t = reader.read(yaml)
        return (t, reader.problems)
    }

    /// Advice across templates: identical keyword sets (the priority alone would decide).
    static func crossChecks(_ templates: [FormTemplate]) -> [FormProblem] {
        var out: [FormProblem] = []
        for (i, a) in templates.enumerated() {
            for b in templates[(i + 1)...] where Set(a.keywords) == Set(b.keywords) && Set(a.anyKeywords) == Set(b.anyKeywords)
                && Set(a.excludeKeywords) == Set(b.excludeKeywords) && a.priority == b.priority {
                out.append(FormProblem(file: b.file, line: 1, severity: .warning,
                                       message: "the same keywords and priority as \(a.id): which of the two matches is arbitrary",
                                       fix: "add a keyword or exclude_keywords entry that tells them apart, or change priority"))
            }
        }
        return out
    }

    /// Every problem: those found while loading and the cross-template checks. An empty list means
    /// every file in the folder was loaded and is usable.
    public func check() -> [FormProblem] { problems }

    /// Checks a folder without keeping the templates.
    public static func check(folder: String) -> [FormProblem] {
        do { return try load(folder: folder).problems } catch {
            return [FormProblem(file: folder, line: 1, message: "\(error)", fix: "give the path of the forms/ folder")]
        }
    }

    // MARK: - Classification

    static func prepare(_ pages: [RecognizedPage]) -> [PreparedPage] {
        pages.enumerated().map { PreparedPage($0.element, position: $0.offset) }
    }

    /// Classifies the pages of one document (keywords may be found on any of its pages).
    ///
    /// To split a scan that holds several documents, classify page by page (``classifyEach(_:)``).
    public func classify(_ pages: [RecognizedPage]) -> Classification {
        classify(prepared: Self.prepare(pages))
    }

    /// Classifies one page on its own.
    public func classify(page: RecognizedPage) -> Classification { classify([page]) }

    /// One classification per page.
    public func classifyEach(_ pages: [RecognizedPage]) -> [Classification] { pages.map { classify(page: $0) } }

    func classify(prepared: [PreparedPage]) -> Classification {
        var verdicts = templates.map { $0.verdict(on: prepared) }
        verdicts.sort { a, b in
            if a.matched != b.matched { return a.matched }
            if a.matched && a.priority != b.priority { return a.priority > b.priority }
            if a.score != b.score { return a.score > b.score }
            if a.priority != b.priority { return a.priority > b.priority }
            return a.form < b.form
        }
        guard let best = verdicts.first, best.matched else {
            return Classification(form: nil, kind: .none, score: 0, verdicts: verdicts)
        }
        return Classification(form: best.form, kind: best.kind, score: best.score, verdicts: verdicts,
                              template: template(id: best.form))
    }

    /// A report for one document: the classification and the normalised text each template saw —
    /// the answer to "why did no template match this file?".
    public func explain(_ pages: [RecognizedPage]) -> String {
        var out = classify(pages).explanation
        for p in pages {
            out += "\n--- page \(p.index + 1) (\(p.source.rawValue), \(p.languages), mean confidence \(Int(p.meanConfidence.rounded()))) as templates see it:\n"
            out += FormText.normalizedLines(of: p).joined(separator: "\n")
            out += "\n"
        }
        return out
    }

    // MARK: - Reading

    /// Classifies the pages, then extracts with the chosen template; a document no template fits
    /// gives a certificate of kind `none` with a `no_template` flag.
    public func read(_ pages: [RecognizedPage], today: LocalDate) -> CertificateReading {
        let prepared = Self.prepare(pages)
        let c = classify(prepared: prepared)
        guard let t = c.template else {
            return CertificateReading(classification: c, certificate: .notACertificate(pages: pages, classification: c))
        }
        return CertificateReading(classification: c, certificate: Extractor(template: t, pages: prepared, today: today).run())
    }

    /// Reads every field of `template` off the pages, checks them and flags what a reviewer must see.
    public func extract(_ template: FormTemplate, pages: [RecognizedPage], today: LocalDate) -> ExtractedCertificate {
        Extractor(template: template, pages: Self.prepare(pages), today: today).run()
    }
}

/// A document's classification together with what was read off it.
public struct CertificateReading: Codable, Sendable {
    public var classification: Classification
    public var certificate: ExtractedCertificate
}
