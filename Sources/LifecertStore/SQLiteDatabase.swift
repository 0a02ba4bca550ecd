import Foundation
import GRDB

/// The store's database on SQLite: a GRDB `DatabasePool` (WAL: one writer, concurrent readers).
/// GRDB's own errors (`DatabaseError`) pass through unchanged; ``Store/describeFailure(_:path:)``
/// puts them in words.
final class SQLiteDatabase: StoreDatabase {
    let pool: DatabasePool
    var dialect: SQLDialect { .sqlite }

    init(pool: DatabasePool) { self.pool = pool }

    func read<T>(_ body: (any SQLConnection) throws -> T) throws -> T {
        try pool.read { try body(SQLiteConnection($0)) }
    }

    func write<T>(_ body: (any SQLConnection) throws -> T) throws -> T {
        try pool.write { try body(SQLiteConnection($0)) }
    }

    func unsafeReentrantRead<T>(_ body: (any SQLConnection) throws -> T) throws -> T {
        try pool.unsafeReentrantRead { try body(SQLiteConnection($0)) }
    }

    func close() { try? pool.close() }
}

/// One GRDB connection, for the length of one transaction closure.
final class SQLiteConnection: SQLConnection {
    unowned let db: GRDB.Database
    var dialect: SQLDialect { .sqlite }

    init(_ db: GRDB.Database) { self.db = db }

    static func arguments(_ a: SQLArguments) -> StatementArguments {
        StatementArguments(a.values.map(databaseValue))
    }

    static func databaseValue(_ v: SQLValue) -> DatabaseValue {
        switch v {
        case .null: return .null
        case .integer(let i): return i.databaseValue
        case .real(let d): return d.databaseValue
        case .text(let s): return s.databaseValue
        case .blob(let b): return Data(b).databaseValue
        }
    }

    static func value(_ d: DatabaseValue) -> SQLValue {
        switch d.storage {
        case .null: return .null
        case .int64(let i): return .integer(i)
        case .double(let x): return .real(x)
        case .string(let s): return .text(s)
        case .blob(let b): return .blob([UInt8](b))
        }
    }

    func execute(sql: String, arguments: SQLArguments) throws {
        if arguments.values.isEmpty {
            try db.execute(sql: sql)
        } else {
            try db.cachedStatement(sql: sql).execute(arguments: Self.arguments(arguments))
        }
    }

    func fetchRows(sql: String, arguments: SQLArguments) throws -> [SQLRow] {
        let statement = try db.cachedStatement(sql: sql)
        let columns = SQLColumns(statement.columnNames)
        let cursor = try GRDB.Row.fetchCursor(statement, arguments: Self.arguments(arguments))
        var rows: [SQLRow] = []
        while let r = try cursor.next() {
            rows.append(SQLRow(columns: columns, values: r.databaseValues.map(Self.value)))
        }
        return rows
    }

    func lastInsertedID() throws -> Int64 { db.lastInsertedRowID }

    var changesCount: Int { db.changesCount }

    func inSavepoint(_ body: () throws -> Bool) throws {
        try db.inSavepoint { try body() ? .commit : .rollback }
    }

    func tableExists(_ name: String) throws -> Bool { try db.tableExists(name) }
}
