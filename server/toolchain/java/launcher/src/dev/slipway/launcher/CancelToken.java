package dev.slipway.launcher;

/** Lets the control channel stop a compile that a newer one superseded. */
final class CancelToken {
    private volatile boolean cancelled;

    void cancel() {
        cancelled = true;
    }

    boolean isCancelled() {
        return cancelled;
    }

    /** Throws {@link Cancelled} once {@link #cancel()} was called. */
    void check() {
        if (cancelled) {
            throw new Cancelled();
        }
    }

    /** Thrown out of the compiler's task listener to abandon a compile. */
    static final class Cancelled extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Cancelled() {
            super("cancelled", null, false, false);
        }
    }
}
