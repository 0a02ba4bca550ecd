import Foundation
import Testing

/// End-to-end: `lifecert extract` and `lifecert intake` on the bundled sample scans.
@Suite(.serialized) struct IntakeCommandTests {
    let cli = CommandRunner(environment: ["OMP_THREAD_LIMIT": "1"])
    let repo = CommandRunner.repository
    var forms: String { repo.appendingPathComponent("forms").path }
    var scans: String { repo.appendingPathComponent("samples/scans").path }

    func truth(_ file: String) throws -> [String: Any] {
        let url = repo.appendingPathComponent("samples/truth/\((file as NSString).lastPathComponent).json")
        return try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    }

    @Test func extractRecognisesEveryKindAndNeverTakesANonCertificateForOne() throws {
        let r = try cli.run(["extract", scans, "--json", "--forms", forms, "--today", "2026-11-25"])
        #expect(r.status == 0, "\(r.stderr)")
        let objects = try r.stdout.split(separator: "\n").map { try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        let byFile = Dictionary(grouping: objects) { $0["file"] as! String }
        #expect(byFile.count == 28)
        for (file, docs) in byFile {
            let t = try truth(file)
            let kinds = docs.map { $0["kind"] as? String ?? "?" }
            if t["kind"] as? String == "none" {
                #expect(kinds == ["none"], "\(file) is not a certificate but was read as \(kinds)")
            } else {
                #expect(kinds == [t["kind"] as! String], "\(file): \(kinds)")
                #expect(docs[0]["form"] as? String == t["form"] as? String, "\(file)")
                let fields = docs[0]["fields"] as! [String: Any]
                for key in ["name", "name_latin", "sex", "birth_date", "appeared_on", "issued_on", "issuer", "certificate_no", "ids"] {
                    #expect(fields.keys.contains(key), "\(file) lacks \(key) in the JSON contract")
                }
                #expect(docs[0]["confidence"] is [String: Any])
                #expect(docs[0]["flags"] is [Any])
            }
        }
        // A cover letter in the same file is attached to the certificate: one document, all pages.
        for (file, docs) in byFile where (try truth(file))["cover_letter"] as? Bool == true {
            #expect(docs.count == 1)
            #expect((docs[0]["page_indices"] as? [Int])?.count == 2, "\(file)")
        }
    }

    @Test func intakeArchivesFirstRecognisesDuplicatesAndOpensUnreadableCases() throws {
        let dir = Scratch()
        let store = dir.path("s.db")
        let bad = dir.path("bad")
        try FileManager.default.createDirectory(atPath: bad, withIntermediateDirectories: true)
        try Data().write(to: URL(fileURLWithPath: "\(bad)/empty.pdf"))
        try Data("Dear Sir, my certificate is enclosed.\n".utf8).write(to: URL(fileURLWithPath: "\(bad)/letter.pdf"))
        let pdf = try Data(contentsOf: URL(fileURLWithPath: "\(scans)/scan-009-macao-fss.pdf"))
        try pdf.prefix(pdf.count / 4).write(to: URL(fileURLWithPath: "\(bad)/truncated.pdf"))
        let png = "\(scans)/scan-011-foreign-notary.png"

        let first = try cli.run(["intake", png, bad, "--json", "--store", store, "--forms", forms, "--received", "2026-11-25"])
        #expect(first.status == 4, "bad files must give exit status 4: \(first.stderr)")
        let lines = try first.stdout.split(separator: "\n").map { try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        #expect(lines.count == 4)
        let unreadable = lines.filter { $0["error"] != nil }
        #expect(unreadable.count == 3)
        for u in unreadable {
            #expect(u["case_id"] != nil, "an unreadable file still gets a case")
            let message = (u["error"] as! [String: Any])["message"] as! String
            #expect(message.contains((u["file"] as! String as NSString).lastPathComponent), "\(message)")
        }
        let good = try #require(lines.first { $0["error"] == nil })
        #expect(good["kind"] as? String == "notary")

        // The originals are archived byte for byte.
        let archive = dir.path("s.db.archive")
        let archived = FileManager.default.enumerator(atPath: archive)!.allObjects.compactMap { $0 as? String }.filter { $0.contains(".") && !$0.hasPrefix(".") }
        #expect(archived.count == 4)
        let copies = archived.map { try! Data(contentsOf: URL(fileURLWithPath: "\(archive)/\($0)")) }
        #expect(copies.contains(try Data(contentsOf: URL(fileURLWithPath: png))))

        let again = try cli.run(["intake", png, "--json", "--store", store, "--forms", forms])
        #expect(again.status == 0)
        let dup = try JSONSerialization.jsonObject(with: Data(again.stdout.split(separator: "\n")[0].utf8)) as! [String: Any]
        #expect(dup["duplicate"] as? Bool == true)

        let cases = try cli.run(["cases", "--store", store, "--state", "UNREADABLE"])
        #expect(cases.stdout.split(separator: "\n").count == 3)
        let info = try cli.run(["store", "info", "--store", store])
        #expect(info.stdout.contains("audit chain: intact"))
    }

    @Test func formsCheckPassesOnTheShippedTemplatesAndNamesTheLineOfABrokenOne() throws {
        let ok = try cli.run(["forms", "check", "--forms", forms])
        #expect(ok.status == 0, "\(ok.stdout)\(ok.stderr)")
        let dir = Scratch()
        try FileManager.default.copyItem(atPath: forms, toPath: dir.path("forms"))
        try "kind: consular\nlanguages: chi_sim\nkeywords: [\"审核表\"]\nfields:\n  name:\n    type: name\n    patterns: [\"姓名(\"]\n"
            .write(toFile: dir.path("forms/broken.yaml"), atomically: true, encoding: .utf8)
        let bad = try cli.run(["forms", "check", "--forms", dir.path("forms")])
        #expect(bad.status == 4)
        #expect(bad.stdout.contains("broken.yaml:"), "\(bad.stdout)")
    }

    /// Intake links every certificate or queues it: with the samples' registry, each certificate
    /// linked automatically is linked to its true holder, and `match explain` says why.
    @Test func intakeLinksCertificatesToTheirHoldersAndExplainsWhy() throws {
        let dir = Scratch()
        let store = dir.path("s.db")
        let registry = repo.appendingPathComponent("samples/registry.csv").path
        #expect(try cli.run(["registry", "import", registry, "--store", store]).status == 0)
        let files = ["scan-001-consular-2015.pdf", "scan-004-hk-ftu.png", "scan-011-foreign-notary.png"].map { "\(scans)/\($0)" }
        let r = try cli.run(["intake"] + files + ["--json", "--store", store, "--forms", forms, "--today", "2026-11-25"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = try r.stdout.split(separator: "\n").map { try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        #expect(lines.count == 3)
        var autoCase: Int?
        for o in lines {
            let file = o["file"] as! String
            let t = try truth(file)
            let match = try #require(o["match"] as? [String: Any], "\(file) has no match object")
            let decision = match["decision"] as? String
            #expect(["auto", "review", "none"].contains(decision ?? ""))
            if decision == "auto" {
                #expect(match["ssn"] as? String == t["ssn"] as? String, "\(file) linked to the wrong person")
                autoCase = o["case_id"] as? Int
            }
            if decision != "none" {
                let candidates = match["candidates"] as! [[String: Any]]
                #expect(candidates.first?["ssn"] as? String == t["ssn"] as? String, "\(file): the holder is not the first candidate")
            }
        }
        let id = try #require(autoCase, "no certificate of the three was linked automatically")
        let explain = try cli.run(["match", "explain", String(id), "--store", store])
        #expect(explain.status == 0)
        #expect(explain.stdout.contains("decision: auto"))
        #expect(explain.stdout.contains("agrees +"))
        #expect(try cli.run(["match", "explain", "999", "--store", store]).status == 6)
    }
}

@Suite struct WatchTests {
    /// `intake --watch` takes a file only once it has stopped growing, opens its case, and moves it
    /// to done/ afterwards.
    @Test func aWatchedFolderIsTakenInOnceEachFileIsComplete() throws {
        let dir = Scratch()
        let inbox = dir.path("inbox")
        try FileManager.default.createDirectory(atPath: inbox, withIntermediateDirectories: true)
        let p = Process()
        p.executableURL = CommandRunner.productsFolder.appendingPathComponent("lifecert")
        p.arguments = ["intake", "--watch", inbox, "--json", "--store", dir.path("s.db"),
                       "--forms", CommandRunner.repository.appendingPathComponent("forms").path]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        defer { if p.isRunning { p.terminate() } }
        // A scanner writing slowly: half the file, a pause, then the rest.
        let bytes = try Data(contentsOf: CommandRunner.repository.appendingPathComponent("samples/scans/scan-011-foreign-notary.png"))
        let target = "\(inbox)/incoming.png"
        FileManager.default.createFile(atPath: target, contents: bytes.prefix(bytes.count / 2))
        Thread.sleep(forTimeInterval: 1.0)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: target))
        try handle.seekToEnd()
        try handle.write(contentsOf: bytes.suffix(from: bytes.count / 2))
        try handle.close()
        let done = "\(inbox)/done/incoming.png"
        let deadline = Date().addingTimeInterval(90)
        while !FileManager.default.fileExists(atPath: done) && Date() < deadline { Thread.sleep(forTimeInterval: 0.5) }
        #expect(FileManager.default.fileExists(atPath: done))
        p.terminate()
        p.waitUntilExit()
        let lines = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 1, "one file, one case, no half-written file taken: \(lines)")
        if let first = lines.first {
            let o = try JSONSerialization.jsonObject(with: Data(first.utf8)) as! [String: Any]
            #expect(o["kind"] as? String == "notary")
            #expect(o["case_id"] != nil)
        }
    }

}
