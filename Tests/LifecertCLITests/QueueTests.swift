import Foundation
import Testing

/// The full-screen queue, driven in tmux at 80×24 the way a reviewer uses it over SSH:
/// open, filter, search, open a case, approve, quit. The screens are printed in the test's output.
/// Needs tmux (scripts/setup-debian installs it) and root (to act as the test's users through
/// LIFECERT_ACT_AS; CI runs as root).
@Suite(.serialized, .enabled(if: geteuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux")))
struct QueueTests {
    let cli = CommandRunner(environment: ["OMP_THREAD_LIMIT": "1"])
    let repo = CommandRunner.repository

    /// Runs tmux. Only `capture-pane` output is read: a command that starts the tmux server would
    /// hand it the pipe, which would then never reach its end.
    func tmux(_ args: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/tmux")
        p.arguments = args
        p.standardError = FileHandle.nullDevice
        p.standardInput = FileHandle.nullDevice
        guard args.first == "capture-pane" else {
            p.standardOutput = FileHandle.nullDevice
            try p.run()
            p.waitUntilExit()
            return ""
        }
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// Waits until the screen shows `text` (at most 10 s); returns the screen.
    func screen(_ session: String, showing text: String) throws -> String {
        var last = ""
        for _ in 0..<100 {
            last = try tmux(["capture-pane", "-p", "-t", session])
            if last.contains(text) { return last }
            usleep(100_000)
        }
        Issue.record("the screen never showed \"\(text)\":\n\(last)")
        return last
    }

    @Test func aReviewerFiltersSearchesOpensAndApprovesACase() throws {
        let dir = Scratch()
        let store = dir.path("s.db")
        let forms = repo.appendingPathComponent("forms").path
        let act = { (who: String) in CommandRunner(environment: ["OMP_THREAD_LIMIT": "1", "LIFECERT_ACT_AS": who]) }
        #expect(try cli.run(["registry", "import", repo.appendingPathComponent("samples/registry.csv").path, "--store", store]).status == 0)
        let scans = ["scan-004-hk-ftu.png", "scan-011-foreign-notary.png", "scan-017-consular-survival.pdf"].map { repo.appendingPathComponent("samples/scans/\($0)").path }
        #expect(try act("carl").run(["intake"] + scans + ["--store", store, "--forms", forms, "--today", "2026-11-25"]).status == 0)
        #expect(try act("ada").run(["users", "add", "ada", "--role", "admin", "--store", store]).status == 0)
        #expect(try act("ada").run(["users", "add", "rita", "--role", "reviewer", "--store", store]).status == 0)

        let session = "lifecert-test-\(getpid())"
        let binary = CommandRunner.productsFolder.appendingPathComponent("lifecert").path
        _ = try tmux(["new-session", "-d", "-s", session, "-x", "80", "-y", "24",
                      "env LIFECERT_ACT_AS=rita TERM=xterm-256color OMP_THREAD_LIMIT=1 \(binary) queue --store \(store) --today 2026-11-25; sleep 30"])
        defer { _ = try? tmux(["kill-session", "-t", session]) }

        let list = try screen(session, showing: "3 case(s)")
        print("— the queue —\n\(list)")
        #expect(list.contains("open cases"))
        // f: only the cases that need a person to choose the recipient.
        _ = try tmux(["send-keys", "-t", session, "f"])
        let filtered = try screen(session, showing: "NEEDS_MATCH — 1 case(s)")
        print("— filtered —\n\(filtered)")
        _ = try tmux(["send-keys", "-t", session, "f", "f", "f", "f", "f", "f", "f"])   // round to "open cases" again
        _ = try screen(session, showing: "open cases")
        // Search for the Hong Kong certificate and open it.
        _ = try tmux(["send-keys", "-t", session, "/", "scan-004", "Enter"])
        _ = try screen(session, showing: "search: scan-004 — 1 case(s)")
        _ = try tmux(["send-keys", "-t", session, "Enter"])
        let sheet = try screen(session, showing: "(linked)")
        print("— the case —\n\(sheet)")
        #expect(sheet.contains("hk/hk-ftu") && sheet.contains("(linked)"))
        _ = try tmux(["send-keys", "-t", session, "a"])
        let approved = try screen(session, showing: "approved: certification record 1 written")
        print("— approved —\n\(approved)")
        _ = try tmux(["send-keys", "-t", session, "q", "q"])
        usleep(500_000)
        // The store has it: the case approved, one record, written by rita.
        let show = try cli.run(["case", "show", "1", "--store", store])
        #expect(show.stdout.contains("APPROVED"))
        #expect(show.stdout.contains("rita  APPROVED"))
    }
}
