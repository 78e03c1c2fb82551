package dev.river.kernel;

import dev.river.checkpoint.Checkpoint;
import dev.river.checkpoint.CheckpointHistory;
import dev.river.checkpoint.VrStatus;
import dev.river.core.VmInfo;
import dev.river.mapreduce.Timeline;
import dev.river.mpi.Traffic;
import dev.river.magics.CheckpointPicture;
import dev.river.magics.CheckpointTables;
import dev.river.magics.Engines;
import dev.river.magics.MapReducePicture;
import dev.river.magics.MpiPicture;
import dev.river.magics.Rich;
import com.google.gson.JsonParser;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Base64;
import java.util.List;

/**
 * How a cell's value is shown: text for everything, and richer MIME types where the value has one — a
 * {@link Rich} (tables and bars of the magics) or a {@link DisplayData} as they are, a list of engines as
 * the engine table, a list of VR statuses or checkpoints as the checkpoint tables, a MapReduce
 * {@link Timeline}, a {@link CheckpointHistory} or an rMPI {@link Traffic} as its picture, an image as PNG.
 */
final class Values {
    private Values() {}

    /**
     * @param shown JShell's own rendering of the value (used for arrays, whose toString is useless)
     */
    static DisplayData render(Object value, String shown) {
        if (value instanceof DisplayData d) return d;
        if (value instanceof Rich r) return of(r);
        if (value instanceof List<?> l && !l.isEmpty() && l.stream().allMatch(v -> v instanceof VmInfo)) {
            @SuppressWarnings("unchecked") List<VmInfo> vms = (List<VmInfo>) l;
            return of(Engines.table(vms));
        }
        if (value instanceof List<?> l && !l.isEmpty() && l.stream().allMatch(v -> v instanceof VrStatus)) {
            @SuppressWarnings("unchecked") List<VrStatus> vrs = (List<VrStatus>) l;
            return of(CheckpointTables.vrs(vrs));
        }
        if (value instanceof List<?> l && !l.isEmpty() && l.stream().allMatch(v -> v instanceof Checkpoint)) {
            @SuppressWarnings("unchecked") List<Checkpoint> cps = (List<Checkpoint>) l;
            return of(CheckpointTables.epochs(cps));
        }
        if (value instanceof Timeline t) return of(MapReducePicture.of(t));
        if (value instanceof CheckpointHistory h) return of(CheckpointPicture.of(h));
        if (value instanceof Traffic t) return of(MpiPicture.of(t));
        if (value != null && isImage(value)) {
            DisplayData d = image(value);
            if (d != null) return d;
        }
        return new DisplayData(text(value, shown));
    }

    static DisplayData of(Rich r) {
        DisplayData d = new DisplayData();
        // JSON MIME types (Vega-Lite) travel as JSON objects, as front-ends expect, not as strings
        r.data().forEach((mime, content) -> d.putData(mime, mime.endsWith("json") ? JsonParser.parseString(content) : content));
        return d;
    }

    private static String text(Object value, String shown) {
        if (value == null) return "null";
        if (value instanceof CharSequence s) return s.toString();
        if (value.getClass().isArray() && shown != null) return shown;
        try {
            return String.valueOf(value);
        } catch (RuntimeException e) {
            return value.getClass().getName() + " (its toString() threw " + e + ")";
        }
    }

    private static boolean isImage(Object value) {
        // by name, so that java.desktop is only touched for values that are images
        for (Class<?> c = value.getClass(); c != null; c = c.getSuperclass()) {
            for (Class<?> i : c.getInterfaces()) if (i.getName().equals("java.awt.image.RenderedImage")) return true;
        }
        return false;
    }

    private static DisplayData image(Object value) {
        try {
            ByteArrayOutputStream png = new ByteArrayOutputStream();
            if (!javax.imageio.ImageIO.write((java.awt.image.RenderedImage) value, "png", png)) return null;
            DisplayData d = new DisplayData(String.valueOf(value));
            d.putData("image/png", Base64.getEncoder().encodeToString(png.toByteArray()));
            return d;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
