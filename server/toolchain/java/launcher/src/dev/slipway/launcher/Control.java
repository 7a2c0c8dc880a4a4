package dev.slipway.launcher;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The launcher's half of the control channel: every line it prints for the platform starts with
 * {@link #PREFIX}. The app's own output goes through {@code System.out}, which buffers; these
 * lines go straight to file descriptor 1 in one write each, so a reply is never split by app
 * output that happens to be flushed at the same moment.
 */
final class Control {
    /** What every platform-bound line starts with. */
    static final String PREFIX = "@slipway ";

    private final OutputStream out = new FileOutputStream(FileDescriptor.out);

    /** Prints {@code @slipway <kind> <id> <json>}. */
    void reply(String kind, String id, Json body) {
        line(kind + " " + id + " " + body);
    }

    /** Prints {@code @slipway <text>}. */
    synchronized void line(String text) {
        byte[] bytes = (PREFIX + text.replace('\n', ' ') + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            out.write(bytes);
        } catch (IOException e) {
            // The platform closed our stdout: nobody is listening any more, and the instance
            // ends when its stdin closes too.
        }
    }
}
