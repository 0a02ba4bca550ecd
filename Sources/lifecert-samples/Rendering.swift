import CPoppler
import CTesseract
import Foundation

/// Draws a page of text lines with cairo (fonts through fontconfig) into a Leptonica 32 bpp image.
enum Renderer {
    static func render(lines: [CertificateLayout.Line], font: CertificateLayout.Font, seal: String?, dpi: Int,
                       traditional: Bool) throws -> UnsafeMutablePointer<PIX> {
        let w = Int(8.27 * Double(dpi)), h = Int(11.69 * Double(dpi))
        let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(w), Int32(h))!
        defer { cairo_surface_destroy(surface) }
        let cr = cairo_create(surface)!
        defer { cairo_destroy(cr) }
        cairo_set_source_rgb(cr, 1, 1, 1)
        cairo_paint(cr)
        let k = Double(dpi) / 300 * 1.12  // body text about 9–10 pt
        let family: String
        switch font {
        case .serif: family = traditional ? "AR PL UMing TW" : "AR PL UMing CN"
        case .sans: family = "WenQuanYi Micro Hei"
        }
        cairo_select_font_face(cr, family, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL)
        cairo_set_source_rgb(cr, 0.08, 0.08, 0.1)
        let left = 1.0 * Double(dpi), right = Double(w) - 1.0 * Double(dpi)
        var y = 1.3 * Double(dpi)
        var lastY = y
        for line in lines {
            let size = line.size * k
            y += line.gapBefore * k + size * 1.55
            cairo_set_font_size(cr, size)
            var ext = cairo_text_extents_t()
            cairo_text_extents(cr, line.text, &ext)
            let x: Double
            switch line.align {
            case .left: x = left
            case .center: x = (Double(w) - ext.x_advance) / 2
            case .right: x = right - ext.x_advance
            }
            cairo_move_to(cr, x, y)
            cairo_show_text(cr, line.text)
            lastY = y
        }
        if let seal {
            // A red seal over the issuer's name and date, as the missions stamp it.
            let cx = right - 1.1 * Double(dpi), cy = lastY - 0.35 * Double(dpi), r = 0.75 * Double(dpi)
            // Stamp ink over toner mixes subtractively: black print stays black under the seal.
            cairo_set_operator(cr, CAIRO_OPERATOR_MULTIPLY)
            cairo_set_source_rgba(cr, 0.85, 0.1, 0.1, 0.8)
            cairo_set_line_width(cr, 0.06 * Double(dpi))
            cairo_new_path(cr)
            cairo_arc(cr, cx, cy, r, 0, 2 * .pi)
            cairo_stroke(cr)
            cairo_set_font_size(cr, 0.13 * Double(dpi))
            let text = String(seal.prefix(12))
            var ext = cairo_text_extents_t()
            cairo_text_extents(cr, text, &ext)
            cairo_move_to(cr, cx - ext.x_advance / 2, cy + 0.05 * Double(dpi))
            cairo_show_text(cr, text)
            cairo_set_font_size(cr, 0.45 * Double(dpi))
            cairo_move_to(cr, cx - 0.17 * Double(dpi), cy - 0.15 * Double(dpi))
            cairo_show_text(cr, "★")
        }
        cairo_surface_flush(surface)
        let stride = Int(cairo_image_surface_get_stride(surface))
        let data = cairo_image_surface_get_data(surface)!
        let pix = pixCreate(Int32(w), Int32(h), 32)!
        let wpl = Int(pixGetWpl(pix))
        let dst = pixGetData(pix)!
        data.withMemoryRebound(to: UInt32.self, capacity: stride / 4 * h) { src in
            for yy in 0..<h {
                let s = src + yy * (stride / 4)
                let d = dst + yy * wpl
                for xx in 0..<w { d[xx] = s[xx] << 8 }  // cairo 0x00RRGGBB → Leptonica 0xRRGGBB00
            }
        }
        pixSetResolution(pix, Int32(dpi), Int32(dpi))
        return pix
    }
}

/// Scan damage through Leptonica: skew, blur, noise and JPEG artefacts.
enum Damage {
    static func apply(_ pix: UnsafeMutablePointer<PIX>, rng: inout SeededRandom, dpi: Int) -> UnsafeMutablePointer<PIX> {
        var current = pixClone(pix)!
        func replace(_ next: UnsafeMutablePointer<PIX>?) {
            guard let next else { return }
            var old: UnsafeMutablePointer<PIX>? = current
            pixDestroy(&old)
            current = next
        }
        let degrees = (Double(rng.next() % 400) / 100.0) - 2.0  // −2° … +2°
        replace(pixRotate(current, Float(degrees * .pi / 180), 1 /* area map */, 1 /* white */, 0, 0))
        if rng.next() % 2 == 0 { replace(pixBlockconv(current, 1, 1)) }
        replace(pixAddGaussianNoise(current, Float(6 + Int(rng.next() % 10))))
        var data: UnsafeMutablePointer<UInt8>?
        var size = 0
        if pixWriteMemJpeg(&data, &size, current, Int32(35 + Int(rng.next() % 30)), 0) == 0, let data {
            replace(pixReadMem(data, size))
            free(data)
        }
        pixSetResolution(current, Int32(dpi), Int32(dpi))
        return current
    }
}

/// Writes pages as PDF (scanned: images only), multi-page TIFF, PNG or JPEG.
enum Encoder {
    struct Failure: Error, CustomStringConvertible { let description: String }

    static func gray(_ pix: UnsafeMutablePointer<PIX>) -> UnsafeMutablePointer<PIX> {
        var d: Int32 = 0
        pixGetDimensions(pix, nil, nil, &d)
        return d == 8 ? pixClone(pix)! : pixConvertRGBToGray(pix, 0, 0, 0)!
    }

    /// Bilevel, as sheet-fed office scanners write TIFF G4 and 1-bit PNG.
    static func bilevel(_ pix: UnsafeMutablePointer<PIX>) -> UnsafeMutablePointer<PIX> {
        var g: UnsafeMutablePointer<PIX>? = gray(pix)
        defer { pixDestroy(&g) }
        return pixConvertTo1(g, 190)!
    }

    static func encode(_ pages: [UnsafeMutablePointer<PIX>], format: String, colour: Bool, dpi: Int, quality: Int,
                       bilevel useBilevel: Bool = false) throws -> [UInt8] {
        var data: UnsafeMutablePointer<UInt8>?
        var size = 0
        switch format {
        case "png":
            var g: UnsafeMutablePointer<PIX>? = useBilevel ? bilevel(pages[0]) : gray(pages[0])
            defer { pixDestroy(&g) }
            pixSetResolution(g, Int32(dpi), Int32(dpi))
            guard pixWriteMemPng(&data, &size, g, 0) == 0 else { throw Failure(description: "png") }
        case "jpg":
            var g: UnsafeMutablePointer<PIX>? = colour ? pixClone(pages[0]) : gray(pages[0])
            defer { pixDestroy(&g) }
            pixSetResolution(g, Int32(dpi), Int32(dpi))
            guard pixWriteMemJpeg(&data, &size, g, Int32(quality), 0) == 0 else { throw Failure(description: "jpeg") }
        case "tif":
            var pixa: UnsafeMutablePointer<PIXA>? = pixaCreate(Int32(pages.count))
            defer { pixaDestroy(&pixa) }
            for p in pages {
                let g = useBilevel ? bilevel(p) : gray(p)
                pixSetResolution(g, Int32(dpi), Int32(dpi))
                pixaAddPix(pixa, g, 0 /* L_INSERT */)
            }
            guard pixaWriteMemMultipageTiff(&data, &size, pixa) == 0 else { throw Failure(description: "tiff") }
        default:
            return try pdf(pages, dpi: dpi, quality: quality, colour: colour)
        }
        guard let data else { throw Failure(description: "no data") }
        defer { free(data) }
        return Array(UnsafeBufferPointer(start: data, count: size))
    }

    final class Sink { var bytes: [UInt8] = [] }

    /// A scanned PDF: each page one JPEG image (embedded as is, as scanners do).
    static func pdf(_ pages: [UnsafeMutablePointer<PIX>], dpi: Int, quality: Int, colour: Bool) throws -> [UInt8] {
        let sink = Sink()
        let ctx = Unmanaged.passRetained(sink).toOpaque()
        defer { Unmanaged<Sink>.fromOpaque(ctx).release() }
        let wPt = 8.27 * 72, hPt = 11.69 * 72
        let surface = cairo_pdf_surface_create_for_stream({ closure, data, length in
            let s = Unmanaged<Sink>.fromOpaque(closure!).takeUnretainedValue()
            s.bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: Int(length)))
            return CAIRO_STATUS_SUCCESS
        }, ctx, wPt, hPt)!
        let cr = cairo_create(surface)!
        for p in pages {
            var g: UnsafeMutablePointer<PIX>? = colour ? pixClone(p) : gray(p)
            defer { pixDestroy(&g) }
            var w: Int32 = 0, h: Int32 = 0, depth: Int32 = 0
            pixGetDimensions(g, &w, &h, &depth)
            let img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h)!
            let stride = Int(cairo_image_surface_get_stride(img))
            let dst = cairo_image_surface_get_data(img)!
            let wpl = Int(pixGetWpl(g))
            let src = pixGetData(g)!
            for y in 0..<Int(h) {
                let row = src + y * wpl
                dst.withMemoryRebound(to: UInt32.self, capacity: stride / 4 * Int(h)) { d in
                    for x in 0..<Int(w) {
                        if depth == 32 {
                            d[y * (stride / 4) + x] = row[x] >> 8  // Leptonica 0xRRGGBB00 → cairo 0x00RRGGBB
                        } else {
                            let v = (row[x >> 2] >> UInt32(24 - 8 * (x & 3))) & 0xFF
                            d[y * (stride / 4) + x] = (v << 16) | (v << 8) | v
                        }
                    }
                }
            }
            cairo_surface_mark_dirty(img)
            var jpeg: UnsafeMutablePointer<UInt8>?
            var jpegSize = 0
            if pixWriteMemJpeg(&jpeg, &jpegSize, g, Int32(quality), 0) == 0, let jpeg {
                cairo_surface_set_mime_data(img, CAIRO_MIME_TYPE_JPEG, jpeg, UInt(jpegSize), { free($0) }, jpeg)
            }
            cairo_save(cr)
            cairo_scale(cr, wPt / Double(w), hPt / Double(h))
            cairo_set_source_surface(cr, img, 0, 0)
            cairo_paint(cr)
            cairo_restore(cr)
            cairo_show_page(cr)
            cairo_surface_destroy(img)
        }
        cairo_destroy(cr)
        cairo_surface_finish(surface)
        cairo_surface_destroy(surface)
        return sink.bytes
    }
}
