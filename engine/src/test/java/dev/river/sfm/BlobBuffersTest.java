package dev.river.sfm;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.*;

class BlobBuffersTest {
    @Test
    void buffersComeInPowersOfTwoAndAreReused() {
        long before = BlobBuffers.inFlightBytes();
        ByteBuffer a = BlobBuffers.take(100_000);
        assertNotNull(a);
        assertTrue(a.isDirect());
        assertEquals(0, a.position());
        assertEquals(100_000, a.limit());
        assertEquals(131_072, a.capacity());
        assertEquals(before + 131_072, BlobBuffers.inFlightBytes());
        a.put(0, (byte) 7);
        BlobBuffers.release(a);
        assertEquals(before, BlobBuffers.inFlightBytes());
        ByteBuffer b = BlobBuffers.take(70_000);
        assertSame(a, b, "a released buffer of the same size class is taken again");
        assertEquals(70_000, b.limit());
        BlobBuffers.release(b);
    }

    @Test
    void smallBlobsAndForeignBuffersAreNotPooled() {
        long before = BlobBuffers.inFlightBytes();
        assertNull(BlobBuffers.take(1000), "small blobs are copied into the staging buffer: no pooling");
        BlobBuffers.release(ByteBuffer.allocate(1 << 20));        // a heap buffer: ignored
        BlobBuffers.release(ByteBuffer.allocateDirect(100_000));  // not a pooled size: ignored
        BlobBuffers.release(null);
        assertEquals(before, BlobBuffers.inFlightBytes());
    }
}
