import GRDB
import LifecertDomain
import LifecertNames

/// The store's schema as an ordered list of migrations. Never edit a migration that has shipped:
/// add a new one. A store that has a migration this list lacks was written by a newer lifecert
/// and is refused (see ``StoreError/newerVersion(path:unknownMigrations:)``).
enum Schema {
    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1-registry", migrate: v1Registry)
        m.registerMigration("v2-cases-and-records", migrate: v2CasesAndRecords)
        m.registerMigration("v3-matching", migrate: v3Matching)
        m.registerMigration("v4-review", migrate: v4Review)
        m.registerMigration("v5-state-machine", migrate: v5StateMachine)
        m.registerMigration("v6-consular-batches", migrate: v6ConsularBatches)
        m.registerMigration("v7-scan-queue", migrate: v7ScanQueue)
        return m
    }

    /// The newest migration this version knows.
    static var latest: String { migrator.migrations.last! }

    static func appendOnly(_ table: String, _ what: String) -> String {
        """
        CREATE TRIGGER \(table)_no_update BEFORE UPDATE ON \(table)
        BEGIN SELECT RAISE(ABORT, '\(what) are append-only: never updated'); END;
        CREATE TRIGGER \(table)_no_delete BEFORE DELETE ON \(table)
        BEGIN SELECT RAISE(ABORT, '\(what) are append-only: never deleted'); END;
        """
    }

    /// Recipients, imports, users and the audit log.
    static func v1Registry(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE store_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

            CREATE TABLE imports (
                id INTEGER PRIMARY KEY,
                kind TEXT NOT NULL CHECK (kind IN ('REGISTRY', 'CONSULAR')),
                file_name TEXT NOT NULL,
                file_sha256 TEXT NOT NULL,
                encoding TEXT,
                actor TEXT NOT NULL,
                started_at TEXT NOT NULL,
                finished_at TEXT,
                status TEXT NOT NULL CHECK (status IN ('RUNNING', 'DONE', 'FAILED')),
                inserted INTEGER NOT NULL DEFAULT 0,
                updated INTEGER NOT NULL DEFAULT 0,
                unchanged INTEGER NOT NULL DEFAULT 0,
                rejected INTEGER NOT NULL DEFAULT 0
            );

            CREATE TABLE recipients (
                ssn TEXT PRIMARY KEY NOT NULL,
                name TEXT NOT NULL,
                name_latin TEXT,
                sex TEXT NOT NULL CHECK (sex IN ('M', 'F')),
                birth_date TEXT NOT NULL,
                id_type TEXT NOT NULL,
                id_number TEXT NOT NULL,
                benefit_type TEXT NOT NULL,
                benefit_status TEXT NOT NULL CHECK (benefit_status IN ('NORMAL', 'SUSPENDED', 'TERMINATED')),
                eligible INTEGER NOT NULL CHECK (eligible IN (0, 1)),
                residence TEXT NOT NULL,
                registry_last_certified_on TEXT,
                phone TEXT,
                office TEXT NOT NULL,
                applied_on TEXT,
                -- Derived, kept in step by the store: the later of the registry's date and the
                -- newest unrevoked certification record, and the dates the policy gives for it.
                last_certified_on TEXT,
                valid_until TEXT,
                suspended_from TEXT,
                import_id INTEGER REFERENCES imports(id),
                updated_at TEXT NOT NULL
            ) WITHOUT ROWID;
            CREATE INDEX recipients_by_id_number ON recipients (id_number);
            CREATE INDEX recipients_by_birth_date ON recipients (birth_date);
            CREATE INDEX recipients_by_valid_until ON recipients (valid_until);
            CREATE INDEX recipients_by_suspended_from ON recipients (suspended_from);

            CREATE TABLE users (
                login TEXT PRIMARY KEY NOT NULL,
                role TEXT NOT NULL CHECK (role IN ('clerk', 'reviewer', 'senior', 'admin', 'auditor', 'system')),
                display_name TEXT,
                active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
                created_at TEXT NOT NULL,
                created_by TEXT NOT NULL
            );

            -- The audit log: every change of state, hash-chained (hash = SHA-256 of the previous
            -- hash and this entry's content), never updated or deleted.
            CREATE TABLE events (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                at TEXT NOT NULL,
                actor TEXT NOT NULL,
                entity TEXT NOT NULL,
                entity_id TEXT NOT NULL,
                action TEXT NOT NULL,
                before TEXT,
                after TEXT,
                reason TEXT,
                prev_hash TEXT NOT NULL,
                hash TEXT NOT NULL UNIQUE
            );
            CREATE INDEX events_by_entity ON events (entity, entity_id);
            """)
        try db.execute(sql: appendOnly("events", "audit events"))
    }

    /// Scans, cases, certification records and their revocations.
    static func v2CasesAndRecords(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE scans (
                id INTEGER PRIMARY KEY,
                sha256 TEXT NOT NULL UNIQUE,
                size INTEGER NOT NULL,
                original_name TEXT NOT NULL,
                media_type TEXT,
                archive_path TEXT NOT NULL,
                received_on TEXT,
                postmark_country TEXT,
                scanned_by TEXT NOT NULL,
                stored_at TEXT NOT NULL
            );

            CREATE TABLE cases (
                id INTEGER PRIMARY KEY,
                scan_id INTEGER REFERENCES scans(id),
                import_id INTEGER REFERENCES imports(id),
                source_row TEXT,
                state TEXT NOT NULL CHECK (state IN ('RECEIVED', 'READ', 'MATCHED', 'NEEDS_MATCH', 'IN_REVIEW',
                    'APPROVED', 'REJECTED', 'RETURNED', 'UNREADABLE', 'SUPERSEDED')),
                kind TEXT,
                form TEXT,
                fields TEXT,
                recipient_ssn TEXT REFERENCES recipients(ssn),
                created_by TEXT NOT NULL,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                CHECK (scan_id IS NOT NULL OR import_id IS NOT NULL)
            );
            CREATE INDEX cases_by_state ON cases (state);
            CREATE INDEX cases_by_recipient ON cases (recipient_ssn);

            CREATE TABLE certification_records (
                id INTEGER PRIMARY KEY,
                ssn TEXT NOT NULL REFERENCES recipients(ssn),
                certified_on TEXT NOT NULL,
                channel TEXT NOT NULL CHECK (channel IN ('MAIL_CONSULAR', 'MAIL_HK', 'MAIL_MO', 'MAIL_NOTARY',
                    'CONSULATE_CERT', 'CONSULAR_APP')),
                case_id INTEGER REFERENCES cases(id),
                batch_id TEXT,
                batch_record_id TEXT,
                examined_by TEXT NOT NULL,
                approved_by TEXT NOT NULL,
                approved_at TEXT NOT NULL,
                valid_until TEXT NOT NULL,
                restores_payment INTEGER NOT NULL CHECK (restores_payment IN (0, 1)),
                back_pay_due TEXT,
                alive_only INTEGER NOT NULL CHECK (alive_only IN (0, 1)),
                CHECK (case_id IS NOT NULL OR batch_id IS NOT NULL),
                CHECK (restores_payment = 0 OR back_pay_due IS NOT NULL),
                CHECK (NOT (restores_payment = 1 AND alive_only = 1)),
                UNIQUE (batch_id, batch_record_id)
            );
            CREATE INDEX certification_records_by_ssn ON certification_records (ssn, certified_on);
            CREATE UNIQUE INDEX one_record_per_case ON certification_records (case_id) WHERE case_id IS NOT NULL;

            CREATE TABLE certification_revocations (
                id INTEGER PRIMARY KEY,
                record_id INTEGER NOT NULL UNIQUE REFERENCES certification_records(id),
                reason TEXT NOT NULL CHECK (length(trim(reason)) > 0),
                revoked_by TEXT NOT NULL,
                revoked_at TEXT NOT NULL
            );
            """)
        try db.execute(sql: appendOnly("certification_records", "certification records"))
        try db.execute(sql: appendOnly("certification_revocations", "revocations"))
        try db.execute(sql: """
            CREATE TRIGGER scans_keep_original BEFORE UPDATE OF sha256, size, archive_path ON scans
            BEGIN SELECT RAISE(ABORT, 'an archived scan is never modified'); END;
            CREATE TRIGGER scans_no_delete BEFORE DELETE ON scans
            BEGIN SELECT RAISE(ABORT, 'an archived scan is never deleted'); END;
            """)
    }

    /// Matching: the folded name and blocking keys of every recipient (``NameBlocking``), the date
    /// of death, and on cases the certificate number, the match and the link-time flags.
    static func v3Matching(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE recipients ADD COLUMN died_on TEXT;
            ALTER TABLE recipients ADD COLUMN name_folded TEXT;
            CREATE TABLE recipient_name_keys (
                key TEXT NOT NULL,
                ssn TEXT NOT NULL REFERENCES recipients(ssn),
                PRIMARY KEY (key, ssn)
            ) WITHOUT ROWID;
            ALTER TABLE cases ADD COLUMN certificate_no TEXT;
            ALTER TABLE cases ADD COLUMN match_decision TEXT CHECK (match_decision IN ('auto', 'review', 'none'));
            ALTER TABLE cases ADD COLUMN match TEXT;
            ALTER TABLE cases ADD COLUMN link_flags TEXT;
            CREATE INDEX cases_by_certificate_no ON cases (certificate_no) WHERE certificate_no IS NOT NULL;
            """)
        // Recipients stored before this version get their folded names and keys now.
        let rows = try Row.fetchAll(db, sql: "SELECT ssn, name, name_latin FROM recipients")
        let setName = try db.makeStatement(sql: "UPDATE recipients SET name_folded = ? WHERE ssn = ?")
        let addKey = try db.makeStatement(sql: "INSERT OR IGNORE INTO recipient_name_keys (key, ssn) VALUES (?, ?)")
        for r in rows {
            let ssn: String = r["ssn"], name: String = r["name"], latin: String? = r["name_latin"]
            try setName.execute(arguments: [HanCharacters.simplified(name), ssn])
            for k in NameBlocking.registryKeys(name: name, nameLatin: latin) { try addKey.execute(arguments: [k, ssn]) }
        }
        try db.execute(sql: "CREATE INDEX recipients_by_name_folded ON recipients (name_folded)")
    }

    /// Review: a case's claim (who, until when), whether a field was corrected by hand, and the
    /// approvals given (append-only; a high-risk case needs two, by different people).
    static func v4Review(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE cases ADD COLUMN claimed_by TEXT REFERENCES users(login);
            ALTER TABLE cases ADD COLUMN claim_until TEXT;
            ALTER TABLE cases ADD COLUMN fields_corrected INTEGER NOT NULL DEFAULT 0;
            CREATE TABLE case_approvals (
                id INTEGER PRIMARY KEY,
                case_id INTEGER NOT NULL REFERENCES cases(id),
                approver TEXT NOT NULL REFERENCES users(login),
                role TEXT NOT NULL CHECK (role IN ('reviewer', 'senior', 'system')),
                recipient_ssn TEXT NOT NULL REFERENCES recipients(ssn),
                at TEXT NOT NULL,
                UNIQUE (case_id, approver)
            );
            CREATE INDEX cases_by_claim ON cases (claimed_by) WHERE claimed_by IS NOT NULL;
            -- Each hand-over of records to the payment system: what it covered, so an export can be
            -- repeated or continued without gaps or doubles.
            CREATE TABLE record_exports (
                id INTEGER PRIMARY KEY,
                since TEXT NOT NULL,
                first_record INTEGER,
                last_record INTEGER,
                records INTEGER NOT NULL,
                revocations INTEGER NOT NULL,
                format TEXT NOT NULL,
                exported_by TEXT NOT NULL,
                exported_at TEXT NOT NULL
            );
            """)
        try db.execute(sql: appendOnly("case_approvals", "approvals"))
        // Whoever opened a case may never approve it, whatever the code above the store does.
        try db.execute(sql: """
            CREATE TRIGGER case_approvals_maker_checker BEFORE INSERT ON case_approvals
            WHEN NEW.approver = (SELECT created_by FROM cases WHERE id = NEW.case_id)
            BEGIN SELECT RAISE(ABORT, 'maker-checker: whoever opened a case may not approve it'); END;
            """)
    }

    /// The case state machine (``CaseState/allowedMoves``) enforced by the database: an update to a
    /// state the table does not allow is aborted, whoever issues it. Plus the indexes the queue's
    /// filters use.
    static func v5StateMachine(_ db: Database) throws {
        let pairs = CaseState.allowedMovePairs.map { "'\($0)'" }.joined(separator: ", ")
        try db.execute(sql: """
            CREATE TRIGGER cases_state_machine BEFORE UPDATE OF state ON cases
            WHEN NEW.state IS NOT OLD.state AND (OLD.state || '>' || NEW.state) NOT IN (\(pairs))
            BEGIN SELECT RAISE(ABORT, 'lifecert: the case state machine does not allow this move'); END;
            CREATE INDEX cases_by_kind ON cases (kind, state);
            -- The OCR text of the certificate's pages with the lines each field was read from
            -- marked, for the reviewer's case view (LifecertIntake.ReviewText).
            ALTER TABLE cases ADD COLUMN ocr_text TEXT;
            """)
    }

    /// Consular batch imports: every key ever imported (append-only, so a row is imported once,
    /// forever), each import's outcome per line (the report, which survives a crash and a resume),
    /// and how far an import has committed.
    static func v6ConsularBatches(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE imports ADD COLUMN committed_line INTEGER NOT NULL DEFAULT 0;
            CREATE TABLE batch_rows (
                batch_id TEXT NOT NULL,
                record_id TEXT NOT NULL,
                content_sha256 TEXT NOT NULL,
                import_id INTEGER NOT NULL REFERENCES imports(id),
                line INTEGER NOT NULL,
                case_id INTEGER NOT NULL REFERENCES cases(id),
                PRIMARY KEY (batch_id, record_id)
            ) WITHOUT ROWID;
            CREATE TABLE import_rows (
                import_id INTEGER NOT NULL REFERENCES imports(id),
                line INTEGER NOT NULL,
                batch_id TEXT,
                record_id TEXT,
                outcome TEXT NOT NULL CHECK (outcome IN ('APPROVED', 'QUEUED', 'REJECTED', 'DUPLICATE', 'CONFLICT')),
                case_id INTEGER REFERENCES cases(id),
                record INTEGER REFERENCES certification_records(id),
                reason TEXT,
                PRIMARY KEY (import_id, line)
            ) WITHOUT ROWID;
            CREATE INDEX cases_by_import ON cases (import_id) WHERE import_id IS NOT NULL;
            CREATE INDEX batch_rows_by_case ON batch_rows (case_id);
            CREATE INDEX imports_by_file ON imports (file_sha256, kind, status);
            """)
        try db.execute(sql: appendOnly("batch_rows", "imported batch rows"))
        try db.execute(sql: appendOnly("import_rows", "import reports"))
    }

    /// The scan work queue: a scan is read once, by whichever reader holds its lease (an intake run
    /// or a `lifecert worker`); `read_at` marks it done in the transaction that opens its cases.
    static func v7ScanQueue(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE scans ADD COLUMN lease_owner TEXT;
            ALTER TABLE scans ADD COLUMN lease_until TEXT;
            ALTER TABLE scans ADD COLUMN read_at TEXT;
            UPDATE scans SET read_at = stored_at WHERE EXISTS (SELECT 1 FROM cases c WHERE c.scan_id = scans.id);
            CREATE INDEX scans_unread ON scans (id) WHERE read_at IS NULL;
            CREATE INDEX cases_by_scan ON cases (scan_id) WHERE scan_id IS NOT NULL;
            """)
    }
}
