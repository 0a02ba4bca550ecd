import Foundation

/// The shape of one printed character, as a vector that can be compared with another's.
///
/// The classic feature of Chinese character recognition: the character's ink is cropped to its
/// bounding box, scaled (keeping its proportions) into a 48×48 square, smoothed, and the
/// direction of its stroke edges is counted in four orientations (0°, 45°, 90°, 135°) over an
/// 8×8 grid: 256 numbers, square-rooted and scaled to unit length. Two renderings of one
/// character in different typefaces, or one blurred and thresholded by a scanner, stay close;
/// two different characters do not.
///
/// Contract: `similarity` is the cosine of the two vectors, in 0...1 (1: the same shape).
public struct GlyphShape: Sendable, Equatable {
    public static let side = 48
    static let grid = 8
    public static let dimensions = 4 * grid * grid

    public let features: [Float]

    public init(features: [Float]) {
        self.features = features
    }

    /// The shape of the ink in `ink` (row-major, `width` × `height`, 0 = paper, 1 = ink). Nil when
    /// there is (almost) no ink.
    public init?(ink: [Float], width: Int, height: Int) {
        precondition(ink.count == width * height)
        // The ink's bounding box.
        var x0 = width, y0 = height, x1 = -1, y1 = -1
        for y in 0..<height {
            for x in 0..<width where ink[y * width + x] >= 0.4 {
                if x < x0 { x0 = x }
                if x > x1 { x1 = x }
                if y < y0 { y0 = y }
                if y > y1 { y1 = y }
            }
        }
        guard x1 >= x0, y1 >= y0, (x1 - x0) + (y1 - y0) >= 4 else { return nil }
        let side = Self.side
        let bw = Double(x1 - x0 + 1), bh = Double(y1 - y0 + 1)
        let inner = Double(side - 8)
        let scale = inner / max(bw, bh)
        let ox = (Double(side) - bw * scale) / 2, oy = (Double(side) - bh * scale) / 2
        // Resample into the square (bilinear, from the source's pixel centres).
        var square = [Float](repeating: 0, count: side * side)
        for sy in 0..<side {
            let fy = (Double(sy) + 0.5 - oy) / scale - 0.5 + Double(y0)
            guard fy > Double(y0) - 1, fy < Double(y1) + 1 else { continue }
            for sx in 0..<side {
                let fx = (Double(sx) + 0.5 - ox) / scale - 0.5 + Double(x0)
                guard fx > Double(x0) - 1, fx < Double(x1) + 1 else { continue }
                let ix = Int(fx.rounded(.down)), iy = Int(fy.rounded(.down))
                let ax = Float(fx - Double(ix)), ay = Float(fy - Double(iy))
                func at(_ x: Int, _ y: Int) -> Float {
                    x < x0 || y < y0 || x > x1 || y > y1 ? 0 : ink[y * width + x]
                }
                let top = at(ix, iy) * (1 - ax) + at(ix + 1, iy) * ax
                let bottom = at(ix, iy + 1) * (1 - ax) + at(ix + 1, iy + 1) * ax
                square[sy * side + sx] = top * (1 - ay) + bottom * ay
            }
        }
        features = Self.directions(square)
    }

    /// Edge directions of a `side`×`side` image, pooled over the grid.
    static func directions(_ image: [Float]) -> [Float] {
        let n = side
        // A 3×3 box blur: strokes of different weights and a scanner's jagged edges look alike.
        var smooth = [Float](repeating: 0, count: n * n)
        for y in 0..<n {
            for x in 0..<n {
                var s: Float = 0
                for dy in -1...1 {
                    let yy = y + dy
                    guard yy >= 0, yy < n else { continue }
                    for dx in -1...1 {
                        let xx = x + dx
                        guard xx >= 0, xx < n else { continue }
                        s += image[yy * n + xx]
                    }
                }
                smooth[y * n + x] = s / 9
            }
        }
        let cell = n / grid
        var pooled = [Float](repeating: 0, count: dimensions)
        let step = Float.pi / 4
        for y in 1..<(n - 1) {
            for x in 1..<(n - 1) {
                let gx = smooth[y * n + x + 1] - smooth[y * n + x - 1]
                let gy = smooth[(y + 1) * n + x] - smooth[(y - 1) * n + x]
                let magnitude = (gx * gx + gy * gy).squareRoot()
                guard magnitude > 0.01 else { continue }
                // The edge's orientation in 0..<π, shared between its two nearest of four bins.
                var angle = atan2f(gy, gx)
                if angle < 0 { angle += .pi }
                if angle >= .pi { angle -= .pi }
                let position = angle / step
                let low = Int(position) % 4
                let high = (low + 1) % 4
                let share = position - Float(Int(position))
                let g = (y / cell) * grid + (x / cell)
                pooled[low * grid * grid + g] += magnitude * (1 - share)
                pooled[high * grid * grid + g] += magnitude * share
            }
        }
        var length: Float = 0
        for i in pooled.indices {
            pooled[i] = pooled[i].squareRoot()
            length += pooled[i] * pooled[i]
        }
        length = length.squareRoot()
        if length > 0 { for i in pooled.indices { pooled[i] /= length } }
        return pooled
    }

    /// The cosine of the two shapes: 1 for the same shape, lower the more they differ.
    public func similarity(_ other: GlyphShape) -> Float {
        var s: Float = 0
        features.withUnsafeBufferPointer { a in
            other.features.withUnsafeBufferPointer { b in
                for i in 0..<min(a.count, b.count) { s += a[i] * b[i] }
            }
        }
        return s
    }
}
