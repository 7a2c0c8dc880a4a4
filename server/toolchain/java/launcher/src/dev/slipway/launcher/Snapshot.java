package dev.slipway.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * The inputs of one build, read at one moment.
 *
 * @param sources every {@code .java} file → checksum of its content (content, not modification
 *     time: two saves inside one kernel clock tick can share a timestamp)
 * @param resources files for {@code WEB-INF/classes} by relative path: {@code src/main/resources}
 *     and the classes the web app ships prebuilt in its own {@code WEB-INF/classes}
 * @param libraries the project's {@code WEB-INF/lib} jars by name (a changed jar means a full build)
 */
record Snapshot(
        Map<Path, Long> sources, Map<String, OutputTree.Stamp> resources, Map<String, OutputTree.Stamp> libraries) {

    static Snapshot scan(LauncherOptions.BuildLayout layout) throws IOException {
        Map<Path, Long> sources = new TreeMap<>();
        for (String name : OutputTree.files(layout.sources(), Snapshot::notJavaSource).keySet()) {
            Path file = layout.sources().resolve(name);
            CRC32C checksum = new CRC32C();
            checksum.update(Files.readAllBytes(file));
            sources.put(file, checksum.getValue());
        }
        Map<String, OutputTree.Stamp> resources = new TreeMap<>(OutputTree.files(layout.prebuiltClasses(), name -> false));
        resources.putAll(OutputTree.files(layout.resources(), name -> false));
        Map<String, OutputTree.Stamp> libraries =
                OutputTree.files(layout.webappSources().resolve("WEB-INF/lib"), Snapshot::notTopLevelJar);
        return new Snapshot(sources, resources, libraries);
    }

    /** The compile class path: the platform's jars, the project's jars, then optionally earlier classes. */
    List<Path> classPath(LauncherOptions.BuildLayout layout, boolean withPreviousClasses) {
        List<Path> path = new ArrayList<>(layout.platformClassPath());
        for (String jar : libraries.keySet()) {
            path.add(layout.webappSources().resolve("WEB-INF/lib").resolve(jar));
        }
        if (Files.isDirectory(layout.prebuiltClasses())) {
            path.add(layout.prebuiltClasses());
        }
        if (withPreviousClasses && Files.isDirectory(layout.classes())) {
            path.add(layout.classes());
        }
        return path;
    }

    private static boolean notJavaSource(String name) {
        return !name.endsWith("/") && !name.endsWith(".java");
    }

    private static boolean notTopLevelJar(String name) {
        return name.endsWith("/") || !name.endsWith(".jar");
    }
}
