import ArgumentParser
import Foundation
import Synchronization
import LifecertDomain
import LifecertStore
import Yams

/// lifecert's documented exit codes (docs/CLI.md). Scripts may rely on them.
public enum ExitStatus: Int32, Sendable {
    case ok = 0
    /// Something failed; the message says what.
    case failure = 1
    /// The work was done, but some input rows were refused (named on stderr and in the rejects file).
    case someRowsRejected = 3
    /// An input file could not be read at all (missing, unreadable, wrong format).
    case badInput = 4
    /// The store could not be opened or written (newer version, locked, read-only, not a store).
    case storeProblem = 5
    /// The thing asked about does not exist.
    case notFound = 6
    /// The policy file is invalid.
    case badPolicy = 7
    /// The action was refused: the user's role, another reviewer's claim, maker–checker, a senior needed.
    case refused = 8
}

/// Prints `lifecert: message` to standard error and returns the error to throw.
func fail(_ message: String, _ status: ExitStatus) -> ExitCode {
    printError("lifecert: " + message)
    return ExitCode(status.rawValue)
}

func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// Options every store-using command takes.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The store: a file (default ./lifecert.db, or $LIFECERT_STORE), or a PostgreSQL URL postgres://user@host:port/database (password from PGPASSWORD or ~/.pgpass; scans archived in $LIFECERT_ARCHIVE).", valueName: "path-or-url"))
    var store: String?

    @Option(name: .long, help: ArgumentHelp("Policy file (YAML) overriding the certification rules' numbers (default: $LIFECERT_POLICY, else lifecert-policy.yaml beside the store, else the built-in defaults).", valueName: "file"))
    var policy: String?

    @Option(name: .long, help: ArgumentHelp("Treat this day as today (YYYY-MM-DD), for reproducible runs and tests.", visibility: .hidden))
    var today: String?

    var storePath: String {
        store ?? ProcessInfo.processInfo.environment["LIFECERT_STORE"] ?? "lifecert.db"
    }

    func todayDate() throws -> LocalDate {
        try Clock.today(override: today)
    }

    /// The policy in force: from the file named, else the defaults.
    func loadPolicy() throws -> CertificationPolicy {
        let env = ProcessInfo.processInfo.environment["LIFECERT_POLICY"]
        let beside = ((storePath as NSString).deletingLastPathComponent as NSString).appendingPathComponent("lifecert-policy.yaml")
        let explicit = policy ?? env
        let isFile = !(storePath.hasPrefix("postgres://") || storePath.hasPrefix("postgresql://"))
        let path = explicit ?? (isFile && FileManager.default.fileExists(atPath: beside) ? beside : nil)
        guard let path else { return .standard }
        return try PolicyFile.load(path: path)
    }

    /// Opens the store for the login running lifecert, which must be one of its users (any role)
    /// once it has users; each action then checks the role it needs.
    ///
    /// - Parameter sayWhenWaiting: print a line when another process's write lock has kept a write
    ///   waiting for a second (off for the full-screen queue, whose screen a line would break).
    func openStore(sayWhenWaiting: Bool = true) throws -> Store {
        let policy = try loadPolicy()
        let store: Store
        let path = storePath
        OpenedStore.path.withLock { $0 = path }
        do {
            let notice: (@Sendable () -> Void)? = sayWhenWaiting ? { @Sendable in
                printError("lifecert: waiting for another process that is writing the store \(path) (lifecert waits up to 30 s)…")
            } : nil
            store = try Store(path: path, policy: policy, onLockWait: notice)
        } catch let e as StoreError {
            throw fail(e.description, .storeProblem)
        }
        try workflow { try store.requireKnownUser(Store.currentLogin()) }
        return store
    }
}

enum Clock {
    /// Today in the machine's time zone, or the override (`--today` / `$LIFECERT_TODAY`).
    static func today(override: String?) throws -> LocalDate {
        if let text = override ?? ProcessInfo.processInfo.environment["LIFECERT_TODAY"] {
            guard let d = LocalDate(iso: text) else {
                throw fail("--today '\(text)' is not a date in the form YYYY-MM-DD", .failure)
            }
            return d
        }
        let c = Calendar.current.dateComponents([.year, .month, .day], from: Date())
        return LocalDate(year: c.year!, month: c.month!, day: c.day!)!
    }
}

/// Reads a policy file.
enum PolicyFile {
    static func load(path: String) throws -> CertificationPolicy {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw fail("the policy file \(path) cannot be read", .badPolicy)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw fail("the policy file \(path) is not UTF-8 text", .badPolicy)
        }
        let policy: CertificationPolicy
        do {
            policy = try YAMLDecoder().decode(CertificationPolicy.self, from: text.isEmpty ? "{}" : text)
        } catch let e as DecodingError {
            throw fail("the policy file \(path): \(describe(e))", .badPolicy)
        } catch {
            throw fail("the policy file \(path) is not valid YAML: \(error)", .badPolicy)
        }
        let problems = policy.validate()
        if !problems.isEmpty {
            throw fail("the policy file \(path) is not usable:\n  " + problems.joined(separator: "\n  "), .badPolicy)
        }
        return policy
    }

    static func describe(_ e: DecodingError) -> String {
        switch e {
        case .dataCorrupted(let c), .typeMismatch(_, let c), .valueNotFound(_, let c), .keyNotFound(_, let c):
            let key = c.codingPath.map(\.stringValue).joined(separator: ".")
            return (key.isEmpty ? "" : "setting '\(key)': ") + c.debugDescription
        @unknown default:
            return "\(e)"
        }
    }
}

/// A one-line progress report on standard error, only when it is a terminal, at most 4 times a second.
final class ProgressLine {
    private let enabled = isatty(2) == 1
    private var last = Date.distantPast
    private let start = Date()
    private var shown = false

    func update(_ text: (Double) -> String) {
        guard enabled else { return }
        let now = Date()
        guard now.timeIntervalSince(last) >= 0.25 else { return }
        last = now
        let line = text(now.timeIntervalSince(start))
        FileHandle.standardError.write(Data("\r\u{1B}[K\(line)".utf8))
        shown = true
    }

    var elapsed: Double { Date().timeIntervalSince(start) }

    func finish() {
        if shown { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}

/// JSON output, sorted keys, no escaped slashes, UTF-8 characters as they are.
func printJSON(_ value: Any) {
    let data = try! JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted])
    print(String(decoding: data, as: UTF8.self))
}

/// One CSV field, quoted when needed and with spreadsheet formula injection neutralised
/// (a leading `=`, `+`, `-`, `@`, tab or CR gets a `'` in front).
func csvField(_ s: String) -> String {
    var v = s
    // A value a spreadsheet would read as a formula is neutralised with a leading apostrophe
    // (OWASP's advice for CSV injection), a phone number "+852 …" included: the apostrophe does
    // not show in the spreadsheet. Files for machines, not spreadsheets, use `csvPhone`.
    if let f = v.first, "=+-@\t\r".contains(f) { v = "'" + v }
    if v.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
        return "\"" + v.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
    return v
}

/// A phone number for a file an SMS gateway reads: kept as it is when it holds only digits,
/// spaces and `+-().` (nothing a spreadsheet could run), else neutralised like any field.
func csvPhone(_ s: String) -> String {
    let plain = !s.isEmpty && s.allSatisfy { $0.isASCII && ($0.isNumber || " +-().".contains($0)) } && s.contains(where: \.isNumber)
    return plain ? s : csvField(s)
}

func formatCount(_ n: Int) -> String {
    let s = String(n)
    var out = ""
    for (i, c) in s.reversed().enumerated() {
        if i > 0 && i % 3 == 0 { out.append(",") }
        out.append(c)
    }
    return String(out.reversed())
}

/// The store this run opened, for messages about errors that reach the top of the command.
enum OpenedStore {
    static let path = Mutex<String?>(nil)
}
