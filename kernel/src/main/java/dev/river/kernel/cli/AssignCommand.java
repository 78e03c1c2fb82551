package dev.river.kernel.cli;

import dev.river.kernel.course.Assignment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code river assign SOURCE.ipynb [-o STUDENT.ipynb]}: the student version of a course assignment. */
@Command(name = "assign", mixinStandardHelpOptions = true,
        description = "Make the student version of a course assignment: solutions become // YOUR CODE HERE, hidden tests"
                + " are removed, outputs cleared (see docs/course.md).")
final class AssignCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SOURCE.ipynb", description = "the instructor's notebook")
    Path source;

    @Option(names = {"-o", "--output"}, paramLabel = "STUDENT.ipynb",
            description = "where to write it (default: student/SOURCE.ipynb next to the source)")
    Path output;

    @Override
    public Integer call() throws Exception {
        Assignment a = Assignment.read(source);        // a marker error stops here, before anything is written
        Path out = output != null ? output
                : source.toAbsolutePath().getParent().resolve("student").resolve(source.getFileName());
        if (out.toAbsolutePath().normalize().equals(source.toAbsolutePath().normalize())) {
            throw new IllegalArgumentException("the student version would overwrite the source " + source + "; give -o");
        }
        a.writeStudentVersion(out);
        System.out.println("wrote " + out + " (" + a.tests().size() + " tests, " + a.maxPoints() + " points)");
        return 0;
    }
}
