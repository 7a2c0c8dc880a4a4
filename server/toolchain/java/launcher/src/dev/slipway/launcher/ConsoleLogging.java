package dev.slipway.launcher;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.StreamHandler;
import java.util.logging.Logger;

/**
 * Sends java.util.logging (Tomcat's and the app's) to stderr, one line per record plus any stack
 * trace. Tomcat's own start-up chatter is held back to warnings; what the app logs through
 * {@code ServletContext.log} and the exceptions its servlets throw are kept.
 */
final class ConsoleLogging {
    /** The logger of the root context of the embedded server (engine "Tomcat", host "localhost"). */
    static final String APP_LOGGER = "org.apache.catalina.core.ContainerBase.[Tomcat].[localhost]";
    /** java.util.logging holds loggers weakly: a level set on a collected logger is lost. */
    private static final List<Logger> PINNED = new ArrayList<>();

    private ConsoleLogging() {}

    static void configure() {
        LogManager.getLogManager().reset();
        // Not a ConsoleHandler: Tomcat's JULI replaces the formatter of those with its own.
        StreamHandler handler = new StreamHandler(System.err, new OneLine()) {
            @Override
            public synchronized void publish(LogRecord record) {
                super.publish(record);
                flush();
            }
        };
        handler.setLevel(Level.ALL);
        Logger root = pin("");
        root.setLevel(Level.INFO);
        root.addHandler(handler);
        pin("org.apache").setLevel(Level.WARNING);
        pin(APP_LOGGER).setLevel(Level.INFO);
    }

    private static Logger pin(String name) {
        Logger logger = Logger.getLogger(name);
        PINNED.add(logger);
        return logger;
    }

    private static final class OneLine extends Formatter {
        @Override
        public String format(LogRecord record) {
            StringBuilder line = new StringBuilder(record.getLevel().getName()).append(' ')
                    .append(formatMessage(record)).append('\n');
            if (record.getThrown() != null) {
                StringWriter trace = new StringWriter();
                record.getThrown().printStackTrace(new PrintWriter(trace));
                line.append(trace);
            }
            return line.toString();
        }
    }
}
