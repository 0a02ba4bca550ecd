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

    /// This test's own tmux server (its own socket), so nothing of the machine's tmux is touched
    /// and `kill-server` at the end leaves no process behind.
    let socket = "lifecert-test-\(getpid())"

    /// Runs tmux and returns what it printed.
    ///
    /// Not through Foundation's `Process`: on Linux it learns that a child ended from a socket the
    /// child inherits, and the tmux server that `new-session` forks keeps that socket open, so
    /// `waitUntilExit()` would never return (this hung CI). `posix_spawn` with every descriptor
    /// above 2 closed and a clean signal mask, output into a file, and `waitpid`.
    func tmux(_ args: [String]) throws -> String {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("tmux-\(UUID().uuidString)").path
        defer { unlink(out) }
        let argv = ["/usr/bin/tmux", "-f", "/dev/null", "-L", socket] + args
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        Self.closeFrom3(&actions)
        // The test runs on a thread with most signals blocked; tmux and the queue must not inherit
        // that mask, or kill-server and the queue's own handlers would not work.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let cArgs = argv.map { strdup($0) } + [nil]
        defer { cArgs.forEach { free($0) } }
        let rc = posix_spawn(&pid, argv[0], &actions, &attributes, cArgs, environ)
        guard rc == 0 else { throw POSIXError(POSIXErrorCode(rawValue: rc) ?? .EIO) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        return (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
    }

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34+), looked up at run time because
    /// the Glibc module does not declare it; without it the spawned tmux server could keep pipes
    /// of other tests' processes open.
    static func closeFrom3(_ actions: inout posix_spawn_file_actions_t) {
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        guard let sym = dlsym(nil /* RTLD_DEFAULT on glibc */, "posix_spawn_file_actions_addclosefrom_np") else { return }
        _ = unsafeBitCast(sym, to: CloseFrom.self)(&actions, 3)
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
                      "env LIFECERT_ACT_AS=rita LIFECERT_VIEWER=true TERM=xterm-256color OMP_THREAD_LIMIT=1 \(TestBackend.environment(store).map { "\($0)=\($1) " }.joined())\(binary) queue --store '\(TestBackend.location(store))' --forms \(forms) --today 2026-11-25; sleep 30"])
        defer { _ = try? tmux(["kill-server"]) }

        let list = try screen(session, showing: "3 case(s)")
        print("— the queue —\n\(list)")
        #expect(list.contains("open cases"))
        // A resized terminal is drawn again at its new size, then back at 80×24.
        // (The key line is drawn on the last row: at row 30 only if the queue redrew itself.)
        func keyLineRow() throws -> Int? {
            try tmux(["capture-pane", "-p", "-t", session]).split(separator: "\n", omittingEmptySubsequences: false)
                .firstIndex { $0.contains("↑↓ move") }
        }
        _ = try tmux(["resize-window", "-t", session, "-x", "100", "-y", "30"])
        var row = try keyLineRow()
        for _ in 0..<100 where row != 29 { usleep(100_000); row = try keyLineRow() }
        #expect(row == 29, "after resizing to 100×30 the key line is on row \(row.map(String.init) ?? "none")")
        _ = try tmux(["resize-window", "-t", session, "-x", "80", "-y", "24"])
        for _ in 0..<100 where row != 23 { usleep(100_000); row = try keyLineRow() }
        #expect(row == 23)
        // f: only the cases that need a person to choose the recipient.
        _ = try tmux(["send-keys", "-t", session, "f"])
        let filtered = try screen(session, showing: "NEEDS_MATCH — 1 case(s)")
        print("— filtered —\n\(filtered)")
        _ = try tmux(["send-keys", "-t", session, "f", "f", "f", "f", "f", "f", "f", "f"])   // round to "open cases" again
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
        // The consular certificate that needs a person to choose the recipient: correct a field,
        // pick the candidate, look at the scan, approve (the first of two approvals).
        _ = try tmux(["send-keys", "-t", session, "q", "/", "scan-017", "Enter"])
        _ = try screen(session, showing: "search: scan-017 — 1 case(s)")
        _ = try tmux(["send-keys", "-t", session, "Enter", "c"])
        _ = try screen(session, showing: "claimed for 30 minutes")
        _ = try tmux(["send-keys", "-t", session, "e", "issuer", "Enter", "中华人民共和国驻温哥华总领事馆", "Enter", "seal misread", "Enter"])
        let corrected = try screen(session, showing: "issuer corrected")
        print("— corrected —\n\(corrected)")
        _ = try tmux(["send-keys", "-t", session, "p"])
        let candidates = try screen(session, showing: "candidates for case")
        print("— candidates —\n\(candidates)")
        _ = try tmux(["send-keys", "-t", session, "1", "Enter"])
        _ = try screen(session, showing: "recipient chosen:")
        _ = try tmux(["send-keys", "-t", session, "o"])
        _ = try screen(session, showing: "opened ")
        _ = try tmux(["send-keys", "-t", session, "a"])
        let first = try screen(session, showing: "first approval recorded")
        print("— first approval —\n\(first)")
        _ = try tmux(["send-keys", "-t", session, "?"])
        let keys = try screen(session, showing: "keys")
        #expect(keys.contains("correct a field") && keys.contains("pick another candidate"))
        _ = try tmux(["send-keys", "-t", session, "Enter", "q", "q"])
        usleep(500_000)
        let third = try act("rita").run(["case", "show", "3", "--store", store]).stdout
        #expect(third.contains("FIELD_CORRECTED") && third.contains("FIRST_APPROVAL") && third.contains("corrected by hand"))
        // The store has it: the case approved, one record, written by rita.
        let show = try act("rita").run(["case", "show", "1", "--store", store])
        #expect(show.stdout.contains("APPROVED"))
        #expect(show.stdout.contains("rita  APPROVED"))
    }
}
