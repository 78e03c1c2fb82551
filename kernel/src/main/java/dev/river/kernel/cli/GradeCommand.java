package dev.river.kernel.cli;

import dev.river.kernel.course.Assignment;
import dev.river.kernel.course.Grader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code river grade SOURCE.ipynb SUBMISSION.ipynb... [--out DIR] [--timeout S] [--jobs N] [--memory SIZE] [--output-limit BYTES]}. */
@Command(name = "grade", mixinStandardHelpOptions = true,
        description = "Grade students' notebooks against the source's tests on the River kernel (see docs/course.md).")
final class GradeCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SOURCE.ipynb", description = "the instructor's notebook")
    Path source;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "SUBMISSION.ipynb", description = "the students' notebooks")
    List<Path> submissions;

    @Option(names = "--out", paramLabel = "DIR", description = "where grades.csv and the feedback pages go (default: ${DEFAULT-VALUE})")
    Path out = Path.of("graded");

    @Option(names = "--timeout", paramLabel = "S", description = "seconds per submission (default: ${DEFAULT-VALUE})")
    long timeout = 300;

    @Option(names = {"--jobs", "-j"}, paramLabel = "N",
            description = "submissions graded at once, each on its own kernel and engines (default: the machine's cores, ${DEFAULT-VALUE})")
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
        Assignment a = Assignment.read(source);
        Grader g = new Grader(a, Jupyter.python(), Jupyter.script("grade_notebook.py"))
                .timeout(Duration.ofSeconds(timeout)).out(out).jobs(jobs).memory(memory).outputLimit(outputLimit);
        if (noBar) g.progressBar(false);
        g.grade(submissions);
        return 0;
    }
}
