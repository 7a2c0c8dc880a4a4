package dev.slipway.launcher;

import com.sun.source.util.JavacTask;
import com.sun.source.util.TaskEvent;
import com.sun.source.util.TaskListener;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.tools.Diagnostic;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.StandardLocation;
import javax.tools.ToolProvider;

/**
 * A {@code javax.tools} compiler kept warm in this JVM: class files are compiled into memory, so a
 * compile that fails or is cancelled has written nothing anywhere.
 */
final class SourceCompiler {
    /**
     * {@code -proc:none}: annotation processors would run the project's code here, outside the
     * app. {@code -implicit:none} with an empty source path: only the files asked for are compiled;
     * everything else is read from the previous build's classes.
     *
     * <p>Apps target Java 17. On a JDK 17 (the one the app runs on) we compile against the running
     * JDK's own modules instead of {@code --release 17}: same class file version and the same
     * exported API (module encapsulation applies either way), but a warm compile takes about half
     * the time (measured 20–30 ms instead of 50–60 ms for one servlet), because {@code --release}
     * makes every task set up its ct.sym platform anew. On any other JDK, {@code --release 17}.
     */
    private static final List<String> OPTIONS = options();

    private static List<String> options() {
        List<String> options = new ArrayList<>(List.of(
                "-g", "-proc:none", "-implicit:none", "-encoding", "UTF-8",
                "-Xlint:all,-serial,-processing,-path", "-Xmaxerrs", "200", "-Xmaxwarns", "200"));
        if (Runtime.version().feature() != 17) {
            options.addAll(List.of("--release", "17"));
        }
        return List.copyOf(options);
    }

    private final JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    private final LauncherOptions.BuildLayout layout;
    private StandardJavaFileManager fileManager;
    private Object fileManagerJars;

    SourceCompiler(LauncherOptions.BuildLayout layout) {
        this.layout = layout;
    }

    /** What one compile produced. */
    record Outcome(
            boolean ok,
            Map<String, byte[]> classFiles,
            Map<Path, Set<String>> classFilesBySource,
            Map<Path, String> apiBySource,
            Map<Path, List<CompileDiagnostic>> diagnosticsBySource,
            List<CompileDiagnostic> otherDiagnostics) {}

    /**
     * Compiles {@code sources} against {@code classPath}.
     *
     * @param jars what identifies the version of the jars on the class path (their stamps)
     * @throws CancelToken.Cancelled when the token was cancelled meanwhile
     */
    Outcome compile(List<Path> sources, List<Path> classPath, Object jars, CancelToken token) throws IOException {
        StandardJavaFileManager standard = fileManager(jars);
        standard.setLocationFromPaths(StandardLocation.CLASS_PATH, classPath);
        standard.setLocationFromPaths(StandardLocation.SOURCE_PATH, List.of());
        MemoryOutput output = new MemoryOutput(standard);
        Map<Path, List<String>> api = new HashMap<>();
        Map<Path, List<CompileDiagnostic>> bySource = new LinkedHashMap<>();
        List<CompileDiagnostic> other = new ArrayList<>();
        boolean[] errors = {false};
        JavacTask task = (JavacTask) compiler.getTask(null, output, diagnostic -> {
            CompileDiagnostic converted = CompileDiagnostic.of(diagnostic, layout);
            errors[0] |= diagnostic.getKind() == Diagnostic.Kind.ERROR;
            Path source = sourcePath(diagnostic.getSource());
            if (source == null) {
                other.add(converted);
            } else {
                bySource.computeIfAbsent(source, key -> new ArrayList<>()).add(converted);
            }
        }, OPTIONS, null, standard.getJavaFileObjectsFromPaths(sources));
        task.addTaskListener(new TaskListener() {
            @Override
            public void started(TaskEvent event) {
                token.check();
            }

            @Override
            public void finished(TaskEvent event) {
                token.check();
                if (event.getKind() == TaskEvent.Kind.ANALYZE && event.getTypeElement() != null) {
                    Path source = sourcePath(event.getSourceFile());
                    String signature = ApiSignature.of(event.getTypeElement(), task.getElements());
                    api.computeIfAbsent(source, key -> new ArrayList<>()).add(signature);
                }
            }
        });
        boolean ok;
        try {
            ok = task.call() && !errors[0];
        } catch (RuntimeException e) {
            // A listener's exception comes back wrapped; a cancel is the only one we throw.
            token.check();
            throw e;
        }
        token.check();
        Map<Path, String> apiBySource = new HashMap<>();
        // Sorted, so a file's signature does not depend on the order javac analysed its classes in.
        api.forEach((source, signatures) ->
                apiBySource.put(source, signatures.stream().sorted().reduce("", String::concat)));
        return new Outcome(ok, output.classFiles, output.classFilesBySource, apiBySource, bySource, other);
    }

    /**
     * Reuses one file manager, whose opened jars stay warm, until a jar changes: it would keep
     * serving the old jar's index.
     */
    private StandardJavaFileManager fileManager(Object jars) throws IOException {
        if (fileManager == null || !fileManagerJars.equals(jars)) {
            if (fileManager != null) {
                fileManager.close();
            }
            fileManager = compiler.getStandardFileManager(null, Locale.ROOT, StandardCharsets.UTF_8);
            fileManagerJars = jars;
        }
        return fileManager;
    }

    private static Path sourcePath(JavaFileObject source) {
        return source == null ? null : Path.of(source.toUri());
    }

    /** Keeps generated class files in memory, remembering which source produced which class. */
    private static final class MemoryOutput extends ForwardingJavaFileManager<StandardJavaFileManager> {
        final Map<String, byte[]> classFiles = new HashMap<>();
        final Map<Path, Set<String>> classFilesBySource = new HashMap<>();

        MemoryOutput(StandardJavaFileManager standard) {
            super(standard);
        }

        @Override
        public JavaFileObject getJavaFileForOutput(
                Location location, String className, JavaFileObject.Kind kind, FileObject sibling) {
            String relative = className.replace('.', '/') + kind.extension;
            if (sibling != null) {
                classFilesBySource.computeIfAbsent(Path.of(sibling.toUri()), key -> new TreeSet<>()).add(relative);
            }
            return new SimpleJavaFileObject(URI.create("mem:///" + relative), kind) {
                @Override
                public OutputStream openOutputStream() {
                    return new ByteArrayOutputStream() {
                        @Override
                        public void close() {
                            classFiles.put(relative, toByteArray());
                        }
                    };
                }
            };
        }
    }
}
