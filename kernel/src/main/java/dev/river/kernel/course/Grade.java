package dev.river.kernel.course;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one submission earned: per test, passed or the error it raised.
 *
 * @param submission the submission's file name
 * @param results    per test NAME, in the assignment's order
 * @param problem    why grading stopped early or could not start (not a notebook, time limit, kernel died), or null
 * @param notes      remarks on the submission (a missing test run from the source, an extra test left out)
 * @param seconds    wall time spent on it
 */
public record Grade(String submission, Map<String, Result> results, String problem, List<String> notes, double seconds) {
    /** One test's outcome; {@code error} is null when it passed. */
    public record Result(int points, int max, String error, String errorType, String errorLine, String traceback) {
        public boolean passed() {
            return error == null && errorType == null;
        }
    }

    public int total() {
        return results.values().stream().mapToInt(Result::points).sum();
    }

    static Grade notGraded(String submission, Assignment a, String problem, double seconds) {
        Map<String, Result> r = new LinkedHashMap<>();
        for (Assignment.Test t : a.tests()) r.put(t.name(), new Result(0, t.points(), "not run", "NotGraded", null, null));
        return new Grade(submission, r, problem, List.of(), seconds);
    }
}
