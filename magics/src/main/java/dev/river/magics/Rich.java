package dev.river.magics;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A value with several representations, by MIME type: what a notebook shows as HTML (a table, a progress
 * bar) with a plain-text fallback for consoles and logs. {@link #toString()} is the text.
 *
 * <pre>{@code
 * Rich r = Rich.of("2 engines", "<b>2</b> engines");
 * r.data();   // {text/plain=2 engines, text/html=<b>2</b> engines}
 * }</pre>
 *
 * @param data MIME type -> content; always holds {@code text/plain}
 */
public record Rich(Map<String, String> data) {
    public static final String TEXT = "text/plain";
    public static final String HTML = "text/html";
    /** A Vega-Lite 5 spec (JSON text): JupyterLab draws it; the kernel sends it as a JSON object. */
    public static final String VEGA_LITE = "application/vnd.vegalite.v5+json";
    public static final String SVG = "image/svg+xml";

    public Rich {
        if (!data.containsKey(TEXT)) throw new IllegalArgumentException("a Rich value needs a text/plain representation");
        data = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(data));
    }

    /** Text and HTML. */
    public static Rich of(String text, String html) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(TEXT, text);
        if (html != null) m.put(HTML, html);
        return new Rich(m);
    }

    /** Text only. */
    public static Rich text(String text) {
        return of(text, null);
    }

    public String text() {
        return data.get(TEXT);
    }

    public String html() {
        return data.get(HTML);
    }

    @Override
    public String toString() {
        return text();
    }
}
