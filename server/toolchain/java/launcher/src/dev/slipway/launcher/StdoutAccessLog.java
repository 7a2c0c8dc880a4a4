package dev.slipway.launcher;

import java.io.CharArrayWriter;
import org.apache.catalina.valves.AbstractAccessLogValve;

/**
 * One access log line per request on stdout: {@code @slipway access METHOD PATH STATUS BYTES MS}.
 * The path is the raw request URI without its query string (queries may carry tokens), so it never
 * contains a space.
 */
final class StdoutAccessLog extends AbstractAccessLogValve {
    private final Control control;

    StdoutAccessLog(Control control) {
        this.control = control;
        setPattern("%m %U %s %B %{ms}T");
        setAsyncSupported(true);
    }

    @Override
    protected void log(CharArrayWriter message) {
        control.line("access " + message);
    }
}
