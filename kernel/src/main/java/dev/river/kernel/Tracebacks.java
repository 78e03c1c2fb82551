package dev.river.kernel;

import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.JShellException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Errors as the user reads them: pointing at the lines of the cells they came from. JShell numbers a
 * snippet's lines from its first character and names frames {@code #id:line}; this class remembers
 * where each snippet (and each class it compiled) came from, and turns frames back into
 * {@code boom (line 2)} or {@code helper (In [4], line 3)}. Frames of JShell's and the kernel's machinery
 * are left out; library frames above the cell's stay.
 *
 * <p>Thread-safe: the cell thread records, any thread formats.
 */
final class Tracebacks {
    /** Where a snippet came from: a cell (its execution count; 0 for a magic's expression) and its first line there (0-based). */
    private record Origin(int cell, int line) {}

    private final Map<String, Origin> origins = new ConcurrentHashMap<>();       // snippet id -> origin
    private final Map<String, Integer> classCells = new ConcurrentHashMap<>();   // top-level captured class -> cell
    private volatile int currentCell;

    /** Records that snippet {@code id} starts at 0-based {@code line} of cell {@code cell}. */
    void snippet(String id, int cell, int line) {
        origins.put(id, new Origin(cell, line));
    }

    /** Records that these captured classes were compiled from cell {@code cell}. */
    void classes(List<String> binaryNames, int cell) {
        for (String c : binaryNames) classCells.put(topLevel(c), cell);
    }

    /** The cell running now: its frames say "line N", other cells' "In [n], line N". */
    void current(int cell) {
        currentCell = cell;
    }

    /** A compile error: each diagnostic with its cell line, the line's text and a caret under the culprit. */
    static CellError compileError(List<Diag> diags, String code, int offset, int firstLine) {
        if (diags.isEmpty()) {
            return new CellError("CompileError", "the code was rejected", List.of(CellError.BOLD_RED + "error" + CellError.RESET
                    + ": JShell rejected this code without a diagnostic (line " + (firstLine + lines(code, offset) + 1) + ")"));
        }
        List<String> tb = new ArrayList<>();
        String first = null;
        for (Diag d : diags.subList(0, Math.min(5, diags.size()))) {
            long pos = d.getPosition() >= 0 ? d.getPosition() : Math.max(0, d.getStartPosition());
            int at = (int) Math.min(code.length(), offset + pos);
            int lineNo = firstLine + lines(code, at) + 1;
            List<String> msg = new ArrayList<>(Arrays.asList(d.getMessage(Locale.ROOT).split("\n")));
            msg.removeIf(l -> l.strip().matches("location: class( \\$?\\w*\\$JShell\\$\\w*)?\\s*"));
            String head = "line " + lineNo + ": " + msg.get(0);
            if (first == null) first = head;
            tb.add(CellError.BOLD_RED + "error" + CellError.RESET + " in line " + lineNo + ": " + msg.get(0));
            int ls = code.lastIndexOf('\n', at - 1) + 1;
            int le = code.indexOf('\n', at);
            String lineText = code.substring(ls, le < 0 ? code.length() : le);
            tb.add("    " + lineText);
            int col = at - ls;
            long endPos = d.getEndPosition() >= 0 ? offset + d.getEndPosition() : at + 1;
            int underline = (int) Math.max(1, Math.min(endPos, ls + lineText.length()) - at);
            StringBuilder caret = new StringBuilder("    ");
            for (int i = 0; i < col; i++) caret.append(lineText.charAt(i) == '\t' ? '\t' : ' ');
            caret.append(CellError.GREEN).append('^').append("~".repeat(Math.max(0, underline - 1))).append(CellError.RESET);
            tb.add(caret.toString());
            for (String extra : msg.subList(1, msg.size())) tb.add("  " + extra.strip());
        }
        if (diags.size() > 5) tb.add("... and " + (diags.size() - 5) + " more errors");
        return new CellError("CompileError", first, tb);
    }

    /** An exception thrown by a cell: class, message, cell frames, causes. */
    CellError exception(JShellException ex) {
        List<String> tb = new ArrayList<>();
        String ename = "Exception";
        String evalue = ex.getMessage();
        boolean top = true;
        for (Throwable t = ex; t != null; t = t.getCause()) {
            String cls = t instanceof EvalException ee ? ee.getExceptionClassName() : t.getClass().getName();
            String message = t.getMessage();
            if (top) {
                ename = cls.substring(cls.lastIndexOf('.') + 1);
                evalue = message == null ? "" : message;
                tb.add(CellError.BOLD_RED + cls + CellError.RESET + (message == null ? "" : ": " + message));
                top = false;
            } else {
                tb.add("Caused by: " + cls + (message == null ? "" : ": " + message));
            }
            tb.addAll(frames(t.getStackTrace()));
        }
        String hint = variableHint(tb);
        if (hint != null) tb.add(hint);
        return new CellError(ename, evalue, tb);
    }

    private static final Pattern STATIC_NULL = Pattern.compile("\"REPL\\.\\$JShell\\$\\w+\\.(\\w+)\" is null");

    /**
     * A hint for the classic mistake of distributed notebooks: code running on an engine read a notebook
     * variable (a static field of a JShell wrapper class), which is null there.
     */
    static String variableHint(List<String> lines) {
        for (String l : lines) {
            var m = STATIC_NULL.matcher(l);
            if (m.find()) {
                return CellError.GREEN + "hint" + CellError.RESET + ": '" + m.group(1) + "' is a notebook variable; its value stays in"
                        + " the notebook and is null on engines. Pass it to the task as an argument, or make the task in a method"
                        + " that takes it as a parameter (see docs/kernel.md).";
            }
        }
        return null;
    }

    /** Frames down to the last one in a cell (below it is only JShell's and the kernel's machinery). */
    List<String> frames(StackTraceElement[] trace) {
        int lastCell = -1;
        for (int i = 0; i < trace.length; i++) if (isCellFrame(trace[i])) lastCell = i;
        List<String> out = new ArrayList<>();
        int end = lastCell >= 0 ? lastCell + 1 : trace.length;
        for (int i = 0; i < end; i++) {
            StackTraceElement f = trace[i];
            String cn = f.getClassName();
            if (lastCell < 0 && (cn.startsWith("jdk.jshell.") || cn.startsWith("dev.river.kernel.") || cn.startsWith("jdk.internal.reflect.")
                    || cn.startsWith("java.lang.reflect.Method") || cn.startsWith("java.lang.Thread"))) break;
            out.add("\tat " + frame(f));
        }
        return out;
    }

    private static boolean isCellFrame(StackTraceElement f) {
        return f.getFileName() != null && f.getFileName().startsWith("#");
    }

    private String frame(StackTraceElement f) {
        if (!isCellFrame(f)) return f.toString();
        String method = f.getMethodName().startsWith("lambda$") ? "lambda" : f.getMethodName();
        String cls = f.getClassName();
        String name = (cls.isEmpty() ? "" : cls + ".") + method;
        Origin o = origins.get(f.getFileName().substring(1));
        String where;
        if (o == null) {
            where = "snippet " + f.getFileName() + ", line " + f.getLineNumber();
        } else {
            int line = o.line() + Math.max(1, f.getLineNumber());   // o.line() is 0-based, JShell's lines 1-based
            where = o.cell() == 0 ? "magic expression" : o.cell() == currentCell ? "line " + line : "In [" + o.cell() + "], line " + line;
        }
        return name.isEmpty() || name.equals(".") ? "(" + where + ")" : name.replaceFirst("^\\.", "") + " (" + where + ")";
    }

    /** Line breaks in {@code s} before index {@code upto}. */
    static int lines(String s, int upto) {
        int n = 0;
        for (int i = 0; i < upto && i < s.length(); i++) if (s.charAt(i) == '\n') n++;
        return n;
    }

    private static String topLevel(String binaryName) {
        int i = binaryName.indexOf('$', "REPL.$JShell$".length());
        return i < 0 ? binaryName : binaryName.substring(0, i);
    }

    /**
     * An exception from engines (a failed Trickle task, a VR that threw) as the user wants to read it:
     * each failure with its remote frames down to River's machinery, cell classes named by their cell.
     */
    List<String> remoteReport(Throwable e) {
        List<String> out = new ArrayList<>();
        out.add(CellError.BOLD_RED + e.getClass().getSimpleName() + CellError.RESET + ": " + e.getMessage());
        List<Throwable> remote = new ArrayList<>();
        if (e instanceof dev.river.trickle.TaskFailedException t) {
            for (var f : t.failures().subList(0, Math.min(5, t.failures().size()))) {
                out.add("  " + f);
                remote.add(f.error());
            }
            if (t.failures().size() > 5) out.add("  ... and " + (t.failures().size() - 5) + " more");
        } else {
            for (Throwable c = e; c != null; c = c.getCause()) {
                if (c instanceof dev.river.core.RemoteVrException) {
                    remote.add(c);
                    break;
                }
            }
        }
        for (Throwable r : remote) {
            boolean first = true;
            for (Throwable c = r; c != null; c = c.getCause()) {
                if (c instanceof dev.river.core.RemoteVrException rv) {
                    out.add((first ? "remote " : "caused by ") + rv.remoteClassName() + (rv.remoteMessage() == null ? "" : ": " + rv.remoteMessage()));
                } else {
                    out.add((first ? "" : "caused by ") + c);
                }
                first = false;
                for (StackTraceElement f : c.getStackTrace()) {
                    String cn = f.getClassName();
                    if (cn.startsWith("dev.river.") || cn.startsWith("java.util.concurrent.") || cn.startsWith("java.lang.Thread")
                            || cn.startsWith("jdk.internal.reflect.") || cn.startsWith("java.lang.reflect.")) break;
                    out.add("\tat " + remoteFrame(f));
                }
            }
        }
        String hint = variableHint(out);
        if (hint != null) out.add(hint);
        return out;
    }

    private String remoteFrame(StackTraceElement f) {
        String cn = f.getClassName();
        if (!cn.startsWith("REPL.$JShell$")) return f.toString();
        Integer cell = classCells.get(topLevel(cn));
        String type = cn.length() > topLevel(cn).length() ? cn.substring(topLevel(cn).length() + 1).replace('$', '.') + "." : "";
        String method = f.getMethodName().startsWith("lambda$") ? "lambda" : f.getMethodName();
        return type + method + " (" + (cell == null ? "a cell" : cell == 0 ? "magic expression" : "In [" + cell + "]") + ")";
    }
}
