import Foundation

// The store's own small SQL interface, implemented twice: on SQLite through GRDB
// (``SQLiteDatabase``) and on PostgreSQL through postgres-nio (``PostgresDatabase``). Every query
// of the store is written once against it; the few places where the two dialects differ ask
// ``SQLDialect``. Why not GRDB's or postgres-nio's types directly: neither library speaks to the
// other database, and a wrapper this thin (values, rows, statements, transactions) keeps every
// rule of the store in one copy.

/// The SQL dialect of the database behind a connection.
public enum SQLDialect: String, Sendable {
    case sqlite, postgres

    /// The text at `path` (keys) inside the JSON text column `expr`, as text (NULL when absent).
    func jsonText(_ expr: String, _ path: String...) -> String {
        switch self {
        case .sqlite: return "json_extract(\(expr), '$.\(path.joined(separator: "."))')"
        case .postgres: return "(CAST(\(expr) AS jsonb) #>> '{\(path.joined(separator: ","))}')"
        }
    }

    /// Case-insensitive LIKE (SQLite's LIKE is, for ASCII; PostgreSQL's is not).
    var like: String { self == .sqlite ? "LIKE" : "ILIKE" }
}

/// A value read from or bound to a statement, the same on both databases.
public enum SQLValue: Sendable, Hashable, CustomStringConvertible {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])

    public var description: String {
        switch self {
        case .null: return "NULL"
        case .integer(let i): return String(i)
        case .real(let d): return String(d)
        case .text(let s): return s
        case .blob(let b): return "<\(b.count) bytes>"
        }
    }

    var isNull: Bool { if case .null = self { return true } else { return false } }
}

/// A Swift type the store reads from and binds to columns.
public protocol SQLValueConvertible {
    var sqlValue: SQLValue { get }
    /// The value, or nil when `value` (NULL included, for non-optional types) does not convert.
    static func fromSQL(_ value: SQLValue) -> Self?
}

extension SQLValue: SQLValueConvertible {
    public var sqlValue: SQLValue { self }
    public static func fromSQL(_ value: SQLValue) -> SQLValue? { value }
}

extension String: SQLValueConvertible {
    public var sqlValue: SQLValue { .text(self) }
    public static func fromSQL(_ value: SQLValue) -> String? {
        switch value {
        case .text(let s): return s
        case .integer(let i): return String(i)
        case .real(let d): return String(d)
        case .blob(let b): return String(decoding: b, as: UTF8.self)
        case .null: return nil
        }
    }
}

extension Int64: SQLValueConvertible {
    public var sqlValue: SQLValue { .integer(self) }
    public static func fromSQL(_ value: SQLValue) -> Int64? {
        switch value {
        case .integer(let i): return i
        case .real(let d): return d.rounded() == d ? Int64(exactly: d) : nil
        case .text(let s): return Int64(s)
        default: return nil
        }
    }
}

extension Int: SQLValueConvertible {
    public var sqlValue: SQLValue { .integer(Int64(self)) }
    public static func fromSQL(_ value: SQLValue) -> Int? { Int64.fromSQL(value).flatMap { Int(exactly: $0) } }
}

extension Double: SQLValueConvertible {
    public var sqlValue: SQLValue { .real(self) }
    public static func fromSQL(_ value: SQLValue) -> Double? {
        switch value {
        case .integer(let i): return Double(i)
        case .real(let d): return d
        case .text(let s): return Double(s)
        default: return nil
        }
    }
}

extension Bool: SQLValueConvertible {
    public var sqlValue: SQLValue { .integer(self ? 1 : 0) }
    public static func fromSQL(_ value: SQLValue) -> Bool? { Int64.fromSQL(value).map { $0 != 0 } }
}

extension Optional: SQLValueConvertible where Wrapped: SQLValueConvertible {
    public var sqlValue: SQLValue { self?.sqlValue ?? .null }
    public static func fromSQL(_ value: SQLValue) -> Wrapped?? {
        if value.isNull { return .some(nil) }
        return Wrapped.fromSQL(value).map { .some($0) }
    }
}

/// The values bound to a statement's `?` placeholders, in order.
public struct SQLArguments: Sendable, ExpressibleByArrayLiteral {
    public var values: [SQLValue]

    public init(arrayLiteral elements: (any SQLValueConvertible)?...) {
        values = elements.map { $0?.sqlValue ?? .null }
    }

    public init<S: Sequence>(_ sequence: S) where S.Element: SQLValueConvertible {
        values = sequence.map(\.sqlValue)
    }

    public init(values: [SQLValue]) { self.values = values }

    public static func += (lhs: inout SQLArguments, rhs: SQLArguments) { lhs.values += rhs.values }
    public static func + (lhs: SQLArguments, rhs: SQLArguments) -> SQLArguments { SQLArguments(values: lhs.values + rhs.values) }
}

/// Column names shared by all rows of one result.
final class SQLColumns: Sendable {
    let names: [String]
    let lowered: [String]
    init(_ names: [String]) {
        self.names = names
        lowered = names.map { $0.lowercased() }
    }
    func index(_ name: String) -> Int? {
        if let i = names.firstIndex(of: name) { return i }
        let l = name.lowercased()
        return lowered.firstIndex(of: l)
    }
}

/// One row of a result. Reading a column as a non-optional type traps when the value is NULL or
/// of another type, as GRDB's rows do: the schema guarantees what the store reads that way.
public struct SQLRow: Sendable {
    let columns: SQLColumns
    let values: [SQLValue]

    init(columns: SQLColumns, values: [SQLValue]) {
        self.columns = columns
        self.values = values
    }

    /// The raw value of the column (NULL when the result has no such column).
    public func value(_ name: String) -> SQLValue {
        columns.index(name).map { values[$0] } ?? .null
    }

    public subscript<T: SQLValueConvertible>(_ name: String) -> T {
        let v = value(name)
        guard let t = T.fromSQL(v) else { fatalError("lifecert store: column \(name) holds \(v), not a \(T.self)") }
        return t
    }

    public subscript<T: SQLValueConvertible>(_ index: Int) -> T {
        let v = values[index]
        guard let t = T.fromSQL(v) else { fatalError("lifecert store: column \(index) holds \(v), not a \(T.self)") }
        return t
    }

    public var columnNames: [String] { columns.names }
}

/// A connection inside one of the store's transactions. Only valid inside the closure given to
/// ``StoreDatabase/read(_:)`` or ``StoreDatabase/write(_:)``; never kept or shared between threads.
public protocol SQLConnection: AnyObject {
    var dialect: SQLDialect { get }
    /// Runs one statement (or, with no arguments, several separated by semicolons).
    func execute(sql: String, arguments: SQLArguments) throws
    func fetchRows(sql: String, arguments: SQLArguments) throws -> [SQLRow]
    /// The id the last INSERT of this connection gave its row.
    func lastInsertedID() throws -> Int64
    /// The number of rows the last INSERT, UPDATE or DELETE changed.
    var changesCount: Int { get }
    /// Runs `body` in a savepoint: its changes are kept when it returns true, undone when it returns
    /// false or throws (the error is then rethrown).
    func inSavepoint(_ body: () throws -> Bool) throws
    func tableExists(_ name: String) throws -> Bool
}

extension SQLConnection {
    public func execute(sql: String) throws { try execute(sql: sql, arguments: []) }
    func cachedStatement(sql: String) -> SQLStatement { SQLStatement(connection: self, sql: sql) }
    func makeStatement(sql: String) -> SQLStatement { SQLStatement(connection: self, sql: sql) }
}

/// A statement to run once or many times on one connection.
public struct SQLStatement {
    let connection: any SQLConnection
    let sql: String
    public func execute(arguments: SQLArguments = []) throws { try connection.execute(sql: sql, arguments: arguments) }
}

/// The store's database: transactions on either backend, with GRDB's guarantees.
///
/// Contract: `write` runs its closure in one transaction that writes are serialised through (on
/// SQLite the single writer; on PostgreSQL a transaction-scoped advisory lock on the audit chain,
/// since every write appends to the one hash chain), committed when the closure returns and rolled
/// back when it throws. `read` sees one consistent snapshot. `unsafeReentrantRead` may be called
/// inside either and then uses the same connection.
public protocol StoreDatabase: Sendable {
    var dialect: SQLDialect { get }
    func read<T>(_ body: (any SQLConnection) throws -> T) throws -> T
    func write<T>(_ body: (any SQLConnection) throws -> T) throws -> T
    func unsafeReentrantRead<T>(_ body: (any SQLConnection) throws -> T) throws -> T
    /// Closes the connections (PostgreSQL); the store is not used afterwards.
    func close()
}

// MARK: - Fetching, in the shape GRDB uses

/// A cursor over fetched rows (here the rows are fetched at once).
final class SQLRowCursor {
    private var rows: IndexingIterator<[SQLRow]>
    init(rows: IndexingIterator<[SQLRow]>) { self.rows = rows }
    func next() throws -> SQLRow? { rows.next() }
}

extension SQLRow {
    static func fetchAll(_ st: SQLStatement, arguments: SQLArguments = []) throws -> [SQLRow] {
        try st.connection.fetchRows(sql: st.sql, arguments: arguments)
    }
    static func fetchOne(_ st: SQLStatement, arguments: SQLArguments = []) throws -> SQLRow? {
        try fetchAll(st, arguments: arguments).first
    }
    static func fetchAll(_ db: any SQLConnection, sql: String, arguments: SQLArguments = []) throws -> [SQLRow] {
        try db.fetchRows(sql: sql, arguments: arguments)
    }
    static func fetchOne(_ db: any SQLConnection, sql: String, arguments: SQLArguments = []) throws -> SQLRow? {
        try db.fetchRows(sql: sql, arguments: arguments).first
    }
    static func fetchCursor(_ db: any SQLConnection, sql: String, arguments: SQLArguments = []) throws -> SQLRowCursor {
        SQLRowCursor(rows: try db.fetchRows(sql: sql, arguments: arguments).makeIterator())
    }
}

extension SQLValueConvertible {
    /// The first column of the first row (nil: no row, or NULL).
    static func fetchOne(_ st: SQLStatement, arguments: SQLArguments = []) throws -> Self? {
        guard let row = try st.connection.fetchRows(sql: st.sql, arguments: arguments).first, !row.values.isEmpty else { return nil }
        return Self.fromSQL(row.values[0])
    }
    static func fetchOne(_ db: any SQLConnection, sql: String, arguments: SQLArguments = []) throws -> Self? {
        try fetchOne(SQLStatement(connection: db, sql: sql), arguments: arguments)
    }
    /// The first column of every row (rows whose value does not convert are left out).
    static func fetchAll(_ st: SQLStatement, arguments: SQLArguments = []) throws -> [Self] {
        try st.connection.fetchRows(sql: st.sql, arguments: arguments).compactMap { $0.values.first.flatMap(Self.fromSQL) }
    }
    static func fetchAll(_ db: any SQLConnection, sql: String, arguments: SQLArguments = []) throws -> [Self] {
        try fetchAll(SQLStatement(connection: db, sql: sql), arguments: arguments)
    }
}
