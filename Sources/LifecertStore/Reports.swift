import Foundation
import LifecertDomain

/// One line of the supervisor's report: a section ("cases by state"), a key ("NEEDS_MATCH") and a count.
public struct ReportLine: Sendable, Equatable {
    public let section: String
    public let key: String
    public let value: Int
}

extension Store {
    /// The counts a supervisor asks for, all from indexed or grouped queries: cases by state, kind
    /// and flag; the age of the open queue; each reviewer's decisions in the last 30 days;
    /// certification records per channel per month; recipients due within 60 days and overdue.
    public func supervisorReport(today: LocalDate) throws -> [ReportLine] {
        try pool.read { db in
            var out: [ReportLine] = []
            func add(_ section: String, _ sql: String, _ args: SQLArguments = []) throws {
                for r in try SQLRow.fetchAll(db, sql: sql, arguments: args) {
                    out.append(ReportLine(section: section, key: (r[0] as String?) ?? "—", value: r[1]))
                }
            }
            try add("cases by state", "SELECT state, count(*) FROM cases GROUP BY state ORDER BY state")
            try add("cases by kind", "SELECT coalesce(kind, 'unread'), count(*) FROM cases GROUP BY kind ORDER BY kind")
            // Flags: the reading's and the link-time checks', counted once per case and code.
            switch db.dialect {
            case .sqlite:
                try add("open cases by flag", """
                    SELECT code, count(DISTINCT id) FROM (
                        SELECT c.id, json_extract(f.value, '$.code') AS code FROM cases c, json_each(c.link_flags) f
                        WHERE c.state IN ('MATCHED', 'NEEDS_MATCH', 'IN_REVIEW') AND json_valid(c.link_flags)
                        UNION ALL
                        SELECT c.id, json_extract(f.value, '$.code') FROM cases c, json_each(c.fields, '$.flags') f
                        WHERE c.state IN ('MATCHED', 'NEEDS_MATCH', 'IN_REVIEW') AND json_valid(c.fields))
                    GROUP BY code ORDER BY count(DISTINCT id) DESC, code
                    """)
            case .postgres:
                // lifecert_json() (the schema's) is NULL for text that is not JSON, as json_valid is false.
                try add("open cases by flag", """
                    SELECT code, count(DISTINCT id) FROM (
                        SELECT c.id, f.value #>> '{code}' AS code FROM cases c, jsonb_array_elements(
                            CASE WHEN jsonb_typeof(lifecert_json(c.link_flags)) = 'array' THEN lifecert_json(c.link_flags) ELSE '[]' END) f
                        WHERE c.state IN ('MATCHED', 'NEEDS_MATCH', 'IN_REVIEW')
                        UNION ALL
                        SELECT c.id, f.value #>> '{code}' FROM cases c, jsonb_array_elements(
                            CASE WHEN jsonb_typeof(lifecert_json(c.fields) -> 'flags') = 'array' THEN lifecert_json(c.fields) -> 'flags' ELSE '[]' END) f
                        WHERE c.state IN ('MATCHED', 'NEEDS_MATCH', 'IN_REVIEW')) flagged
                    GROUP BY code ORDER BY count(DISTINCT id) DESC, code
                    """)
            }
            let days = db.dialect == .sqlite
                ? "julianday(?) - julianday(substr(created_at, 1, 10))"
                : "CAST(? AS date) - CAST(substr(created_at, 1, 10) AS date)"
            try add("open queue by age", """
                SELECT CASE WHEN d <= 7 THEN '0–7 days' WHEN d <= 30 THEN '8–30 days' WHEN d <= 90 THEN '31–90 days' ELSE 'over 90 days' END, count(*)
                FROM (SELECT \(days) AS d FROM cases WHERE state IN ('MATCHED', 'NEEDS_MATCH', 'IN_REVIEW')) ages
                GROUP BY 1 ORDER BY min(d)
                """, [today.description])
            try add("decisions per reviewer, last 30 days", """
                SELECT actor || ' ' || lower(action), count(*) FROM events
                WHERE entity = 'case' AND action IN ('APPROVED', 'FIRST_APPROVAL', 'REJECTED', 'RETURNED') AND substr(at, 1, 10) > ?
                GROUP BY actor, action ORDER BY actor, action
                """, [today.adding(days: -30)?.description ?? ""])
            try add("certifications per channel per month", """
                SELECT substr(approved_at, 1, 7) || ' ' || channel, count(*) FROM certification_records
                GROUP BY substr(approved_at, 1, 7), channel ORDER BY 1
                """)
            try add("recipients", """
                SELECT 'due within 60 days', count(*) FROM recipients WHERE valid_until >= ? AND valid_until <= ? AND benefit_status <> 'TERMINATED'
                UNION ALL SELECT 'overdue (suspended from or before this month)', count(*) FROM recipients
                WHERE suspended_from <= ? AND benefit_status = 'NORMAL'
                """, [today.description, today.adding(days: 60)?.description ?? "", today.description])
            return out
        }
    }
}
