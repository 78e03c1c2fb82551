package dev.river.magics;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeSet;

/**
 * The {@code %river} magics: finds every {@link RiverMagic} (ServiceLoader), parses a magic line with
 * picocli, and runs the magic. {@code %river help} lists what is installed; a wrong argument raises a
 * {@link MagicException} carrying the magic's usage.
 *
 * <pre>{@code
 * Magics magics = Magics.load();
 * Object shown = magics.run("start 2", null, context);          // %river start 2
 * Object forked = magics.run("fork", "hostName()", context);    // %%river fork, with its cell body
 * }</pre>
 */
public final class Magics {
    /** What a kernel-level magic (not a %river subcommand) looks like in {@code %river help}. */
    public record Other(String usage, String description) {}

    private final Map<String, Class<? extends RiverMagic>> primary = new LinkedHashMap<>();
    private final Map<String, String> aliases = new LinkedHashMap<>();   // alias -> primary name
    private final List<Other> others = new ArrayList<>();

    /** The magics found on the class path of this module and of the thread's context class loader. */
    public static Magics load() {
        Magics m = new Magics();
        ClassLoader own = Magics.class.getClassLoader();
        for (var p : ServiceLoader.load(RiverMagic.class, own).stream().toList()) m.register(p.type());
        ClassLoader ctx = Thread.currentThread().getContextClassLoader();
        if (ctx != null && ctx != own) {
            for (var p : ServiceLoader.load(RiverMagic.class, ctx).stream().toList()) {
                if (!m.primary.containsValue(p.type())) m.register(p.type());
            }
        }
        return m;
    }

    /** Adds a magic (a picocli {@code @Command} class implementing {@link RiverMagic}). */
    public Magics register(Class<? extends RiverMagic> type) {
        CommandLine.Command c = type.getAnnotation(CommandLine.Command.class);
        if (c == null || c.name().isEmpty() || c.name().equals("<main class>")) {
            throw new IllegalArgumentException(type.getName() + " needs @Command(name = ...) to be a magic");
        }
        if (primary.containsKey(c.name()) || aliases.containsKey(c.name())) {
            throw new IllegalArgumentException("two magics named " + c.name() + ": " + type.getName() + " and " + primary.get(c.name()));
        }
        primary.put(c.name(), type);
        for (String a : c.aliases()) aliases.put(a, c.name());
        return this;
    }

    /** Lists a magic of the kernel itself (such as {@code %classpath}) in {@code %river help}. */
    public Magics describe(String usage, String description) {
        others.add(new Other(usage, description));
        return this;
    }

    /** The names of the installed magics, aliases excluded. */
    public List<String> names() {
        return List.copyOf(primary.keySet());
    }

    /**
     * Runs {@code %river ARGS} ({@code body == null}) or {@code %%river ARGS} with the cell's {@code body}.
     *
     * @return the value to show (null for nothing)
     * @throws MagicException for a wrong use, with the usage to show
     */
    public Object run(String args, String body, MagicContext context) throws Exception {
        List<String> words = MagicSyntax.split(args);
        if (words.isEmpty() || words.get(0).equals("help") || words.get(0).equals("--help") || words.get(0).equals("-h")) {
            if (words.size() > 1) return Rich.text(usage(resolve(words.get(1))));
            return help();
        }
        String name = resolve(words.get(0));
        CommandLine cl = commandLine(name);
        RiverMagic magic = cl.getCommand();
        String usage = cl.getUsageMessage(CommandLine.Help.Ansi.OFF);
        try {
            CommandLine.ParseResult parsed = cl.parseArgs(words.subList(1, words.size()).toArray(String[]::new));
            if (parsed.isUsageHelpRequested()) return Rich.text(usage);
        } catch (CommandLine.ParameterException e) {
            throw new MagicException(e.getMessage(), usage);
        }
        String prefix = magic.cellMagic() ? "%%river " : "%river ";
        if (magic.cellMagic() && body == null) {
            throw new MagicException(name + " is a cell magic: put %%river " + name + " ... on the first line of a cell,"
                    + " and the code it runs below it", usage);
        }
        if (!magic.cellMagic() && body != null) {
            throw new MagicException(name + " is a line magic: write %river " + name + " ... (one %), code may follow on the next lines", usage);
        }
        try {
            return magic.run(body == null ? context : new WithBody(context, body));
        } catch (IllegalArgumentException e) {
            throw new MagicException(prefix + name + ": " + e.getMessage(), usage);
        }
    }

    private String resolve(String name) {
        if (primary.containsKey(name)) return name;
        if (aliases.containsKey(name)) return aliases.get(name);
        String near = closest(name);
        throw new MagicException("unknown magic '%river " + name + "'" + (near == null ? "" : "; did you mean '" + near + "'?")
                + " (%river help lists them)", helpText());
    }

    private String closest(String name) {
        String best = null;
        int bestD = Integer.MAX_VALUE;
        List<String> all = new ArrayList<>(primary.keySet());
        all.addAll(aliases.keySet());
        for (String n : all) {
            int d = distance(name, n);
            if (d < bestD) {
                bestD = d;
                best = n;
            }
        }
        return bestD <= Math.max(2, name.length() / 3) ? best : null;
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private CommandLine commandLine(String name) {
        Class<? extends RiverMagic> type = primary.get(name);
        RiverMagic instance;
        try {
            instance = type.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create magic " + type.getName() + " (it needs a public no-argument constructor)", e);
        }
        CommandLine cl = new CommandLine(instance);
        cl.setCommandName((instance.cellMagic() ? "%%river " : "%river ") + name);
        CommandSpec spec = cl.getCommandSpec();
        if (spec.findOption("--help") == null) {
            spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true).description("Show this help.").build());
        }
        spec.usageMessage().width(100);
        return cl;
    }

    /** The usage of one magic. */
    public String usage(String name) {
        return commandLine(resolve(name)).getUsageMessage(CommandLine.Help.Ansi.OFF);
    }

    /** {@code %river help}: every installed magic with its one-line description. */
    public Rich help() {
        Table t = new Table("magic", "does");
        for (var e : primary.entrySet()) {
            CommandLine cl = commandLine(e.getKey());
            String synopsis = cl.getHelp().synopsis(0).strip().replaceAll("\\s+", " ").replace(" [-h]", "");
            String[] desc = cl.getCommandSpec().usageMessage().description();
            String names = String.join(" / ", aliasesOf(e.getKey()));
            // descriptions are picocli format strings: %% is a percent sign
            t.row(synopsis + (names.isEmpty() ? "" : "  (also: " + names + ")"), desc.length == 0 ? "" : desc[0].replace("%%", "%"));
        }
        t.row("%river help [MAGIC]", "This list, or the usage of one magic (also: %river MAGIC --help).");
        for (Other o : others) t.row(o.usage(), o.description());
        t.caption("Every magic is sugar for plain Java in a cell: see docs/kernel.md.");
        return t.toRich();
    }

    private String helpText() {
        return help().text();
    }

    private List<String> aliasesOf(String name) {
        List<String> out = new ArrayList<>();
        aliases.forEach((a, p) -> {
            if (p.equals(name)) out.add(a);
        });
        return out;
    }

    /**
     * Completions for {@code %river ARGS} with the cursor at {@code cursor} in {@code args}: magic names
     * for the first word, then the magic's option names.
     */
    public List<String> complete(String args, int cursor) {
        String upto = args.substring(0, Math.min(cursor, args.length()));
        int start = upto.lastIndexOf(' ') + 1;
        String word = upto.substring(start);
        TreeSet<String> out = new TreeSet<>();
        if (upto.substring(0, start).isBlank()) {
            for (String n : primary.keySet()) if (n.startsWith(word)) out.add(n);
            for (String n : aliases.keySet()) if (n.startsWith(word)) out.add(n);
            if ("help".startsWith(word)) out.add("help");
            return List.copyOf(out);
        }
        String first = upto.strip().split("\\s+")[0];
        String name = primary.containsKey(first) ? first : aliases.get(first);
        if (name == null) return List.of();
        if (first.equals("help")) return List.of();
        for (OptionSpec o : commandLine(name).getCommandSpec().options()) {
            for (String n : o.names()) if (n.startsWith("--") && n.startsWith(word)) out.add(n);
        }
        return List.copyOf(out);
    }

    /** The context seen by a cell magic: the same, with the body. */
    private record WithBody(MagicContext inner, String body) implements MagicContext {
        @Override public Session session() { return inner.session(); }
        @Override public Object evaluate(String expression) { return inner.evaluate(expression); }
        @Override public String returningBlock(String code) { return inner.returningBlock(code); }
        @Override public String returnType(String name, int arity) { return inner.returnType(name, arity); }
        @Override public void define(String name, String type, Object value) { inner.define(name, type, value); }
        @Override public <T> List<T> variables(Class<T> type) { return inner.variables(type); }
        @Override public <T> T function(String fn, Class<T> type, int arity, List<String> targetTypes) {
            return inner.function(fn, type, arity, targetTypes);
        }
        @Override public List<Class<?>> definitions(String name) { return inner.definitions(name); }
        @Override public String cellBody() { return body; }
        @Override public Display display() { return inner.display(); }
        @Override public java.io.PrintStream out() { return inner.out(); }
    }
}
