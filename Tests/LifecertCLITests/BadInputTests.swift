import Foundation
import LifecertStore
import Testing
@testable import LifecertCLI

/// The bad-input corpus (Tests/BadInput/README.md): hostile scans, registry extracts, templates
/// and paths, each run through the real `lifecert` binary. Every case checks the exit status of
/// README.md ("Exit codes"), a message naming the file and the reason in words (no crash, no
/// signal, no stack trace), and that nothing else was disturbed: the good file after the bad one
/// is still read, the audit chain is intact, files beside the bad one are untouched.
///
/// Small hostile files are committed in Tests/BadInput/ (made by its make-small-files.py); the
/// large ones are generated here into a temporary folder.
@Suite(.serialized) struct BadInputTests {
    static let corpus = CommandRunner.repository.appendingPathComponent("Tests/BadInput")
    static let scans = CommandRunner.repository.appendingPathComponent("samples/scans")
    static let forms = CommandRunner.repository.appendingPathComponent("forms").path
    /// The good scan put after each bad one: a Hong Kong FTU certificate (a small PNG).
    static let goodScan = scans.appendingPathComponent("scan-004-hk-ftu.png").path

    // MARK: running lifecert

    struct Run {
        let status: Int32
        let signalled: Bool
        let stdout: String
        let stderr: String
        let seconds: Double
        var json: [[String: Any]] {
            stdout.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        }
    }

    /// Runs lifecert through `CommandRunner` and reports how it ended, and how long it took.
    static func lifecert(_ args: [String], cwd: URL? = nil, env: [String: String] = [:]) throws -> Run {
        var runner = CommandRunner(environment: ["OMP_THREAD_LIMIT": "1"].merging(env) { $1 })
        runner.workingDirectory = cwd
        let started = Date()
        let r = try runner.run(args)
        return Run(status: r.status, signalled: r.signalled, stdout: r.stdout, stderr: r.stderr,
                   seconds: Date().timeIntervalSince(started))
    }

    /// The run ended by itself with `status`, and nothing on stderr reads like a crash.
    static func expectOrderly(_ r: Run, status: Int32, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!r.signalled, "\(what): killed by signal \(r.status)\n\(r.stderr)", sourceLocation: sourceLocation)
        #expect(r.status == status, "\(what): exit status \(r.status), expected \(status)\n\(r.stderr)", sourceLocation: sourceLocation)
        for crash in ["Fatal error", "Stack dump", "Backtrace", "Program crashed", "Swift runtime failure", "Segmentation fault"] {
            #expect(!r.stderr.contains(crash), "\(what): \(r.stderr)", sourceLocation: sourceLocation)
        }
    }

    static func intake(_ files: [String], store: String, cwd: URL? = nil) throws -> Run {
        try lifecert(["intake"] + files + ["--json", "--store", store, "--forms", forms, "--received", "2026-11-25", "--today", "2026-11-25"], cwd: cwd)
    }

    /// The good scan was read after the bad input and its case opened.
    static func expectGoodScanRead(_ r: Run, sourceLocation: SourceLocation = #_sourceLocation) {
        let good = r.json.first { ($0["file"] as? String)?.hasSuffix("hk-ftu.png") == true || ($0["file"] as? String)?.hasSuffix("z-good.png") == true }
        #expect(good?["case_id"] != nil && good?["kind"] as? String == "hk", "the good scan after the bad one: \(r.stdout)", sourceLocation: sourceLocation)
    }

    static func expectAuditIntact(_ store: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let v = try lifecert(["audit", "verify", "--store", store])
        #expect(v.status == 0 && v.stdout.contains("intact"), "\(v.stdout)\(v.stderr)", sourceLocation: sourceLocation)
    }

    /// Every file under the archive, relative to it.
    static func archived(_ store: String) -> [String] {
        let root = store + ".archive"
        return (FileManager.default.enumerator(atPath: root)?.allObjects as? [String] ?? [])
            .filter { (try? FileManager.default.attributesOfItem(atPath: root + "/" + $0)[.type] as? FileAttributeType) == .typeRegular }
    }

    /// The archive holds files named by content hash only, and one of them has exactly `bytes`.
    static func expectArchived(_ bytes: Data, in store: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let files = archived(store)
        for f in files {
            #expect(f.range(of: #"^[0-9a-f]{2}/[0-9a-f]{64}\.(pdf|tif|png|jpg|bin)$"#, options: .regularExpression) != nil,
                    "archived under a name that is not its hash: \(f)", sourceLocation: sourceLocation)
        }
        let copies = files.compactMap { FileManager.default.contents(atPath: store + ".archive/" + $0) }
        #expect(copies.contains(bytes), "the original is not in the archive byte for byte", sourceLocation: sourceLocation)
    }

    /// What a folder holds, without following links or reading pipes: path → kind, size, mtime, link target.
    static func snapshot(_ root: String) -> [String: String] {
        var out: [String: String] = [:]
        func walk(_ rel: String) {
            let full = rel.isEmpty ? root : root + "/" + rel
            for name in (try? FileManager.default.contentsOfDirectory(atPath: full)) ?? [] {
                let r = rel.isEmpty ? name : rel + "/" + name
                var st = stat()
                guard lstat(root + "/" + r, &st) == 0 else { out[r] = "gone"; continue }
                let link = (st.st_mode & S_IFMT) == S_IFLNK ? (try? FileManager.default.destinationOfSymbolicLink(atPath: root + "/" + r)) ?? "?" : ""
                out[r] = "\(st.st_mode) \(st.st_size) \(st.st_mtim.tv_sec).\(st.st_mtim.tv_nsec) \(link)"
                if (st.st_mode & S_IFMT) == S_IFDIR { walk(r) }
            }
        }
        walk("")
        return out
    }

    // MARK: scans

    struct BadScan: Sendable, CustomTestStringConvertible {
        let file: String
        let code: String
        let says: String
        var testDescription: String { file }
    }

    static let refusedScans: [BadScan] = [
        BadScan(file: "flate-bomb.pdf", code: "too_large", says: "expands to more than 64 MiB"),
        BadScan(file: "huge-mediabox.pdf", code: "too_large", says: "833333×833333 pixels"),
        BadScan(file: "overflowing-mediabox.pdf", code: "damaged", says: "larger than any paper"),
        BadScan(file: "huge-header.jpg", code: "too_large", says: "65000×65000 pixels"),
        BadScan(file: "huge-header.tif", code: "too_large", says: "100000×100000 pixels"),
        BadScan(file: "huge-second-page.tif", code: "too_large", says: "60000×60000 pixels"),
        BadScan(file: "random-bytes.pdf", code: "not_a_scan", says: "is not a PDF, TIFF, PNG or JPEG file"),
    ]

    /// Bombs and absurd sizes are refused by size before anything is decoded: quickly, with an
    /// UNREADABLE case, the original archived, and the next file read.
    @Test(arguments: refusedScans)
    func aHostileScanIsRefusedBySizeAndTheNextFileIsRead(_ bad: BadScan) throws {
        let dir = Scratch()
        let store = dir.path("s.db")
        let path = Self.corpus.appendingPathComponent(bad.file).path
        let r = try Self.intake([path, Self.goodScan], store: store)
        Self.expectOrderly(r, status: 4, bad.file)
        #expect(r.seconds < 60, "\(bad.file) took \(r.seconds) s")
        let line = try #require(r.json.first { ($0["file"] as? String) == path }, "\(r.stdout)")
        let error = try #require(line["error"] as? [String: Any], "\(line)")
        #expect(error["code"] as? String == bad.code, "\(error)")
        let message = error["message"] as? String ?? ""
        #expect(message.contains(bad.file) && message.contains(bad.says), "\(message)")
        #expect(line["case_id"] != nil, "an unreadable file still gets a case")
        Self.expectArchived(try Data(contentsOf: URL(fileURLWithPath: path)), in: store)
        Self.expectGoodScanRead(r)
        try Self.expectAuditIntact(store)
        let unreadable = try Self.lifecert(["cases", "--store", store, "--state", "UNREADABLE"])
        #expect(unreadable.stdout.contains(bad.file), "\(unreadable.stdout)")
    }

    /// A TIFF of 5,000 one-pixel pages is refused by its page count, which the message gives.
    @Test func aTIFFWithThousandsOfPagesIsRefusedByItsCount() throws {
        let dir = Scratch()
        let path = dir.path("thousands.tif")
        try Data(Self.manyPageTIFF(pages: 5000)).write(to: URL(fileURLWithPath: path))
        let r = try Self.intake([path, Self.goodScan], store: dir.path("s.db"))
        Self.expectOrderly(r, status: 4, "thousands.tif")
        #expect(r.seconds < 60)
        let error = try #require(r.json.first?["error"] as? [String: Any], "\(r.stdout)")
        #expect(error["code"] as? String == "too_many_pages")
        #expect((error["message"] as? String)?.contains("thousands.tif has 5000 pages, above the limit of 200") == true, "\(error)")
        Self.expectGoodScanRead(r)
    }

    /// A TIFF of `pages` grey 1×1 pages, all sharing one byte of pixel data.
    static func manyPageTIFF(pages: Int) -> [UInt8] {
        func u16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
        func u32(_ v: Int) -> [UInt8] { u16(v & 0xFFFF) + u16(v >> 16) }
        let ifdSize = 2 + 9 * 12 + 4
        let dataAt = 8
        var out: [UInt8] = Array("II*\0".utf8) + u32(12)
        out += [0x80, 0, 0, 0]
        for i in 0..<pages {
            let next = i == pages - 1 ? 0 : 12 + (i + 1) * ifdSize
            let entries: [(Int, Int, Int)] = [(256, 4, 1), (257, 4, 1), (258, 3, 8), (259, 3, 1), (262, 3, 1),
                                              (273, 4, dataAt), (277, 3, 1), (278, 4, 1), (279, 4, 1)]
            out += u16(entries.count)
            for (tag, type, value) in entries { out += u16(tag) + u16(type) + u32(1) + u32(value) }
            out += u32(next)
        }
        return out
    }

    /// A file's name does not decide its type: a JPEG named .png, a PNG named .pdf and a PDF
    /// named .jpg are each read as what they are, and archived with the extension of their content.
    @Test func filesThatLieAboutTheirTypeAreReadByTheirContent() throws {
        let dir = Scratch()
        let folder = dir.path("in")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let lies = [("scan-005-hk-had.jpg", "a-jpeg.png"), ("scan-004-hk-ftu.png", "b-png.pdf"), ("scan-010-taiwan-notary.pdf", "c-pdf.jpg")]
        for (from, to) in lies {
            try FileManager.default.copyItem(atPath: Self.scans.appendingPathComponent(from).path, toPath: folder + "/" + to)
        }
        let r = try Self.intake([folder], store: dir.path("s.db"))
        Self.expectOrderly(r, status: 0, "renamed scans")
        let kinds = r.json.map { (($0["file"] as? String ?? "") as NSString).lastPathComponent + "=" + ($0["kind"] as? String ?? "?") }.sorted()
        #expect(kinds == ["a-jpeg.png=hk", "b-png.pdf=hk", "c-pdf.jpg=taiwan"], "\(kinds)")
        #expect(Self.archived(dir.path("s.db")).map { ($0 as NSString).pathExtension }.sorted() == ["jpg", "pdf", "png"])
    }

    /// A PDF whose cross-reference table is wrong throughout is repaired by poppler and read; a
    /// PDF whose middle page is broken still gives its other pages; a page of no size is read at
    /// poppler's default size.
    @Test func damagedPDFsThatCanBeRepairedAreRead() throws {
        let dir = Scratch()
        let store = dir.path("s.db")
        let files = ["damaged-xref.pdf", "broken-middle-page.pdf", "zero-mediabox.pdf"].map { Self.corpus.appendingPathComponent($0).path }
        let r = try Self.intake(files + [Self.goodScan], store: store)
        Self.expectOrderly(r, status: 0, "repairable PDFs")
        let pages = r.json.map { $0["pages"] as? Int ?? -1 }
        #expect(pages.prefix(3) == [1, 3, 1], "\(r.stdout)")
        for o in r.json.prefix(3) {
            #expect(o["error"] == nil && o["case_id"] != nil && o["kind"] as? String == "none", "\(o)")
        }
        Self.expectGoodScanRead(r)
        try Self.expectAuditIntact(store)
    }

    /// A PNG of sane size (5000×7000) whose IDAT inflates 1000-fold is read in bounded time:
    /// its size is what the pixel limit allows, so it is not refused.
    @Test func aZlibBombInsideAPNGOfSaneSizeStaysWithinTheSizeLimit() throws {
        let path = Self.corpus.appendingPathComponent("idat-bomb.png").path
        let r = try Self.lifecert(["extract", path, "--json", "--forms", Self.forms])
        Self.expectOrderly(r, status: 0, "idat-bomb.png")
        #expect(r.seconds < 60)
        #expect(r.json.first?["kind"] as? String == "none", "\(r.stdout)")
    }

    // MARK: paths

    /// A folder given to intake never leads it outside: a link out, a link to /dev/zero, a pipe,
    /// loops of links, a link that leads nowhere and a name that is not UTF-8 are each named with
    /// the reason and not archived; names with `..` or a newline are taken by content; the
    /// files outside and the folder itself are untouched; the good scan after them is read.
    @Test func aFolderNeverLeadsIntakeOutsideIt() throws {
        let dir = Scratch()
        let fm = FileManager.default
        let inbox = dir.path("in"), outside = dir.path("outside")
        try fm.createDirectory(atPath: inbox, withIntermediateDirectories: true)
        try fm.createDirectory(atPath: outside, withIntermediateDirectories: true)
        let secret = Data("the outside file: not a scan, and not to be archived\n".utf8)
        try secret.write(to: URL(fileURLWithPath: outside + "/secret.png"))
        try fm.createSymbolicLink(atPath: inbox + "/a-link-out.png", withDestinationPath: "../outside/secret.png")
        try fm.createSymbolicLink(atPath: inbox + "/b-zero.pdf", withDestinationPath: "/dev/zero")
        #expect(mkfifo(inbox + "/c-pipe.pdf", 0o644) == 0)
        try fm.createSymbolicLink(atPath: inbox + "/d-loop", withDestinationPath: "e-loop")
        try fm.createSymbolicLink(atPath: inbox + "/e-loop", withDestinationPath: "d-loop")
        try fm.createSymbolicLink(atPath: inbox + "/f-itself", withDestinationPath: ".")
        try fm.createSymbolicLink(atPath: inbox + "/g-nowhere.png", withDestinationPath: dir.path("missing.png"))
        // A name that is not UTF-8 (bytes 0xFF 0xFE), made through the C API.
        let bad: [UInt8] = Array((inbox + "/h-").utf8) + [0xFF, 0xFE] + Array(".png".utf8) + [0]
        let fd = bad.withUnsafeBufferPointer { $0.baseAddress!.withMemoryRebound(to: CChar.self, capacity: bad.count) { open($0, O_CREAT | O_WRONLY, 0o644) } }
        #expect(fd >= 0)
        close(fd)
        let none = Self.scans.appendingPathComponent("scan-028-none.png").path
        try fm.copyItem(atPath: none, toPath: inbox + "/i-..-dots..png")
        try fm.copyItem(atPath: Self.scans.appendingPathComponent("scan-027-none.png").path, toPath: inbox + "/j-new\nline.png")
        try fm.copyItem(atPath: Self.goodScan, toPath: inbox + "/z-good.png")
        let before = Self.snapshot(dir.url.path)

        let store = dir.path("store/s.db")
        try fm.createDirectory(atPath: dir.path("store"), withIntermediateDirectories: true)
        let r = try Self.intake([inbox], store: store)
        Self.expectOrderly(r, status: 4, "hostile folder")
        var byName: [String: [String: Any]] = [:]
        for o in r.json {
            let name = (((o["file"] as? String) ?? "") as NSString).lastPathComponent
            byName[String(name.prefix(2))] = o
        }
        let refusals: [(String, String)] = [
            ("a-", "outside the folder"), ("b-", "outside the folder"), ("c-", "not a regular file"), ("d-", "leads nowhere"),
            ("e-", "leads nowhere"), ("g-", "leads nowhere"), ("h-", "not UTF-8"),
        ]
        for (prefix, says) in refusals {
            let error = byName[prefix]?["error"] as? [String: Any]
            let message = error?["message"] as? String ?? ""
            #expect(message.contains(inbox + "/" + prefix) && message.contains(says), "\(prefix): \(message)")
        }
        #expect(byName["f-"] == nil, "a link to the folder itself is not followed")
        for prefix in ["i-", "j-"] { #expect(byName[prefix]?["case_id"] != nil && byName[prefix]?["error"] == nil, "\(prefix): \(r.stdout)") }
        Self.expectGoodScanRead(r)
        // Nothing of the outside was archived; the archive holds the three scans by hash only.
        let copies = Self.archived(store).compactMap { fm.contents(atPath: store + ".archive/" + $0) }
        #expect(!copies.contains(secret))
        #expect(copies.count == 3)
        Self.expectArchived(try Data(contentsOf: URL(fileURLWithPath: none)), in: store)
        // Nothing outside the store folder was written, moved or removed.
        let after = Self.snapshot(dir.url.path).filter { !$0.key.hasPrefix("store") }
        #expect(after == before, "\(Set(after.map { "\($0)" }).symmetricDifference(before.map { "\($0)" }))")
        try Self.expectAuditIntact(store)
    }

    /// A path given as `../../outside/x`: read as named, archived by its content hash inside the
    /// archive only, and the message names the path given.
    @Test func aPathWithDotDotIsArchivedByContentHashOnly() throws {
        let dir = Scratch()
        let fm = FileManager.default
        try fm.createDirectory(atPath: dir.path("work/here"), withIntermediateDirectories: true)
        try fm.createDirectory(atPath: dir.path("outside"), withIntermediateDirectories: true)
        let text = Data("root:x:0:0:root:/root:/bin/bash\n".utf8)
        try text.write(to: URL(fileURLWithPath: dir.path("outside/passwd")))
        let before = Self.snapshot(dir.url.path)
        let store = dir.path("work/here/s.db")
        let r = try Self.intake(["../../outside/passwd", Self.goodScan], store: store, cwd: URL(fileURLWithPath: dir.path("work/here")))
        Self.expectOrderly(r, status: 4, "../../outside/passwd")
        let line = try #require(r.json.first, "\(r.stdout)")
        #expect((line["error"] as? [String: Any])?["message"] as? String
                == "../../outside/passwd is not a PDF, TIFF, PNG or JPEG file (it holds text); whatever its name says")
        #expect(line["case_id"] != nil)
        Self.expectArchived(text, in: store)
        Self.expectGoodScanRead(r)
        let after = Self.snapshot(dir.url.path).filter { !$0.key.hasPrefix("work/here/s.db") && $0.key != "work/here" }
        #expect(after == before.filter { $0.key != "work/here" })
    }

    /// A link planted inside the archive — a prefix folder leading elsewhere, or a link in place of
    /// an archived copy — never leads lifecert to write or read outside the archive: intake stops
    /// with exit 5 naming the link, nothing is written outside, and once the link is removed the
    /// scan is taken in.
    @Test func aLinkPlantedInTheArchiveNeverLeadsOutsideIt() throws {
        let dir = Scratch()
        let fm = FileManager.default
        let store = dir.path("s.db")
        let root = store + ".archive"
        try fm.createDirectory(atPath: dir.path("outside"), withIntermediateDirectories: true)
        try Data("secret\n".utf8).write(to: URL(fileURLWithPath: dir.path("outside/secret")))
        let bytes = try Data(contentsOf: URL(fileURLWithPath: Self.goodScan))
        let sha = SHA256Hex.of(bytes)
        let prefix = String(sha.prefix(2))
        try fm.createDirectory(atPath: root, withIntermediateDirectories: true)
        let before = Self.snapshot(dir.path("outside"))

        // 1. The prefix folder is a link to a folder outside.
        try fm.createSymbolicLink(atPath: root + "/" + prefix, withDestinationPath: dir.path("outside"))
        let r1 = try Self.intake([Self.goodScan], store: store)
        Self.expectOrderly(r1, status: 5, "a prefix folder linked outside")
        #expect(r1.stderr.contains("leads outside the archive"), "\(r1.stderr)")
        #expect(r1.stderr.contains("scan-004-hk-ftu.png"), "\(r1.stderr)")
        #expect(Self.snapshot(dir.path("outside")) == before)

        // 2. A link in place of the archived copy, pointing at a file outside.
        try fm.removeItem(atPath: root + "/" + prefix)
        try fm.createDirectory(atPath: root + "/" + prefix, withIntermediateDirectories: true)
        try fm.createSymbolicLink(atPath: root + "/\(prefix)/\(sha).png", withDestinationPath: dir.path("outside/secret"))
        let r2 = try Self.intake([Self.goodScan], store: store)
        Self.expectOrderly(r2, status: 5, "a link in place of the archived copy")
        #expect(r2.stderr.contains("is not a regular file"), "\(r2.stderr)")
        #expect(Self.snapshot(dir.path("outside")) == before)
        #expect(try String(contentsOfFile: dir.path("outside/secret"), encoding: .utf8) == "secret\n")

        // The link removed: the scan is archived inside and read.
        try fm.removeItem(atPath: root + "/\(prefix)/\(sha).png")
        let r3 = try Self.intake([Self.goodScan], store: store)
        Self.expectOrderly(r3, status: 0, "after the links are removed")
        Self.expectGoodScanRead(r3)
        Self.expectArchived(bytes, in: store)
        try Self.expectAuditIntact(store)
    }

    /// `intake --watch DIR` does not follow a link out of DIR (it says so once and leaves the link
    /// where it is), takes the good scan, and never moves or deletes anything outside DIR.
    @Test func watchDoesNotFollowALinkOutOfItsFolder() throws {
        let dir = Scratch()
        let fm = FileManager.default
        let inbox = dir.path("inbox"), outside = dir.path("outside")
        try fm.createDirectory(atPath: inbox, withIntermediateDirectories: true)
        try fm.createDirectory(atPath: outside, withIntermediateDirectories: true)
        try fm.copyItem(atPath: Self.scans.appendingPathComponent("scan-011-foreign-notary.png").path, toPath: outside + "/real.png")
        try fm.createSymbolicLink(atPath: inbox + "/a-link-out.png", withDestinationPath: outside + "/real.png")
        let outsideBefore = Self.snapshot(outside)
        let p = Process()
        p.executableURL = CommandRunner.productsFolder.appendingPathComponent("lifecert")
        p.arguments = ["intake", "--watch", inbox, "--json", "--store", dir.path("s.db"), "--forms", Self.forms]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        defer { if p.isRunning { p.terminate() } }
        try fm.copyItem(atPath: Self.goodScan, toPath: inbox + "/z-good.png")
        let deadline = Date().addingTimeInterval(90)
        while !fm.fileExists(atPath: inbox + "/done/z-good.png") && Date() < deadline { Thread.sleep(forTimeInterval: 0.5) }
        Thread.sleep(forTimeInterval: 3.5)  // two more polls: the refusal is said once only
        p.terminate()
        p.waitUntilExit()
        #expect(fm.fileExists(atPath: inbox + "/done/z-good.png"))
        let lines = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: "\n")
            .compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        let refusals = lines.filter { ($0["file"] as? String)?.hasSuffix("a-link-out.png") == true }
        #expect(refusals.count == 1, "\(lines)")
        let message = ((refusals.first?["error"] as? [String: Any])?["message"] as? String) ?? ""
        #expect(message.contains("a-link-out.png") && message.contains("outside the folder"), "\(message)")
        #expect(lines.contains { ($0["file"] as? String)?.hasSuffix("z-good.png") == true && $0["case_id"] != nil })
        // The link is left where it was; the outside is untouched and nothing of it archived.
        #expect((try? fm.destinationOfSymbolicLink(atPath: inbox + "/a-link-out.png")) == outside + "/real.png")
        #expect(Self.snapshot(outside) == outsideBefore)
        let real = try Data(contentsOf: URL(fileURLWithPath: outside + "/real.png"))
        #expect(!Self.archived(dir.path("s.db")).compactMap { fm.contents(atPath: dir.path("s.db.archive/") + $0) }.contains(real))
    }

    /// A `done` folder that is a link out of DIR is refused before anything is taken or moved.
    @Test func watchRefusesADoneFolderThatLeadsOutside() throws {
        let dir = Scratch()
        let fm = FileManager.default
        let inbox = dir.path("inbox"), outside = dir.path("elsewhere")
        try fm.createDirectory(atPath: inbox, withIntermediateDirectories: true)
        try fm.createDirectory(atPath: outside, withIntermediateDirectories: true)
        try fm.copyItem(atPath: Self.goodScan, toPath: outside + "/z-good.png")
        try fm.createSymbolicLink(atPath: inbox + "/done", withDestinationPath: outside)
        try fm.copyItem(atPath: Self.goodScan, toPath: inbox + "/z-good.png")
        let before = Self.snapshot(dir.url.path)
        let r = try Self.lifecert(["intake", "--watch", inbox, "--store", dir.path("s.db"), "--forms", Self.forms])
        Self.expectOrderly(r, status: 4, "done/ linked outside")
        #expect(r.stderr.contains(inbox + "/done is not a folder"), "\(r.stderr)")
        #expect(Self.snapshot(dir.url.path).filter { !$0.key.hasPrefix("s.db") } == before)
    }

    // MARK: registry extracts

    static let header = "ssn,name,name_latin,sex,birth_date,id_type,id_number,benefit_type,benefit_status,eligible,residence,last_certified_on,phone,office"
    static let goodRow = "900000000001,王秀英,WONG Sau Ying,F,1949-12-31,CN_RIC,11010519491231002X,ENTERPRISE_PENSION,NORMAL,Y,CA,2025-12-05,+1 604 555 0101,440100"
    static func row2(name: String = "张三", nameLatin: String = "") -> String {
        "900000000002,\(name),\(nameLatin),M,1950-01-01,CN_RIC,110105195001010012,ENTERPRISE_PENSION,NORMAL,Y,CA,2025-12-05,,440100"
    }

    struct BadExtract: Sendable, CustomTestStringConvertible {
        let name: String
        let bytes: @Sendable () -> [UInt8]
        let status: Int32
        let says: String
        /// The ssns that must be in the store afterwards (the good rows).
        let loaded: [String]
        var testDescription: String { name }
    }

    static func utf16LE(_ s: String, bom: Bool) -> [UInt8] {
        (bom ? [0xFF, 0xFE] : []) + s.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
    }

    static let extracts: [BadExtract] = [
        BadExtract(name: "UTF-16 with a byte-order mark", bytes: { utf16LE("\(header)\n\(goodRow)\n", bom: true) },
                   status: 4, says: "line 1: the header row cannot be read: the file is UTF-16 text", loaded: []),
        BadExtract(name: "UTF-16 without one", bytes: { utf16LE("\(header)\n\(goodRow)\n", bom: false) },
                   status: 4, says: "the file is UTF-16 text", loaded: []),
        BadExtract(name: "a NUL byte", bytes: { Array("\(header)\n\(row2(name: "张\u{0}三"))\n\(goodRow)\n".utf8) },
                   status: 3, says: ":2: rejected: the record contains a NUL byte", loaded: ["900000000001"]),
        BadExtract(name: "control characters", bytes: { Array("\(header)\n\(row2(name: "张三\u{1B}[2J", nameLatin: "\u{7}\u{8}"))\n\(goodRow)\n".utf8) },
                   status: 3, says: ":2: rejected: name contains control characters; name_latin contains control characters", loaded: ["900000000001"]),
        BadExtract(name: "a 10 MB field", bytes: { Array("\(header)\n\(row2(name: String(repeating: "x", count: 10 << 20)))\n\(goodRow)\n".utf8) },
                   status: 3, says: ":2: rejected: the record is longer than 1024 KiB; it was skipped", loaded: ["900000000001"]),
        BadExtract(name: "a header only", bytes: { Array("\(header)\n".utf8) }, status: 0, says: "0 rows", loaded: []),
        BadExtract(name: "no header", bytes: { Array("\(goodRow)\n\(row2())\n".utf8) }, status: 4, says: "line 1: the header lacks the column(s) ssn", loaded: []),
        BadExtract(name: "CRLF line ends", bytes: { Array("\(header)\r\n\(row2())\r\n\(goodRow)\r\n".utf8) },
                   status: 0, says: "2 inserted", loaded: ["900000000001", "900000000002"]),
        BadExtract(name: "CR line ends", bytes: { Array("\(header)\r\(row2())\r\(goodRow)\r".utf8) },
                   status: 0, says: "2 inserted", loaded: ["900000000001", "900000000002"]),
        BadExtract(name: "a byte-order mark in the middle", bytes: { Array("\u{FEFF}\(header)\n\(row2())\n\u{FEFF}\(goodRow)\n".utf8) },
                   status: 0, says: "2 inserted", loaded: ["900000000001", "900000000002"]),
    ]

    /// Each malformed extract is refused by name or loaded as README.md says; the good rows load.
    @Test(arguments: extracts)
    func aRegistryExtractInTheWrongShapeIsRefusedClearly(_ bad: BadExtract) throws {
        let dir = Scratch()
        let file = dir.path("extract.csv")
        try Data(bad.bytes()).write(to: URL(fileURLWithPath: file))
        let store = dir.path("s.db")
        let r = try Self.lifecert(["registry", "import", file, "--store", store, "--today", "2026-11-25"])
        Self.expectOrderly(r, status: bad.status, bad.name)
        let said = r.stdout + r.stderr
        #expect(said.contains(bad.says), "\(bad.name): \(said)")
        if bad.status != 0 { #expect(r.stderr.contains(file), "the message names the file: \(r.stderr)") }
        if bad.status == 4 { return }  // refused whole: nothing loaded, the store not even opened
        for ssn in ["900000000001", "900000000002"] {
            let shown = try Self.lifecert(["registry", "show", ssn, "--store", store])
            #expect(shown.status == (bad.loaded.contains(ssn) ? 0 : 6), "\(bad.name): \(ssn) \(shown.stdout)")
        }
        try Self.expectAuditIntact(store)
    }

    /// The consular batch file goes through the same reader: UTF-16 is refused by name.
    @Test func aConsularBatchInUTF16IsRefusedByName() throws {
        let dir = Scratch()
        let store = dir.path("s.db")
        #expect(try Self.lifecert(["users", "add", Store.currentLogin(), "--role", "admin", "--store", store]).status == 0)
        let file = dir.path("batch.csv")
        let text = "batch_id,record_id,channel,mission,name,sex,birth_date,id_type,id_number,passport_number,certified_at,certificate_no\n"
            + "B1,R1,CONSULAR_APP,m,王秀英,F,1949-12-31,CN_RIC,11010519491231002X,,2026-11-01T10:00:00Z,\n"
        try Data(Self.utf16LE(text, bom: true)).write(to: URL(fileURLWithPath: file))
        let r = try Self.lifecert(["import", "consular", file, "--store", store, "--today", "2026-11-25"])
        #expect(!r.signalled && [3, 4].contains(r.status), "\(r.status) \(r.stderr)")
        #expect(r.stderr.contains("batch.csv") && r.stderr.contains("UTF-16"), "\(r.stderr)")
        try Self.expectAuditIntact(store)
    }

    // MARK: spreadsheet exports

    /// Every CSV lifecert writes for a spreadsheet neutralises a value starting with = + - @ (and
    /// tab or carriage return, which cannot come in through the registry or the batch file, whose
    /// readers trim the one and refuse the other): records export, overdue list, corrections and
    /// SMS files, the supervisor's report and the import report.
    @Test func everySpreadsheetExportNeutralisesFormulas() throws {
        let dir = Scratch()
        let store = dir.path("s.db")
        let s = ["--store", store, "--today", "2026-11-25"]
        let registry = dir.path("r.csv")
        try """
            \(Self.header)
            900000000001,=cmd|' /C calc'!A0,@SUM(A1),F,1949-12-31,CN_RIC,11010519491231002X,ENTERPRISE_PENSION,NORMAL,Y,CA,2025-10-05,=1+1,+440100
            900000000003,-2+3,,M,1950-01-01,CN_RIC,110105195001010012,ENTERPRISE_PENSION,NORMAL,Y,CA,2025-12-20,,@office

            """.write(toFile: registry, atomically: true, encoding: .utf8)
        #expect(try Self.lifecert(["registry", "import", registry] + s).status == 0)
        let overdue = try Self.lifecert(["registry", "overdue", "--month", "2026-12", "--csv"] + s).stdout
        #expect(overdue.contains(",'=cmd|' /C calc'!A0,") && overdue.contains(",'+440100,"), "\(overdue)")
        let lists = try Self.lifecert(["registry", "due", "--within", "60d", "--sms", dir.path("sms.csv"), "--corrections", dir.path("fix.csv")] + s)
        #expect(lists.status == 0, "\(lists.stderr)")
        let fix = try String(contentsOfFile: dir.path("fix.csv"), encoding: .utf8)
        #expect(fix.contains("'-2+3,") && fix.contains(",'@office,"), "\(fix)")

        // A record, approved by a reviewer whose login looks like a formula, then revoked with one.
        let act = { (who: String, args: [String]) throws -> Run in try Self.lifecert(args + s, env: ["LIFECERT_ACT_AS": who]) }
        #expect(try Self.lifecert(["users", "add", Store.currentLogin(), "--role", "admin"] + s).status == 0)
        #expect(try Self.lifecert(["users", "add", "@evil", "--role", "reviewer"] + s).status == 0)
        #expect(try Self.lifecert(["users", "add", "sam", "--role", "senior"] + s).status == 0)
        let batch = dir.path("b.csv")
        try """
            batch_id,record_id,channel,mission,name,sex,birth_date,id_type,id_number,passport_number,certified_at,certificate_no
            +B1,@R1,CONSULAR_APP,m,=cmd|' /C calc'!A0,F,1949-12-31,CN_RIC,11010519491231002X,,2026-11-01T10:00:00Z,

            """.write(toFile: batch, atomically: true, encoding: .utf8)
        let imported = try Self.lifecert(["import", "consular", batch, "--report", dir.path("rep.csv")] + s)
        #expect(imported.status == 0, "\(imported.stderr)")
        let report = try String(contentsOfFile: dir.path("rep.csv"), encoding: .utf8)
        #expect(report.contains("\n2,'+B1,'@R1,"), "\(report)")
        for who in ["@evil", "sam"] {
            #expect(try act(who, ["case", "claim", "1"]).status == 0)
            let approved = try act(who, ["case", "approve", "1", "--recipient", "900000000001"])
            #expect(approved.status == 0, "\(approved.stderr)")
        }
        #expect(try act("sam", ["records", "revoke", "1", "--reason=-1+1 entered by mistake"]).status == 0)
        let export = try Self.lifecert(["records", "export", "--since", "2026-01-01", "--csv"] + s)
        #expect(export.status == 0, "\(export.stderr)")
        let row = try #require(export.stdout.split(separator: "\n").first { $0.hasPrefix("1,") }.map(String.init), "\(export.stdout)")
        #expect(row.contains(",'=cmd|' /C calc'!A0,") && row.contains(",'@evil,") && row.contains(",'-1+1 entered by mistake"), "\(row)")
        let supervisor = try Self.lifecert(["report", "--csv"] + s).stdout
        #expect(supervisor.contains(",'@evil first_approval,"), "\(supervisor)")
    }

    /// OWASP's list of characters that start a formula, tab and carriage return included.
    @Test(arguments: ["=cmd|' /C calc'!A0", "+1+1", "-1+1", "@SUM(A1)", "\t=1+1", "\r=1+1"])
    func csvFieldNeutralisesEveryFormulaStart(_ value: String) {
        let field = csvField(value)
        let unquoted = field.hasPrefix("\"") ? String(field.dropFirst().dropLast()).replacingOccurrences(of: "\"\"", with: "\"") : field
        #expect(unquoted == "'" + value, "\(field.debugDescription)")
    }

    // MARK: form templates

    struct HostileTemplate: Sendable, CustomTestStringConvertible {
        let name: String
        let bytes: @Sendable () -> [UInt8]
        let line: Int
        let says: String
        var testDescription: String { name }
    }

    static func template(_ extra: String = "", pattern: String = "'姓名:(\\p{Han}{2,4})'") -> String {
        "kind: consular\ntitle: Test form\nlanguages: chi_sim+eng\nkeywords:\n  - 测试表\n\(extra)\nfields:\n  name:\n    patterns:\n      - \(pattern)\n"
    }

    static let templates: [HostileTemplate] = [
        HostileTemplate(name: "billion laughs", bytes: {
            let levels = "abcdefghi".map(String.init)
            var yaml = "kind: consular\ntitle: lol\nlanguages: eng\nkeywords: [lol]\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
            for (i, l) in levels.enumerated().dropFirst() { yaml += "\(l): &\(l) [" + Array(repeating: "*\(levels[i - 1])", count: 9).joined(separator: ",") + "]\n" }
            return Array((yaml + "fields: {*i: 1}\n").utf8)
        }, line: 5, says: "an anchor"),
        HostileTemplate(name: "100000 open brackets", bytes: { Array(template("notes: " + String(repeating: "[", count: 100_000)).utf8) },
                        line: 6, says: "nested too deeply"),
        HostileTemplate(name: "a 50 MB file", bytes: { Array((template() + "#" + String(repeating: "x", count: 50 << 20) + "\n").utf8) },
                        line: 1, says: "larger than 1 MB"),
        HostileTemplate(name: "(a+)+$", bytes: { Array(template(pattern: "'姓名:((a+)+$)'").utf8) }, line: 10, says: "exponential time"),
        HostileTemplate(name: "(\\p{Han}*)*x", bytes: { Array(template(pattern: "'姓名:((\\p{Han}*)*x)'").utf8) }, line: 10, says: "exponential time"),
        HostileTemplate(name: "invalid UTF-8", bytes: { Array(template().utf8).map { $0 == UInt8(ascii: "T") ? 0xFF : $0 } },
                        line: 1, says: "not UTF-8"),
        HostileTemplate(name: "a duplicate key", bytes: { Array(template("title: again").utf8) }, line: 2, says: "appear twice"),
    ]

    /// `forms check` names the hostile file and line with the reason, in bounded time, and says
    /// nothing about the good templates beside it; intake leaves the file out, says so, and reads.
    @Test(arguments: templates)
    func aHostileTemplateIsRefusedWithFileAndLine(_ t: HostileTemplate) throws {
        let dir = Scratch()
        let folder = dir.path("forms")
        try FileManager.default.copyItem(atPath: Self.forms, toPath: folder)
        let file = folder + "/hostile.yaml"
        try Data(t.bytes()).write(to: URL(fileURLWithPath: file))
        let r = try Self.lifecert(["forms", "check", "--forms", folder])
        Self.expectOrderly(r, status: 4, t.name)
        #expect(r.seconds < 30, "\(t.name): \(r.seconds) s")
        let errors = r.stdout.split(separator: "\n").filter { $0.contains(": error: ") }
        #expect(errors.count == 1 && errors[0].hasPrefix("\(file):\(t.line)") && errors[0].contains(t.says), "\(t.name): \(r.stdout)")
        let e = try Self.lifecert(["extract", Self.goodScan, "--json", "--forms", folder])
        Self.expectOrderly(e, status: 0, t.name)
        #expect(e.seconds < 60)
        #expect(e.stderr.contains("template left out: \(file):\(t.line)"), "\(e.stderr)")
        #expect(e.json.first?["kind"] as? String == "hk", "\(e.stdout)")
    }
}

/// SHA-256 of some bytes in hex, by the system's sha256sum (the test target does not link swift-crypto).
enum SHA256Hex {
    static func of(_ data: Data) -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        let input = Pipe(), output = Pipe()
        p.standardInput = input
        p.standardOutput = output
        try? p.run()
        input.fileHandleForWriting.write(data)
        try? input.fileHandleForWriting.close()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: out, as: UTF8.self).split(separator: " ").first.map(String.init) ?? ""
    }
}
