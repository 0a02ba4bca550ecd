import Foundation
import Testing
@testable import LifecertStore

/// The PostgreSQL store's URL and password lookup (no server needed).
@Suite struct PostgresLocationTests {
    @Test func aURLGivesHostPortUserDatabaseAndTLSModeAndIsShownWithoutItsPassword() throws {
        let l = try #require(try PostgresLocation(url: "postgres://ana:s3cr%40t@db.example:6543/lifecert?sslmode=require"))
        #expect(l.host == "db.example" && l.port == 6543 && l.user == "ana" && l.database == "lifecert" && l.sslMode == "require")
        #expect(l.password == "s3cr@t")
        #expect(l.redacted == "postgres://ana@db.example:6543/lifecert")
        #expect(!l.redacted.contains("s3cr"))
        let socket = try #require(try PostgresLocation(url: "postgresql://ana@/lifecert?host=/run/postgresql"))
        #expect(socket.socketFolder == "/run/postgresql" && socket.port == 5432)
        #expect(try PostgresLocation(url: "/var/lib/lifecert/lifecert.db") == nil)
        #expect(throws: StoreError.self) { _ = try PostgresLocation(url: "postgres://ana@db/x?sslmode=sometimes") }
    }

    @Test func thePasswordFileIsReadAsLibpqReadsItAndIgnoredWhenOthersMayReadIt() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pgpass-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("pgpass").path
        try """
            # comment
            other.example:5432:*:ana:wrong
            db.example:*:lifecert:ana:pa\\:ss\\\\word
            *:*:*:*:fallback
            """.write(toFile: file, atomically: true, encoding: .utf8)
        chmod(file, 0o600)
        func lookup(_ host: String, _ db: String, _ user: String) -> String? {
            PostgresLocation.passwordFromFile(host: host, port: 5432, database: db, user: user, file: file)
        }
        #expect(lookup("db.example", "lifecert", "ana") == "pa:ss\\word")
        #expect(lookup("db.example", "other", "ana") == "fallback")
        #expect(lookup("other.example", "x", "ana") == "wrong")
        chmod(file, 0o644)
        #expect(lookup("db.example", "lifecert", "ana") == nil)
    }

    @Test func statementsAreNumberedOutsideQuotesAndScriptsSplitOutsideFunctionBodies() {
        #expect(PGConnection.numbered("SELECT ? , '?', \"a?\", ?") == "SELECT $1 , '?', \"a?\", $2")
        let parts = PGConnection.statements("""
            CREATE TABLE a (x TEXT); -- a comment; with a semicolon
            CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'a;b'; END $$;
            INSERT INTO a VALUES (';')
            """)
        #expect(parts.count == 3)
        #expect(parts[1].hasSuffix("END $$"))
        #expect(parts[2] == "INSERT INTO a VALUES (';')")
    }
}
