package dev.slipway.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * File operations on the exploded web app that a build writes and Tomcat serves.
 *
 * <p>{@code WEB-INF/classes} is replaced as a whole: the next tree is assembled in a staging
 * folder (unchanged files hard-linked, so this stays cheap) and swapped in with two renames. A
 * failed or cancelled build never gets this far, so the last good classes stay in place; a build
 * killed between the two renames is repaired by {@link #recover} at the start of the next one.
 * Symbolic links in the project are never followed or copied.
 */
final class OutputTree {
    /** Internal folders and files; under WEB-INF, so Tomcat never serves them. */
    static final String STAGING = "WEB-INF/.slipway-staging";
    static final String PREVIOUS = "WEB-INF/.slipway-previous";
    static final String MARKER = "WEB-INF/.slipway-build";
    static final String CLASSES = "WEB-INF/classes";

    private OutputTree() {}

    /** Size and modification time; enough to notice a changed file between two saves. */
    record Stamp(long size, long modified) {
        static Stamp of(BasicFileAttributes attributes) {
            return new Stamp(attributes.size(), attributes.lastModifiedTime().toMillis());
        }
    }

    /** Puts back the classes of a build that was killed half-way through its swap. */
    static void recover(Path output) throws IOException {
        Path classes = output.resolve(CLASSES);
        Path previous = output.resolve(PREVIOUS);
        if (!Files.exists(classes, LinkOption.NOFOLLOW_LINKS) && Files.isDirectory(previous)) {
            Files.move(previous, classes, StandardCopyOption.ATOMIC_MOVE);
        }
        deleteTree(output.resolve(STAGING));
        deleteTree(previous);
    }

    /** Regular files below {@code root} (relative path → stamp), skipping links and what {@code skip} rejects. */
    static Map<String, Stamp> files(Path root, Predicate<String> skip) throws IOException {
        Map<String, Stamp> files = new TreeMap<>();
        if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            return files;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
                return dir.equals(root) || !skip.test(relative(root, dir) + "/")
                        ? FileVisitResult.CONTINUE
                        : FileVisitResult.SKIP_SUBTREE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                String name = relative(root, file);
                if (attributes.isRegularFile() && !skip.test(name)) {
                    files.put(name, Stamp.of(attributes));
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return files;
    }

    /**
     * Makes {@code target} mirror {@code source}, leaving alone the paths {@code skip} accepts:
     * copies new and changed files, deletes files the source no longer has.
     *
     * @return the relative paths that changed
     */
    static List<String> mirror(Path source, Path target, Predicate<String> skip) throws IOException {
        Map<String, Stamp> wanted = files(source, skip);
        Map<String, Stamp> present = files(target, skip);
        List<String> changed = new ArrayList<>();
        for (Map.Entry<String, Stamp> entry : wanted.entrySet()) {
            if (!entry.getValue().equals(present.get(entry.getKey()))) {
                copy(source.resolve(entry.getKey()), target.resolve(entry.getKey()));
                changed.add(entry.getKey());
            }
        }
        for (String name : present.keySet()) {
            if (!wanted.containsKey(name)) {
                Files.deleteIfExists(target.resolve(name));
                changed.add(name);
            }
        }
        return changed;
    }

    /**
     * Assembles the next {@code WEB-INF/classes} and swaps it in.
     *
     * @param link files of the current classes to keep (hard-linked, or copied where links fail)
     * @param write new class files
     * @param copy files to copy in from elsewhere (resources), by relative path
     */
    static void installClasses(Path output, Set<String> link, Map<String, byte[]> write, Map<String, Path> copy)
            throws IOException {
        Path classes = output.resolve(CLASSES);
        Path staging = output.resolve(STAGING);
        deleteTree(staging);
        Files.createDirectories(staging);
        for (String name : link) {
            Path target = staging.resolve(name);
            Files.createDirectories(target.getParent());
            try {
                Files.createLink(target, classes.resolve(name));
            } catch (UnsupportedOperationException | IOException e) {
                Files.copy(classes.resolve(name), target, StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
        for (Map.Entry<String, byte[]> entry : write.entrySet()) {
            Path target = staging.resolve(entry.getKey());
            Files.createDirectories(target.getParent());
            Files.deleteIfExists(target); // never write through a hard link into the live tree
            Files.write(target, entry.getValue());
        }
        for (Map.Entry<String, Path> entry : copy.entrySet()) {
            Path target = staging.resolve(entry.getKey());
            Files.createDirectories(target.getParent());
            Files.deleteIfExists(target);
            Files.copy(entry.getValue(), target, StandardCopyOption.COPY_ATTRIBUTES);
        }
        Path previous = output.resolve(PREVIOUS);
        deleteTree(previous);
        if (Files.exists(classes, LinkOption.NOFOLLOW_LINKS)) {
            Files.move(classes, previous, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(staging, classes, StandardCopyOption.ATOMIC_MOVE);
        deleteTree(previous);
    }

    static String readMarker(Path output) {
        try {
            return Files.readString(output.resolve(MARKER), StandardCharsets.UTF_8).strip();
        } catch (NoSuchFileException e) {
            return "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Records which build the classes, libraries and web.xml belong to (replaced atomically). */
    static void writeMarker(Path output, String buildId) throws IOException {
        Path marker = output.resolve(MARKER);
        Files.createDirectories(marker.getParent());
        Path temporary = marker.resolveSibling(".slipway-build.tmp");
        Files.writeString(temporary, buildId, StandardCharsets.UTF_8);
        Files.move(temporary, marker, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    /** Copies via a temporary name and a rename, so Tomcat never serves half a file. */
    private static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        Path temporary = to.resolveSibling(".slipway-" + to.getFileName() + ".tmp");
        Files.copy(from, temporary, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
        try {
            Files.move(temporary, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException | FileAlreadyExistsException e) {
            Files.move(temporary, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static String relative(Path root, Path file) {
        return root.relativize(file).toString().replace('\\', '/');
    }
}
