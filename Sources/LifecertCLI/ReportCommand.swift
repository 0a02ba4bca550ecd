import ArgumentParser
import Foundation
import LifecertStore

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "The counts a supervisor asks for: cases by state, kind and flag, queue ageing, reviewers' decisions, certifications per channel per month, due and overdue.")
    @OptionGroup var options: StoreOptions
    @Flag(help: "CSV (section,key,count) for a spreadsheet.") var csv = false

    func run() throws {
        let store = try options.openStore()
        let lines = try store.supervisorReport(today: try options.todayDate())
        if csv {
            print("section,key,count")
            for l in lines { print([csvField(l.section), csvField(l.key), String(l.value)].joined(separator: ",")) }
            return
        }
        var section = ""
        for l in lines {
            if l.section != section {
                if !section.isEmpty { print("") }
                section = l.section
                print("\(section):")
            }
            print("  \(padLeft(formatCount(l.value), 9))  \(l.key)")
        }
        if lines.isEmpty { print("nothing yet") }
    }

    func padLeft(_ s: String, _ n: Int) -> String { String(repeating: " ", count: max(0, n - s.count)) + s }
}
