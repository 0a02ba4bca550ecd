import Foundation
import Synchronization
@testable import LifecertStore

/// Which store backend the CLI tests run on: SQLite files (the default), or PostgreSQL when
/// `LIFECERT_TEST_POSTGRES` names a server (`postgres://user@host:port`, password in `PGPASSWORD`;
/// `scripts/test` starts one). On PostgreSQL each store file a test names stands for a database of
/// its own, created on first use, with the archive folder where the file's would be.
enum TestBackend {
    static let server: String? = ProcessInfo.processInfo.environment["LIFECERT_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 }
    static var isPostgres: Bool { server != nil }
    private static let databases = Mutex<[String: String]>([:])

    /// The `--store` value for the store a test keeps at `path`.
    static func location(_ path: String) -> String {
        guard let server else { return path }
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        return databases.withLock { known in
            if let l = known[absolute] { return l }
            let name = "lc_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(20)
            try! PostgresAdmin.createDatabase(serverURL: server, name: name)
            let l = server + "/" + name
            known[absolute] = l
            return l
        }
    }

    /// The environment a lifecert process needs for the store at `path` (its archive folder).
    static func environment(_ path: String) -> [String: String] {
        isPostgres ? ["LIFECERT_ARCHIVE": URL(fileURLWithPath: path + ".archive").standardizedFileURL.path] : [:]
    }

    /// `arguments` with every `--store PATH` pointing at the test's backend.
    static func arguments(_ arguments: [String]) -> (arguments: [String], environment: [String: String]) {
        guard isPostgres else { return (arguments, [:]) }
        var out = arguments, env: [String: String] = [:]
        for i in out.indices.dropLast() where out[i] == "--store" {
            env.merge(environment(out[i + 1])) { $1 }
            out[i + 1] = location(out[i + 1])
        }
        return (out, env)
    }

    private static let readers = Mutex<[String: Store]>([:])

    /// Reads the store at `path` (waiting for other processes' locks, as lifecert does). On
    /// PostgreSQL the store stays open for the test process's next reads (a poll every few
    /// milliseconds must not connect each time).
    static func reader(_ path: String) throws -> StoreReader {
        guard isPostgres else { return StoreReader(store: try Store(path: path)) }
        let l = location(path)
        if let s = readers.withLock({ $0[l] }) { return StoreReader(store: s) }
        let s = try Store(path: l)
        readers.withLock { $0[l] = s }
        return StoreReader(store: s)
    }
}

/// A test's read access to a store that lifecert processes write, on either backend.
struct StoreReader {
    let store: Store
    func read<T>(_ body: (any SQLConnection) throws -> T) throws -> T { try store.pool.read(body) }
}
