package dev.slipway.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * Builds the exploded web app from the project: compiles what changed, mirrors the static files,
 * {@code WEB-INF/web.xml} and {@code WEB-INF/lib}, and installs the classes. Runs on one thread.
 *
 * <p>Incremental rule, correct first: recompile the changed files only; if any of them changed
 * what other files can see ({@link ApiSignature}), or a file was deleted, or the jars changed,
 * recompile everything. An edit inside a method body, the usual save, compiles one file.
 */
final class AppBuilder {
    private final LauncherOptions.BuildLayout layout;
    private final SourceCompiler compiler;
    /** What the current classes were built from; null means the next build compiles everything. */
    private State state;
    /** A full compile done ahead of time (warm-up), reusable while the sources stay the same. */
    private Snapshot pendingSnapshot;
    private SourceCompiler.Outcome pending;

    private record State(
            Snapshot snapshot,
            Map<Path, Set<String>> classFiles,
            Map<Path, String> api,
            Map<Path, List<CompileDiagnostic>> diagnostics,
            String buildId) {}

    private record Compiled(SourceCompiler.Outcome outcome, boolean full, Set<Path> sources) {}

    AppBuilder(LauncherOptions.BuildLayout layout) {
        this.layout = layout;
        this.compiler = new SourceCompiler(layout);
    }

    /** Builds; the reply says whether it worked and lists the diagnostics. */
    Json build(CancelToken token) throws IOException {
        long started = System.nanoTime();
        token.check();
        OutputTree.recover(layout.output());
        Snapshot snapshot = Snapshot.scan(layout);
        String marker = OutputTree.readMarker(layout.output());
        if (state != null && (!state.buildId().equals(marker)
                || !state.snapshot().libraries().equals(snapshot.libraries()))) {
            state = null; // someone else built into the output (a cold build), or the jars changed
        }
        long scanned = System.nanoTime();
        Compiled compiled = compile(snapshot, token);
        long compiledAt = System.nanoTime();
        List<CompileDiagnostic> diagnostics = diagnostics(compiled);
        Json reply = new Json().put("full", compiled.full()).put("compiled", compiled.sources().size())
                .put("sources", snapshot.sources().size()).put("scanMs", millisBetween(started, scanned))
                .put("compileMs", millisBetween(scanned, compiledAt));
        if (compiled.outcome() != null && !compiled.outcome().ok()) {
            return reply.put("ok", false).put("appChanged", false)
                    .put("ms", millisBetween(started, System.nanoTime()))
                    .put("diagnostics", diagnostics.stream().map(CompileDiagnostic::toJson).toList());
        }
        token.check();
        List<String> webChanges = OutputTree.mirror(layout.webappSources(), layout.output(), AppBuilder::notMirrored);
        boolean classesChanged = installClasses(snapshot, compiled);
        boolean appChanged = classesChanged || webChanges.stream().anyMatch(name -> name.startsWith("WEB-INF/"));
        String buildId = marker;
        if (appChanged || marker.isEmpty()) {
            buildId = UUID.randomUUID().toString();
            OutputTree.writeMarker(layout.output(), buildId);
        }
        state = nextState(snapshot, compiled, buildId);
        return reply.put("ok", true).put("appChanged", appChanged).put("staticChanges", webChanges.size())
                .put("ms", millisBetween(started, System.nanoTime()))
                .put("diagnostics", diagnostics.stream().map(CompileDiagnostic::toJson).toList());
    }

    /**
     * Compiles everything once, ahead of the first save: loads and warms javac, and when the output
     * already holds exactly these classes (a restart) adopts them, so the first save is incremental.
     */
    void warmUp(CancelToken token) throws IOException {
        Snapshot snapshot = Snapshot.scan(layout);
        if (snapshot.sources().isEmpty() || state != null) {
            return;
        }
        List<Path> all = List.copyOf(snapshot.sources().keySet());
        SourceCompiler.Outcome outcome =
                compiler.compile(all, snapshot.classPath(layout, false), snapshot.libraries(), token);
        if (outcome.ok() && matchesOutput(snapshot, outcome)) {
            state = nextState(snapshot, new Compiled(outcome, true, snapshot.sources().keySet()),
                    OutputTree.readMarker(layout.output()));
        } else {
            pendingSnapshot = snapshot;
            pending = outcome;
        }
    }

    private Compiled compile(Snapshot snapshot, CancelToken token) throws IOException {
        if (state == null || !snapshot.sources().keySet().containsAll(state.snapshot().sources().keySet())) {
            return compileAll(snapshot, token);
        }
        Set<Path> changed = new HashSet<>();
        snapshot.sources().forEach((file, checksum) -> {
            if (!checksum.equals(state.snapshot().sources().get(file))) {
                changed.add(file);
            }
        });
        if (changed.isEmpty()) {
            return new Compiled(null, false, Set.of());
        }
        SourceCompiler.Outcome outcome =
                compiler.compile(List.copyOf(changed), snapshot.classPath(layout, true), snapshot.libraries(), token);
        if (outcome.ok()) {
            for (Path file : changed) {
                if (!Objects.equals(state.api().get(file), outcome.apiBySource().get(file))) {
                    return compileAll(snapshot, token);
                }
            }
        }
        return new Compiled(outcome, false, changed);
    }

    private Compiled compileAll(Snapshot snapshot, CancelToken token) throws IOException {
        Set<Path> all = snapshot.sources().keySet();
        SourceCompiler.Outcome outcome;
        if (pending != null && snapshot.equals(pendingSnapshot)) {
            outcome = pending;
        } else if (all.isEmpty()) {
            outcome = new SourceCompiler.Outcome(true, Map.of(), Map.of(), Map.of(), Map.of(), List.of());
        } else {
            List<Path> files = List.copyOf(all);
            outcome = compiler.compile(files, snapshot.classPath(layout, false), snapshot.libraries(), token);
        }
        pending = null;
        pendingSnapshot = null;
        return new Compiled(outcome, true, all);
    }

    /** This build's findings, plus the remembered warnings of files it did not recompile. */
    private List<CompileDiagnostic> diagnostics(Compiled compiled) {
        List<CompileDiagnostic> all = new ArrayList<>();
        if (!compiled.full() && state != null) {
            state.diagnostics().forEach((file, found) -> {
                if (!compiled.sources().contains(file)) {
                    all.addAll(found);
                }
            });
        }
        if (compiled.outcome() != null) {
            compiled.outcome().diagnosticsBySource().values().forEach(all::addAll);
            all.addAll(compiled.outcome().otherDiagnostics());
        }
        return all;
    }

    /** Installs the next WEB-INF/classes when anything in it changed; says whether it did. */
    private boolean installClasses(Snapshot snapshot, Compiled compiled) throws IOException {
        Map<String, Path> copy = new LinkedHashMap<>();
        Set<String> link = new HashSet<>();
        Map<String, byte[]> write = compiled.outcome() == null ? Map.of() : compiled.outcome().classFiles();
        if (compiled.full()) {
            snapshot.resources().keySet().forEach(name -> copy.put(name, layout.classpathFile(name)));
        } else {
            Set<String> stale = new HashSet<>();
            compiled.sources().forEach(file -> stale.addAll(state.classFiles().getOrDefault(file, Set.of())));
            Map<String, OutputTree.Stamp> before = state.snapshot().resources();
            Map<String, OutputTree.Stamp> now = snapshot.resources();
            now.forEach((name, stamp) -> {
                if (!stamp.equals(before.get(name))) {
                    copy.put(name, layout.classpathFile(name));
                }
            });
            if (compiled.sources().isEmpty() && copy.isEmpty() && before.keySet().equals(now.keySet())) {
                return false;
            }
            for (String name : OutputTree.files(layout.classes(), name -> false).keySet()) {
                boolean replaced = write.containsKey(name) || stale.contains(name) || copy.containsKey(name);
                boolean removedResource = before.containsKey(name) && !now.containsKey(name);
                if (!replaced && !removedResource) {
                    link.add(name);
                }
            }
        }
        copy.keySet().removeAll(write.keySet()); // a class compiled from source wins over a prebuilt one
        OutputTree.installClasses(layout.output(), link, write, copy);
        return true;
    }

    /** True when the output's classes are exactly what this compile produced (plus the resources). */
    private boolean matchesOutput(Snapshot snapshot, SourceCompiler.Outcome outcome) throws IOException {
        Map<String, OutputTree.Stamp> present = OutputTree.files(layout.classes(), name -> false);
        Set<String> expected = new HashSet<>(outcome.classFiles().keySet());
        expected.addAll(snapshot.resources().keySet());
        if (!present.keySet().equals(expected)) {
            return false;
        }
        for (Map.Entry<String, byte[]> entry : outcome.classFiles().entrySet()) {
            if (!Arrays.equals(entry.getValue(), Files.readAllBytes(layout.classes().resolve(entry.getKey())))) {
                return false;
            }
        }
        return snapshot.resources().entrySet().stream()
                .allMatch(entry -> entry.getValue().equals(present.get(entry.getKey())));
    }

    private State nextState(Snapshot snapshot, Compiled compiled, String buildId) {
        if (compiled.full() || state == null) {
            SourceCompiler.Outcome outcome = compiled.outcome();
            return new State(snapshot, outcome.classFilesBySource(), outcome.apiBySource(),
                    outcome.diagnosticsBySource(), buildId);
        }
        Map<Path, Set<String>> classFiles = new HashMap<>(state.classFiles());
        Map<Path, String> api = new HashMap<>(state.api());
        Map<Path, List<CompileDiagnostic>> diagnostics = new HashMap<>(state.diagnostics());
        SourceCompiler.Outcome outcome = compiled.outcome();
        for (Path file : compiled.sources()) {
            classFiles.put(file, outcome.classFilesBySource().getOrDefault(file, Set.of()));
            api.put(file, outcome.apiBySource().get(file));
            diagnostics.put(file, outcome.diagnosticsBySource().getOrDefault(file, List.of()));
        }
        return new State(snapshot, classFiles, api, diagnostics, buildId);
    }

    /** Class files come from the compiler and the internal files from the build, never from the project. */
    private static boolean notMirrored(String name) {
        return name.startsWith("WEB-INF/classes/") || name.startsWith("WEB-INF/.slipway");
    }

    private static double millisBetween(long from, long to) {
        return Math.round((to - from) / 10_000.0) / 100.0;
    }
}
