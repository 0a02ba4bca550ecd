import CNcurses
import Foundation
import LifecertDomain
import LifecertStore

/// `lifecert queue`: the reviewer's full-screen, keyboard-driven queue (ncurses, wide-character
/// build). A list of cases with filters and search; a case view (``CaseSheet``) with the actions.
///
/// Contract: every action goes through the store's workflow (roles, claims, maker–checker are the
/// store's to enforce; a refusal is shown on the status line). The terminal is restored on every
/// exit: normal, an error, or SIGINT/SIGTERM/SIGHUP (a dropped SSH session). Works at 80×24 and
/// redraws on resize. Nothing is held in memory that the store does not have: a reviewer whose
/// session dropped reopens the queue and finds every decision made so far.
public final class TerminalQueue {
    let store: Store
    let actor: String
    let today: LocalDate
    /// Matches a case again after a correction; returns a line for the status bar.
    let relink: (Int64) throws -> String?

    /// The states the `f` key cycles through (empty: every open case).
    static let stateFilters: [Set<CaseState>] = [[], [.needsMatch], [.matched], [.inReview], [.approved], [.rejected], [.returned],
                                                 [.unreadable], [.superseded]]
    /// The kinds the `K` key cycles through.
    static let kindFilters: [String?] = [nil, "consular", "hk", "macao", "taiwan", "notary"]
    var stateFilter = 0
    var kindFilter = 0
    var filter = QueueFilter()
    /// The ids the filter shows; only the rows on screen are read from the store.
    var ids: [Int64] = []
    var visible: [Int64: CaseRecord] = [:]
    var selected = 0
    var top = 0
    var status = ""

    public init(store: Store, actor: String, today: LocalDate, relink: @escaping (Int64) throws -> String? = { _ in nil }) {
        self.store = store
        self.actor = actor
        self.today = today
        self.relink = relink
    }

    nonisolated(unsafe) static var active = false

    /// Restores the terminal (idempotent).
    static func restore() {
        if active { endwin(); active = false }
    }

    public func run() throws {
        setlocale(LC_ALL, "")
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            signal(sig) { s in
                TerminalQueue.restore()
                _exit(128 + s)
            }
        }
        // A crash (a Swift runtime trap is SIGILL or SIGTRAP) also leaves the terminal sane: restore
        // it, then die of the same signal so the crash is still reported.
        for sig in [SIGABRT, SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGFPE] {
            signal(sig) { s in
                TerminalQueue.restore()
                signal(s, SIG_DFL)
                raise(s)
            }
        }
        initscr()
        TerminalQueue.active = true
        defer { TerminalQueue.restore() }
        cbreak()
        noecho()
        _ = lc_keypad()
        curs_set(0)
        try reload()
        while true {
            drawList()
            let k = lc_getch()
            switch k {
            case Int32(Character("q").asciiValue!): return
            case lc_key_down(), Int32(Character("j").asciiValue!): selected = min(selected + 1, max(0, ids.count - 1))
            case lc_key_up(), Int32(Character("k").asciiValue!): selected = max(selected - 1, 0)
            case lc_key_npage(): selected = min(selected + listHeight, max(0, ids.count - 1))
            case lc_key_ppage(): selected = max(selected - listHeight, 0)
            case Int32(Character("f").asciiValue!):
                stateFilter = (stateFilter + 1) % Self.stateFilters.count
                filter.states = Self.stateFilters[stateFilter]
                try reload(resetSelection: true)
            case Int32(Character("K").asciiValue!):
                kindFilter = (kindFilter + 1) % Self.kindFilters.count
                filter.kind = Self.kindFilters[kindFilter]
                try reload(resetSelection: true)
            case Int32(Character("g").asciiValue!):
                let code = prompt("only cases flagged (a flag code such as restores_payment; empty for any): ")
                filter.flag = code.isEmpty ? nil : code
                try reload(resetSelection: true)
            case Int32(Character("A").asciiValue!):
                let days = prompt("only cases older than how many days (empty for any age): ")
                filter.olderThanDays = Int(days)
                try reload(resetSelection: true)
            case Int32(Character("m").asciiValue!):
                filter.claimedBy = filter.claimedBy == nil ? actor : nil
                try reload(resetSelection: true)
            case Int32(Character("/").asciiValue!):
                filter.search = prompt("search (case, name, ssn, file, any text read; empty for all): ")
                try reload(resetSelection: true)
            case Int32(Character("n").asciiValue!):
                do {
                    if let id = try store.claimNext(by: actor, filter: filter, today: today) { try caseView(id) } else { status = "nothing left for you under this filter" }
                } catch let e as WorkflowError { status = "refused: \(e.description)" }
                try reload()
            case 10, 13, KEY_ENTER:
                if ids.indices.contains(selected) { try caseView(ids[selected]) }
                try reload()
            case Int32(Character("?").asciiValue!): help()
            case lc_key_resize(): break
            default: break
            }
        }
    }

    var listHeight: Int { max(1, Int(lc_lines()) - 4) }

    /// Reads the ids the filter shows (one indexed query, however long the queue).
    func reload(resetSelection: Bool = false) throws {
        ids = try store.queueCaseIDs(filter, today: today)
        visible = [:]
        if resetSelection { selected = 0; top = 0 }
        selected = min(selected, max(0, ids.count - 1))
    }

    func line(_ y: Int, _ text: String, reverse: Bool = false, bold: Bool = false) {
        let width = Int(lc_cols())
        if reverse { lc_reverse(1) }
        if bold { lc_bold(1) }
        _ = lc_mvaddstr(Int32(y), 0, padded(text, max(1, width - 1)))
        if reverse { lc_reverse(0) }
        if bold { lc_bold(0) }
    }

    func summary(_ c: CaseRecord) -> String {
        let reading = c.fields.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        let f = reading?["fields"] as? [String: Any] ?? [:]
        let name = (f["name"] as? String) ?? (f["name_latin"] as? String) ?? "—"
        let flags = CaseSheet.flags(c).count
        let who = c.matchDecision == "auto" ? (c.recipientSSN.map(IdentityNumbers.mask) ?? "") : c.matchDecision == "review" ? "review" : c.matchDecision ?? ""
        return "\(padded(String(c.id), 6)) \(padded(c.state, 11)) \(padded(c.kind ?? "-", 7)) \(padded(name, 12)) \(padded(who, 19)) \(flags > 0 ? "⚑\(flags)" : "")"
    }

    func drawList() {
        _ = lc_erase()
        line(0, "lifecert queue — \(actor) — \(filter.summary) — \(ids.count) case(s)", reverse: true)
        line(1, "case   state       kind    name         recipient           flags", bold: true)
        if selected < top { top = selected }
        if selected >= top + listHeight { top = selected - listHeight + 1 }
        let window = Array(ids[min(top, ids.count)..<min(ids.count, top + listHeight)])
        let missing = window.filter { visible[$0] == nil }
        if !missing.isEmpty, let rows = try? store.caseRecords(ids: missing) {
            for r in rows { visible[r.id] = r }
        }
        for (row, id) in window.enumerated() {
            line(2 + row, visible[id].map(summary) ?? "\(id)", reverse: top + row == selected)
        }
        if ids.isEmpty { line(2, "no cases here: f state · K kind · g flag · A age · m mine · / search") }
        let bottom = Int(lc_lines()) - 1
        line(bottom - 1, status)
        line(bottom, "↑↓ move · Enter open · n next · f K g A m filter · / search · ? keys · q quit", reverse: true)
        _ = lc_refresh()
    }

    /// Reads a line at the bottom of the screen (echo on while typing).
    func prompt(_ label: String) -> String {
        let bottom = Int32(lc_lines()) - 1
        var label = label
        if displayWidth(label) > Int(lc_cols()) - 24 {
            // Too long to leave room for the answer: the question above, the answer below.
            for (i, part) in wrapped(label, Int(lc_cols()) - 1).suffix(3).reversed().enumerated() { line(Int(bottom) - 1 - i, part) }
            label = "> "
        }
        line(Int(bottom), label, reverse: false)
        _ = lc_move(bottom, Int32(displayWidth(label)))
        echo()
        curs_set(1)
        var buffer = [CChar](repeating: 0, count: 512)
        _ = lc_getnstr(&buffer, 500)
        noecho()
        curs_set(0)
        return String(cString: buffer).trimmingCharacters(in: .whitespaces)
    }

    func help() {
        _ = lc_erase()
        let lines = [
            "keys", "",
            "list:  ↑/k ↓/j move   PgUp PgDn page   Enter open   n claim the next case for me",
            "       f state   K kind   g flag   A older than N days   m mine   / search   q quit",
            "case:  c claim (30 min)   u release   a approve   p pick another candidate",
            "       e correct a field (audited)   o open the scan   r reject   t return",
            "       ↑↓ scroll   q or Esc back to the list",
            "", "Approving writes the certification record. A high-risk case (restores payment, fraud flag,",
            "no automatic link, a corrected field) needs a reviewer and then a senior; whoever scanned",
            "a case may not approve it. Rejections and returns take a code and a sentence.",
            "", "any key to go back",
        ]
        for (i, l) in lines.enumerated() { line(i, l, bold: i == 0) }
        _ = lc_refresh()
        _ = lc_getch()
    }

    /// Lists the case's ranked candidates and lets the reviewer choose one by number.
    func pickCandidate(_ c: CaseRecord?) -> String? {
        let candidates = CaseSheet.candidates(c)
        _ = lc_erase()
        line(0, "candidates for case \(c?.id ?? 0) — type a number, Enter", reverse: true)
        if candidates.isEmpty { line(2, "no candidates: the registry has no one close (approve is refused; reject or return it)") }
        var y = 2
        for (i, k) in candidates.prefix(9).enumerated() {
            line(y, "\(i + 1)  \(k.ssn)  score \(k.score)", bold: true)
            for part in wrapped(k.explanation, Int(lc_cols()) - 6).prefix(3) { y += 1; line(y, "     " + part) }
            y += 1
        }
        _ = lc_refresh()
        guard !candidates.isEmpty else { _ = lc_getch(); return nil }
        let answer = prompt("number (empty to keep the current one): ")
        guard let n = Int(answer), candidates.indices.contains(n - 1) else { return nil }
        return candidates[n - 1].ssn
    }

    func caseView(_ id: Int64) throws {
        var scroll = 0
        var chosen: String?  // a candidate picked with p, used by the next approval
        status = ""
        while true {
            _ = lc_erase()
            let sheet = (try CaseSheet.lines(store: store, caseID: id, viewer: actor)) ?? ["there is no case \(id)"]
            let height = Int(lc_lines()) - 3
            line(0, sheet.first ?? "", reverse: true)
            for (row, l) in sheet.dropFirst().dropFirst(scroll).prefix(height).enumerated() { line(1 + row, l, bold: l.hasPrefix("!")) }
            let bottom = Int(lc_lines()) - 1
            line(bottom - 1, status)
            line(bottom, "c claim · a approve · p pick · e correct · o scan · r reject · t return · q back · ?", reverse: true)
            _ = lc_refresh()
            let k = lc_getch()
            do {
                switch k {
                case Int32(Character("q").asciiValue!), 27: status = ""; return
                case lc_key_down(), Int32(Character("j").asciiValue!): scroll = min(scroll + 1, max(0, sheet.count - 2))
                case lc_key_up(), Int32(Character("k").asciiValue!): scroll = max(scroll - 1, 0)
                case Int32(Character("c").asciiValue!):
                    try store.claim(caseID: id, by: actor)
                    status = "claimed for 30 minutes"
                case Int32(Character("u").asciiValue!):
                    try store.release(caseID: id, by: actor)
                    status = "released"
                case Int32(Character("a").asciiValue!):
                    let c = try store.caseRecord(id: id)
                    var ssn = chosen ?? c?.recipientSSN
                    if ssn == nil {
                        let proposed = CaseSheet.candidates(c).first?.ssn
                        let answer = prompt("recipient ssn (Enter for the proposed \(proposed ?? "none"); p lists the candidates): ")
                        ssn = answer.isEmpty ? proposed : answer
                    }
                    switch try store.approve(caseID: id, by: actor, recipientSSN: ssn, passedOn: today) {
                    case .awaitingSenior: status = "first approval recorded: a senior must approve it too"
                    case .certified(let record): status = "approved: certification record \(record) written"
                    }
                case Int32(Character("p").asciiValue!):
                    try store.claim(caseID: id, by: actor)  // the full numbers are for the reviewer holding the case
                    if let ssn = pickCandidate(try store.caseRecord(id: id)) {
                        chosen = ssn
                        status = "recipient chosen: \(ssn) — a approves the case for this person"
                    }
                case Int32(Character("e").asciiValue!):
                    let field = prompt("correct which field (\(CorrectableField.allCases.map(\.rawValue).joined(separator: " "))): ")
                    guard let f = CorrectableField(rawValue: field) else { status = field.isEmpty ? "" : "\(field) cannot be corrected"; break }
                    let value = prompt("new \(f.rawValue) (\(f.expected)): ")
                    let reason = value.isEmpty ? "" : prompt("why (kept in the audit log): ")
                    guard !value.isEmpty else { status = ""; break }
                    try store.correctField(caseID: id, field: f, value: value, reason: reason, by: actor)
                    chosen = nil
                    let again = try relink(id)
                    status = "\(f.rawValue) corrected; a senior must approve\(again.map { "; \($0)" } ?? "")"
                case Int32(Character("o").asciiValue!):
                    guard let path = try store.caseRecord(id: id)?.archivePath else { status = "this case has no scan"; break }
                    endwin()
                    let code = try ScanViewer.open(path)
                    _ = lc_refresh()
                    status = code == 0 ? "opened \(path)" : "the viewer (\(ScanViewer.command)) failed with status \(code): the scan is \(path)"
                case Int32(Character("r").asciiValue!), Int32(Character("t").asciiValue!):
                    let returning = k == Int32(Character("t").asciiValue!)
                    let code = prompt("\(returning ? "return" : "reject") — reason code: ")
                    let sentence = code.isEmpty ? "" : prompt("sentence for the letter: ")
                    try store.decline(caseID: id, by: actor, returning: returning, reasonCode: code, sentence: sentence)
                    status = returning ? "returned" : "rejected"
                case Int32(Character("?").asciiValue!): help()
                default: break
                }
            } catch let e as WorkflowError {
                status = "refused: \(e.description)"
            }
        }
    }
}
