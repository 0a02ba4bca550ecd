import ArgumentParser
import Foundation
import LifecertDocuments
import LifecertStore

/// The `lifecert` command: life certificates for pensions paid abroad.
public struct Lifecert: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "lifecert",
        abstract: "Reads posted life certificates, matches them to pension recipients and keeps the certification records.",
        discussion: """
            The store is ./lifecert.db unless --store or $LIFECERT_STORE names another.
            Exit codes: 0 ok, 1 failed, 3 done with rejected rows, 4 unreadable input, 5 store problem,
            6 not found, 7 bad policy file, 8 refused (role, claim, maker–checker), 64 wrong usage.
            """,
        subcommands: [IntakeCommand.self, WorkerCommand.self, ImportCommand.self, ReportCommand.self, ExtractCommand.self, CasesCommand.self, CaseCommand.self, QueueCommand.self, MatchCommand.self, FormsCommand.self, IDCommand.self,
                      RegistryCommand.self, RecordsCommand.self, StoreCommand.self, AuditCommand.self, PolicyCommand.self, UsersCommand.self, VersionCommand.self])

    public init() {}

    /// Runs the command named on the command line. A store failure that reaches the top of a
    /// command (disk full, read-only, locked past the wait, damaged) is said here in words with
    /// exit status 5, never as SQLite's error dump; everything else is ArgumentParser's.
    public static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let path = OpenedStore.path.withLock { $0 } ?? "lifecert.db"
            if let message = Store.describeFailure(error, path: path) {
                printError("lifecert: " + message)
                Foundation.exit(ExitStatus.storeProblem.rawValue)
            }
            exit(withError: error)
        }
    }
}

struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version", abstract: "Print lifecert's version, its store schema and the C libraries it is linked with.")

    func run() throws {
        print("lifecert 0.1.0 (store schema \(Store.schemaVersion))")
        for (name, version) in NativeLibraries.versions() {
            print("  \(name) \(version)")
        }
    }
}
