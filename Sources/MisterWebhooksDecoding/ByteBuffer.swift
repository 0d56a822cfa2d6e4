/// A growable byte buffer with manually managed storage.
///
/// Offsets into it stay valid across growth; pointers stay valid until the
/// next append. The owner calls ``deallocate()`` exactly once.
public struct ByteBuffer {
    public private(set) var base: UnsafeMutablePointer<UInt8>
    public private(set) var count: Int = 0
    public private(set) var capacity: Int

    public init(capacity: Int = 256) {
        self.capacity = max(capacity, 16)
        self.base = UnsafeMutablePointer<UInt8>.allocate(capacity: self.capacity)
    }

    public func deallocate() {
        base.deallocate()
    }

    /// Empties the buffer and keeps its storage.
    @inline(__always)
    public mutating func removeAll() {
        count = 0
    }

    /// Makes room for `extra` more bytes.
    @inline(__always)
    public mutating func reserve(_ extra: Int) {
        if capacity - count < extra {
            grow(to: count + extra)
        }
    }

    @inline(never)
    private mutating func grow(to needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed {
            newCapacity *= 2
        }
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.update(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    @inline(__always)
    public mutating func append(_ byte: UInt8) {
        reserve(1)
        base[count] = byte
        count += 1
    }

    @inline(__always)
    public mutating func append(_ bytes: UnsafePointer<UInt8>, count length: Int) {
        reserve(length)
        (base + count).update(from: bytes, count: length)
        count += length
    }

    public mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { append($0.baseAddress!, count: $0.count) }
    }

    public mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { append($0.baseAddress!, count: $0.count) }
    }

    /// Appends `length` bytes written by `body` into the reserved space.
    @inline(__always)
    public mutating func append(reserving length: Int, _ body: (UnsafeMutablePointer<UInt8>) -> Void) {
        reserve(length)
        body(base + count)
        count += length
    }
}
