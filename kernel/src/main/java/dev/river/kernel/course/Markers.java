package dev.river.kernel.course;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The markers of a course assignment (DESIGN.md section 7) and the student version of one cell.
 *
 * <p>A marker is a whole line of code ({@code // BEGIN SOLUTION}, indentation free); the same text inside
 * a string, a text block or another comment is not a marker. A solution region becomes
 * {@code // YOUR CODE HERE}, indented like its {@code BEGIN} line, followed by
 * {@code throw new UnsupportedOperationException("not implemented yet");} when the region ends the body
 * of something that must return a value (a non-void method, or a lambda or block whose model answer
 * returns one). Hidden test lines are dropped.
 */
final class Markers {
    static final String BEGIN_SOLUTION = "// BEGIN SOLUTION";
    static final String END_SOLUTION = "// END SOLUTION";
    static final String BEGIN_HIDDEN = "// BEGIN HIDDEN TESTS";
    static final String END_HIDDEN = "// END HIDDEN TESTS";
    static final String YOUR_CODE = "// YOUR CODE HERE";
    static final String NOT_IMPLEMENTED = "throw new UnsupportedOperationException(\"not implemented yet\");";
    static final String TEST_PREFIX = "//# test";

    private static final Pattern HEADER = Pattern.compile("//# test ([A-Za-z0-9_.-]+) points=([0-9]+)\\s*");
    private static final Set<String> CONTROL = Set.of("if", "for", "while", "switch", "catch", "synchronized", "try");
    private static final Set<String> MODIFIERS = Set.of("public", "protected", "private", "static", "final",
            "abstract", "synchronized", "native", "strictfp", "default");
    private static final Pattern TYPE_BODY = Pattern.compile("\\b(class|interface|enum|record)\\b");
    private static final Pattern RETURNS_VALUE = Pattern.compile("\\breturn\\s*[^;\\s]");

    private Markers() {}

    /** A graded test: the header {@code //# test NAME points=N} on a code cell's first line. */
    record TestHeader(String name, int points) {}

    /** The test header of a cell, null when it is no test; a malformed header is refused. */
    static TestHeader testHeader(String source, String where) {
        String first = JavaLines.splitLines(source).get(0).strip();
        if (!first.startsWith(TEST_PREFIX)) return null;
        Matcher m = HEADER.matcher(first);
        if (!m.matches()) {
            throw new MarkerException(where + ", line 1: malformed test header \"" + first
                    + "\"; write //# test NAME points=N (NAME of letters, digits, _ . -; N a whole number)");
        }
        return new TestHeader(m.group(1), Integer.parseInt(m.group(2)));
    }

    /** The student version of a code cell; checks the markers pair up and do not nest. */
    static String student(String source, boolean testCell, String where) {
        JavaLines jl = new JavaLines(source);
        List<String> out = new ArrayList<>();
        int open = -1;              // line of the open region's BEGIN marker, -1 when none
        String openKind = null;
        for (int i = 0; i < jl.lines.size(); i++) {
            String line = jl.lines.get(i);
            boolean beginSol = jl.isMarker(i, BEGIN_SOLUTION), endSol = jl.isMarker(i, END_SOLUTION);
            boolean beginHid = jl.isMarker(i, BEGIN_HIDDEN), endHid = jl.isMarker(i, END_HIDDEN);
            if (beginSol || beginHid) {
                String kind = beginSol ? BEGIN_SOLUTION : BEGIN_HIDDEN;
                if (open >= 0) {
                    throw new MarkerException(where + ", line " + (i + 1) + ": \"" + kind + "\" inside the \"" + openKind
                            + "\" of line " + (open + 1) + "; regions do not nest: close the first one before");
                }
                if (beginHid && !testCell) {
                    throw new MarkerException(where + ", line " + (i + 1) + ": \"" + BEGIN_HIDDEN
                            + "\" in a cell that is not a test; hidden tests belong in a cell starting with //# test NAME points=N");
                }
                open = i;
                openKind = kind;
            } else if (endSol || endHid) {
                String kind = endSol ? END_SOLUTION : END_HIDDEN;
                String begin = endSol ? BEGIN_SOLUTION : BEGIN_HIDDEN;
                if (open < 0 || !openKind.equals(begin)) {
                    throw new MarkerException(where + ", line " + (i + 1) + ": \"" + kind + "\" without a \"" + begin
                            + "\" before it" + (open >= 0 ? " (the open region is the \"" + openKind + "\" of line " + (open + 1) + ")" : ""));
                }
                if (endSol) {
                    String b = jl.lines.get(open);
                    String indent = b.substring(0, b.length() - b.stripLeading().length());
                    out.add(indent + YOUR_CODE);
                    if (mustReturnOrThrow(jl, open, i)) out.add(indent + NOT_IMPLEMENTED);
                }
                open = -1;
                openKind = null;
            } else if (open < 0) {
                out.add(line);
            }
        }
        if (open >= 0) {
            throw new MarkerException(where + ", line " + (open + 1) + ": \"" + openKind + "\" is never closed (no \""
                    + (openKind.equals(BEGIN_SOLUTION) ? END_SOLUTION : END_HIDDEN) + "\" after it)");
        }
        return String.join("\n", out);
    }

    /**
     * Whether the code replacing lines {@code begin..end} must end in a throw: nothing but the closing
     * brace follows it in its block, and that block must produce a value.
     */
    static boolean mustReturnOrThrow(JavaLines jl, int begin, int end) {
        if (jl.depth[begin] <= 0) return false;                    // top level of a cell: no body to complete
        String code = jl.code;
        int from = end + 1 < jl.lines.size() ? jl.offset(end + 1) : code.length();
        int k = from;
        while (k < code.length() && Character.isWhitespace(code.charAt(k))) k++;
        if (k >= code.length() || code.charAt(k) != '}') return false;    // more code follows in the block
        String region = code.substring(jl.offset(begin), from);
        boolean regionReturns = RETURNS_VALUE.matcher(region).find();
        int brace = enclosingBrace(code, jl.offset(begin));
        if (brace < 0) return regionReturns;
        int start = brace - 1;
        while (start >= 0 && ";{}".indexOf(code.charAt(start)) < 0) start--;
        String header = code.substring(start + 1, brace).strip();
        if (header.endsWith("->")) return regionReturns;            // a lambda body: returns if the answer does
        if (TYPE_BODY.matcher(header).find()) return false;         // a class body
        String h = header.replaceAll("\\bthrows\\b[^)]*$", "").strip();
        if (!h.endsWith(")")) return regionReturns;                 // else, do, try, finally, initialisers
        int close = h.length() - 1, d = 0, open = -1;
        for (int i = close; i >= 0; i--) {
            if (h.charAt(i) == ')') d++;
            if (h.charAt(i) == '(' && --d == 0) { open = i; break; }
        }
        if (open < 0) return regionReturns;
        String before = h.substring(0, open).strip();
        String[] words = before.split("[\\s]+");
        String name = words[words.length - 1];
        if (CONTROL.contains(name) || !name.matches("[A-Za-z_$][\\w$]*")) return regionReturns;
        String type = words.length >= 2 ? words[words.length - 2] : "";
        if (type.isEmpty() || MODIFIERS.contains(type) || type.equals("new")) return false;   // a constructor
        return !type.equals("void");
    }

    /** The position of the unmatched '{' before {@code pos} in blanked code, or -1. */
    private static int enclosingBrace(String code, int pos) {
        int d = 0;
        for (int i = pos - 1; i >= 0; i--) {
            char c = code.charAt(i);
            if (c == '}') d++;
            if (c == '{') {
                if (d == 0) return i;
                d--;
            }
        }
        return -1;
    }
}
