package dev.slipway.launcher;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The launcher's command line: {@code --name value} pairs, all paths as seen inside the sandbox.
 *
 * @param mode what this JVM does
 * @param webapp the build output the app is served from (exploded web app)
 * @param socket the Unix socket to serve HTTP on (not in build mode)
 * @param baseDir Tomcat's scratch folder (work dir, session store)
 * @param layout where the sources are (compiling modes only)
 */
record LauncherOptions(Mode mode, Path webapp, Path socket, Path baseDir, BuildLayout layout) {

    /** What a launcher JVM is for. */
    enum Mode {
        /** Tomcat plus the warm compiler: a developer's live preview. */
        PREVIEW,
        /** Tomcat only, serving a finished build. */
        PRODUCTION,
        /** The compiler only, for one cold build: no HTTP at all. */
        BUILD;

        boolean serves() {
            return this != BUILD;
        }

        boolean compiles() {
            return this != PRODUCTION;
        }
    }

    static LauncherOptions parse(String[] args) {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --name value pairs, got " + args[i]);
            }
            values.put(args[i].substring(2), args[i + 1]);
        }
        Mode mode = Mode.valueOf(required(values, "mode").toUpperCase(Locale.ROOT));
        Path webapp = Path.of(required(values, "webapp"));
        Path socket = mode.serves() ? Path.of(required(values, "socket")) : null;
        Path baseDir = Path.of(values.getOrDefault("base-dir", "/tmp/tomcat"));
        BuildLayout layout = null;
        if (mode.compiles()) {
            Path project = Path.of(required(values, "project"));
            layout = new BuildLayout(
                    project,
                    project.resolve(values.getOrDefault("sources", "src/main/java")),
                    project.resolve(values.getOrDefault("resources", "src/main/resources")),
                    project.resolve(values.getOrDefault("webapp-sources", "src/main/webapp")),
                    webapp,
                    paths(values.getOrDefault("compile-classpath", "")));
        }
        return new LauncherOptions(mode, webapp, socket, baseDir, layout);
    }

    private static String required(Map<String, String> values, String name) {
        String value = values.get(name);
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("missing --" + name);
        }
        return value;
    }

    private static List<Path> paths(String list) {
        List<Path> paths = new ArrayList<>();
        for (String entry : list.split(":")) {
            if (!entry.isEmpty()) {
                paths.add(Path.of(entry));
            }
        }
        return List.copyOf(paths);
    }

    /**
     * Where a build reads and writes.
     *
     * @param project the project root (read-only)
     * @param sources Java sources ({@code src/main/java})
     * @param resources files copied into {@code WEB-INF/classes} ({@code src/main/resources})
     * @param webappSources static files, {@code WEB-INF/web.xml} and {@code WEB-INF/lib}
     * @param output the exploded web app this build writes
     * @param platformClassPath the servlet API and other jars the platform provides
     */
    record BuildLayout(
            Path project, Path sources, Path resources, Path webappSources, Path output, List<Path> platformClassPath) {

        Path classes() {
            return output.resolve("WEB-INF/classes");
        }

        /** Classes compiled elsewhere that the project ships in its web app (no sources needed). */
        Path prebuiltClasses() {
            return webappSources.resolve("WEB-INF/classes");
        }

        /** Where a file of WEB-INF/classes comes from: src/main/resources wins over prebuilt classes. */
        Path classpathFile(String name) {
            Path resource = resources.resolve(name);
            return Files.isRegularFile(resource) ? resource : prebuiltClasses().resolve(name);
        }

        /** A path relative to the project, with forward slashes, as the IDE names files. */
        String projectRelative(Path file) {
            return project.relativize(file).toString().replace('\\', '/');
        }
    }
}
