import ArgumentParser
import Foundation
import LifecertDomain
import LifecertStore
import Yams

struct StoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store", abstract: "The store itself.", subcommands: [Info.self, Copy.self])

    struct Copy: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy an office's store (every row and archived scan) into a new, empty PostgreSQL store.",
            discussion: """
                Stop the office's lifecert commands first: the copy reads the store as it is when it starts. \
                Rows keep their ids (case and record numbers, the audit chain); each archived scan is copied \
                into the shared archive folder and its SHA-256 checked. Everything is one transaction in the \
                target, so a failure leaves it empty. At the end the rows of every table are counted in both \
                stores; any difference is an error (exit 5).
                """)

        @Option(name: .long, help: ArgumentHelp("The store to copy: sqlite:PATH (or just PATH).", valueName: "store"))
        var from: String

        @Option(name: .long, help: ArgumentHelp("The new store: postgres://user@host:port/database (password from PGPASSWORD or ~/.pgpass).", valueName: "url"))
        var to: String

        @Option(name: .long, help: ArgumentHelp("The shared archive folder the target's scans go to (default $LIFECERT_ARCHIVE).", valueName: "folder"))
        var archive: String?

        @Option(name: .long, help: ArgumentHelp("The source store's policy file, when it has one that is not beside it.", valueName: "file"))
        var policy: String?

        func run() throws {
            let path = from.hasPrefix("sqlite:") ? String(from.dropFirst("sqlite:".count)) : from
            guard FileManager.default.fileExists(atPath: path) else {
                throw fail("the store to copy, \(path), does not exist", .notFound)
            }
            guard let folder = archive ?? ProcessInfo.processInfo.environment["LIFECERT_ARCHIVE"], !folder.isEmpty else {
                throw fail("name the shared archive folder the scans go to: --archive FOLDER (or $LIFECERT_ARCHIVE)", .failure)
            }
            let options = try StoreOptions.parse(["--store", path] + (policy.map { ["--policy", $0] } ?? []))
            let source = try options.openStore()
            let started = Date()
            let report: StoreCopyReport
            do {
                report = try source.copy(toPostgres: to, archiveFolder: folder, actor: Store.currentLogin()) { table, n in
                    printError("lifecert: copied \(formatCount(n)) rows of \(table)")
                }
            } catch let e as StoreError {
                throw fail(e.description, .storeProblem)
            } catch let e as WorkflowError {
                throw fail(e.description, .refused)
            }
            print("copied \(source.path) to \(try PostgresLocation(url: to)?.redacted ?? to) in \(String(format: "%.1f", Date().timeIntervalSince(started))) s; \(report.scansCopied) scans into \(folder)")
            for t in report.tables {
                print("  \(t.name.padding(toLength: 26, withPad: " ", startingAt: 0)) \(formatCount(t.source)) → \(formatCount(t.target))\(t.matches ? "" : "   DIFFERENT")")
            }
            guard report.allMatch else {
                throw fail("the counts differ (above): the target is not a complete copy; do not use it", .storeProblem)
            }
            print("counts: every table the same (events: one more, the copy's own)")
        }
    }

    struct Info: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the store's path, schema version, table sizes, and check the audit chain.")

        @OptionGroup var options: StoreOptions

        func run() throws {
            let store = try options.openStore()
            print("store:      \(store.path)")
            print("schema:     \(try store.appliedMigrations().joined(separator: ", "))")
            for (table, n) in try store.counts().sorted(by: { $0.key < $1.key }) {
                print("  \(table.padding(toLength: 26, withPad: " ", startingAt: 0)) \(formatCount(n))")
            }
            if let broken = try store.verifyAuditChain() {
                throw fail("the audit chain is broken at event \(broken): the log was altered", .storeProblem)
            }
            print("audit chain: intact")
        }
    }
}

struct PolicyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy", abstract: "The certification policy.", subcommands: [Show.self])

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the policy in force as YAML (a starting point for lifecert-policy.yaml).")

        @OptionGroup var options: StoreOptions

        func run() throws {
            let policy = try options.loadPolicy()
            print(try YAMLEncoder().encode(policy), terminator: "")
        }
    }
}
