package dev.river.sfm;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Large primitive arrays travel as blob frames of at most 1 MiB and come back whole. */
class AttributesBlobTest {
    private static final ClassLoader L = AttributesBlobTest.class.getClassLoader();
    /** A small frame size, so arrays of a few MiB cross several frames (the default is 64 MiB). */
    private static final int FRAME = 1 << 20;

    @Test
    void arraysOfEveryPrimitiveTypeRoundTripAcrossFrames() {
        Random r = new Random(7);
        int n = FRAME / 2 * 3 + 5;        // frames of every element size, and a ragged last one
        byte[] bytes = new byte[FRAME * 3 + 17];
        r.nextBytes(bytes);
        double[] doubles = r.doubles(n).toArray();
        int[] ints = r.ints(n).toArray();
        long[] longs = r.longs(n).toArray();
        float[] floats = new float[n];
        short[] shorts = new short[n];
        char[] chars = new char[n];
        for (int i = 0; i < n; i++) {
            floats[i] = r.nextFloat();
            shorts[i] = (short) r.nextInt();
            chars[i] = (char) r.nextInt();
        }
        Map<String, Object> in = new LinkedHashMap<>();
        in.put("bytes", bytes);
        in.put("tag", "between blobs");
        in.put("doubles", doubles);
        in.put("ints", ints);
        in.put("longs", longs);
        in.put("floats", floats);
        in.put("shorts", shorts);
        in.put("chars", chars);
        in.put("small", new byte[]{1, 2, 3});

        Attributes.Encoded e = Attributes.encode(in, L, FRAME);
        for (byte[] frame : e.blobs()) assertEquals(true, frame.length <= FRAME, "frame of " + frame.length + " bytes");
        Map<String, Object> out = Attributes.decode(e.body(), e.blobs(), L);

        assertArrayEquals(bytes, (byte[]) out.get("bytes"));
        assertNotSame(bytes, out.get("bytes"));
        assertEquals("between blobs", out.get("tag"));
        assertArrayEquals(doubles, (double[]) out.get("doubles"));
        assertArrayEquals(ints, (int[]) out.get("ints"));
        assertArrayEquals(longs, (long[]) out.get("longs"));
        assertArrayEquals(floats, (float[]) out.get("floats"));
        assertArrayEquals(shorts, (short[]) out.get("shorts"));
        assertArrayEquals(chars, (char[]) out.get("chars"));
        assertArrayEquals(new byte[]{1, 2, 3}, (byte[]) out.get("small"));
    }

    @Test
    void aMessageMissingFramesIsRejected() {
        Attributes.Encoded e = Attributes.encode(Map.of("big", new byte[FRAME * 2]), L, FRAME);
        assertEquals(2, e.blobs().size());
        assertThrows(IllegalArgumentException.class, () -> Attributes.decode(e.body(), e.blobs().subList(0, 1), L));
    }
}
