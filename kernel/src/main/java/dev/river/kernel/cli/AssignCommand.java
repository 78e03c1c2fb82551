package dev.river.kernel.cli;

import dev.river.kernel.course.Assignment;
import dev.river.kernel.course.CourseFolder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code river assign SOURCE.ipynb [-o STUDENT.ipynb]} or {@code river assign COURSE [ASSIGNMENT]} (source/ to release/): student versions. */
@Command(name = "assign", mixinStandardHelpOptions = true,
        description = "Make the student version of a course assignment: solutions become // YOUR CODE HERE, hidden tests"
                + " are removed, outputs cleared (see docs/course.md).")
final class AssignCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SOURCE.ipynb|COURSE",
            description = "the instructor's notebook, or a course folder in nbgrader's layout (source/<assignment>/)")
    Path source;

    @Parameters(index = "1", arity = "0..1", paramLabel = "ASSIGNMENT", description = "in a course folder: this assignment only (default: all)")
    String assignment;

    @Option(names = {"-o", "--output"}, paramLabel = "STUDENT.ipynb",
            description = "where to write it (default: student/SOURCE.ipynb next to the source)")
    Path output;

    @Override
    public Integer call() throws Exception {
        if (java.nio.file.Files.isDirectory(source)) {
            CourseFolder course = new CourseFolder(source);
            for (String name : assignment != null ? java.util.List.of(assignment) : course.assignments()) {
                for (Path p : course.release(name)) System.out.println("wrote " + p);
            }
            return 0;
        }
        if (assignment != null) throw new IllegalArgumentException("ASSIGNMENT is for a course folder; " + source + " is a notebook");
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
