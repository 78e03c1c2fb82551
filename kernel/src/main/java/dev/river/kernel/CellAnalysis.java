package dev.river.kernel;

import jdk.jshell.SourceCodeAnalysis;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Tab, Shift-Tab and is_complete for Java cells, from JShell's {@link SourceCodeAnalysis}: the cell is cut
 * into snippets as for running it, and the snippet around the cursor is analysed.
 *
 * <pre>{@code
 * analysis.complete("String s = \"x\";\ns.toUpp", 24);   // toUpperCase( ... replacing "toUpp"
 * analysis.isComplete("int f() {");                         // "incomplete"
 * }</pre>
 */
final class CellAnalysis {
    private final SourceCodeAnalysis analysis;
    private final Object lock;     // JShell's lock, held by JavaCells while it runs code

    CellAnalysis(SourceCodeAnalysis analysis, Object lock) {
        this.analysis = analysis;
        this.lock = lock;
    }

    /** The snippet of {@code code} around {@code cursor}: [start, end) in code. */
    private int[] snippetAround(String code, int cursor) {
        int start = 0;
        String rest = code;
        while (!rest.isEmpty()) {
            SourceCodeAnalysis.CompletionInfo ci = analysis.analyzeCompletion(rest);
            if (!ci.completeness().isComplete() || ci.remaining().isEmpty()) break;
            int consumed = rest.length() - ci.remaining().length();
            if (start + consumed >= cursor) return new int[]{start, start + consumed};
            start += consumed;
            rest = ci.remaining();
        }
        return new int[]{start, code.length()};
    }

    /** Completions at {@code cursor}: the candidates and the [start, end) range of code they replace. */
    record Completions(List<String> candidates, int start, int end) {}

    /** Completions at {@code cursor} (JShell knows what earlier cells defined, not the lines above in this one). */
    Completions complete(String code, int cursor) {
        synchronized (lock) {
            int[] sn = snippetAround(code, cursor);
            String src = code.substring(sn[0], Math.max(sn[0], Math.min(cursor, sn[1])));
            int[] anchor = new int[1];
            List<SourceCodeAnalysis.Suggestion> s = analysis.completionSuggestions(src, src.length(), anchor);
            Set<String> typed = new LinkedHashSet<>();
            Set<String> other = new LinkedHashSet<>();
            for (SourceCodeAnalysis.Suggestion x : s) (x.matchesType() ? typed : other).add(x.continuation());
            typed.addAll(other);
            typed.removeIf(c -> c.startsWith("$"));
            return new Completions(List.copyOf(typed), sn[0] + anchor[0], cursor);
        }
    }

    /** Signatures and javadoc of what is at {@code cursor}, or null. */
    String inspect(String code, int cursor) {
        synchronized (lock) {
            int[] sn = snippetAround(code, cursor);
            int c = Math.max(sn[0], Math.min(cursor, sn[1]));
            // extend to the end of an identifier the cursor is in, so "Math.ma|x" finds max
            int end = c;
            while (end < code.length() && Character.isJavaIdentifierPart(code.charAt(end))) end++;
            String src = code.substring(sn[0], end);
            List<SourceCodeAnalysis.Documentation> docs = analysis.documentation(src, src.length(), true);
            if (docs.isEmpty()) docs = analysis.documentation(src + "(", src.length() + 1, true);
            if (docs.isEmpty()) return null;
            StringBuilder sb = new StringBuilder();
            Set<String> seen = new LinkedHashSet<>();
            for (SourceCodeAnalysis.Documentation d : docs) {
                if (!seen.add(d.signature())) continue;
                if (sb.length() > 0) sb.append("\n");
                sb.append(d.signature()).append('\n');
                if (d.javadoc() != null && !d.javadoc().isBlank()) sb.append('\n').append(d.javadoc().strip()).append('\n');
            }
            return sb.toString();
        }
    }

    /** is_complete for Java code: "complete", "incomplete" or "invalid". */
    String isComplete(String code) {
        synchronized (lock) {
            String rest = code;
            while (!rest.isBlank()) {
                SourceCodeAnalysis.CompletionInfo ci = analysis.analyzeCompletion(rest);
                switch (ci.completeness()) {
                    case DEFINITELY_INCOMPLETE, CONSIDERED_INCOMPLETE -> {
                        return "incomplete";
                    }
                    case UNKNOWN -> {
                        return "invalid";
                    }
                    case EMPTY -> {
                        return "complete";
                    }
                    default -> rest = ci.remaining();
                }
            }
            return "complete";
        }
    }
}
