package dev.river.mpi.impl;

import java.nio.ByteBuffer;

/**
 * Walks {@code count} items of a {@link Layout} over a {@link Buf}, starting at a base-element
 * offset, and copies whole base elements to or from packed data in pieces: a large message is packed
 * and unpacked chunk by chunk as the network takes and delivers it.
 *
 * <p>Owned by one request; not thread-safe.
 */
final class Cursor {
    private final Buf buf;
    private final Layout type;
    private final int origin;
    private final int count;
    private final int elemBytes;
    // position: item, block within it, elements done within the block
    private int item, block, inBlock;
    private long remaining;      // base elements left to visit

    /**
     * @throws MpiError ERR_BUFFER when the items do not fit in the buffer
     */
    Cursor(Buf buf, int origin, int count, Layout type, String what) {
        if (count < 0) throw new MpiError(MpiError.ERR_COUNT, what + ": count must not be negative, got " + count);
        if (type.base != buf.base) {
            throw new MpiError(MpiError.ERR_TYPE, what + ": the buffer holds " + buf.base + " elements but the datatype is built from " + type.base);
        }
        long lo = origin + (count == 0 ? 0 : type.lowest());
        long hi = origin + type.span(count);
        if (count > 0 && (lo < 0 || hi > buf.capacity())) {
            throw new MpiError(MpiError.ERR_BUFFER, what + ": " + count + " item(s) of " + type + " need buffer elements ["
                    + lo + ", " + hi + "), but the buffer has " + buf.capacity());
        }
        this.buf = buf;
        this.type = type;
        this.origin = origin;
        this.count = count;
        this.elemBytes = type.base.bytes;
        this.remaining = (long) count * type.size;
    }

    /** Packed bytes still to visit. */
    long remainingBytes() {
        return remaining * elemBytes;
    }

    /** Total packed bytes of all items. */
    long totalBytes() {
        return (long) count * type.size * elemBytes;
    }

    /** Packs as many whole elements as fit in {@code out}'s remaining space. */
    void pack(ByteBuffer out) {
        if (type.isContiguous()) {
            int n = (int) Math.min(remaining, out.remaining() / elemBytes);
            int done = (int) ((long) count * type.size - remaining);
            buf.pack(origin + done, n, out);
            remaining -= n;
            return;
        }
        while (remaining > 0 && out.remaining() >= elemBytes) {
            int len = type.blockLength(block);
            int n = Math.min(len - inBlock, out.remaining() / elemBytes);
            buf.pack(origin + item * type.extent + type.blockOffset(block) + inBlock, n, out);
            advance(n, len);
        }
    }

    /** Unpacks the whole elements in {@code in} (up to what the items can take), advancing its position. */
    void unpack(ByteBuffer in) {
        if (type.isContiguous()) {
            int n = (int) Math.min(remaining, in.remaining() / elemBytes);
            int done = (int) ((long) count * type.size - remaining);
            buf.unpack(in, origin + done, n);
            remaining -= n;
            return;
        }
        while (remaining > 0 && in.remaining() >= elemBytes) {
            int len = type.blockLength(block);
            int n = Math.min(len - inBlock, in.remaining() / elemBytes);
            buf.unpack(in, origin + item * type.extent + type.blockOffset(block) + inBlock, n);
            advance(n, len);
        }
    }

    private void advance(int n, int len) {
        remaining -= n;
        inBlock += n;
        if (inBlock == len) {
            inBlock = 0;
            if (++block == type.blockCount()) {
                block = 0;
                item++;
            }
        }
    }

    /** Packs everything into a new native-order heap buffer, flipped for reading. */
    ByteBuffer packAll() {
        ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(remainingBytes())).order(Buf.NATIVE);
        pack(out);
        return out.flip();
    }
}
