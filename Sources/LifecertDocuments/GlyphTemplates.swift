import CPoppler
import Foundation
import Synchronization

/// Characters drawn in the installed CJK typefaces, as ``GlyphShape``s to compare a scanned
/// character with.
///
/// The typefaces are Noto Serif CJK and Noto Sans CJK (Debian's `fonts-noto-cjk`): a Song
/// (Ming) and a Hei face, the two styles certificates are printed in. Simplified characters are
/// drawn with the SC faces, traditional ones with the TC faces. A family fontconfig does not
/// have is left out (``families`` says which are used); with none, ``shapes(of:traditional:)``
/// returns nothing and callers go without.
///
/// Contract: thread-safe; each character is drawn once per process and kept.
public final class GlyphTemplates: Sendable {
    /// The families used for simplified and for traditional characters, installed ones only.
    public let simplifiedFamilies: [String]
    public let traditionalFamilies: [String]
    private let drawn = Mutex<[String: [GlyphShape]]>([:])

    /// The Song and Hei faces of Noto CJK.
    public static let notoSimplified = ["Noto Serif CJK SC", "Noto Sans CJK SC"]
    public static let notoTraditional = ["Noto Serif CJK TC", "Noto Sans CJK TC"]

    /// The templates lifecert uses, drawn on first use.
    public static let shared = GlyphTemplates()

    public init(simplified: [String] = notoSimplified, traditional: [String] = notoTraditional) {
        simplifiedFamilies = simplified.filter(Self.isInstalled)
        traditionalFamilies = traditional.filter(Self.isInstalled)
    }

    /// True when at least one family for each script is installed.
    public var isAvailable: Bool { !simplifiedFamilies.isEmpty && !traditionalFamilies.isEmpty }

    /// The shapes of `glyph` in each family of its script (none when it cannot be drawn).
    public func shapes(of glyph: Character, traditional: Bool) -> [GlyphShape] {
        let key = (traditional ? "T" : "S") + String(glyph)
        if let known = drawn.withLock({ $0[key] }) { return known }
        let families = traditional ? traditionalFamilies : simplifiedFamilies
        let shapes = families.compactMap { Self.draw(String(glyph), family: $0) }
        drawn.withLock { $0[key] = shapes }
        return shapes
    }

    /// Whether fontconfig's best match for `family` is that family itself (fontconfig always
    /// matches something, usually another font, when the family is missing).
    static func isInstalled(_ family: String) -> Bool {
        guard let pattern = FcNameParse(family) else { return false }
        defer { FcPatternDestroy(pattern) }
        FcConfigSubstitute(nil, pattern, FcMatchPattern)
        FcDefaultSubstitute(pattern)
        var result = FcResultNoMatch
        guard let match = FcFontMatch(nil, pattern, &result) else { return false }
        defer { FcPatternDestroy(match) }
        var name: UnsafeMutablePointer<FcChar8>?
        guard FcPatternGetString(match, FC_FAMILY, 0, &name) == FcResultMatch, let name else { return false }
        return String(cString: name).caseInsensitiveCompare(family) == .orderedSame
    }

    /// Draws one character, black on white, about 64 pixels high, and takes its shape.
    static func draw(_ glyph: String, family: String) -> GlyphShape? {
        let side = 96
        guard let surface = cairo_image_surface_create(CAIRO_FORMAT_A8, Int32(side), Int32(side)) else { return nil }
        defer { cairo_surface_destroy(surface) }
        guard let cr = cairo_create(surface) else { return nil }
        cairo_select_font_face(cr, family, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL)
        cairo_set_font_size(cr, 64)
        cairo_set_source_rgba(cr, 0, 0, 0, 1)
        cairo_move_to(cr, 12, 72)
        cairo_show_text(cr, glyph)
        cairo_destroy(cr)
        cairo_surface_flush(surface)
        guard let data = cairo_image_surface_get_data(surface) else { return nil }
        let stride = Int(cairo_image_surface_get_stride(surface))
        var ink = [Float](repeating: 0, count: side * side)
        for y in 0..<side {
            for x in 0..<side { ink[y * side + x] = Float(data[y * stride + x]) / 255 }
        }
        return GlyphShape(ink: ink, width: side, height: side)
    }
}
