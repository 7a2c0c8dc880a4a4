package dev.slipway.launcher;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Reads commands from stdin, one per line: {@code compile ID}, {@code cancel ID},
 * {@code reload ID}, {@code ping ID}, {@code quit}. Replies are {@code @slipway compiled ID {..}},
 * {@code @slipway reloaded ID {..}}, {@code @slipway pong ID {}} or {@code @slipway error ID {..}}.
 *
 * <p>Compiles and reloads run one at a time on a worker thread, in order, so a reload never meets
 * half-installed classes; {@code cancel} is handled at once on the reading thread.
 */
final class ControlLoop {
    private static final Logger LOG = Logger.getLogger(ControlLoop.class.getName());
    /** The platform's request ids; anything else (an app echoing text) is not a command. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private final Control control;
    private final AppBuilder builder;
    private final TomcatServer server;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "slipway-build");
        thread.setDaemon(true);
        return thread;
    });
    private final Map<String, CancelToken> compiles = new ConcurrentHashMap<>();

    ControlLoop(Control control, AppBuilder builder, TomcatServer server) {
        this.control = control;
        this.builder = builder;
        this.server = server;
    }

    /** Queues a compile of everything in memory, ahead of the first request (see AppBuilder). */
    void warmUp() {
        worker.execute(() -> {
            try {
                builder.warmUp(new CancelToken());
            } catch (Exception | StackOverflowError e) {
                // Compile errors are results, not exceptions: this is a launcher bug.
                LOG.log(Level.WARNING, "the warm-up compile failed", e);
            }
        });
    }

    /** Handles commands until stdin closes or {@code quit}. */
    void run(InputStream input) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(input, StandardCharsets.UTF_8));
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            String[] words = line.strip().split(" ");
            String command = words[0];
            if (command.equals("quit")) {
                return;
            }
            String id = words.length == 2 ? words[1] : "";
            if (!ID.matcher(id).matches()) {
                control.reply("error", "-", new Json().put("message", "expected: <command> <id>"));
                continue;
            }
            switch (command) {
                case "compile" -> compile(id);
                case "cancel" -> {
                    CancelToken token = compiles.get(id);
                    if (token != null) {
                        token.cancel();
                    }
                }
                case "reload" -> reload(id);
                case "ping" -> control.reply("pong", id, new Json());
                default -> control.reply("error", id, new Json().put("message", "unknown command " + command));
            }
        }
    }

    /** Lets queued work finish (bounded), then stops the server. */
    void close() throws InterruptedException {
        worker.shutdown();
        worker.awaitTermination(30, TimeUnit.SECONDS);
        if (server != null) {
            server.stop();
        }
    }

    private void compile(String id) {
        if (builder == null) {
            control.reply("error", id, new Json().put("message", "this instance has no compiler"));
            return;
        }
        CancelToken token = new CancelToken();
        compiles.put(id, token);
        worker.execute(() -> {
            Json reply;
            try {
                reply = builder.build(token);
            } catch (CancelToken.Cancelled e) {
                reply = new Json().put("ok", false).put("cancelled", true);
            } catch (Exception | StackOverflowError e) {
                // javac can overflow its stack on deeply nested code; report, keep serving.
                LOG.log(Level.SEVERE, "the build failed", e);
                reply = new Json().put("ok", false).put("error", String.valueOf(e));
            } finally {
                compiles.remove(id);
            }
            control.reply("compiled", id, reply);
        });
    }

    private void reload(String id) {
        if (server == null) {
            control.reply("error", id, new Json().put("message", "this process serves no app"));
            return;
        }
        worker.execute(() -> {
            try {
                control.reply("reloaded", id, server.reload());
            } catch (Exception e) {
                LOG.log(Level.SEVERE, "the reload failed", e);
                control.reply("reloaded", id, new Json().put("ok", false).put("error", String.valueOf(e)));
            }
        });
    }
}
