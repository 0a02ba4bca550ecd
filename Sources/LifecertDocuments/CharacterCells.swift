import CTesseract
import LifecertDomain

extension GrayImage {
    /// The grey level at (x, y), 0 (black) to 255 (white); white outside the image.
    func grey(_ x: Int, _ y: Int) -> UInt8 {
        guard x >= 0, y >= 0, x < width, y < height else { return 255 }
        let row = pixGetData(pix)! + y * Int(pixGetWpl(pix))
        return UInt8((row[x >> 2] >> UInt32(24 - 8 * (x & 3))) & 0xFF)
    }

    /// How much ink a grey level is: 0 for paper (lighter than 200), 1 for print (darker than 60).
    static func ink(_ g: UInt8) -> Float { max(0, min(1, Float(200 - Int(g)) / 140)) }

    /// The shape of the ink inside `box` (one character's cell); nil when there is (almost) none.
    public func glyphShape(in box: PageBox) -> GlyphShape? {
        let x0 = max(0, box.x), y0 = max(0, box.y)
        let x1 = min(width, box.x + box.width), y1 = min(height, box.y + box.height)
        guard x1 > x0, y1 > y0 else { return nil }
        let w = x1 - x0, h = y1 - y0
        var ink = [Float](repeating: 0, count: w * h)
        for y in 0..<h {
            for x in 0..<w { ink[y * w + x] = Self.ink(grey(x0 + x, y0 + y)) }
        }
        return GlyphShape(ink: ink, width: w, height: h)
    }
}

extension GrayImage {
    /// The cells of the `count` characters of a line of Chinese printed around `box` (where OCR
    /// saw them), left to right; nil when the ink there does not look like `count` characters.
    ///
    /// OCR's box can miss the edge of a character (the 雨 of 霞), so the extent grows past the box
    /// while ink continues (a gap of three empty columns ends it), by at most a quarter of the
    /// line's height each side. Chinese type is set on a fixed pitch, so the extent is divided into
    /// `count` equal cells, and each cut moved to the emptiest column near it.
    public func characterCells(around box: PageBox, count: Int) -> [PageBox]? {
        guard count >= 1, box.width > 0, box.height >= 8 else { return nil }
        let h = box.height
        let top = max(0, box.y - h / 6), bottom = min(height, box.y + box.height + h / 6)
        guard bottom - top >= 8 else { return nil }
        let reach = max(2, h / 4)
        let left = max(0, box.x - reach), right = min(width, box.x + box.width + reach)
        guard right > left else { return nil }
        var column = [Float](repeating: 0, count: right - left)
        for x in left..<right {
            var s: Float = 0
            for y in top..<bottom { s += Self.ink(grey(x, y)) }
            column[x - left] = s
        }
        let empty: Float = 0.5
        var x0 = max(0, box.x - left), x1 = min(column.count - 1, box.x + box.width - 1 - left)
        var gap = 0
        var i = x0 - 1
        while i >= 0 {
            if column[i] > empty { x0 = i; gap = 0 } else { gap += 1; if gap > 2 { break } }
            i -= 1
        }
        gap = 0
        i = x1 + 1
        while i < column.count {
            if column[i] > empty { x1 = i; gap = 0 } else { gap += 1; if gap > 2 { break } }
            i += 1
        }
        while x0 < x1, column[x0] <= empty { x0 += 1 }
        while x1 > x0, column[x1] <= empty { x1 -= 1 }
        // The name's rows: the run of inked rows through the middle of OCR's box, over all its
        // cells together (one character's strokes may be far apart, 兰 or 三; its neighbours fill
        // the gaps), so that strokes of the lines above and below, close on a tightly set form,
        // stay out. A gap of more than a tenth of the line's height ends the run.
        var rows = [Float](repeating: 0, count: bottom - top)
        for y in top..<bottom { for x in (x0 + left)...(x1 + left) { rows[y - top] += Self.ink(grey(x, y)) } }
        let rowGap = max(2, h / 10)
        var y0 = min(max(box.y + box.height / 2 - top, 0), rows.count - 1), y1 = y0
        var run = 0
        var r = y0
        while r >= 0 { if rows[r] > empty { y0 = r; run = 0 } else { run += 1; if run > rowGap { break } }; r -= 1 }
        run = 0
        r = y1
        while r < rows.count { if rows[r] > empty { y1 = r; run = 0 } else { run += 1; if run > rowGap { break } }; r += 1 }
        guard y1 > y0 else { return nil }
        let pitch = Double(x1 - x0 + 1) / Double(count)
        // A Chinese character is about as wide as it is high.
        let charHeight = Double(y1 - y0 + 1)
        guard pitch >= 0.7 * charHeight, pitch <= 1.35 * charHeight else { return nil }
        var cuts = [x0]
        if count > 1 {
            for k in 1..<count {
                let at = Double(x0) + pitch * Double(k)
                let near = Int(pitch * 0.2)
                var best = Int(at), bestInk = Float.infinity
                for c in max(x0, Int(at) - near)...min(x1, Int(at) + near) where column[c] < bestInk {
                    bestInk = column[c]
                    best = c
                }
                cuts.append(best)
            }
        }
        cuts.append(x1 + 1)
        var cells: [PageBox] = []
        for k in 0..<count {
            guard cuts[k + 1] > cuts[k] else { return nil }
            cells.append(PageBox(x: cuts[k] + left, y: top + y0, width: cuts[k + 1] - cuts[k], height: y1 - y0 + 1))
        }
        return cells
    }
}
