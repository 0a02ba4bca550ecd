import CPoppler
import CTesseract
import Foundation
import LifecertDomain

/// The kinds of file intake accepts, recognised by their first bytes (never by the file name).
public enum ScanFormat: String, Sendable, Codable {
    case pdf, tiff, png, jpeg

    /// The format the bytes say they are, or nil.
    public static func sniff(_ bytes: [UInt8]) -> ScanFormat? {
        if bytes.starts(with: Array("%PDF-".utf8)) { return .pdf }
        // A PDF may have a little junk before the header (tolerated by readers up to 1 KiB).
        if let r = bytes.prefix(1024).firstRange(of: Array("%PDF-".utf8)), r.lowerBound > 0 { return .pdf }
        if bytes.starts(with: [0x49, 0x49, 0x2A, 0x00]) || bytes.starts(with: [0x4D, 0x4D, 0x00, 0x2A]) { return .tiff }
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        return nil
    }

    public var mediaType: String {
        switch self {
        case .pdf: return "application/pdf"
        case .tiff: return "image/tiff"
        case .png: return "image/png"
        case .jpeg: return "image/jpeg"
        }
    }
}

/// Why a scan cannot be read. Each message names the file and says what to do.
public enum ScanError: Error, Equatable, CustomStringConvertible, Sendable {
    case empty(String)
    case notAScan(String, detail: String)
    case damaged(String, detail: String)
    case encrypted(String)
    case tooLarge(String, width: Int, height: Int, limit: Int)
    case tooManyPages(String, pages: Int, limit: Int)
    /// A PDF part that decodes to far more than a page needs (a decompression bomb).
    case expandsTooMuch(String, part: String, detail: String)
    case unreadable(String, detail: String)

    public var description: String {
        switch self {
        case .empty(let f): return "\(f) is empty (0 bytes): rescan the document"
        case .notAScan(let f, let d): return "\(f) is not a PDF, TIFF, PNG or JPEG file (\(d)); whatever its name says"
        case .damaged(let f, let d): return "\(f) is damaged or truncated (\(d)); rescan it or ask for the file again"
        case .encrypted(let f): return "\(f) is a password-protected PDF; ask the sender for an unprotected copy or print and rescan it"
        case .tooLarge(let f, let w, let h, let limit):
            return "\(f) is \(w)×\(h) pixels, above the limit of \(limit) million pixels a page; rescan at 300 DPI"
        case .tooManyPages(let f, let n, let limit): return "\(f) has \(n) pages, above the limit of \(limit); split it"
        case .expandsTooMuch(let f, let part, let d):
            return "\(f) holds \(d) (\(part)), far more than a scanned page needs, so it was not opened; ask the sender for the file again, or print and rescan it"
        case .unreadable(let f, let d): return "\(f) cannot be read: \(d)"
        }
    }

    /// Short machine-readable reason code.
    public var code: String {
        switch self {
        case .empty: return "empty_file"
        case .notAScan: return "not_a_scan"
        case .damaged: return "damaged"
        case .encrypted: return "encrypted"
        case .tooLarge: return "too_large"
        case .tooManyPages: return "too_many_pages"
        case .expandsTooMuch: return "too_large"
        case .unreadable: return "unreadable"
        }
    }
}

/// An 8-bit greyscale page image owned by Leptonica. Released when the value is.
///
/// Not thread-safe to mutate; lifecert only reads it after creation, and hands each image to one
/// OCR worker at a time.
public final class GrayImage: @unchecked Sendable {
    let pix: UnsafeMutablePointer<PIX>
    public let width: Int
    public let height: Int
    public let dpi: Int

    /// Takes ownership of an 8 bpp `pix`.
    init(taking pix: UnsafeMutablePointer<PIX>, dpi: Int) {
        self.pix = pix
        var w: Int32 = 0, h: Int32 = 0, d: Int32 = 0
        pixGetDimensions(pix, &w, &h, &d)
        width = Int(w)
        height = Int(h)
        self.dpi = dpi
        pixSetResolution(pix, Int32(dpi), Int32(dpi))
    }

    deinit {
        var p: UnsafeMutablePointer<PIX>? = pix
        pixDestroy(&p)
    }

    /// A new image from 8-bit grey rows (`bytesPerRow` ≥ width).
    public static func fromGrayBytes(_ bytes: UnsafePointer<UInt8>, width: Int, height: Int, bytesPerRow: Int, dpi: Int) -> GrayImage? {
        guard let pix = pixCreate(Int32(width), Int32(height), 8) else { return nil }
        let wpl = Int(pixGetWpl(pix))
        let data = pixGetData(pix)!
        // Leptonica keeps 8 bpp pixels in 32-bit words, most significant byte first.
        for y in 0..<height {
            let row = data + y * wpl
            let src = bytes + y * bytesPerRow
            for x in 0..<width {
                let shift = UInt32(24 - 8 * (x & 3))
                let wi = x >> 2
                row[wi] = (row[wi] & ~(0xFF << shift)) | (UInt32(src[x]) << shift)
            }
        }
        return GrayImage(taking: pix, dpi: dpi)
    }

    /// A copy scaled by `factor` (for the quick first reading pass).
    public func scaled(_ factor: Double) -> GrayImage? {
        guard let p = pixScale(pix, Float(factor), Float(factor)) else { return nil }
        return GrayImage(taking: p, dpi: Int(Double(dpi) * factor))
    }

    /// A copy of the part inside `box` (clipped to the image); nil when nothing of it is inside.
    public func cropped(_ box: PageBox) -> GrayImage? {
        guard let b = boxCreate(Int32(box.x), Int32(box.y), Int32(box.width), Int32(box.height)) else { return nil }
        defer { var d: UnsafeMutablePointer<BOX>? = b; boxDestroy(&d) }
        guard let p = pixClipRectangle(pix, b, nil) else { return nil }
        return GrayImage(taking: p, dpi: dpi)
    }

    /// A copy turned by quarter turns clockwise.
    public func rotated(quarterTurns: Int) -> GrayImage? {
        guard let p = pixRotateOrth(pix, Int32(((quarterTurns % 4) + 4) % 4)) else { return nil }
        return GrayImage(taking: p, dpi: dpi)
    }

    /// A copy with small skew removed, and the angle found (degrees).
    public func deskewed() -> (GrayImage, Double)? {
        var angle: Float = 0, conf: Float = 0
        guard let p = pixFindSkewAndDeskew(pix, 2, &angle, &conf) else { return nil }
        return (GrayImage(taking: p, dpi: dpi), Double(angle))
    }

    /// PNG bytes of the image (for previews and tests).
    public func pngData() -> [UInt8]? {
        var data: UnsafeMutablePointer<UInt8>?
        var size = 0
        guard pixWriteMemPng(&data, &size, pix, 0) == 0, let data else { return nil }
        defer { free(data) }
        return Array(UnsafeBufferPointer(start: data, count: size))
    }
}

/// One page of a scan: an image to OCR, or a usable text layer (born-digital PDF).
public struct ScanPage: @unchecked Sendable {
    public let index: Int
    public let image: GrayImage?
    public let textLayer: String?
}

/// Reads the pages of a scan file: PDF through poppler-glib (rendered into a cairo surface),
/// TIFF/PNG/JPEG through Leptonica.
///
/// Contract: never crashes on bad input; every failure is a ``ScanError`` naming the file. Refuses
/// pages above `maxMegapixels` *before* decoding them (decompression bombs).
public struct ScanReader: Sendable {
    public var dpi: Int
    public var maxMegapixels: Int
    public var maxPages: Int
    /// A PDF page's own text is used when it has at least this many non-space characters.
    public var minTextLayerCharacters: Int
    /// Largest a PDF stream other than an image may inflate to (content streams, fonts).
    public var maxPDFStreamBytes: Int

    public init(dpi: Int = 300, maxMegapixels: Int = 100, maxPages: Int = 200, minTextLayerCharacters: Int = 40,
                maxPDFStreamBytes: Int = 64 << 20) {
        self.dpi = dpi
        self.maxMegapixels = maxMegapixels
        self.maxPages = maxPages
        self.minTextLayerCharacters = minTextLayerCharacters
        self.maxPDFStreamBytes = maxPDFStreamBytes
    }

    /// Leptonica reports recoverable trouble on stderr ("Error in boxClipToRectangle…"), also from
    /// inside Tesseract; lifecert reports problems itself, so those messages are dropped.
    static let quietLeptonica: Void = {
        _ = setMsgSeverity(6)  // L_SEVERITY_NONE
        leptSetStderrHandler { _ in }
    }()

    public func read(_ bytes: [UInt8], name: String) throws -> (ScanFormat, [ScanPage]) {
        _ = Self.quietLeptonica
        guard !bytes.isEmpty else { throw ScanError.empty(name) }
        guard let format = ScanFormat.sniff(bytes) else {
            let printable = bytes.prefix(64).allSatisfy { $0 == 9 || $0 == 10 || $0 == 13 || ($0 >= 32 && $0 < 127) || $0 >= 0x80 }
            throw ScanError.notAScan(name, detail: printable ? "it holds text" : "unknown content")
        }
        switch format {
        case .pdf: return (format, try readPDF(bytes, name: name))
        default: return (format, try readImage(bytes, name: name, format: format))
        }
    }

    func readImage(_ bytes: [UInt8], name: String, format: ScanFormat) throws -> [ScanPage] {
        var fmt: Int32 = 0, w: Int32 = 0, h: Int32 = 0, bps: Int32 = 0, spp: Int32 = 0, cmap: Int32 = 0
        let ok = bytes.withUnsafeBufferPointer { pixReadHeaderMem($0.baseAddress, $0.count, &fmt, &w, &h, &bps, &spp, &cmap) }
        guard ok == 0 else { throw ScanError.damaged(name, detail: "the image header cannot be read") }
        if Int(w) * Int(h) > maxMegapixels * 1_000_000 {
            throw ScanError.tooLarge(name, width: Int(w), height: Int(h), limit: maxMegapixels)
        }
        var pixes: [UnsafeMutablePointer<PIX>] = []
        if format == .tiff {
            // Every page's header is checked before any page is decoded: a sane first page does
            // not let a huge second one through, and a page that cannot be read is not dropped.
            var counted: Int32 = 0
            let countOK = bytes.withUnsafeBufferPointer { b -> Bool in
                guard let fp = fopenReadFromMemory(b.baseAddress, b.count) else { return false }
                defer { fclose(fp) }
                return tiffGetCount(fp, &counted) == 0
            }
            guard countOK, counted > 0 else { throw ScanError.damaged(name, detail: "its pages cannot be counted") }
            let pageCount = Int(counted)
            if pageCount > maxPages { throw ScanError.tooManyPages(name, pages: pageCount, limit: maxPages) }
            for n in 0..<pageCount {
                var tw: Int32 = 0, th: Int32 = 0, tbps: Int32 = 0, tspp: Int32 = 0, tres: Int32 = 0, tcmap: Int32 = 0, tfmt: Int32 = 0
                let found = bytes.withUnsafeBufferPointer {
                    readHeaderMemTiff($0.baseAddress, $0.count, Int32(n), &tw, &th, &tbps, &tspp, &tres, &tcmap, &tfmt)
                }
                guard found == 0 else { throw ScanError.damaged(name, detail: "the header of page \(n + 1) of \(pageCount) cannot be read") }
                if Int(tw) * Int(th) > maxMegapixels * 1_000_000 {
                    throw ScanError.tooLarge(name, width: Int(tw), height: Int(th), limit: maxMegapixels)
                }
            }
            var offset = 0
            while true {
                let p = bytes.withUnsafeBufferPointer { pixReadMemFromMultipageTiff($0.baseAddress, $0.count, &offset) }
                guard let p else { break }
                var pw: Int32 = 0, ph: Int32 = 0, pd: Int32 = 0
                pixGetDimensions(p, &pw, &ph, &pd)
                if Int(pw) * Int(ph) > maxMegapixels * 1_000_000 || pixes.count >= maxPages {
                    var q: UnsafeMutablePointer<PIX>? = p
                    pixDestroy(&q)
                    for var x in pixes.map(Optional.some) { pixDestroy(&x) }
                    if pixes.count >= maxPages { throw ScanError.tooManyPages(name, pages: pixes.count + 1, limit: maxPages) }
                    throw ScanError.tooLarge(name, width: Int(pw), height: Int(ph), limit: maxMegapixels)
                }
                pixes.append(p)
                if offset == 0 { break }
            }
            if pixes.count < pageCount {
                for var x in pixes.map(Optional.some) { pixDestroy(&x) }
                throw ScanError.damaged(name, detail: "page \(pixes.count + 1) of \(pageCount) cannot be decoded")
            }
        } else if let p = bytes.withUnsafeBufferPointer({ pixReadMem($0.baseAddress, $0.count) }) {
            pixes.append(p)
        }
        guard !pixes.isEmpty else { throw ScanError.damaged(name, detail: "the image data cannot be decoded") }
        var pages: [ScanPage] = []
        for (i, p) in pixes.enumerated() {
            var src: UnsafeMutablePointer<PIX>? = p
            defer { pixDestroy(&src) }
            var xres = pixGetXRes(p)
            if xres < 72 || xres > 1200 { xres = 300 }
            var d: Int32 = 0
            pixGetDimensions(p, nil, nil, &d)
            // Colour page: grey from the red channel, so a red seal over the text fades instead of
            // covering it (black print and blue ink stay dark).
            let converted = d == 32 ? pixConvertRGBToGray(p, 1, 0, 0) : pixConvertTo8(p, 0)
            guard let gray = converted else { throw ScanError.damaged(name, detail: "page \(i + 1) cannot be converted to grey") }
            pages.append(ScanPage(index: i, image: GrayImage(taking: gray, dpi: Int(xres)), textLayer: nil))
        }
        return pages
    }

    func readPDF(_ bytes: [UInt8], name: String) throws -> [ScanPage] {
        let gbytes = bytes.withUnsafeBufferPointer { g_bytes_new($0.baseAddress, gsize($0.count)) }
        defer { g_bytes_unref(gbytes) }
        var error: UnsafeMutablePointer<GError>?
        guard let doc = poppler_document_new_from_bytes(gbytes, nil, &error) else {
            defer { if error != nil { g_error_free(error) } }
            let code = error?.pointee.code ?? -1
            let message = error.map { String(cString: $0.pointee.message) } ?? "unknown error"
            if code == Int32(POPPLER_ERROR_ENCRYPTED.rawValue) { throw ScanError.encrypted(name) }
            throw ScanError.damaged(name, detail: message)
        }
        defer { g_object_unref(UnsafeMutableRawPointer(doc)) }
        let n = Int(poppler_document_get_n_pages(doc))
        guard n > 0 else { throw ScanError.damaged(name, detail: "it has no pages") }
        guard n <= maxPages else { throw ScanError.tooManyPages(name, pages: n, limit: maxPages) }
        // Embedded images may be finer than the 300 DPI page they are drawn on: four times the limit.
        if let bomb = PDFStreamCheck.check(bytes, maxStreamBytes: maxPDFStreamBytes, maxImagePixels: 4 * maxMegapixels * 1_000_000) {
            throw ScanError.expandsTooMuch(name, part: bomb.object, detail: bomb.detail)
        }
        var pages: [ScanPage] = []
        for i in 0..<n {
            guard let page = poppler_document_get_page(doc, Int32(i)) else {
                throw ScanError.damaged(name, detail: "page \(i + 1) cannot be opened")
            }
            defer { g_object_unref(UnsafeMutableRawPointer(page)) }
            if let t = poppler_page_get_text(page) {
                let text = String(cString: t)
                g_free(t)
                if text.unicodeScalars.filter({ !$0.properties.isWhitespace }).count >= minTextLayerCharacters {
                    pages.append(ScanPage(index: i, image: nil, textLayer: text))
                    continue
                }
            }
            var wPt = 0.0, hPt = 0.0
            poppler_page_get_size(page, &wPt, &hPt)
            let scale = Double(dpi) / 72
            // In floating point first: a MediaBox may hold any number (1e40 points), and converting
            // that to Int would stop the program.
            let wPx = (wPt * scale).rounded(), hPx = (hPt * scale).rounded()
            guard wPx.isFinite, hPx.isFinite, wPx >= 1, hPx >= 1 else { throw ScanError.damaged(name, detail: "page \(i + 1) has no usable size") }
            guard wPx < 1e9, hPx < 1e9 else {
                throw ScanError.damaged(name, detail: "page \(i + 1) claims to be \(String(format: "%.3g × %.3g", wPt, hPt)) points, larger than any paper")
            }
            guard wPx * hPx <= Double(maxMegapixels) * 1_000_000 else {
                throw ScanError.tooLarge(name, width: Int(wPx), height: Int(hPx), limit: maxMegapixels)
            }
            let w = Int(wPx), h = Int(hPx)
            guard let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(w), Int32(h)) else {
                throw ScanError.unreadable(name, detail: "out of memory rendering page \(i + 1)")
            }
            defer { cairo_surface_destroy(surface) }
            let cr = cairo_create(surface)
            cairo_set_source_rgb(cr, 1, 1, 1)  // pages are transparent: paint white first
            cairo_paint(cr)
            cairo_scale(cr, scale, scale)
            poppler_page_render(page, cr)
            cairo_destroy(cr)
            cairo_surface_flush(surface)
            let stride = Int(cairo_image_surface_get_stride(surface))
            guard let data = cairo_image_surface_get_data(surface) else {
                throw ScanError.unreadable(name, detail: "page \(i + 1) did not render")
            }
            // cairo's pixels are B,G,R,x in memory on little-endian machines; Tesseract wants grey.
            var gray = [UInt8](repeating: 0, count: w * h)
            for y in 0..<h {
                let row = data + y * stride
                for x in 0..<w {
                    // The red channel (see readImage): a red seal fades, print stays dark.
                    gray[y * w + x] = row[4 * x + 2]
                }
            }
            guard let image = gray.withUnsafeBufferPointer({ GrayImage.fromGrayBytes($0.baseAddress!, width: w, height: h, bytesPerRow: w, dpi: dpi) }) else {
                throw ScanError.unreadable(name, detail: "out of memory for page \(i + 1)")
            }
            pages.append(ScanPage(index: i, image: image, textLayer: nil))
        }
        return pages
    }
}
