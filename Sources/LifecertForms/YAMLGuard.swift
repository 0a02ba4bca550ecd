/// Refuses hostile YAML before Yams sees it.
///
/// Contract: ``check(_:)`` returns the first finding, or nil. It refuses every anchor (`&a`) and
/// alias (`*a`) — the "billion laughs" attack expands aliases of aliases exponentially, and Yams
/// hashes mapping keys, so an aliased key is expanded even while composing — and flow collections
/// or block indicators nested so deep that a recursive composer could exhaust its stack.
///
/// It is a scanner, not a YAML parser, and it errs on the side of refusing: a `&` or `*` at any
/// place where a YAML node may start (line start, after `- `, `: `, `? `, `[`, `{`, `,` or a tag) is
/// refused even inside a plain scalar that YAML would read as text; quote such a value. Quoted
/// scalars and comments are skipped, so a pattern like `'(.*)'` is fine. The size limit is applied
/// by the caller before this runs.
enum YAMLGuard {
    struct Finding: Equatable {
        var line: Int
        var column: Int
        var message: String
        var fix: String
    }

    static let maxFlowDepth = 32
    static let maxIndicatorsPerLine = 32

    static func check(_ text: String) -> Finding? {
        var line = 1
        var column = 0
        var atLineStart = true        // only indentation seen so far on this line
        var indent = 0
        var prev: Character?          // last significant character on this line, outside quotes
        var spaceBefore = true        // the character just before the current one was whitespace
        var quote: Character?
        var quoteLine = 0
        var afterTag = false
        var inTag = false
        var inComment = false
        var flowDepth = 0
        var indicators = 0
        var blockParentIndent: Int?   // a block scalar's content: lines indented more than this
        var inBlockContent = false

        var chars = Array(text)
        chars.append("\n")
        var i = 0
        while i < chars.count {
            let c = chars[i]
            column += 1
            if c.isNewline {  // "\n", "\r", and "\r\n" (one Character in Swift)
                if c == "\r", i + 1 < chars.count, chars[i + 1] == "\n" { i += 1 }
                line += 1
                column = 0
                atLineStart = true
                indent = 0
                prev = nil
                spaceBefore = true
                inComment = false
                inTag = false
                afterTag = false
                indicators = 0
                i += 1
                // Decide whether the new line is block-scalar content.
                if quote == nil, let parent = blockParentIndent {
                    var j = i
                    var n = 0
                    while j < chars.count, chars[j] == " " { n += 1; j += 1 }
                    let blank = j >= chars.count || chars[j].isNewline
                    if blank || n > parent {
                        inBlockContent = true
                    } else {
                        inBlockContent = false
                        blockParentIndent = nil
                    }
                }
                continue
            }
            if inComment { i += 1; continue }
            if let q = quote {
                if q == "\"" && c == "\\" { i += 2; column += 1; continue }
                if c == q {
                    if q == "'", i + 1 < chars.count, chars[i + 1] == "'" { i += 2; column += 1; continue }
                    quote = nil
                    prev = c
                    spaceBefore = false
                }
                i += 1
                continue
            }
            if c == " " || c == "\t" {
                if atLineStart { indent += 1 }
                spaceBefore = true
                inTag = false
                i += 1
                continue
            }
            if c == "#" && spaceBefore {
                inComment = true
                i += 1
                continue
            }
            if inTag {
                spaceBefore = false
                i += 1
                continue
            }
            let wasLineStart = atLineStart
            atLineStart = false
            let nodeStart = prev == nil || afterTag || "-:?[{,".contains(prev!)
            afterTag = false
            if nodeStart {
                if c == "&" || c == "*" {
                    let what = c == "&" ? "an anchor" : "an alias"
                    return Finding(
                        line: line, column: column,
                        message: "\(what) ('\(c)') — templates may not use YAML anchors or aliases (they can expand exponentially)",
                        fix: "write the value out in full; if it is text that starts with '\(c)', put it in quotes")
                }
                if c == "!" {
                    inTag = true
                    afterTag = true
                    prev = c
                    spaceBefore = false
                    i += 1
                    // The tag runs to the next space; the node after it is still at a node start.
                    while i < chars.count, chars[i] != " ", !chars[i].isNewline { i += 1; column += 1 }
                    inTag = false
                    continue
                }
                if c == "-" || c == "?" || c == ":" || c == "[" || c == "{" {
                    indicators += 1
                    if indicators > maxIndicatorsPerLine {
                        return Finding(line: line, column: column, message: "collections nested too deeply (more than \(maxIndicatorsPerLine) indicators on one line)",
                                       fix: "a template needs two or three levels; flatten the structure")
                    }
                }
                if c == "[" || c == "{" {
                    flowDepth += 1
                    if flowDepth > maxFlowDepth {
                        return Finding(line: line, column: column, message: "flow collections nested too deeply (more than \(maxFlowDepth) levels)",
                                       fix: "a template needs two or three levels; flatten the structure")
                    }
                }
                let quoteMayStart = !inBlockContent
                    && (prev == nil || afterTagStart(prev) || (prev == "[" || prev == "{")
                        || (prev == "," && flowDepth > 0) || ("-:?".contains(prev!) && spaceBefore))
                if (c == "'" || c == "\"") && quoteMayStart {
                    quote = c
                    quoteLine = line
                    prev = c
                    spaceBefore = false
                    i += 1
                    continue
                }
                if (c == "|" || c == ">") && !inBlockContent && (prev == nil || spaceBefore) {
                    blockParentIndent = wasLineStart ? indent : indent
                }
            }
            if (c == "]" || c == "}") && flowDepth > 0 { flowDepth -= 1 }
            prev = c
            spaceBefore = false
            i += 1
        }
        if quote != nil {
            return Finding(line: quoteLine, column: 1, message: "a quoted value is never closed",
                           fix: "close the quote")
        }
        return nil
    }

    private static func afterTagStart(_ c: Character?) -> Bool { c == "!" }
}
