package dev.river.kernel.cli;

import dev.river.kernel.course.Assignment;
import dev.river.kernel.course.Grade;
import dev.river.kernel.course.Grader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code river bench grade}: grades N copies of a course assignment (half its solved source, half its
 * blank student version) with {@code --jobs}, then the same batch one at a time ({@code --jobs 1}) as the
 * baseline, checks both give the same scores, and prints seconds per submission (amortised, p50, p99),
 * wall times and the machine's load.
 */
@Command(name = "grade", mixinStandardHelpOptions = true,
        description = "Benchmark river grade: N copies (half solved, half blank) with --jobs, and one at a time as the baseline.")
final class GradeBenchCommand implements Callable<Integer> {
    @Option(names = "-n", paramLabel = "N", description = "submissions to grade (default: ${DEFAULT-VALUE})")
    int n = 40;

    @Option(names = "--jobs", paramLabel = "J", description = "submissions at once in the fast run (default: river grade's, at least 2; here ${DEFAULT-VALUE})")
    int jobs = Math.max(2, Grader.defaultJobs());

    @Option(names = "--source", paramLabel = "SOURCE.ipynb",
            description = "the assignment (default: notebooks/course/01-sfm-messaging.ipynb of this checkout)")
    Path source;

    @Option(names = "--no-baseline", description = "skip the one-at-a-time run")
    boolean noBaseline;

    @Override
    public Integer call() throws Exception {
        if (n < 2) throw new IllegalArgumentException("-n needs at least 2 submissions, not " + n);
        Path src = source != null ? source : Path.of(System.getProperty("river.home", "."), "notebooks", "course", "01-sfm-messaging.ipynb");
        if (!Files.isRegularFile(src)) throw new IllegalArgumentException("no assignment at " + src + "; give --source");
        Assignment a = Assignment.read(src);
        Path dir = Files.createTempDirectory("river-bench-grade-");
        try {
            Path blank = dir.resolve("blank.ipynb");
            a.writeStudentVersion(blank);
            List<Path> subs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Path p = dir.resolve(String.format(Locale.ROOT, "%s-%02d.ipynb", i % 2 == 0 ? "solved" : "blank", i));
                Files.copy(i % 2 == 0 ? src : blank, p);
                subs.add(p);
            }
            String python = Jupyter.python();
            Path script = Jupyter.script("grade_notebook.py");
            double load0 = load();
            Run fast = run(a, python, script, subs, jobs, dir.resolve("fast"));
            double load1 = load();
            Run base = noBaseline ? null : run(a, python, script, subs, 1, dir.resolve("one"));
            double load2 = load();
            System.out.printf(Locale.ROOT, "river grade, %d submissions of %s (%d solved, %d blank); %d cores, Java %s%n", n,
                    src.getFileName(), (n + 1) / 2, n / 2, Runtime.getRuntime().availableProcessors(), Runtime.version());
            print("--jobs " + jobs, fast, load0, load1);
            if (base != null) {
                print("--jobs 1 (baseline)", base, load1, load2);
                System.out.printf(Locale.ROOT, "  speed-up of --jobs %d over --jobs 1: %.2fx (amortised s/submission, baseline / fast)%n",
                        jobs, base.wall / fast.wall);
                List<String> diff = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    if (!scores(fast.grades.get(i)).equals(scores(base.grades.get(i)))) {
                        diff.add(subs.get(i).getFileName() + ": " + scores(fast.grades.get(i)) + " vs " + scores(base.grades.get(i)));
                    }
                }
                System.out.println(diff.isEmpty() ? "  scores: identical in both runs" : "  scores DIFFER: " + diff);
                if (!diff.isEmpty()) return 1;
            }
            return 0;
        } finally {
            try (var w = Files.walk(dir)) {
                for (Path p : w.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
    }

    private record Run(List<Grade> grades, double wall, int[] engines) {}

    private static Run run(Assignment a, String python, Path script, List<Path> subs, int jobs, Path out) throws Exception {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        Grader g = new Grader(a, python, script).timeout(Duration.ofSeconds(120)).out(out).jobs(jobs).progressBar(false)
                .progress(new PrintStream(sink, true, StandardCharsets.UTF_8));
        System.err.println("grading " + subs.size() + " submissions with --jobs " + jobs + "...");
        long t0 = System.nanoTime();
        List<Grade> grades = g.grade(subs);
        return new Run(grades, (System.nanoTime() - t0) / 1e9, g.engineStats());
    }

    private static void print(String title, Run r, double loadBefore, double loadAfter) {
        double[] s = r.grades.stream().mapToDouble(Grade::seconds).sorted().toArray();
        int n = s.length;
        System.out.printf(Locale.ROOT, "%s%n", title);
        System.out.printf(Locale.ROOT, "  %-44s %8.2f%n", "wall time, s", r.wall);
        System.out.printf(Locale.ROOT, "  %-44s %8.2f%n", "amortised s per submission (wall / N)", r.wall / n);
        System.out.printf(Locale.ROOT, "  %-44s %8.2f%n", "s per submission, p50 (its own run)", s[(int) Math.floor(0.5 * (n - 1))]);
        System.out.printf(Locale.ROOT, "  %-44s %8.2f%n", "s per submission, p99 (its own run)", s[(int) Math.ceil(0.99 * (n - 1))]);
        System.out.printf(Locale.ROOT, "  %-44s %5d / %d%n", "engines reused / replaced", r.engines[0], r.engines[1]);
        System.out.printf(Locale.ROOT, "  %-44s %.2f -> %.2f%n", "load average (1 min) before -> after", loadBefore, loadAfter);
    }

    private static String scores(Grade g) {
        StringBuilder b = new StringBuilder();
        g.results().forEach((k, v) -> b.append(k).append('=').append(v.points()).append(' '));
        return b.toString().strip();
    }

    private static double load() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }
}
