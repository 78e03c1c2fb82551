package dev.river.trickle;

import java.util.List;

/**
 * What {@link Trickle#inject} shipped: the classes (with their nested classes), their size, and the
 * engines that received them.
 *
 * <pre>{@code
 * System.out.println(t.inject(WordFrequency.class));   // injected 1 class (3.2 KiB) into 2 engines: WordFrequency
 * }</pre>
 */
public record Injected(List<String> classes, long bytes, List<String> engines) {
    public Injected {
        classes = List.copyOf(classes);
        engines = List.copyOf(engines);
    }

    @Override public String toString() {
        String size = bytes < 1024 ? bytes + " B" : String.format(java.util.Locale.ROOT, "%.1f KiB", bytes / 1024.0);
        return "injected " + classes.size() + " class" + (classes.size() == 1 ? "" : "es") + " (" + size + ") into "
                + engines.size() + " engine" + (engines.size() == 1 ? "" : "s") + ": " + String.join(", ", classes);
    }
}
