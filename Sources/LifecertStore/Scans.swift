import Foundation
import LifecertDomain

/// Where original scans are kept, untouched: a folder beside the store
/// (`<store folder>/<store name>.archive/ab/abcdef….pdf`), named by the SHA-256 of the content.
///
/// Contract: ``store(_:sha256:extension:)`` writes the bytes to a temporary file, flushes it to
/// disk, renames it into place and makes it read-only (owner and group); an existing file with the
/// same hash is left as it is. Nothing in lifecert ever modifies or deletes an archived file.
public struct ScanArchive: Sendable {
    public let root: String

    public init(storePath: String) {
        let url = URL(fileURLWithPath: storePath)
        root = url.deletingLastPathComponent().appendingPathComponent(url.lastPathComponent + ".archive").path
    }

    /// An archive in the folder `root` (a shared folder, for a PostgreSQL store).
    public init(root: String) { self.root = root }

    public func path(sha256: String, extension ext: String) -> String {
        "\(root)/\(sha256.prefix(2))/\(sha256).\(ext)"
    }

    /// Archives `bytes`; returns the archived file's path. `source` names the file in messages.
    ///
    /// The copy is written under a temporary name, flushed, renamed into place and the folder
    /// flushed too, so that once this returns the copy survives a power loss; a failure (disk full,
    /// permissions) leaves no partial copy behind and throws ``StoreError/archiveFailed(file:archive:reason:)``.
    public func store(_ bytes: [UInt8], sha256: String, extension ext: String, source: String = "the scan") throws -> String {
        let target = path(sha256: sha256, extension: ext)
        let fm = FileManager.default
        let dir = (target as NSString).deletingLastPathComponent
        func failed(_ reason: String) -> StoreError { .archiveFailed(file: source, archive: root, reason: reason) }
        guard !root.isEmpty else {
            throw StoreError.archiveFailed(file: source, archive: "(none)", reason: "this store (on PostgreSQL) has no archive folder yet: set LIFECERT_ARCHIVE to the shared folder every mailroom and worker mounts, once; the store remembers it")
        }
        do {
            try fm.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o750])
        } catch {
            throw failed("its folder cannot be created (\(error.localizedDescription))")
        }
        // A link planted inside the archive (a prefix folder, or a file under a hash's name) must
        // not lead a write outside it: the folder must resolve inside the resolved root, and the
        // target must not exist as anything but a regular file.
        guard let realRoot = Self.resolved(root), let realDir = Self.resolved(dir), realDir.hasPrefix(realRoot + "/") else {
            throw failed("its folder \(dir) leads outside the archive (a symbolic link to \(Self.resolved(dir) ?? "nowhere")); lifecert writes only inside the archive: remove the link")
        }
        var st = stat()
        if lstat(target, &st) == 0 {
            // Archived before (the same content): nothing to write.
            if (st.st_mode & S_IFMT) == S_IFREG { return target }
            throw failed("\(target) exists but is not a regular file (a link or a folder was put in its place); remove it")
        }
        let temp = "\(dir)/.incoming-\(UUID().uuidString)"
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL, 0o640)
        guard fd >= 0 else { throw failed(Self.reason(errno: errno)) }
        var written = 0
        var failure: Int32 = 0
        bytes.withUnsafeBytes { buf in
            while written < buf.count {
                let n = write(fd, buf.baseAddress! + written, buf.count - written)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { failure = n < 0 ? errno : ENOSPC; return }
                written += n
            }
            if fsync(fd) != 0 { failure = errno }
        }
        close(fd)
        guard failure == 0 else {
            unlink(temp)
            throw failed(Self.reason(errno: failure))
        }
        guard rename(temp, target) == 0 else {
            let e = errno
            unlink(temp)
            throw failed(Self.reason(errno: e))
        }
        chmod(target, 0o440)
        // The rename itself is durable only once the folder is flushed.
        let dfd = open(dir, O_RDONLY | O_DIRECTORY)
        if dfd >= 0 { fsync(dfd); close(dfd) }
        return target
    }

    /// The path with every link resolved, or nil when it does not exist.
    static func resolved(_ path: String) -> String? {
        guard let p = realpath(path, nil) else { return nil }
        defer { free(p) }
        return String(cString: p)
    }

    /// A system error in words, the disk-full ones first.
    static func reason(errno e: Int32) -> String {
        switch e {
        case ENOSPC: return "the disk is full (no space left on the device); free some space"
        case EDQUOT: return "the disk quota is used up; free some space or ask for a larger quota"
        case EFBIG: return "the file is larger than this process may write (ulimit -f)"
        case EACCES, EPERM: return "permission denied: the archive folder must be writable by the login running lifecert"
        case EROFS: return "the archive is on a read-only file system"
        default: return String(cString: strerror(e))
        }
    }
}

/// An archived scan as the store holds it.
public struct ScanRecord: Sendable, Equatable {
    public let id: Int64
    public let sha256: String
    public let size: Int
    public let originalName: String
    public let mediaType: String?
    public let archivePath: String
    /// Who scanned it (the maker of its cases).
    public var scannedBy: String = ""
}

/// A case: one certificate (or one unreadable or not-a-certificate file) going through the workflow.
public struct CaseRecord: Sendable, Equatable {
    public let id: Int64
    public let scanID: Int64?
    public let state: String
    public let kind: String?
    public let form: String?
    /// The extraction as JSON (the `lifecert extract` contract).
    public let fields: String?
    public let createdAt: String
    public let originalName: String?
    public let recipientSSN: String?
    public let matchDecision: String?
    /// The match (candidates and their explanations) and the link-time flags, as JSON.
    public let match: String?
    public let linkFlags: String?
    /// Who holds the case's claim (nil: nobody, or a claim that has run out is not told apart here).
    public var claimedBy: String? = nil
    /// Where the original scan is archived (nil for a batch row, or when not asked for).
    public var archivePath: String? = nil
    /// The OCR text with the lines fields were read from marked (`LifecertIntake.ReviewText`), as JSON.
    public var ocrText: String? = nil
}

/// A case's match, as intake stores it (see `LifecertMatching`).
public struct CaseLink: Sendable {
    /// `auto`, `review` or `none`.
    public var decision: String
    /// Set only for an automatic link.
    public var recipientSSN: String?
    /// The best candidate proposed to the reviewer (`review`).
    public var proposedSSN: String?
    public var certificateNo: String?
    /// The whole match (candidates, contributions, reason) and the link-time flags, as JSON.
    public var matchJSON: String
    public var flagsJSON: String

    public init(decision: String, recipientSSN: String?, proposedSSN: String?, certificateNo: String?, matchJSON: String, flagsJSON: String) {
        self.decision = decision
        self.recipientSSN = recipientSSN
        self.proposedSSN = proposedSSN
        self.certificateNo = certificateNo
        self.matchJSON = matchJSON
        self.flagsJSON = flagsJSON
    }
}

/// What intake knows about the envelope (all optional).
public struct EnvelopeInfo: Sendable {
    public var receivedOn: LocalDate?
    public var postmarkCountry: String?
    /// The login taking the scan in: the maker of its cases (maker–checker).
    public var scannedBy: String
    /// Who operated the scanner, as told on the command line (kept in the audit log; never the maker).
    public var operatorName: String?

    public init(receivedOn: LocalDate? = nil, postmarkCountry: String? = nil, scannedBy: String, operatorName: String? = nil) {
        self.receivedOn = receivedOn
        self.postmarkCountry = postmarkCountry
        self.scannedBy = scannedBy
        self.operatorName = operatorName
    }
}

extension Store {
    /// Who may take in scans and read them (a reviewer helping in the mailroom included; their
    /// own scans they may then not approve).
    public static let mailroomRoles: Set<Role> = [.clerk, .reviewer, .senior, .admin]

    public var archive: ScanArchive {
        if dialect == .postgres { return ScanArchive(root: archiveRoot ?? "") }
        return ScanArchive(storePath: path)
    }

    /// The scan with this content hash, if it was archived before.
    public func scan(sha256: String) throws -> ScanRecord? {
        try pool.read { db in
            try SQLRow.fetchOne(db.cachedStatement(sql: "SELECT * FROM scans WHERE sha256 = ?"), arguments: [sha256]).map(scanRecord)
        }
    }

    func scanRecord(_ r: SQLRow) -> ScanRecord {
        ScanRecord(id: r["id"], sha256: r["sha256"], size: r["size"], originalName: r["original_name"],
                   mediaType: r["media_type"], archivePath: localArchivePath(r["archive_path"], sha256: r["sha256"]),
                   scannedBy: r["scanned_by"] ?? "")
    }

    /// Where this machine finds an archived scan: the recorded path, or — for a shared archive
    /// mounted elsewhere here (another machine's `LIFECERT_ARCHIVE`) — the same file under this
    /// machine's archive folder.
    func localArchivePath(_ recorded: String, sha256: String) -> String {
        guard dialect == .postgres, let root = archiveRoot, !recorded.hasPrefix(root + "/"),
              !FileManager.default.fileExists(atPath: recorded) else { return recorded }
        let ext = (recorded as NSString).pathExtension
        return ScanArchive(root: root).path(sha256: sha256, extension: ext)
    }

    /// Archives a scan and registers it, before anything else is done with it.
    ///
    /// - Returns: the scan and whether it was new (false: the same bytes were archived before;
    ///   nothing is written).
    /// - Parameter leaseTo: the reader (this process) that will read it now; nil leaves it queued
    ///   for any worker (`lifecert intake --queue`, `lifecert worker`).
    public func registerScan(bytes: [UInt8], sha256: String, originalName: String, mediaType: String?,
                             fileExtension: String, envelope: EnvelopeInfo, leaseTo: String? = nil) throws -> (ScanRecord, isNew: Bool) {
        try pool.read { db in
            try requireRoleOrSetup(db, envelope.scannedBy, action: "take in scans", allowed: Store.mailroomRoles)
        }
        if let existing = try scan(sha256: sha256) { return (existing, false) }
        let archived = try archive.store(bytes, sha256: sha256, extension: fileExtension, source: originalName)
        return try pool.write { db in
            if let existing = try SQLRow.fetchOne(db.cachedStatement(sql: "SELECT * FROM scans WHERE sha256 = ?"), arguments: [sha256]) {
                return (scanRecord(existing), false)  // another process registered it meanwhile
            }
            let now = Store.timestamp()
            try db.cachedStatement(sql: """
                INSERT INTO scans (sha256, size, original_name, media_type, archive_path, received_on, postmark_country, scanned_by, stored_at,
                                   lease_owner, lease_until)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [sha256, bytes.count, originalName, mediaType, archived, envelope.receivedOn?.description,
                                 envelope.postmarkCountry, envelope.scannedBy, now, leaseTo,
                                 leaseTo.map { _ in Store.timestamp(Date().addingTimeInterval(Store.scanLease)) }])
            let id = try db.lastInsertedID()
            try appendEvent(db, actor: envelope.scannedBy, entity: "scan", entityID: String(id), action: "ARCHIVED",
                            after: Store.json(["sha256": sha256, "name": originalName, "size": String(bytes.count),
                                               "operator": envelope.operatorName ?? envelope.scannedBy]), at: now)
            let row = try SQLRow.fetchOne(db.cachedStatement(sql: "SELECT * FROM scans WHERE id = ?"), arguments: [id])!
            return (scanRecord(row), true)
        }
    }

    /// Opens a case for a scan in one transaction with its event: `READ` (fields read; also a page
    /// that is no certificate, kind `none`), `UNREADABLE`, or after matching `MATCHED` (linked
    /// automatically to `link.recipientSSN`) or `NEEDS_MATCH` (a reviewer decides).
    @discardableResult
    public func openCase(scanID: Int64, state: String, kind: String?, form: String?, fieldsJSON: String?,
                         reason: String?, actor: String, link: CaseLink? = nil, ocrText: String? = nil) throws -> Int64 {
        try pool.write { db in
            let now = Store.timestamp()
            let id = try insertCase(db, NewCase(state: state, kind: kind, form: form, fieldsJSON: fieldsJSON, reason: reason, link: link,
                                                ocrText: ocrText), from: .scan(scanID), actor: actor, at: now)
            try markRead(db, scanID: scanID, at: now)
            return id
        }
    }

    /// Opens many cases of one scan in one transaction, each with its `OPENED` event (as
    /// ``openCase(scanID:state:kind:form:fieldsJSON:reason:actor:link:ocrText:)`` does one). For load
    /// tests: a thousand cases cost one commit, not a thousand.
    public func openCases(scanID: Int64, _ cases: [NewCase], actor: String) throws -> [Int64] {
        try pool.write { db in
            let now = Store.timestamp()
            let ids = try cases.map { try insertCase(db, $0, from: .scan(scanID), actor: actor, at: now) }
            try markRead(db, scanID: scanID, at: now)
            return ids
        }
    }

    /// Where a case comes from: a scan, or a line of a consular batch file.
    enum CaseSource {
        case scan(Int64)
        case batchRow(importID: Int64, line: Int, channel: CertificationChannel)
    }

    /// Inserts a case and its `OPENED` event, inside the caller's transaction: the one place a case
    /// is created.
    func insertCase(_ db: any SQLConnection, _ c: NewCase, from source: CaseSource, actor: String, at now: String) throws -> Int64 {
        var scanID: Int64?, importID: Int64?, line: String?
        var after = ["state": c.state, "kind": c.kind ?? ""]
        switch source {
        case .scan(let id):
            scanID = id
            after["form"] = c.form ?? ""
            after["scan"] = String(id)
        case .batchRow(let i, let l, let channel):
            importID = i
            line = String(l)
            after["channel"] = channel.rawValue
            after["import"] = String(i)
            after["line"] = String(l)
        }
        try db.cachedStatement(sql: """
            INSERT INTO cases (scan_id, import_id, source_row, state, kind, form, fields, created_by, created_at, updated_at,
                               recipient_ssn, certificate_no, match_decision, match, link_flags, ocr_text)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [scanID, importID, line, c.state, c.kind, c.form, c.fieldsJSON, actor, now, now,
                                     c.link?.recipientSSN, c.link?.certificateNo, c.link?.decision, c.link?.matchJSON, c.link?.flagsJSON, c.ocrText])
        let id = try db.lastInsertedID()
        if let link = c.link {
            after["match"] = link.decision
            if let ssn = link.recipientSSN { after["recipient"] = ssn }
            if let ssn = link.proposedSSN { after["proposed"] = ssn }
        }
        try appendEvent(db, actor: actor, entity: "case", entityID: String(id), action: "OPENED", after: Store.json(after),
                        reason: c.reason, at: now)
        return id
    }

    /// Marks a scan read (its cases are open) and lets go of its lease.
    func markRead(_ db: any SQLConnection, scanID: Int64, at now: String) throws {
        try db.cachedStatement(sql: "UPDATE scans SET read_at = coalesce(read_at, ?), lease_owner = NULL, lease_until = NULL WHERE id = ?")
            .execute(arguments: [now, scanID])
    }

    /// The cases opened for a scan.
    public func cases(scanID: Int64) throws -> [CaseRecord] {
        try pool.read { db in
            try SQLRow.fetchAll(db.cachedStatement(sql: """
                SELECT c.*, s.original_name FROM cases c LEFT JOIN scans s ON s.id = c.scan_id
                WHERE c.scan_id = ? ORDER BY c.id
                """), arguments: [scanID]).map(Self.caseRecord)
        }
    }

    /// Cases, newest first, optionally only in one state.
    public func cases(state: String? = nil, limit: Int = 100) throws -> [CaseRecord] {
        try pool.read { db in
            let filter = state == nil ? "" : "WHERE c.state = ?"
            let args: SQLArguments = state == nil ? [limit] : [state!, limit]
            return try SQLRow.fetchAll(db.cachedStatement(sql: """
                SELECT c.*, s.original_name FROM cases c LEFT JOIN scans s ON s.id = c.scan_id
                \(filter) ORDER BY c.id DESC LIMIT ?
                """), arguments: args).map(Self.caseRecord)
        }
    }

    static func caseRecord(_ r: SQLRow) -> CaseRecord {
        CaseRecord(id: r["id"], scanID: r["scan_id"], state: r["state"], kind: r["kind"], form: r["form"],
                   fields: r["fields"], createdAt: r["created_at"], originalName: r["original_name"],
                   recipientSSN: r["recipient_ssn"], matchDecision: r["match_decision"], match: r["match"], linkFlags: r["link_flags"],
                   claimedBy: r["claimed_by"], archivePath: r["archive_path"], ocrText: r["ocr_text"])
    }

    /// One case by id.
    public func caseRecord(id: Int64) throws -> CaseRecord? {
        try pool.read { db in
            try SQLRow.fetchOne(db.cachedStatement(sql: """
                SELECT c.*, s.original_name, s.archive_path FROM cases c LEFT JOIN scans s ON s.id = c.scan_id WHERE c.id = ?
                """), arguments: [id]).map(Self.caseRecord)
        }
    }
}
