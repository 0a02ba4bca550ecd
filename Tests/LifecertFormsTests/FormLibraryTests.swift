import Foundation
import LifecertDomain
import Testing
@testable import LifecertForms

/// A temporary folder of template files, removed when the test ends.
final class TemplateFolder {
    let path: String
    init(_ files: [String: String]) throws {
        path = NSTemporaryDirectory() + "lifecert-forms-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        for (name, text) in files {
            try text.write(toFile: (path as NSString).appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
    }
    func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }
    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// A small valid template; `extra` lines are inserted before `fields:`.
func template(_ extra: String = "", fields: String = """
    fields:
      name:
        patterns:
          - '姓名\\s*:\\s*({{han_name}})'
    """) -> String {
    """
    kind: consular
    title: Test form
    languages: chi_sim+eng
    keywords:
      - 测试表
    \(extra)
    \(fields)
    """
}

struct BrokenTemplate: Sendable, CustomTestStringConvertible {
    let name: String
    let yaml: String
    let line: Int
    let says: String
    var testDescription: String { name }
}

@Suite struct FormLibraryTests {
    @Test func theRealFormsFolderHasNoProblems() throws {
        let lib = try FormLibrary.load(folder: formsFolder, strict: true)
        #expect(lib.check().isEmpty, "\(lib.check().map(\.description).joined(separator: "\n"))")
        #expect(FormLibrary.check(folder: formsFolder).isEmpty)
        let ids = Set(lib.templates.map(\.id))
        for id in ["consular-2015", "consular-2007", "consular-survival", "hk-ftu", "hk-had", "hk-attesting",
                   "macao-iam", "macao-faom", "macao-fss", "taiwan-notary", "foreign-notary"] {
            #expect(ids.contains(id), "\(id)")
        }
        // Every template states its languages and kind, and every required field can be read.
        for t in lib.templates {
            #expect(!t.languages.isEmpty && t.kind != .none)
            for f in t.required { #expect(f == .issuer && t.issuer != nil || t.field(f) != nil, "\(t.id) \(f)") }
        }
        let t = try #require(lib.template(id: "consular-2007"))
        #expect(t.validFrom?.description == "2007-04-01" && t.validUntil?.description == "2015-06-30")
        #expect(lib.template(id: "taiwan-notary")?.calendar == .minguo)
        #expect(lib.template(id: "foreign-notary")?.idFields.first?.idTypes == [.chinesePassport, .foreignPassport])
    }

    @Test func aNewKindOfCertificateNeedsOnlyAFile() throws {
        let folder = try TemplateFolder(["test-form.yaml": template()])
        let lib = try FormLibrary.load(folder: folder.path, strict: true)
        #expect(lib.templates.map(\.id) == ["test-form"])
        let page = makePage("测试表\n姓名：张三")
        let c = lib.classify([page])
        #expect(c.form == "test-form")
        #expect(lib.extract(c.template!, pages: [page], today: today).name?.value == "张三")
    }

    static let broken: [BrokenTemplate] = [
        BrokenTemplate(name: "bad regex", yaml: template(fields: """
            fields:
              name:
                patterns:
                  - '姓名:(\\p{Han}+'
            """), line: 10, says: "not a valid regular expression"),
        BrokenTemplate(name: "no capture group", yaml: template(fields: """
            fields:
              name:
                patterns:
                  - '姓名:\\p{Han}+'
            """), line: 10, says: "no capture group"),
        BrokenTemplate(name: "nested quantifier", yaml: template(fields: """
            fields:
              name:
                patterns:
                  - '姓名:((\\p{Han}+)+)'
            """), line: 10, says: "exponential time"),
        BrokenTemplate(name: "nested star", yaml: template(fields: """
            fields:
              certificate_no:
                patterns:
                  - 'No\\.\\s*((?:\\s*\\d)*)'
            """), line: 10, says: "exponential time"),
        BrokenTemplate(name: "unknown top-level key", yaml: template("keyword: [x]"), line: 6, says: "did you mean 'keywords'"),
        BrokenTemplate(name: "unknown field", yaml: template(fields: """
            fields:
              birthdate:
                patterns: ['(x)']
            """), line: 8, says: "did you mean 'birth_date'"),
        BrokenTemplate(name: "unknown field key", yaml: template(fields: """
            fields:
              name:
                pattrens: ['(x)']
            """), line: 9, says: "did you mean 'patterns'"),
        BrokenTemplate(name: "unknown type", yaml: template(fields: """
            fields:
              name:
                type: person
                patterns: ['(x)']
            """), line: 9, says: "unknown type 'person'"),
        BrokenTemplate(name: "type that breaks the contract", yaml: template(fields: """
            fields:
              birth_date:
                type: text
                patterns: ['(x)']
            """), line: 9, says: "cannot be used"),
        BrokenTemplate(name: "unknown id type", yaml: template(fields: """
            fields:
              ids:
                - id_type: HK_IDCARD
                  patterns: ['(x)']
            """), line: 9, says: "unknown id_type 'HK_IDCARD'"),
        BrokenTemplate(name: "unknown kind", yaml: template().replacingOccurrences(of: "kind: consular", with: "kind: embassy"),
                       line: 1, says: "unknown kind 'embassy'"),
        BrokenTemplate(name: "unknown macro", yaml: template(fields: """
            fields:
              name:
                patterns: ['({{chinese_name}})']
            """), line: 9, says: "unknown macro {{chinese_name}}"),
        BrokenTemplate(name: "missing keywords", yaml: """
            kind: hk
            title: No keywords
            languages: chi_tra
            fields:
              name:
                patterns: ['(x)']
            """, line: 1, says: "missing required key 'keywords'"),
        BrokenTemplate(name: "missing fields", yaml: """
            kind: hk
            title: No fields
            languages: chi_tra
            keywords: [abc]
            """, line: 1, says: "missing required key 'fields'"),
        BrokenTemplate(name: "field without patterns", yaml: template(fields: """
            fields:
              name:
                type: name
            """), line: 8, says: "has no patterns"),
        BrokenTemplate(name: "required field never read", yaml: template("required: [birth_date]"), line: 6, says: "required field 'birth_date'"),
        BrokenTemplate(name: "bad date", yaml: template("valid_from: 2015-13-01"), line: 6, says: "must be a date"),
        BrokenTemplate(name: "dates the wrong way round", yaml: template("valid_from: 2015-07-01\nvalid_until: 2007-04-01"),
                       line: 7, says: "before valid_from"),
        BrokenTemplate(name: "bad languages", yaml: template().replacingOccurrences(of: "chi_sim+eng", with: "Chinese, English"),
                       line: 3, says: "not a Tesseract language string"),
        BrokenTemplate(name: "any_min above the list", yaml: template("any_keywords: [a, b]\nany_min: 3"), line: 7, says: "only 2 any_keywords"),
        BrokenTemplate(name: "YAML syntax", yaml: template("title2: [unclosed"), line: 7, says: "not valid YAML"),
        BrokenTemplate(name: "duplicate key", yaml: template("title: again"), line: 2, says: "appear twice"),
        BrokenTemplate(name: "an alias", yaml: template("notes: *x"), line: 6, says: "an alias"),
        BrokenTemplate(name: "an anchor", yaml: template("notes: &x hello"), line: 6, says: "an anchor"),
        BrokenTemplate(name: "billion laughs", yaml: """
            kind: consular
            title: lol
            languages: eng
            keywords: [lol]
            a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
            b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
            c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
            d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
            e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
            f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
            g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
            h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
            i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
            fields: {*i: 1}
            """, line: 5, says: "an anchor"),
        BrokenTemplate(name: "deep nesting", yaml: template("notes: " + String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000)),
                       line: 6, says: "nested too deeply"),
        BrokenTemplate(name: "a list where a value belongs", yaml: template().replacingOccurrences(of: "title: Test form", with: "title: [a, b]"),
                       line: 2, says: "must be a single value"),
        BrokenTemplate(name: "empty keyword list", yaml: template().replacingOccurrences(of: "keywords:\n  - 测试表", with: "keywords: []"),
                       line: 4, says: "keywords is empty"),
    ]

    @Test(arguments: broken)
    func aBrokenTemplateIsReportedWithFileAndLine(_ b: BrokenTemplate) throws {
        let folder = try TemplateFolder(["broken.yaml": b.yaml, "good.yaml": template()])
        let lib = try FormLibrary.load(folder: folder.path)
        // The broken file is left out whole; the good one is loaded.
        #expect(lib.templates.map(\.id) == ["good"])
        let problems = lib.check().filter { $0.severity == .error }
        let p = try #require(problems.first, "no problem reported")
        #expect(p.file == folder.file("broken.yaml"))
        #expect(p.line == b.line, "\(problems.map(\.description))")
        #expect(problems.contains { $0.message.contains(b.says) || $0.fix.contains(b.says) }, "\(problems.map(\.description))")
        #expect(!p.fix.isEmpty)
        #expect(p.description.hasPrefix(folder.file("broken.yaml") + ":\(b.line)"))
        // Strict loading refuses the folder.
        #expect(throws: FormLibraryError.self) { try FormLibrary.load(folder: folder.path, strict: true) }
    }

    @Test func aFileOverOneMegabyteIsRefusedUnread() throws {
        let big = template() + "\n#" + String(repeating: "x", count: 1 << 20)
        let folder = try TemplateFolder(["big.yaml": big])
        let problems = try FormLibrary.load(folder: folder.path).problems
        #expect(problems.count == 1)
        #expect(problems[0].message.contains("larger than 1 MB") && problems[0].line == 1)
    }

    @Test func aDeviceOrFolderNamedLikeATemplateIsNotRead() throws {
        let folder = try TemplateFolder(["good.yaml": template()])
        try FileManager.default.createDirectory(atPath: folder.file("dir.yaml"), withIntermediateDirectories: false)
        try FileManager.default.createSymbolicLink(atPath: folder.file("zero.yaml"), withDestinationPath: "/dev/zero")
        try FileManager.default.createSymbolicLink(atPath: folder.file("link.yaml"), withDestinationPath: folder.file("good.yaml"))
        let lib = try FormLibrary.load(folder: folder.path)
        #expect(lib.templates.map(\.id).sorted() == ["good", "link"])
        let refused = lib.problems.filter { $0.message.contains("not a regular file") }.map { ($0.file as NSString).lastPathComponent }
        #expect(refused.sorted() == ["dir.yaml", "zero.yaml"])
    }

    @Test func duplicateIDsAreReported() throws {
        let folder = try TemplateFolder(["same.yaml": template(), "same.yml": template(), "Same.yaml": template()])
        let lib = try FormLibrary.load(folder: folder.path)
        #expect(lib.templates.count == 1)
        let dup = lib.problems.filter { $0.message.contains("duplicate template id") }
        #expect(dup.count == 2)
    }

    @Test func identicalKeywordsAreAWarning() throws {
        let folder = try TemplateFolder(["a.yaml": template(), "b.yaml": template()])
        let lib = try FormLibrary.load(folder: folder.path, strict: true)
        #expect(lib.templates.count == 2)
        #expect(lib.problems.map(\.severity) == [.warning])
    }

    @Test func aMissingFolderThrows() {
        #expect(throws: FormLibraryError.self) { try FormLibrary.load(folder: "/nonexistent/forms") }
        #expect(FormLibrary.check(folder: "/nonexistent/forms").first?.message.contains("no such folder") == true)
    }

    @Test func textThatMerelyContainsAnAmpersandOrStarIsFine() {
        let (t, problems) = FormLibrary.parse(yaml: template(fields: """
            fields:
              name:
                patterns:
                  - '姓名\\s*:\\s*(.*)'
                  - "Name & surname: (.+)"
            """).replacingOccurrences(of: "title: Test form", with: "title: Smith & Sons *certified*"), id: "t")
        #expect(problems.isEmpty, "\(problems)")
        #expect(t?.title == "Smith & Sons *certified*")
    }

    @Test func patternsMayBeWrittenInEitherScriptAndWidth() throws {
        let (t, problems) = FormLibrary.parse(yaml: template(fields: """
            fields:
              name:
                patterns:
                  - '姓名（中文）：({{han_name}})'
              sex:
                patterns:
                  - '性別：({{sex}})'
            """), id: "t")
        #expect(problems.isEmpty, "\(problems)")
        let lib = FormLibrary(templates: [try #require(t)])
        let c = lib.extract(t!, pages: [makePage("测试表\n姓名(中文):张三\n性别 : 女")], today: today)
        #expect(c.name?.value == "张三")
        #expect(c.sex?.value == "F")
    }
}

@Suite struct SafetyTests {
    @Test(arguments: [
        "(a+)+", "(.*)*", "(?:\\s*\\d)+", "(a|b+)*", "((ab)+c)+", "(x{1,200}){1,200}", "(?:a*){2,}", "(?<n>a+)+",
        "([0-9]+\\s?)+",
    ])
    func nestedQuantifiersAreRefused(_ p: String) {
        #expect(RegexSafety.nestedQuantifier(in: p) != nil)
    }

    @Test(arguments: [
        "(a+)", "(?:\\s?[0-9]){8}", "(?:day\\s+of\\s+)?", "[(+*]+", "\\(a+\\)+", "a{2,}b+", "(?:ab){1,5}", "(x{1,3}){1,3}",
        "\\p{Han}[\\p{Han}·]{1,14}?", "[^)]{0,30}",
    ])
    func boundedOrFlatPatternsAreAllowed(_ p: String) {
        #expect(RegexSafety.nestedQuantifier(in: p) == nil)
    }

    @Test func everyMacroIsSafeAndCompiles() throws {
        for (name, body) in PatternMacros.all {
            #expect(RegexSafety.nestedQuantifier(in: body) == nil, "\(name)")
            _ = try NSRegularExpression(pattern: "(" + PatternMacros.fold(body) + ")")
        }
    }

    @Test(arguments: [
        ("a: &x 1", 1), ("a: *x", 1), ("- &x b", 1), ("a:\n  - [1, *x]", 2), ("a: !!str &x b", 1), ("? *x\n: 1", 1),
        ("a: {b: &x c}", 1), ("*x: 1", 1), ("a: 1\r\n*x: 2", 2), ("a: 1\rb: &x 2", 2),
    ])
    func anchorsAndAliasesAreFound(_ yaml: String, _ line: Int) {
        #expect(YAMLGuard.check(yaml)?.line == line)
    }

    @Test(arguments: [
        "a: 'x: *y'", "a: \"&x\"", "a: b & c", "a: b*c", "a: '(.*)*'", "# &x comment\na: 1", "a: |\n  it's\nb: 'x *'",
        "a: 'it''s *'", "a: \"say \\\" *x\"",
    ])
    func quotedOrPlainTextIsNotAnAlias(_ yaml: String) {
        #expect(YAMLGuard.check(yaml) == nil)
    }

    @Test func theGuardErrsOnTheSideOfRefusing() {
        // Inside a block scalar '*literal' is text to YAML, but the guard refuses it anyway.
        #expect(YAMLGuard.check("a: |\n  *literal\n") != nil)
    }

    @Test func anUnclosedQuoteIsReported() {
        #expect(YAMLGuard.check("a: 'open\nb: 1")?.message.contains("never closed") == true)
    }

    @Test func patternsRunOnLinesCutAt500Characters() {
        // A hostile page: one line of 100 000 characters. Reading it stays bounded.
        let long = "姓名：" + String(repeating: "陈", count: 100_000)
        let started = Date()
        let c = library.read([makePage("在境外居住人员领取养老金资格审核表\n在境外居住人员 领取养老金部门\n" + long)], today: today)
        #expect(Date().timeIntervalSince(started) < 10)
        #expect(c.certificate.name == nil || c.certificate.name!.value.count <= 15)
    }
}
