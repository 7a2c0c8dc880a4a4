package dev.slipway.launcher;

/**
 * Entry point of every Java app instance and of cold builds. See {@link LauncherOptions} for the
 * command line, {@link ControlLoop} for the stdin control channel and {@link TomcatServer} for
 * how the app is served. Prints {@code @slipway ready {..}} once it listens.
 */
public final class TomcatLauncher {
    private TomcatLauncher() {}

    public static void main(String[] args) throws Exception {
        long started = System.nanoTime();
        LauncherOptions options = LauncherOptions.parse(args);
        ConsoleLogging.configure();
        Control control = new Control();
        AppBuilder builder = options.mode().compiles() ? new AppBuilder(options.layout()) : null;
        TomcatServer server = options.mode().serves() ? TomcatServer.start(options, control) : null;
        ControlLoop loop = new ControlLoop(control, builder, server);
        if (server != null) {
            Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "slipway-shutdown"));
            long millis = (System.nanoTime() - started) / 1_000_000;
            control.line("ready - " + new Json().put("app", server.appAvailable()).put("ms", millis));
        }
        if (options.mode() == LauncherOptions.Mode.PREVIEW) {
            loop.warmUp();
        }
        loop.run(System.in);
        loop.close();
        System.exit(0);
    }
}
