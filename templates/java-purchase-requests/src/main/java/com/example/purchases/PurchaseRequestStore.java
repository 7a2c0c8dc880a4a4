package com.example.purchases;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * Keeps purchase requests in memory and in one text file, one request per line.
 *
 * <p>Every change rewrites the whole file: it is written to a temporary file next to it, flushed
 * to disk, then renamed over the old one, so a crash leaves either the old or the new file, never
 * half of one. All methods are synchronized, so concurrent requests see consistent data. The file
 * belongs to one instance of the app: keep {@code scaling.max} at 1 in slipway.json, or move to
 * the platform's datastore service before running several instances.
 */
public final class PurchaseRequestStore {
    static final String FILE_NAME = "purchase-requests.tsv";
    private static final String HEADER = "# purchase requests v1: id, status, amount, created, decided, title, requester";
    private static final String NO_TIME = "-";

    private final Path file;
    private final Clock clock;
    private Map<Long, PurchaseRequest> requests; // guarded by this
    private long nextId; // guarded by this

    private PurchaseRequestStore(Path file, Clock clock, Map<Long, PurchaseRequest> requests) {
        this.file = file;
        this.clock = clock;
        this.requests = requests;
        this.nextId = requests.keySet().stream().mapToLong(Long::longValue).max().orElse(0) + 1;
    }

    /** Opens (or starts) the store in {@code dataDir}, reading any requests saved there before. */
    public static PurchaseRequestStore open(Path dataDir, Clock clock) throws IOException {
        Files.createDirectories(dataDir);
        Path file = dataDir.resolve(FILE_NAME);
        Map<Long, PurchaseRequest> requests = Files.exists(file) ? read(file) : new LinkedHashMap<>();
        return new PurchaseRequestStore(file, clock, requests);
    }

    /** All requests, newest first. */
    public synchronized List<PurchaseRequest> list() {
        List<PurchaseRequest> newestFirst = new ArrayList<>(requests.values());
        newestFirst.sort(Comparator.comparingLong(PurchaseRequest::id).reversed());
        return newestFirst;
    }

    /** The request with this id, if there is one. */
    public synchronized Optional<PurchaseRequest> find(long id) {
        return Optional.ofNullable(requests.get(id));
    }

    /** Saves a new pending request and returns it with its id. */
    public synchronized PurchaseRequest create(String title, BigDecimal amount, String requester) {
        PurchaseRequest created = PurchaseRequest.submitted(nextId, title, amount, requester, clock.instant());
        commit(created);
        nextId++;
        return created;
    }

    /**
     * Approves or rejects a pending request.
     *
     * @throws NoSuchElementException if there is no such request
     * @throws IllegalStateException if it was already decided
     */
    public synchronized PurchaseRequest decide(long id, RequestStatus decision) {
        PurchaseRequest current = find(id).orElseThrow(() -> new NoSuchElementException("No request " + id));
        PurchaseRequest decided = current.decided(decision, clock.instant());
        commit(decided);
        return decided;
    }

    /** Writes the file first and changes memory only once that worked, so both always agree. */
    private void commit(PurchaseRequest changed) {
        Map<Long, PurchaseRequest> updated = new LinkedHashMap<>(requests);
        updated.put(changed.id(), changed);
        try {
            write(updated.values());
        } catch (IOException e) {
            throw new UncheckedIOException("Could not save " + file, e);
        }
        requests = updated;
    }

    private void write(Iterable<PurchaseRequest> all) throws IOException {
        StringBuilder text = new StringBuilder(HEADER).append('\n');
        for (PurchaseRequest request : all) {
            text.append(toLine(request)).append('\n');
        }
        Path temporary = Files.createTempFile(file.getParent(), FILE_NAME, ".tmp");
        try {
            try (FileOutputStream out = new FileOutputStream(temporary.toFile());
                    Writer writer = new OutputStreamWriter(out, UTF_8)) {
                writer.write(text.toString());
                writer.flush();
                out.getFD().sync();
            }
            moveIntoPlace(temporary);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    private void moveIntoPlace(Path temporary) throws IOException {
        try {
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            // Some network file systems cannot rename atomically; a plain replace is the best left.
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static Map<Long, PurchaseRequest> read(Path file) throws IOException {
        Map<Long, PurchaseRequest> requests = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(file, UTF_8);
        for (int index = 0; index < lines.size(); index++) {
            String line = lines.get(index);
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            try {
                PurchaseRequest request = fromLine(line);
                requests.put(request.id(), request);
            } catch (RuntimeException e) {
                throw new IOException(file + " line " + (index + 1) + " is damaged: " + e.getMessage(), e);
            }
        }
        return requests;
    }

    // Text fields are URL-encoded, so tabs and line breaks typed by users cannot break the format.
    private static String toLine(PurchaseRequest request) {
        return String.join("\t",
                Long.toString(request.id()),
                request.status().slug(),
                request.amount().toPlainString(),
                request.createdAt().toString(),
                request.decisionTime().map(Instant::toString).orElse(NO_TIME),
                URLEncoder.encode(request.title(), UTF_8),
                URLEncoder.encode(request.requester(), UTF_8));
    }

    private static PurchaseRequest fromLine(String line) {
        String[] fields = line.split("\t", -1);
        if (fields.length != 7) {
            throw new IllegalArgumentException("expected 7 fields, found " + fields.length);
        }
        RequestStatus status = RequestStatus.fromSlug(fields[1])
                .orElseThrow(() -> new IllegalArgumentException("unknown status " + fields[1]));
        return new PurchaseRequest(
                Long.parseLong(fields[0]),
                URLDecoder.decode(fields[5], UTF_8),
                new BigDecimal(fields[2]),
                URLDecoder.decode(fields[6], UTF_8),
                status,
                Instant.parse(fields[3]),
                NO_TIME.equals(fields[4]) ? null : Instant.parse(fields[4]));
    }
}
