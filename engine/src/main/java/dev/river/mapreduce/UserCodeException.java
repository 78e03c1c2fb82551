package dev.river.mapreduce;

/**
 * Internal carrier: the user's map, combine, reduce, partition or key-order function threw. It
 * crosses River's own code unchanged, so the VR reports it as the user's failure (with the user's
 * stack trace) rather than as a failure of the job machinery.
 */
final class UserCodeException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final String function;

    UserCodeException(String function, Throwable cause) {
        super(function + " threw " + cause, cause, false, false);
        this.function = function;
    }
}
