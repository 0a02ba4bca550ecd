import Foundation
import Logging
import NIOCore
import NIOSSL
import PostgresNIO

/// Where a PostgreSQL store is: `postgres://[user[:password]@]host[:port]/database[?sslmode=…]`
/// (also `postgresql://`; `?host=/run/postgresql` for a Unix socket).
///
/// Contract: the password comes from the URL, else `PGPASSWORD`, else the first matching line of
/// `PGPASSFILE` or `~/.pgpass` (libpq's format and wildcards); it never appears in ``redacted``,
/// which is what messages and logs show. `sslmode` is libpq's: `disable`, `prefer` (the default:
/// TLS when the server offers it), `require` (TLS or nothing, certificate not checked) or
/// `verify-full` (TLS with the server's certificate checked against the system's roots).
public struct PostgresLocation: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var socketFolder: String?
    public var user: String
    public var database: String
    public var sslMode: String
    var password: String?

    /// Nil when `url` is not a PostgreSQL URL (then it is a file path).
    public init?(url: String) throws {
        guard url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") else { return nil }
        guard let c = URLComponents(string: url) else {
            throw StoreError.cannotOpen(path: Self.redact(url), reason: "it is not a valid URL; write postgres://user@host:5432/database")
        }
        let query = Dictionary((c.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { $1 })
        socketFolder = query["host"].flatMap { $0.hasPrefix("/") ? $0 : nil }
        host = c.host.flatMap { $0.isEmpty ? nil : $0 } ?? (socketFolder == nil ? "localhost" : "")
        port = c.port ?? Int(query["port"] ?? "") ?? 5432
        user = c.user.flatMap { $0.removingPercentEncoding } ?? query["user"]
            ?? ProcessInfo.processInfo.environment["PGUSER"] ?? Store.currentLogin()
        let db = String(c.path.drop(while: { $0 == "/" }))
        database = db.isEmpty ? (query["dbname"] ?? user) : (db.removingPercentEncoding ?? db)
        sslMode = query["sslmode"] ?? "prefer"
        guard ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"].contains(sslMode) else {
            throw StoreError.cannotOpen(path: Self.redact(url), reason: "sslmode=\(sslMode) is not one of disable, prefer, require, verify-full")
        }
        password = c.password.flatMap { $0.removingPercentEncoding }
            ?? ProcessInfo.processInfo.environment["PGPASSWORD"]
            ?? Self.passwordFromFile(host: socketFolder == nil ? host : "localhost", port: port, database: database, user: user)
    }

    /// The URL without its password: what messages and logs show.
    public var redacted: String {
        let hostPart = socketFolder == nil ? "\(host):\(port)" : ""
        let socket = socketFolder.map { "?host=\($0)" } ?? ""
        return "postgres://\(user)@\(hostPart)/\(database)\(socket)"
    }

    static func redact(_ url: String) -> String {
        guard var c = URLComponents(string: url) else { return "postgres://…" }
        if c.password != nil { c.password = "…" }
        return c.string ?? "postgres://…"
    }

    /// libpq's password file: `host:port:database:user:password`, `*` matching anything, `\:` and
    /// `\\` escaped. Ignored (as libpq does) when others may read it.
    static func passwordFromFile(host: String, port: Int, database: String, user: String, file: String? = nil) -> String? {
        let env = ProcessInfo.processInfo.environment
        let path = file ?? env["PGPASSFILE"] ?? (env["HOME"].map { $0 + "/.pgpass" } ?? NSHomeDirectory() + "/.pgpass")
        var st = stat()
        guard stat(path, &st) == 0, st.st_mode & 0o077 == 0, let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        for line in text.split(whereSeparator: \.isNewline) where !line.hasPrefix("#") {
            var fields: [String] = [], current = "", escaped = false
            for ch in line {
                if escaped { current.append(ch); escaped = false } else if ch == "\\" { escaped = true } else if ch == ":" && fields.count < 4 {
                    fields.append(current); current = ""
                } else { current.append(ch) }
            }
            fields.append(current)
            guard fields.count == 5 else { continue }
            let wanted = [host, String(port), database, user]
            if zip(fields.prefix(4), wanted).allSatisfy({ $0 == "*" || $0 == $1 }) { return fields[4] }
        }
        return nil
    }
}

/// The store's database on PostgreSQL, through postgres-nio.
///
/// Contract (the same as ``SQLiteDatabase``'s, see ``StoreDatabase``):
/// - each transaction runs on one connection from a small pool, a connection per thread at a time;
/// - `write` takes a transaction-scoped advisory lock (``chainLock``) before anything else, so write
///   transactions follow one another as on SQLite: the audit chain (each event hashes the one
///   before) needs a single order, and every rule the store checks before it writes holds until the
///   commit; reads never wait for it;
/// - `read` is one REPEATABLE READ, READ ONLY transaction: one snapshot, as SQLite's WAL readers;
/// - a write waiting for the lock longer than a second calls `onLockWait` once, and gives up after
///   `busyTimeout` with ``StoreError/cannotWrite(path:reason:)``.
final class PostgresStoreDatabase: StoreDatabase, @unchecked Sendable {
    /// The advisory lock key write transactions take ('life').
    static let chainLock: Int64 = 0x6C69_6665

    let location: PostgresLocation
    let busyTimeout: TimeInterval
    let onLockWait: (@Sendable () -> Void)?
    private let condition = NSCondition()
    private var idle: [PGConnection] = []
    private var open = 0
    private var closed = false
    private let maxConnections = 8
    private let threadKey: String
    static let logger = Logger(label: "lifecert.postgres", factory: { _ in SwiftLogNoOpLogHandler() })

    var dialect: SQLDialect { .postgres }

    private init(location: PostgresLocation, busyTimeout: TimeInterval, onLockWait: (@Sendable () -> Void)?) {
        self.location = location
        self.busyTimeout = busyTimeout
        self.onLockWait = onLockWait
        threadKey = "lifecert.postgres.\(UUID().uuidString)"
    }

    deinit { close() }

    /// Connects once (so a wrong password or a missing database is reported at once).
    static func open(_ location: PostgresLocation, busyTimeout: TimeInterval, onLockWait: (@Sendable () -> Void)?) throws -> PostgresStoreDatabase {
        let db = PostgresStoreDatabase(location: location, busyTimeout: busyTimeout, onLockWait: onLockWait)
        let c = try db.connect()
        db.checkIn(c)
        return db
    }

    private func configuration() throws -> PostgresConnection.Configuration {
        let l = location
        if let folder = l.socketFolder {
            return .init(unixSocketPath: "\(folder)/.s.PGSQL.\(l.port)", username: l.user, password: l.password, database: l.database)
        }
        let tls: PostgresConnection.Configuration.TLS
        switch l.sslMode {
        case "disable", "allow":
            tls = .disable
        case "verify-ca", "verify-full":
            tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        default:
            var c = TLSConfiguration.makeClientConfiguration()
            c.certificateVerification = .none
            let context = try NIOSSLContext(configuration: c)
            tls = l.sslMode == "require" ? .require(context) : .prefer(context)
        }
        var config = PostgresConnection.Configuration(host: l.host, port: l.port, username: l.user, password: l.password,
                                                      database: l.database, tls: tls)
        config.options.connectTimeout = .seconds(10)
        return config
    }

    private func connect() throws -> PGConnection {
        do {
            let raw = try PostgresConnection.connect(on: PostgresConnection.defaultEventLoopGroup.next(),
                                                     configuration: try configuration(), id: 1, logger: Self.logger).wait()
            let c = PGConnection(raw)
            try c.run("SET lock_timeout = '\(Int(busyTimeout * 1000))ms'", [])
            return c
        } catch {
            throw Self.translate(error, location: location.redacted, opening: true) ?? error
        }
    }

    private func checkOut() throws -> PGConnection {
        condition.lock()
        while true {
            if closed { condition.unlock(); throw StoreError.cannotOpen(path: location.redacted, reason: "the store was closed") }
            if let c = idle.popLast() { condition.unlock(); return c }
            if open < maxConnections { open += 1; break }
            condition.wait()
        }
        condition.unlock()
        do { return try connect() } catch {
            condition.lock(); open -= 1; condition.signal(); condition.unlock()
            throw error
        }
    }

    private func checkIn(_ c: PGConnection) {
        condition.lock()
        if closed || c.broken {
            open -= 1
            condition.unlock()
            _ = try? c.raw.close().wait()
            condition.lock(); condition.signal(); condition.unlock()
            return
        }
        idle.append(c)
        condition.signal()
        condition.unlock()
    }

    func close() {
        condition.lock()
        closed = true
        let all = idle
        idle.removeAll()
        open -= all.count
        condition.broadcast()
        condition.unlock()
        for c in all { _ = try? c.raw.close().wait() }
    }

    /// The connection this thread is inside a transaction on, if any.
    private var current: PGConnection? {
        get { Thread.current.threadDictionary[threadKey] as? PGConnection }
        set { Thread.current.threadDictionary[threadKey] = newValue }
    }

    private func transaction<T>(write: Bool, resequence: Bool = true, _ body: (any SQLConnection) throws -> T) throws -> T {
        if let c = current { return try body(c) }
        let c = try checkOut()
        current = c
        defer { current = nil; checkIn(c) }
        do {
            if write {
                try c.run("BEGIN", [])
                try lockChain(c)
                if resequence { try c.run(Self.resequence, []) }
            } else {
                try c.run("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", [])
            }
            let result = try body(c)
            try c.run("COMMIT", [])
            return result
        } catch {
            if !c.broken { _ = try? c.run("ROLLBACK", []) }
            throw Self.translate(error, location: location.redacted, opening: false) ?? error
        }
    }

    /// Takes the write lock: at once when free; else waits up to a second quietly, tells
    /// `onLockWait`, and waits out the rest of `busyTimeout` (each wait bounded by `lock_timeout`).
    private func lockChain(_ c: PGConnection) throws {
        if try c.rows("SELECT pg_try_advisory_xact_lock(\(Self.chainLock))", []).first.map({ $0["pg_try_advisory_xact_lock"] as Bool }) == true { return }
        let quiet = min(1.0, busyTimeout)
        try c.run("SET LOCAL lock_timeout = '\(Int(quiet * 1000))ms'", [])
        try c.run("SAVEPOINT lifecert_lock", [])
        do {
            try c.run("SELECT pg_advisory_xact_lock(\(Self.chainLock))", [])
            try c.run("RELEASE SAVEPOINT lifecert_lock", [])
            return
        } catch let e as PSQLError where e.serverInfo?[.sqlState] == "55P03" {
            try c.run("ROLLBACK TO SAVEPOINT lifecert_lock", [])
        }
        onLockWait?()
        try c.run("SET LOCAL lock_timeout = '\(max(1, Int((busyTimeout - quiet) * 1000)))ms'", [])
        try c.run("SELECT pg_advisory_xact_lock(\(Self.chainLock))", [])
    }

    /// Sets every id sequence to follow its table's highest id. PostgreSQL's sequences are not
    /// transactional: a write rolled back (a refusal, a process killed mid-chunk) would otherwise
    /// leave a gap, where SQLite gives the next row the same id again. Under the chain lock no other
    /// write is in flight, so the next id is the same on both backends, whatever was rolled back.
    static let resequence: String = {
        let tables = ["imports", "events", "scans", "cases", "certification_records", "certification_revocations",
                      "case_approvals", "record_exports"]
        return "SELECT " + tables.map {
            "setval(pg_get_serial_sequence('\($0)', 'id'), coalesce((SELECT max(id) FROM \($0)), 0) + 1, false)"
        }.joined(separator: ", ")
    }()

    func read<T>(_ body: (any SQLConnection) throws -> T) throws -> T { try transaction(write: false, body) }
    func write<T>(_ body: (any SQLConnection) throws -> T) throws -> T { try transaction(write: true, body) }

    func unsafeReentrantRead<T>(_ body: (any SQLConnection) throws -> T) throws -> T {
        if let c = current { return try body(c) }
        let c = try checkOut()
        current = c
        defer { current = nil; checkIn(c) }
        do { return try body(c) } catch {
            throw Self.translate(error, location: location.redacted, opening: false) ?? error
        }
    }

    // MARK: - Schema, archive folder

    /// Creates the schema in an empty database (refusing one that holds other tables, or a newer
    /// lifecert's store), and settles the archive folder: `folder` when given (recorded in the store
    /// the first time), else the one recorded. Returns the folder (nil: none set yet).
    func prepareStore(archiveFolder folder: String?, actor: String) throws -> String? {
        try transaction(write: true, resequence: false) { db in
            if try !db.tableExists("lifecert_migrations") {
                let other = try String.fetchAll(db, sql: """
                    SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name
                    """)
                if !other.isEmpty {
                    throw StoreError.notAStore(path: location.redacted, reason: "its schema holds other tables (\(other.prefix(5).joined(separator: ", ")))")
                }
                try (db as! PGConnection).script(PostgresSchema.script)
                for (i, m) in PostgresSchema.migrations.enumerated() {
                    try db.execute(sql: "INSERT INTO lifecert_migrations (identifier, applied_order) VALUES (?, ?)", arguments: [m, i + 1])
                }
            }
            let applied = try String.fetchAll(db, sql: "SELECT identifier FROM lifecert_migrations ORDER BY applied_order")
            let unknown = Set(applied).subtracting(PostgresSchema.migrations)
            if !unknown.isEmpty { throw StoreError.newerVersion(path: location.redacted, unknownMigrations: unknown.sorted()) }
            let recorded = try String.fetchOne(db, sql: "SELECT value FROM store_meta WHERE key = 'archive_folder'")
            guard let folder, !folder.isEmpty else { return recorded }
            let absolute = URL(fileURLWithPath: folder).standardizedFileURL.path
            if recorded == nil {
                try db.execute(sql: "INSERT INTO store_meta (key, value) VALUES ('archive_folder', ?)", arguments: [absolute])
            }
            return absolute
        }
    }

    // MARK: - Errors in words

    /// PostgreSQL's and postgres-nio's failures as ``StoreError``s (nil for other errors).
    static func translate(_ error: Error, location: String, opening: Bool = false) -> StoreError? {
        if let e = error as? StoreError { return e }
        guard let e = error as? PSQLError else { return nil }
        let make: (String) -> StoreError = { opening ? .cannotOpen(path: location, reason: $0) : .cannotWrite(path: location, reason: $0) }
        if e.code == .server, let info = e.serverInfo {
            let state = info[.sqlState] ?? ""
            let message = info[.message] ?? "the server refused the statement"
            switch state {
            case "28P01", "28000":
                return .cannotOpen(path: location, reason: "the server refused the login (\(message)); give the password in PGPASSWORD or a ~/.pgpass line (mode 0600)")
            case "3D000":
                return .cannotOpen(path: location, reason: "\(message); an administrator creates it first (createdb)")
            case "42501":
                return make("\(message): the PostgreSQL role lacks the privilege; an administrator grants it")
            case "55P03":
                return make("another lifecert held the store's write lock for longer than lifecert waits, so nothing was written; try again when it is done")
            case "53100":
                return make("the database server's disk is full, so the last change was not written (it was rolled back); free space on the server and run the command again")
            case "25006":
                return make("the database is read-only (a standby, or default_transaction_read_only), so nothing was written")
            default:
                return make(message)
            }
        }
        switch e.code {
        case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown:
            return make("cannot reach the PostgreSQL server (\(e.underlying.map { "\($0)" } ?? "\(e.code)")); check that it is running and the host and port in the URL")
        case .sslUnsupported:
            return make("the server does not offer TLS, and sslmode asks for it")
        case .authMechanismRequiresPassword:
            return .cannotOpen(path: location, reason: "the server wants a password: give it in PGPASSWORD or a ~/.pgpass line (mode 0600)")
        default:
            return make("\(e.code)")
        }
    }
}

/// One PostgreSQL connection. Statements go through the extended protocol with every value bound
/// as untyped text, so the server gives each parameter the type its place in the statement needs
/// (as SQLite's dynamic typing would), and `?` placeholders are rewritten to `$n`.
final class PGConnection: SQLConnection, @unchecked Sendable {
    let raw: PostgresConnection
    var broken = false
    private(set) var changesCount = 0
    var dialect: SQLDialect { .postgres }

    init(_ raw: PostgresConnection) { self.raw = raw }

    /// `sql` with each `?` outside quotes replaced by `$1`, `$2`, …
    static func numbered(_ sql: String) -> String {
        var out = "", n = 0, quote: Character? = nil
        out.reserveCapacity(sql.utf8.count + 16)
        for ch in sql {
            if let q = quote {
                if ch == q { quote = nil }
                out.append(ch)
            } else if ch == "'" || ch == "\"" {
                quote = ch
                out.append(ch)
            } else if ch == "?" {
                n += 1
                out += "$\(n)"
            } else {
                out.append(ch)
            }
        }
        return out
    }

    private func query(_ sql: String, _ arguments: [SQLValue]) throws -> PostgresQueryResult {
        var binds = PostgresBindings(capacity: arguments.count)
        for v in arguments {
            switch v {
            case .null: binds.appendNull()
            case .integer(let i): binds.append(UntypedText(String(i)), context: .default)
            case .real(let d): binds.append(UntypedText(String(d)), context: .default)
            case .text(let s): binds.append(UntypedText(s), context: .default)
            case .blob(let b): binds.append(UntypedText("\\x" + b.map { String(format: "%02x", $0) }.joined()), context: .default)
            }
        }
        do {
            let result = try raw.query(PostgresQuery(unsafeSQL: Self.numbered(sql), binds: binds), logger: PostgresStoreDatabase.logger).wait()
            changesCount = result.metadata.rows ?? 0
            return result
        } catch let e as PSQLError {
            if e.code != .server { broken = true }
            throw e
        }
    }

    func run(_ sql: String, _ arguments: [SQLValue]) throws { _ = try query(sql, arguments) }

    func rows(_ sql: String, _ arguments: [SQLValue]) throws -> [SQLRow] {
        let result = try query(sql, arguments)
        guard let first = result.rows.first else { return [] }
        let columns = SQLColumns(first.map(\.columnName))
        return try result.rows.map { row in SQLRow(columns: columns, values: try row.map(Self.value)) }
    }

    /// Several statements (the schema) one after the other, split at semicolons outside quotes and
    /// `$$` bodies.
    func script(_ sql: String) throws {
        for statement in Self.statements(sql) { try run(statement, []) }
    }

    static func statements(_ sql: String) -> [String] {
        var out: [String] = [], current = "", quote: Character? = nil, dollar = false
        let chars = Array(sql)
        var i = 0
        while i < chars.count {
            let ch = chars[i]
            if !dollar, quote == nil, ch == "$", i + 1 < chars.count, chars[i + 1] == "$" {
                dollar = true; current += "$$"; i += 2; continue
            }
            if dollar, ch == "$", i + 1 < chars.count, chars[i + 1] == "$" {
                dollar = false; current += "$$"; i += 2; continue
            }
            if !dollar {
                if let q = quote { if ch == q { quote = nil } } else if ch == "'" || ch == "\"" { quote = ch }
                if quote == nil, ch == "-", i + 1 < chars.count, chars[i + 1] == "-" {
                    while i < chars.count, chars[i] != "\n" { i += 1 }
                    continue
                }
                if quote == nil, ch == ";" {
                    let t = current.trimmingCharacters(in: .whitespacesAndNewlines)
                    if !t.isEmpty { out.append(t) }
                    current = ""; i += 1; continue
                }
            }
            current.append(ch)
            i += 1
        }
        let t = current.trimmingCharacters(in: .whitespacesAndNewlines)
        if !t.isEmpty { out.append(t) }
        return out
    }

    static func value(_ cell: PostgresCell) throws -> SQLValue {
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .int2, .int4, .int8, .oid: return .integer(try cell.decode(Int64.self))
        case .float4, .float8: return .real(try cell.decode(Double.self))
        case .bool: return .integer(try cell.decode(Bool.self) ? 1 : 0)
        case .numeric:
            let d = try cell.decode(Decimal.self)
            let s = "\(d)"
            return Int64(s).map(SQLValue.integer) ?? .real(NSDecimalNumber(decimal: d).doubleValue)
        case .bytea:
            var b = cell.bytes!
            return .blob(b.readBytes(length: b.readableBytes) ?? [])
        default:
            if let s = try? cell.decode(String.self) { return .text(s) }
            var b = cell.bytes!
            return .text(b.readString(length: b.readableBytes) ?? "")
        }
    }

    func execute(sql: String, arguments: SQLArguments) throws { try run(sql, arguments.values) }

    func fetchRows(sql: String, arguments: SQLArguments) throws -> [SQLRow] { try rows(sql, arguments.values) }

    func lastInsertedID() throws -> Int64 {
        guard let r = try rows("SELECT lastval()", []).first else { return 0 }
        return r[0]
    }

    private var savepoints = 0

    func inSavepoint(_ body: () throws -> Bool) throws {
        savepoints += 1
        let name = "lifecert_sp\(savepoints)"
        defer { savepoints -= 1 }
        try run("SAVEPOINT \(name)", [])
        let keep: Bool
        do { keep = try body() } catch {
            if !broken { try? run("ROLLBACK TO SAVEPOINT \(name)", []) }
            throw error
        }
        try run(keep ? "RELEASE SAVEPOINT \(name)" : "ROLLBACK TO SAVEPOINT \(name)", [])
    }

    func tableExists(_ name: String) throws -> Bool {
        try rows("SELECT to_regclass(?) IS NOT NULL AS present", [.text(name)]).first.map { $0["present"] as Bool } ?? false
    }
}

/// A parameter sent as text with no type (OID 0): the server infers it from the statement.
struct UntypedText: PostgresDynamicTypeEncodable {
    let text: String
    init(_ text: String) { self.text = text }
    var psqlType: PostgresDataType { .null }
    var psqlFormat: PostgresFormat { .text }
    func encode<JSONEncoder: PostgresJSONEncoder>(into byteBuffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        byteBuffer.writeString(text)
    }
}

/// Creating and dropping the database a PostgreSQL store lives in (for `store copy` into a new
/// database, and for the test suite's one database per test).
public enum PostgresAdmin {
    /// Creates `name` on the server of `serverURL` (connecting to its `postgres` database) unless it
    /// exists. `name` must be a plain identifier (letters, digits, underscore).
    public static func createDatabase(serverURL: String, name: String) throws {
        guard name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }), !name.isEmpty else {
            throw StoreError.cannotOpen(path: name, reason: "a database name of letters, digits and underscores is needed")
        }
        guard var location = try PostgresLocation(url: serverURL) else {
            throw StoreError.cannotOpen(path: serverURL, reason: "it is not a postgres:// URL")
        }
        location.database = "postgres"
        let db = try PostgresStoreDatabase.open(location, busyTimeout: 30, onLockWait: nil)
        defer { db.close() }
        try db.unsafeReentrantRead { c in
            if try Int.fetchOne(c, sql: "SELECT count(*) FROM pg_database WHERE datname = ?", arguments: [name]) == 0 {
                try c.execute(sql: "CREATE DATABASE \(name) TEMPLATE template0 ENCODING 'UTF8'")
            }
        }
    }

    /// Drops `name` (when it exists) on the server of `serverURL`.
    public static func dropDatabase(serverURL: String, name: String) throws {
        guard var location = try PostgresLocation(url: serverURL) else { return }
        location.database = "postgres"
        let db = try PostgresStoreDatabase.open(location, busyTimeout: 30, onLockWait: nil)
        defer { db.close() }
        try db.unsafeReentrantRead { c in try c.execute(sql: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)") }
    }
}
