import Foundation

/// Reads an iterator on a background thread in chunks, a bounded number of chunks ahead, so that
/// parsing and checking the next rows overlaps with writing the previous ones to the store.
///
/// Contract: yields every element of the source exactly once, in order, grouped in arrays of
/// `chunkSize` (the last one shorter). At most `depth` chunks are held in memory. The source is
/// used only by the background thread once iteration starts; do not touch it afterwards.
public final class ReadAhead<Source: IteratorProtocol & SendableMetatype>: Sequence, IteratorProtocol, @unchecked Sendable {
    private let condition = NSCondition()
    private var chunks: [[Source.Element]] = []
    private var finished = false
    private var cancelled = false
    private let depth: Int

    public init(_ source: Source, chunkSize: Int, depth: Int = 2) {
        self.depth = depth
        nonisolated(unsafe) var source = source
        let thread = Thread { [self] in
            var chunk: [Source.Element] = []
            chunk.reserveCapacity(chunkSize)
            while let element = source.next() {
                chunk.append(element)
                if chunk.count >= chunkSize {
                    if !push(chunk) { return }
                    chunk = []
                    chunk.reserveCapacity(chunkSize)
                }
            }
            if !chunk.isEmpty { _ = push(chunk) }
            condition.lock()
            finished = true
            condition.broadcast()
            condition.unlock()
        }
        thread.stackSize = 1 << 22
        thread.start()
    }

    /// Waits for room, then queues a chunk; false when the reader was cancelled.
    private func push(_ chunk: [Source.Element]) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while chunks.count >= depth && !cancelled { condition.wait() }
        if cancelled { return false }
        chunks.append(chunk)
        condition.broadcast()
        return true
    }

    /// The next chunk, or nil once the source is exhausted.
    public func next() -> [Source.Element]? {
        condition.lock()
        defer { condition.unlock() }
        while chunks.isEmpty && !finished { condition.wait() }
        if chunks.isEmpty { return nil }
        let c = chunks.removeFirst()
        condition.broadcast()
        return c
    }

    /// Stops the background reader (after an error on the consuming side).
    public func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }
}
