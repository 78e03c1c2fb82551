package dev.river.kernel.cli;

import dev.river.kernel.course.Assignment;
import dev.river.kernel.course.CourseFolder;
import dev.river.kernel.course.Grader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code river grade SOURCE.ipynb SUBMISSION.ipynb... | river grade COURSE [--assignment NAME]} with {@code [--out DIR] [--timeout S] [--jobs N] [--memory SIZE] [--output-limit BYTES]}. */
@Command(name = "grade", mixinStandardHelpOptions = true,
        description = "Grade students' notebooks against the source's tests on the River kernel (see docs/course.md).")
final class GradeCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SOURCE.ipynb|COURSE",
            description = "the instructor's notebook, or a course folder in nbgrader's layout (source/, submitted/)")
    Path source;

    @Parameters(index = "1..*", arity = "0..*", paramLabel = "SUBMISSION.ipynb", description = "the students' notebooks")
    List<Path> submissions = List.of();

    @Option(names = "--assignment", paramLabel = "NAME", description = "in a course folder: grade this assignment only (default: all)")
    String assignment;

    @Option(names = "--out", paramLabel = "DIR", description = "where grades.csv and the feedback pages go (default: ${DEFAULT-VALUE})")
    Path out = Path.of("graded");

    @Option(names = "--timeout", paramLabel = "S", description = "seconds per submission (default: ${DEFAULT-VALUE})")
    long timeout = 300;

    @Option(names = {"--jobs", "-j"}, paramLabel = "N",
            description = "submissions graded at once, each on its own kernel and engines (default: one per two cores, here ${DEFAULT-VALUE})")
    int jobs = Grader.defaultJobs();

    @Option(names = "--memory", paramLabel = "SIZE", description = "heap of each submission's kernel and engines (default: ${DEFAULT-VALUE})")
    String memory = "1g";

    @Option(names = "--output-limit", paramLabel = "BYTES",
            description = "output a submission may print before the cell printing is cut (default: ${DEFAULT-VALUE})")
    long outputLimit = 4L << 20;

    @Option(names = "--no-progress-bar", description = "plain progress lines even on a terminal")
    boolean noBar;

    @Override
    public Integer call() throws Exception {
        String python = Jupyter.python();
        Path script = Jupyter.script("grade_notebook.py");
        if (Files.isDirectory(source)) {
            if (!submissions.isEmpty()) throw new IllegalArgumentException("a course folder is graded from its submitted/ folder; give no SUBMISSIONs");
            CourseFolder course = new CourseFolder(source);
            List<String> names = assignment != null ? List.of(assignment) : course.assignments();
            for (String name : names) {
                System.out.println("assignment " + name);
                List<CourseFolder.Row> rows = course.grade(name, a -> grader(a, python, script));
                System.out.println("assignment " + name + ": " + rows.size() + " gradebook row(s)");
            }
            System.out.println("wrote " + source.resolve("autograded") + ", " + source.resolve("feedback") + " and "
                    + source.resolve("gradebook.csv") + " (and .json)");
            return 0;
        }
        if (submissions.isEmpty()) throw new IllegalArgumentException("give the SUBMISSION notebooks to grade after " + source);
        grader(Assignment.read(source), python, script).out(out).grade(submissions);
        return 0;
    }

    private Grader grader(Assignment a, String python, Path script) {
        Grader g = new Grader(a, python, script).timeout(Duration.ofSeconds(timeout)).jobs(jobs).memory(memory).outputLimit(outputLimit);
        if (noBar) g.progressBar(false);
        return g;
    }
}
