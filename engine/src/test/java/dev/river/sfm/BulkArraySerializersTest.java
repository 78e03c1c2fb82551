package dev.river.sfm;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Numeric arrays inside objects round-trip exactly through Codec, whatever their size. */
class BulkArraySerializersTest {
    record Holder(double[] d, long[] l, int[] i, float[] f, List<double[]> nested) implements java.io.Serializable {}

    @Test
    void arraysOfEverySizeAndNullRoundTrip() {
        ClassLoader cl = getClass().getClassLoader();
        for (int n : new int[]{0, 1, 7, 8191, 8192, 8193, 100_000}) {
            double[] d = new double[n];
            long[] l = new long[n];
            int[] i = new int[n];
            float[] f = new float[n];
            for (int k = 0; k < n; k++) {
                d[k] = Math.sin(k) * 1e300;
                l[k] = Long.MIN_VALUE + 31L * k;
                i[k] = -k * 7;
                f[k] = (float) Math.cos(k);
            }
            if (n > 0) d[n - 1] = Double.NaN;
            Holder h = (Holder) Codec.decode(Codec.encode(new Holder(d, l, i, f, List.of(d, new double[3])), cl), cl);
            assertArrayEquals(d, h.d(), "n=" + n);
            assertArrayEquals(l, h.l());
            assertArrayEquals(i, h.i());
            assertArrayEquals(f, h.f());
            assertTrue(Arrays.equals(d, h.nested().get(0)));
        }
        Holder nulls = (Holder) Codec.decode(Codec.encode(new Holder(null, null, null, null, null), cl), cl);
        assertNull(nulls.d());
        assertNull(nulls.f());
    }
}
