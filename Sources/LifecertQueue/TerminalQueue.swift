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

    /// The states the `f` key cycles through (nil: every open case).
    static let filters: [String?] = [nil, "NEEDS_MATCH", "MATCHED", "IN_REVIEW", "APPROVED", "REJECTED", "RETURNED", "UNREADABLE"]
    var filter = 0
    var search = ""
    var cases: [CaseRecord] = []
    var selected = 0
    var top = 0
    var status = ""

    public init(store: Store, actor: String, today: LocalDate) {
        self.store = store
        self.actor = actor
        self.today = today
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
            case lc_key_down(), Int32(Character("j").asciiValue!): selected = min(selected + 1, max(0, cases.count - 1))
            case lc_key_up(), Int32(Character("k").asciiValue!): selected = max(selected - 1, 0)
            case lc_key_npage(): selected = min(selected + listHeight, max(0, cases.count - 1))
            case lc_key_ppage(): selected = max(selected - listHeight, 0)
            case Int32(Character("f").asciiValue!):
                filter = (filter + 1) % Self.filters.count
                selected = 0
                try reload()
            case Int32(Character("/").asciiValue!):
                search = prompt("search (name, ssn, file; empty for all): ")
                selected = 0
                try reload()
            case 10, 13, KEY_ENTER:
                if cases.indices.contains(selected) { try caseView(cases[selected].id) }
                try reload()
            case Int32(Character("?").asciiValue!): help()
            case lc_key_resize(): break
            default: break
            }
        }
    }

    var listHeight: Int { max(1, Int(lc_lines()) - 4) }

    func reload() throws {
        let state = Self.filters[filter]
        var all = try store.cases(state: state, limit: 5000)
        if state == nil { all = all.filter { !["APPROVED", "REJECTED", "SUPERSEDED"].contains($0.state) } }
        if !search.isEmpty {
            all = all.filter { c in
                [c.originalName ?? "", c.fields ?? "", c.recipientSSN ?? "", String(c.id)].contains { $0.contains(search) }
            }
        }
        cases = all
        selected = min(selected, max(0, cases.count - 1))
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
        let who = c.matchDecision == "auto" ? (c.recipientSSN ?? "") : c.matchDecision == "review" ? "review" : c.matchDecision ?? ""
        return "\(padded(String(c.id), 6)) \(padded(c.state, 11)) \(padded(c.kind ?? "-", 7)) \(padded(name, 12)) \(padded(who, 19)) \(flags > 0 ? "⚑\(flags)" : "")"
    }

    func drawList() {
        _ = lc_erase()
        let f = Self.filters[filter] ?? "open cases"
        line(0, "lifecert queue — \(actor) — \(f)\(search.isEmpty ? "" : " — search: \(search)") — \(cases.count) case(s)", reverse: true)
        line(1, "case   state       kind    name         recipient           flags", bold: true)
        if selected < top { top = selected }
        if selected >= top + listHeight { top = selected - listHeight + 1 }
        for (row, i) in (top..<min(cases.count, top + listHeight)).enumerated() {
            line(2 + row, summary(cases[i]), reverse: i == selected)
        }
        if cases.isEmpty { line(2, "no cases here: f changes the filter, / searches") }
        let bottom = Int(lc_lines()) - 1
        line(bottom - 1, status)
        line(bottom, "↑↓ move · Enter open · f filter · / search · ? keys · q quit", reverse: true)
        _ = lc_refresh()
    }

    /// Reads a line at the bottom of the screen (echo on while typing).
    func prompt(_ label: String) -> String {
        let bottom = Int32(lc_lines()) - 1
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
            "list:  ↑/k ↓/j move   PgUp PgDn page   Enter open the case   f next filter (state)",
            "       / search (name, ssn, file)   ? this help   q quit",
            "case:  c claim (30 minutes)   a approve   r reject   t return (send back)",
            "       ↑↓ scroll   q or Esc back to the list",
            "", "Approving writes the certification record. A high-risk case needs a reviewer and then a senior;",
            "whoever scanned a case may not approve it. Rejections and returns take a code and a sentence.",
            "", "any key to go back",
        ]
        for (i, l) in lines.enumerated() { line(i, l, bold: i == 0) }
        _ = lc_refresh()
        _ = lc_getch()
    }

    func caseView(_ id: Int64) throws {
        var scroll = 0
        status = ""
        while true {
            _ = lc_erase()
            let sheet = (try CaseSheet.lines(store: store, caseID: id)) ?? ["there is no case \(id)"]
            let height = Int(lc_lines()) - 3
            line(0, sheet.first ?? "", reverse: true)
            for (row, l) in sheet.dropFirst().dropFirst(scroll).prefix(height).enumerated() { line(1 + row, l, bold: l.hasPrefix("!")) }
            let bottom = Int(lc_lines()) - 1
            line(bottom - 1, status)
            line(bottom, "c claim · a approve · r reject · t return · ↑↓ scroll · q back · ? keys", reverse: true)
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
                case Int32(Character("a").asciiValue!):
                    let c = try store.caseRecord(id: id)
                    let proposed = c.flatMap { $0.match }.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }?["ssn"] as? String
                    var ssn = c?.recipientSSN
                    if ssn == nil {
                        let answer = prompt("recipient ssn (Enter for the proposed \(proposed ?? "none")): ")
                        ssn = answer.isEmpty ? proposed : answer
                    }
                    switch try store.approve(caseID: id, by: actor, recipientSSN: ssn, passedOn: today) {
                    case .awaitingSenior: status = "first approval recorded: a senior must approve it too"
                    case .certified(let record): status = "approved: certification record \(record) written"
                    }
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
