package dev.river.kernel.course;

import java.util.Map;

/** The HTML feedback page of one graded submission: each test, passed or the error it raised. */
final class FeedbackPage {
    private FeedbackPage() {}

    static String html(Assignment a, Grade g) {
        StringBuilder b = new StringBuilder();
        b.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>").append(esc(g.submission()))
                .append(" — ").append(esc(a.file().getFileName().toString())).append("</title>\n<style>")
                .append("body{font-family:sans-serif;max-width:60em;margin:2em auto}table{border-collapse:collapse}")
                .append("td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}")
                .append(".pass{color:#060}.fail{color:#a00}pre{background:#f6f6f6;padding:.5em;overflow-x:auto;margin:.3em 0}")
                .append("</style></head><body>\n");
        b.append("<h1>").append(esc(g.submission())).append("</h1>\n<p>Assignment <code>")
                .append(esc(a.file().getFileName().toString())).append("</code>: <strong>").append(g.total()).append(" / ")
                .append(a.maxPoints()).append("</strong> points.</p>\n");
        if (g.problem() != null) b.append("<p class=\"fail\"><strong>Grading stopped early:</strong> ").append(esc(g.problem())).append("</p>\n");
        for (String n : g.notes()) b.append("<p>Note: ").append(esc(n)).append("</p>\n");
        b.append("<table>\n<tr><th>test</th><th>points</th><th>result</th></tr>\n");
        for (Map.Entry<String, Grade.Result> e : g.results().entrySet()) {
            Grade.Result r = e.getValue();
            b.append("<tr><td><code>").append(esc(e.getKey())).append("</code></td><td>").append(r.points()).append(" / ")
                    .append(r.max()).append("</td><td>");
            if (r.passed()) {
                b.append("<span class=\"pass\">passed</span>");
            } else {
                b.append("<span class=\"fail\">").append(esc(r.errorType())).append("</span>: ").append(esc(r.error()));
                if (r.errorLine() != null) b.append("<br>at ").append(esc(r.errorLine()));
                if (r.traceback() != null && !r.traceback().isBlank()) b.append("<pre>").append(esc(r.traceback())).append("</pre>");
            }
            b.append("</td></tr>\n");
        }
        b.append("</table>\n<p>Graded in ").append(String.format("%.1f", g.seconds())).append(" s.</p>\n</body></html>\n");
        return b.toString();
    }

    static String esc(String s) {
        if (s == null) return "";
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
