import Foundation
import LifecertStore
import Testing

/// The workflow commands as the running login: users, refusals with exit status 8.
@Suite struct CaseCommandTests {
    let cli = CommandRunner(environment: ["OMP_THREAD_LIMIT": "1"])
    let repo = CommandRunner.repository

    @Test func rolesAreEnforcedForTheLoginThatRunsLifecert() throws {
        let dir = Scratch()
        let store = dir.path("s.db")
        let me = Store.currentLogin()
        #expect(try cli.run(["registry", "import", repo.appendingPathComponent("samples/registry.csv").path, "--store", store]).status == 0)
        let scan = repo.appendingPathComponent("samples/scans/scan-004-hk-ftu.png").path
        #expect(try cli.run(["intake", scan, "--store", store, "--forms", repo.appendingPathComponent("forms").path, "--today", "2026-11-25"]).status == 0)
        // Nobody is a user yet: acting is refused, and the first user must be an administrator.
        let unknown = try cli.run(["case", "claim", "1", "--store", store])
        #expect(unknown.status == 8 && unknown.stderr.contains("not a lifecert user"))
        let first = try cli.run(["users", "add", me, "--role", "reviewer", "--store", store])
        #expect(first.status == 8 && first.stderr.contains("must be an administrator"))
        #expect(try cli.run(["users", "add", me, "--role", "admin", "--store", store]).status == 0)
        #expect(try cli.run(["users", "add", "rita", "--role", "reviewer", "--store", store]).status == 0)
        #expect(try cli.run(["users", "list", "--store", store]).stdout.contains("rita  reviewer"))
        // An administrator may not approve, and the store says why.
        let approve = try cli.run(["case", "approve", "1", "--store", store])
        #expect(approve.status == 8)
        #expect(approve.stderr.contains("is an admin and may not approve cases"))
        // The role is checked before anything about the case: an administrator learns nothing of case 99.
        #expect(try cli.run(["case", "approve", "99", "--store", store]).status == 8)
        #expect(try cli.run(["users", "add", "x", "--role", "wizard", "--store", store]).status == 1)
        // The case as a reviewer sees it: both sides, the match, the history.
        let show = try cli.run(["case", "show", "1", "--store", store])
        #expect(show.status == 0)
        #expect(show.stdout.contains("(linked)") && show.stdout.contains("match: auto") && show.stdout.contains("OPENED"))
    }

    @Test(.disabled(if: TestBackend.isPostgres, "edits the SQLite file with sqlite3; StoreTests covers PostgreSQL")) func auditVerifyNamesAnEventEditedByHand() throws {
        let dir = Scratch()
        let store = dir.path("s.db")
        #expect(try cli.run(["registry", "import", repo.appendingPathComponent("samples/registry.csv").path, "--store", store]).status == 0)
        #expect(try cli.run(["users", "add", Store.currentLogin(), "--role", "admin", "--store", store]).status == 0)
        let ok = try cli.run(["audit", "verify", "--store", store])
        #expect(ok.status == 0 && ok.stdout.contains("intact"))
        // Someone with the sqlite3 shell removes the guard and rewrites who did something.
        let edit = Process()
        edit.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        edit.arguments = [store, "DROP TRIGGER events_no_update; UPDATE events SET actor = 'nobody' WHERE id = 2;"]
        try edit.run()
        edit.waitUntilExit()
        #expect(edit.terminationStatus == 0)
        let bad = try cli.run(["audit", "verify", "--store", store])
        #expect(bad.status == 5)
        #expect(bad.stderr.contains("broken at event 2"))
    }
}
