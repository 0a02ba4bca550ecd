import CPoppler
import CTesseract

/// The C libraries the scan pipeline is built on, as linked into this binary.
///
/// Used by `lifecert version` so an administrator can see which Tesseract, Leptonica, poppler and
/// cairo a deployment runs (OCR accuracy and speed depend on them).
public enum NativeLibraries {
    /// Name and version of each linked C library, in a stable order.
    public static func versions() -> [(name: String, version: String)] {
        var out: [(String, String)] = []
        out.append(("tesseract", String(cString: TessVersion())))
        if let lept = getLeptonicaVersion() {
            out.append(("leptonica", String(cString: lept).replacingPrefix("leptonica-")))
            lept_free(lept)
        }
        out.append(("poppler-glib", String(cString: poppler_get_version())))
        out.append(("cairo", String(cString: cairo_version_string())))
        return out
    }
}

extension String {
    func replacingPrefix(_ prefix: String) -> String {
        hasPrefix(prefix) ? String(dropFirst(prefix.count)) : self
    }
}
